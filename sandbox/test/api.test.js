'use strict';

const { startSandbox, call, b64, add, list, del, search, sampleImage } = require('./helpers');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const code = (r) => [r.status, r.json && r.json.errorCode];

describe('auth', () => {
	const endpoints = [
		['POST', '/modules/faces', { body: {} }],
		['GET', '/modules/faces', { query: {} }],
		['DELETE', '/modules/faces', { query: {} }],
		['POST', '/modules/search', { body: {} }],
	];
	test.each(endpoints)('%s %s: missing key -> 403 6039, before parameter checks', async (method, path, opts) => {
		const r = await call(sb, method, path, { ...opts, key: null });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({ errorCode: 6039, message: 'API Key is required' });
	});
	test.each(endpoints)('%s %s: unknown and disabled keys -> 403 6040', async (method, path, opts) => {
		for (const key of ['nope', sb.disabledApiKey]) {
			const r = await call(sb, method, path, { ...opts, key });
			expect(r.status).toBe(403);
			expect(r.json).toEqual({ errorCode: 6040, message: 'Access Denied: API Key is unavailable' });
		}
	});
	test('empty key header counts as missing', async () => {
		const r = await list(sb, { collectionId: 'col_demo', page: '1' }, { key: '' });
		expect(code(r)).toEqual([403, 6039]);
	});
});

describe('POST /modules/faces (add)', () => {
	const good = () => ({ collectionId: 'col_demo', userName: 'dave', faceImage: b64({ faceKey: 'dave' }) });

	test('success shape, id formats, content type, face stored', async () => {
		const r = await add(sb, good());
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(r.json).toEqual({
			message: 'Face added successfully',
			faceId: expect.stringMatching(/^face_[0-9a-f]{16}$/),
			metaFaceId: expect.stringMatching(/^meta_[0-9a-f]{16}$/),
			option: { option_liveness: true, liveNess_threshold: 50, livenessScore: expect.any(Number) },
		});
		expect(r.json.option.livenessScore).toBeGreaterThanOrEqual(70);
		expect(r.json.option.livenessScore).toBeLessThanOrEqual(99);
		const faces = sb.state().collections.find((c) => c.id === 'col_demo').faces;
		expect(faces).toHaveLength(1);
		expect(faces[0]).toMatchObject({ faceId: r.json.faceId, userName: 'dave', faceKey: 'dave' });
	});

	test('same face key -> same metaFaceId, different faceId; other key -> other metaFaceId', async () => {
		const a = await add(sb, good());
		const b = await add(sb, { ...good(), faceImage: b64({ faceKey: 'dave', format: 'png' }) });
		const c = await add(sb, { ...good(), faceImage: b64({ faceKey: 'erin' }) });
		expect(a.json.faceId).not.toBe(b.json.faceId);
		expect(a.json.metaFaceId).toBe(b.json.metaFaceId);
		expect(c.json.metaFaceId).not.toBe(a.json.metaFaceId);
	});

	test('accepts raw base64 and data URLs, and records which arrived', async () => {
		const img = sampleImage({ faceKey: 'dave', format: 'png' }).toString('base64');
		expect((await add(sb, { ...good(), faceImage: img })).status).toBe(200);
		expect((await add(sb, { ...good(), faceImage: `data:image/png;base64,${img}` })).status).toBe(200);
		const forms = sb.requests().map((e) => e.body.imageForm);
		expect(forms).toEqual(['base64', 'dataUrl']);
	});

	test.each(['jpeg', 'png', 'webp'])('accepts %s', async (format) => {
		const r = await add(sb, { ...good(), faceImage: b64({ format, faceKey: 'x' }) });
		expect(r.status).toBe(200);
		expect(sb.requests()[0].body.imageFormat).toBe(format);
	});

	test.each([
		['collectionId missing -> 400 6010', { collectionId: undefined }, 6010],
		['collectionId empty -> 400 6010', { collectionId: '' }, 6010],
		['collectionId not a string -> 400 6010', { collectionId: 42 }, 6010],
		['userName missing -> 400 6012', { userName: undefined }, 6012],
		['faceImage missing -> 400 6011', { faceImage: undefined }, 6011],
		['faceImage empty -> 400 6011', { faceImage: '' }, 6011],
		['unknown collection -> 400 6013', { collectionId: 'col_nope' }, 6013],
		['deleted collection -> 400 6014', { collectionId: 'col_deleted' }, 6014],
		['not base64 -> 400 6017', { faceImage: '%%%not-base64%%%' }, 6017],
		['url-safe base64 is not accepted -> 400 6017', { faceImage: '-_-_' }, 6017],
		['GIF is unsupported -> 400 6017', { faceImage: Buffer.from('GIF89a-------').toString('base64') }, 6017],
		['PDF is unsupported -> 400 6017', { faceImage: Buffer.from('%PDF-1.4 hello').toString('base64') }, 6017],
		['spoof fails liveness -> 400 6015', { faceImage: b64({ spoof: true }) }, 6015],
	])('%s', async (_name, patch, expected) => {
		const r = await add(sb, { ...good(), ...patch });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ errorCode: expected, message: expect.any(String) });
	});

	test('6016 above maxImageBytes (decoded), exactly maxImageBytes passes', async () => {
		sb.setConfig({ maxImageBytes: 2000 });
		expect((await add(sb, { ...good(), faceImage: b64({ sizeBytes: 2000, faceKey: 'a' }) })).status).toBe(200);
		expect(code(await add(sb, { ...good(), faceImage: b64({ sizeBytes: 2001, faceKey: 'a' }) }))).toEqual([400, 6016]);
	});

	test('default maxImageBytes is 5 MiB', async () => {
		const r = await add(sb, { ...good(), faceImage: b64({ sizeBytes: 5 * 1024 * 1024 + 1 }) });
		expect(code(r)).toEqual([400, 6016]);
	});

	test('non-JSON, array and empty bodies -> 400 6012', async () => {
		for (const body of ['not json', '[1,2]', '', 'null']) {
			const r = await add(sb, body);
			expect(code(r)).toEqual([400, 6012]);
		}
	});

	test('collection with liveness off: spoof accepted, no score', async () => {
		const r = await add(sb, { ...good(), collectionId: sb.collections.noLiveness, faceImage: b64({ spoof: true }) });
		expect(r.status).toBe(200);
		expect(r.json.option).toEqual({ option_liveness: false, liveNess_threshold: 50, livenessScore: null });
	});

	test('spoof liveness score is 5..30 and logged', async () => {
		await add(sb, { ...good(), faceImage: b64({ spoof: true }) });
		const score = sb.requests()[0].livenessScore;
		expect(score).toBeGreaterThanOrEqual(5);
		expect(score).toBeLessThanOrEqual(30);
	});

	test('livenessThreshold above the normal range makes normal images fail', async () => {
		sb.setConfig({ livenessThreshold: 100 });
		expect(code(await add(sb, good()))).toEqual([400, 6015]);
	});

	test("addLivenessScoreAt: 'top' moves livenessScore to the top level", async () => {
		sb.setConfig({ addLivenessScoreAt: 'top' });
		const r = await add(sb, good());
		expect(r.json.livenessScore).toEqual(expect.any(Number));
		expect(r.json.option).toEqual({ option_liveness: true, liveNess_threshold: 50 });
	});

	test("errorCodeAs: 'string' sends errorCode as a string", async () => {
		sb.setConfig({ errorCodeAs: 'string' });
		const r = await add(sb, { ...good(), collectionId: 'col_nope' });
		expect(r.json).toEqual({ errorCode: '6013', message: 'Cannot find collection info' });
		expect(sb.requests()[0].errorCode).toBe(6013);
	});

	test('check order: collectionId, userName, faceImage, collection, image', async () => {
		expect(code(await add(sb, {}))).toEqual([400, 6010]);
		expect(code(await add(sb, { collectionId: 'col_nope' }))).toEqual([400, 6012]);
		expect(code(await add(sb, { collectionId: 'col_nope', userName: 'u' }))).toEqual([400, 6011]);
		expect(code(await add(sb, { collectionId: 'col_nope', userName: 'u', faceImage: '@@' }))).toEqual([400, 6013]);
		expect(code(await add(sb, { collectionId: 'col_deleted', userName: 'u', faceImage: '@@' }))).toEqual([400, 6014]);
	});
});

describe('GET /modules/faces (list)', () => {
	test('seeded collection, string totalCount, ISO create_time', async () => {
		const r = await list(sb, { collectionId: sb.collections.onboarding, page: '1' });
		expect(r.status).toBe(200);
		expect(r.json.message).toBe('Faces retrieved successfully');
		expect(r.json.totalCount).toBe('3');
		expect(r.json.result).toHaveLength(3);
		for (const f of r.json.result) {
			expect(Object.keys(f).sort()).toEqual(['collection_id', 'create_time', 'face_id', 'meta_face_id', 'user_name']);
			expect(new Date(f.create_time).toISOString()).toBe(f.create_time);
		}
		expect(r.json.result.map((f) => f.user_name)).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
	});

	test("totalCountAs: 'number'", async () => {
		sb.setConfig({ totalCountAs: 'number' });
		expect((await list(sb, { collectionId: 'col_onboarding', page: '1' })).json.totalCount).toBe(3);
	});

	test('pagination: 120 faces -> 50, 50, 20, then empty; creation order; no duplicates', async () => {
		const created = sb.addFaces('col_demo', 120, { userNamePrefix: 'p-' });
		expect(created).toHaveLength(120);
		const seen = [];
		const sizes = [];
		for (let page = 1; page <= 4; page++) {
			const r = await list(sb, { collectionId: 'col_demo', page: String(page) });
			expect(r.json.totalCount).toBe('120');
			sizes.push(r.json.result.length);
			seen.push(...r.json.result.map((f) => f.face_id));
		}
		expect(sizes).toEqual([50, 50, 20, 0]);
		expect(seen).toEqual(created.map((f) => f.faceId));
	});

	test('term filters by faceId substring; 5 characters pass, 4 fail; totalCount counts matches', async () => {
		const r = await list(sb, { collectionId: 'col_onboarding', page: '1', term: '1b2c3' });
		expect(r.json.result.map((f) => f.face_id)).toEqual(['face_0a1b2c3d4e5f6071', 'face_1b2c3d4e5f607182']);
		expect(r.json.totalCount).toBe('2');
		expect(code(await list(sb, { collectionId: 'col_onboarding', page: '1', term: '1b2c' }))).toEqual([400, 6025]);
		const none = await list(sb, { collectionId: 'col_onboarding', page: '1', term: 'alice' });
		expect(none.json).toMatchObject({ result: [], totalCount: '0' });
	});

	test('empty term is ignored', async () => {
		expect((await list(sb, { collectionId: 'col_onboarding', page: '1', term: '' })).json.totalCount).toBe('3');
	});

	test.each([
		['collectionId missing -> 400 6024', { page: '1' }, 6024],
		['term too short -> 400 6025', { collectionId: 'col_demo', page: '1', term: 'abc' }, 6025],
		['page missing -> 400 6026', { collectionId: 'col_demo' }, 6026],
		['page 0 -> 400 6026', { collectionId: 'col_demo', page: '0' }, 6026],
		['page negative -> 400 6026', { collectionId: 'col_demo', page: '-1' }, 6026],
		['page fractional -> 400 6026', { collectionId: 'col_demo', page: '1.5' }, 6026],
		['page not a number -> 400 6026', { collectionId: 'col_demo', page: 'two' }, 6026],
		['unknown collection -> 400 6027', { collectionId: 'col_nope', page: '1' }, 6027],
		['deleted collection -> 400 6028', { collectionId: 'col_deleted', page: '1' }, 6028],
	])('%s', async (_n, query, expected) => {
		expect(code(await list(sb, query))).toEqual([400, expected]);
	});
});

describe('DELETE /modules/faces', () => {
	test('deletes a face; second delete -> 6022', async () => {
		const q = { collectionId: 'col_onboarding', faceId: 'face_0a1b2c3d4e5f6071' };
		const r = await del(sb, q);
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ message: 'Face deleted successfully' });
		expect(sb.state().collections.find((c) => c.id === 'col_onboarding').faces).toHaveLength(2);
		expect(code(await del(sb, q))).toEqual([400, 6022]);
	});

	test.each([
		['collectionId missing -> 400 6018', { faceId: 'face_0a1b2c3d4e5f6071' }, 6018],
		['faceId missing -> 400 6019', { collectionId: 'col_onboarding' }, 6019],
		['deleted collection -> 400 6020', { collectionId: 'col_deleted', faceId: 'face_x' }, 6020],
		['unknown collection -> 400 6021', { collectionId: 'col_nope', faceId: 'face_x' }, 6021],
		['unknown faceId -> 400 6022', { collectionId: 'col_onboarding', faceId: 'face_ffffffffffffffff' }, 6022],
		['face of another collection -> 400 6022', { collectionId: 'col_demo', faceId: 'face_0a1b2c3d4e5f6071' }, 6022],
	])('%s', async (_n, query, expected) => {
		expect(code(await del(sb, query))).toEqual([400, expected]);
	});
});

describe('POST /modules/search', () => {
	const probe = (faceKey = 'alice', extra = {}) => ({ collectionId: 'col_onboarding', requestName: 'probe-1', faceImage: b64({ faceKey, ...extra }) });

	test('shape B (default): matches the same face key with 99.x, best first', async () => {
		await add(sb, { collectionId: 'col_onboarding', userName: 'alice-again', faceImage: b64({ faceKey: 'alice', format: 'png' }) });
		const r = await search(sb, probe());
		expect(r.status).toBe(200);
		expect(r.json.message).toBe('Search completed successfully');
		expect(r.json.result).toHaveLength(2);
		for (const m of r.json.result) {
			expect(Object.keys(m).sort()).toEqual(['face_id', 'similarity_score', 'user_name']);
			expect(m.similarity_score).toBeGreaterThanOrEqual(99);
			expect(m.similarity_score).toBeLessThan(100);
		}
		expect(r.json.result[0].similarity_score).toBeGreaterThanOrEqual(r.json.result[1].similarity_score);
		expect(new Set(r.json.result.map((m) => m.user_name))).toEqual(new Set(['alice@example.com', 'alice-again']));
		// deterministic
		expect((await search(sb, probe())).json).toEqual(r.json);
	});

	test('no match -> empty result; search images are not stored', async () => {
		const r = await search(sb, probe('zed'));
		expect(r.json).toEqual({ message: 'Search completed successfully', result: [] });
		expect(sb.state().collections.find((c) => c.id === 'col_onboarding').faces).toHaveLength(3);
	});

	test('untagged images match only identical bytes', async () => {
		const img = b64();
		await add(sb, { collectionId: 'col_demo', userName: 'u', faceImage: img });
		expect((await search(sb, { ...probe(), collectionId: 'col_demo', faceImage: img })).json.result).toHaveLength(1);
		expect((await search(sb, { ...probe(), collectionId: 'col_demo', faceImage: b64() })).json.result).toHaveLength(0);
	});

	test('shape A', async () => {
		sb.setConfig({ searchShape: 'A' });
		const r = await search(sb, probe('bob'));
		expect(r.json).toEqual({
			message: 'Search completed successfully',
			searchId: expect.stringMatching(/^search_[0-9a-f]{16}$/),
			requestName: 'probe-1',
			option: { option_liveness: true, liveNess_threshold: 50, liveNessScore: expect.any(Number), policy_similarity: 80 },
			faceIdList: ['face_1b2c3d4e5f607182'],
		});
		expect((await search(sb, probe('zed'))).json.faceIdList).toEqual([]);
	});

	test('similarityThreshold above 99.x filters matches out', async () => {
		sb.setConfig({ similarityThreshold: 100 });
		expect((await search(sb, probe())).json.result).toEqual([]);
	});

	test('userName is accepted when requestName is absent', async () => {
		const { requestName, ...rest } = probe();
		const r = await search(sb, { ...rest, userName: requestName });
		expect(r.status).toBe(200);
		expect(sb.requests()[0].body).toMatchObject({ userName: 'probe-1', requestName: null });
	});

	test('liveness off: spoof probe searches fine', async () => {
		const r = await search(sb, { ...probe(), collectionId: 'col_no_liveness', faceImage: b64({ spoof: true }) });
		expect(r.status).toBe(200);
	});

	test.each([
		['collectionId missing -> 400 6030', { collectionId: undefined }, 6030],
		['requestName missing -> 400 6031', { requestName: undefined }, 6031],
		['faceImage missing -> 400 6032', { faceImage: undefined }, 6032],
		['faceImage not base64 -> 400 6032', { faceImage: 'data:image/jpeg;base64,***' }, 6032],
		['unknown collection -> 400 6033', { collectionId: 'col_nope' }, 6033],
		['deleted collection -> 400 6034', { collectionId: 'col_deleted' }, 6034],
		['spoof -> 400 6035', { faceImage: b64({ faceKey: 'alice', spoof: true }) }, 6035],
		['unsupported format -> 400 6037', { faceImage: Buffer.from('BM not an image').toString('base64') }, 6037],
	])('%s', async (_n, patch, expected) => {
		expect(code(await search(sb, { ...probe(), ...patch }))).toEqual([400, expected]);
	});

	test('too large -> 6036', async () => {
		sb.setConfig({ maxImageBytes: 1000 });
		expect(code(await search(sb, probe('alice', { sizeBytes: 1001 })))).toEqual([400, 6036]);
	});

	test('non-JSON body -> 6038', async () => {
		expect(code(await search(sb, '{oops'))).toEqual([400, 6038]);
	});
});

describe('routing and robustness', () => {
	test('unknown /modules path -> 404 JSON (no key needed)', async () => {
		const r = await call(sb, 'GET', '/modules/nothing', { key: null });
		expect(r.status).toBe(404);
		expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(r.json.message).toMatch(/Not Found/);
	});

	test('wrong method -> 405 with Allow', async () => {
		const r = await call(sb, 'PUT', '/modules/search', { body: {} });
		expect(r.status).toBe(405);
		expect(r.headers.get('allow')).toBe('POST');
	});

	test('trailing slash is tolerated', async () => {
		expect((await call(sb, 'GET', '/modules/faces/', { query: { collectionId: 'col_demo', page: '1' } })).status).toBe(200);
	});

	test('paths outside /modules and /__sandbox -> 404 JSON', async () => {
		const r = await call(sb, 'GET', '/', { key: null });
		expect(r.status).toBe(404);
		expect(r.json.message).toMatch(/modules/);
	});

	test('garbage on the socket does not crash the server', async () => {
		const net = require('node:net');
		const garbage = [
			'GARBAGE\r\n\r\n',
			'POST /modules/faces HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
			'\x00\x01\x02\xff\xfe',
			'GET /modules/faces?%zz=%%% HTTP/1.1\r\nHost: x\r\n\r\n',
			'POST /modules/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
		];
		for (const g of garbage) {
			await new Promise((resolve) => {
				const s = net.connect(sb.port, '127.0.0.1', () => s.end(Buffer.from(g, 'latin1')));
				s.on('data', () => {});
				s.on('error', resolve);
				s.on('close', resolve);
				setTimeout(() => {
					s.destroy();
					resolve();
				}, 500);
			});
		}
		const weird = [
			{ collectionId: { $ne: 1 }, userName: ['x'], faceImage: 12 },
			{ collectionId: 'col_demo', userName: 'u', faceImage: { a: 1 } },
			{ collectionId: 'col_demo', userName: 'u', faceImage: 'data:;base64,' },
			{ collectionId: 'col_demo', userName: 'u', faceImage: 'A' },
			{ collectionId: 'col_demo', userName: 'u', faceImage: '\u0000\u0001' },
		];
		for (const body of weird) expect((await add(sb, body)).status).toBe(400);
		expect((await list(sb, { collectionId: 'col_onboarding', page: '1' })).status).toBe(200);
	});
});
