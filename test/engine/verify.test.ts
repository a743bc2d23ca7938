/**
 * Face Liveness, Face Compare and ID Document: the built node in n8n-core's WorkflowExecute against the
 * sandbox over real HTTP. Codes ARGOS sends are injected with the sandbox's fault schedule; local checks
 * are shown to send nothing.
 */
import { createHash } from 'crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { type RequestLogEntry, type Sandbox, type SampleImageOptions } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun } from '../harness/engine';
import { API_ERRORS } from '../../nodes/shared/errors';
import type { OperationName } from '../../nodes/shared/helpers/interfaces';
import { argosWorkflow, errorOf, type FixtureItem, image, outputsOf, sandboxPerFile } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];

async function run(parameters: IDataObject, items: FixtureItem[], apiKey = sb.apiKey, extra: { onError?: string } = {}): Promise<EngineRun> {
	const result = await engine.runWorkflow(argosWorkflow(parameters, items, extra), { credentials: { argosFacesApi: { apiKey, baseUrl: sb.url } } });
	runs.push(result);
	return result;
}

const liveness = (extra: IDataObject = {}) => ({ resource: 'faceLiveness', operation: 'check', ...extra });
const compare = (extra: IDataObject = {}) => ({ resource: 'faceCompare', operation: 'compare', ...extra });
const documentCheck = (extra: IDataObject = {}) => ({ resource: 'idDocument', operation: 'checkLiveness', ...extra });

/** A selfie in `data` and an ID photo in `idPortrait`: what every verify operation can read with its defaults. */
const both = (json: IDataObject = {}): FixtureItem => ({ json, binary: { ...image('face.jpg'), ...image('face-b.jpg', 'idPortrait') } });

/** A sandbox sample image as an in-memory binary property. */
function sample(options: SampleImageOptions, property = 'data'): NonNullable<FixtureItem['binary']> {
	const bytes = sb.sampleImage(options);
	return { [property]: { base64: bytes.toString('base64'), fileName: `${property}.jpg`, mimeType: 'image/jpeg' } };
}
const sha = (options: SampleImageOptions) => createHash('sha256').update(sb.sampleImage(options)).digest('hex');
type VerifyBody = { images: Record<string, { sha256: string | null; form: string } | null>; pipelines?: unknown };
const bodyOf = (entry: RequestLogEntry) => entry.body as unknown as VerifyBody;

const OPERATIONS: Array<[string, OperationName, () => IDataObject, string]> = [
	['Face Liveness → Check', 'check', () => liveness(), '/modules/liveness'],
	['Face Compare → Compare', 'compare', () => compare(), '/modules/compare'],
	['ID Document → Check Liveness', 'checkLiveness', () => documentCheck(), '/modules/document'],
];

sandboxPerFile(runs, (started) => (sb = started));

describe('ARGOS codes of the verify products reach Failed with their description', () => {
	const cases: Array<[string, number, OperationName, () => IDataObject]> = [
		...[1016, 1017].map((code) => [OPERATIONS[0][0], code, 'check', OPERATIONS[0][2]] as [string, number, OperationName, () => IDataObject]),
		...[1000, 1010].map((code) => [OPERATIONS[1][0], code, 'compare', OPERATIONS[1][2]] as [string, number, OperationName, () => IDataObject]),
		...[1003, 1005, 1007, 1008, 1009, 1010].map((code) => [OPERATIONS[2][0], code, 'checkLiveness', OPERATIONS[2][2]] as [string, number, OperationName, () => IDataObject]),
	];
	it.each(cases)('%s: %i', async (_label, code, _operation, params) => {
		sb.addFaults({ action: 'status', status: 400, errorCode: code, message: `sandbox ${code}` });
		const r = await run(params(), [both({ name: 'n' })]);
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(1);
		expect(errorOf(failed[0])).toMatchObject({
			code,
			httpStatus: 400,
			retryable: API_ERRORS[code].retryable ?? false,
			apiMessage: `sandbox ${code}`,
			description: API_ERRORS[code].description,
			attempts: 1,
		});
		expect(failed[0].json.name).toBe('n');
		expect(failed[0].binary).toBeDefined();
	});
});

describe('1001 "Workspace is unavailable" holds for every item', () => {
	it.each([OPERATIONS[1], OPERATIONS[2]])('%s: it fails the execution while nothing has passed', async (_label, _operation, params) => {
		sb.addFaults({ action: 'status', status: 400, errorCode: 1001, message: 'Workspace is unavailable', count: -1 });
		const r = await run(params(), [both(), both()]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toContain('ARGOS 1001');
		// Both items may already be in flight (Concurrency 4); nothing is retried.
		expect(sb.requests().map((e) => e.errorCode)).toEqual(sb.requests().map(() => 1001));
	});
});

describe.each(OPERATIONS)('%s: transport and key rules', (_label, _operation, params, path) => {
	it('a gateway 403 on the first response fails the execution (nothing has passed)', async () => {
		sb.addFaults({ action: 'status', status: 403, message: 'User is not authorized to access this resource with an explicit deny', count: -1 });
		const r = await run(params(), [both(), both()]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/^ARGOS refused access \(HTTP 403\)/);
		expect(r.error?.description).toMatch(/IP allow-list/);
		expect(sb.requests().every((e) => e.path === path)).toBe(true);
	});

	it('a rejected key (6040) fails the execution; with continueOnFail every item goes to Failed', async () => {
		sb.addFaults({ action: 'status', status: 403, errorCode: 6040, message: 'Access Denied: API Key is unavailable', count: -1 });
		const r = await run(params(), [both()]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/^ARGOS rejected the API key/);
		sb.addFaults({ action: 'status', status: 403, errorCode: 6040, message: 'Access Denied: API Key is unavailable', count: -1 });
		const r2 = await run(params(), [both(), both()], sb.apiKey, { onError: 'continueRegularOutput' });
		expect(r2.status).toBe('success');
		expect(outputsOf(r2).failed.map((i) => errorOf(i).code)).toEqual([6040, 6040]);
	});

	it('an ambiguous 500/502 is retried like a read, up to Max Retries', async () => {
		sb.addFaults({ action: 'status', status: 502, message: 'Bad Gateway', count: -1 });
		const r = await run({ ...params(), options: { maxRetries: 2 } }, [both()]);
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'SERVER_ERROR', httpStatus: 502, outcomeUnknown: false, attempts: 3 });
		expect(sb.requests().filter((e) => e.path === path)).toHaveLength(3);
	});

	it('a gateway 413 → Failed REQUEST_TOO_LARGE, not retried', async () => {
		sb.setConfig({ maxBodyBytes: 200 });
		const r = await run(params(), [both()]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'REQUEST_TOO_LARGE', httpStatus: 413, attempts: 1 });
	});
});

describe('local checks send nothing', () => {
	it('Compare names which image is wrong: a missing ID portrait, a PDF selfie', async () => {
		const r = await run(compare(), [
			{ json: { name: 'no-id' }, binary: image('face.jpg') },
			{ json: { name: 'pdf' }, binary: { ...image('doc.pdf'), ...image('face.jpg', 'idPortrait') } },
		]);
		const { failed } = outputsOf(r);
		expect(failed.map((i) => [i.json.name, errorOf(i).code])).toEqual([
			['no-id', 'IMAGE_MISSING'],
			['pdf', 'IMAGE_UNSUPPORTED_FORMAT'],
		]);
		expect(errorOf(failed[0]).message).toBe('ID Portrait: No binary property "idPortrait" on this item');
		expect(errorOf(failed[0]).description).toMatch(/binary properties: data/);
		expect(errorOf(failed[1]).message).toMatch(/^Selfie: The file is a PDF document/);
		expect(sb.requests()).toEqual([]);
	});

	it.each([
		['Min Liveness Score', liveness, { minLivenessScore: '={{ $json.t }}' }, [{ t: 'high' }, { t: -1 }, { t: 101 }, { t: { a: 1 } }]],
		['Min Similarity', compare, { minSimilarity: '={{ $json.t }}' }, [{ t: 80 }, { t: 'x' }, { t: -0.1 }, { t: [0.8] }]],
		['Min Score', documentCheck, { minScore: '={{ $json.t }}' }, [{ t: 'NaN' }, { t: 1e9 }, { t: -5 }, { t: '' }]],
	])('a %s from an expression that is not a number in range fails only its item', async (label, params, options, values) => {
		const r = await run(params({ options }), (values as IDataObject[]).map((json) => both(json)));
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(4);
		for (const item of failed) {
			expect(errorOf(item)).toMatchObject({ code: 'PARAMETER_INVALID', httpStatus: null });
			expect(errorOf(item).message).toMatch(new RegExp(`^"${label}" must be a number from`));
		}
		expect(sb.requests()).toEqual([]);
	});

	it('a Similarity Scale from an expression that is not one of its values fails only its item, naming the field', async () => {
		const values: IDataObject[] = [{ s: 'Percent' }, { s: 100 }, { s: ['fraction'] }, { s: '0–1' }];
		const r = await run(compare({ options: { similarityScale: '={{ $json.s }}' } }), values.map((json) => both(json)));
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed.map((i) => errorOf(i).code)).toEqual(['PARAMETER_INVALID', 'PARAMETER_INVALID', 'PARAMETER_INVALID', 'PARAMETER_INVALID']);
		expect(errorOf(failed[0]).message).toBe('"Similarity Scale" must be "auto", "fraction" or "percent", but item 0 gave "Percent"');
		expect(errorOf(failed[1]).message).toMatch(/item 1 gave 100$/);
		expect(errorOf(failed[2]).message).toMatch(/item 2 gave an array$/);
		expect(sb.requests()).toEqual([]);
	});

	it('a typed-in threshold out of range, or no pipeline, fails the execution before anything is sent', async () => {
		const r = await run(compare({ options: { minSimilarity: 80 } }), [both()]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toBe('"Min Similarity" must be a number from 0 to 1, but item 0 gave 80');
		expect(r.error?.description).toMatch(/Fix the value or the expression in "Min Similarity"/);
		const r2 = await run(documentCheck({ pipelines: [] }), [both()]);
		expect(r2.status).toBe('error');
		expect(r2.error?.message).toMatch(/"Pipelines" must name at least one/);
		expect(sb.requests()).toEqual([]);
	});
});

describe('Face Liveness → Check against the sandbox', () => {
	it('a score exactly at Min Liveness Score passes; one below fails with the score and advice', async () => {
		const r = await run(liveness(), [
			{ json: { name: 'at' }, binary: sample({ livenessScore: 50 }) },
			{ json: { name: 'below' }, binary: sample({ livenessScore: 49 }) },
			{ json: { name: 'plain' }, binary: image('face.jpg') },
		]);
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json)).toEqual([
			{ passed: true, score: 50, threshold: 50, transactionId: expect.stringMatching(/^[a-z0-9]{13}$/), image: expect.objectContaining({ source: 'binary' }) },
			{ passed: true, score: expect.any(Number), threshold: 50, transactionId: expect.any(String), image: expect.objectContaining({ fileName: 'face.jpg' }) },
		]);
		expect(success.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.name).toBe('below');
		expect(errorOf(failed[0])).toMatchObject({
			code: 'LIVENESS_BELOW_THRESHOLD',
			httpStatus: 200,
			retryable: false,
			outcomeUnknown: false,
			score: 49,
			threshold: 50,
			transactionId: expect.any(String),
			attempts: 1,
		});
		expect(errorOf(failed[0]).message).toBe('The selfie scored 49 for liveness, below the minimum of 50');
		expect(errorOf(failed[0]).description).toMatch(/retake the selfie/);
	});

	it('Min Liveness Score moves the edge, decimals included; a spoof fails; no face is 1017', async () => {
		const r = await run(liveness({ options: { minLivenessScore: 72.5 } }), [
			{ json: { n: 1 }, binary: sample({ livenessScore: 72.5 }) },
			{ json: { n: 2 }, binary: sample({ livenessScore: 72.4 }) },
			{ json: { n: 3 }, binary: sample({ faceKey: 'ann', spoof: true }) },
			{ json: { n: 4 }, binary: sample({ unreadable: true }) },
		]);
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.score)).toEqual([72.5]);
		expect(failed.map((i) => [i.json.n, errorOf(i).code])).toEqual([
			[2, 'LIVENESS_BELOW_THRESHOLD'],
			[3, 'LIVENESS_BELOW_THRESHOLD'],
			[4, 1017],
		]);
		expect(errorOf(failed[1]).score).toBeLessThanOrEqual(30);
		expect(errorOf(failed[2]).description).toBe(API_ERRORS[1017].description);
	});

	it('sends the selfie as raw base64 in faceImage, also when it came as a data URL', async () => {
		// Without a face key the sample carries a random nonce: hash these very bytes.
		const bytes = sb.sampleImage({ livenessScore: 90 });
		const r = await run(liveness({ imageSource: 'base64', base64Image: '={{ $json.selfie }}' }), [{ json: { selfie: `data:image/jpeg;base64,${bytes.toString('base64')}` } }]);
		expect(outputsOf(r).success.map((i) => i.json.score)).toEqual([90]);
		const sent = bodyOf(sb.requests()[0]).images.faceImage;
		expect(sent).toMatchObject({ form: 'base64', sha256: createHash('sha256').update(bytes).digest('hex') });
	});
});

describe('Send Image As → Data URL on the verify endpoints', () => {
	it('ARGOS (L) wants raw base64: the sandbox cannot read a data URL, and the Failed item says which setting to change', async () => {
		const r = await run(liveness({ options: { sendImageAs: 'dataUrl' } }), [{ json: {}, binary: sample({ livenessScore: 90 }) }]);
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 1017, httpStatus: 400 });
		expect(error.description).toMatch(/"Send Image As" back to Base64/);
		expect(bodyOf(sb.requests()[0]).images.faceImage).toMatchObject({ form: 'dataUrl' });
	});
});

describe('Face Compare → Compare against the sandbox', () => {
	const pair = (selfie: SampleImageOptions, id: SampleImageOptions, json: IDataObject = {}): FixtureItem => ({
		json,
		binary: { ...sample(selfie), ...sample(id, 'idPortrait') },
	});

	it('current shape: a matching pair passes by ARGOS\'s isMatch, with boxes and confidences; another face fails', async () => {
		const r = await run(compare(), [pair({ faceKey: 'ann' }, { faceKey: 'ann', format: 'png' }, { n: 'same' }), pair({ faceKey: 'ann' }, { faceKey: 'bob' }, { n: 'other' })]);
		const { success, failed } = outputsOf(r);
		expect(success).toHaveLength(1);
		const out = success[0].json;
		expect(out).toMatchObject({ passed: true, decidedBy: 'argos', threshold: 0.8, responseShape: 'current', argos: { threshold: 0.8, isMatch: true }, similarityScale: 'fraction', scaleDecidedBy: 'answer' });
		expect(out.similarity).toBeGreaterThanOrEqual(0.9);
		for (const face of [out.originFace, out.targetFace] as IDataObject[]) {
			expect(face).toEqual({
				detected: true,
				confidence: expect.any(Number),
				boundingBox: { width: expect.any(Number), height: expect.any(Number), left: expect.any(Number), top: expect.any(Number) },
			});
		}
		expect(failed.map((i) => i.json.n)).toEqual(['other']);
		const error = errorOf(failed[0]);
		expect(error).toMatchObject({ code: 'FACES_DO_NOT_MATCH', httpStatus: 200, retryable: false, decidedBy: 'argos', threshold: 0.8, argos: { isMatch: false } });
		expect(error.similarity).toBeLessThan(0.45);
		expect((error.originFace as IDataObject).boundingBox).not.toBeNull();
		// The selfie went as originFace and the ID portrait as targetFace, each from its own property.
		const sent = sb.requests().map((e) => bodyOf(e).images);
		expect(sent.map((images) => images.targetFace?.sha256).sort()).toEqual([sha({ faceKey: 'ann', format: 'png' }), sha({ faceKey: 'bob' })].sort());
		expect(sent.every((images) => images.originFace?.sha256 === sha({ faceKey: 'ann' }))).toBe(true);
	});

	it('Min Similarity is the floor under ARGOS\'s isMatch', async () => {
		const r = await run(compare({ options: { minSimilarity: 0.95 } }), [pair({ similarity: 85 }, {})]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'FACES_DO_NOT_MATCH', similarity: 0.85, decidedBy: 'argos', message: expect.stringMatching(/below Min Similarity \(0.95\)/) });
		const r2 = await run(compare({ options: { minSimilarity: 0.8 } }), [pair({ similarity: 85 }, {})]);
		expect(outputsOf(r2).success[0].json).toMatchObject({ passed: true, similarity: 0.85, threshold: 0.8, minSimilarity: 0.8, decidedBy: 'argos' });
	});

	it.each([
		['0–1', 1, 80, 79.9],
		['0–100', 100, 80, 79.9],
	])('old shape (%s scale): Min Similarity decides — exactly at it passes, just below fails', async (_label, scale, at, below) => {
		sb.setConfig({ compareShape: 'old', compareOldScale: scale as 1 | 100 });
		const r = await run(compare(), [pair({ similarity: at }, {}, { n: 'at' }), pair({ similarity: below }, {}, { n: 'below' })]);
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json)).toEqual([
			expect.objectContaining({
				passed: true,
				similarity: 0.8,
				threshold: 0.8,
				decidedBy: 'minSimilarity',
				responseShape: 'legacy',
				argos: { similarity: scale === 100 ? 80 : 0.8 },
				similarityScale: scale === 100 ? 'percent' : 'fraction',
				scaleDecidedBy: 'answer',
			}),
		]);
		expect(success[0].json.targetFace).toMatchObject({ detected: true, boundingBox: expect.any(Object) });
		expect(failed.map((i) => i.json.n)).toEqual(['below']);
		expect(errorOf(failed[0])).toMatchObject({ code: 'FACES_DO_NOT_MATCH', similarity: 0.799, threshold: 0.8, decidedBy: 'minSimilarity', responseShape: 'legacy' });
		expect(errorOf(failed[0]).message).toBe('The two faces do not match (similarity 0.799, minimum 0.8)');
	});

	// Regression: the scale used to be guessed value by value, so 1 (= 1 %) and 0.9 (= 0.9 %) on the old
	// 0–100 answer were read as 1.0 and 0.9 and passed Min Similarity 0.8.
	it('old shape on 0–100: similarity 1 and 0.9 are 1 % and 0.9 % (the confidences show the scale) → FACES_DO_NOT_MATCH', async () => {
		sb.setConfig({ compareShape: 'old', compareOldScale: 100 });
		const r = await run(compare(), [pair({ faceKey: 'x', similarity: 1 }, { faceKey: 'x' }, { n: 'one' }), pair({ faceKey: 'x', similarity: 0.9 }, { faceKey: 'x' }, { n: 'point9' })]);
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed.map((i) => [i.json.n, errorOf(i).code, errorOf(i).similarity])).toEqual([
			['one', 'FACES_DO_NOT_MATCH', 0.01],
			['point9', 'FACES_DO_NOT_MATCH', 0.009],
		]);
		expect(errorOf(failed[0])).toMatchObject({ argos: { similarity: 1 }, similarityScale: 'percent', scaleDecidedBy: 'answer', decidedBy: 'minSimilarity', threshold: 0.8 });
		expect(errorOf(failed[1]).message).toBe('The two faces do not match (similarity 0.009, minimum 0.8)');
		// What ARGOS sent: confidences 90–99.9 beside the similarity.
		const confidences = [errorOf(failed[0]).originFace, errorOf(failed[0]).targetFace].map((f) => (f as IDataObject).confidence as number);
		for (const c of confidences) expect(c).toBeGreaterThanOrEqual(90);
	});

	it('old shape on 0–100: a genuine match of 95 passes as 0.95', async () => {
		sb.setConfig({ compareShape: 'old', compareOldScale: 100 });
		const r = await run(compare(), [pair({ faceKey: 'x', similarity: 95 }, { faceKey: 'x' })]);
		expect(outputsOf(r).failed).toEqual([]);
		expect(outputsOf(r).success[0].json).toMatchObject({ passed: true, similarity: 0.95, similarityScale: 'percent', scaleDecidedBy: 'answer', argos: { similarity: 95 } });
	});

	describe('an answer that does not show its scale (sandbox compareConfidences: false)', () => {
		const undecidable = () => [pair({ faceKey: 'x', similarity: 0.9 }, { faceKey: 'x' }, { n: 'point9' }), pair({ faceKey: 'x', similarity: 85 }, { faceKey: 'x' }, { n: 'eighty-five' })];
		// A Success item is the check's output, so the input it came from is known by pairedItem.
		const NAMES = ['point9', 'eighty-five'];
		const nameOf = (i: INodeExecutionData) => NAMES[(i.pairedItem as { item: number }).item];

		it('Auto: 0.9 could be 90 % or 0.9 % → Failed SIMILARITY_SCALE_UNKNOWN naming it; 85 shows 0–100 by itself', async () => {
			sb.setConfig({ compareShape: 'old', compareOldScale: 100, compareConfidences: false });
			const r = await run(compare(), undecidable());
			expect(r.status).toBe('success');
			const { success, failed } = outputsOf(r);
			expect(success.map((i) => [nameOf(i), i.json.similarity, i.json.similarityScale])).toEqual([['eighty-five', 0.85, 'percent']]);
			expect(failed.map((i) => i.json.n)).toEqual(['point9']);
			expect(errorOf(failed[0])).toMatchObject({
				code: 'SIMILARITY_SCALE_UNKNOWN',
				httpStatus: 200,
				retryable: false,
				outcomeUnknown: false,
				attempts: 1,
				similarity: null,
				similarityScale: null,
				scaleDecidedBy: 'answer',
				scaleEvidence: { 'faceMatch.similarity': 0.9 },
				argos: { similarity: 0.9 },
			});
			expect(errorOf(failed[0])).not.toHaveProperty('applicantMessage');
			expect(errorOf(failed[0]).message).toBe("Cannot tell whether ARGOS's similarity is on a 0–1 or a 0–100 scale: nothing else in the answer shows it (faceMatch.similarity 0.9)");
			expect(errorOf(failed[0]).description).toMatch(/set Options → "Similarity Scale" to 0–1 or 0–100/);
		});

		it('pinned 0–1: 0.9 passes, and 85 does not fit → SIMILARITY_SCALE_UNKNOWN', async () => {
			sb.setConfig({ compareShape: 'old', compareOldScale: 100, compareConfidences: false });
			const r = await run(compare({ options: { similarityScale: 'fraction' } }), undecidable());
			const { success, failed } = outputsOf(r);
			expect(success.map((i) => [nameOf(i), i.json.similarity, i.json.similarityScale, i.json.scaleDecidedBy])).toEqual([['point9', 0.9, 'fraction', 'pinned']]);
			expect(failed.map((i) => [i.json.n, errorOf(i).code])).toEqual([['eighty-five', 'SIMILARITY_SCALE_UNKNOWN']]);
			expect(errorOf(failed[0])).toMatchObject({ similarityScale: 'fraction', scaleDecidedBy: 'pinned' });
			expect(errorOf(failed[0]).message).toBe("ARGOS's answer does not fit the pinned 0–1 scale (faceMatch.similarity 85 (not on 0–1))");
		});

		it('pinned 0–100: 0.9 is 0.9 % → FACES_DO_NOT_MATCH; 85 passes', async () => {
			sb.setConfig({ compareShape: 'old', compareOldScale: 100, compareConfidences: false });
			const r = await run(compare({ options: { similarityScale: 'percent' } }), undecidable());
			const { success, failed } = outputsOf(r);
			expect(success.map((i) => [nameOf(i), i.json.similarity, i.json.scaleDecidedBy])).toEqual([['eighty-five', 0.85, 'pinned']]);
			expect(failed.map((i) => [i.json.n, errorOf(i).code, errorOf(i).similarity, errorOf(i).similarityScale])).toEqual([['point9', 'FACES_DO_NOT_MATCH', 0.009, 'percent']]);
		});

		it('the pin is read per item: an expression can give each item its own scale', async () => {
			sb.setConfig({ compareShape: 'old', compareOldScale: 100, compareConfidences: false });
			const params = compare({ options: { similarityScale: '={{ $json.scale }}' } });
			const r = await run(params, [pair({ similarity: 0.9 }, {}, { scale: 'fraction' }), pair({ similarity: 0.9 }, {}, { scale: 'percent' }), pair({ similarity: 0.9 }, {}, { scale: 'auto' })]);
			const { success, failed } = outputsOf(r);
			expect(success.map((i) => [i.pairedItem, i.json.similarity, i.json.scaleDecidedBy])).toEqual([[{ item: 0 }, 0.9, 'pinned']]);
			expect(failed.map((i) => [i.json.scale, errorOf(i).code])).toEqual([
				['percent', 'FACES_DO_NOT_MATCH'],
				['auto', 'SIMILARITY_SCALE_UNKNOWN'],
			]);
		});

		it('current shape with a threshold of 1: ARGOS\'s own isMatch does not let it through either', async () => {
			sb.setConfig({ compareConfidences: false, compareThreshold: 1 });
			const r = await run(compare({ options: { minSimilarity: 0 } }), [pair({ similarity: 100 }, {})]);
			expect(outputsOf(r).success).toEqual([]);
			const error = errorOf(outputsOf(r).failed[0]);
			expect(error).toMatchObject({ code: 'SIMILARITY_SCALE_UNKNOWN', argos: { similarity: 1, threshold: 1, isMatch: true }, responseShape: 'current' });
			expect(error.message).toMatch(/\(similarity\.score 1, similarity\.threshold 1\)$/);
		});
	});

	it.each(['current', 'old'] as const)('%s shape: no face found in the ID portrait → FACE_NOT_DETECTED naming it', async (shape) => {
		sb.setConfig({ compareShape: shape });
		const r = await run(compare(), [pair({ faceKey: 'ann' }, { unreadable: true })]);
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'FACE_NOT_DETECTED', httpStatus: 200, targetFace: { detected: false, boundingBox: null }, originFace: { detected: true } });
		expect(error.message).toBe('ARGOS found no usable face in the ID portrait');
	});

	it('each image has its own source: selfie from a binary, ID portrait from a base64 expression', async () => {
		const id = sb.sampleImage({ faceKey: 'cy', format: 'png' }).toString('base64');
		const params = compare({ targetImageSource: 'base64', targetBase64Image: '={{ $json.idPhoto }}' });
		const r = await run(params, [{ json: { idPhoto: id }, binary: sample({ faceKey: 'cy' }, 'data') }]);
		expect(outputsOf(r).success[0].json).toMatchObject({ passed: true });
		expect(bodyOf(sb.requests()[0]).images).toMatchObject({ originFace: { sha256: sha({ faceKey: 'cy' }) }, targetFace: { sha256: sha({ faceKey: 'cy', format: 'png' }) } });
	});
});

describe('ID Document → Check Liveness against the sandbox', () => {
	const id = (options: SampleImageOptions, json: IDataObject = {}): FixtureItem => ({ json, binary: sample(options) });

	it('all three pipelines by default; 61 everywhere passes, 60 on one fails naming it', async () => {
		const r = await run(documentCheck(), [
			id({ documentScores: { sr: 61, pc: 61, ps: 61 } }, { n: 'edge' }),
			id({ documentScores: { sr: 61, pc: 60, ps: 81 } }, { n: 'printed' }),
			id({ faceKey: 'clean' }, { n: 'clean' }),
		]);
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json)).toEqual([
			{ passed: true, threshold: 61, scores: { screenReplay: 61, paperPrinted: 61, replacePortraits: 61 }, failedPipelines: [], transactionId: expect.any(String), image: expect.objectContaining({ source: 'binary' }) },
			expect.objectContaining({ passed: true, failedPipelines: [] }),
		]);
		expect(failed.map((i) => i.json.n)).toEqual(['printed']);
		expect(errorOf(failed[0])).toMatchObject({
			code: 'DOCUMENT_SUSPECTED',
			httpStatus: 200,
			retryable: false,
			threshold: 61,
			failedPipelines: ['paperPrinted'],
			scores: { screenReplay: 61, paperPrinted: 60, replacePortraits: 81 },
		});
		expect(errorOf(failed[0]).message).toBe('The ID document may not be genuine: paperPrinted 60 (minimum 61)');
		for (const e of sb.requests()) expect(bodyOf(e).pipelines).toEqual({ sr: true, pc: true, ps: true });
	});

	it('only the chosen pipelines are asked for and judged; Min Score moves the edge', async () => {
		const screen = { screenReplay: true, documentScores: { pc: 70, ps: 90 } };
		const r = await run(documentCheck({ pipelines: ['pc', 'ps'], options: { minScore: 70 } }), [id(screen, { n: 'ok' }), id({ screenReplay: true, documentScores: { pc: 69, ps: 90 } }, { n: 'low' })]);
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.scores)).toEqual([{ paperPrinted: 70, replacePortraits: 90 }]);
		expect(errorOf(failed[0])).toMatchObject({ failedPipelines: ['paperPrinted'], threshold: 70 });
		for (const e of sb.requests()) expect(bodyOf(e).pipelines).toEqual({ sr: false, pc: true, ps: true });
		// The same screen photo with every pipeline: Screen Replay catches it.
		const r2 = await run(documentCheck(), [id(screen)]);
		expect(errorOf(outputsOf(r2).failed[0])).toMatchObject({ code: 'DOCUMENT_SUSPECTED', failedPipelines: ['screenReplay'] });
		expect((errorOf(outputsOf(r2).failed[0]).scores as IDataObject).screenReplay).toBeLessThanOrEqual(30);
	});

	it.each([
		['idImage', 'default', 'success'],
		['idImage', 'image', 1005],
		['image', 'default', 1005],
		['image', 'image', 'success'],
		['any', 'default', 'success'],
		['any', 'image', 'success'],
	] as const)('sandbox insists on %s, option "ID Image Field" %s → %s', async (insist, option, outcome) => {
		sb.setConfig({ documentImageField: insist });
		const r = await run(documentCheck(option === 'image' ? { options: { idImageField: option } } : {}), [id({ faceKey: 'doc' })]);
		const { success, failed } = outputsOf(r);
		if (outcome === 'success') expect(success).toHaveLength(1);
		else expect(errorOf(failed[0])).toMatchObject({ code: 1005, description: expect.stringMatching(/ID Image Field/) });
		const images = bodyOf(sb.requests()[0]).images;
		const sentAs = option === 'image' ? 'image' : 'idImage';
		expect(images[sentAs]).toMatchObject({ form: 'base64', sha256: sha({ faceKey: 'doc' }) });
		expect(images[sentAs === 'image' ? 'idImage' : 'image'] ?? null).toBeNull();
	});

	it('an ID photo with no document in it → 1009 with retake advice', async () => {
		const r = await run(documentCheck(), [id({ unreadable: true })]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 1009, httpStatus: 400, description: API_ERRORS[1009].description });
	});
});

describe.each(OPERATIONS)('%s: key errors and retries against the sandbox', (_label, _operation, params, path) => {
	const good = (): FixtureItem => ({ json: {}, binary: { ...sample({ faceKey: 'k', livenessScore: 90 }), ...sample({ faceKey: 'k' }, 'idPortrait') } });

	it.each([
		['a disabled key (6040)', () => ({}), () => sb.disabledApiKey, /^ARGOS rejected the API key \(ARGOS 6040/],
		['a missing key (6039)', () => ({}), () => '', /^ARGOS received no API key \(ARGOS 6039/],
		['the gateway\'s bare 403', () => ({ verifyKeyErrors: 'gateway' as const }), () => sb.disabledApiKey, /^ARGOS refused access \(HTTP 403\): Forbidden/],
		['an IP not on the allow-list', () => ({ ipAllowList: ['192.0.2.1'] }), () => sb.apiKey, /explicit deny/],
	])('%s fails the execution before anything passed', async (_what, config, key, message) => {
		sb.setConfig(config());
		const r = await run(params(), [good(), good(), good()], key());
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(message);
		expect(sb.requests().length).toBeLessThanOrEqual(4);
	});

	it('a key rejected after one item passed → Failed, the passed item is kept', async () => {
		sb.addFaults({ match: { path }, skip: 1, count: -1, action: 'status', status: 403, errorCode: 6040, message: 'Access Denied: API Key is unavailable' });
		const r = await run({ ...params(), options: { concurrency: 1 } }, [good(), good(), good()]);
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.passed)).toEqual([true]);
		expect(failed.map((i) => errorOf(i).code)).toEqual([6040, 6040]);
	});

	it('an answer lost after the check ran (504 after, cut connection) is simply asked again', async () => {
		sb.addFaults([
			{ match: { path }, action: 'status', status: 504, when: 'after' },
			{ match: { path }, skip: 1, action: 'reset' },
		]);
		const r = await run(params(), [good()]);
		expect(outputsOf(r).success.map((i) => i.json.passed)).toEqual([true]);
		expect(sb.requests().filter((e) => e.path === path)).toHaveLength(3);
	});
});
