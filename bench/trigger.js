'use strict';
/*
 * 6. The Argos ID Check Trigger against n8n's own Webhook node, in real n8n 2.41.1 (`n8n start`, the e2e
 * install and helpers, the packed tarball installed like n8n's community-package installer, as in peer.js).
 * One n8n, three active workflows of the same shape (production URLs; each trigger node has a webhookId, so
 * its path is <webhookId>/<path>):
 *
 *   trigger          Argos ID Check Trigger (Confirm With ARGOS off, Allowed Source IPs 127.0.0.1, ::1) -> No Operation
 *   webhookNode      Webhook (POST, Respond Immediately = responseMode onReceived)                      -> No Operation
 *   triggerConfirm   the same trigger with Confirm With ARGOS on, against the sandbox's ID Check API    -> No Operation
 *   webhookNodeCredential  (diagnostic) the Webhook node with Header Auth: like the trigger, it reads a
 *                    credential (n8n's getCredentials: database, decryption) on every delivery
 *
 * Load: N distinct `approved` event bodies per run, POSTed at fixed concurrency C by a client in its own
 * process (lib/post-child.js); every run's bodies are new (the trigger drops a re-delivery by its eventKey).
 * The confirm runs name submissions that exist in the sandbox (made first through its control endpoint).
 * Runs alternate between the variants (the order rotates each repetition); after every run the bench waits
 * until n8n has saved N more executions of that workflow, so one run's executions never overlap the next run.
 *
 * Reported: accepted deliveries per second (2xx answers / client wall time), client-observed response time
 * per delivery, and the time until all N executions were saved. Checked: every answer 2xx, N new executions
 * per run, at the end every execution of every workflow `success`; for the confirm runs the sandbox saw
 * exactly N GET /v3/submission, all 200, and the last execution's item says confirmed: true.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { fork } = require('node:child_process');
const { REPO, WORK, median, round, summarize, load, log, table, sleep } = require('./lib/common');
const { findInstall, startReady } = require('./peer');

const DEFAULTS = { n: 200, concurrency: 16, reps: 5, warmUp: 50, latencyMs: 0, version: '2.41.1', drainTimeoutMs: 120_000 };
const TRIGGER_TYPE = 'n8n-nodes-argos-faces.argosIdCheckTrigger';
const HEADER_KEY = 'bench-header-key-0123456789';

// ---------- the load client, in its own process ----------

function startClient() {
	const child = fork(path.join(__dirname, 'lib', 'post-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	let seq = 0;
	const pending = new Map();
	child.on('message', ({ id, result, error }) => {
		const p = pending.get(id);
		if (!p) return;
		pending.delete(id);
		if (error) p.reject(new Error(`load client: ${error}`));
		else p.resolve(result);
	});
	child.on('exit', (code, signal) => {
		for (const p of pending.values()) p.reject(new Error(`load client exited (${code ?? signal})`));
		pending.clear();
	});
	return {
		run: (job) =>
			new Promise((resolve, reject) => {
				const id = ++seq;
				pending.set(id, { resolve, reject });
				child.send({ id, job });
			}),
		close() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		},
	};
}

// ---------- workflows ----------

const noOp = { id: 'noop', name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} };

function triggerWorkflow({ name, credential, confirm }) {
	return {
		name,
		nodes: [
			{
				id: 'trigger',
				name: 'Argos ID Check Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: { events: ['approved', 'delete', 'rejected'], confirm, allowedIps: '127.0.0.1, ::1' },
				// The credential is optional on the trigger (needed to confirm or decrypt): the confirm-off variant names none.
				...(confirm && { credentials: { argosIdCheckApi: { id: credential.id, name: credential.name } } }),
			},
			noOp,
		],
		connections: { 'Argos ID Check Trigger': { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The Webhook node's production path is its `path` parameter as given (its description says isFullPath), so
 * the path is set to <webhookId>/argos-id-check: the same URL shape as the trigger's.
 */
function webhookWorkflow(credential) {
	const webhookId = crypto.randomUUID();
	return {
		name: `bench trigger: Webhook node (Respond Immediately${credential ? ', Header Auth' : ''})`,
		nodes: [
			{
				id: 'webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { httpMethod: 'POST', path: `${webhookId}/argos-id-check`, responseMode: 'onReceived', ...(credential && { authentication: 'headerAuth' }), options: {} },
				...(credential && { credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } } }),
			},
			noOp,
		],
		connections: { Webhook: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** The production path of a workflow's first node: <webhookId>/<path> (the trigger's path is fixed in its description). */
const webhookPath = (wf) => `${wf.nodes[0].webhookId}/argos-id-check`;

// ---------- executions ----------

/** How many executions of a workflow n8n has saved, by status (public API, paged). */
async function executionCounts(n8n, workflowId) {
	const byStatus = {};
	let total = 0;
	let cursor;
	do {
		const page = await n8n.api('GET', `/executions?workflowId=${workflowId}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
		for (const e of page.data || []) {
			byStatus[e.status] = (byStatus[e.status] || 0) + 1;
			total++;
		}
		cursor = page.nextCursor;
	} while (cursor);
	return { total, byStatus };
}

/** Number of executions of a workflow (REST count, cheap: one query). Falls back to paging the public API. */
async function executionTotal(n8n, workflowId) {
	const r = await n8n.rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=1`);
	const data = r.body && r.body.data;
	if (r.status === 200 && data && typeof data.count === 'number' && !data.estimated) return data.count;
	return (await executionCounts(n8n, workflowId)).total;
}

/** Waits until the workflow has `expected` saved executions that are no longer running. */
async function waitExecutions(n8n, workflowId, expected, timeoutMs) {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const total = await executionTotal(n8n, workflowId);
		if (total >= expected) {
			const running = await n8n.rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId, status: ['running', 'new'] }))}&limit=1`);
			const d = running.body && running.body.data;
			if (!(running.status === 200 && d && d.count > 0)) return total;
		}
		if (Date.now() > until) throw new Error(`workflow ${workflowId}: ${total} executions after ${timeoutMs / 1000} s, expected ${expected}`);
		await sleep(200);
	}
}

// ---------- statistics ----------

function percentile(values, p) {
	const v = [...values].sort((a, b) => a - b);
	if (!v.length) return NaN;
	return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
}

function latencySummary(values) {
	return { median: round(median(values), 1), p90: round(percentile(values, 90), 1), min: round(Math.min(...values), 1), max: round(Math.max(...values), 1) };
}

// ---------- the benchmark ----------

async function trigger(sandbox, opts = {}) {
	const o = { ...DEFAULTS, ...opts };
	const started = Date.now();
	const install = await findInstall(o.version, { install: o.install });
	if (!install) {
		return {
			ran: false,
			ratioToWebhookNode: null,
			reason: `n8n ${o.version} is not installed in the e2e cache (node test/e2e/install-n8n.js --only=${o.version}, or: node bench/run.js trigger --install)`,
		};
	}
	const { N8nInstance } = require(path.join(REPO, 'test', 'e2e', 'lib', 'n8n.js'));
	const { buildAndPack, installLikeN8n } = require(path.join(REPO, 'test', 'e2e', 'lib', 'package.js'));
	const { stopAll } = require(path.join(REPO, 'test', 'e2e', 'lib', 'proc.js'));

	const dir = path.join(WORK, 'trigger');
	fs.mkdirSync(dir, { recursive: true });
	const runDir = fs.mkdtempSync(path.join(dir, 'run-'));
	const loadBefore = load();
	let n8n;
	let client;
	let keep = process.env.ARGOS_BENCH_KEEP === '1';
	try {
		// the sandbox: seed, no latency unless asked, and the submissions the confirm runs name
		await sandbox.reset({ latencyMs: o.latencyMs });
		const seed = await (await fetch(`${sandbox.url}/__sandbox/idcheck`)).json();
		const submissionIds = [];
		for (let i = 0; i < o.n; i += 16) {
			const batch = Array.from({ length: Math.min(16, o.n - i) }, (_, k) =>
				fetch(`${sandbox.url}/__sandbox/idcheck/submissions`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ submissionId: `sub-bench-confirm-${String(i + k).padStart(4, '0')}`, status: 'approved', userid: `user-${i + k}` }),
				}).then(async (res) => {
					const body = await res.json();
					if (res.status !== 201) throw new Error(`sandbox: creating a submission answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
					return body.submission_id || body.submissionId;
				}),
			);
			submissionIds.push(...(await Promise.all(batch)));
		}

		// o.packageRepo: measure another build of the package (a copy of the repo with its own dist/), e.g. a candidate change
		const pack = await buildAndPack(path.join(runDir, 'pack'), { skipBuild: true, logFile: path.join(runDir, 'pack.log'), repo: o.packageRepo || process.env.ARGOS_BENCH_PACKAGE_REPO || REPO });
		n8n = await new N8nInstance({ version: o.version, n8nBin: install.n8n.bin, node: install.node, workDir: runDir }).init();
		// ARGOS_BENCH_N8N_ENV: extra n8n settings as JSON, e.g. to give every webhook start node the same
		// expression-isolate treatment: {"N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP":"false"} (see bench/README.md).
		if (process.env.ARGOS_BENCH_N8N_ENV) n8n.extraEnv = { ...n8n.extraEnv, ...JSON.parse(process.env.ARGOS_BENCH_N8N_ENV) };
		await installLikeN8n(n8n.userFolder, pack.tgz, { env: n8n.env(), logFile: n8n.logFile });
		log(`trigger: n8n ${o.version} in ${runDir} (port ${n8n.port}); starting`);
		const startMs = await startReady(n8n);
		await n8n.setupOwner();
		const credential = await n8n.api('POST', '/credentials', {
			name: 'Argos ID Check (bench sandbox)',
			type: 'argosIdCheckApi',
			data: { apiKey: seed.apiKey, baseUrl: sandbox.url },
		});
		const headerCredential = await n8n.api('POST', '/credentials', { name: 'bench header auth', type: 'httpHeaderAuth', data: { name: 'x-bench-key', value: HEADER_KEY } });
		const workflows = {
			trigger: triggerWorkflow({ name: 'bench trigger: Argos ID Check Trigger (confirm off)', credential, confirm: false }),
			webhookNode: webhookWorkflow(null),
			triggerConfirm: triggerWorkflow({ name: 'bench trigger: Argos ID Check Trigger (Confirm With ARGOS)', credential, confirm: true }),
			webhookNodeCredential: webhookWorkflow(headerCredential),
		};
		const ids = {};
		for (const [k, wf] of Object.entries(workflows)) {
			const w = await n8n.api('POST', '/workflows', wf);
			await n8n.api('POST', `/workflows/${w.id}/activate`);
			ids[k] = w.id;
		}

		client = startClient();
		let seq = 0;
		const expected = Object.fromEntries(Object.keys(workflows).map((k) => [k, 0]));
		const headers = (k) => (k === 'webhookNodeCredential' ? { 'x-bench-key': HEADER_KEY } : {});
		const url = (k) => `${n8n.baseUrl}/webhook/${webhookPath(workflows[k])}`;
		const job = (k, count) => ({ url: url(k), count, concurrency: o.concurrency, tag: k, seq: ++seq, submissionIds: k === 'triggerConfirm' ? submissionIds : null, headers: headers(k) });

		// warm-up: wait until each production webhook is registered, then one unmeasured burst per variant
		for (const k of Object.keys(workflows)) {
			const first = job(k, 1);
			const body = require('./lib/post-child').eventBody(first.tag, first.seq, 0, first.submissionIds);
			const r = await n8n.callWebhook(webhookPath(workflows[k]), { method: 'POST', headers: { ...headers(k), 'content-type': 'application/json' }, body });
			if (r.status < 200 || r.status > 299) throw new Error(`warm-up ${k}: ${r.status} ${r.text.slice(0, 300)}`);
			expected[k] += 1;
			const w = await client.run(job(k, o.warmUp));
			expected[k] += w.byStatus['200'] || 0;
			if ((w.byStatus['200'] || 0) !== o.warmUp) throw new Error(`warm-up ${k}: answers ${JSON.stringify(w.byStatus)} ${w.errors.join('; ')}`);
			await waitExecutions(n8n, ids[k], expected[k], o.drainTimeoutMs);
		}

		const order = Object.keys(workflows);
		const runs = Object.fromEntries(order.map((k) => [k, []]));
		for (let rep = 0; rep < o.reps; rep++) {
			// rotate the order every repetition, so no variant always runs first (or right after another)
			const thisOrder = order.map((_, i) => order[(i + rep) % order.length]);
			for (const k of thisOrder) {
				if (k === 'triggerConfirm') await sandbox.clearRequests();
				const t0 = Date.now();
				const r = await client.run(job(k, o.n));
				const ok = Object.entries(r.byStatus).reduce((a, [s, c]) => a + (Number(s) >= 200 && Number(s) < 300 ? c : 0), 0);
				if (ok !== o.n) throw new Error(`${k} rep ${rep + 1}: ${ok}/${o.n} answers 2xx: ${JSON.stringify(r.byStatus)} ${r.errors.join('; ')}`);
				expected[k] += o.n;
				await waitExecutions(n8n, ids[k], expected[k], o.drainTimeoutMs);
				const drainMs = Date.now() - t0;
				const run = {
					deliveriesPerSecond: round((ok / r.wallMs) * 1000, 1),
					wallMs: round(r.wallMs, 0),
					allSavedMs: drainMs,
					responseMs: latencySummary(r.latencies),
					latencies: r.latencies,
				};
				if (k === 'triggerConfirm') {
					const seen = await sandbox.requests();
					if (seen.count !== o.n || (seen.byStatus['200'] || 0) !== o.n)
						throw new Error(`triggerConfirm rep ${rep + 1}: the sandbox saw ${seen.count} requests (${JSON.stringify(seen.byStatus)}), expected ${o.n} x 200`);
					run.sandboxRequests = seen.count;
					run.sandboxMaxInFlight = seen.maxInFlight;
				}
				runs[k].push(run);
				log(
					`trigger ${k} rep ${rep + 1}/${o.reps}: ${run.deliveriesPerSecond} deliveries/s (${run.wallMs} ms for ${o.n}), response median ${run.responseMs.median} ms p90 ${run.responseMs.p90} ms; all saved after ${drainMs} ms; load ${load()}`,
				);
			}
		}

		// every execution of every workflow: saved, and successful
		const executions = {};
		for (const k of Object.keys(workflows)) {
			executions[k] = await executionCounts(n8n, ids[k]);
			if (executions[k].total !== expected[k] || executions[k].byStatus.success !== expected[k])
				throw new Error(`${k}: ${JSON.stringify(executions[k])}, expected ${expected[k]} successful executions`);
		}
		const last = await n8n.api('GET', `/executions?workflowId=${ids.triggerConfirm}&limit=1&includeData=true`);
		const lastItem = last.data[0].data.resultData.runData['Argos ID Check Trigger'][0].data.main[0][0].json;
		if (lastItem.confirmed !== true || lastItem.status !== 'approved') throw new Error(`the last confirmed execution's item: ${JSON.stringify(lastItem).slice(0, 400)}`);

		const dps = (k) => runs[k].map((r) => r.deliveriesPerSecond);
		const paired = (a, b) => runs[a].map((r, i) => r.deliveriesPerSecond / runs[b][i].deliveriesPerSecond);
		const variant = (k) => ({
			deliveriesPerSecond: summarize(dps(k), 1),
			responseMs: latencySummary(runs[k].flatMap((r) => r.latencies)),
			responseMsMedianPerRun: summarize(runs[k].map((r) => r.responseMs.median), 1),
			allSavedMs: summarize(runs[k].map((r) => r.allSavedMs), 0),
			executions: executions[k],
			runs: runs[k].map(({ latencies, ...r }) => r),
		});
		const ratio = median(dps('trigger')) / median(dps('webhookNode'));
		const confirmRatio = median(dps('triggerConfirm')) / median(dps('trigger'));
		return {
			ran: true,
			ratioToWebhookNode: round(ratio),
			ratioToWebhookNodePerRep: summarize(paired('trigger', 'webhookNode')),
			target: 'ratioToWebhookNode >= 0.9 (trigger deliveries/s / Webhook node deliveries/s, medians over the repetitions)',
			met: ratio >= 0.9,
			confirm: {
				throughputRatioToConfirmOff: round(confirmRatio),
				throughputRatioPerRep: summarize(paired('triggerConfirm', 'trigger')),
				responseMsAddedMedian: round(median(runs.triggerConfirm.flatMap((r) => r.latencies)) - median(runs.trigger.flatMap((r) => r.latencies)), 1),
				sandboxLatencyMs: o.latencyMs,
				lastItem: { confirmed: lastItem.confirmed, status: lastItem.status, claimedStatus: lastItem.claimedStatus },
			},
			diagnostic: {
				ratioToWebhookNodeWithCredential: round(median(dps('trigger')) / median(dps('webhookNodeCredential'))),
				perRep: summarize(paired('trigger', 'webhookNodeCredential')),
				webhookNodeCredentialToWebhookNode: round(median(dps('webhookNodeCredential')) / median(dps('webhookNode'))),
				note: 'the Webhook node with Header Auth: a credential on the node, read on every delivery, as the trigger; tells n8n\'s own cost of a credentialed trigger from the rest',
			},
			variants: Object.fromEntries(order.map((k) => [k, variant(k)])),
			measure:
				'deliveriesPerSecond = 2xx answers / client wall time (first request sent to last answer read) of one run of N POSTs at concurrency C; ' +
				'responseMs = client-observed time per delivery (request written to answer read), pooled over the runs; ' +
				'allSavedMs = from the run start until n8n had saved all N executions (polled every 200 ms)',
			setup: {
				n8n: o.version,
				node: 'Node 24 (e2e install)',
				n: o.n,
				concurrency: o.concurrency,
				reps: o.reps,
				warmUp: `1 + ${o.warmUp} deliveries per variant`,
				client: 'lib/post-child.js: its own process, node:http keep-alive agent (maxSockets = C), bodies prebuilt',
				allowedIps: '127.0.0.1, ::1',
				confirmAgainst: `the sandbox's GET /v3/submission (latency ${o.latencyMs} ms), ${o.n} submissions made first`,
				executions: "n8n's defaults (every execution saved, SQLite), regular mode",
				n8nStartMs: startMs,
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
		if (client) client.close();
		if (n8n) await n8n.stop().catch(() => undefined);
		await stopAll().catch(() => undefined);
		if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
	}
}

function print(res) {
	if (!res.variants) return `trigger comparison did not run: ${res.reason}`;
	const rows = Object.entries(res.variants).map(([k, v]) => [
		k,
		v.deliveriesPerSecond.median,
		`${v.deliveriesPerSecond.min}-${v.deliveriesPerSecond.max}`,
		v.responseMs.median,
		v.responseMs.p90,
		`${v.responseMs.min}-${v.responseMs.max}`,
		v.allSavedMs.median,
		v.executions.total,
	]);
	return (
		table(['variant', 'deliveries/s', 'min-max', 'response ms', 'p90', 'min-max ms', 'all saved ms', 'executions'], rows) +
		`\ntrigger / Webhook node: ${res.ratioToWebhookNode} (per repetition ${res.ratioToWebhookNodePerRep.min}-${res.ratioToWebhookNodePerRep.max})` +
		`; confirm on / off: ${res.confirm.throughputRatioToConfirmOff} (per repetition ${res.confirm.throughputRatioPerRep.min}-${res.confirm.throughputRatioPerRep.max})` +
		(res.diagnostic ? `\ntrigger / Webhook node with Header Auth (diagnostic): ${res.diagnostic.ratioToWebhookNodeWithCredential} (per repetition ${res.diagnostic.perRep.min}-${res.diagnostic.perRep.max})` : '') +
		`\nload ${res.loadavg1.before} -> ${res.loadavg1.after}`
	);
}

module.exports = { trigger, print, DEFAULTS };
