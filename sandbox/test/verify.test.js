'use strict';

// Sandbox-specific behaviour of the verify endpoints: exact wire shapes, markers at their edges, config switches,
// check order, the log, and the fault schedule applying to them.

const { startSandbox, sampleImage, call } = require('./helpers');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const b64 = (o) => sampleImage(o).toString('base64');
const ALL = { sr: true, pc: true, ps: true };
const liveness = (body, opts) => call(sb, 'POST', '/modules/liveness', { body, ...opts });
const compare = (body, opts) => call(sb, 'POST', '/modules/compare', { body, ...opts });
const documentCheck = (body, opts) => call(sb, 'POST', '/modules/document', { body, ...opts });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(cond, ms = 3000) {
	for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await sleep(10);
}

describe('POST /modules/liveness', () => {
	test('wire shape as in L; same bytes, same score; 13-character transactionId', async () => {
		const faceImage = b64({ faceKey: 'zoe' });
		const a = await liveness({ faceImage });
		expect(a.status).toBe(200);
		expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(Object.keys(a.json)).toEqual(['apiType', 'result', 'transactionId']);
		expect(a.json).toMatchObject({ apiType: 'id_live_face', result: { liveness_score: expect.any(Number) } });
		expect(a.json.transactionId).toMatch(/^[0-9a-z]{13}$/);
		expect((await liveness({ faceImage })).json.result.liveness_score).toBe(a.json.result.liveness_score);
	});

	test.each([0, 49, 50, 50.5, 100])('LIVENESS=%s is the score exactly', async (n) => {
		expect((await liveness({ faceImage: b64({ livenessScore: n }) })).json.result.liveness_score).toBe(n);
	});

	test('a LIVENESS value above 100 is ignored; the marker wins over SPOOF', async () => {
		const hand = Buffer.concat([sampleImage(), Buffer.from(' ARGOS-SANDBOX:LIVENESS=150 ')]);
		const s = (await liveness({ faceImage: hand.toString('base64') })).json.result.liveness_score;
		expect(s).toBeGreaterThanOrEqual(70);
		expect(s).toBeLessThanOrEqual(99);
		expect((await liveness({ faceImage: b64({ spoof: true, livenessScore: 90 }) })).json.result.liveness_score).toBe(90);
	});

	test('data URLs: rejected by default (L says raw base64), accepted with verifyDataUrls accept', async () => {
		const faceImage = `data:image/jpeg;base64,${b64()}`;
		expect((await liveness({ faceImage })).json).toEqual({ errorCode: 1017, message: 'Fail to analyze face' });
		sb.setConfig({ verifyDataUrls: 'accept' });
		expect((await liveness({ faceImage })).status).toBe(200);
	});

	test('non-JSON body -> 1016; image above maxImageBytes -> 1017; a number is missing', async () => {
		expect((await liveness('not json')).json.errorCode).toBe(1016);
		expect((await liveness({ faceImage: 12 })).json.errorCode).toBe(1016);
		sb.setConfig({ maxImageBytes: 1000 });
		expect((await liveness({ faceImage: b64({ sizeBytes: 1001 }) })).json.errorCode).toBe(1017);
		expect((await liveness({ faceImage: b64({ sizeBytes: 1000 }) })).status).toBe(200);
	});

	test('errorCodeAs string applies here too', async () => {
		sb.setConfig({ errorCodeAs: 'string' });
		expect((await liveness({})).json.errorCode).toBe('1016');
	});
});

describe('POST /modules/compare', () => {
	test('current shape as in C; deterministic and symmetric', async () => {
		const originFace = b64({ faceKey: 'ann' });
		const targetFace = b64({ faceKey: 'ann', format: 'png' });
		const r = await compare({ originFace, targetFace });
		expect(r.json).toEqual({
			apiType: 'compare_face',
			transactionId: expect.stringMatching(/^[0-9a-z]{13}$/),
			result: {
				face: { isAvailable: true, boundingBox: { Width: expect.any(Number), Height: expect.any(Number), Left: expect.any(Number), Top: expect.any(Number) }, confidence: expect.any(Number) },
				targetFace: { isAvailable: true, boundingBox: expect.any(Object), confidence: expect.any(Number) },
				similarity: { score: expect.any(Number), threshold: 0.8, isMatch: true },
			},
		});
		const b = r.json.result.face.boundingBox;
		expect(b.Left + b.Width).toBeLessThanOrEqual(1);
		expect(b.Top + b.Height).toBeLessThanOrEqual(1);
		const back = await compare({ originFace: targetFace, targetFace: originFace });
		expect(back.json.result.similarity.score).toBe(r.json.result.similarity.score);
	});

	test('compareThreshold edges with SIMILARITY markers: 80 matches at 0.8, 79.9 does not', async () => {
		const at = async (similarity) => (await compare({ originFace: b64({ similarity }), targetFace: b64() })).json.result.similarity;
		expect(await at(80)).toEqual({ score: 0.8, threshold: 0.8, isMatch: true });
		expect(await at(79.9)).toEqual({ score: 0.799, threshold: 0.8, isMatch: false });
		sb.setConfig({ compareThreshold: 0.5 });
		expect(await at(50)).toEqual({ score: 0.5, threshold: 0.5, isMatch: true });
	});

	test("the origin's SIMILARITY marker wins over the target's", async () => {
		const r = await compare({ originFace: b64({ similarity: 10 }), targetFace: b64({ similarity: 90 }) });
		expect(r.json.result.similarity.score).toBe(0.1);
		expect((await compare({ originFace: b64(), targetFace: b64({ similarity: 90 }) })).json.result.similarity.score).toBe(0.9);
	});

	test('old shape: faceMatch with landmarks, pose, quality, no threshold/isMatch; scale 100 scales similarity and confidence', async () => {
		const body = { originFace: b64({ faceKey: 'ann' }), targetFace: b64({ faceKey: 'ann', format: 'png' }) };
		const current = (await compare(body)).json.result;
		sb.setConfig({ compareShape: 'old' });
		const old = (await compare(body)).json.result;
		expect(Object.keys(old)).toEqual(['face', 'faceMatch']);
		expect(old.faceMatch).toMatchObject({ isAvailable: true, similarity: current.similarity.score, confidence: current.targetFace.confidence });
		expect(old.faceMatch.landmarks).toHaveLength(5);
		expect(Object.keys(old.faceMatch.pose)).toEqual(['Roll', 'Yaw', 'Pitch']);
		expect(Object.keys(old.faceMatch.quality)).toEqual(['Brightness', 'Sharpness']);
		expect(JSON.stringify(old)).not.toMatch(/threshold|isMatch/);
		sb.setConfig({ compareOldScale: 100 });
		const old100 = (await compare(body)).json.result;
		expect(old100.faceMatch.similarity).toBeCloseTo(current.similarity.score * 100, 6);
		expect(old100.face.confidence).toBeCloseTo(current.face.confidence * 100, 6);
	});

	test('compareConfidences false: no confidence on either face, in both shapes; everything else as before', async () => {
		const body = { originFace: b64({ faceKey: 'ann', similarity: 0.9 }), targetFace: b64({ faceKey: 'ann' }) };
		const withConfidences = (await compare(body)).json.result;
		sb.setConfig({ compareConfidences: false });
		const current = (await compare(body)).json.result;
		expect(current.face).toEqual({ isAvailable: true, boundingBox: withConfidences.face.boundingBox });
		expect(current.targetFace).toEqual({ isAvailable: true, boundingBox: withConfidences.targetFace.boundingBox });
		expect(current.similarity).toEqual(withConfidences.similarity);
		sb.setConfig({ compareShape: 'old', compareOldScale: 100 });
		const old = (await compare(body)).json.result;
		expect(old.face).not.toHaveProperty('confidence');
		expect(old.faceMatch).not.toHaveProperty('confidence');
		expect(old.faceMatch).toMatchObject({ isAvailable: true, similarity: 0.9, landmarks: expect.any(Array) });
	});

	test('UNREADABLE side: isAvailable false only, score 0, no match (old shape too)', async () => {
		const body = { originFace: b64({ unreadable: true, faceKey: 'a' }), targetFace: b64({ faceKey: 'a' }) };
		expect((await compare(body)).json.result).toMatchObject({ face: { isAvailable: false }, targetFace: { isAvailable: true }, similarity: { score: 0, isMatch: false } });
		expect(Object.keys((await compare(body)).json.result.face)).toEqual(['isAvailable']);
		sb.setConfig({ compareShape: 'old' });
		expect((await compare({ originFace: body.targetFace, targetFace: body.originFace })).json.result.faceMatch).toEqual({ isAvailable: false, similarity: 0 });
	});

	test('BMP is accepted here (C-old), not on liveness', async () => {
		const bmp = Buffer.alloc(64);
		bmp.write('BM', 0, 'latin1');
		bmp.writeUInt32LE(64, 2);
		bmp.write('ARGOS-SANDBOX:FACE=bmp ', 20, 'latin1');
		const r = await compare({ originFace: bmp.toString('base64'), targetFace: b64({ faceKey: 'bmp' }) });
		expect(r.json.result.similarity.isMatch).toBe(true);
		expect((await liveness({ faceImage: bmp.toString('base64') })).json.errorCode).toBe(1017);
	});

	test('check order: workspace, body, both images, callbackUrl, image content', async () => {
		const good = b64();
		expect((await compare('[]')).json.errorCode).toBe(1000);
		expect((await compare({ originFace: good, targetFace: 7 })).json.errorCode).toBe(1000);
		expect((await compare({ originFace: good, targetFace: '@@', callbackUrl: '' })).json.errorCode).toBe(1010);
		expect((await compare({ originFace: good, targetFace: good, callbackUrl: 'ftp://x/y' })).json.errorCode).toBe(1010);
		expect((await compare({ originFace: good, targetFace: good, callbackUrl: null })).status).toBe(200);
		sb.setConfig({ workspaceAvailable: false });
		expect((await compare('[]')).json).toEqual({ errorCode: 1001, message: 'Workspace is unavailable' });
		// Liveness documents no 1001 and is not affected.
		expect((await liveness({ faceImage: good })).status).toBe(200);
	});

	test('a usable callbackUrl is refused with a 400 that says why (the sandbox makes no callbacks)', async () => {
		const r = await compare({ originFace: b64(), targetFace: b64(), callbackUrl: 'https://hooks.invalid/argos' });
		expect(r.status).toBe(400);
		expect(r.json.errorCode).toBeUndefined();
		expect(r.json.message).toMatch(/callbackUrl .*not supported.*leave it out/);
	});
});

describe('POST /modules/document', () => {
	test('wire shape as in D; result keys in pipeline order; scores deterministic', async () => {
		const idImage = b64({ faceKey: 'doc' });
		const r = await documentCheck({ idImage, pipelines: ALL });
		expect(r.status).toBe(200);
		expect(Object.keys(r.json)).toEqual(['apiType', 'transactionId', 'result']);
		expect(r.json.apiType).toBe('id_live_doc');
		expect(Object.keys(r.json.result)).toEqual(['screenReplay', 'paperPrinted', 'replacePortraits']);
		expect((await documentCheck({ idImage, pipelines: ALL })).json.result).toEqual(r.json.result);
	});

	test('SR/PC/PS markers set each score exactly (edges 60 and 61)', async () => {
		const r = await documentCheck({ image: b64({ documentScores: { sr: 60, pc: 61, ps: 0 } }), pipelines: ALL });
		expect(r.json.result).toEqual({ screenReplay: { liveness_score: 60 }, paperPrinted: { liveness_score: 61 }, replacePortraits: { liveness_score: 0 } });
	});

	test('image vs idImage: any prefers image; each strict setting ignores the other field', async () => {
		const screen = b64({ screenReplay: true });
		const clean = b64();
		const both = { image: clean, idImage: screen, pipelines: { sr: true, pc: false, ps: false } };
		expect((await documentCheck(both)).json.result.screenReplay.liveness_score).toBeGreaterThanOrEqual(81);
		sb.setConfig({ documentImageField: 'idImage' });
		expect((await documentCheck(both)).json.result.screenReplay.liveness_score).toBeLessThanOrEqual(30);
		expect((await documentCheck({ image: clean, pipelines: ALL })).json).toEqual({ errorCode: 1005, message: 'idImage is required' });
		sb.setConfig({ documentImageField: 'image' });
		expect((await documentCheck({ idImage: clean, pipelines: ALL })).json.errorCode).toBe(1005);
	});

	test.each([
		['a string', 'sr,pc'],
		['true', true],
		['a missing key', { sr: true, pc: true }],
		['an extra key', { sr: true, pc: true, ps: true, xx: true }],
		['a string boolean', { sr: 'true', pc: true, ps: true }],
		['a number', { sr: 1, pc: true, ps: true }],
		['all false', { sr: false, pc: false, ps: false }],
	])('pipelines as %s -> 1008', async (_, pipelines) => {
		expect((await documentCheck({ idImage: b64(), pipelines })).json).toEqual({ errorCode: 1008, message: 'invalid pipelines format' });
	});

	test('pipelines null or absent -> 1007; check order image, pipelines, callbackUrl, image content', async () => {
		expect((await documentCheck({ idImage: b64(), pipelines: null })).json.errorCode).toBe(1007);
		expect((await documentCheck({ pipelines: 'bad' })).json.errorCode).toBe(1005);
		expect((await documentCheck({ idImage: '@@', pipelines: 'bad' })).json.errorCode).toBe(1008);
		expect((await documentCheck({ idImage: '@@', pipelines: ALL, callbackUrl: 5 })).json.errorCode).toBe(1010);
		expect((await documentCheck({ idImage: '@@', pipelines: ALL })).json.errorCode).toBe(1009);
		expect((await documentCheck('{')).json).toEqual({ errorCode: 1003, message: 'Fail to process data' });
	});
});

describe('key handling and the gateway', () => {
	test.each(['/modules/liveness', '/modules/compare', '/modules/document'])('%s: 6039/6040 like Face ID, before any body check; gateway variant', async (path) => {
		expect((await call(sb, 'POST', path, { key: null, body: {} })).json).toEqual({ errorCode: 6039, message: 'API Key is required' });
		expect((await call(sb, 'POST', path, { key: 'nope', body: {} })).json).toEqual({ errorCode: 6040, message: 'Access Denied: API Key is unavailable' });
		sb.setConfig({ verifyKeyErrors: 'gateway' });
		const r = await call(sb, 'POST', path, { key: sb.disabledApiKey, body: {} });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({ message: 'Forbidden' });
		// 405 and routing still come first
		expect((await call(sb, 'GET', path, { key: null })).status).toBe(405);
	});

	test('verifyKeyErrors does not change the Face ID endpoints', async () => {
		sb.setConfig({ verifyKeyErrors: 'gateway' });
		expect((await call(sb, 'GET', '/modules/faces', { key: null, query: { collectionId: 'col_demo', page: '1' } })).json.errorCode).toBe(6039);
	});

	test('ipAllowList: the loopback address passes when listed; otherwise 403 explicit deny on every /modules path, before routing and key', async () => {
		sb.setConfig({ ipAllowList: ['127.0.0.1'] });
		expect((await liveness({ faceImage: b64() })).status).toBe(200);
		sb.setConfig({ ipAllowList: ['203.0.113.9'] });
		for (const [method, path] of [['POST', '/modules/liveness'], ['GET', '/modules/faces'], ['GET', '/modules/nowhere']]) {
			const r = await call(sb, method, path, { key: null });
			expect(r.status).toBe(403);
			expect(r.json).toEqual({ message: 'User is not authorized to access this resource with an explicit deny' });
		}
		expect(sb.requests().at(-1)).toMatchObject({ status: 403, outcome: 'rejected', errorCode: null });
	});

	test('config validation', () => {
		expect(() => sb.setConfig({ compareShape: 'new' })).toThrow(/compareShape/);
		expect(() => sb.setConfig({ compareOldScale: 10 })).toThrow(/compareOldScale/);
		expect(() => sb.setConfig({ compareThreshold: 80 })).toThrow(/compareThreshold/);
		expect(() => sb.setConfig({ compareConfidences: 'no' })).toThrow(/compareConfidences/);
		expect(() => sb.setConfig({ documentImageField: 'img' })).toThrow(/documentImageField/);
		expect(() => sb.setConfig({ ipAllowList: '127.0.0.1' })).toThrow(/ipAllowList/);
		expect(() => sb.setConfig({ workspaceAvailable: 'no' })).toThrow(/workspaceAvailable/);
	});
});

describe('the log never holds an image, and records the outcome', () => {
	test('per-field image info, pipelines, scores', async () => {
		const idImage = b64({ documentScores: { sr: 42 } });
		await documentCheck({ idImage, pipelines: { sr: true, pc: false, ps: false } });
		await compare({ originFace: b64({ similarity: 95 }), targetFace: b64() });
		await liveness({ faceImage: b64({ livenessScore: 33 }) });
		const [d, c, l] = sb.requests();
		expect(d).toMatchObject({ outcome: 'checked', status: 200, documentScores: { sr: 42 }, body: { pipelines: { sr: true, pc: false, ps: false }, callbackUrl: false, images: { idImage: { form: 'base64', format: 'jpeg', bytes: expect.any(Number) } } } });
		expect(c).toMatchObject({ similarity: 0.95, isMatch: true, body: { images: { originFace: { format: 'jpeg' }, targetFace: { format: 'jpeg' } } } });
		expect(l).toMatchObject({ livenessScore: 33, body: { imageFormat: 'jpeg' } });
		expect(JSON.stringify(sb.requests())).not.toContain(idImage.slice(0, 40));
		expect(JSON.stringify(sb.requests())).not.toContain(sb.apiKey);
	});
});

describe('the fault schedule applies to the verify endpoints', () => {
	test('status 429 + Retry-After, 500 with an errorCode, before (not processed) and after (processed)', async () => {
		sb.addFaults([
			{ match: { path: '/liveness' }, action: 'status', status: 429, retryAfter: 1 },
			{ match: { path: '/compare' }, action: 'status', status: 500, errorCode: 1017, when: 'after' },
		]);
		const a = await liveness({ faceImage: b64() });
		expect(a.status).toBe(429);
		expect(a.headers.get('retry-after')).toBe('1');
		const b = await compare({ originFace: b64(), targetFace: b64() });
		expect(b).toMatchObject({ status: 500, json: { errorCode: 1017 } });
		const [la, lb] = sb.requests();
		expect(la).toMatchObject({ outcome: 'fault', fault: { when: 'before' } });
		expect(lb).toMatchObject({ outcome: 'checked', fault: { when: 'after', replaced: { status: 200 } }, similarity: expect.any(Number) });
	});

	test('reset, hang, malformed, html, delay and cut', async () => {
		sb.setConfig({ hangMaxMs: 100 });
		sb.addFaults([
			{ match: { path: '/document' }, action: 'reset' },
			{ match: { path: '/document' }, action: 'hang', skip: 0 },
			{ match: { path: '/document' }, action: 'malformed', when: 'after' },
			{ match: { path: '/document' }, action: 'html', status: 502 },
			{ match: { path: '/document' }, action: 'delay', latencyMs: 150 },
			{ match: { path: '/document' }, action: 'cut', when: 'after', transfer: 'chunked' },
		]);
		const body = { idImage: b64(), pipelines: ALL };
		expect((await documentCheck(body)).error).toBeDefined();
		expect((await documentCheck(body)).error).toBeDefined();
		const m = await documentCheck(body);
		expect(m.status).toBe(200);
		expect(m.json).toBeUndefined();
		expect(m.text.startsWith('{"apiType":"id_live_doc"')).toBe(true);
		expect((await documentCheck(body)).text).toContain('502 Bad Gateway');
		const t0 = Date.now();
		expect((await documentCheck(body)).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
		expect((await documentCheck(body)).error).toBeDefined();
		await until(() => sb.requests().length === 6);
		expect(sb.requests().map((e) => e.fault && e.fault.action)).toEqual(['reset', 'hang', 'malformed', 'html', 'delay', 'cut']);
		expect(sb.requests()[5]).toMatchObject({ outcome: 'checked', status: 200 });
	});

	test('config latency and the random schedule cover them too', async () => {
		sb.setRandomFaults({ seed: 5, rate: 1, actions: [{ action: 'status', status: 503 }], match: { path: '/modules/*' } });
		expect((await liveness({ faceImage: b64() })).status).toBe(503);
		sb.setRandomFaults(null);
		sb.setConfig({ latencyMs: 120 });
		const t0 = Date.now();
		expect((await compare({ originFace: b64(), targetFace: b64() })).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
	});
});

describe('sample-image admin route makes verify images', () => {
	test('markers and field name from the query', async () => {
		const r = await call(sb, 'GET', '/__sandbox/sample-image', { key: null, query: { liveness: '42', field: 'faceImage' } });
		expect((await liveness({ faceImage: r.json.faceImage })).json.result.liveness_score).toBe(42);
		const d = await call(sb, 'GET', '/__sandbox/sample-image', { key: null, query: { paperPrinted: '1', pc: '70', field: 'idImage' } });
		expect(d.json.faceImage).toBeUndefined();
		const doc = await documentCheck({ ...d.json, pipelines: ALL });
		expect(doc.json.result.paperPrinted.liveness_score).toBe(70);
		const s = await call(sb, 'GET', '/__sandbox/sample-image', { key: null, query: { similarity: '12' } });
		expect((await compare({ originFace: s.json.faceImage, targetFace: b64() })).json.result.similarity.score).toBe(0.12);
		expect((await call(sb, 'GET', '/__sandbox/sample-image', { key: null, query: { liveness: '101' } })).status).toBe(400);
		expect((await call(sb, 'GET', '/__sandbox/sample-image', { key: null, query: { field: 'photo' } })).status).toBe(400);
	});
});
