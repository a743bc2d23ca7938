/**
 * The one table that turns what ARGOS (or the network, or our own input checks) says into an error a
 * non-developer can act on. Every Failed item and every thrown error gets its text from here.
 *
 * ARGOS's three generations of docs disagree (see shared/argos-face-api.md): delete has three code lists,
 * search two, and errorCode is typed number on some pages and string on others. So codes are looked up by
 * number, operation-specific meanings override the shared one, and ARGOS's own message is always kept.
 */
import type { OperationName } from '../helpers/interfaces';
import { APPLICANT } from './applicant';
import { FACE_ID_ERRORS, IMAGE_TOO_LARGE_API } from './faceId';
import { LOCAL_ERRORS } from './local';
import { RECOGNITION_ERRORS } from './recognition';
import { VERIFY_ERRORS } from './verify';
import type { CodeEntry, ErrorText, FaceErrorInfo } from './types';

export type { FaceErrorInfo } from './types';
export { LOCAL_ERRORS, MEGABYTE } from './local';

/** Every documented ARGOS errorCode, all products: their code ranges do not overlap. */
export const API_ERRORS: Record<number, CodeEntry> = { ...FACE_ID_ERRORS, ...VERIFY_ERRORS };

/**
 * Operations whose API gives the shared numbers other meanings: only their own table applies (plus the key
 * errors, which the gateway sends alike to every product).
 */
export const OPERATION_ERRORS: Partial<Record<OperationName, Record<number, CodeEntry>>> = {
	read: { 6039: FACE_ID_ERRORS[6039], 6040: FACE_ID_ERRORS[6040], ...RECOGNITION_ERRORS },
};

/** Problems that doom every item of the run: the node throws if nothing succeeded yet. */
const FATAL_CODES = new Set<number | string>([
	6039,
	6040,
	// Verify: "Workspace is unavailable" holds for every item of the run.
	1001,
	'ACCESS_DENIED',
	'ENDPOINT_NOT_FOUND',
	'BASE_URL_INVALID',
	'BASE_URL_INSECURE',
	'REDIRECTED',
	// ID Check: the project, the key or this server's address, the same for every item.
	'ENCRYPTED_ANSWER',
	'ENCRYPTED_PROJECT',
	'PROJECT_NOT_FOUND',
	'API_KEY_MISSING',
	'IP_NOT_ALLOWED',
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

/** What a request does to ARGOS, which decides what losing its answer means. */
export type RequestKind = 'add' | 'update' | 'delete' | 'read';

/** What a lost answer means to a Face ID write. */
export const FACE_LOST_ANSWER: Record<Exclude<RequestKind, 'read'>, string> = {
	add: 'The request may have reached ARGOS, so the face may have been added anyway. Before running this item again, check with Get Many or Search (or turn on "Skip If Already Enrolled"), so the person is not enrolled twice.',
	update: 'The request may have reached ARGOS, so the change may have been made anyway. Check before running this item again.',
	delete:
		'The request may have reached ARGOS, so the face may have been deleted anyway. Deleting again is harmless: if the face is gone, a new Delete answers "face not found". Get Many shows whether it is still there.',
};
const READ_LOST = 'This request only reads: nothing in ARGOS was changed, so running the item again is safe.';

/** A URL as it may appear in a message: no user name, password, query or fragment (they can hold secrets). */
export function urlForDisplay(raw: string): string {
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	// "user:pass@host" without a scheme parses as scheme "user:" with no host: treat it as text.
	if (url?.host) return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
	return raw.replace(/^([^:/?#]*:\/\/)?[^/?#]*@/, '$1').replace(/[?#].*$/, '');
}

/** HTTP answers that carry no ARGOS errorCode; `credential` names the credential the fix is in. */
function httpText(status: number, credential: string): ErrorText & { code: string } {
	if (status === 401 || status === 403)
		return {
			code: 'ACCESS_DENIED',
			message: `ARGOS refused access (HTTP ${status})`,
			description:
				`Check the API key in the ${credential} credential. If your ARGOS account uses an IP allow-list, add the IP address of this n8n server.`,
		};
	if (status === 404)
		return {
			code: 'ENDPOINT_NOT_FOUND',
			message: 'The ARGOS endpoint was not found (HTTP 404)',
			description:
				`Check the Base URL in the ${credential} credential: it should be ${credential === ID_CHECK_CREDENTIAL ? 'https://rest-api.argosidentity.com' : 'https://idverify-api.argosidentity.com'} (or the sandbox address), without a path.`,
		};
	if (status === 413)
		return {
			code: 'REQUEST_TOO_LARGE',
			message: 'The image is too large for the ARGOS gateway (HTTP 413)',
			description: IMAGE_TOO_LARGE_API.description,
			applicantMessage: APPLICANT.smaller,
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
	operation: OperationName,
	httpStatus: number,
	body: { errorCode?: unknown; message?: unknown } | undefined,
): FaceErrorInfo {
	const code = parseErrorCode(body?.errorCode);
	const apiMessage = typeof body?.message === 'string' ? body.message : undefined;
	const entry = typeof code === 'number' ? (OPERATION_ERRORS[operation] ?? API_ERRORS)[code] : undefined;
	if (code !== undefined) {
		const text: ErrorText = entry?.byOperation?.[operation] ?? entry ?? {
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
			...(text.applicantMessage && { applicantMessage: text.applicantMessage }),
		});
	}
	return httpError(httpStatus, apiMessage, FACES_CREDENTIAL);
}

export const FACES_CREDENTIAL = 'Argos Faces API';
export const ID_CHECK_CREDENTIAL = 'Argos ID Check API';

/** An error answer without an errorCode the node knows: read by its HTTP status. */
export function httpError(httpStatus: number, apiMessage: string | undefined, credential: string): FaceErrorInfo {
	const http = httpText(httpStatus, credential);
	return base({
		code: http.code,
		message: apiMessage ? `${http.message}: ${apiMessage}` : http.message,
		description: http.description,
		httpStatus,
		retryable: http.retryable ?? false,
		apiMessage,
		...(http.applicantMessage && { applicantMessage: http.applicantMessage }),
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
	credential = FACES_CREDENTIAL,
): FaceErrorInfo {
	const text: Record<typeof kind, ErrorText> = {
		TIMEOUT: {
			message: `ARGOS did not answer within ${timeoutSeconds} s`,
			description: 'ARGOS or the network is slow. Try again, or raise "Timeout (Seconds)" in the node options.',
		},
		CONNECTION_RESET: {
			message: `The connection to ARGOS was cut before an answer arrived (${detail})`,
			description: 'A network or gateway problem. Try again in a moment.',
		},
		NETWORK_ERROR: {
			message: `Could not reach ARGOS (${detail})`,
			description:
				`Check the Base URL in the ${credential} credential and that this n8n server can reach it (DNS, firewall, proxy).`,
		},
	};
	return base({ code: kind, ...text[kind], retryable: true });
}

/** A write whose answer was lost: it may have been carried out. */
export function outcomeUnknown(info: FaceErrorInfo, lost: string = FACE_LOST_ANSWER.add): FaceErrorInfo {
	return { ...info, outcomeUnknown: true, description: `${info.description} ${lost}` };
}

/** A read whose answer was lost: say that nothing changed, so nobody hesitates to run it again. */
export function readLost(info: FaceErrorInfo): FaceErrorInfo {
	return { ...info, description: `${info.description} ${READ_LOST}` };
}

/** Cancelled while a write was on its way: it may have been carried out. Otherwise nothing happened. */
export function cancelled(inFlight?: string): FaceErrorInfo {
	if (!inFlight) return localError('CANCELLED', undefined).info;
	return base({
		code: 'CANCELLED',
		message: 'The execution was cancelled while this item\'s request was on its way to ARGOS',
		description: inFlight,
		outcomeUnknown: true,
	});
}

/** A 3xx: never followed, because following would carry the API key to wherever it points. */
export function redirected(httpStatus: number, location: unknown, credential = FACES_CREDENTIAL): FaceErrorInfo {
	const target = typeof location === 'string' && location.trim() ? urlForDisplay(location.trim()) : undefined;
	return base({
		code: 'REDIRECTED',
		message: target
			? `The Base URL answered with a redirect (HTTP ${httpStatus}) to ${target}`
			: `The Base URL answered with a redirect (HTTP ${httpStatus}) without saying where to`,
		description:
			`The node does not follow redirects, so the API key is never sent to another address. If the new address is the right one and uses https://, put it in the Base URL of the ${credential} credential.`,
		httpStatus,
	});
}



export type LocalCode = keyof typeof LOCAL_ERRORS;

export function localError<C extends LocalCode>(
	code: C,
	details: Parameters<(typeof LOCAL_ERRORS)[C]>[0],
): FaceError {
	const text = (LOCAL_ERRORS[code] as (d: typeof details) => ErrorText)(details);
	return new FaceError(
		base({
			code,
			message: text.message,
			description: text.description,
			retryable: text.retryable ?? false,
			outcomeUnknown: text.outcomeUnknown ?? false,
			...(text.applicantMessage && { applicantMessage: text.applicantMessage }),
		}),
	);
}

