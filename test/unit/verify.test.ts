/** The verify checks' response normalisation, pass/fail decisions and error texts, without HTTP. */
import { compareFailure, normaliseCompare, toFraction } from '../../nodes/ArgosFaces/actions/faceCompare/compare.operation';
import { normaliseLiveness } from '../../nodes/ArgosFaces/actions/faceLiveness/check.operation';
import { normaliseDocument, readPipelines } from '../../nodes/ArgosFaces/actions/idDocument/checkLiveness.operation';
import { API_ERRORS, FaceError, fromApiResponse } from '../../nodes/ArgosFaces/errors';
import { FACE_ID_ERRORS } from '../../nodes/ArgosFaces/errors/faceId';
import { VERIFY_ERRORS } from '../../nodes/ArgosFaces/errors/verify';
import type { OperationName } from '../../nodes/ArgosFaces/helpers/interfaces';

const VERIFY_OPERATIONS: OperationName[] = ['check', 'compare', 'checkLiveness'];
const DOCUMENTED = [1000, 1001, 1003, 1005, 1007, 1008, 1009, 1010, 1016, 1017];

function thrown(fn: () => unknown): FaceError {
	try {
		fn();
	} catch (error) {
		if (error instanceof FaceError) return error;
		throw error;
	}
	throw new Error('expected a FaceError');
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

	it('reads the current answer: ARGOS\'s isMatch decides and its threshold is reported', () => {
		const out = normaliseCompare(current({ score: 0.854, threshold: 0.8, isMatch: true }), 0.9);
		expect(out).toEqual({
			passed: true,
			similarity: 0.854,
			threshold: 0.8,
			decidedBy: 'argos',
			argos: { similarity: 0.854, threshold: 0.8, isMatch: true },
			responseShape: 'current',
			originFace: { detected: true, confidence: 0.98, boundingBox: { width: 0.3, height: 0.4, left: 0.2, top: 0.1 } },
			targetFace: { detected: true, confidence: 0.97, boundingBox: { width: 0.3, height: 0.4, left: 0.5, top: 0.1 } },
			transactionId: 'tx1',
		});
		// isMatch wins over Min Similarity both ways.
		expect(normaliseCompare(current({ score: 0.95, threshold: 0.99, isMatch: false }), 0.5).passed).toBe(false);
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
		expect(normaliseCompare(legacy(0.8), 0.8)).toMatchObject({ passed: true, similarity: 0.8 });
	});

	it('scales: fractions stay, percentages are divided, nonsense is no score', () => {
		expect(toFraction(1)).toBe(1);
		expect(toFraction(0)).toBe(0);
		expect(toFraction(100)).toBe(1);
		expect(toFraction('72.5')).toBe(0.725);
		for (const bad of [-0.1, 100.5, 'high', null, undefined, {}, NaN]) expect(toFraction(bad)).toBeUndefined();
	});

	it('a face ARGOS did not find is FACE_NOT_DETECTED, naming the image', () => {
		const body = legacy(undefined);
		body.result.faceMatch.isAvailable = false;
		const out = normaliseCompare(body, 0.8);
		expect(out).toMatchObject({ passed: false, similarity: null, targetFace: { detected: false } });
		const error = compareFailure(out);
		expect(error.info).toMatchObject({ code: 'FACE_NOT_DETECTED', httpStatus: 200, retryable: false, targetFace: { detected: false } });
		expect(error.info.message).toMatch(/no usable face in the ID portrait$/);
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
