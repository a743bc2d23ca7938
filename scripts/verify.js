#!/usr/bin/env node
'use strict';
/*
 * `npm run verify`: checks the PACKED tarball the way n8n's community-package scanner checks a published
 * version (its lint leg on the tarball), plus the package.json and content rules n8n states for community
 * packages. Run it before tagging a release.
 *
 *   1. `npm run build` (skip with --skip-build), `npm pack` into a temp folder, unpack it;
 *   2. the tarball holds only dist/, README, LICENSE and package.json;
 *   3. package.json: name prefix, community keyword, `n8n` paths under dist/ that exist in the tarball,
 *      files: ["dist"], MIT, no dependencies, peer n8n-workflow "*", no install lifecycle scripts;
 *   4. n8n's community-package scanner, its own code (analyzePackage of @n8n/scan-community-package):
 *      the tarball leg on the unpacked tarball and the source leg on this checkout. Any finding fails.
 *
 * Exits 1 with a list of what is wrong; 0 when everything passes. Warnings are printed, not fatal.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const SKIP_BUILD = args.includes('--skip-build');
const KEEP = args.includes('--keep');

const problems = [];
const warnings = [];
const fail = (msg) => problems.push(msg);
const warn = (msg) => warnings.push(msg);
const say = (msg) => process.stdout.write(`${msg}\n`);

function run(cmd, cmdArgs, opts = {}) {
	const env = { ...process.env };
	for (const k of Object.keys(env)) if (/^npm_(lifecycle|package)_/i.test(k)) delete env[k];
	const r = spawnSync(cmd, cmdArgs, { cwd: REPO, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, ...opts });
	if (r.status !== 0) {
		const out = `${r.stdout || ''}\n${r.stderr || ''}`.trim().split('\n').slice(-30).join('\n');
		throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})\n${out}`);
	}
	return r.stdout;
}

function checkContents(files) {
	const allowedTop = /^(package\.json|README(\.[a-z]+)?|LICEN[CS]E(\.[a-z]+)?)$/i;
	const stray = files.filter((f) => !f.startsWith('dist/') && !allowedTop.test(f));
	if (stray.length) {
		fail(
			`the tarball holds files outside dist/, README, LICENSE and package.json: ${stray.join(', ')}` +
				(stray.includes('index.js')
					? ' (npm always packs the file named by "main": drop "main" — n8n loads the package through its "n8n" field — or point it into dist/)'
					: ''),
		);
	}
	if (!files.some((f) => /^README(\.md)?$/i.test(f))) fail('the tarball has no README.md (npm and n8n show it as the package page)');
	if (!files.some((f) => /^LICEN[CS]E(\.md|\.txt)?$/i.test(f))) fail('the tarball has no LICENSE file (the MIT licence text)');
	if (!files.some((f) => f.startsWith('dist/'))) fail('the tarball has no dist/ folder: was the package built?');
	if (files.some((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))) warn('the tarball contains TypeScript sources');
}

function checkPackageJson(pkg, files) {
	const has = (f) => files.includes(f);
	if (typeof pkg.name !== 'string' || !/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-[a-z0-9-._~]+$/.test(pkg.name)) {
		fail(`package.json "name" must start with "n8n-nodes-" (or be "@scope/n8n-nodes-..."), got ${JSON.stringify(pkg.name)}`);
	}
	if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('n8n-community-node-package')) {
		fail('package.json "keywords" must include "n8n-community-node-package"');
	}
	if (pkg.license !== 'MIT') fail(`package.json "license" must be "MIT", got ${JSON.stringify(pkg.license)}`);
	if (JSON.stringify(pkg.files) !== JSON.stringify(['dist'])) {
		fail(`package.json "files" must be ["dist"], got ${JSON.stringify(pkg.files)}`);
	}
	for (const field of ['dependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) {
		const v = pkg[field];
		if (v && (Array.isArray(v) ? v.length : Object.keys(v).length)) {
			fail(`package.json "${field}" must be empty (community nodes may not have runtime dependencies): ${JSON.stringify(v)}`);
		}
	}
	if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' })) {
		fail(`package.json "peerDependencies" must be exactly {"n8n-workflow":"*"}, got ${JSON.stringify(pkg.peerDependencies)}`);
	}
	if (pkg.overrides) fail('package.json must not have "overrides"');
	const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare', 'prepublish'];
	const bad = lifecycle.filter((s) => pkg.scripts && pkg.scripts[s] !== undefined);
	if (bad.length) fail(`package.json has lifecycle scripts that run on the user's machine: ${bad.join(', ')}`);

	const n8n = pkg.n8n;
	if (!n8n || typeof n8n !== 'object') {
		fail('package.json has no "n8n" object (n8n finds the nodes and credentials through it)');
		return;
	}
	if (!Number.isInteger(n8n.n8nNodesApiVersion) || n8n.n8nNodesApiVersion < 1) {
		fail(`package.json n8n.n8nNodesApiVersion must be a positive integer, got ${JSON.stringify(n8n.n8nNodesApiVersion)}`);
	}
	if (!Array.isArray(n8n.nodes) || n8n.nodes.length === 0) fail('package.json n8n.nodes must be a non-empty array');
	for (const key of ['nodes', 'credentials']) {
		for (const p of n8n[key] || []) {
			if (typeof p !== 'string' || !p.startsWith('dist/')) fail(`package.json n8n.${key} entry ${JSON.stringify(p)} must start with "dist/"`);
			else if (!has(p)) fail(`package.json n8n.${key} names ${p}, which is not in the tarball`);
			else if (key === 'nodes' && !has(p.replace(/\.js$/, '.json'))) warn(`${p} has no codex file (${path.basename(p, '.js')}.json) beside it`);
		}
		for (const p of n8n[key] || []) {
			if (typeof p !== 'string') continue;
			const base = path.basename(p).replace(/\.(node|credentials)\.js$/, '');
			if (has(p) && !new RegExp(`class ${base}\\b|exports\\.${base}\\s*=`).test(readTar(p))) {
				fail(`${p} does not export a class named ${base}: n8n would report "Class could not be found"`);
			}
		}
	}
	if (!pkg.repository || !pkg.repository.url) warn('package.json has no repository.url (npm provenance links the source through it)');
}

let PKG_DIR;
const readTar = (p) => fs.readFileSync(path.join(PKG_DIR, p), 'utf8');

/**
 * n8n's own scanner code (@n8n/scan-community-package, pinned): `analyzePackage(dir, globs)` is what its
 * CLI runs on a published version's tarball and on the provenance-attested source checkout. Its CLI
 * cannot be used here (it downloads the published version and its GitHub source), so both legs run on
 * what we have: the unpacked tarball with the scanner's default globs, and this checkout with its
 * SOURCE_FILE_PATTERNS.
 */
async function scan(dir, label, patterns) {
	const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	const result = await scanner.analyzePackage(dir, patterns ?? undefined);
	if (result.details) say(String(result.details).split(dir + path.sep).join(`<${label}>/`).trim());
	if (!result.passed) fail(`n8n's scanner (${label} leg): ${result.message}`);
	return result.passed;
}

async function scanBothLegs(pkgDir) {
	const { SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	const tarball = await scan(pkgDir, 'tarball');
	const source = await scan(REPO, 'source', SOURCE_FILE_PATTERNS);
	return { tarball, source };
}

async function main() {
	const t0 = Date.now();
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-verify-'));
	try {
		if (!SKIP_BUILD) {
			say('build: npm run build');
			run('npm', ['run', 'build']);
		}
		const packOut = run('npm', ['pack', '--json', '--pack-destination', tmp]);
		const info = JSON.parse(packOut.slice(packOut.indexOf('[')))[0];
		const tgz = path.join(tmp, info.filename);
		PKG_DIR = path.join(tmp, 'package');
		fs.mkdirSync(PKG_DIR);
		run('tar', ['-xzf', tgz, '-C', PKG_DIR, '--strip-components=1']);
		const files = info.files.map((f) => f.path).sort();
		say(`packed: ${info.filename} — ${files.length} files, ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked`);

		checkContents(files);
		const pkg = JSON.parse(readTar('package.json'));
		checkPackageJson(pkg, files);
		const legs = await scanBothLegs(PKG_DIR);
		say(`scanner: tarball ${legs.tarball ? 'passed' : 'FAILED'}, source ${legs.source ? 'passed' : 'FAILED'}`);
	} catch (err) {
		fail(err.message);
	} finally {
		if (KEEP) say(`kept: ${tmp}`);
		else fs.rmSync(tmp, { recursive: true, force: true });
	}

	for (const w of warnings) say(`warning: ${w}`);
	const secs = ((Date.now() - t0) / 1000).toFixed(1);
	if (problems.length) {
		say(`\nverify FAILED (${problems.length} problem(s), ${secs} s):`);
		for (const p of problems) say(`  ✗ ${p}`);
		process.exit(1);
	}
	say(`\nverify passed (${secs} s): the packed tarball meets the community-package rules`);
}

module.exports = { scan, checkPackageJson, checkContents, problems, warnings };

if (require.main === module) main();
