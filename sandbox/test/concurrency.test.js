'use strict';

const http = require('node:http');
const { startSandbox, b64, add, list, search } = require('./helpers');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

async function pool(n, concurrency, fn) {
	let next = 0;
	const out = new Array(n);
	const worker = async () => {
		while (next < n) {
			const i = next++;
			out[i] = await fn(i);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return out;
}

test('50 parallel adds: all succeed, unique faceIds, one log entry each', async () => {
	const res = await Promise.all(
		Array.from({ length: 50 }, (_, i) => add(sb, { collectionId: 'col_demo', userName: `p${i}`, faceImage: b64({ faceKey: `p${i}` }) })),
	);
	expect(res.map((r) => r.status)).toEqual(new Array(50).fill(200));
	expect(new Set(res.map((r) => r.json.faceId)).size).toBe(50);
	const log = sb.requests();
	expect(log).toHaveLength(50);
	expect(new Set(log.map((e) => e.seq)).size).toBe(50);
	expect((await list(sb, { collectionId: 'col_demo', page: '1' })).json.totalCount).toBe('50');
});

test('50 parallel mixed requests with latency overlap instead of queueing', async () => {
	sb.setConfig({ latencyMs: 100 });
	const t0 = Date.now();
	const res = await Promise.all(
		Array.from({ length: 50 }, (_, i) =>
			i % 2
				? list(sb, { collectionId: 'col_onboarding', page: '1' })
				: search(sb, { collectionId: 'col_onboarding', requestName: 'r', faceImage: b64({ faceKey: 'alice' }) }),
		),
	);
	const wall = Date.now() - t0;
	expect(res.every((r) => r.status === 200)).toBe(true);
	expect(wall).toBeLessThan(2000); // serialised: 50 x 100 ms = 5 s
});

test('benchmark profile: 200 requests at concurrency 16 with 50 ms latency take about the ideal time', async () => {
	sb.setConfig({ latencyMs: 50 });
	// A dedicated keep-alive agent, like the node's HTTP client, so connection reuse is exercised too.
	const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
	const get = () =>
		new Promise((resolve, reject) => {
			const req = http.get(`${sb.url}/modules/faces?collectionId=col_onboarding&page=1`, { agent, headers: { 'x-api-key': sb.apiKey } }, (res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode, reused: req.reusedSocket }));
			});
			req.on('error', reject);
		});
	await pool(32, 16, get); // warm-up: JIT and connection pool, so the measurement is about the sandbox
	sb.clearRequests();
	const t0 = Date.now();
	const res = await pool(200, 16, get);
	const wall = Date.now() - t0;
	agent.destroy();
	const ideal = Math.ceil(200 / 16) * 50;
	expect(res.every((r) => r.status === 200)).toBe(true);
	expect(res.filter((r) => r.reused).length).toBeGreaterThan(150);
	expect(wall).toBeGreaterThanOrEqual(ideal - 5);
	// Serialising anywhere would take 200 x 50 ms = 10 s. The bound is loose because this box may be busy with
	// other jest workers; the overlap check below is the precise one.
	expect(wall).toBeLessThan(ideal * 3);
	const log = sb.requests();
	for (const e of log) expect(e.durationMs).toBeGreaterThanOrEqual(49);
	// How many requests were inside the sandbox at once: should approach the client's concurrency of 16.
	const events = log.flatMap((e) => {
		const start = Date.parse(e.startedAt);
		return [[start, 1], [start + e.durationMs, -1]];
	});
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let peak = 0;
	for (const [, d] of events) peak = Math.max(peak, (now += d));
	expect(peak).toBeGreaterThanOrEqual(12);
});

test('parallel adds with random faults keep the store consistent', async () => {
	sb.setRandomFaults({ seed: 9, rate: 0.3, actions: [{ action: 'status', status: 504, when: 'after' }, { action: 'status', status: 503 }] });
	await Promise.all(Array.from({ length: 50 }, (_, i) => add(sb, { collectionId: 'col_demo', userName: `r${i}`, faceImage: b64() })));
	const log = sb.requests();
	const added = log.filter((e) => e.outcome === 'added').map((e) => e.faceId);
	const faces = sb.state().collections.find((c) => c.id === 'col_demo').faces.map((f) => f.faceId);
	expect(new Set(faces)).toEqual(new Set(added));
	expect(log.filter((e) => e.fault && e.fault.status === 503).every((e) => e.outcome === 'fault')).toBe(true);
});
