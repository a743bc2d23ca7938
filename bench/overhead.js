'use strict';
/*
 * 2. Overhead. Sandbox latency 0, N small images, concurrency C (default 8) on both sides:
 *   - the node: Argos Faces "Add" in the in-process n8n engine, timed by its task's executionTime;
 *   - a bare loop in this same process: C lanes that each read the image file, base64 it, build the same JSON
 *     body (collectionId, userName, faceImage) and POST it with node:http (x-api-key header), then read and
 *     JSON.parse the answer. Its agent is Node's global http agent (keep-alive on Node >= 19).
 * Reported: node throughput / bare-loop throughput (items per second), medians over alternating runs.
 * Shown for information: the bare loop with a new connection per request (agent: false), which is what
 * n8n-core's request helper does (it builds a new http.Agent for every request).
 */
const fs = require('node:fs');
const http = require('node:http');
const { ensureImages, median, round, summarize, load, log, table } = require('./lib/common');
const { fixtureItems, workflow, run } = require('./lib/engine');
const { createProbe, PROBE_TYPE } = require('./lib/probe');

const DEFAULTS = { n: 500, concurrency: 8, reps: 3, breakdownReps: 5, binaryMode: 'filesystem', large: { n: 100, imageBytes: 1048576, distinct: 40 } };

function post(url, apiKey, body, agent) {
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${url}/modules/faces`,
			{ method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': apiKey, 'content-length': Buffer.byteLength(body) } },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					try {
						resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
					} catch (e) {
						reject(e);
					}
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** The bare loop: returns { ms, ok }. */
async function bareLoop({ files, sandbox, collectionId, concurrency, prefix, agent }) {
	let next = 0;
	let ok = 0;
	const t0 = process.hrtime.bigint();
	const lane = async () => {
		while (next < files.length) {
			const i = next++;
			const image = await fs.promises.readFile(files[i]);
			const body = JSON.stringify({ collectionId, userName: `${prefix}-${String(i).padStart(4, '0')}`, faceImage: image.toString('base64') });
			const res = await post(sandbox.url, sandbox.apiKey, body, agent);
			if (res.status === 200 && res.body.faceId) ok++;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, lane));
	return { ms: Number(process.hrtime.bigint() - t0) / 1e6, ok };
}

/** Start -> Items -> the probe node doing `part` for every item with `concurrency` lanes. */
function probeWorkflow({ files, prefix, part, concurrency, collectionId }) {
	const w = workflow({ items: fixtureItems(files, prefix), target: 'noop' });
	w.nodes[w.nodes.length - 1] = {
		name: 'Probe',
		type: PROBE_TYPE,
		typeVersion: 1,
		position: [400, 0],
		parameters: { part, concurrency, collectionId, userName: '={{ $json.name }}', imageSource: 'binary', binaryPropertyName: 'data', options: {} },
		credentials: { argosFacesApi: { id: 'bench-cred', name: 'Argos Faces (bench sandbox)' } },
	};
	w.connections.Items.main[0][0].node = 'Probe';
	return w;
}

/**
 * Where the node's per-item time goes: the probe node (bench/lib/probe.js) repeats one part of the node's work
 * per item through the same n8n helpers with the same pool and concurrency. o.breakdownReps rounds; in each
 * round every part runs once, in an order that rotates from round to round (so no part always runs first or
 * last, after the same neighbour). Reported per part: the median ms per item with min, max and the spread
 * ((max - min) / median), and the ratio real node / the three parts together computed within each round (the
 * two ran minutes apart at most) with its median and spread, so that a 5% change can be told from noise.
 */
async function probeBreakdown({ sandbox, files, collectionId, o }) {
	const probe = createProbe();
	const wf = (part, prefix) => probeWorkflow({ files, prefix, part, concurrency: o.concurrency, collectionId });
	const parts = ['params', 'image', 'http', 'httpPlain', 'all', 'node'];
	const ms = Object.fromEntries(parts.map((p) => [p, []]));
	const reps = o.breakdownReps || o.reps;
	for (let rep = 0; rep < reps; rep++) {
		const order = parts.map((_, i) => parts[(i + rep) % parts.length]);
		for (const part of order) {
			await sandbox.reset({ latencyMs: 0 });
			const w =
				part === 'node'
					? workflow({ items: fixtureItems(files, `probe-node-${rep}`), collectionId, options: { concurrency: o.concurrency } })
					: wf(part, `probe-${part}-${rep}`);
			const r = await run(w, { sandbox, binaryMode: o.binaryMode, extraNodeTypes: { [PROBE_TYPE]: probe } });
			if (r.success !== o.n) throw new Error(`overhead breakdown ${part}: ${r.success}/${o.n} items`);
			ms[part].push(r.nodeMs);
		}
		log(`overhead breakdown round ${rep + 1}/${reps}: ${parts.map((p) => `${p} ${ms[p][rep]} ms`).join(', ')}`);
	}
	const perItem = (part) => round(median(ms[part]) / o.n, 3);
	const spread = (values) => {
		const s = summarize(values.map((v) => v / o.n), 3);
		return { ...s, spread: round((Math.max(...values) - Math.min(...values)) / median(values), 3) };
	};
	const names = { params: 'parameters', image: 'imageFromBinaryStorage', http: 'n8nHttpRequestWithAuthentication', httpPlain: 'n8nHttpRequestPlain', all: 'allThree', node: 'argosFacesNode' };
	const ratios = ms.node.map((v, i) => v / ms.all[i]);
	return {
		perItemMs: {
			parameters: perItem('params'),
			imageFromBinaryStorage: perItem('image'),
			n8nHttpRequestWithAuthentication: perItem('http'),
			n8nHttpRequestPlain: perItem('httpPlain'),
			allThree: perItem('all'),
			argosFacesNode: perItem('node'),
		},
		// ms per item: median, min, max, every round, and (max - min) / median
		perItemMsSpread: Object.fromEntries(parts.map((p) => [names[p], spread(ms[p])])),
		nodeToAllThree: { ...summarize(ratios, 3), spread: round((Math.max(...ratios) - Math.min(...ratios)) / median(ratios), 3) },
		rounds: reps,
		note:
			'probe node (bench/lib/probe.js), same pool and concurrency: parameters = the six getNodeParameter reads of Add ' +
			'(userName an expression); image = assertBinaryData + getBinaryDataBuffer + base64; ' +
			"n8nHttpRequestWithAuthentication = the node's request call alone (fixed small body); n8nHttpRequestPlain = " +
			'helpers.httpRequest with the header set by hand; allThree = the three in sequence per item; argosFacesNode = the real ' +
			'node, measured in the same loop. Medians over alternating rounds (the order of the parts rotates each round); ' +
			'nodeToAllThree = argosFacesNode / allThree within each round',
	};
}

/**
 * For information: the same comparison with 1 MB JPEGs (N = o.large.n, same concurrency, latency 0), where
 * encoding and moving the bytes (on both sides, and in the sandbox) outweigh the per-request costs.
 */
async function largeImageRatio({ sandbox, collectionId, o }) {
	const { files: distinct } = ensureImages('1mb', o.large.distinct, o.large.imageBytes);
	const files = Array.from({ length: o.large.n }, (_, i) => distinct[i % distinct.length]);
	const times = { node: [], bare: [] };
	await sandbox.reset({ latencyMs: 0 });
	await run(workflow({ items: fixtureItems(files.slice(0, o.concurrency), 'large-warm'), collectionId, options: { concurrency: o.concurrency } }), { sandbox, binaryMode: o.binaryMode });
	for (let rep = 0; rep < o.reps; rep++) {
		await sandbox.reset({ latencyMs: 0 });
		const r = await run(workflow({ items: fixtureItems(files, `large-${rep}`), collectionId, options: { concurrency: o.concurrency } }), { sandbox, binaryMode: o.binaryMode });
		if (r.success !== o.large.n) throw new Error(`overhead (1 MB): node enrolled ${r.success}/${o.large.n}`);
		times.node.push(r.nodeMs);
		await sandbox.reset({ latencyMs: 0 });
		const b = await bareLoop({ files, sandbox, collectionId, concurrency: o.concurrency, prefix: `large-bare-${rep}` });
		if (b.ok !== o.large.n) throw new Error(`overhead (1 MB): bare loop enrolled ${b.ok}/${o.large.n}`);
		times.bare.push(b.ms);
		log(`overhead 1 MB rep ${rep + 1}/${o.reps}: node ${r.nodeMs} ms, bare loop ${Math.round(b.ms)} ms`);
	}
	return {
		n: o.large.n,
		imageBytes: o.large.imageBytes,
		ratioToBareLoop: round(median(times.bare) / median(times.node)),
		ms: { node: summarize(times.node, 0), bare: summarize(times.bare, 0) },
		perItemMs: { node: round(median(times.node) / o.large.n, 2), bare: round(median(times.bare) / o.large.n, 2) },
	};
}

async function overhead(sandbox, opts = {}) {
	const o = { ...DEFAULTS, ...opts };
	const { files } = ensureImages('small', o.n, 0);
	const collectionId = sandbox.collections.demo;
	const started = Date.now();
	const loadBefore = load();
	const noKeepAlive = new http.Agent({ keepAlive: false });
	const variants = {
		node: async (prefix) => {
			const r = await run(workflow({ items: fixtureItems(files, prefix), collectionId, options: { concurrency: o.concurrency } }), { sandbox, binaryMode: o.binaryMode });
			if (r.success !== o.n) throw new Error(`overhead: node enrolled ${r.success}/${o.n} (${JSON.stringify(r.firstError)})`);
			return r.nodeMs;
		},
		bare: async (prefix) => {
			const r = await bareLoop({ files, sandbox, collectionId, concurrency: o.concurrency, prefix, agent: undefined });
			if (r.ok !== o.n) throw new Error(`overhead: bare loop enrolled ${r.ok}/${o.n}`);
			return r.ms;
		},
		bareNoKeepAlive: async (prefix) => {
			const r = await bareLoop({ files, sandbox, collectionId, concurrency: o.concurrency, prefix, agent: noKeepAlive });
			if (r.ok !== o.n) throw new Error(`overhead: bare loop (no keep-alive) enrolled ${r.ok}/${o.n}`);
			return r.ms;
		},
	};
	// warm-up of every path, then alternating measured runs (the order rotates each repetition)
	for (const [name, fn] of Object.entries(variants)) {
		await sandbox.reset({ latencyMs: 0 });
		await fn(`warm-${name}`);
	}
	const times = { node: [], bare: [], bareNoKeepAlive: [] };
	const names = Object.keys(variants);
	for (let rep = 0; rep < o.reps; rep++) {
		const order = names.map((_, i) => names[(i + rep) % names.length]);
		for (const name of order) {
			await sandbox.reset({ latencyMs: 0 });
			const ms = await variants[name](`${name}-${rep}`);
			const seen = await sandbox.requests();
			if (seen.posts !== o.n || (seen.byStatus['200'] || 0) !== o.n) throw new Error(`overhead ${name}: sandbox saw ${JSON.stringify(seen)}`);
			times[name].push(ms);
			log(`overhead rep ${rep + 1}/${o.reps} ${name}: ${Math.round(ms)} ms (${round((o.n / ms) * 1000, 0)} items/s)`);
		}
	}
	const breakdown = await probeBreakdown({ sandbox, files, collectionId, o });
	const largeImages = await largeImageRatio({ sandbox, collectionId, o });
	const perSecond = (ms) => (o.n / ms) * 1000;
	const rate = {};
	for (const [k, v] of Object.entries(times)) rate[k] = round(perSecond(median(v)), 1);
	return {
		ratioToBareLoop: round(rate.node / rate.bare),
		target: 'ratioToBareLoop >= 0.5',
		met: rate.node / rate.bare >= 0.5,
		ratioToBareLoopNoKeepAlive: round(rate.node / rate.bareNoKeepAlive),
		itemsPerSecond: rate,
		ms: { node: summarize(times.node, 0), bare: summarize(times.bare, 0), bareNoKeepAlive: summarize(times.bareNoKeepAlive, 0) },
		perItemMs: { node: round(median(times.node) / o.n, 2), bare: round(median(times.bare) / o.n, 2), bareNoKeepAlive: round(median(times.bareNoKeepAlive) / o.n, 2) },
		breakdown,
		largeImages,
		measure:
			`items/s from medians over ${o.reps} alternating runs; node time = the Argos Faces task's executionTime; ` +
			'bare loop = wall time of the loop (file read + base64 + JSON body + node:http POST + JSON.parse of the answer per item)',
		setup: {
			n: o.n,
			concurrency: o.concurrency,
			latencyMs: 0,
			imageBytes: fs.statSync(files[0]).size,
			binaryMode: o.binaryMode,
			bareAgent: "Node's global http.Agent (keep-alive); bareNoKeepAlive: agent false-like (keepAlive: false)",
		},
		loadavg1: { before: loadBefore, after: load() },
		durationS: round((Date.now() - started) / 1000, 1),
	};
}

function print(res) {
	const b = res.breakdown && res.breakdown.perItemMs;
	const parts = b
		? '\n\nper-item breakdown (probe node, ms/item): ' +
			`parameters ${b.parameters}, image ${b.imageFromBinaryStorage}, httpRequestWithAuthentication ${b.n8nHttpRequestWithAuthentication}, ` +
			`httpRequest (plain) ${b.n8nHttpRequestPlain}, all three ${b.allThree}, Argos Faces node ${b.argosFacesNode}` +
			(res.breakdown.nodeToAllThree
				? `\nnode / all three: median ${res.breakdown.nodeToAllThree.median} (${res.breakdown.nodeToAllThree.min}-${res.breakdown.nodeToAllThree.max} over ${res.breakdown.rounds} alternating rounds, spread ${res.breakdown.nodeToAllThree.spread})`
				: '')
		: '';
	const l = res.largeImages;
	const large = l ? `\nwith ${l.n} x 1 MB images (information): node ${l.perItemMs.node} ms/item, bare loop ${l.perItemMs.bare} ms/item -> ${l.ratioToBareLoop}` : '';
	return table(
		['path', 'median ms', 'items/s', 'ms/item', 'node / this'],
		[
			['Argos Faces node', res.ms.node.median, res.itemsPerSecond.node, res.perItemMs.node, 1],
			['bare loop (keep-alive)', res.ms.bare.median, res.itemsPerSecond.bare, res.perItemMs.bare, res.ratioToBareLoop],
			['bare loop (new connection each)', res.ms.bareNoKeepAlive.median, res.itemsPerSecond.bareNoKeepAlive, res.perItemMs.bareNoKeepAlive, res.ratioToBareLoopNoKeepAlive],
		],
	) + parts + large;
}

module.exports = { overhead, print, bareLoop, probeWorkflow, DEFAULTS };
