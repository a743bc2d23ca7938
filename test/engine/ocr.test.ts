/**
 * ID Document → Read (OCR): the built node in n8n-core's WorkflowExecute against the sandbox's
 * /modules/recognition over real HTTP. ARGOS codes come from the sandbox's own checks where a request can
 * cause them, else from its fault schedule; local checks are shown to send nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import { type Sandbox, sampleIdImage, type SampleIdImageOptions } from '../../sandbox';
import type { EngineRun } from '../harness/engine';
import { OPERATION_ERRORS } from '../../nodes/shared/errors';
import { argosWorkflow, errorOf, type FixtureItem, MODES, outputsOf, sandboxPerFile, sandboxRunner, sha } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];
const runner = sandboxRunner(runs, () => sb);
sandboxPerFile(runs, (started) => (sb = started));

const read = (extra: IDataObject = {}) => ({ resource: 'idDocument', operation: 'read', issuingCountry: 'USA', idType: 'passport', ...extra });
const run = async (parameters: IDataObject, items: FixtureItem[], extra: { onError?: string } = {}, mode?: (typeof MODES)[number]) =>
	await runner(argosWorkflow(parameters, items, extra), mode);

const PERSON = { fullName: 'ANN LEE', firstName: 'ANN', lastName: 'LEE', birthDate: '1990-01-02', gender: 'F', nationality: 'USA', number: 'X1234567', issueDate: '2020-05-06', expireDate: '2030-05-05' };
const idFile = (property: string, options: SampleIdImageOptions = { ocr: PERSON, score: 88 }): NonNullable<FixtureItem['binary']> => {
	const format = options.format ?? 'jpeg';
	return { [property]: { base64: sampleIdImage(options).toString('base64'), fileName: `${property}.${format}`, mimeType: `image/${format}` } };
};
const recognitions = () => sb.requests().filter((e) => e.path === '/modules/recognition');
const bodyOf = (i = 0) => recognitions()[i].body as unknown as { images: Record<string, { sha256: string; format: string }>; issuingCountry: string; idType: string; callbackUrl: boolean };

describe('Success', () => {
	it.each(MODES)('front only, from a binary property (%s): the nine fields with scores, raw and transactionId, no files', async (mode) => {
		const r = await run(read(), [{ json: { applicant: 'a1' }, binary: idFile('idPortrait') }], {}, mode);
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		expect(success).toHaveLength(1);
		const json = success[0].json;
		expect(Object.keys(json).sort()).toEqual(['birthDate', 'expireDate', 'firstName', 'fullName', 'gender', 'idNumber', 'issueDate', 'lastName', 'nationality', 'raw', 'transactionId']);
		expect(json).toMatchObject({
			fullName: { value: 'ANN LEE', score: 88 },
			idNumber: { value: 'X1234567', score: 88 },
			birthDate: { value: '1990-01-02', score: 88 },
			expireDate: { value: '2030-05-05', score: 88 },
			transactionId: expect.stringMatching(/^[0-9a-z]{13}$/),
		});
		expect((json.raw as IDataObject).ocr).toMatchObject({ ocr_fullName: 'ANN LEE' });
		expect(success[0].binary).toBeUndefined();
		expect(bodyOf()).toMatchObject({ issuingCountry: 'USA', idType: 'passport', callbackUrl: false });
		expect(Object.keys(bodyOf().images)).toEqual(['idImage']);
	});

	it('front and back, each from another source (base64 front, binary back); the back fills fields', async () => {
		const front = sampleIdImage({ ocr: { fullName: 'B C', birthDate: '1980-01-01', number: '9' }, score: 91 });
		const back = sampleIdImage({ ocr: { issueDate: '2021-01-01' }, score: 70 });
		const r = await run(read({ imageSource: 'base64', base64Image: '={{ $json.front }}', idBackBinaryPropertyName: 'back' }), [
			{ json: { front: `data:image/jpeg;base64,${front.toString('base64')}` }, binary: { back: { base64: back.toString('base64'), fileName: 'back.jpg', mimeType: 'image/jpeg' } } },
		]);
		const { success } = outputsOf(r);
		expect(success[0].json).toMatchObject({ fullName: { value: 'B C', score: 91 }, issueDate: { value: '2021-01-01', score: 70 } });
		expect(bodyOf().images).toMatchObject({ idImage: { sha256: sha(front) }, idBackImage: { sha256: sha(back) } });
	});

	it('front and back from URLs', async () => {
		const ocr = encodeURIComponent(JSON.stringify({ fullName: 'URL ONE', birthDate: '1970-07-07', number: '77' }));
		const r = await run(
			read({ imageSource: 'url', imageUrl: `${sb.url}/__sandbox/sample-image?kind=id&raw=1&ocr=${ocr}`, idBackSource: 'url', idBackImageUrl: `${sb.url}/__sandbox/sample-image?kind=id&raw=1&format=png` }),
			[{ json: {} }],
		);
		expect(outputsOf(r).success[0].json.fullName).toEqual({ value: 'URL ONE', score: 90 });
		expect(bodyOf().images).toMatchObject({ idImage: { format: 'jpeg' }, idBackImage: { format: 'png' } });
	});

	it('a BMP ID is read (other operations refuse BMP before sending)', async () => {
		const r = await run(read(), [{ binary: idFile('idPortrait', { format: 'bmp', ocr: PERSON }) }]);
		expect(outputsOf(r).success[0].json.fullName).toEqual({ value: 'ANN LEE', score: 90 });
		expect(bodyOf().images.idImage.format).toBe('bmp');
		const other = await run({ resource: 'idDocument', operation: 'checkLiveness' }, [{ binary: idFile('idPortrait', { format: 'bmp' }) }]);
		expect(errorOf(outputsOf(other).failed[0])).toMatchObject({ code: 'IMAGE_UNSUPPORTED_FORMAT' });
	});

	it('a lower-case country is sent upper-case; an empty back field means the front alone', async () => {
		const r = await run(read({ issuingCountry: '={{ $json.country }}', idBackSource: 'base64', idBackBase64Image: '={{ $json.none }}' }), [{ json: { country: 'kor' }, binary: idFile('idPortrait') }]);
		expect(outputsOf(r).success).toHaveLength(1);
		expect(bodyOf()).toMatchObject({ issuingCountry: 'KOR' });
		expect(Object.keys(bodyOf().images)).toEqual(['idImage']);
	});

	it('a field ARGOS gives no score for has score: null', async () => {
		const r = await run(read(), [{ binary: idFile('idPortrait', { ocr: PERSON, scores: { gender: null } }) }]);
		expect(outputsOf(r).success[0].json.gender).toEqual({ value: 'F', score: null });
	});
});

describe('checked before sending: nothing reaches ARGOS', () => {
	it.each([
		['ID front', {}, 'idPortrait'],
		['ID back', { idBackBinaryPropertyName: 'back' }, 'back'],
	])('an %s of 2 MB or more fails naming it; one byte less is sent', async (which, extra, property) => {
		const big = { ...idFile('idPortrait'), [property]: { base64: sampleIdImage({ sizeBytes: 2 * 1048576 }).toString('base64'), fileName: 'big.jpg', mimeType: 'image/jpeg' } };
		const r = await run(read(extra), [{ binary: big }]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringContaining(`The ${which} image is 2.00 MB`), image: { property } });
		expect(errorOf(outputsOf(r).failed[0]).applicantMessage).toContain('ID document is too large');
		expect(recognitions()).toHaveLength(0);
		const under = { ...idFile('idPortrait'), [property]: { base64: sampleIdImage({ sizeBytes: 2 * 1048576 - 1 }).toString('base64'), fileName: 'ok.jpg', mimeType: 'image/jpeg' } };
		expect(outputsOf(await run(read({ ...extra, options: { requiredFields: [] } }), [{ binary: under }])).success).toHaveLength(1);
	});

	it.each([
		['NaN', '={{ NaN }}'],
		['an object', '={{ { a: 1 } }}'],
		['an array', '={{ ["USA"] }}'],
		['two letters', '={{ "US" }}'],
		['digits', '={{ "123" }}'],
	])('Issuing Country from an expression giving %s fails the item', async (_label, value) => {
		const r = await run(read({ issuingCountry: value }), [{ binary: idFile('idPortrait') }]);
		expect(r.status).toBe('success');
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'PARAMETER_INVALID', message: expect.stringContaining('"Issuing Country" must be') });
		expect(recognitions()).toHaveLength(0);
	});

	it.each([['NaN', '={{ NaN }}'], ['an object', '={{ {} }}'], ['an array', '={{ ["passport"] }}'], ['upper case', '={{ "PASSPORT" }}'], ['unknown', '={{ "library_card" }}']])(
		'ID Type from an expression giving %s fails the item',
		async (_label, value) => {
			const r = await run(read({ idType: value }), [{ binary: idFile('idPortrait') }]);
			expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'PARAMETER_INVALID', message: expect.stringContaining('"ID Type" must be') });
			expect(recognitions()).toHaveLength(0);
		},
	);

	it('a typed-in bad country fails the execution (wrong for every item)', async () => {
		const r = await run(read({ issuingCountry: 'GERMANY' }), [{ binary: idFile('idPortrait') }]);
		expect(r.status).toBe('error');
		expect(recognitions()).toHaveLength(0);
	});

	it('a typed back field that is absent is IMAGE_MISSING, never skipped; with a back, the front is never auto-detected', async () => {
		const r = await run(read({ idBackBinaryPropertyName: 'back' }), [{ binary: idFile('idPortrait') }]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_MISSING', message: expect.stringContaining('ID back: No binary property "back"') });
		const auto = await run(read({ idBackBinaryPropertyName: 'back' }), [{ binary: { ...idFile('upload'), ...idFile('back') } }]);
		expect(errorOf(outputsOf(auto).failed[0])).toMatchObject({ code: 'IMAGE_MISSING', message: expect.stringContaining('ID front') });
		expect(recognitions()).toHaveLength(0);
	});

	it('without a back, a single file under another name is used (Form Trigger upload)', async () => {
		const r = await run(read(), [{ binary: idFile('ID_photo') }]);
		expect(outputsOf(r).success).toHaveLength(1);
	});
});

describe('Min Field Score and Required Fields', () => {
	const scored = (score: number, scores: Record<string, number | null> = {}) => [{ binary: idFile('idPortrait', { ocr: PERSON, score, scores }) }];

	it('default (0): a poorly scored read passes; a required field not read fails with OCR_LOW_CONFIDENCE', async () => {
		expect(outputsOf(await run(read(), scored(5))).success).toHaveLength(1);
		const r = await run(read(), [{ binary: idFile('idPortrait', { ocr: { ...PERSON, birthDate: null } }) }]);
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'OCR_LOW_CONFIDENCE', httpStatus: 200, minFieldScore: 0, fieldScores: { birthDate: null }, transactionId: expect.any(String) });
		expect(error.message).toContain('birthDate not read');
		expect(error.applicantMessage).toContain('photograph it again');
		expect(JSON.stringify(error)).not.toContain('ANN LEE');
	});

	it('a score equal to the minimum passes; one below fails, naming the fields and their scores', async () => {
		expect(outputsOf(await run(read({ options: { minFieldScore: 60 } }), scored(60))).success).toHaveLength(1);
		const r = await run(read({ options: { minFieldScore: 60 } }), scored(80, { number: 59, birthDate: null }));
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'OCR_LOW_CONFIDENCE', fieldScores: { idNumber: 59, birthDate: null } });
		expect(error.message).toBe('The ID was not read reliably: birthDate without a score, idNumber 59 (minimum 60)');
	});

	it('only the Required Fields count; an empty list checks none', async () => {
		const low = scored(80, { gender: 10 });
		expect(outputsOf(await run(read({ options: { minFieldScore: 50 } }), low)).success).toHaveLength(1);
		expect(errorOf(outputsOf(await run(read({ options: { minFieldScore: 50, requiredFields: ['gender'] } }), low)).failed[0]).fieldScores).toEqual({ gender: 10 });
		expect(outputsOf(await run(read({ options: { minFieldScore: 99, requiredFields: [] } }), low)).success).toHaveLength(1);
	});

	it('Min Field Score and Required Fields from bad expressions fail the item', async () => {
		const a = await run(read({ options: { minFieldScore: '={{ NaN }}' } }), scored(80));
		expect(errorOf(outputsOf(a).failed[0])).toMatchObject({ code: 'PARAMETER_INVALID' });
		const b = await run(read({ options: { requiredFields: '={{ ["fullName", "shoeSize"] }}' } }), scored(80));
		expect(errorOf(outputsOf(b).failed[0])).toMatchObject({ code: 'PARAMETER_INVALID', message: expect.stringContaining('"Required Fields"') });
	});
});

describe('answers', () => {
	it('the ko documentInfo/personalInfo shape fails closed with OCR_RESPONSE_UNKNOWN, keeping the answer', async () => {
		sb.setConfig({ recognitionShape: 'ko' });
		const r = await run(read(), [{ json: { applicant: 'k' }, binary: idFile('idPortrait') }]);
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(errorOf(failed[0])).toMatchObject({ code: 'OCR_RESPONSE_UNKNOWN', response: { apiType: 'global_id_recognition', result: { personalInfo: { fullName: 'ANN LEE' } } } });
		expect(failed[0].json.applicant).toBe('k');
	});

	const codes: Array<[number, string, () => [IDataObject, FixtureItem[]]]> = [
		[1005, 'fault', () => [read(), [{ binary: idFile('idPortrait') }]]],
		[1006, 'fault', () => [read(), [{ binary: idFile('idPortrait') }]]],
		[1010, 'fault', () => [read(), [{ binary: idFile('idPortrait') }]]],
		[1012, 'sandbox', () => [read({ idBackBinaryPropertyName: 'back' }), [{ binary: { ...idFile('idPortrait'), ...idFile('back', { unreadable: true }) } }]]],
		[1013, 'sandbox', () => [read(), [{ binary: { idPortrait: { base64: sb.sampleImage({ format: 'webp' }).toString('base64'), fileName: 'id.webp', mimeType: 'image/webp' } } }]]],
		[1014, 'fault', () => [read(), [{ binary: idFile('idPortrait') }]]],
		[1015, 'fault', () => [read(), [{ binary: idFile('idPortrait') }]]],
	];
	it.each(codes)('ARGOS %i (%s) reaches Failed with the recognition table\'s text, not the verify products\'', async (code, how, setup) => {
		if (how === 'fault') sb.addFaults({ action: 'status', status: 400, errorCode: code, message: `sandbox ${code}` });
		const [parameters, items] = setup();
		const r = await run(parameters, items);
		const entry = OPERATION_ERRORS.read![code];
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code, httpStatus: 400, description: entry.description, attempts: 1 });
		expect(error.applicantMessage).toBe(entry.applicantMessage);
		expect(error.message).toContain(entry.message);
	});

	it('1001 workspace unavailable fails the execution while nothing has succeeded', async () => {
		sb.setConfig({ workspaceAvailable: false });
		const r = await run(read(), [{ binary: idFile('idPortrait') }, { binary: idFile('idPortrait') }]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toContain('ARGOS 1001');
	});

	it('a 503 is retried as a read and then succeeds', async () => {
		sb.addFaults({ action: 'status', status: 503, match: { path: '/modules/recognition' } });
		const r = await run(read(), [{ binary: idFile('idPortrait') }]);
		expect(outputsOf(r).success).toHaveLength(1);
		expect(recognitions()).toHaveLength(2);
	});

	it('a 504 after processing is retried too: nothing is stored by a read', async () => {
		sb.addFaults({ action: 'status', status: 504, when: 'after', match: { path: '/modules/recognition' } });
		const r = await run(read(), [{ binary: idFile('idPortrait') }]);
		expect(outputsOf(r).success).toHaveLength(1);
	});
});
