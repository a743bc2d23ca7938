/**
 * Global ID OCR (POST /modules/recognition): its errorCodes, from R-old as listed in shared/argos-idcheck-api.md
 * §4, and the local outcomes of a read that came back but cannot be filed. The numbers overlap the verify
 * products' 1000–1017 with other meanings (1005, 1010…), so this table is looked up by operation, never merged
 * into the shared one.
 */
import type { IDataObject } from 'n8n-workflow';

import { imageApplicantMessage } from './applicant';
import type { CodeEntry, ErrorText, FaceErrorInfo } from './types';

const RETAKE_ID_TEXT =
	'Ask the person to photograph the ID document again: the whole card, flat, in even light, without glare or shadows on the text, sharp enough to read every line.';
const NODE_BUG = 'The node always sends this field, so this points to a bug in the Argos Faces node; please report it with the workflow.';

export const APPLICANT_READ_AGAIN =
	'We could not read your ID document clearly: please photograph it again, the whole card, flat and in even light, without glare, with all the text sharp.';
const APPLICANT_BACK =
	'We could not read the back of your ID document: please photograph the back again, the whole card, flat and in even light, without glare.';

/** Every documented errorCode of Global ID OCR. */
export const RECOGNITION_ERRORS: Record<number, CodeEntry> = {
	1001: {
		message: 'The ARGOS workspace is not available',
		description:
			'The workspace behind this API key is suspended, expired or does not include Global ID OCR. Check the subscription in the ARGOS dashboard or ask ARGOS support to enable ID recognition for it.',
	},
	1005: {
		message: 'ARGOS did not receive the front of the ID',
		description: `Check that the ID front reaches the node (ID Front Source and its field) and is not empty. ${NODE_BUG}`,
	},
	1006: {
		message: 'ARGOS did not receive the issuing country',
		description: `Check "Issuing Country": it must give a 3-letter code such as USA or KOR for every item. ${NODE_BUG}`,
	},
	// The node never sends callbackUrl, so ARGOS demanding one means the account is set up for callbacks only.
	1010: {
		message: 'ARGOS asks for a callback URL',
		description:
			'This node reads IDs synchronously and sends no callbackUrl. Ask ARGOS support to allow synchronous calls for this workspace; the README explains why callbacks are not offered.',
	},
	1012: {
		message: 'ARGOS could not read the back of the ID',
		description: `The back image was received but could not be recognised. Check that it really is the back of the same document, then: ${RETAKE_ID_TEXT} To read the front alone, leave the ID Back fields empty.`,
		applicantMessage: APPLICANT_BACK,
	},
	1013: {
		message: 'ARGOS could not read the image format',
		description:
			'Global ID OCR reads JPEG, PNG and BMP photos sent as plain base64 (not WebP, HEIC or PDF). Convert the file first, and keep "Send Image As" on Base64 in the node options.',
		applicantMessage: imageApplicantMessage('IMAGE_UNSUPPORTED_FORMAT', 'idDocument')?.replace('JPEG, PNG or WebP', 'JPEG or PNG'),
	},
	1014: {
		message: 'ARGOS did not receive the ID type',
		description: `Check "ID Type": it must give government_id, passport, drivers_license or residence_permit. ${NODE_BUG}`,
	},
	1015: {
		message: 'ARGOS rejected some inputs as invalid',
		description:
			'ARGOS names the fields in its message (apiMessage). The node checks that Issuing Country is 3 letters and ID Type one of the four documented types, so ARGOS likely does not support this country (it must be an ISO 3166 alpha-3 code, e.g. DEU, not GER) or this document type for it.',
	},
};

/** A read that came back but is not filed as fact: a business outcome with the facts that decided it. */
function outcome(code: string, text: ErrorText, details: IDataObject): FaceErrorInfo & IDataObject {
	return {
		code,
		message: text.message,
		description: text.description,
		...(text.applicantMessage && { applicantMessage: text.applicantMessage }),
		httpStatus: 200,
		retryable: false,
		outcomeUnknown: false,
		attempts: 0,
		...details,
	};
}

/** Required fields read below Min Field Score, without a score while one is asked for, or not read at all. */
export function ocrLowConfidence(d: { fields: Record<string, number | null>; unread: string[]; minFieldScore: number; transactionId?: string }): FaceErrorInfo & IDataObject {
	const list = Object.entries(d.fields)
		.map(([field, score]) => `${field} ${d.unread.includes(field) ? 'not read' : score === null ? 'without a score' : score}`)
		.join(', ');
	return outcome(
		'OCR_LOW_CONFIDENCE',
		{
			message: d.minFieldScore > 0 ? `The ID was not read reliably: ${list} (minimum ${d.minFieldScore})` : `The ID was not read completely: ${list}`,
			description: `A required field that is missing or read with too little confidence is a guess, so the item is not filed as read. ${RETAKE_ID_TEXT} The minimum is the "Min Field Score" option and the fields it applies to are "Required Fields".`,
			applicantMessage: APPLICANT_READ_AGAIN,
		},
		{ minFieldScore: d.minFieldScore, fieldScores: d.fields, ...(d.transactionId && { transactionId: d.transactionId }) },
	);
}

/** ARGOS answered 2xx in a shape other than result.data { raw, ocr }: nothing is guessed from it. */
export function ocrResponseUnknown(d: { reason: string; response: IDataObject }): FaceErrorInfo & IDataObject {
	return outcome(
		'OCR_RESPONSE_UNKNOWN',
		{
			message: `ARGOS answered the ID read in a shape this node does not know (${d.reason})`,
			description:
				'The documented answer carries result.data.raw and result.data.ocr. ARGOS also documents another shape (documentInfo / personalInfo) that looks like a placeholder; rather than guess which field is the name, the node fails the item and keeps the whole answer in error.response. Contact ARGOS support with the transactionId, and report the shape to the Argos Faces node.',
		},
		{ response: d.response },
	);
}
