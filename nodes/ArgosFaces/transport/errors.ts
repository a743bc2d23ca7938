/**
 * The one table that turns what ARGOS (or the network, or our own input checks) says into an error a
 * non-developer can act on. Every Failed item and every thrown error gets its text from here.
 *
 * ARGOS's three generations of docs disagree (see shared/argos-face-api.md): delete has three code lists,
 * search two, and errorCode is typed number on some pages and string on others. So codes are looked up by
 * number, operation-specific meanings override the shared one, and ARGOS's own message is always kept.
 */
import type { FaceOperation } from '../helpers/interfaces';

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
}

/** Problems that doom every item of the run: the node throws if nothing succeeded yet. */
const FATAL_CODES = new Set<number | string>([
	6039,
	6040,
	'ACCESS_DENIED',
	'ENDPOINT_NOT_FOUND',
	'BASE_URL_INVALID',
	'BASE_URL_INSECURE',
]);

export class FaceError extends Error {
	constructor(
		readonly info: FaceErrorInfo,
		/** Dooms every item: e.g. a rejected key, or a parameter that is wrong the same way for all items. */
		readonly fatal = FATAL_CODES.has(info.code),
	) {
		super(info.message);
		this.name = 'FaceError';
	}
}

interface Text {
	message: string;
	description: string;
	retryable?: boolean;
}

const FIX_COLLECTION_ID =
	'Fill in Collection ID with the ID shown in your ARGOS dashboard (Face ID → Collections).';
const COLLECTION_NOT_FOUND: Text = {
	message: 'Collection not found',
	description:
		'No collection has this ID. Copy the Collection ID again from the ARGOS dashboard (IDs are case-sensitive, no spaces).',
};
const COLLECTION_DELETED: Text = {
	message: 'This collection was deleted',
	description:
		'The collection exists but has been deleted in ARGOS. Choose an active collection in the dashboard and update Collection ID.',
};
const LIVENESS_FAILED: Text = {
	message: 'The selfie failed the liveness check',
	description:
		'ARGOS judged that this photo does not show a live person (for example a photo of a screen or a print, or too dark or blurred). Ask the person to retake the selfie: face the camera, even light, no sunglasses or mask, the whole face in the frame.',
};
const IMAGE_TOO_LARGE_API: Text = {
	message: 'The image is too large for ARGOS',
	description:
		'Make the photo smaller (about 1280 pixels on the long side is plenty) or save it as JPEG at quality 80, then try again.',
};
const IMAGE_FORMAT_API: Text = {
	message: 'ARGOS could not read this image',
	description:
		'Send a JPEG or PNG photo. If the image is given as text, it must be plain base64 or a data URL; try the other "Send Image As" setting if your ARGOS account expects it.',
};
const GENERIC_FAILURE = (what: string): Text => ({
	message: `ARGOS could not ${what}`,
	description:
		'ARGOS gave no reason. Try again in a few minutes; if it keeps failing, contact ARGOS support with the time of the request.',
	retryable: true,
});
const FACE_NOT_FOUND: Text = {
	message: 'Face not found in this collection',
	description:
		'The face may already have been deleted, or it belongs to another collection. Check Face ID and Collection ID (Get Many lists the faces of a collection).',
};
const COLLECTION_ID_REQUIRED: Text = { message: 'Collection ID is missing', description: FIX_COLLECTION_ID };
const FACE_ID_REQUIRED: Text = {
	message: 'Face ID is missing',
	description: 'Fill in Face ID with a faceId returned by Add or Get Many.',
};

interface Entry extends Text {
	/** Where an operation's docs give the code another meaning. */
	byOperation?: Partial<Record<FaceOperation, Text>>;
}

/** Every documented ARGOS Face ID errorCode (6010–6040, all doc generations). */
export const API_ERRORS: Record<number, Entry> = {
	6010: { ...COLLECTION_ID_REQUIRED },
	6011: {
		message: 'ARGOS did not receive a usable face image',
		description:
			'ARGOS documents this code both as "WorkspaceId is required" and as "face image missing". Check that the image reaches the node (Input Binary Field or Base64 Image) and that the API key belongs to a Face ID workspace.',
	},
	6012: {
		...GENERIC_FAILURE('add the face'),
		byOperation: { deleteFace: GENERIC_FAILURE('delete the face') },
	},
	6013: { ...COLLECTION_NOT_FOUND },
	6014: { ...COLLECTION_DELETED },
	6015: { ...LIVENESS_FAILED },
	6016: { ...IMAGE_TOO_LARGE_API },
	6017: { ...IMAGE_FORMAT_API },
	6018: { ...COLLECTION_ID_REQUIRED },
	6019: { ...FACE_ID_REQUIRED },
	6020: { ...COLLECTION_DELETED },
	6021: { ...FACE_NOT_FOUND },
	6022: { ...FACE_NOT_FOUND },
	6023: GENERIC_FAILURE('delete the face'),
	6024: { ...COLLECTION_ID_REQUIRED },
	6025: {
		message: 'The Face ID filter is too short',
		description: 'Use at least 5 characters of the faceId in "Filter by Face ID", or leave it empty.',
	},
	6026: {
		message: 'ARGOS rejected the page number',
		description: 'This points to a bug in the Argos Faces node; please report it with the workflow.',
	},
	6027: { ...COLLECTION_NOT_FOUND },
	6028: { ...COLLECTION_DELETED },
	6029: GENERIC_FAILURE('list the faces'),
	// 6030–6034 mean different things on search (EN docs) and on delete (KO docs).
	6030: { ...COLLECTION_ID_REQUIRED },
	6031: {
		message: 'Request Name is missing',
		description: 'Fill in Request Name: any label for this search, such as the applicant ID.',
		byOperation: { deleteFace: FACE_ID_REQUIRED },
	},
	6032: {
		message: 'ARGOS did not receive a valid face image',
		description:
			'Check that the image reaches the node (Input Binary Field or Base64 Image) and is a JPEG or PNG photo.',
		byOperation: { deleteFace: COLLECTION_NOT_FOUND },
	},
	6033: { ...COLLECTION_NOT_FOUND, byOperation: { deleteFace: COLLECTION_DELETED } },
	6034: { ...COLLECTION_DELETED, byOperation: { deleteFace: GENERIC_FAILURE('delete the face') } },
	// The KO search page lists 6035–6038 with other meanings; ARGOS's own message is kept beside ours.
	6035: { ...LIVENESS_FAILED },
	6036: { ...IMAGE_TOO_LARGE_API },
	6037: { ...IMAGE_FORMAT_API },
	6038: GENERIC_FAILURE('search the collection'),
	6039: {
		message: 'ARGOS received no API key',
		description:
			'Open the Argos Faces API credential and fill in the API Key from your ARGOS dashboard.',
	},
	6040: {
		message: 'ARGOS rejected the API key',
		description:
			'Copy the API key again from the ARGOS dashboard and check that it is active. If your ARGOS account uses an IP allow-list, add the IP address of this n8n server.',
	},
};

const AMBIGUOUS_WRITE =
	'The request may have reached ARGOS, so the face may have been added anyway. Before running this item again, check with Get Many or Search (or turn on "Skip If Already Enrolled"), so the person is not enrolled twice.';

/** HTTP answers that carry no ARGOS errorCode. */
function httpText(status: number): Text & { code: string } {
	if (status === 401 || status === 403)
		return {
			code: 'ACCESS_DENIED',
			message: `ARGOS refused access (HTTP ${status})`,
			description:
				'Check the API key in the Argos Faces API credential. If your ARGOS account uses an IP allow-list, add the IP address of this n8n server.',
		};
	if (status === 404)
		return {
			code: 'ENDPOINT_NOT_FOUND',
			message: 'The ARGOS endpoint was not found (HTTP 404)',
			description:
				'Check the Base URL in the Argos Faces API credential: it should be https://idverify-api.argosidentity.com (or the sandbox address), without a path.',
		};
	if (status === 413)
		return {
			code: 'REQUEST_TOO_LARGE',
			message: 'The image is too large for the ARGOS gateway (HTTP 413)',
			description: IMAGE_TOO_LARGE_API.description,
		};
	if (status === 429)
		return {
			code: 'RATE_LIMITED',
			message: 'ARGOS is limiting the request rate (HTTP 429)',
			description:
				'Too many requests at once. Lower "Concurrency" in the node options, or spread the items over time (for example with a Loop Over Items and Wait node).',
			retryable: true,
		};
	if (status >= 500)
		return {
			code: status === 503 ? 'SERVICE_UNAVAILABLE' : 'SERVER_ERROR',
			message: `ARGOS had a server error (HTTP ${status})`,
			description: 'This is on the ARGOS side. Try again in a few minutes.',
			retryable: true,
		};
	return {
		code: 'REQUEST_REJECTED',
		message: `ARGOS rejected the request (HTTP ${status})`,
		description: 'ARGOS gave no error code. Check the node parameters and the image.',
	};
}

function base(partial: Partial<FaceErrorInfo> & Pick<FaceErrorInfo, 'code' | 'message' | 'description'>): FaceErrorInfo {
	return { httpStatus: null, retryable: false, outcomeUnknown: false, attempts: 0, ...partial };
}

/** errorCode may be a number, a numeric string or absent. */
export function parseErrorCode(raw: unknown): number | string | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
	if (typeof raw === 'string' && raw.trim() !== '') {
		const n = Number(raw.trim());
		return Number.isInteger(n) ? n : raw.trim();
	}
	return undefined;
}

/** An HTTP answer from ARGOS (any status) that is an error. */
export function fromApiResponse(
	operation: FaceOperation,
	httpStatus: number,
	body: { errorCode?: unknown; message?: unknown } | undefined,
): FaceErrorInfo {
	const code = parseErrorCode(body?.errorCode);
	const apiMessage = typeof body?.message === 'string' ? body.message : undefined;
	const entry = typeof code === 'number' ? API_ERRORS[code] : undefined;
	if (code !== undefined) {
		const text: Text = entry?.byOperation?.[operation] ?? entry ?? {
			message: `ARGOS error ${code}`,
			description: 'ARGOS returned an error this node does not know yet; its own message is kept in apiMessage.',
		};
		return base({
			code,
			message: apiMessage ? `${text.message} (ARGOS ${code}: ${apiMessage})` : `${text.message} (ARGOS ${code})`,
			description: text.description,
			httpStatus,
			retryable: text.retryable ?? false,
			apiMessage,
		});
	}
	const http = httpText(httpStatus);
	return base({
		code: http.code,
		message: apiMessage ? `${http.message}: ${apiMessage}` : http.message,
		description: http.description,
		httpStatus,
		retryable: http.retryable ?? false,
		apiMessage,
	});
}

/** A 2xx answer whose body is not the JSON ARGOS sends (a proxy's page, a cut-off body…). */
export function invalidResponse(httpStatus: number): FaceErrorInfo {
	return base({
		code: 'INVALID_RESPONSE',
		message: `ARGOS answered with something that is not valid JSON (HTTP ${httpStatus})`,
		description:
			'A proxy or gateway between n8n and ARGOS answered instead of the API, or the answer was cut off. Try again; if it persists, check the Base URL and any proxy.',
		httpStatus,
		retryable: true,
	});
}

/** No HTTP answer at all. */
export function networkError(
	kind: 'TIMEOUT' | 'CONNECTION_RESET' | 'NETWORK_ERROR',
	detail: string,
	timeoutSeconds: number,
): FaceErrorInfo {
	const text: Record<typeof kind, Text> = {
		TIMEOUT: {
			message: `ARGOS did not answer within ${timeoutSeconds} s`,
			description: 'ARGOS or the network is slow. Try again, or raise "Timeout (s)" in the node options.',
		},
		CONNECTION_RESET: {
			message: `The connection to ARGOS was cut before an answer arrived (${detail})`,
			description: 'A network or gateway problem. Try again in a moment.',
		},
		NETWORK_ERROR: {
			message: `Could not reach ARGOS (${detail})`,
			description:
				'Check the Base URL in the Argos Faces API credential and that this n8n server can reach it (DNS, firewall, proxy).',
		},
	};
	return base({ code: kind, ...text[kind], retryable: true });
}

/** A write whose answer was lost: it may have been carried out. */
export function outcomeUnknown(info: FaceErrorInfo): FaceErrorInfo {
	return { ...info, outcomeUnknown: true, description: `${info.description} ${AMBIGUOUS_WRITE}` };
}

/** Problems found before anything is sent, in this node's own words. */
export const LOCAL_ERRORS = {
	IMAGE_MISSING: (d: { property: string; available: string[] }) => ({
		message: `No binary property "${d.property}" on this item`,
		description: d.available.length
			? `This item has binary properties: ${d.available.join(', ')}. Set "Input Binary Field" to the one that holds the photo.`
			: 'This item has no binary data at all. Check that the previous node outputs the photo as a file, or switch "Image Source" to Base64 String.',
	}),
	IMAGE_EMPTY: () => ({
		message: 'The image is empty (0 bytes)',
		description: 'The file arrived without content. Check the upload or the previous node.',
	}),
	IMAGE_INVALID_BASE64: () => ({
		message: 'The Base64 Image is not valid base64',
		description:
			'Give plain base64 or a data URL such as data:image/jpeg;base64,/9j/… — check the expression in "Base64 Image".',
	}),
	IMAGE_UNSUPPORTED_FORMAT: (d: { detected: string }) => ({
		message: `The file is ${d.detected}, not a JPEG, PNG or WebP photo`,
		description:
			'Ask for the selfie as a JPEG or PNG (phone cameras can save HEIC: choose "Most Compatible" or convert it first). If you are sure ARGOS accepts this format, turn off "Validate Image".',
	}),
	IMAGE_TOO_LARGE: (d: { bytes: number; maxMb: number }) => ({
		message: `The image is ${(d.bytes / 1048576).toFixed(1)} MB, over the ${d.maxMb} MB limit`,
		description:
			'Make the photo smaller (about 1280 pixels on the long side is plenty) or save it as JPEG at quality 80. The limit is the "Max Image Size (MB)" option.',
	}),
	TERM_TOO_SHORT: (d: { term: string }) => ({
		message: `"Filter by Face ID" must have at least 5 characters (got ${d.term.length})`,
		description: 'ARGOS matches part of the faceId and needs at least 5 characters. Lengthen it or leave it empty.',
	}),
	PARAMETER_MISSING: (d: { parameter: string }) => ({
		message: `"${d.parameter}" is empty`,
		description: `Fill in "${d.parameter}". If it is an expression, check that it gives a value for this item.`,
	}),
	INVALID_INPUT: (d: { reason: string; description?: string }) => ({
		message: d.reason,
		description: d.description ?? 'Check the node parameters and the expressions they use for this item.',
	}),
	BASE_URL_INVALID: (d: { baseUrl: string }) => ({
		message: `The Base URL "${d.baseUrl}" is not a valid URL`,
		description:
			'Open the Argos Faces API credential and set Base URL to https://idverify-api.argosidentity.com (or your sandbox address).',
	}),
	BASE_URL_INSECURE: (d: { baseUrl: string }) => ({
		message: `The Base URL "${d.baseUrl}" uses plain http:// to a host that is not this machine`,
		description:
			'The API key would travel unencrypted, so nothing was sent. Use https:// (plain http:// is only allowed for localhost, e.g. the local sandbox).',
	}),
	CANCELLED: () => ({
		message: 'The execution was cancelled before this item finished',
		description: 'Run the workflow again for this item.',
	}),
};

export type LocalCode = keyof typeof LOCAL_ERRORS;

export function localError<C extends LocalCode>(
	code: C,
	details: Parameters<(typeof LOCAL_ERRORS)[C]>[0],
): FaceError {
	const text = (LOCAL_ERRORS[code] as (d: typeof details) => Text)(details);
	return new FaceError(base({ code, message: text.message, description: text.description }));
}
