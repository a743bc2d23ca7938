'use strict';
/*
 * Builds and packs this repository, and installs the tarball into an n8n user folder the way n8n's
 * community-package installer does: the package is unpacked to <user>/.n8n/nodes/node_modules/<name>,
 * its dev/peer/optional dependencies are dropped from its package.json, `npm install` runs inside it
 * (shallow strategy, no scripts, no lockfile, no bin links), and <user>/.n8n/nodes/package.json records
 * it as a dependency. n8n then finds it by scanning nodes/node_modules at start-up.
 */
const fs = require('node:fs');
const path = require('node:path');
const { runProcess } = require('./proc');

const REPO = path.resolve(__dirname, '..', '..', '..');

function cleanEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		// when started through `npm run`, npm passes its own settings down; keep only the user's npmrc
		if (/^npm_/i.test(k) && !/^npm_config_(cache|registry|userconfig|cafile)$/i.test(k)) continue;
		env[k] = v;
	}
	return { ...env, ...extra };
}

async function must(label, cmd, args, opts) {
	const r = await runProcess(cmd, args, opts);
	if (r.code !== 0) {
		const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n');
		throw new Error(`${label} failed (exit ${r.code ?? r.signal})${opts.logFile ? `; log: ${opts.logFile}` : ''}\n${tail}`);
	}
	return r;
}

/**
 * `npm run build`, then `npm pack` into outDir. Returns { tgz, name, version, files, buildMs, packMs }.
 * `repo`: another checkout of this package (e.g. an older commit, for "before" pictures); default this one.
 */
async function buildAndPack(outDir, { logFile, skipBuild = false, repo = REPO } = {}) {
	fs.mkdirSync(outDir, { recursive: true });
	let buildMs = 0;
	if (!skipBuild) {
		const b = await must('npm run build', 'npm', ['run', 'build'], { cwd: repo, env: cleanEnv(), logFile, timeoutMs: 300_000 });
		buildMs = b.ms;
	}
	const p = await must('npm pack', 'npm', ['pack', '--json', '--pack-destination', outDir], {
		cwd: repo,
		env: cleanEnv(),
		logFile,
		timeoutMs: 120_000,
	});
	const info = JSON.parse(p.stdout.slice(p.stdout.indexOf('[')))[0];
	return {
		tgz: path.join(outDir, info.filename),
		name: info.name,
		version: info.version,
		files: info.files.map((f) => f.path),
		buildMs,
		packMs: p.ms,
	};
}

/**
 * Installs a packed tarball into userFolder/.n8n/nodes like n8n's community-package installer.
 * env: the environment for npm (e.g. Node 24 first on PATH). Returns the package directory.
 */
async function installLikeN8n(userFolder, tgz, { env, logFile }) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const nodesPkg = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(nodesPkg)) {
		fs.writeFileSync(nodesPkg, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	// read the name from the tarball itself
	const list = await must('tar -xOzf package.json', 'tar', ['-xOzf', tgz, 'package/package.json'], { env, logFile });
	const { name } = JSON.parse(list.stdout);
	const pkgDir = path.join(nodesDir, 'node_modules', ...name.split('/'));
	fs.rmSync(pkgDir, { recursive: true, force: true });
	fs.mkdirSync(pkgDir, { recursive: true });
	await must('unpack tarball', 'tar', ['-xzf', tgz, '-C', pkgDir, '--strip-components=1'], { env, logFile });

	const pkgJsonPath = path.join(pkgDir, 'package.json');
	const pkg = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
	delete pkg.devDependencies;
	delete pkg.peerDependencies;
	delete pkg.optionalDependencies;
	fs.writeFileSync(pkgJsonPath, JSON.stringify(pkg, null, 2));

	await must(
		'npm install (inside the package, as n8n does)',
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: pkgDir, env, logFile, timeoutMs: 180_000 },
	);

	const nodes = JSON.parse(fs.readFileSync(nodesPkg, 'utf8'));
	nodes.dependencies = { ...(nodes.dependencies || {}), [name]: pkg.version };
	fs.writeFileSync(nodesPkg, JSON.stringify(nodes, null, 2));
	return pkgDir;
}

module.exports = { REPO, buildAndPack, installLikeN8n, cleanEnv };
