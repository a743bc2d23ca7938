'use strict';
/*
 * The sandbox in its own process, driven over IPC by bench/lib/sandbox.js. It runs apart from the process
 * being measured so that its work (parsing bodies, decoding and hashing images) neither shares the
 * client's event loop nor adds to the client's RSS -- like the real API, which is on another machine.
 * Loopback only (startSandbox refuses anything else).
 */
const path = require('node:path');
const { startSandbox } = require(path.join(__dirname, '..', '..', 'sandbox'));

let sb;

function summary(entries) {
	const byStatus = {};
	const byOutcome = {};
	let posts = 0;
	let bodyBytes = 0;
	for (const e of entries) {
		byStatus[e.status] = (byStatus[e.status] || 0) + 1;
		byOutcome[e.outcome] = (byOutcome[e.outcome] || 0) + 1;
		if (e.method === 'POST') posts++;
		if (e.body && typeof e.body.rawBytes === 'number') bodyBytes += e.body.rawBytes;
	}
	return { count: entries.length, posts, byStatus, byOutcome, bodyBytes, maxInFlight: maxInFlight(entries) };
}

/** Most requests the sandbox was handling at the same moment (from each entry's arrival time and duration). */
function maxInFlight(entries) {
	const events = [];
	for (const e of entries) {
		const start = Date.parse(e.startedAt);
		if (!Number.isFinite(start) || e.durationMs == null) continue;
		events.push([start, 1], [start + e.durationMs, -1]);
	}
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let max = 0;
	for (const [, d] of events) max = Math.max(max, (now += d));
	return max;
}

const handlers = {
	async start({ config }) {
		sb = await startSandbox({ port: 0, host: '127.0.0.1', config });
		return { url: sb.url, apiKey: sb.apiKey, collections: sb.collections, config: sb.config() };
	},
	setConfig: ({ config }) => sb.setConfig(config),
	/** Back to the seed (faces, request log, faults) and to the start config, then `config` on top. */
	reset: ({ config } = {}) => {
		sb.reset();
		if (config) sb.setConfig(config);
		return sb.config();
	},
	clearRequests: () => {
		sb.clearRequests();
		return true;
	},
	/** Summary of the request log, optionally with each request's userName/status (for checks). */
	requests: ({ detail } = {}) => {
		const entries = sb.requests();
		const out = summary(entries);
		if (detail) out.entries = entries.map((e) => ({ userName: e.body && e.body.userName, status: e.status, imageBytes: e.body && e.body.imageBytes }));
		return out;
	},
	faceCount: ({ collectionId }) => {
		const c = sb.state().collections.find((x) => x.id === collectionId);
		return c ? c.faces.length : -1;
	},
	async close() {
		if (sb) await sb.close();
		setImmediate(() => process.exit(0));
		return true;
	},
};

process.on('message', async (msg) => {
	const { id, cmd, args } = msg;
	try {
		const result = await handlers[cmd](args || {});
		process.send({ id, result });
	} catch (error) {
		process.send({ id, error: String((error && error.stack) || error) });
	}
});
process.on('disconnect', () => process.exit(0));
