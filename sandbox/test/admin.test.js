'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSandbox, call, b64, add, list, del, search, sampleImage } = require('./helpers');

let sb;
const seen = [];
beforeAll(async () => {
	sb = await startSandbox({ port: 0, config: { searchShape: 'A' }, onRequest: (e) => seen.push(e) });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const admin = (method, p, body) => call(sb, method, `/__sandbox${p}`, { key: null, body });

describe('request log', () => {
	test('add entry has every documented field and no secrets', async () => {
		const img = sampleImage({ faceKey: 'logme', format: 'png' });
		await add(sb, { collectionId: 'col_demo', userName: 'log-user', faceImage: `data:image/png;base64,${img.toString('base64')}` });
		const [e] = sb.requests();
		expect(e).toEqual({
			seq: 1,
			startedAt: expect.any(String),
			durationMs: expect.any(Number),
			method: 'POST',
			path: '/modules/faces',
			query: { collectionId: null, page: null, term: null, faceId: null },
			body: {
				collectionId: 'col_demo',
				userName: 'log-user',
				requestName: null,
				imageForm: 'dataUrl',
				imageBytes: img.length,
				imageSha256: require('node:crypto').createHash('sha256').update(img).digest('hex'),
				imageFormat: 'png',
				rawBytes: expect.any(Number),
			},
			apiKey: 'valid',
			status: 200,
			errorCode: null,
			fault: null,
			outcome: 'added',
			faceId: expect.stringMatching(/^face_/),
			livenessScore: expect.any(Number),
		});
		expect(new Date(e.startedAt).toISOString()).toBe(e.startedAt);
	});

	test('outcomes, query fields and key states', async () => {
		await list(sb, { collectionId: 'col_onboarding', page: '2', term: 'abcdef' });
		await del(sb, { collectionId: 'col_onboarding', faceId: 'face_0a1b2c3d4e5f6071' });
		await search(sb, { collectionId: 'col_onboarding', requestName: 'r', faceImage: b64({ faceKey: 'bob' }) });
		await list(sb, { collectionId: 'col_demo', page: '1' }, { key: null });
		await list(sb, { collectionId: 'col_demo', page: '1' }, { key: sb.disabledApiKey });
		await call(sb, 'GET', '/modules/unknown');
		const log = sb.requests();
		expect(log.map((e) => [e.method, e.outcome, e.apiKey, e.status, e.errorCode])).toEqual([
			['GET', 'listed', 'valid', 200, null],
			['DELETE', 'deleted', 'valid', 200, null],
			['POST', 'searched', 'valid', 200, null],
			['GET', 'rejected', 'missing', 403, 6039],
			['GET', 'rejected', 'rejected', 403, 6040],
			['GET', 'not_found', 'valid', 404, null],
		]);
		expect(log[0].query).toEqual({ collectionId: 'col_onboarding', page: '2', term: 'abcdef', faceId: null });
		expect(log[1].faceId).toBe('face_0a1b2c3d4e5f6071');
		expect(log[2].matches).toBe(1);
	});

	test('sorted by seq, clearRequests, onRequest observer', async () => {
		seen.length = 0;
		await Promise.all([1, 2, 3, 4].map(() => list(sb, { collectionId: 'col_demo', page: '1' })));
		expect(sb.requests().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
		expect(seen).toHaveLength(4);
		sb.clearRequests();
		expect(sb.requests()).toEqual([]);
	});

	test('requests() returns copies', async () => {
		await list(sb, { collectionId: 'col_demo', page: '1' });
		sb.requests()[0].status = 999;
		expect(sb.requests()[0].status).toBe(200);
	});

	test('invalid JSON is logged as such', async () => {
		await add(sb, 'nope');
		expect(sb.requests()[0].body).toEqual({ invalidJson: true, rawBytes: 4 });
	});
});

describe('no API key or image ever leaks', () => {
	test('log, state, faults, config, onRequest and admin HTTP output are clean', async () => {
		const secret = 'user-secret-key-do-not-log-93847';
		const img = b64({ faceKey: 'leak' });
		seen.length = 0;
		sb.addFaults({ action: 'status', status: 500, when: 'after' });
		for (const key of [sb.apiKey, sb.disabledApiKey, secret]) {
			await add(sb, { collectionId: 'col_demo', userName: 'x', faceImage: img, apiKey: key, 'x-api-key': key }, { key });
			await search(sb, { collectionId: 'col_demo', requestName: 'x', faceImage: img }, { key });
			await list(sb, { collectionId: 'col_demo', page: '1', apiKey: key }, { key });
			await del(sb, { collectionId: 'col_demo', faceId: 'face_x' }, { key });
		}
		const outputs = [
			JSON.stringify(sb.requests()),
			JSON.stringify(sb.state()),
			JSON.stringify(sb.faults()),
			JSON.stringify(sb.config()),
			JSON.stringify(seen),
		];
		for (const p of ['/state', '/requests', '/config', '/faults', '/health', '']) outputs.push((await admin('GET', p)).text);
		const all = outputs.join('\n');
		for (const key of [sb.apiKey, sb.disabledApiKey, secret]) expect(all).not.toContain(key);
		expect(all).not.toContain(img.slice(0, 40));
		expect(sb.requests()).toHaveLength(12);
	});
});

describe('programmatic API', () => {
	test('fields', () => {
		expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
		expect(sb.apiKey).toBe('argos-sandbox-demo-key-7f3c9a');
		expect(typeof sb.disabledApiKey).toBe('string');
		expect(sb.collections).toEqual({ demo: 'col_demo', onboarding: 'col_onboarding', deleted: 'col_deleted', noLiveness: 'col_no_liveness' });
	});

	test('state shape and seed', () => {
		const st = sb.state();
		expect(st.config.searchShape).toBe('A');
		expect(st.collections.map((c) => [c.id, c.status, c.liveness, c.faces.length])).toEqual([
			['col_demo', 'active', true, 0],
			['col_onboarding', 'active', true, 3],
			['col_deleted', 'deleted', true, 0],
			['col_no_liveness', 'active', false, 0],
		]);
		expect(Object.keys(st.collections[1].faces[0]).sort()).toEqual(['createdAt', 'faceId', 'faceKey', 'imageSha256', 'metaFaceId', 'userName']);
	});

	test('reset restores data, log, faults and the startSandbox config', async () => {
		sb.setConfig({ searchShape: 'B', latencyMs: 5 });
		sb.addFaults({ action: 'reset', count: -1 });
		sb.setRandomFaults({ seed: 1, rate: 1, actions: [{ action: 'reset' }] });
		sb.addFaces('col_demo', 3);
		sb.addCollection({ id: 'col_extra' });
		sb.reset();
		expect(sb.config()).toMatchObject({ searchShape: 'A', latencyMs: 0 });
		expect(sb.faults()).toEqual([]);
		expect(sb.randomFaults()).toBeNull();
		expect(sb.state().collections.map((c) => c.id)).not.toContain('col_extra');
		expect((await list(sb, { collectionId: 'col_demo', page: '1' })).json.totalCount).toBe('0');
		expect(sb.requests()[0].seq).toBe(1);
	});

	test('setConfig validates', () => {
		expect(() => sb.setConfig({ searchShape: 'C' })).toThrow(/searchShape/);
		expect(() => sb.setConfig({ latencyMs: -1 })).toThrow(/latencyMs/);
		expect(() => sb.setConfig({ nope: 1 })).toThrow(/unknown config key/);
		expect(sb.setConfig({ searchShape: 'b' }).searchShape).toBe('B');
	});

	test('addCollection (upsert) and addFaces', async () => {
		sb.addCollection({ id: 'col_x', liveness: false });
		sb.addFaces('col_x', 2, { userNamePrefix: 'x-' });
		sb.addCollection({ id: 'col_x', status: 'deleted' });
		const col = sb.state().collections.find((c) => c.id === 'col_x');
		expect(col).toMatchObject({ status: 'deleted', liveness: true });
		expect(col.faces.map((f) => f.userName)).toEqual([expect.stringMatching(/^x-/), expect.stringMatching(/^x-/)]);
		expect((await list(sb, { collectionId: 'col_x', page: '1' })).json.errorCode).toBe(6028);
		expect(() => sb.addFaces('col_missing', 1)).toThrow(/unknown collection/);
		expect(() => sb.addCollection({ id: '' })).toThrow();
	});

	test('custom seed file', async () => {
		const file = path.join(os.tmpdir(), `sandbox-seed-${process.pid}.json`);
		fs.writeFileSync(
			file,
			JSON.stringify({
				apiKeys: [
					{ key: 'k-active', status: 'active' },
					{ key: 'k-off', status: 'disabled' },
				],
				collections: [{ alias: 'demo', id: 'c1', status: 'active', faces: [{ faceId: 'face_aaaaaaaaaaaaaaaa', userName: 'z', faceKey: 'zed' }] }],
			}),
		);
		const own = await startSandbox({ seedPath: file });
		try {
			expect(own.apiKey).toBe('k-active');
			expect(own.collections).toEqual({ demo: 'c1' });
			const r = await search(own, { collectionId: 'c1', requestName: 'r', faceImage: b64({ faceKey: 'zed' }) });
			expect(r.json.result[0].face_id).toBe('face_aaaaaaaaaaaaaaaa');
		} finally {
			await own.close();
			fs.unlinkSync(file);
		}
	});

	test('refuses non-loopback hosts', async () => {
		await expect(startSandbox({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
	});

	test('close() is idempotent', async () => {
		const own = await startSandbox();
		await Promise.all([own.close(), own.close()]);
		await own.close();
	});
});

describe('admin over HTTP', () => {
	test('health and state', async () => {
		expect((await admin('GET', '/health')).json).toMatchObject({ ok: true });
		expect((await admin('GET', '/state')).json.collections).toHaveLength(4);
	});

	test('config GET/PUT, invalid -> 400', async () => {
		expect((await admin('PUT', '/config', { latencyMs: 1, totalCountAs: 'number' })).json).toMatchObject({ latencyMs: 1, totalCountAs: 'number' });
		expect((await admin('GET', '/config')).json.latencyMs).toBe(1);
		const bad = await admin('PUT', '/config', { searchShape: 'Z' });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/searchShape/);
		expect((await call(sb, 'PUT', '/__sandbox/config', { key: null, body: '{bad' })).status).toBe(400);
	});

	test('faults POST/GET/DELETE and random', async () => {
		const r = await admin('POST', '/faults', [{ action: 'status', status: 503 }, { action: 'reset' }]);
		expect(r.json.added).toHaveLength(2);
		expect((await admin('GET', '/faults')).json.rules).toHaveLength(2);
		expect((await admin('POST', '/faults', { action: 'bogus' })).status).toBe(400);
		expect((await list(sb, { collectionId: 'col_demo', page: '1' })).status).toBe(503);
		await admin('DELETE', '/faults');
		expect((await admin('GET', '/faults')).json).toEqual({ rules: [], random: null });
		const rnd = await admin('POST', '/faults/random', { seed: 7, rate: 1, actions: [{ action: 'status', status: 502 }] });
		expect(rnd.json.random).toMatchObject({ seed: 7, rate: 1 });
		expect((await list(sb, { collectionId: 'col_demo', page: '1' })).status).toBe(502);
		expect(sb.requests().pop().fault).toMatchObject({ source: 'random', status: 502 });
		await admin('DELETE', '/faults/random');
		expect((await list(sb, { collectionId: 'col_demo', page: '1' })).status).toBe(200);
	});

	test('requests GET (with since) and DELETE', async () => {
		await list(sb, { collectionId: 'col_demo', page: '1' });
		await list(sb, { collectionId: 'col_demo', page: '2' });
		expect((await admin('GET', '/requests')).json).toHaveLength(2);
		expect((await admin('GET', '/requests?since=1')).json.map((e) => e.seq)).toEqual([2]);
		await admin('DELETE', '/requests');
		expect(sb.requests()).toEqual([]);
	});

	test('collections, faces/bulk and reset', async () => {
		expect((await admin('POST', '/collections', { id: 'col_http', liveness: false })).status).toBe(201);
		const bulk = await admin('POST', '/faces/bulk', { collectionId: 'col_http', count: 60 });
		expect(bulk.json.faces).toHaveLength(60);
		expect((await list(sb, { collectionId: 'col_http', page: '2' })).json.result).toHaveLength(10);
		expect((await admin('POST', '/faces/bulk', { collectionId: 'nope', count: 1 })).status).toBe(404);
		expect((await admin('POST', '/reset')).json).toEqual({ ok: true });
		expect(sb.state().collections.map((c) => c.id)).not.toContain('col_http');
	});

	test('sample-image as a ready request body, as a data URL and raw', async () => {
		const r = await admin('GET', '/sample-image?face=dave&collectionId=col_demo&userName=dave');
		expect(r.json).toMatchObject({ collectionId: 'col_demo', userName: 'dave', format: 'jpeg', faceKey: 'dave', spoof: false });
		expect((await add(sb, r.json)).status).toBe(200);
		const d = await admin('GET', '/sample-image?face=dave&format=png&dataUrl=1&spoof=1');
		expect(d.json.faceImage).toMatch(/^data:image\/png;base64,/);
		expect(d.json.spoof).toBe(true);
		const raw = await fetch(`${sb.url}/__sandbox/sample-image?format=png&raw=1`);
		expect(raw.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await raw.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
		expect((await admin('GET', '/sample-image?format=gif')).status).toBe(400);
	});

	test('unknown admin route -> 404', async () => {
		expect((await admin('GET', '/nope')).status).toBe(404);
	});
});

test('the request log is capped by logLimit, dropping the oldest entries', async () => {
	sb.setConfig({ logLimit: 3 });
	for (let i = 0; i < 5; i++) await list(sb, { collectionId: 'col_demo', page: '1' });
	expect(sb.requests().map((e) => e.seq)).toEqual([3, 4, 5]);
});
