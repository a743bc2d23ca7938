/** The verify checks' response normalisation, pass/fail decisions and error texts, without HTTP. */
import { compareFailure, normaliseCompare } from '../../nodes/ArgosFaces/actions/faceCompare/compare.operation';
import { type AnswerNumber, decideScale, toFraction } from '../../nodes/ArgosFaces/actions/faceCompare/scale';
import { normaliseLiveness } from '../../nodes/ArgosFaces/actions/faceLiveness/check.operation';
import { normaliseDocument, readPipelines } from '../../nodes/ArgosFaces/actions/idDocument/checkLiveness.operation';
import { API_ERRORS, FaceError, fromApiResponse } from '../../nodes/shared/errors';
import { FACE_ID_ERRORS } from '../../nodes/shared/errors/faceId';
import { VERIFY_ERRORS } from '../../nodes/shared/errors/verify';
import type { OperationName } from '../../nodes/shared/helpers/interfaces';

const VERIFY_OPERATIONS: OperationName[] = ['check', 'compare', 'checkLiveness'];
const DOCUMENTED = [1000, 1001, 1003, 1005, 1007, 1008, 1009, 1010, 1016, 1017];

function thrown(fn: () => unknown): FaceError {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}
	if (caught instanceof FaceError) return caught;
	throw caught ?? new Error('expected a FaceError');
}

describe('verify error codes', () => {
	it('are in the one lookup, next to Face ID, without overlapping it', () => {
		expect(Object.keys(VERIFY_ERRORS).map(Number).sort()).toEqual(DOCUMENTED);
		for (const code of DOCUMENTED) {
			expect(FACE_ID_ERRORS[code]).toBeUndefined();
			expect(API_ERRORS[code]).toBe(VERIFY_ERRORS[code]);
		}
	});

	it.each(DOCUMENTED)('code %i gives a message, an actionable description and keeps the API text', (code) => {
		for (const operation of VERIFY_OPERATIONS) {
			const info = fromApiResponse(operation, 400, { errorCode: String(code), message: `api says ${code}` });
			expect(info).toMatchObject({ code, httpStatus: 400, outcomeUnknown: false, apiMessage: `api says ${code}` });
			expect(info.message).toContain(`(ARGOS ${code}: api says ${code})`);
			expect(info.message).not.toMatch(/^ARGOS error/);
			expect(info.description.length).toBeGreaterThan(40);
		}
	});

	it('tells what to do for the failures a person or an admin can fix', () => {
		expect(fromApiResponse('checkLiveness', 400, { errorCode: 1005 }).description).toMatch(/"ID Image Field".*other name/);
		expect(fromApiResponse('check', 400, { errorCode: 1017 }).description).toMatch(/retake the selfie/);
		expect(fromApiResponse('checkLiveness', 400, { errorCode: 1009 }).description).toMatch(/photograph the ID document again/);
		expect(fromApiResponse('compare', 400, { errorCode: 1001 }).description).toMatch(/ARGOS dashboard/);
		expect(fromApiResponse('compare', 400, { errorCode: 1010 }).description).toMatch(/synchronous/);
		expect(fromApiResponse('checkLiveness', 400, { errorCode: 1007 }).description).toMatch(/at least one check/);
		expect(fromApiResponse('checkLiveness', 500, { errorCode: 1003 }).retryable).toBe(true);
		expect(fromApiResponse('check', 400, { errorCode: 1017 }).retryable).toBe(false);
	});

	it.each([
		[403, 'User is not authorized to access this resource with an explicit deny', 'ACCESS_DENIED', /IP allow-list/],
		[403, 'Forbidden', 'ACCESS_DENIED', /API key/],
		[413, 'Request Entity Too Large', 'REQUEST_TOO_LARGE', /smaller/],
		[500, 'Internal Server Error', 'SERVER_ERROR', /ARGOS side/],
		[502, 'Bad Gateway', 'SERVER_ERROR', /ARGOS side/],
	])('the gateway\'s HTTP %i "%s" (no errorCode) → %s', (status, message, code, hint) => {
		for (const operation of VERIFY_OPERATIONS) {
			const info = fromApiResponse(operation, status, { message });
			expect(info).toMatchObject({ code, httpStatus: status, apiMessage: message });
			expect(info.description).toMatch(hint);
		}
	});
});

describe('Face Liveness', () => {
	const body = (score: unknown) => ({ apiType: 'id_live_face', result: { liveness_score: score }, transactionId: 'e0nvom3caiis7' });

	it('reads the documented answer: passes at the threshold exactly, fails one below', () => {
		expect(normaliseLiveness(body(50), 50)).toEqual({ passed: true, score: 50, threshold: 50, transactionId: 'e0nvom3caiis7' });
		expect(normaliseLiveness(body(49), 50)).toEqual({ passed: false, score: 49, threshold: 50, transactionId: 'e0nvom3caiis7' });
		expect(normaliseLiveness(body(49.9), 50).passed).toBe(false);
		expect(normaliseLiveness(body(0), 0).passed).toBe(true);
		expect(normaliseLiveness(body(100), 100).passed).toBe(true);
	});

	it('tolerates a score sent as text or in camelCase', () => {
		expect(normaliseLiveness(body('95'), 50).score).toBe(95);
		expect(normaliseLiveness({ result: { livenessScore: 12 } }, 50)).toEqual({ passed: false, score: 12, threshold: 50 });
	});

	it.each([[{}], [{ result: {} }], [body('n/a')], [body(null)], [{ result: 'x' }]])('an answer without a score %j cannot be judged', (b) => {
		const error = thrown(() => normaliseLiveness(b, 50));
		expect(error.info.code).toBe('INVALID_RESPONSE');
		expect(error.info.message).toMatch(/without a liveness score/);
	});
});

describe('Face Compare', () => {
	const box = { Width: 0.3, Height: 0.4, Left: 0.2, Top: 0.1 };
	const current = (similarity: Record<string, unknown>) => ({
		apiType: 'compare_face',
		transactionId: 'tx1',
		result: {
			face: { isAvailable: true, boundingBox: box, confidence: 0.98 },
			targetFace: { isAvailable: true, boundingBox: { ...box, Left: 0.5 }, confidence: 0.97 },
			similarity,
		},
	});
	const legacy = (similarity: unknown, face: Record<string, unknown> = { isAvailable: true, boundingBox: box, confidence: 99.1 }) => ({
		result: {
			face,
			faceMatch: { isAvailable: true, boundingBox: { ...box, Top: 0.6 }, similarity, confidence: 98.2, landmarks: [], pose: { Roll: 1 } },
		},
	});

	it('reads the current answer: ARGOS\'s isMatch and threshold are reported; Min Similarity is the floor under them', () => {
		const out = normaliseCompare(current({ score: 0.854, threshold: 0.8, isMatch: true }), 0.8);
		expect(out).toEqual({
			passed: true,
			similarity: 0.854,
			threshold: 0.8,
			minSimilarity: 0.8,
			decidedBy: 'argos',
			similarityScale: 'fraction',
			scaleDecidedBy: 'answer',
			argos: { similarity: 0.854, threshold: 0.8, isMatch: true },
			responseShape: 'current',
			originFace: { detected: true, confidence: 0.98, boundingBox: { width: 0.3, height: 0.4, left: 0.2, top: 0.1 } },
			targetFace: { detected: true, confidence: 0.97, boundingBox: { width: 0.3, height: 0.4, left: 0.5, top: 0.1 } },
			transactionId: 'tx1',
		});
		// ARGOS's match does not lift a similarity below Min Similarity, and its "no" is never overruled.
		const floor = normaliseCompare(current({ score: 0.854, threshold: 0.8, isMatch: true }), 0.9);
		expect(floor.passed).toBe(false);
		expect(compareFailure(floor).info.message).toMatch(/isMatch: true with a similarity \(0.854\) below Min Similarity \(0.9\)/);
		expect(normaliseCompare(current({ score: 0.95, threshold: 0.99, isMatch: false }), 0.5).passed).toBe(false);
		// Both spellings must say yes; a verdict that is not plainly true is no.
		expect(normaliseCompare(current({ score: 0.95, threshold: 0.8, isMatch: true, is_match: false }), 0.5).passed).toBe(false);
		expect(normaliseCompare(current({ score: 0.95, threshold: 0.8, isMatch: 'yes' }), 0.5).passed).toBe(false);
	});

	it('isMatch: true passes only when nothing else in the answer speaks against it', () => {
		// A similarity below ARGOS's own threshold.
		const below = normaliseCompare(current({ score: 0.3, threshold: 0.8, isMatch: true }), 0.5);
		expect(below.passed).toBe(false);
		expect(compareFailure(below).info).toMatchObject({ code: 'FACES_DO_NOT_MATCH', message: expect.stringMatching(/isMatch: true with a similarity \(0.3\) below its own threshold \(0.8\)/) });
		// A similarity that is not a number.
		const text = normaliseCompare(current({ score: 'high', threshold: 0.8, isMatch: true }), 0.5);
		expect(text.passed).toBe(false);
		expect(compareFailure(text).info).toMatchObject({ code: 'INVALID_RESPONSE', message: 'ARGOS sent a similarity that is not a number ("high")' });
		// A face ARGOS says it did not find.
		const body = current({ score: 0.9, threshold: 0.8, isMatch: true });
		(body.result.targetFace as Record<string, unknown>).isAvailable = false;
		const noFace = normaliseCompare(body, 0.5);
		expect(noFace.passed).toBe(false);
		expect(compareFailure(noFace).info).toMatchObject({ code: 'FACE_NOT_DETECTED' });
		// And the control: the same answer without a contradiction passes.
		expect(normaliseCompare(current({ score: 0.9, threshold: 0.8, isMatch: true }), 0.5).passed).toBe(true);
	});

	it('without isMatch, Min Similarity decides: at the threshold passes, just below fails', () => {
		const at = normaliseCompare(current({ score: 0.8 }), 0.8);
		expect(at).toMatchObject({ passed: true, similarity: 0.8, threshold: 0.8, decidedBy: 'minSimilarity', argos: { similarity: 0.8 } });
		expect(normaliseCompare(current({ score: 0.79 }), 0.8).passed).toBe(false);
		expect(normaliseCompare(current({ score: '0.81', threshold: '0.8' }), 0.8)).toMatchObject({ passed: true, decidedBy: 'minSimilarity', argos: { threshold: '0.8' } });
	});

	it('reads the legacy answer (faceMatch) and normalises a 0–100 similarity to 0–1', () => {
		const out = normaliseCompare(legacy(85.4), 0.8);
		expect(out).toMatchObject({
			passed: true,
			similarity: 0.854,
			similarityScale: 'percent',
			scaleDecidedBy: 'answer',
			threshold: 0.8,
			decidedBy: 'minSimilarity',
			argos: { similarity: 85.4 },
			responseShape: 'legacy',
			originFace: { detected: true, confidence: 99.1, boundingBox: { width: 0.3, height: 0.4, left: 0.2, top: 0.1 } },
			targetFace: { detected: true, confidence: 98.2, boundingBox: { width: 0.3, height: 0.4, left: 0.2, top: 0.6 } },
		});
		expect(out.argos).not.toHaveProperty('isMatch');
		expect(normaliseCompare(legacy(80), 0.8).passed).toBe(true);
		expect(normaliseCompare(legacy(79.99), 0.8).passed).toBe(false);
		// Beside confidences of 99.1 and 98.2, 0.8 is 0.8 %: it used to be read as 0.8 and pass.
		expect(normaliseCompare(legacy(0.8), 0.8)).toMatchObject({ passed: false, similarity: 0.008, similarityScale: 'percent' });
		const onFractions = legacy(0.8, { isAvailable: true, boundingBox: box, confidence: 0.991 });
		onFractions.result.faceMatch.confidence = 0.982;
		expect(normaliseCompare(onFractions, 0.8)).toMatchObject({ passed: true, similarity: 0.8, similarityScale: 'fraction' });
	});

	it('toFraction: 0–1 stays, 0–100 is divided and rounded to six decimals', () => {
		expect(toFraction(0.9, 'fraction')).toBe(0.9);
		expect(toFraction(1, 'fraction')).toBe(1);
		expect(toFraction(1, 'percent')).toBe(0.01);
		expect(toFraction(0.9, 'percent')).toBe(0.009);
		expect(toFraction(72.5, 'percent')).toBe(0.725);
		expect(toFraction(85.4, 'percent')).toBe(0.854);
		expect(toFraction(100, 'percent')).toBe(1);
	});

	it('a face ARGOS did not find is FACE_NOT_DETECTED, naming the image', () => {
		const body = legacy(undefined);
		body.result.faceMatch.isAvailable = false;
		const out = normaliseCompare(body, 0.8);
		expect(out).toMatchObject({ passed: false, similarity: null, targetFace: { detected: false } });
		const error = compareFailure(out);
		expect(error.info).toMatchObject({ code: 'FACE_NOT_DETECTED', httpStatus: 200, retryable: false, targetFace: { detected: false } });
		expect(error.info.message).toMatch(/no usable face in the ID portrait$/);
		// Also when ARGOS still sends a score and a verdict for a side it found no face in.
		const withVerdict = current({ score: 0, threshold: 0.8, isMatch: false });
		withVerdict.result.face = { isAvailable: false } as never;
		const info = compareFailure(normaliseCompare(withVerdict, 0.8)).info;
		expect(info).toMatchObject({ code: 'FACE_NOT_DETECTED', similarity: 0, originFace: { detected: false, boundingBox: null } });
		expect(info.message).toMatch(/no usable face in the selfie$/);
	});

	it('a mismatch is FACES_DO_NOT_MATCH with the scores, from either decider', () => {
		const byMin = compareFailure(normaliseCompare(legacy(40), 0.8)).info;
		expect(byMin).toMatchObject({
			code: 'FACES_DO_NOT_MATCH',
			httpStatus: 200,
			retryable: false,
			outcomeUnknown: false,
			similarity: 0.4,
			threshold: 0.8,
			decidedBy: 'minSimilarity',
			argos: { similarity: 40 },
			responseShape: 'legacy',
		});
		expect(byMin.message).toBe('The two faces do not match (similarity 0.4, minimum 0.8)');
		const byArgos = compareFailure(normaliseCompare(current({ score: 0.85, threshold: 0.9, isMatch: false }), 0.8)).info;
		expect(byArgos).toMatchObject({ code: 'FACES_DO_NOT_MATCH', similarity: 0.85, threshold: 0.9, decidedBy: 'argos', transactionId: 'tx1' });
		expect(byArgos.message).toMatch(/judged by ARGOS/);
		expect(byArgos.description).toMatch(/same person/);
	});

	it('an answer with neither score nor verdict nor faces cannot be judged', () => {
		expect(thrown(() => normaliseCompare({ result: {} }, 0.8)).info.code).toBe('INVALID_RESPONSE');
		const noScore = normaliseCompare(current({}), 0.8);
		expect(compareFailure(noScore).info.code).toBe('INVALID_RESPONSE');
		// Also when nothing shows the scale: there is no similarity to put on one.
		expect(compareFailure(normaliseCompare({ result: { faceMatch: { isAvailable: true } } }, 0.8)).info.code).toBe('INVALID_RESPONSE');
	});
});

describe('Face Compare: the similarity scale is decided per answer, from every number in it', () => {
	const box = { Width: 0.3, Height: 0.4, Left: 0.2, Top: 0.1 };
	/** C-old's shape as ARGOS's older page shows it; `confidence: undefined` leaves a confidence out. */
	const old = (similarity: unknown, confidences: [unknown, unknown] = [99.1, 98.2]) => ({
		transactionId: 'tx3',
		result: {
			face: { isAvailable: true, boundingBox: box, ...(confidences[0] !== undefined && { confidence: confidences[0] }) },
			faceMatch: { isAvailable: true, boundingBox: box, similarity, ...(confidences[1] !== undefined && { confidence: confidences[1] }) },
		},
	});
	const current = (similarity: Record<string, unknown>, confidences: [unknown, unknown] = [0.98, 0.97]) => ({
		result: {
			face: { isAvailable: true, boundingBox: box, ...(confidences[0] !== undefined && { confidence: confidences[0] }) },
			targetFace: { isAvailable: true, boundingBox: box, ...(confidences[1] !== undefined && { confidence: confidences[1] }) },
			similarity,
		},
	});
	const none: [unknown, unknown] = [undefined, undefined];
	const failure = (body: object, option?: 'auto' | 'fraction' | 'percent', min = 0.8) => compareFailure(normaliseCompare(body as never, min, option)).info;

	it.each([
		[1, 0.01],
		[0.9, 0.009],
		[0.5, 0.005],
	])('old shape, confidences 90–99.9: similarity %d is a percentage (%d) and does not match', (similarity, fraction) => {
		const out = normaliseCompare(old(similarity), 0.8);
		expect(out).toMatchObject({ passed: false, similarity: fraction, similarityScale: 'percent', scaleDecidedBy: 'answer' });
		const info = compareFailure(out).info;
		expect(info).toMatchObject({ code: 'FACES_DO_NOT_MATCH', similarity: fraction, threshold: 0.8, similarityScale: 'percent', scaleDecidedBy: 'answer', argos: { similarity } });
		expect(info.message).toBe(`The two faces do not match (similarity ${fraction}, minimum 0.8)`);
	});

	it('old shape on 0–100: a genuine 85 passes as 0.85; 80 is exactly the minimum', () => {
		expect(normaliseCompare(old(85), 0.8)).toMatchObject({ passed: true, similarity: 0.85, similarityScale: 'percent', scaleDecidedBy: 'answer', argos: { similarity: 85 } });
		expect(normaliseCompare(old(80), 0.8)).toMatchObject({ passed: true, similarity: 0.8 });
		// A similarity above 1 shows 0–100 by itself, without any confidence.
		expect(normaliseCompare(old(85, none), 0.8)).toMatchObject({ passed: true, similarity: 0.85, similarityScale: 'percent' });
	});

	it('old shape on 0–1 (confidences below 1): 0.9 passes, 0.79 fails, 1 is a perfect match', () => {
		const fractions: [number, number] = [0.991, 0.982];
		expect(normaliseCompare(old(0.9, fractions), 0.8)).toMatchObject({ passed: true, similarity: 0.9, similarityScale: 'fraction', scaleDecidedBy: 'answer' });
		expect(compareFailure(normaliseCompare(old(0.79, fractions), 0.8)).info).toMatchObject({ code: 'FACES_DO_NOT_MATCH', similarity: 0.79, similarityScale: 'fraction' });
		expect(normaliseCompare(old(1, fractions), 0.8)).toMatchObject({ passed: true, similarity: 1 });
		// One confidence is enough; the other may be missing or exactly 1.
		expect(normaliseCompare(old(0.9, [0.95, undefined]), 0.8)).toMatchObject({ passed: true, similarityScale: 'fraction' });
		expect(normaliseCompare(old(0.9, [1, 0.95]), 0.8)).toMatchObject({ passed: true, similarityScale: 'fraction' });
	});

	it('current shape: the threshold shows the scale when the confidences are missing', () => {
		expect(normaliseCompare(current({ score: 0.85, threshold: 0.8, isMatch: true }, none), 0.8)).toMatchObject({ passed: true, similarity: 0.85, threshold: 0.8, similarityScale: 'fraction' });
		expect(normaliseCompare(current({ score: 85, threshold: 80, isMatch: true }, none), 0.8)).toMatchObject({ passed: true, similarity: 0.85, threshold: 0.8, similarityScale: 'percent' });
		// A threshold of 80 makes 0.9 a percentage: ARGOS's own verdict still decides, on numbers read right.
		expect(normaliseCompare(current({ score: 0.9, threshold: 80, isMatch: false }, none), 0.5)).toMatchObject({ passed: false, similarity: 0.009, threshold: 0.8 });
	});

	it.each([
		['a 0–1 confidence beside a 0–100 one', old(0.9, [0.98, 99]), 'face.confidence 0.98 (only fits 0–1), faceMatch.confidence 99 (only fits 0–100)'],
		['a similarity above 1 beside 0–1 confidences', old(85, [0.98, 0.97]), 'faceMatch.similarity 85 (only fits 0–100), face.confidence 0.98 (only fits 0–1)'],
		['a 0–1 threshold beside a similarity above 1', current({ score: 85, threshold: 0.8, isMatch: true }, none), 'similarity.score 85 (only fits 0–100), similarity.threshold 0.8 (only fits 0–1)'],
		['0–100 confidences beside a 0–1 threshold', current({ score: 0.9, threshold: 0.8, isMatch: true }, [99, 98]), 'similarity.threshold 0.8 (only fits 0–1), face.confidence 99 (only fits 0–100)'],
	])('mixed votes (%s) → SIMILARITY_SCALE_UNKNOWN, also when ARGOS said isMatch', (_label, body, quoted) => {
		const out = normaliseCompare(body, 0.8);
		expect(out).toMatchObject({ passed: false, similarity: null, similarityScale: null, scaleDecidedBy: 'answer' });
		const info = compareFailure(out).info;
		expect(info).toMatchObject({ code: 'SIMILARITY_SCALE_UNKNOWN', httpStatus: 200, retryable: false, outcomeUnknown: false, similarityScale: null });
		expect(info).not.toHaveProperty('applicantMessage');
		expect(info.message).toMatch(/^Cannot tell whether ARGOS's similarity is on a 0–1 or a 0–100 scale: its numbers point both ways \(/);
		for (const part of quoted.split(', ')) expect(info.message).toContain(part);
		expect(info.description).toMatch(/Options → "Similarity Scale"/);
	});

	it.each([
		['a bare similarity', { result: { similarity: 0.9 } }, 'similarity 0.9'],
		['the old shape without confidences', old(0.9, none), 'faceMatch.similarity 0.9'],
		['confidences of exactly 1 and 0', old(0.9, [1, 0]), 'faceMatch.similarity 0.9, face.confidence 1, faceMatch.confidence 0'],
		['a similarity of exactly 1', old(1, none), 'faceMatch.similarity 1'],
		['a similarity of 0', old(0, none), 'faceMatch.similarity 0'],
		['a verdict with a threshold of 1', current({ score: 0.95, threshold: 1, isMatch: true }, none), 'similarity.score 0.95, similarity.threshold 1'],
	])('only values that read on both scales (%s) → SIMILARITY_SCALE_UNKNOWN naming them', (_label, body, seen) => {
		const info = failure(body);
		expect(info).toMatchObject({ code: 'SIMILARITY_SCALE_UNKNOWN', httpStatus: 200, retryable: false, similarity: null, similarityScale: null, scaleDecidedBy: 'answer' });
		expect(info.message).toBe(`Cannot tell whether ARGOS's similarity is on a 0–1 or a 0–100 scale: nothing else in the answer shows it (${seen})`);
		expect(info.description).toMatch(/0\.9 means 90 % on one scale and 0\.9 % on the other/);
		expect(info.description).toMatch(/set Options → "Similarity Scale" to 0–1 or 0–100/);
		expect(info).not.toHaveProperty('applicantMessage');
	});

	it('a verdict without a score never passes, pinned scale or not: there is nothing to hold it to', () => {
		const verdictOnly = current({ isMatch: true }, none);
		expect(failure(verdictOnly)).toMatchObject({ code: 'INVALID_RESPONSE', message: 'ARGOS answered with a verdict but without a similarity score to hold it to' });
		expect(normaliseCompare(verdictOnly, 0.8, 'fraction')).toMatchObject({ passed: false, similarity: null, decidedBy: 'argos' });
	});

	it('the failed item keeps what ARGOS sent and the numbers the scale was read from', () => {
		const info = failure(old(0.9, none));
		expect(info).toMatchObject({ scaleEvidence: { 'faceMatch.similarity': 0.9 }, argos: { similarity: 0.9 }, responseShape: 'legacy', transactionId: 'tx3', targetFace: { detected: true } });
	});

	it('a face ARGOS did not detect is still FACE_NOT_DETECTED first, whatever the scale', () => {
		const body = old(0, none);
		body.result.faceMatch.isAvailable = false;
		expect(failure(body)).toMatchObject({ code: 'FACE_NOT_DETECTED', similarityScale: null });
		const mixed = old(0, [0.98, 99]);
		mixed.result.face.isAvailable = false;
		expect(failure(mixed).code).toBe('FACE_NOT_DETECTED');
	});

	it.each([
		['a negative similarity', old(-0.1), 'faceMatch.similarity -0.1 (outside 0–100)'],
		['a similarity over 100', old(100.5), 'faceMatch.similarity 100.5 (outside 0–100)'],
		['a confidence over 100', old(0.9, [150, 0.97]), 'face.confidence 150 (outside 0–100)'],
		['a negative confidence', old(85, [-1, 99]), 'face.confidence -1 (outside 0–100)'],
		['a threshold over 100', current({ score: 0.9, threshold: 800, isMatch: true }), 'similarity.threshold 800 (outside 0–100)'],
	])('%s fits no scale → SIMILARITY_SCALE_UNKNOWN, even with a verdict or a pinned scale', (_label, body, quoted) => {
		for (const option of ['auto', 'fraction', 'percent'] as const) {
			const out = normaliseCompare(body, 0.8, option);
			expect(out.passed).toBe(false);
			const info = compareFailure(out).info;
			expect(info).toMatchObject({ code: 'SIMILARITY_SCALE_UNKNOWN', retryable: false, similarity: null });
			expect(info.message).toMatch(/^ARGOS's answer has a number outside 0–100, which fits neither scale \(/);
			expect(info.message).toContain(quoted);
			expect(info.description).toMatch(/cannot fix this/);
		}
	});

	describe('with Similarity Scale pinned', () => {
		it('0–1: an undecidable 0.9 passes; the 0–100 confidences do not overrule it', () => {
			expect(normaliseCompare(old(0.9, none), 0.8, 'fraction')).toMatchObject({ passed: true, similarity: 0.9, similarityScale: 'fraction', scaleDecidedBy: 'pinned' });
			expect(normaliseCompare(old(0.9), 0.8, 'fraction')).toMatchObject({ passed: true, similarity: 0.9, scaleDecidedBy: 'pinned' });
			expect(failure(old(0.79, none), 'fraction')).toMatchObject({ code: 'FACES_DO_NOT_MATCH', similarity: 0.79, similarityScale: 'fraction', scaleDecidedBy: 'pinned' });
		});

		it('0–100: 0.9 is 0.9 %, 85 passes, and a 0–1 threshold or confidence does not overrule it', () => {
			expect(failure(old(0.9, none), 'percent')).toMatchObject({ code: 'FACES_DO_NOT_MATCH', similarity: 0.009, similarityScale: 'percent', scaleDecidedBy: 'pinned' });
			expect(normaliseCompare(old(85, [0.98, 0.97]), 0.8, 'percent')).toMatchObject({ passed: true, similarity: 0.85, scaleDecidedBy: 'pinned' });
			expect(normaliseCompare(current({ score: 90, threshold: 0.8, isMatch: true }, none), 0.8, 'percent')).toMatchObject({ passed: true, similarity: 0.9, threshold: 0.008 });
		});

		it.each([
			['a similarity of 85', old(85), 'faceMatch.similarity 85 (not on 0–1)'],
			['a threshold of 80', current({ score: 0.9, threshold: 80, isMatch: true }, none), 'similarity.threshold 80 (not on 0–1)'],
		])('0–1 and %s: the answer does not fit the pinned scale → SIMILARITY_SCALE_UNKNOWN', (_label, body, quoted) => {
			const out = normaliseCompare(body, 0.8, 'fraction');
			expect(out).toMatchObject({ passed: false, similarity: null, similarityScale: 'fraction', scaleDecidedBy: 'pinned' });
			const info = compareFailure(out).info;
			expect(info).toMatchObject({ code: 'SIMILARITY_SCALE_UNKNOWN', httpStatus: 200, retryable: false, similarityScale: 'fraction', scaleDecidedBy: 'pinned' });
			expect(info.message).toMatch(/^ARGOS's answer does not fit the pinned 0–1 scale \(/);
			expect(info.message).toContain(quoted);
			expect(info.description).toMatch(/Options → "Similarity Scale" is set to 0–1.*Auto/);
		});
	});

	describe('decideScale', () => {
		const n = (kind: AnswerNumber['kind'], value: number): AnswerNumber => ({ field: kind, value, kind });
		it.each([
			['nothing at all', null, []],
			['similarity 0.9 alone', null, [n('similarity', 0.9)]],
			['similarity 1.5 alone', 'percent', [n('similarity', 1.5)]],
			['similarity 100 alone', 'percent', [n('similarity', 100)]],
			['confidence 0.5', 'fraction', [n('similarity', 0.9), n('confidence', 0.5)]],
			['confidence 1 and 0', null, [n('similarity', 0.9), n('confidence', 1), n('confidence', 0)]],
			['confidence 1.01', 'percent', [n('similarity', 0.9), n('confidence', 1.01)]],
			['threshold 0.8', 'fraction', [n('similarity', 1), n('threshold', 0.8)]],
			['threshold 80', 'percent', [n('similarity', 1), n('threshold', 80)]],
			['threshold 0.8 and confidence 97', null, [n('threshold', 0.8), n('confidence', 97)]],
			['all agreeing on 0–100', 'percent', [n('similarity', 0.9), n('threshold', 80), n('confidence', 99), n('confidence', 98)]],
		] as Array<[string, string | null, AnswerNumber[]]>)('%s → %s', (_label, scale, numbers) => {
			const decision = decideScale(numbers, 'auto');
			expect(decision.scale).toBe(scale);
			expect(decision.decidedBy).toBe('answer');
		});

		it('names the cause: notShown, contradicts, outOfRange, notPinnedScale', () => {
			expect(decideScale([n('similarity', 0.9)], 'auto')).toMatchObject({ problem: 'notShown', misfits: [] });
			expect(decideScale([n('threshold', 0.8), n('confidence', 97)], 'auto')).toMatchObject({ problem: 'contradicts' });
			expect(decideScale([n('similarity', 0.9), n('confidence', 100.01)], 'percent')).toMatchObject({ problem: 'outOfRange', pinned: 'percent', misfits: [n('confidence', 100.01)] });
			expect(decideScale([n('similarity', 0.9), n('confidence', 99)], 'fraction')).toEqual({ scale: 'fraction', decidedBy: 'pinned' });
			expect(decideScale([n('similarity', 1.2), n('confidence', 0.9)], 'fraction')).toMatchObject({ problem: 'notPinnedScale', pinned: 'fraction', misfits: [n('similarity', 1.2)] });
		});
	});
});

describe('ID Document', () => {
	const body = (scores: Record<string, unknown>) => ({
		apiType: 'id_live_doc',
		transactionId: 'tx2',
		result: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, { liveness_score: v }])),
	});
	const all = ['sr', 'pc', 'ps'] as const;

	it('every chosen pipeline at the threshold passes; one point below fails and is named', () => {
		const pass = normaliseDocument(body({ screenReplay: 61, paperPrinted: 88, replacePortraits: 97 }), [...all], 61);
		expect(pass).toEqual({
			passed: true,
			threshold: 61,
			scores: { screenReplay: 61, paperPrinted: 88, replacePortraits: 97 },
			failedPipelines: [],
			transactionId: 'tx2',
		});
		const fail = normaliseDocument(body({ screenReplay: 60, paperPrinted: 88, replacePortraits: 12 }), [...all], 61);
		expect(fail).toMatchObject({ passed: false, failedPipelines: ['screenReplay', 'replacePortraits'] });
	});

	it('judges only the chosen pipelines and keeps engineVersion', () => {
		const out = normaliseDocument({ ...body({ paperPrinted: 70, screenReplay: 5 }), engineVersion: '2.1' }, ['pc'], 61);
		expect(out).toEqual({ passed: true, threshold: 61, scores: { paperPrinted: 70 }, failedPipelines: [], transactionId: 'tx2', engineVersion: '2.1' });
	});

	it('a chosen pipeline without a score cannot be judged', () => {
		const error = thrown(() => normaliseDocument(body({ screenReplay: 90 }), ['sr', 'ps'], 61));
		expect(error.info.code).toBe('INVALID_RESPONSE');
		expect(error.info.message).toMatch(/replacePortraits$/);
	});

	it('reads pipelines from the picker or an expression, refusing unknown names', () => {
		expect(readPipelines(['ps', 'sr'])).toEqual(['sr', 'ps']);
		expect(readPipelines('pc, sr')).toEqual(['sr', 'pc']);
		expect(readPipelines([])).toEqual([]);
		expect(readPipelines(['sr', 'xx'])).toBeUndefined();
		expect(readPipelines({ sr: true })).toBeUndefined();
		expect(readPipelines(42)).toBeUndefined();
	});
});
