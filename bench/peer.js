'use strict';
/*
 * 4. Against the route users take today, in real n8n 2.41.1 (`n8n start`, the e2e suite's install and helpers:
 * test/e2e/install-n8n.js, test/e2e/lib/{n8n,package,proc}.js). The packed tarball is installed like n8n's
 * community-package installer does. Every variant is one webhook-triggered workflow that reads the same N
 * JPEG files from disk (Read/Write Files from Disk, n8n's default filesystem binary mode) and enrols them:
 *
 *   argos         Webhook -> Read Files -> Argos Faces Add (concurrency C)
 *   extractHttp   Webhook -> Read Files -> Extract From File (binaryToPropery, keepSource json) -> HTTP Request 4.2
 *                 POST JSON {collectionId, userName, faceImage} with a Header Auth credential (x-api-key),
 *                 batching: C items per batch, batchInterval = the sandbox latency
 *   extractHttpUnbounded   the same without the batching option (n8n's default: all N requests at once)
 *
 * HTTP Request has no in-flight limit: its batching only waits batchInterval ms before every C-th item's request
 * is started, it never waits for answers. With batchInterval equal to the API latency this is the closest it
 * gets to "C at a time" (same ideal, ceil(N/C) x latency); the unbounded variant is what it does by default.
 *
 * Images: 256 KB JPEGs by default (a typical KYC selfie; 1 MB made one call of the slowest variant run for
 * over a minute on this 2-core machine).
 *
 * Each variant gets its own fresh `n8n start` (same user folder), a warm-up call with a few images, then R
 * measured calls. Wall = the webhook round trip (responseMode lastNode: answered when the execution ends).
 * Memory = the n8n process tree (the process group: n8n and its task runner): per-process peak RSS (VmHWM,
 * reset through /proc/<pid>/clear_refs before each call) summed, and the sum of VmRSS sampled every 20 ms.
 */
const fs = require('node:fs');
const path = require('node:path');
const { REPO, WORK, ensureImages, median, round, mb, summarize, load, log, table, sleep } = require('./lib/common');

const DEFAULTS = { n: 200, concurrency: 8, latencyMs: 50, imageBytes: 262144, reps: 3, warmUpImages: 8, version: '2.41.1', callTimeoutMs: 600_000 };
const MARKER = '.argos-e2e-installed.json';

/** The e2e install, if it is complete (never started from here unless asked: it takes minutes). */
async function findInstall(version, { install }) {
	const inst = require(path.join(REPO, 'test', 'e2e', 'install-n8n.js'));
	const root = inst.cacheRoot();
	const n8n = inst.n8nPaths(root, version);
	const node = inst.nodePaths(root);
	const ready = fs.existsSync(path.join(n8n.dir, MARKER)) && fs.existsSync(n8n.bin) && fs.existsSync(path.join(node.dir, MARKER)) && fs.existsSync(node.bin);
	if (ready) return { n8n, node: { bin: node.bin, binDir: node.binDir, headers: node.headers } };
	if (!install) return null;
	const r = await inst.ensureInstalls({ versions: [version], log: (m) => log(`install: ${m}`) });
	return { n8n: r.n8n[version], node: r.node };
}

// ---------- the n8n process tree's memory ----------

function groupPids(pgid) {
	const pids = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid) pids.push(Number(name));
		} catch {
			// gone
		}
	}
	return pids;
}

function status(pid) {
	try {
		const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s) || [])[1] || 0) * 1024;
		return { rss: kb('VmRSS'), hwm: kb('VmHWM'), name: (/^Name:\s+(.*)$/m.exec(s) || [])[1] };
	} catch {
		return null;
	}
}

class TreeMeter {
	constructor(pgid) {
		this.pgid = pgid;
	}
	pids() {
		// the group is stable during a call; refreshed at each start()
		return this._pids;
	}
	start() {
		this._pids = groupPids(this.pgid);
		this.resetOk = this._pids.every((pid) => {
			try {
				fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
				return true;
			} catch {
				return false;
			}
		});
		this.idle = this.sum('rss');
		this.sampledPeak = this.idle;
		this.timer = setInterval(() => {
			const now = this.sum('rss');
			if (now > this.sampledPeak) this.sampledPeak = now;
		}, 20);
	}
	sum(field) {
		let total = 0;
		for (const pid of this._pids) {
			const s = status(pid);
			if (s) total += s[field];
		}
		return total;
	}
	stop() {
		clearInterval(this.timer);
		const perProcess = this._pids.map((pid) => ({ pid, ...status(pid) })).filter((p) => p.name);
		return {
			idleRss: this.idle,
			sampledPeakRss: Math.max(this.sampledPeak, this.sum('rss')),
			hwmSum: this.resetOk ? perProcess.reduce((a, p) => a + p.hwm, 0) : null,
			processes: perProcess.map((p) => ({ name: p.name, hwmMb: mb(p.hwm), rssMb: mb(p.rss) })),
		};
	}
}

/**
 * n8n.start() of the e2e helper resolves on GET /rest/settings -> 200, but while migrations run n8n answers every
 * route with 200 "n8n is starting up. Please wait". /healthz/readiness is 200 only once n8n is fully ready.
 */
async function startReady(n8n, timeoutMs = 180_000) {
	const t0 = Date.now();
	await n8n.start({ timeoutMs });
	for (;;) {
		try {
			const res = await fetch(`${n8n.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
			await res.arrayBuffer();
			if (res.status === 200) return Date.now() - t0;
		} catch {
			// not yet
		}
		if (Date.now() - t0 > timeoutMs) throw new Error(`n8n not ready after ${timeoutMs / 1000} s; log: ${n8n.logFile}`);
		await sleep(250);
	}
}

// ---------- workflows ----------

function webhookNode(pathName) {
	return {
		id: `wh-${pathName}`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: require('node:crypto').randomUUID(),
		parameters: { httpMethod: 'POST', path: pathName, responseMode: 'lastNode', responseData: 'noData', options: {} },
	};
}

const readNode = {
	id: 'read',
	name: 'Read Files',
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1,
	position: [220, 0],
	parameters: { operation: 'read', fileSelector: '={{ $json.body.glob }}', options: {} },
};

function linear(names) {
	const c = {};
	for (let i = 0; i < names.length - 1; i++) c[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return c;
}

function argosWorkflow({ pathName, collectionId, credential, concurrency }) {
	return {
		name: `bench peer: Argos Faces (C=${concurrency})`,
		nodes: [
			webhookNode(pathName),
			readNode,
			{
				id: 'argos',
				name: 'Argos Faces',
				type: 'n8n-nodes-argos-faces.argosFaces',
				typeVersion: 1,
				position: [440, 0],
				parameters: { resource: 'face', operation: 'add', collectionId, userName: '={{ $json.fileName }}', imageSource: 'binary', binaryPropertyName: 'data', options: { concurrency } },
				credentials: { argosFacesApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: linear(['Webhook', 'Read Files', 'Argos Faces']),
		settings: { executionOrder: 'v1' },
	};
}

function extractHttpWorkflow({ pathName, collectionId, credential, sandboxUrl, batching }) {
	return {
		name: `bench peer: Extract From File + HTTP Request (${batching ? `batch ${batching.batchSize} / ${batching.batchInterval} ms` : 'no batching'})`,
		nodes: [
			webhookNode(pathName),
			readNode,
			{
				id: 'extract',
				name: 'Extract From File',
				type: 'n8n-nodes-base.extractFromFile',
				typeVersion: 1.1,
				position: [440, 0],
				parameters: { operation: 'binaryToPropery', binaryPropertyName: 'data', destinationKey: 'faceImage', options: { keepSource: 'json' } },
			},
			{
				id: 'http',
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [660, 0],
				parameters: {
					method: 'POST',
					url: `${sandboxUrl}/modules/faces`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendBody: true,
					contentType: 'json',
					specifyBody: 'keypair',
					bodyParameters: {
						parameters: [
							{ name: 'collectionId', value: collectionId },
							{ name: 'userName', value: '={{ $json.fileName }}' },
							{ name: 'faceImage', value: '={{ $json.faceImage }}' },
						],
					},
					options: batching ? { batching: { batch: { batchSize: batching.batchSize, batchInterval: batching.batchInterval } } } : {},
				},
				credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } },
			},
		],
		connections: linear(['Webhook', 'Read Files', 'Extract From File', 'HTTP Request']),
		settings: { executionOrder: 'v1' },
	};
}

/** Plain POST to the production webhook (no per-call timeout of the e2e helper: a slow variant may take minutes). */
async function postWebhook(n8n, webhookPath, body, timeoutMs) {
	const res = await fetch(`${n8n.baseUrl}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	return { status: res.status, text };
}

/** Per-node executionTime of one execution (public API, includeData). */
async function nodeTimes(n8n, executionId) {
	const ex = await n8n.api('GET', `/executions/${executionId}?includeData=true`);
	const runData = (ex.data && ex.data.resultData && ex.data.resultData.runData) || {};
	return Object.fromEntries(Object.entries(runData).map(([node, tasks]) => [node, tasks.reduce((t, x) => t + (x.executionTime || 0), 0)]));
}

/** A fresh n8n start, one warm-up call, then o.reps measured calls of one variant. */
async function measureVariant({ n8n, sandbox, name, wf, workflowId, images, warm, o }) {
	// a fresh n8n for every variant: the memory one variant leaves behind must not count against the next
	const startMs = await startReady(n8n);
	const webhookPath = wf.nodes[0].parameters.path;
	await sandbox.reset({ latencyMs: o.latencyMs });
	// the warm-up also waits until the webhook is registered (the first calls after a start may 404)
	const w = await n8n.callWebhook(webhookPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ glob: `${warm.dir}/*.jpg` }) });
	if (w.status !== 200) throw new Error(`warm-up: webhook answered ${w.status}: ${w.text.slice(0, 300)}`);
	const runs = [];
	let lastExecution;
	for (let rep = 0; rep < o.reps; rep++) {
		await sandbox.reset({ latencyMs: o.latencyMs });
		const meter = new TreeMeter(n8n.proc.pid);
		meter.start();
		const t0 = process.hrtime.bigint();
		let res;
		let mem;
		try {
			res = await postWebhook(n8n, webhookPath, { glob: `${images.dir}/*.jpg` }, o.callTimeoutMs);
		} finally {
			mem = meter.stop();
		}
		const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
		if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.text.slice(0, 300)}`);
		const seen = await sandbox.requests();
		const ok = seen.byStatus['200'] || 0;
		if (seen.posts !== o.n || ok !== o.n) throw new Error(`the sandbox saw ${seen.posts} adds, ${ok} answered 200 (expected ${o.n})`);
		const ex = await n8n.api('GET', `/executions?workflowId=${workflowId}&limit=1`);
		lastExecution = ex.data && ex.data[0];
		const execMs = lastExecution && lastExecution.stoppedAt ? Date.parse(lastExecution.stoppedAt) - Date.parse(lastExecution.startedAt) : null;
		runs.push({ wallMs: round(wallMs, 0), executionMs: execMs, executionStatus: lastExecution && lastExecution.status, ...mem, sandboxMaxInFlight: seen.maxInFlight });
		log(`peer ${name} rep ${rep + 1}/${o.reps}: ${Math.round(wallMs)} ms (execution ${execMs} ms), tree peak ${mb(mem.hwmSum ?? mem.sampledPeakRss)} MB (idle ${mb(mem.idleRss)} MB), max in flight ${seen.maxInFlight}`);
	}
	const perNodeMs = lastExecution ? await nodeTimes(n8n, lastExecution.id).catch((e) => ({ error: e.message })) : null;
	const peakOf = (r) => r.hwmSum ?? r.sampledPeakRss;
	return {
		wallMs: summarize(runs.map((r) => r.wallMs), 0),
		executionMs: summarize(runs.map((r) => r.executionMs), 0),
		peakRssMb: mb(Math.max(...runs.map(peakOf))),
		sampledPeakRssMb: mb(Math.max(...runs.map((r) => r.sampledPeakRss))),
		idleRssMb: mb(median(runs.map((r) => r.idleRss))),
		perNodeMsLastCall: perNodeMs,
		n8nStartMs: startMs,
		sandboxMaxInFlight: Math.max(...runs.map((r) => r.sandboxMaxInFlight)),
		runs: runs.map((r) => ({ ...r, idleRss: mb(r.idleRss), sampledPeakRss: mb(r.sampledPeakRss), hwmSum: r.hwmSum == null ? null : mb(r.hwmSum) })),
	};
}

// ---------- the benchmark ----------

async function peer(sandbox, opts = {}) {
	const o = { ...DEFAULTS, ...opts };
	const started = Date.now();
	const install = await findInstall(o.version, { install: o.install });
	if (!install) {
		return {
			ran: false,
			wallRatio: null,
			peakRssRatio: null,
			reason: `n8n ${o.version} is not installed in the e2e cache (node test/e2e/install-n8n.js --only=${o.version}, or: node bench/run.js peer --install)`,
		};
	}
	const { N8nInstance } = require(path.join(REPO, 'test', 'e2e', 'lib', 'n8n.js'));
	const { buildAndPack, installLikeN8n } = require(path.join(REPO, 'test', 'e2e', 'lib', 'package.js'));
	const { stopAll } = require(path.join(REPO, 'test', 'e2e', 'lib', 'proc.js'));

	const peerDir = path.join(WORK, 'peer');
	fs.mkdirSync(peerDir, { recursive: true });
	const images = ensureImages(`peer-${o.n}`, o.n, o.imageBytes);
	const warm = ensureImages('peer-warm', o.warmUpImages, o.imageBytes);
	const runDir = fs.mkdtempSync(path.join(peerDir, 'run-'));
	const loadBefore = load();

	let n8n;
	let keep = process.env.ARGOS_BENCH_KEEP === '1';
	try {
		const pack = await buildAndPack(path.join(runDir, 'pack'), { skipBuild: true, logFile: path.join(runDir, 'pack.log') });
		n8n = await new N8nInstance({
			version: o.version,
			n8nBin: install.n8n.bin,
			node: install.node,
			workDir: runDir,
			extraEnv: { N8N_RESTRICT_FILE_ACCESS_TO: [images.dir, warm.dir].join(';') },
		}).init();
		await installLikeN8n(n8n.userFolder, pack.tgz, { env: n8n.env(), logFile: n8n.logFile });
		log(`peer: n8n ${o.version} in ${runDir} (port ${n8n.port}); starting`);
		await startReady(n8n);
		await n8n.setupOwner();
		const argosCred = await n8n.api('POST', '/credentials', { name: 'Argos Faces (bench sandbox)', type: 'argosFacesApi', data: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } });
		const headerCred = await n8n.api('POST', '/credentials', { name: 'ARGOS x-api-key (bench sandbox)', type: 'httpHeaderAuth', data: { name: 'x-api-key', value: sandbox.apiKey } });
		const collectionId = sandbox.collections.demo;
		const variants = {
			argos: argosWorkflow({ pathName: 'bench-argos', collectionId, credential: argosCred, concurrency: o.concurrency }),
			extractHttp: extractHttpWorkflow({ pathName: 'bench-extract-http', collectionId, credential: headerCred, sandboxUrl: sandbox.url, batching: { batchSize: o.concurrency, batchInterval: o.latencyMs } }),
			extractHttpUnbounded: extractHttpWorkflow({ pathName: 'bench-extract-http-unbounded', collectionId, credential: headerCred, sandboxUrl: sandbox.url, batching: null }),
		};
		const ids = {};
		for (const [k, wf] of Object.entries(variants)) {
			const w = await n8n.api('POST', '/workflows', wf);
			await n8n.api('POST', `/workflows/${w.id}/activate`);
			ids[k] = w.id;
		}
		await n8n.stop();

		const results = {};
		for (const [name, wf] of Object.entries(variants)) {
			try {
				results[name] = await measureVariant({ n8n, sandbox, name, wf, workflowId: ids[name], images, warm, o });
			} catch (error) {
				log(`peer ${name} FAILED: ${error.message}`);
				results[name] = { failed: true, error: String(error.message || error) };
			} finally {
				await n8n.stop();
			}
		}
		const a = results.argos;
		const b = results.extractHttp;
		const u = results.extractHttpUnbounded;
		const ok = (x) => x && !x.failed;
		if (![a, b, u].every(ok)) keep = true;
		const wallRatio = ok(a) && ok(b) ? a.wallMs.median / b.wallMs.median : null;
		const peakRssRatio = ok(a) && ok(b) ? a.peakRssMb / b.peakRssMb : null;
		return {
			ran: ok(a) && ok(b),
			...(!(ok(a) && ok(b)) && { reason: `a variant failed: ${[a, b].filter((x) => !ok(x)).map((x) => x && x.error).join('; ')}` }),
			wallRatio: round(wallRatio),
			peakRssRatio: round(peakRssRatio),
			target: 'wallRatio <= 1 (no slower) and peakRssRatio < 1 (lower peak memory), at equal concurrency',
			met: { wall: wallRatio !== null && wallRatio <= 1, memory: peakRssRatio !== null && peakRssRatio < 1 },
			vsUnbounded: ok(a) && ok(u) ? { wallRatio: round(a.wallMs.median / u.wallMs.median), peakRssRatio: round(a.peakRssMb / u.peakRssMb) } : null,
			variants: results,
			measure:
				`wall = median webhook round trip over ${o.reps} calls (responseMode lastNode); executionMs = n8n's own startedAt..stoppedAt; ` +
				'peakRssMb = the largest, over the calls, of the summed per-process VmHWM of the n8n process group (reset via clear_refs before each call); ' +
				'sampledPeakRssMb = largest sum of VmRSS sampled every 20 ms',
			setup: {
				n8n: o.version,
				node: 'Node 24 (e2e install)',
				n: o.n,
				concurrency: o.concurrency,
				latencyMs: o.latencyMs,
				imageBytes: o.imageBytes,
				reps: o.reps,
				warmUp: `${o.warmUpImages} images, one call per fresh n8n start`,
				binaryMode: "n8n 2.x default (filesystem), executions saved with n8n's defaults",
				httpBatching: `batchSize ${o.concurrency}, batchInterval ${o.latencyMs} ms (extractHttp); none (extractHttpUnbounded)`,
			},
			loadavg1: { before: loadBefore, after: load() },
			durationS: round((Date.now() - started) / 1000, 1),
			logFolder: keep ? path.relative(REPO, runDir) : '(deleted after the run; ARGOS_BENCH_KEEP=1 keeps it)',
		};
	} catch (error) {
		keep = true;
		error.message += ` (n8n log and data kept in ${runDir})`;
		throw error;
	} finally {
		if (n8n) await n8n.stop().catch(() => undefined);
		await stopAll().catch(() => undefined);
		// n8n's user folder holds every execution's binary data and run data (hundreds of MB)
		if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
	}
}

function print(res) {
	if (!res.variants) return `peer comparison did not run: ${res.reason}`;
	const rows = Object.entries(res.variants).map(([k, v]) =>
		v.failed ? [k, 'FAILED', v.error.slice(0, 60)] : [k, v.wallMs.median, v.executionMs.median, v.peakRssMb, v.sampledPeakRssMb, v.idleRssMb, v.sandboxMaxInFlight],
	);
	return table(['variant', 'wall ms', 'execution ms', 'peak RSS MB (tree)', 'sampled peak MB', 'idle MB', 'max in flight'], rows);
}

module.exports = { peer, print, DEFAULTS, argosWorkflow, extractHttpWorkflow, findInstall, startReady };
