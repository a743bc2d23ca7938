'use strict';

// The contract client (written from argos-verify-api.md alone) against the sandbox: every endpoint, every
// documented code, every documented variant the sandbox can be switched to.

const { startSandbox, sampleImage } = require('./helpers');
const { createContractClient, ContractViolation } = require('./contract-client');

let sb;
let client;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	client = createContractClient({ baseUrl: sb.url, apiKey: sb.apiKey });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const img = (o) => sampleImage(o);
const ALL = { sr: true, pc: true, ps: true };

describe('Face Liveness', () => {
	test('a live selfie scores above 50, a spoof below; LIVENESS=n sets the score', async () => {
		const live = await client.faceLiveness(img({ faceKey: 'ann' }));
		expect(live).toMatchObject({ ok: true });
		expect(live.score).toBeGreaterThanOrEqual(70);
		expect((await client.faceLiveness(img({ spoof: true }))).score).toBeLessThanOrEqual(30);
		expect((await client.faceLiveness(img({ livenessScore: 50 }))).score).toBe(50);
		// a data URL is stripped by the client, as L says
		expect((await client.faceLiveness('data:image/png;base64,' + img({ format: 'png' }).toString('base64'))).ok).toBe(true);
	});

	test.each([
		['1016 faceImage missing', {}, 1016],
		['1016 faceImage empty', { faceImage: '' }, 1016],
		['1017 not an image', { faceImage: Buffer.from('hello, not a picture').toString('base64') }, 1017],
		['1017 no face found', { faceImage: img({ unreadable: true }).toString('base64') }, 1017],
	])('%s', async (_, payload, code) => {
		expect(await client.raw('liveness', payload)).toMatchObject({ ok: false, kind: 'api', errorCode: code });
	});
});

describe('Face Compare', () => {
	test.each([
		['current', {}],
		['old 0..1', { compareShape: 'old', compareOldScale: 1 }],
		['old 0..100', { compareShape: 'old', compareOldScale: 100 }],
	])('%s shape: same person matches, other person does not, boxes and confidences present', async (_, config) => {
		sb.setConfig(config);
		const same = await client.faceCompare(img({ faceKey: 'ann', format: 'png' }), img({ faceKey: 'ann' }));
		expect(same).toMatchObject({ ok: true, face: { isAvailable: true }, targetFace: { isAvailable: true } });
		expect(same.similarity).toBeGreaterThanOrEqual(0.9);
		expect(same.face.confidence).toBeGreaterThan(0.8);
		expect(same.face.confidence).toBeLessThanOrEqual(1);
		const other = await client.faceCompare(img({ faceKey: 'ann' }), img({ faceKey: 'bob' }));
		expect(other.similarity).toBeLessThan(0.5);
		if (config.compareShape === 'old') {
			expect(same).toMatchObject({ shape: 'old', threshold: null, isMatch: null });
		} else {
			expect(same).toMatchObject({ shape: 'current', threshold: 0.8, isMatch: true });
			expect(other.isMatch).toBe(false);
		}
	});

	test('SIMILARITY=n sets the score; a side without a face is isAvailable false', async () => {
		const r = await client.faceCompare(img({ faceKey: 'a', similarity: 80 }), img({ faceKey: 'b' }));
		expect(r).toMatchObject({ similarity: 0.8, isMatch: true });
		const none = await client.faceCompare(img({ faceKey: 'a' }), img({ faceKey: 'a', unreadable: true }));
		expect(none).toMatchObject({ ok: true, targetFace: { isAvailable: false }, isMatch: false, similarity: 0 });
	});

	test.each([
		['1000 one image missing', () => ({ originFace: img().toString('base64') }), 1000],
		['1000 not an image', () => ({ originFace: img().toString('base64'), targetFace: Buffer.from('text').toString('base64') }), 1000],
		['1010 unusable callbackUrl', () => ({ originFace: img().toString('base64'), targetFace: img().toString('base64'), callbackUrl: '' }), 1010],
	])('%s', async (_, payload, code) => {
		expect(await client.raw('compare', payload())).toMatchObject({ ok: false, kind: 'api', errorCode: code });
	});

	test('1001 workspace unavailable', async () => {
		sb.setConfig({ workspaceAvailable: false });
		expect(await client.faceCompare(img(), img())).toMatchObject({ ok: false, errorCode: 1001 });
	});
});

describe('ID Liveness', () => {
	test.each(['any', 'image', 'idImage'])('documentImageField %s: the matching field works, all pipelines by default', async (field) => {
		sb.setConfig({ documentImageField: field });
		const fields = field === 'any' ? ['image', 'idImage'] : [field];
		for (const imageField of fields) {
			const r = await client.idLiveness(img({ faceKey: 'id' }), ALL, { imageField });
			expect(r.ok).toBe(true);
			for (const k of ['sr', 'pc', 'ps']) expect(r.scores[k]).toBeGreaterThanOrEqual(81);
		}
		if (field !== 'any') {
			const other = field === 'image' ? 'idImage' : 'image';
			expect(await client.idLiveness(img(), ALL, { imageField: other })).toMatchObject({ ok: false, errorCode: 1005 });
		}
	});

	test('only the asked pipelines; each spoof marker lowers its pipeline', async () => {
		const screen = await client.idLiveness(img({ screenReplay: true }), { sr: true, pc: false, ps: false });
		expect(Object.keys(screen.scores)).toEqual(['sr']);
		expect(screen.scores.sr).toBeLessThanOrEqual(30);
		const print = await client.idLiveness(img({ paperPrinted: true }), ALL);
		expect(print.scores.pc).toBeLessThanOrEqual(30);
		expect(print.scores.sr).toBeGreaterThanOrEqual(81);
		const portrait = await client.idLiveness(img({ portraitReplaced: true }), { sr: false, pc: false, ps: true });
		expect(portrait.scores).toEqual({ ps: expect.any(Number) });
		expect(portrait.scores.ps).toBeLessThanOrEqual(30);
	});

	test.each([
		['1003 body not an object', () => [1, 2], 1003],
		['1005 no image', () => ({ pipelines: ALL }), 1005],
		['1007 no pipelines', () => ({ idImage: img().toString('base64') }), 1007],
		['1008 pipelines not booleans', () => ({ idImage: img().toString('base64'), pipelines: { sr: 'yes', pc: true, ps: true } }), 1008],
		['1008 pipelines an array', () => ({ idImage: img().toString('base64'), pipelines: ['sr'] }), 1008],
		['1009 not an image', () => ({ idImage: Buffer.from('text').toString('base64'), pipelines: ALL }), 1009],
		['1009 no document found', () => ({ idImage: img({ unreadable: true }).toString('base64'), pipelines: ALL }), 1009],
		['1010 unusable callbackUrl', () => ({ idImage: img().toString('base64'), pipelines: ALL, callbackUrl: 'not a url' }), 1010],
	])('%s', async (_, payload, code) => {
		expect(await client.raw('document', payload())).toMatchObject({ ok: false, kind: 'api', errorCode: code });
	});

	test('1001 workspace unavailable', async () => {
		sb.setConfig({ workspaceAvailable: false });
		expect(await client.idLiveness(img(), ALL)).toMatchObject({ ok: false, errorCode: 1001 });
	});
});

describe('gateway errors on all three endpoints', () => {
	const calls = {
		liveness: (c) => c.faceLiveness(img()),
		compare: (c) => c.faceCompare(img(), img()),
		document: (c) => c.idLiveness(img(), ALL),
	};

	test.each(Object.keys(calls))('%s: 403 for a missing or wrong key, in both key-error variants', async (name) => {
		for (const verifyKeyErrors of ['errorCode', 'gateway']) {
			sb.setConfig({ verifyKeyErrors });
			for (const apiKey of ['', 'wrong-key', sb.disabledApiKey]) {
				const r = await calls[name](createContractClient({ baseUrl: sb.url, apiKey }));
				expect(r).toMatchObject({ ok: false, httpStatus: 403 });
				if (verifyKeyErrors === 'gateway') expect(r).toMatchObject({ kind: 'gateway', message: 'Forbidden' });
				else expect([6039, 6040]).toContain(r.errorCode);
			}
		}
	});

	test.each(Object.keys(calls))('%s: 403 explicit deny, 413, 500, 502', async (name) => {
		sb.setConfig({ ipAllowList: ['192.0.2.1'] });
		expect(await calls[name](client)).toMatchObject({ ok: false, kind: 'gateway', httpStatus: 403, message: expect.stringMatching(/explicit deny/) });
		sb.setConfig({ ipAllowList: null, maxBodyBytes: 100 });
		expect(await calls[name](client)).toMatchObject({ ok: false, kind: 'gateway', httpStatus: 413 });
		sb.setConfig({ maxBodyBytes: 1 << 24 });
		sb.addFaults([{ action: 'status', status: 500 }, { action: 'html', status: 502 }]);
		expect(await calls[name](client)).toMatchObject({ ok: false, kind: 'gateway', httpStatus: 500 });
		expect(await calls[name](client)).toMatchObject({ ok: false, kind: 'gateway', httpStatus: 502 });
		expect((await calls[name](client)).ok).toBe(true);
	});

	test('the contract client does reject a server that breaks the contract', async () => {
		// Proof the client is not a pass-through: a 200 with a half body is a violation, not a result.
		sb.addFaults({ action: 'malformed', when: 'after', match: { path: '/liveness' } });
		await expect(client.faceLiveness(img())).rejects.toThrow(ContractViolation);
	});
});

describe('Global ID OCR', () => {
	const { sampleIdImage } = require('..');
	test('a client built from §4 reads front and front+back, and sees the ko shape as unknown', async () => {
		const one = await client.recognize(sampleIdImage({ ocr: { fullName: 'ANN LEE', number: '1' }, score: 61 }), { issuingCountry: 'KOR', idType: 'government_id' });
		expect(one).toMatchObject({ ok: true, shape: 'data', ocr: { ocr_fullName: 'ANN LEE', ocr_number: '1' }, raw: { name: { score: 61 } } });
		const two = await client.recognize(sampleIdImage({ format: 'bmp' }), { back: sampleIdImage({ format: 'png' }), issuingCountry: 'USA', idType: 'passport' });
		expect(two.shape).toBe('data');
		sb.setConfig({ recognitionShape: 'ko' });
		expect((await client.recognize(sampleIdImage(), { issuingCountry: 'USA', idType: 'passport' })).shape).toBe('unknown');
	});

	test('its documented errors come back as { errorCode, message }', async () => {
		for (const [payload, code] of [
			[{ issuingCountry: 'USA', idType: 'passport' }, 1005],
			[{ idImage: 'x', idType: 'passport' }, 1006],
			[{ idImage: 'x', issuingCountry: 'USA' }, 1014],
			[{ idImage: 'aGVsbG8=', issuingCountry: 'USA', idType: 'passport' }, 1013],
		]) {
			const r = await client.raw('recognition', payload);
			expect(r).toMatchObject({ errorCode: code });
		}
	});
});
