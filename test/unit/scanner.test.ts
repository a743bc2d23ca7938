/**
 * `npm run verify` delegates its lint legs to n8n's own scanner code. These tests prove the gate can
 * fail: small packages that break n8n's community rules are rejected by it, naming the rule, and a
 * conforming one passes. The scanner is an ES module, so it runs in a child Node process.
 */
import { childProcess, fs, os, path, process, repoPath } from '../support/builtins';

const { spawnSync } = childProcess;
const VERIFY = repoPath('scripts/verify.js');

function scanFixture(files: Record<string, string>): { ok: boolean; output: string } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-scan-'));
	try {
		for (const [name, text] of Object.entries(files)) {
			fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
			fs.writeFileSync(path.join(dir, name), text);
		}
		const script = `require(${JSON.stringify(VERIFY)}).scan(${JSON.stringify(dir)}, 'fixture').then((ok) => process.exit(ok ? 0 : 1))`;
		const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60000 });
		return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}` };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

const goodPackage = {
	name: 'n8n-nodes-scan-fixture',
	version: '0.0.1',
	description: 'A fixture for the scanner test',
	keywords: ['n8n-community-node-package'],
	license: 'MIT',
	homepage: 'https://example.com/n8n-nodes-scan-fixture',
	author: { name: 'fixture', email: 'fixture@example.com' },
	repository: { type: 'git', url: 'git+https://example.com/fixture.git' },
	files: ['dist'],
	n8n: { n8nNodesApiVersion: 1, nodes: ['dist/nodes/Fixture/Fixture.node.js'] },
	peerDependencies: { 'n8n-workflow': '*' },
};

const nodeJs = (body: string) => `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.helper = void 0;
function helper(value) {
${body}
}
exports.helper = helper;
`;

describe("n8n's scanner, as npm run verify runs it", () => {
	it('passes a package that follows the community rules', () => {
		const r = scanFixture({
			'package.json': JSON.stringify(goodPackage, null, 2),
			'dist/nodes/Fixture/helper.js': nodeJs('\treturn String(value);'),
		});
		expect(r.output).not.toMatch(/error/);
		expect(r.ok).toBe(true);
	});

	it('fails on a runtime dependency and a non-"*" peer range, naming the rules', () => {
		const r = scanFixture({
			'package.json': JSON.stringify({ ...goodPackage, dependencies: { axios: '1.0.0' }, peerDependencies: { 'n8n-workflow': '^2.0.0' } }, null, 2),
		});
		expect(r.ok).toBe(false);
		expect(r.output).toMatch(/no-runtime-dependencies/);
		expect(r.output).toMatch(/valid-peer-dependencies/);
	});

	it('fails on restricted globals in shipped code, even behind an inline disable comment', () => {
		const r = scanFixture({
			'package.json': JSON.stringify(goodPackage, null, 2),
			'dist/nodes/Fixture/helper.js': nodeJs('\t// eslint-disable-next-line\n\tsetTimeout(() => value, 10);\n\treturn process.env.SECRET;'),
		});
		expect(r.ok).toBe(false);
		expect(r.output).toMatch(/no-restricted-globals/);
	});
});
