'use strict';
/*
 * 1. Scaling to the limit. N images, sandbox latency L ms, node option concurrency C in {1, 4, 8, 16}.
 * Ideal = ceil(N / C) * L. Reported: the Argos Faces task's executionTime / ideal.
 *
 * Why executionTime: it is n8n-core's own measure of one node's run (WorkflowExecute.runNode start to end,
 * what the editor shows per node), so it holds exactly the node's work -- reading each image from binary
 * storage, base64, expressions, the requests, the outputs -- and nothing of the trigger, the fixture node
 * that stores the images, or the harness. The second measure, wall time of runWorkflow minus the wall
 * time of a no-op run with the same items, is reported beside it as a cross-check.
 */
const fs = require('node:fs');
const { NODE_NAME, ensureImages, summarize, round, load, log, table } = require('./lib/common');
const { fixtureItems, workflow, run } = require('./lib/engine');
const { bareLoop, probeWorkflow } = require('./overhead');
const { createProbe, PROBE_TYPE } = require('./lib/probe');

const DEFAULTS = { n: 200, latencyMs: 50, concurrencies: [1, 4, 8, 16], reps: 3, binaryMode: 'filesystem' };

async function scaling(sandbox, opts = {}) {
	const o = { ...DEFAULTS, ...opts };
	const { files } = ensureImages('small', o.n, 0);
	const latency = { latencyMs: o.latencyMs };
	await sandbox.reset(latency);
	const collectionId = sandbox.collections.demo;
	const started = Date.now();
	const loadBefore = load();

	// warm-up: loads n8n-core and the node, JIT-compiles the paths
	await run(workflow({ items: fixtureItems(files.slice(0, 16), 'warm'), collectionId, options: { concurrency: 8 } }), { sandbox, binaryMode: o.binaryMode });

	const probe = createProbe();
	const rows = [];
	for (const c of o.concurrencies) {
		const idealMs = Math.ceil(o.n / c) * o.latencyMs;
		const nodeRatios = [];
		const wallRatios = [];
		const nodeMs = [];
		const wallMinusBaselineMs = [];
		const baselineMs = [];
		const bareRatios = [];
		const helperRatios = [];
		let inFlight = 0;
		for (let rep = 0; rep < o.reps; rep++) {
			const items = fixtureItems(files, `s${c}r${rep}`);
			const base = await run(workflow({ items, target: 'noop' }), { sandbox, binaryMode: o.binaryMode });
			await sandbox.reset(latency);
			const r = await run(workflow({ items, collectionId, options: { concurrency: c } }), { sandbox, binaryMode: o.binaryMode });
			const seen = await sandbox.requests();
			if (r.success !== o.n || r.failed !== 0 || seen.posts !== o.n) {
				throw new Error(`scaling C=${c}: expected ${o.n} successes, got ${r.success} (failed ${r.failed}: ${JSON.stringify(r.firstError)}), sandbox saw ${seen.posts} adds`);
			}
			inFlight = Math.max(inFlight, seen.maxInFlight);
			// the floor of this machine and sandbox: the bare loop of the overhead benchmark, same N, C and latency
			await sandbox.reset(latency);
			const bare = await bareLoop({ files, sandbox, collectionId, concurrency: c, prefix: `bare${c}r${rep}` });
			if (bare.ok !== o.n) throw new Error(`scaling C=${c}: bare loop enrolled ${bare.ok}/${o.n}`);
			bareRatios.push(bare.ms / idealMs);
			// n8n's request helper alone (no parameters, no image loading), through a probe node with the same pool
			await sandbox.reset(latency);
			const helper = await run(probeWorkflow({ files, prefix: `helper${c}r${rep}`, part: 'http', concurrency: c, collectionId }), { sandbox, binaryMode: o.binaryMode, extraNodeTypes: { [PROBE_TYPE]: probe } });
			helperRatios.push(helper.nodeMs / idealMs);
			nodeMs.push(r.nodeMs);
			baselineMs.push(base.wallMs);
			wallMinusBaselineMs.push(r.wallMs - base.wallMs);
			nodeRatios.push(r.nodeMs / idealMs);
			wallRatios.push((r.wallMs - base.wallMs) / idealMs);
			log(`scaling C=${c} rep ${rep + 1}/${o.reps}: node ${r.nodeMs} ms, run ${Math.round(r.wallMs)} ms - baseline ${Math.round(base.wallMs)} ms; ideal ${idealMs} ms -> ${round(r.nodeMs / idealMs)} (n8n request helper alone ${round(helper.nodeMs / idealMs)}, bare loop ${round(bare.ms / idealMs)})`);
		}
		rows.push({
			concurrency: c,
			idealMs,
			nodeExecutionMs: summarize(nodeMs, 0),
			ratio: summarize(nodeRatios),
			wallMinusBaselineMs: summarize(wallMinusBaselineMs, 0),
			baselineWallMs: summarize(baselineMs, 0),
			ratioWallMinusBaseline: summarize(wallRatios),
			n8nRequestHelperRatio: summarize(helperRatios),
			bareLoopRatio: summarize(bareRatios),
			sandboxMaxInFlight: inFlight,
		});
	}
	await sandbox.reset();
	const at = (c) => rows.find((r) => r.concurrency === c);
	return {
		ratioAtC8: at(8) ? at(8).ratio.median : null,
		target: 'ratioAtC8 <= 1.2',
		met: at(8) ? at(8).ratio.median <= 1.2 : null,
		measure:
			`median over ${o.reps} runs of the ${NODE_NAME} task's executionTime (n8n-core's per-node timing) / ideal; ` +
			'ratioWallMinusBaseline = (runWorkflow wall - no-op run wall with the same items) / ideal, as a cross-check; ' +
			"n8nRequestHelperRatio = a probe node making only the node's httpRequestWithAuthentication call per item (same pool, N, C, latency) / ideal; " +
			"bareLoopRatio = the overhead benchmark's bare node:http loop at the same N, C and latency / ideal (the floor of this machine and sandbox)",
		setup: {
			n: o.n,
			latencyMs: o.latencyMs,
			imageBytes: fs.statSync(files[0]).size,
			binaryMode: o.binaryMode,
			engine: 'test/harness/engine.js (n8n-core WorkflowExecute, built dist/), sandbox in a separate process on 127.0.0.1',
			reps: o.reps,
		},
		rows,
		loadavg1: { before: loadBefore, after: load() },
		durationS: round((Date.now() - started) / 1000, 1),
	};
}

function print(res) {
	return table(
		['C', 'ideal ms', 'node ms (median)', 'node/ideal', 'min..max', '(wall-baseline)/ideal', 'n8n helper alone/ideal', 'bare loop/ideal', 'max in flight'],
		res.rows.map((r) => [r.concurrency, r.idealMs, r.nodeExecutionMs.median, r.ratio.median, `${r.ratio.min}..${r.ratio.max}`, r.ratioWallMinusBaseline.median, r.n8nRequestHelperRatio.median, r.bareLoopRatio.median, r.sandboxMaxInFlight]),
	);
}

module.exports = { scaling, print, DEFAULTS };
