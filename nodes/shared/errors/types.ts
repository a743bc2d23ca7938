import type { IDataObject } from 'n8n-workflow';

import type { OperationName } from '../helpers/interfaces';

export interface FaceErrorInfo {
	/** ARGOS errorCode (a number when numeric) or a local code in CAPS. */
	code: number | string;
	message: string;
	/** What to do, for the person who reads the Failed branch. */
	description: string;
	httpStatus: number | null;
	/** Trying again later with the same input can succeed. */
	retryable: boolean;
	/** The request may have been carried out (e.g. a face added) although no answer came back. */
	outcomeUnknown: boolean;
	/** Requests made for this item, retries included. */
	attempts: number;
	/** ARGOS's own message, verbatim, when it sent one. */
	apiMessage?: string;
	/**
	 * One plain sentence for the person who submitted the photo (a form ending page, an e-mail), present
	 * only when they can fix the cause themselves. No codes, no internals.
	 */
	applicantMessage?: string;
	/** The image the error is about: { source, property?, fileName? } (see helpers/image.ts imageRef). */
	image?: IDataObject;
	/** Face Compare: both images, as { selfie, idPortrait }. */
	images?: IDataObject;
}

/** A message and what to do about it, for the person who reads the Failed branch. */
export interface ErrorText {
	message: string;
	description: string;
	retryable?: boolean;
	/** A local finding that a write may or may not have happened. */
	outcomeUnknown?: boolean;
	/** Only where the applicant can fix the cause (photo quality, liveness, format, size). */
	applicantMessage?: string;
}

/** An entry of a product's code table. */
export interface CodeEntry extends ErrorText {
	/** Where an operation's docs give the code another meaning. */
	byOperation?: Partial<Record<OperationName, ErrorText>>;
}
