/**
 * applicantMessage: present exactly where the person who submitted the photo can fix the cause, and then
 * one plain sentence without codes or internals. Checked for every code the error table knows.
 */
import {
	API_ERRORS,
	fromApiResponse,
	invalidResponse,
	localError,
	LOCAL_ERRORS,
	networkError,
	outcomeUnknown,
} from '../../nodes/shared/errors';
import { documentSuspected, faceNotDetected, facesDoNotMatch, livenessBelowThreshold, similarityScaleUnknown } from '../../nodes/shared/errors/verify';
import type { OperationName } from '../../nodes/shared/helpers/interfaces';

const OPERATIONS: OperationName[] = ['add', 'search', 'getAll', 'deleteFace', 'check', 'compare', 'checkLiveness'];

/** The applicant can fix these: liveness (retake), size, format; 6032 is "no valid face image" except on delete. */
const APPLICANT_API = new Map<number, RegExp>([
	[6015, /retake|new one/i],
	[6035, /retake|new one/i],
	[6016, /smaller/],
	[6036, /smaller/],
	[6017, /JPEG, PNG or WebP/],
	[6037, /JPEG, PNG or WebP/],
	[6032, /face/],
	// Verify: no face measurable in the selfie; the ID document could not be read.
	[1017, /face/],
	[1009, /ID document/],
]);

const LOCAL_SAMPLES: Record<keyof typeof LOCAL_ERRORS, { details: unknown; applicant: RegExp | undefined }> = {
	IMAGE_MISSING: { details: { property: 'data', available: [] }, applicant: /attach a photo/ },
	IMAGE_AMBIGUOUS: { details: { parameter: 'Input Binary Field', property: 'data', candidates: ['Selfie_0', 'Selfie_1'] }, applicant: /exactly one photo/ },
	IMAGE_SAME_FILE: { details: {}, applicant: /same file twice/ },
	IMAGE_EMPTY: { details: undefined, applicant: /arrived empty/ },
	IMAGE_DOWNLOADED_AGAIN: { details: { kept: 'selfie', source: 'Image Source', label: 'Input Binary Field' }, applicant: undefined },
	ENROLLED_UNDER_ANOTHER_NAME: { details: { matches: 1 }, applicant: undefined },
	DELETE_NOT_CONFIRMED: { details: { faceId: 'face_1' }, applicant: undefined },
	IMAGE_INVALID_BASE64: { details: undefined, applicant: undefined },
	IMAGE_UNSUPPORTED_FORMAT: { details: { detected: 'HEIC' }, applicant: /JPEG, PNG or WebP/ },
	IMAGE_CORRUPT: { details: { format: 'JPEG', problem: 'cut' }, applicant: /did not arrive complete/ },
	IMAGE_TOO_LARGE: { details: { bytes: 11 * 1048576, maxMb: 10 }, applicant: /smaller/ },
	IMAGE_URL_INVALID: { details: { reason: 'is not a valid address' }, applicant: undefined },
	IMAGE_URL_REFUSED: { details: undefined, applicant: undefined },
	IMAGE_DOWNLOAD_FAILED: { details: { host: 'files.example', status: 404 }, applicant: undefined },
	TERM_TOO_SHORT: { details: { term: 'abc' }, applicant: undefined },
	PARAMETER_MISSING: { details: { parameter: 'Collection ID' }, applicant: undefined },
	INVALID_INPUT: { details: { reason: 'bad expression' }, applicant: undefined },
	BASE_URL_INVALID: { details: { baseUrl: 'nope' }, applicant: undefined },
	BASE_URL_INSECURE: { details: { baseUrl: 'http://example.com' }, applicant: undefined },
	CANCELLED: { details: undefined, applicant: undefined },
	PARAMETER_INVALID: { details: { parameter: 'Limit', expected: 'a whole number 1 or more', got: '-5', itemIndex: 0 }, applicant: undefined },
	LIST_NOT_ENDING: { details: { pages: 3, reason: 'a full page brought no new face' }, applicant: undefined },
	// ID Check: about the project, the request or ARGOS's answer, never the applicant's to fix.
	ENCRYPTED_ANSWER: { details: undefined, applicant: undefined },
	SUBMISSION_NOT_FOUND: { details: { submissionId: 'sub-1' }, applicant: undefined },
	SUBMISSION_DELETE_NOT_CONFIRMED: { details: { submissionId: 'sub-1' }, applicant: undefined },
	NOTHING_TO_UPDATE: { details: undefined, applicant: undefined },
	SUBMISSION_IMAGE_UNREADABLE: { details: { type: 'Selfie', problem: 'it is a PDF document' }, applicant: undefined },
	NOT_FOR_AI_AGENTS: { details: { operation: 'Review' }, applicant: undefined },
};

/** One sentence, for a person: no error codes, no HTTP, no node or API vocabulary. */
function expectPlainSentence(text: string | undefined) {
	expect(typeof text).toBe('string');
	expect(text!.length).toBeGreaterThan(20);
	expect(text!.length).toBeLessThan(220);
	expect(text).toMatch(/^[A-Z].*\.$/);
	expect(text!.slice(0, -1)).not.toMatch(/[.!?]\s/);
	expect(text).not.toMatch(/\d{4}|HTTP|ARGOS|API|base64|binary|node|workflow|collection|errorCode|[A-Z]{2,}_[A-Z]/);
}

describe('applicantMessage in the error table', () => {
	it.each(Object.keys(API_ERRORS).map(Number))('ARGOS %i: present only where the applicant can fix it', (code) => {
		for (const operation of OPERATIONS) {
			const info = fromApiResponse(operation, 400, { errorCode: code, message: 'api text' });
			const expected = code === 6032 && operation === 'deleteFace' ? undefined : APPLICANT_API.get(code);
			if (expected) {
				expectPlainSentence(info.applicantMessage);
				expect(info.applicantMessage).toMatch(expected);
			} else {
				expect(info).not.toHaveProperty('applicantMessage');
			}
		}
	});

	it.each(Object.keys(LOCAL_SAMPLES) as Array<keyof typeof LOCAL_ERRORS>)('local %s', (code) => {
		const { details, applicant } = LOCAL_SAMPLES[code];
		const info = localError(code, details as never).info;
		if (applicant) {
			expectPlainSentence(info.applicantMessage);
			expect(info.applicantMessage).toMatch(applicant);
		} else {
			expect(info).not.toHaveProperty('applicantMessage');
		}
	});

	it('every check that ran and did not pass tells the applicant what to send instead', () => {
		const outcomes = [
			[livenessBelowThreshold({ score: 9, threshold: 50 }), /new one/],
			[facesDoNotMatch({ similarity: 0.05, threshold: 0.8, decidedBy: 'argos', details: {} }), /same person/],
			[faceNotDetected({ images: ['selfie'], details: {} }), /face/],
			[documentSuspected({ failed: [{ pipeline: 'screenReplay', score: 11 }], threshold: 61, details: {} }), /original card/],
		] as const;
		for (const [info, expected] of outcomes) {
			expectPlainSentence(info.applicantMessage);
			expect(info.applicantMessage).toMatch(expected);
		}
	});

	it('a similarity scale the node cannot tell is not the applicant\'s to fix: another photo would not change it', () => {
		for (const problem of ['notShown', 'contradicts', 'outOfRange', 'notPinnedScale'] as const) {
			const info = similarityScaleUnknown({ problem, numbers: [{ field: 'faceMatch.similarity', value: 0.9 }], misfits: [], pinned: '0–1', details: {} });
			expect(info).toMatchObject({ code: 'SIMILARITY_SCALE_UNKNOWN', httpStatus: 200, retryable: false });
			expect(info).not.toHaveProperty('applicantMessage');
		}
	});

	it('covers every local code', () => {
		expect(Object.keys(LOCAL_SAMPLES).sort()).toEqual(Object.keys(LOCAL_ERRORS).sort());
	});

	it('a wrong property name is not the applicant\'s to fix; no file at all may be', () => {
		expect(localError('IMAGE_MISSING', { property: 'data', available: ['Photo'] }).info).not.toHaveProperty('applicantMessage');
		expect(localError('IMAGE_MISSING', { property: 'data', available: [] }).info.applicantMessage).toMatch(/attach a photo/);
	});

	it('HTTP answers without a code: only the gateway\'s 413 is about the photo', () => {
		for (const status of [401, 403, 404, 409, 429, 500, 502, 503, 504]) expect(fromApiResponse('add', status, undefined)).not.toHaveProperty('applicantMessage');
		const tooLarge = fromApiResponse('add', 413, undefined);
		expectPlainSentence(tooLarge.applicantMessage);
		expect(tooLarge.applicantMessage).toMatch(/smaller/);
	});

	it('network, key and response problems carry none, also when the outcome is unknown', () => {
		for (const kind of ['TIMEOUT', 'CONNECTION_RESET', 'NETWORK_ERROR'] as const) {
			expect(networkError(kind, 'ECONNRESET', 30)).not.toHaveProperty('applicantMessage');
			expect(outcomeUnknown(networkError(kind, 'ECONNRESET', 30))).not.toHaveProperty('applicantMessage');
		}
		expect(invalidResponse(200)).not.toHaveProperty('applicantMessage');
		expect(fromApiResponse('add', 403, { errorCode: 6040 })).not.toHaveProperty('applicantMessage');
	});
});
