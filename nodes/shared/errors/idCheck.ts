/**
 * ARGOS ID Check REST v3's errors (shared/argos-idcheck-api.md §3). Its application errors are HTTP 400
 * with one of four body shapes per endpoint — `{errorCode}`, `{message, statusCode}`, `{errorCode,
 * errorMessage}`, `{traceId, errorCode, message}` — and the code is a sentence, not a number. So the
 * sentence is read from whichever field carries it, matched loosely (case, trailing dot), and given a
 * stable code of ours; ARGOS's own words are always kept in apiMessage.
 */
import type { IDataObject } from 'n8n-workflow';

import { httpError, ID_CHECK_CREDENTIAL } from './index';
import type { ErrorText, FaceErrorInfo } from './types';

const CHECK_ID = 'Check the Submission ID: copy it from the ARGOS dashboard or from an earlier node (Get Many, the trigger).';
const ADMIN =
	'Set "Admin" to the e-mail address of an administrator registered in the ARGOS ID Check dashboard (Settings → Access Management).';

interface IdCheckError extends ErrorText {
	code: string;
}

/** ARGOS's sentence, lower-cased and without a final dot → our code and what to do. */
const BY_MESSAGE: Record<string, IdCheckError> = {
	'not exist submission id': {
		code: 'SUBMISSION_ID_MISSING',
		message: 'ARGOS received no submission ID',
		description: 'Fill in "Submission ID". If it is an expression, check that it gives a value for this item.',
	},
	'not exist submission data': { code: 'SUBMISSION_NOT_FOUND', message: 'ARGOS knows no submission with this ID', description: CHECK_ID },
	'invalid submission id': { code: 'SUBMISSION_NOT_FOUND', message: 'ARGOS knows no submission with this ID', description: CHECK_ID },
	'submission id is required': { code: 'SUBMISSION_ID_MISSING', message: 'ARGOS received no submission ID', description: CHECK_ID },
	'submissionid is required': { code: 'SUBMISSION_ID_MISSING', message: 'ARGOS received no submission ID', description: CHECK_ID },
	'not exist project data': {
		code: 'PROJECT_NOT_FOUND',
		message: 'ARGOS found no ID Check project for this API key',
		description: `Copy the project API key again from the ARGOS ID Check dashboard into the ${ID_CHECK_CREDENTIAL} credential.`,
	},
	'the project is not found': {
		code: 'PROJECT_NOT_FOUND',
		message: 'ARGOS found no ID Check project for this API key',
		description: `Copy the project API key again from the ARGOS ID Check dashboard into the ${ID_CHECK_CREDENTIAL} credential.`,
	},
	'project not found': {
		code: 'PROJECT_NOT_FOUND',
		message: 'ARGOS found no ID Check project for this API key',
		description: `Copy the project API key again from the ARGOS ID Check dashboard into the ${ID_CHECK_CREDENTIAL} credential.`,
	},
	'api-key is required': {
		code: 'API_KEY_MISSING',
		message: 'ARGOS received no API key',
		description: `Fill in the API Key of the ${ID_CHECK_CREDENTIAL} credential. The key is only sent over https:// (or plain http:// to localhost).`,
	},
	'projectid or x-api-key is required': {
		code: 'API_KEY_MISSING',
		message: 'ARGOS received no API key',
		description: `Fill in the API Key of the ${ID_CHECK_CREDENTIAL} credential.`,
	},
	'delete process fail': {
		code: 'DELETE_FAILED',
		message: 'ARGOS could not finish deleting the submission',
		description:
			'ARGOS reported a failure inside its own clean-up (for example of the face data). Run the item again later; Delete is safe to repeat. If it keeps failing, contact ARGOS support with the submission ID.',
		retryable: true,
	},
	'adminname and comment is required': {
		code: 'ADMIN_REQUIRED',
		message: 'ARGOS wants an admin name (and a comment) for this delete',
		description: `Set "Admin Name" in the options to the e-mail address of an administrator registered in the ARGOS ID Check dashboard.`,
	},
	'admin is required': { code: 'ADMIN_REQUIRED', message: 'ARGOS received no admin', description: ADMIN },
	'access denied. the admin is not registered in the project': {
		code: 'ADMIN_NOT_REGISTERED',
		message: 'This admin is not registered in the ARGOS project',
		description: ADMIN,
	},
	'at least one property to modify is required': {
		code: 'NOTHING_TO_UPDATE',
		message: 'ARGOS received no field to change',
		description: 'Choose a new status or add at least one field under "Fields to Update".',
	},
	'invalid payload': {
		code: 'INVALID_PAYLOAD',
		message: 'ARGOS could not read the request',
		description: 'Check the values of the fields to update (dates as YYYY-MM-DD, countries as three letters such as USA).',
	},
	'data parsing error. please check input data': {
		code: 'INVALID_PAYLOAD',
		message: 'ARGOS could not read the request',
		description: 'Check the values of the fields to update (dates as YYYY-MM-DD, countries as three letters such as USA).',
	},
	'invalid data format': {
		code: 'INVALID_PAYLOAD',
		message: 'ARGOS could not read the request',
		description: 'Check the values of the fields to update (dates as YYYY-MM-DD, countries as three letters such as USA).',
	},
	'data processing error': {
		code: 'ARGOS_PROCESSING_ERROR',
		message: 'ARGOS could not process the request',
		description: 'ARGOS gave no reason. Get the submission to see whether the change was made before running the item again.',
		retryable: true,
	},
	'decryption is failed. please check the api-key': {
		code: 'ENCRYPTED_PROJECT',
		message: 'This ARGOS project expects encrypted requests',
		description:
			'"Secure Data Transmission" is on for this ID Check project, and this node sends and reads plain JSON only. Turn the option off in the ARGOS dashboard (Project Settings → Security), or use a project without it.',
	},
	'only submissions in pending status can be reviewed': {
		code: 'NOT_PENDING',
		message: 'Only a pending submission can be reviewed',
		description: 'This submission is already approved, rejected or still incomplete. Get it to see its status; use Update to change a decided one.',
	},
	'this submission cannot be reviewed by client': {
		code: 'REVIEW_NOT_BY_CLIENT',
		message: 'This project is not reviewed by the client',
		description:
			'ARGOS reviews this project\'s submissions itself. To review them from n8n, set the reviewer to "Client" in the ARGOS ID Check dashboard; otherwise use Update.',
	},
	'invalid status': { code: 'INVALID_STATUS', message: 'ARGOS did not accept the status', description: 'Use "approved" or "rejected".' },
	'reject comment is required': {
		code: 'COMMENT_REQUIRED',
		message: 'A rejection needs a comment',
		description: 'Fill in "Comment": it tells the reviewers (and the applicant, where shown) why the submission was rejected.',
	},
	'token not found': { code: 'TOKEN_NOT_FOUND', message: 'ARGOS knows no such token', description: 'Check the token ID.' },
	'user is not authorized to access this resource with an explicit deny': {
		code: 'IP_NOT_ALLOWED',
		message: 'ARGOS refused this n8n server\'s address',
		description:
			'The ARGOS project only accepts API calls from listed IP addresses. Add the public IP address of this n8n server in the ARGOS dashboard (API access settings).',
	},
};

/** What ARGOS said, in the fields its four shapes use: errorCode, message, errorMessage. */
function argosTexts(body: IDataObject | undefined): string[] {
	const texts: string[] = [];
	for (const field of ['errorCode', 'message', 'errorMessage'] as const) {
		const value = body?.[field];
		if (typeof value === 'string' && value.trim()) texts.push(value.trim());
	}
	return texts;
}

/** Lower case, snake_case read as words ("not_exist_submission_data"), no final dot. */
const key = (text: string) => text.toLowerCase().replace(/_/g, ' ').replace(/[.\s]+$/, '');

/**
 * ARGOS's words and what they mean. Two shapes carry a snake_case code beside the sentence
 * (`{errorCode: "not_exist_submission_data", errorMessage}`, `{traceId, errorCode, message}`): any field
 * that is known decides, and the sentence (a text with spaces) is what is kept, not its code.
 */
function argosSentence(body: IDataObject | undefined): { sentence?: string; known?: IdCheckError } {
	const texts = argosTexts(body);
	const sentence = texts.find((text) => /\s/.test(text)) ?? texts[0];
	const known = texts.map((text) => BY_MESSAGE[key(text)]).find((entry) => entry !== undefined);
	return { sentence, known };
}

/** An ID Check error answer (any status), read by its sentence, else by its HTTP status. */
export function idCheckError(httpStatus: number, body: IDataObject | undefined): FaceErrorInfo {
	const { sentence, known } = argosSentence(body);
	if (known && httpStatus !== 404 && httpStatus < 500) {
		return {
			code: known.code,
			message: `${known.message} (ARGOS: ${sentence})`,
			description: known.description,
			httpStatus,
			retryable: known.retryable ?? false,
			outcomeUnknown: false,
			attempts: 0,
			apiMessage: sentence,
		};
	}
	const info = httpError(httpStatus, sentence, ID_CHECK_CREDENTIAL);
	if (httpStatus === 413) return { ...info, message: 'The request is too large for the ARGOS gateway (HTTP 413)', description: 'Send smaller images.' };
	if (info.code !== 'REQUEST_REJECTED' || sentence === undefined) return info;
	return {
		...info,
		code: 'ARGOS_ERROR',
		message: `ARGOS rejected the request: ${sentence}`,
		description: 'ARGOS returned an error this node does not know yet; its own words are kept in apiMessage. Check the node parameters for this item.',
	};
}

/** Lost answers of ID Check writes. */
export const ID_CHECK_LOST_ANSWER = {
	add: 'The request may have reached ARGOS, so it may have been carried out anyway. Get the submission to check before running this item again.',
	update:
		'The request may have reached ARGOS, so the submission may have been changed anyway (and ARGOS may have sent its webhook). Get the submission to check before running this item again.',
	delete:
		'The request may have reached ARGOS, so the submission may have been deleted anyway. Deleting again is harmless: the node treats "not found" after a lost answer as done once Get confirms it.',
};
