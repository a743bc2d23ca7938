'use strict';

const { startSandbox, call, b64, add, list, search } = require('./helpers');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const listDemo = (opts) => list(sb, { collectionId: 'col_demo', page: '1' }, opts);
const addDemo = (userName = 'u') => add(sb, { collectionId: 'col_demo', userName, faceImage: b64({ faceKey: userName }) });
const demoFaces = () => sb.state().collections.find((c) => c.id === 'col_demo').faces;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Polls instead of fixed sleeps: server-side bookkeeping after a reset or abort may lag on a busy machine.
async function until(cond, ms = 3000) {
	for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await sleep(10);
}

describe('status faults', () => {
	test('429 with numeric Retry-After and an errorCode', async () => {
		sb.addFaults({ action: 'status', status: 429, retryAfter: 2, errorCode: 9001, message: 'slow down' });
		const r = await listDemo();
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBe('2');
		expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(r.json).toEqual({ errorCode: 9001, message: 'slow down' });
		expect((await listDemo()).status).toBe(200); // count defaults to 1
	});

	test('Retry-After as an HTTP date is sent verbatim', async () => {
		const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
		sb.addFaults({ action: 'status', status: 503, retryAfter: date });
		expect((await listDemo()).headers.get('retry-after')).toBe(date);
	});

	test.each([500, 502, 503, 504])('%s with the standard message and no errorCode', async (status) => {
		sb.addFaults({ action: 'status', status });
		const r = await listDemo();
		expect(r.status).toBe(status);
		expect(Object.keys(r.json)).toEqual(['message']);
	});

	test('errorCodeAs string applies to fault bodies too', async () => {
		sb.setConfig({ errorCodeAs: 'string' });
		sb.addFaults({ action: 'status', status: 500, errorCode: 6012 });
		expect((await listDemo()).json.errorCode).toBe('6012');
	});
});

describe('before vs after', () => {
	test("when 'before': the request is not processed", async () => {
		sb.addFaults({ action: 'status', status: 504 });
		expect((await addDemo()).status).toBe(504);
		expect(demoFaces()).toHaveLength(0);
		expect(sb.requests()[0]).toMatchObject({ outcome: 'fault', status: 504, fault: { action: 'status', status: 504, when: 'before', source: 'rule' } });
	});

	test("when 'after': the face IS added, then the response is replaced (the ambiguous 504)", async () => {
		sb.addFaults({ action: 'status', status: 504, when: 'after' });
		const r = await addDemo('ghost');
		expect(r.status).toBe(504);
		expect(demoFaces()).toHaveLength(1);
		const e = sb.requests()[0];
		expect(e).toMatchObject({ outcome: 'added', status: 504, fault: { when: 'after', replaced: { status: 200, errorCode: null } } });
		expect(e.faceId).toBe(demoFaces()[0].faceId);
	});

	test("'after' reset: the face is added and the connection dies", async () => {
		sb.addFaults({ action: 'reset', when: 'after' });
		const r = await addDemo();
		expect(r.error).toBeDefined();
		await until(() => sb.requests().length === 1);
		expect(demoFaces()).toHaveLength(1);
		expect(sb.requests()[0]).toMatchObject({ outcome: 'added', status: null, fault: { action: 'reset', when: 'after' } });
	});
});

describe('connection-level faults', () => {
	test('reset destroys the socket without a response', async () => {
		sb.addFaults({ action: 'reset' });
		const r = await listDemo();
		expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(r.error);
		await until(() => sb.requests().length === 1);
		expect(sb.requests()[0]).toMatchObject({ status: null, fault: { action: 'reset' }, outcome: 'fault' });
		expect((await listDemo()).status).toBe(200);
	});

	test('hang never answers; the client gives up; logged with status null', async () => {
		sb.addFaults({ action: 'hang' });
		const r = await listDemo({ signal: AbortSignal.timeout(200) });
		expect(r.error).toMatch(/TimeoutError|AbortError/);
		await until(() => sb.requests().length === 1 && sb.requests()[0].durationMs >= 150);
		const e = sb.requests()[0];
		expect(e).toMatchObject({ status: null, fault: { action: 'hang' } });
		expect(e.durationMs).toBeGreaterThanOrEqual(150);
	});

	test('hang is capped by hangMaxMs, then the socket is destroyed', async () => {
		sb.setConfig({ hangMaxMs: 150 });
		sb.addFaults({ action: 'hang' });
		const t0 = Date.now();
		const r = await listDemo();
		expect(r.error).toBeDefined();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		expect(Date.now() - t0).toBeLessThan(3000);
	});

	test('close() ends hanging requests promptly', async () => {
		const own = await startSandbox({ port: 0 });
		own.addFaults({ action: 'hang', count: -1 });
		const pending = [1, 2, 3].map(() => call(own, 'GET', '/modules/faces', { query: { collectionId: 'col_demo', page: '1' } }));
		await sleep(50);
		const t0 = Date.now();
		await own.close();
		expect(Date.now() - t0).toBeLessThan(2000);
		for (const r of await Promise.all(pending)) expect(r.error).toBeDefined();
	});

	test('malformed: truncated JSON with a JSON content type', async () => {
		sb.addFaults({ action: 'malformed' });
		const r = await listDemo();
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(r.json).toBeUndefined();
		expect(r.text.startsWith('{')).toBe(true);
	});

	test("malformed 'after' truncates the real answer", async () => {
		sb.addFaults({ action: 'malformed', when: 'after', status: 200 });
		const r = await addDemo();
		expect(r.text.startsWith('{"message":"Face added successfully"')).toBe(true);
		expect(r.json).toBeUndefined();
		expect(demoFaces()).toHaveLength(1);
	});

	test('html: a gateway error page', async () => {
		sb.addFaults([{ action: 'html' }, { action: 'html', status: 503 }]);
		const r = await listDemo();
		expect(r.status).toBe(502);
		expect(r.headers.get('content-type')).toMatch(/^text\/html/);
		expect(r.text).toContain('<h1>502 Bad Gateway</h1>');
		expect((await listDemo()).text).toContain('503 Service Unavailable');
	});
});

describe('rule scheduling', () => {
	test('skip and count', async () => {
		sb.addFaults({ action: 'status', status: 503, skip: 1, count: 2 });
		const got = [];
		for (let i = 0; i < 5; i++) got.push((await listDemo()).status);
		expect(got).toEqual([200, 503, 503, 200, 200]);
		expect(sb.faults()).toEqual([]);
	});

	test('rules are consumed in order', async () => {
		sb.addFaults([
			{ action: 'status', status: 503, count: 2 },
			{ action: 'status', status: 429 },
		]);
		const got = [];
		for (let i = 0; i < 4; i++) got.push((await listDemo()).status);
		expect(got).toEqual([503, 503, 429, 200]);
	});

	test('skip counts from when each rule was added, independently of other rules', async () => {
		sb.addFaults([0, 2, 4].map((skip) => ({ action: 'status', status: 500 + skip, skip })));
		const got = [];
		for (let i = 0; i < 6; i++) got.push((await listDemo()).status);
		expect(got).toEqual([500, 200, 502, 200, 504, 200]);
	});

	test('a ready rule waits while an earlier rule fires', async () => {
		sb.addFaults([{ action: 'status', status: 503, count: 2 }, { action: 'status', status: 429, skip: 1 }]);
		const got = [];
		for (let i = 0; i < 4; i++) got.push((await listDemo()).status);
		expect(got).toEqual([503, 503, 429, 200]);
	});

	test('count -1 fires until cleared', async () => {
		sb.addFaults({ action: 'status', status: 500, count: -1 });
		for (let i = 0; i < 5; i++) expect((await listDemo()).status).toBe(500);
		expect(sb.faults()[0]).toMatchObject({ fired: 5, count: -1 });
		sb.clearFaults();
		expect((await listDemo()).status).toBe(200);
	});

	test('match by method and path (with /faces shorthand and * prefix)', async () => {
		sb.addFaults([
			{ match: { method: 'post', path: '/faces' }, action: 'status', status: 500, count: -1 },
			{ match: { path: '/modules/sea*' }, action: 'status', status: 502, count: -1 },
		]);
		expect((await listDemo()).status).toBe(200);
		expect((await addDemo()).status).toBe(500);
		expect((await search(sb, { collectionId: 'col_demo', requestName: 'r', faceImage: b64() })).status).toBe(502);
	});

	test('admin endpoints are never faulted, delayed or logged', async () => {
		sb.setConfig({ latencyMs: 1500 });
		sb.addFaults({ action: 'reset', count: -1 });
		const t0 = Date.now();
		const r = await call(sb, 'GET', '/__sandbox/state', { key: null });
		expect(r.status).toBe(200);
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(sb.requests()).toEqual([]);
	});

	test('invalid rules are rejected as a whole', () => {
		expect(() => sb.addFaults({ action: 'explode' })).toThrow(/action/);
		expect(() => sb.addFaults([{ action: 'reset' }, { action: 'status', status: 42 }])).toThrow(/status/);
		expect(() => sb.addFaults({ action: 'reset', count: 0 })).toThrow(/count/);
		expect(() => sb.addFaults({ action: 'delay' })).toThrow(/latencyMs/);
		expect(() => sb.addFaults({ action: 'reset', when: 'during' })).toThrow(/when/);
		expect(sb.faults()).toEqual([]);
	});
});

describe('latency', () => {
	test('config latencyMs delays /modules responses', async () => {
		sb.setConfig({ latencyMs: 120 });
		const t0 = Date.now();
		await listDemo();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
		expect(sb.requests()[0].durationMs).toBeGreaterThanOrEqual(115);
	});

	test('a rule latencyMs delays that fault; the delay action delays a normal answer', async () => {
		sb.addFaults([
			{ action: 'status', status: 503, latencyMs: 150 },
			{ action: 'delay', latencyMs: 150 },
		]);
		let t0 = Date.now();
		expect((await listDemo()).status).toBe(503);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
		t0 = Date.now();
		expect((await listDemo()).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
	});

	test('a request the client abandoned during latency is still processed', async () => {
		sb.setConfig({ latencyMs: 200 });
		const r = await add(sb, { collectionId: 'col_demo', userName: 'late', faceImage: b64() }, { signal: AbortSignal.timeout(50) });
		expect(r.error).toBeDefined();
		await until(() => demoFaces().length === 1 && sb.requests().length === 1);
		expect(demoFaces()).toHaveLength(1);
		expect(sb.requests()[0]).toMatchObject({ clientAborted: true, status: null, outcome: 'added' });
	});
});

describe('random faults', () => {
	const run = async (n) => {
		const out = [];
		for (let i = 0; i < n; i++) out.push((await listDemo()).status);
		return out;
	};

	test('same seed -> same sequence; log records source random', async () => {
		const opts = { seed: 42, rate: 0.3, actions: [{ action: 'status', status: 503 }, { action: 'status', status: 429, retryAfter: 1 }] };
		sb.setRandomFaults(opts);
		const first = await run(40);
		const log1 = sb.requests().map((e) => e.fault && e.fault.status);
		sb.reset();
		sb.setRandomFaults(opts);
		expect(await run(40)).toEqual(first);
		expect(sb.requests().map((e) => e.fault && e.fault.status)).toEqual(log1);
		const faulted = first.filter((s) => s !== 200).length;
		expect(faulted).toBeGreaterThan(3);
		expect(faulted).toBeLessThan(25);
		expect(sb.requests().find((e) => e.fault)).toMatchObject({ fault: { source: 'random' } });
		expect(sb.randomFaults()).toMatchObject({ decisions: 40, fired: faulted });
	});

	test('a different seed gives a different sequence', async () => {
		const actions = [{ action: 'status', status: 503 }];
		sb.setRandomFaults({ seed: 1, rate: 0.5, actions });
		const a = await run(30);
		sb.setRandomFaults({ seed: 2, rate: 0.5, actions });
		expect(await run(30)).not.toEqual(a);
	});

	test('match restricts the schedule; rate 1 always fires; null disables', async () => {
		sb.setRandomFaults({ seed: 'x', rate: 1, actions: [{ action: 'status', status: 500 }], match: { method: 'POST' } });
		expect((await listDemo()).status).toBe(200);
		expect((await addDemo()).status).toBe(500);
		sb.setRandomFaults(null);
		expect((await addDemo()).status).toBe(200);
	});

	test('rules take precedence over the random schedule', async () => {
		sb.setRandomFaults({ seed: 3, rate: 1, actions: [{ action: 'status', status: 500 }] });
		sb.addFaults({ action: 'status', status: 418 });
		expect((await listDemo()).status).toBe(418);
		expect((await listDemo()).status).toBe(500);
	});
});

describe('gateway 413', () => {
	test('Content-Length above maxBodyBytes -> 413 HTML without processing', async () => {
		sb.setConfig({ maxBodyBytes: 10000 });
		const r = await add(sb, { collectionId: 'col_demo', userName: 'u', faceImage: b64({ sizeBytes: 20000 }) });
		expect(r.status).toBe(413);
		expect(r.headers.get('content-type')).toMatch(/^text\/html/);
		expect(r.text).toContain('413');
		expect(demoFaces()).toHaveLength(0);
		expect(sb.requests()[0]).toMatchObject({ status: 413, outcome: 'rejected', body: { tooLarge: true } });
		// keep-alive connection still usable afterwards
		expect((await listDemo()).status).toBe(200);
	});

	test('chunked upload above maxBodyBytes -> 413', async () => {
		sb.setConfig({ maxBodyBytes: 64 * 1024 });
		const { Readable } = require('node:stream');
		const body = Readable.from((function* () {
			for (let i = 0; i < 32; i++) yield Buffer.alloc(16 * 1024, 0x41);
		})());
		const res = await fetch(`${sb.url}/modules/faces`, { method: 'POST', headers: { 'x-api-key': sb.apiKey }, body, duplex: 'half' });
		expect(res.status).toBe(413);
		await res.text();
	});

	test('default maxBodyBytes is 16 MiB: a 17 MiB body gets 413', async () => {
		const r = await add(sb, { collectionId: 'col_demo', userName: 'u', faceImage: 'A'.repeat(17 * 1024 * 1024) });
		expect(r.status).toBe(413);
	});
});

test('a body declared too large does not use up a fault rule', async () => {
	sb.reset();
	sb.setConfig({ maxBodyBytes: 5000 });
	sb.addFaults({ action: 'status', status: 503 });
	expect((await add(sb, { collectionId: 'col_demo', userName: 'u', faceImage: b64({ sizeBytes: 9000 }) })).status).toBe(413);
	expect(sb.requests()[0].fault).toBeNull();
	expect((await listDemo()).status).toBe(503);
});
