import {
	API_ERRORS,
	fromApiResponse,
	invalidResponse,
	localError,
	LOCAL_ERRORS,
	networkError,
	outcomeUnknown,
	parseErrorCode,
} from '../../nodes/shared/errors';
import type { OperationName } from '../../nodes/shared/helpers/interfaces';

const OPERATIONS: OperationName[] = ['add', 'search', 'getAll', 'deleteFace'];

describe('error table', () => {
	it('has an entry for every documented code 6010–6040', () => {
		for (let code = 6010; code <= 6040; code++) expect(API_ERRORS[code]).toBeDefined();
	});

	it.each(Array.from({ length: 31 }, (_, i) => 6010 + i))('code %i gives a message, an actionable description and the API text', (code) => {
		for (const operation of OPERATIONS) {
			const info = fromApiResponse(operation, 400, { errorCode: code, message: `api says ${code}` });
			expect(info.code).toBe(code);
			expect(info.httpStatus).toBe(400);
			expect(info.message).toContain(`ARGOS ${code}: api says ${code}`);
			expect(info.apiMessage).toBe(`api says ${code}`);
			expect(info.description.length).toBeGreaterThan(30);
			expect(info.outcomeUnknown).toBe(false);
		}
	});

	it('reads errorCode sent as a string the same as a number', () => {
		const asString = fromApiResponse('deleteFace', 400, { errorCode: '6022', message: 'The face Id is not exist' });
		const asNumber = fromApiResponse('deleteFace', 400, { errorCode: 6022, message: 'The face Id is not exist' });
		expect(asString).toEqual(asNumber);
		expect(asString.code).toBe(6022);
		expect(asString.message).toMatch(/^Face not found in this collection/);
		expect(parseErrorCode(' 6040 ')).toBe(6040);
		expect(parseErrorCode('E_WEIRD')).toBe('E_WEIRD');
		expect(parseErrorCode('')).toBeUndefined();
	});

	it('gives delete its own meaning where the KO delete page reuses search codes', () => {
		expect(fromApiResponse('search', 400, { errorCode: 6031 }).message).toMatch(/^Request Name is missing/);
		expect(fromApiResponse('deleteFace', 400, { errorCode: 6031 }).message).toMatch(/^Face ID is missing/);
		expect(fromApiResponse('search', 400, { errorCode: 6032 }).message).toMatch(/valid face image/);
		expect(fromApiResponse('deleteFace', 400, { errorCode: 6032 }).message).toMatch(/^Collection not found/);
		expect(fromApiResponse('deleteFace', 400, { errorCode: 6012 }).message).toMatch(/delete the face/);
		expect(fromApiResponse('add', 400, { errorCode: 6012 }).message).toMatch(/add the face/);
	});

	it('tells a non-developer what to do for the common onboarding failures', () => {
		expect(fromApiResponse('add', 400, { errorCode: 6015 }).description).toMatch(/retake the selfie/);
		expect(fromApiResponse('add', 400, { errorCode: 6013 }).description).toMatch(/Collection ID again from the ARGOS dashboard/);
		expect(fromApiResponse('add', 403, { errorCode: 6040 }).description).toMatch(/API key again/);
		expect(fromApiResponse('add', 400, { errorCode: 6016 }).description).toMatch(/smaller/);
	});

	it('keeps the API message for codes it does not know', () => {
		const info = fromApiResponse('add', 400, { errorCode: 7001, message: 'Quota exceeded' });
		expect(info.code).toBe(7001);
		expect(info.message).toBe('ARGOS error 7001 (ARGOS 7001: Quota exceeded)');
		expect(info.apiMessage).toBe('Quota exceeded');
	});

	it.each([
		[400, 'REQUEST_REJECTED', false],
		[401, 'ACCESS_DENIED', false],
		[403, 'ACCESS_DENIED', false],
		[404, 'ENDPOINT_NOT_FOUND', false],
		[413, 'REQUEST_TOO_LARGE', false],
		[429, 'RATE_LIMITED', true],
		[500, 'SERVER_ERROR', true],
		[502, 'SERVER_ERROR', true],
		[503, 'SERVICE_UNAVAILABLE', true],
		[504, 'SERVER_ERROR', true],
	])('HTTP %i without an errorCode (HTML or empty body) → %s', (status, code, retryable) => {
		const info = fromApiResponse('search', status, undefined);
		expect(info).toMatchObject({ code, httpStatus: status, retryable });
		expect(info.message).toContain(String(status));
		expect(info.description.length).toBeGreaterThan(20);
	});

	it('describes non-JSON 2xx answers, network failures and lost writes', () => {
		expect(invalidResponse(200)).toMatchObject({ code: 'INVALID_RESPONSE', httpStatus: 200, retryable: true });
		expect(networkError('TIMEOUT', 'ETIMEDOUT', 30).message).toBe('ARGOS did not answer within 30 s');
		expect(networkError('NETWORK_ERROR', 'ECONNREFUSED', 30).message).toBe('Could not reach ARGOS (ECONNREFUSED)');
		const lost = outcomeUnknown(networkError('CONNECTION_RESET', 'ECONNRESET', 30));
		expect(lost.outcomeUnknown).toBe(true);
		expect(lost.description).toMatch(/may have been added anyway/);
	});

	it('has a message and description for every local code', () => {
		const samples: Record<string, unknown> = {
			IMAGE_MISSING: { property: 'photo', available: ['data'] },
			IMAGE_UNSUPPORTED_FORMAT: { detected: 'HEIC' },
			IMAGE_TOO_LARGE: { bytes: 12 * 1048576, maxMb: 10 },
			IMAGE_AMBIGUOUS: { parameter: 'Input Binary Field', property: 'data', candidates: ['Selfie_0', 'Selfie_1'] },
			IMAGE_CORRUPT: { format: 'JPEG', problem: 'it ends before its end-of-image marker' },
			IMAGE_URL_INVALID: { reason: 'is not a valid address' },
			IMAGE_DOWNLOAD_FAILED: { host: 'files.example', status: 404 },
			TERM_TOO_SHORT: { term: 'abc' },
			PARAMETER_MISSING: { parameter: 'Collection ID' },
			PARAMETER_INVALID: { parameter: 'Limit', expected: 'a whole number 1 or more', got: '-5', itemIndex: 2 },
			INVALID_INPUT: { reason: 'bad expression' },
			BASE_URL_INVALID: { baseUrl: 'nope' },
			BASE_URL_INSECURE: { baseUrl: 'http://example.com' },
			LIST_NOT_ENDING: { pages: 2, reason: 'page 2 repeated faces already listed' },
			IMAGE_DOWNLOADED_AGAIN: { kept: 'selfie', source: 'Image Source', label: 'Input Binary Field' },
			ENROLLED_UNDER_ANOTHER_NAME: { matches: 2 },
			DELETE_NOT_CONFIRMED: { faceId: 'face_1' },
			SUBMISSION_NOT_FOUND: { submissionId: 'sub-1' },
			SUBMISSION_DELETE_NOT_CONFIRMED: { submissionId: 'sub-1' },
			SUBMISSION_IMAGE_UNREADABLE: { type: 'Selfie', problem: 'it is a PDF document' },
			NOT_FOR_AI_AGENTS: { operation: 'Review' },
		};
		for (const code of Object.keys(LOCAL_ERRORS) as Array<keyof typeof LOCAL_ERRORS>) {
			const error = localError(code, samples[code] as never);
			expect(error.info.code).toBe(code);
			expect(error.info.message.length).toBeGreaterThan(5);
			expect(error.info.description.length).toBeGreaterThan(15);
		}
		expect(localError('IMAGE_MISSING', { property: 'photo', available: ['data', 'selfie'] }).info.description).toContain(
			'data, selfie',
		);
		expect(localError('IMAGE_TOO_LARGE', { bytes: 12 * 1048576, maxMb: 10 }).info.message).toBe(
			'The image is 12.0 MB, over the 10 MB limit',
		);
		expect(localError('BASE_URL_INSECURE', { baseUrl: 'http://x' }).fatal).toBe(true);
		expect(localError('IMAGE_EMPTY', undefined).fatal).toBe(false);
	});
});
