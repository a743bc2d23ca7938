/**
 * The package ships nodes/ and credentials/ only. n8n-node lint checks their imports of packages and built-ins,
 * but a relative import is always allowed: one that reaches test/ (e.g. test/support/builtins.js, which hands
 * tests Node's built-ins past that lint) would build, pass the engine tests, and fail in n8n, where test/ is not
 * installed. So: every relative import in shipped code stays inside nodes/ and credentials/.
 */
import { fs, path, repoPath } from '../support/builtins';

const SHIPPED = ['nodes', 'credentials'].map((dir) => repoPath(dir));

function sources(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sources(full);
		return /\.ts$/.test(entry.name) ? [full] : [];
	});
}

it('relative imports in nodes/ and credentials/ stay inside them', () => {
	const files = SHIPPED.flatMap(sources);
	expect(files.length).toBeGreaterThan(10);
	const outside: string[] = [];
	for (const file of files) {
		const text = fs.readFileSync(file, 'utf8');
		for (const [, spec] of text.matchAll(/(?:\bfrom|\bimport\s*\(|\brequire\s*\()\s*['"]([^'"]+)['"]/g)) {
			if (!spec.startsWith('.')) continue;
			const target = path.resolve(path.dirname(file), spec);
			if (!SHIPPED.some((root) => target === root || target.startsWith(root + path.sep))) {
				outside.push(`${path.relative(repoPath(), file)}: ${spec}`);
			}
		}
	}
	expect(outside).toEqual([]);
});
