'use strict';
/* Shared by the benchmarks: the sandbox process, image files, statistics, machine info, formatting. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
const BENCH = path.join(REPO, 'bench');
/** Scratch space (git-ignored). */
const WORK = path.join(BENCH, '.work');

const NODE_TYPE = 'n8n-nodes-argos-faces.argosFaces';
const NODE_NAME = 'Argos Faces';

function log(msg) {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

// ---------- the sandbox, in a child process ----------

/** Starts the sandbox in its own process; returns { url, apiKey, collections, call(cmd,args), close() }. */
async function startSandboxProcess(config = {}) {
	const child = fork(path.join(__dirname, 'sandbox-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	let seq = 0;
	const pending = new Map();
	child.on('message', ({ id, result, error }) => {
		const p = pending.get(id);
		if (!p) return;
		pending.delete(id);
		if (error) p.reject(new Error(`sandbox: ${error}`));
		else p.resolve(result);
	});
	child.on('exit', (code, signal) => {
		for (const p of pending.values()) p.reject(new Error(`sandbox process exited (${code ?? signal})`));
		pending.clear();
	});
	const call = (cmd, args) =>
		new Promise((resolve, reject) => {
			const id = ++seq;
			pending.set(id, { resolve, reject });
			child.send({ id, cmd, args });
		});
	const info = await call('start', { config });
	return {
		...info,
		pid: child.pid,
		call,
		setConfig: (c) => call('setConfig', { config: c }),
		reset: (config) => call('reset', { config }),
		clearRequests: () => call('clearRequests'),
		requests: (detail = false) => call('requests', { detail }),
		faceCount: (collectionId) => call('faceCount', { collectionId }),
		async close() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			call('close').catch(() => undefined);
			const t = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(t);
		},
	};
}

// ---------- image files ----------

/**
 * `count` distinct JPEG files of about `sizeBytes` each in bench/.work/images-<tag>/, made by the sandbox's
 * sampleImage: a real, decodable 8x8 JPEG (SOI, APP0, DQT, SOF0, DHT, SOS, EOI) whose COM segments carry a
 * unique label and padding up to the size. The node's magic-byte check and the sandbox's sniffing both see JPEG.
 * Reused between runs when the folder already holds the same set.
 */
function ensureImages(tag, count, sizeBytes) {
	const { sampleImage } = require(path.join(REPO, 'sandbox'));
	const dir = path.join(WORK, `images-${tag}`);
	const stamp = path.join(dir, '.made.json');
	const want = JSON.stringify({ count, sizeBytes, v: 1 });
	const files = Array.from({ length: count }, (_, i) => path.join(dir, `selfie-${String(i).padStart(4, '0')}.jpg`));
	try {
		if (fs.readFileSync(stamp, 'utf8') === want && files.every((f) => fs.existsSync(f))) return { dir, files };
	} catch {
		// make them
	}
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	files.forEach((f, i) => {
		const opts = { format: 'jpeg', label: `bench-${tag}-${i}` };
		if (sizeBytes) opts.sizeBytes = sizeBytes;
		fs.writeFileSync(f, sampleImage(opts));
	});
	fs.writeFileSync(stamp, want);
	return { dir, files };
}

// ---------- statistics ----------

function median(values) {
	const v = [...values].sort((a, b) => a - b);
	if (!v.length) return NaN;
	const m = Math.floor(v.length / 2);
	return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const round = (x, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
const mb = (bytes) => round(bytes / 1048576, 1);

function summarize(values, digits = 3) {
	return { median: round(median(values), digits), min: round(Math.min(...values), digits), max: round(Math.max(...values), digits), runs: values.map((v) => round(v, digits)) };
}

// ---------- machine ----------

function machineInfo() {
	const cpus = os.cpus();
	let n8nCore;
	let n8nWorkflow;
	try {
		n8nCore = require(require.resolve('n8n-core/package.json', { paths: [REPO] })).version;
		n8nWorkflow = require(require.resolve('n8n-workflow/package.json', { paths: [REPO] })).version;
	} catch {
		// not installed
	}
	return {
		cpuModel: cpus[0] && cpus[0].model,
		cores: cpus.length,
		totalMemMb: Math.round(os.totalmem() / 1048576),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		n8nCore,
		n8nWorkflow,
		package: require(path.join(REPO, 'package.json')).version,
	};
}

/** 1-minute load average: the machine is shared, so every figure is recorded next to it. */
const load = () => round(os.loadavg()[0], 2);

// ---------- formatting ----------

function table(headers, rows) {
	const cells = [headers, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))));
	const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
	const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
	return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = {
	REPO,
	BENCH,
	WORK,
	NODE_TYPE,
	NODE_NAME,
	log,
	startSandboxProcess,
	ensureImages,
	median,
	round,
	mb,
	summarize,
	machineInfo,
	load,
	table,
	sleep,
};
