'use strict';

// The 'cut' fault seen from a raw TCP client: exactly which bytes arrive, and whether the write happened.

const net = require('node:net');
const { startSandbox, b64, call } = require('./helpers');
const { mulberry32 } = require('../faults');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const demoFaces = () => sb.state().collections.find((c) => c.id === 'col_demo').faces;

/** One HTTP/1.1 request over a fresh socket; resolves with everything received and how the socket ended. */
function rawRequest(method, path, body) {
	const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
	const head = [`${method} ${path} HTTP/1.1`, `Host: ${sb.host}:${sb.port}`, `x-api-key: ${sb.apiKey}`, 'Content-Type: application/json', `Content-Length: ${payload.length}`, '', ''].join('\r\n');
	return new Promise((resolve, reject) => {
		const chunks = [];
		let ended = false;
		const socket = net.connect(sb.port, sb.host, () => socket.write(Buffer.concat([Buffer.from(head), payload])));
		// Bounded: a sandbox that kept the socket open would fail the test instead of hanging it.
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error('socket still open after 5 s'));
		}, 5000);
		socket.on('data', (c) => chunks.push(c));
		socket.on('end', () => (ended = true));
		socket.on('error', () => {});
		socket.on('close', () => {
			clearTimeout(timer);
			const raw = Buffer.concat(chunks);
			const split = raw.indexOf('\r\n\r\n');
			const headerText = raw.subarray(0, split).toString('latin1');
			const [statusLine, ...lines] = headerText.split('\r\n');
			const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
			resolve({ statusLine, headers, body: raw.subarray(split + 4), ended });
		});
	});
}

const addBody = (userName) => ({ collectionId: 'col_demo', userName, faceImage: b64({ faceKey: userName }) });

describe("'cut' with a fixed content-length", () => {
	test("200 after the write: headers arrive, half the real body, then FIN; the face IS stored", async () => {
		sb.addFaults({ action: 'cut', when: 'after', match: { method: 'POST', path: '/faces' } });
		const r = await rawRequest('POST', '/modules/faces', addBody('cutafter'));
		expect(r.statusLine).toBe('HTTP/1.1 200 OK');
		expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
		const declared = Number(r.headers['content-length']);
		expect(r.headers['transfer-encoding']).toBeUndefined();
		expect(r.body.length).toBeGreaterThan(0);
		expect(r.body.length).toBeLessThan(declared);
		expect(r.body.toString()).toMatch(/^\{"message":"Face added successfully"/);
		expect(r.ended).toBe(true);
		const faces = demoFaces();
		expect(faces).toHaveLength(1);
		// The declared length is that of the real answer, which named the stored face.
		const full = JSON.stringify({ message: 'Face added successfully', faceId: faces[0].faceId });
		expect(declared).toBeGreaterThan(full.length);
		const e = sb.requests()[0];
		expect(e).toMatchObject({ outcome: 'added', status: 200, faceId: faces[0].faceId, fault: { action: 'cut', status: 200, when: 'after', replaced: { status: 200 } } });
		expect(e.clientAborted).toBeUndefined();
	});

	test('500 before the write: nothing stored; bodyBytes sets how much of the body is sent', async () => {
		sb.addFaults({ action: 'cut', status: 500, bodyBytes: 5 });
		const r = await rawRequest('POST', '/modules/faces', addBody('cutbefore'));
		expect(r.statusLine).toBe('HTTP/1.1 500 Internal Server Error');
		expect(r.body.toString()).toBe('{"mes');
		expect(Number(r.headers['content-length'])).toBe('{"message":"Internal Server Error"}'.length);
		expect(r.ended).toBe(true);
		expect(demoFaces()).toHaveLength(0);
		expect(sb.requests()[0]).toMatchObject({ outcome: 'fault', status: 500, fault: { action: 'cut', when: 'before' } });
	});

	test('bodyBytes 0: only the status line and headers; bodyBytes is capped below the full length', async () => {
		sb.addFaults([
			{ action: 'cut', bodyBytes: 0 },
			{ action: 'cut', bodyBytes: 1e6, when: 'after' },
		]);
		const a = await rawRequest('GET', '/modules/faces?collectionId=col_onboarding&page=1');
		expect(a.statusLine).toBe('HTTP/1.1 200 OK');
		expect(a.body.length).toBe(0);
		const b = await rawRequest('GET', '/modules/faces?collectionId=col_onboarding&page=1');
		expect(b.body.length).toBe(Number(b.headers['content-length']) - 1);
	});

	test('Retry-After is sent with the cut headers', async () => {
		sb.addFaults({ action: 'cut', status: 503, retryAfter: 3 });
		const r = await rawRequest('GET', '/modules/faces?collectionId=col_demo&page=1');
		expect(r.statusLine).toBe('HTTP/1.1 503 Service Unavailable');
		expect(r.headers['retry-after']).toBe('3');
	});
});

describe("'cut' with chunked transfer encoding", () => {
	test('200 after the write: complete chunks, no terminating chunk, socket closed; the face IS stored', async () => {
		sb.addFaults({ action: 'cut', transfer: 'chunked', when: 'after' });
		const r = await rawRequest('POST', '/modules/faces', addBody('chunky'));
		expect(r.statusLine).toBe('HTTP/1.1 200 OK');
		expect(r.headers['transfer-encoding']).toBe('chunked');
		expect(r.headers['content-length']).toBeUndefined();
		const text = r.body.toString('latin1');
		const m = /^([0-9a-f]+)\r\n/.exec(text);
		expect(m).not.toBeNull();
		const size = parseInt(m[1], 16);
		expect(text.slice(m[0].length, m[0].length + size)).toMatch(/^\{"message":"Face added successfully"/);
		expect(text.slice(m[0].length + size)).toBe('\r\n'); // no "0\r\n\r\n" terminator follows
		expect(r.ended).toBe(true);
		expect(demoFaces()).toHaveLength(1);
	});

	test('500 before the write: nothing stored', async () => {
		sb.addFaults({ action: 'cut', transfer: 'chunked', status: 500 });
		const r = await rawRequest('POST', '/modules/faces', addBody('chunk500'));
		expect(r.statusLine).toBe('HTTP/1.1 500 Internal Server Error');
		expect(r.headers['transfer-encoding']).toBe('chunked');
		expect(r.body.toString('latin1')).not.toContain('0\r\n\r\n');
		expect(demoFaces()).toHaveLength(0);
	});
});

describe("'cut' seen by ordinary clients", () => {
	test.each(['length', 'chunked'])('fetch fails while reading the body (%s); the next request on a new socket works', async (transfer) => {
		sb.addFaults({ action: 'cut', transfer, when: 'after' });
		const res = await fetch(`${sb.url}/modules/faces?collectionId=col_demo&page=1`, { headers: { 'x-api-key': sb.apiKey } });
		expect(res.status).toBe(200);
		await expect(res.text()).rejects.toThrow();
		expect((await call(sb, 'GET', '/modules/faces', { query: { collectionId: 'col_demo', page: '1' } })).status).toBe(200);
	});
});

describe("'cut' in rules and random schedules", () => {
	test('validation', () => {
		expect(() => sb.addFaults({ action: 'cut', transfer: 'gzip' })).toThrow(/transfer/);
		expect(() => sb.addFaults({ action: 'cut', bodyBytes: -1 })).toThrow(/bodyBytes/);
		expect(() => sb.addFaults({ action: 'status', transfer: 'chunked' })).toThrow(/cut/);
		expect(() => sb.addFaults({ action: 'cut', weight: 2 })).toThrow(/weight/);
		expect(() => sb.setRandomFaults({ rate: 0.5, actions: [{ action: 'cut', weight: 0 }] })).toThrow(/weight/);
		expect(sb.faults()).toEqual([]);
	});

	test('weights shape the pick; equal weights pick exactly as the unweighted schedule always did', async () => {
		const actions = [{ action: 'status', status: 503 }, { action: 'cut' }, { action: 'status', status: 429 }];
		sb.setRandomFaults({ seed: 7, rate: 1, actions });
		const picks = [];
		for (let i = 0; i < 30; i++) {
			await call(sb, 'GET', '/modules/faces', { query: { collectionId: 'col_demo', page: '1' } });
		}
		for (const e of sb.requests()) picks.push(e.fault.action === 'cut' ? 1 : e.fault.status === 503 ? 0 : 2);
		// Reference: the pre-weights rule, floor(second draw * n).
		const rng = mulberry32(7);
		const expected = [];
		for (let i = 0; i < 30; i++) {
			rng();
			expected.push(Math.floor(rng() * 3));
		}
		expect(picks).toEqual(expected);

		sb.reset();
		sb.setRandomFaults({ seed: 7, rate: 1, actions: [{ action: 'status', status: 503, weight: 1 }, { action: 'cut', weight: 9 }] });
		for (let i = 0; i < 40; i++) await call(sb, 'GET', '/modules/faces', { query: { collectionId: 'col_demo', page: '1' } });
		const cuts = sb.requests().filter((e) => e.fault.action === 'cut').length;
		expect(cuts).toBeGreaterThan(28);
		expect(cuts).toBeLessThan(40);
		expect(sb.randomFaults().actions[1]).toMatchObject({ action: 'cut', weight: 9, transfer: 'length' });
	});

	test('a seeded schedule with cut (before and after, both transfers) over concurrent adds: every cut-after add stored, no cut-before add stored', async () => {
		sb.setRandomFaults({
			seed: 42,
			rate: 0.4,
			match: { path: '/modules/*' },
			actions: [
				{ action: 'cut', when: 'after', weight: 2 },
				{ action: 'cut', when: 'before', transfer: 'chunked', status: 500 },
				{ action: 'cut', when: 'after', transfer: 'chunked', status: 500 },
				{ action: 'status', status: 503 },
			],
		});
		const names = Array.from({ length: 60 }, (_, i) => `u${i}`);
		for (let i = 0; i < names.length; i += 8) {
			await Promise.all(names.slice(i, i + 8).map((n) => call(sb, 'POST', '/modules/faces', { body: addBody(n) })));
		}
		const log = sb.requests();
		const stored = new Set(demoFaces().map((f) => f.faceId));
		const cuts = log.filter((e) => e.fault && e.fault.action === 'cut');
		expect(cuts.length).toBeGreaterThan(8);
		for (const e of cuts) {
			if (e.fault.when === 'after') expect(stored.has(e.faceId)).toBe(true);
			else expect(e.outcome).toBe('fault');
		}
		expect(stored.size).toBe(log.filter((e) => e.outcome === 'added').length);
	});
});
