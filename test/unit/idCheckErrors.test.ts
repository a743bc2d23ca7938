/** idCheckError: ARGOS ID Check's sentence errors, in their four body shapes, to our codes. */
import { idCheckError } from '../../nodes/shared/errors/idCheck';

const slug = (m: string) => m.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
/** The four documented shapes (argos-idcheck-api.md §3.1) around one sentence. */
const shapes = (sentence: string) => ({
	errorCode: { errorCode: sentence },
	message: { message: sentence, statusCode: 400 },
	errorMessage: { errorCode: slug(sentence), errorMessage: sentence },
	traceId: { traceId: 'b7a3c9d2-0000-4000-8000-000000000000', errorCode: slug(sentence), message: sentence },
});

describe('idCheckError', () => {
	it.each<[string, string]>([
		['not Exist Submission Data', 'SUBMISSION_NOT_FOUND'],
		['Invalid Submission Id.', 'SUBMISSION_NOT_FOUND'],
		['submissionId is required.', 'SUBMISSION_ID_MISSING'],
		['Only submissions in pending status can be reviewed', 'NOT_PENDING'],
		['This submission cannot be reviewed by client', 'REVIEW_NOT_BY_CLIENT'],
		['Reject comment is required', 'COMMENT_REQUIRED'],
		['Access denied. The admin is not registered in the project.', 'ADMIN_NOT_REGISTERED'],
		['Data Processing Error.', 'ARGOS_PROCESSING_ERROR'],
		['invalid_payload', 'INVALID_PAYLOAD'],
		['Decryption is failed. Please check the api-key', 'ENCRYPTED_PROJECT'],
	])('"%s" → %s in every body shape, the sentence kept', (sentence, code) => {
		for (const [shape, body] of Object.entries(shapes(sentence))) {
			const info = idCheckError(400, body);
			expect({ shape, code: info.code }).toEqual({ shape, code });
			expect(info.apiMessage).toBe(sentence);
			expect(info.message).toContain(sentence);
			expect(info.description.length).toBeGreaterThan(20);
			expect(info).toMatchObject({ httpStatus: 400, outcomeUnknown: false });
		}
	});

	it('matching is loose about case and a final dot, not about words', () => {
		expect(idCheckError(400, { errorCode: 'NOT EXIST SUBMISSION DATA.' }).code).toBe('SUBMISSION_NOT_FOUND');
		expect(idCheckError(400, { errorCode: 'not Exist Submission Data yet' }).code).toBe('ARGOS_ERROR');
	});

	it('TK\'s token_not_found (a code beside its sentence) is known', () => {
		const info = idCheckError(400, { errorCode: 'token_not_found', errorMessage: 'Token not found.' });
		expect(info.code).toBe('TOKEN_NOT_FOUND');
		expect(info.apiMessage).toBe('Token not found.');
	});

	it('an unknown sentence: ARGOS_ERROR with ARGOS\'s words', () => {
		const info = idCheckError(400, { message: 'Something new happened', statusCode: 400 });
		expect(info).toMatchObject({ code: 'ARGOS_ERROR', apiMessage: 'Something new happened', retryable: false });
		expect(info.message).toContain('Something new happened');
	});

	it('a known sentence on a 5xx or 404 is read by its status, not its words', () => {
		expect(idCheckError(500, { errorCode: 'not Exist Submission Data' }).code).not.toBe('SUBMISSION_NOT_FOUND');
		expect(idCheckError(404, { errorCode: 'not Exist Submission Data' }).code).not.toBe('SUBMISSION_NOT_FOUND');
	});

	it('the gateway\'s 403 Forbidden is ACCESS_DENIED; 413 says to send smaller images; no body still gives a code', () => {
		expect(idCheckError(403, { message: 'Forbidden' }).code).toBe('ACCESS_DENIED');
		expect(idCheckError(413, { message: 'Request Entity Too Large' }).message).toMatch(/too large/);
		expect(idCheckError(400, undefined).code).toBeTruthy();
		expect(idCheckError(400, { errorCode: 42 as never }).code).toBeTruthy();
	});
});
