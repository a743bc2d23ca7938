#!/usr/bin/env node
'use strict';
/*
 * Installs the real n8n versions the end-to-end suite runs against, into a cache folder outside the
 * repository (default $HOME/.cache/n8n-nodes-argos-faces-e2e, override with ARGOS_E2E_CACHE):
 *
 *   node-24.21.0/   Node 24 from the npm registry's `node` package (n8n 2.x needs Node >= 24)
 *   n8n-2.41.1/     n8n 2.41.1, run on Node 24
 *   n8n-1.123.81/   n8n 1.123.81, run on Node 24 too (its default vm expression engine works there)
 *
 * Each n8n is installed with --ignore-scripts (an install with scripts tries to download native
 * binaries from hosts this machine cannot reach and then rolls everything back), then sqlite3 -- the
 * only native module n8n needs here -- is rebuilt against Node 24's headers. 1.x needs an `overrides`
 * entry for xlsx: its own pin points at a tarball outside the registry.
 *
 * Idempotent: a finished install leaves a marker file, and a second run only checks the markers.
 * Plain Node.js, no dependencies. Usage:
 *   node test/e2e/install-n8n.js [--only=2.41.1,1.123.81] [--force]
 * or require('./install-n8n').ensureInstalls({ log }).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const NODE_VERSION = '24.21.0';
const N8N_VERSIONS = ['2.41.1', '1.123.81'];
const MARKER = '.argos-e2e-installed.json';
/** Bump when the recipe changes so old caches are redone. */
const RECIPE = 1;

function cacheRoot() {
	return process.env.ARGOS_E2E_CACHE
		? path.resolve(process.env.ARGOS_E2E_CACHE)
		: path.join(os.homedir(), '.cache', 'n8n-nodes-argos-faces-e2e');
}

function fmt(ms) {
	const s = ms / 1000;
	return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${(s % 60).toFixed(0).padStart(2, '0')} s`;
}

function defaultLog(msg) {
	process.stderr.write(`[install-n8n ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function readMarker(dir) {
	try {
		const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
		return m && m.recipe === RECIPE ? m : undefined;
	} catch {
		return undefined;
	}
}

function writeMarker(dir, data) {
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ recipe: RECIPE, ...data }, null, 2) + '\n');
}

/** Runs a command; its output goes to a log file (npm is chatty), the tail is shown on failure. */
function run(cmd, args, { cwd, env, logFile, label, log }) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}   (cwd ${cwd})\n`);
		const started = Date.now();
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
		const ticker = setInterval(() => log(`  ... ${label}: ${fmt(Date.now() - started)} so far`), 60_000);
		ticker.unref();
		child.on('error', (err) => {
			clearInterval(ticker);
			fs.closeSync(out);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearInterval(ticker);
			fs.closeSync(out);
			if (code === 0) return resolve(Date.now() - started);
			let tail = '';
			try {
				tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
			} catch {}
			reject(
				new Error(`${label} failed (exit ${code ?? signal}); full log: ${logFile}\n--- last lines ---\n${tail}`),
			);
		});
	});
}

function nodePaths(root) {
	const dir = path.join(root, `node-${NODE_VERSION}`);
	const pkgDir = path.join(dir, 'node_modules', 'node');
	return {
		dir,
		bin: path.join(pkgDir, 'bin', 'node'),
		binDir: path.join(pkgDir, 'bin'),
		// the full Node distribution (with include/ headers) that the `node` package's preinstall fetches
		headers: path.join(pkgDir, 'node_modules', `node-linux-${process.arch}`),
	};
}

function n8nPaths(root, version) {
	const dir = path.join(root, `n8n-${version}`);
	return { dir, bin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n') };
}

/** npm on Node 24 (first on PATH), native builds against Node 24's headers (the machine's npmrc says /usr). */
function node24Env(node) {
	return {
		...process.env,
		PATH: `${node.binDir}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: node.headers,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
}

async function ensureNode(root, { log, force }) {
	const node = nodePaths(root);
	if (!force && readMarker(node.dir) && fs.existsSync(node.bin)) {
		log(`Node ${NODE_VERSION}: cached (${node.dir})`);
		return { ...node, ms: 0, cached: true };
	}
	log(`Node ${NODE_VERSION}: installing the npm package node@${NODE_VERSION} into ${node.dir}`);
	fs.mkdirSync(node.dir, { recursive: true });
	fs.writeFileSync(
		path.join(node.dir, 'package.json'),
		JSON.stringify({ name: 'argos-e2e-node24', private: true }, null, 2) + '\n',
	);
	const ms = await run(
		'npm',
		// the package's preinstall script fetches the platform package: scripts must run here
		['install', `node@${NODE_VERSION}`, '--ignore-scripts=false', '--no-audit', '--no-fund', '--no-save'],
		{ cwd: node.dir, env: process.env, logFile: path.join(node.dir, 'install.log'), label: 'npm install node', log },
	);
	const version = execFileSync(node.bin, ['--version'], { encoding: 'utf8' }).trim();
	if (version !== `v${NODE_VERSION}`) throw new Error(`${node.bin} reports ${version}, expected v${NODE_VERSION}`);
	if (!fs.existsSync(path.join(node.headers, 'include', 'node', 'node_api.h'))) {
		throw new Error(`Node headers missing under ${node.headers} (the node package's preinstall did not run?)`);
	}
	writeMarker(node.dir, { node: version, installMs: ms, at: new Date().toISOString() });
	log(`Node ${NODE_VERSION}: installed in ${fmt(ms)}`);
	return { ...node, ms, cached: false };
}

function n8nPackageJson(version) {
	const pkg = { name: `argos-e2e-n8n-${version.replace(/\./g, '-')}`, private: true, dependencies: { n8n: version } };
	// n8n-nodes-base 1.x pins xlsx to a tarball URL outside the registry; 0.18.5 is the newest in the registry
	if (version.startsWith('1.')) pkg.overrides = { xlsx: '0.18.5' };
	return pkg;
}

function sqliteVersion(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'sqlite3', 'package.json'), 'utf8')).version;
	} catch {
		return undefined;
	}
}

function sqliteLoads(node, dir) {
	try {
		execFileSync(node.bin, ['-e', 'require("sqlite3"); new (require("sqlite3").Database)(":memory:").close()'], {
			cwd: dir,
			stdio: 'pipe',
			timeout: 30_000,
		});
		return true;
	} catch {
		return false;
	}
}

async function installN8nPackages(root, version, node, { log }) {
	const { dir } = n8nPaths(root, version);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(n8nPackageJson(version), null, 2) + '\n');
	log(`n8n ${version}: npm install --ignore-scripts (about 3-5 min) into ${dir}`);
	const ms = await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], {
		cwd: dir,
		env: node24Env(node),
		logFile: path.join(dir, 'install.log'),
		label: `npm install n8n@${version}`,
		log,
	});
	log(`n8n ${version}: packages installed in ${fmt(ms)}`);
	return ms;
}

/**
 * sqlite3 is an N-API module: one build serves every Node version. If another cached install already
 * built the same sqlite3 version, its build folder is reused instead of compiling again (about 2 min).
 */
async function buildSqlite(root, version, node, { log, donor }) {
	const { dir } = n8nPaths(root, version);
	const ver = sqliteVersion(dir);
	if (!ver) throw new Error(`n8n ${version}: node_modules/sqlite3 missing after install`);
	const target = path.join(dir, 'node_modules', 'sqlite3', 'build');
	if (donor && sqliteVersion(donor) === ver && fs.existsSync(path.join(donor, 'node_modules', 'sqlite3', 'build'))) {
		const started = Date.now();
		fs.rmSync(target, { recursive: true, force: true });
		fs.cpSync(path.join(donor, 'node_modules', 'sqlite3', 'build'), target, { recursive: true });
		if (sqliteLoads(node, dir)) {
			const ms = Date.now() - started;
			log(`n8n ${version}: sqlite3 ${ver} build reused from ${path.basename(donor)} (${fmt(ms)})`);
			return { ms, how: 'copied' };
		}
		log(`n8n ${version}: the copied sqlite3 build does not load; compiling instead`);
	}
	log(`n8n ${version}: npm rebuild sqlite3 ${ver} against Node ${NODE_VERSION} headers (about 2 min)`);
	const ms = await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], {
		cwd: dir,
		env: node24Env(node),
		logFile: path.join(dir, 'install.log'),
		label: `npm rebuild sqlite3 (n8n ${version})`,
		log,
	});
	if (!sqliteLoads(node, dir)) throw new Error(`n8n ${version}: sqlite3 still does not load after the rebuild`);
	log(`n8n ${version}: sqlite3 built in ${fmt(ms)}`);
	return { ms, how: 'compiled' };
}

function checkN8n(node, version, bin) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-version-'));
	let out;
	try {
		out = execFileSync(node.bin, [bin, '--version'], {
			encoding: 'utf8',
			env: { ...process.env, N8N_USER_FOLDER: userFolder },
			timeout: 120_000,
		}).trim();
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
	if (!out.split('\n').some((l) => l.trim() === version)) {
		throw new Error(`n8n --version printed "${out}", expected ${version}`);
	}
}

/**
 * Installs whatever is missing. The npm installs run one after the other (each is I/O and memory
 * heavy); a sqlite3 compile overlaps with the next npm install.
 * Returns { root, node: {bin, binDir, headers}, n8n: { [version]: { dir, bin } }, timings }.
 */
async function ensureInstalls({ log = defaultLog, versions = N8N_VERSIONS, force = false } = {}) {
	const root = cacheRoot();
	fs.mkdirSync(root, { recursive: true });
	const t0 = Date.now();
	const timings = {};
	const node = await ensureNode(root, { log, force });
	timings[`node@${NODE_VERSION}`] = node.cached ? 'cached' : fmt(node.ms);

	const result = { root, node: { bin: node.bin, binDir: node.binDir, headers: node.headers }, n8n: {}, timings };
	// sqlite3 jobs form a chain: each may reuse the build of the one before it, and a compile
	// (single-threaded) overlaps with the next npm install (I/O bound).
	let sqliteChain = Promise.resolve();
	let donor;
	const pending = [];
	for (const version of versions) {
		const p = n8nPaths(root, version);
		result.n8n[version] = p;
		const marker = !force && readMarker(p.dir);
		if (marker && fs.existsSync(p.bin)) {
			log(`n8n ${version}: cached (installed ${marker.at}, took ${marker.total})`);
			timings[`n8n@${version}`] = 'cached';
			donor = donor ?? p.dir;
			continue;
		}
		const started = Date.now();
		const installMs = await installN8nPackages(root, version, node, { log });
		const donorDir = () => (donor && donor !== p.dir && readMarker(donor) ? donor : undefined);
		sqliteChain = sqliteChain
			.catch(() => undefined)
			.then(() => buildSqlite(root, version, node, { log, donor: donorDir() }))
			.then((sq) => {
				checkN8n(node, version, p.bin);
				const total = fmt(Date.now() - started);
				writeMarker(p.dir, {
					n8n: version,
					node: NODE_VERSION,
					npmInstall: fmt(installMs),
					sqlite3: `${fmt(sq.ms)} (${sq.how})`,
					total,
					at: new Date().toISOString(),
				});
				timings[`n8n@${version}`] = `${total} (npm install ${fmt(installMs)}, sqlite3 ${fmt(sq.ms)} ${sq.how})`;
				log(`n8n ${version}: ready in ${total}`);
			});
		sqliteChain.catch(() => undefined); // reported by Promise.all below, not as an unhandled rejection
		pending.push(sqliteChain);
		donor = donor ?? p.dir;
	}
	await Promise.all(pending);
	timings.total = fmt(Date.now() - t0);
	log(`all installs ready in ${timings.total}`);
	return result;
}

module.exports = { ensureInstalls, cacheRoot, NODE_VERSION, N8N_VERSIONS, nodePaths, n8nPaths };

if (require.main === module) {
	const args = process.argv.slice(2);
	const only = args.find((a) => a.startsWith('--only='));
	const versions = only ? only.slice('--only='.length).split(',') : N8N_VERSIONS;
	ensureInstalls({ versions, force: args.includes('--force') }).then(
		(r) => {
			process.stdout.write(JSON.stringify(r, null, 2) + '\n');
		},
		(err) => {
			defaultLog(`FAILED: ${err.message}`);
			process.exit(1);
		},
	);
}
