'use strict';

// POST /modules/recognition (Global ID OCR): the checks of §4 in order, the result.data{raw,ocr} shape, the OCR
// marker, BMP, the 2 MB rule, the ko shape switch and the log.

const { startSandbox, call } = require('./helpers');
const { sampleIdImage } = require('..');

let sb;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const b64 = (o) => sampleIdImage(o).toString('base64');
const recognize = (body, opts) => call(sb, 'POST', '/modules/recognition', { body, ...opts });
const valid = (extra = {}) => ({ idImage: b64(), issuingCountry: 'USA', idType: 'government_id', ...extra });

describe('POST /modules/recognition', () => {
	test('a plain image reads as a made-up person: the R shape, deterministic for the same bytes', async () => {
		const idImage = b64();
		const a = await recognize(valid({ idImage }));
		expect(a.status).toBe(200);
		expect(Object.keys(a.json)).toEqual(['apiType', 'transactionId', 'result']);
		expect(a.json.apiType).toBe('id_recognition');
		expect(a.json.transactionId).toMatch(/^[0-9a-z]{13}$/);
		const { raw, ocr } = a.json.result.data;
		expect(Object.keys(ocr)).toEqual(['ocr_fullName', 'ocr_firstName', 'ocr_middleName', 'ocr_lastName', 'ocr_gender', 'ocr_nationality', 'ocr_birthDate', 'ocr_number', 'ocr_issueDate', 'ocr_expireDate']);
		expect(ocr.ocr_fullName).toBe(`${ocr.ocr_firstName} ${ocr.ocr_lastName}`);
		expect(raw.name).toMatchObject({ value: ocr.ocr_fullName, score: expect.any(Number), coordinates: { first: { x: expect.any(Number), y: expect.any(Number) } } });
		expect(raw.number).toMatchObject({ value: ocr.ocr_number, accepted: true });
		expect(raw.rotate).toEqual({ value: '0' });
		const b = await recognize(valid({ idImage }));
		expect(b.json.result.data).toEqual(a.json.result.data);
	});

	test('the OCR marker chooses the fields and scores; null leaves a field unread, scores.<f>: null sends no score', async () => {
		const idImage = b64({ ocr: { fullName: 'ANN LEE', birthDate: '1990-01-02', number: 'X123', gender: null, address: '1 Main St' }, score: 55, scores: { number: 97, birthDate: null } });
		const { raw, ocr } = (await recognize(valid({ idImage }))).json.result.data;
		expect(ocr).toMatchObject({ ocr_fullName: 'ANN LEE', ocr_birthDate: '1990-01-02', ocr_number: 'X123', ocr_gender: '', ocr_firstName: '' });
		expect(raw.name.score).toBe(55);
		expect(raw.number).toMatchObject({ score: 97, accepted: true });
		expect(raw.birth_date).not.toHaveProperty('score');
		expect(raw).not.toHaveProperty('gender');
		expect(raw.address).toMatchObject({ value: '1 Main St', score: 55 });
	});

	test.each(['jpeg', 'png', 'bmp'])('%s images are read', async (format) => {
		const r = await recognize(valid({ idImage: b64({ format, ocr: { fullName: 'B' } }) }));
		expect(r.status).toBe(200);
		expect(r.json.result.data.ocr.ocr_fullName).toBe('B');
		expect(sb.requests()[0].body.images.idImage.format).toBe(format);
	});

	test('the back fills fields the front did not read; the front wins', async () => {
		const idImage = b64({ ocr: { fullName: 'FRONT', number: '1' } });
		const idBackImage = b64({ ocr: { fullName: 'BACK', issueDate: '2020-01-01' } });
		const { ocr } = (await recognize(valid({ idImage, idBackImage }))).json.result.data;
		expect(ocr).toMatchObject({ ocr_fullName: 'FRONT', ocr_number: '1', ocr_issueDate: '2020-01-01' });
	});

	test.each([
		['body not an object', '[1]', 1015],
		['idImage missing', { issuingCountry: 'USA', idType: 'passport' }, 1005],
		['issuingCountry missing', { idImage: 'x', idType: 'passport' }, 1006],
		['idType missing', { idImage: 'x', issuingCountry: 'USA' }, 1014],
	])('%s → %s', async (_label, body, code) => {
		const r = await recognize(body);
		expect(r.status).toBe(400);
		expect(r.json.errorCode).toBe(code);
	});

	test.each([
		['lower-case country', { issuingCountry: 'usa' }, 'invalid inputs : issuingCountry'],
		['alpha-2 country', { issuingCountry: 'US' }, 'invalid inputs : issuingCountry'],
		['unknown idType', { idType: 'library_card' }, 'invalid inputs : idType'],
		['both', { issuingCountry: 'U1A', idType: 'x' }, 'invalid inputs : issuingCountry, idType'],
		['idBackImage not a string', { idBackImage: 5 }, 'invalid inputs : idBackImage'],
	])('1015 for %s, naming the fields', async (_label, extra, message) => {
		const r = await recognize(valid(extra));
		expect(r.json).toEqual({ errorCode: 1015, message });
	});

	test.each([
		['text', Buffer.from('hello world').toString('base64')],
		['not base64', '***'],
		['WebP (not in R-old\'s list)', require('..').sampleImage({ format: 'webp' }).toString('base64')],
		['a data URL (raw base64 expected)', `data:image/jpeg;base64,${b64()}`],
	])('1013 Invalid image format: %s', async (_label, idImage) => {
		expect((await recognize(valid({ idImage }))).json).toEqual({ errorCode: 1013, message: 'Invalid image format' });
		expect((await recognize(valid({ idBackImage: idImage }))).json.errorCode).toBe(1013);
	});

	test('1012 when the back carries ARGOS-SANDBOX:UNREADABLE; an unreadable front reads nothing', async () => {
		expect((await recognize(valid({ idBackImage: b64({ unreadable: true }) }))).json).toEqual({ errorCode: 1012, message: 'Fail to recognize back of an idCard' });
		const r = await recognize(valid({ idImage: b64({ unreadable: true }) }));
		expect(r.status).toBe(200);
		expect(Object.values(r.json.result.data.ocr).every((v) => v === '')).toBe(true);
		expect(r.json.result.data.raw).toEqual({ rotate: { value: '0' } });
	});

	test('2 MB: an image of 2,097,152 decoded bytes or more gets the gateway 413; one byte less passes', async () => {
		const at = sampleIdImage({ sizeBytes: 2 * 1024 * 1024 });
		expect(at.length).toBe(2 * 1024 * 1024);
		expect((await recognize(valid({ idImage: at.toString('base64') }))).status).toBe(413);
		expect((await recognize(valid({ idBackImage: at.toString('base64') }))).status).toBe(413);
		const under = sampleIdImage({ sizeBytes: 2 * 1024 * 1024 - 1 });
		expect(under.length).toBe(2 * 1024 * 1024 - 1);
		expect((await recognize(valid({ idImage: under.toString('base64') }))).status).toBe(200);
	});

	test('1001 first when the workspace is unavailable; key errors as the verify endpoints', async () => {
		sb.setConfig({ workspaceAvailable: false });
		expect((await recognize({})).json.errorCode).toBe(1001);
		sb.reset();
		expect((await recognize(valid(), { key: null })).json).toMatchObject({ errorCode: 6039 });
		expect((await recognize(valid(), { key: sb.disabledApiKey })).json).toMatchObject({ errorCode: 6040 });
		sb.setConfig({ verifyKeyErrors: 'gateway' });
		expect((await recognize(valid(), { key: null }))).toMatchObject({ status: 403, json: { message: 'Forbidden' } });
	});

	test('callbackUrl: not a URL → 1010; a real URL is refused (no async mode in the sandbox)', async () => {
		expect((await recognize(valid({ callbackUrl: 'nope' }))).json.errorCode).toBe(1010);
		const r = await recognize(valid({ callbackUrl: 'https://example.com/cb' }));
		expect(r.status).toBe(400);
		expect(r.json.errorCode).toBeUndefined();
	});

	test("recognitionShape 'ko' answers the ko page's documentInfo/personalInfo shape", async () => {
		sb.setConfig({ recognitionShape: 'ko' });
		const r = await recognize(valid({ idImage: b64({ ocr: { fullName: 'KO' } }) }));
		expect(r.json.apiType).toBe('global_id_recognition');
		expect(r.json.result).toMatchObject({ documentInfo: { issuingCountry: 'USA' }, personalInfo: { fullName: 'KO' } });
		expect(r.json.result.data).toBeUndefined();
	});

	test('the log keeps country, type and each image\'s size and hash, never the image', async () => {
		const idImage = b64();
		await recognize(valid({ idImage }));
		const [entry] = sb.requests();
		expect(entry).toMatchObject({ path: '/modules/recognition', outcome: 'checked', status: 200, body: { issuingCountry: 'USA', idType: 'government_id', images: { idImage: { form: 'base64', format: 'jpeg' } } } });
		expect(JSON.stringify(entry)).not.toContain(idImage.slice(0, 40));
	});

	test('GET /__sandbox/sample-image?kind=id gives a ready request body', async () => {
		const ocr = encodeURIComponent(JSON.stringify({ fullName: 'CURL USER' }));
		const body = (await call(sb, 'GET', `/__sandbox/sample-image?kind=id&format=bmp&issuingCountry=KOR&idType=passport&score=42&ocr=${ocr}`)).json;
		expect(body).toMatchObject({ format: 'bmp', issuingCountry: 'KOR', idType: 'passport' });
		const r = await recognize(body);
		expect(r.json.result.data.raw.name).toMatchObject({ value: 'CURL USER', score: 42 });
	});
});
