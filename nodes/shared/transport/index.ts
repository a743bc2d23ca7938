/**
 * The only module that speaks HTTP. Every call goes through n8n's httpRequestWithAuthentication, so the
 * credential's own `authenticate` adds the key and n8n's proxy, SSRF and cancel handling apply. It owns
 * the per-request timeout and the retry policy, and turns every outcome into a body or a FaceError.
 *
 * Retry classes: "safe" failures prove the request never reached the server (connection refused, DNS,
 * unreachable) or were refused before any work (429, 503), and are always retried. Every other failure —
 * a timeout, a reset, a body cut off after its headers, 500/502/504, an error nobody has seen before — is
 * "ambiguous": it may hide a completed write. Whether it is repeated depends on the request, not on the
 * operation: reads repeat it, Delete (idempotent) repeats it, Add never does (its "Skip If Already Enrolled"
 * repeats itself, searching first).
 *
 * Redirects are never followed: n8n would carry the x-api-key header to wherever a 3xx points.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { type BodyStream, BodyTooLarge, readBody } from './body';
import type { FaceErrorInfo, RequestKind } from '../errors';
import {
	cancelled,
	FaceError,
	invalidResponse,
	localError,
	MEGABYTE,
	networkError,
	outcomeUnknown,
	parseErrorCode,
	readLost,
	redirected,
	urlForDisplay,
} from '../errors';

export const DEFAULT_BASE_URL = 'https://idverify-api.argosidentity.com';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Trims, drops a trailing slash or the API's own path prefix (a pasted endpoint URL), and refuses plain
 * http to anything but this machine.
 */
export function normaliseBaseUrl(raw: unknown, product?: Pick<Product, 'defaultBaseUrl' | 'pathPrefix' | 'credentialName'>): string {
	const fallback = product?.defaultBaseUrl ?? DEFAULT_BASE_URL;
	const text = String(raw ?? '').trim() || fallback;
	const invalid = () => localError('BASE_URL_INVALID', { baseUrl: urlForDisplay(text), credential: product?.credentialName, fallback });
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalid();
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid();
	if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) throw localError('BASE_URL_INSECURE', { baseUrl: urlForDisplay(text) });
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(product?.pathPrefix ?? /\/modules$/, '');
}

/** What differs between ARGOS products: the credential, and how their error answers and lost writes read. */
export interface Product {
	credentialType: 'argosFacesApi' | 'argosIdCheckApi';
	/** The credential's display name, for the errors whose fix is in it. */
	credentialName: string;
	defaultBaseUrl: string;
	/** The API's own path prefix, dropped from a Base URL that ends with it. */
	pathPrefix: RegExp;
	/** An HTTP answer (any status) that is an error, read with the product's own code table. */
	errorFrom(operation: string, httpStatus: number, body: IDataObject | undefined): FaceErrorInfo;
	/** What it means that a write's answer was lost, per kind of write. */
	lostAnswer: Record<Exclude<RequestKind, 'read'>, string>;
}

export interface ApiSettings {
	product: Product;
	baseUrl: string;
	timeoutSeconds: number;
	maxRetries: number;
	/** The execution's cancel signal: stops waiting and retrying at once. */
	signal?: AbortSignal;
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** What the request does to ARGOS; by default read from the endpoint (see kindOf). */
	kind?: RequestKind;
	/**
	 * What a 2xx must carry: a JSON object (default), any JSON value (ID Check's duplicates list is an
	 * array), or bytes (ID Check's images), answered as `{ bytes, contentType }`.
	 */
	answer?: 'object' | 'json' | 'bytes';
}

/** A 2xx answer of an `answer: 'bytes'` request. */
export interface BytesAnswer extends IDataObject {
	bytes: Buffer;
	contentType: string;
}

/** Only reads and deletes may be repeated after an answer was lost; an add or an update may have happened. */
const REPEATABLE = new Set<RequestKind>(['read', 'delete']);

/** POST /modules/faces adds, DELETE deletes; a search (a POST too) and GET only read. */
export function kindOf(request: Pick<ApiRequest, 'method' | 'path' | 'kind'>): RequestKind {
	if (request.kind) return request.kind;
	if (request.method === 'DELETE') return 'delete';
	if (request.method === 'POST' && request.path === '/modules/faces') return 'add';
	return 'read';
}

type Attempt =
	| { ok: true; body: IDataObject | IDataObject[] }
	| { ok: false; info: FaceErrorInfo; retry: 'safe' | 'unavailable' | 'ambiguous' | 'ambiguous-final' | 'no' | 'cancelled'; retryAfterMs?: number };

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8000;
/** ARGOS's answers are a few kilobytes (a Get Many page of 50 faces); anything near this is not one. */
const MAX_ANSWER_BYTES = 16 * MEGABYTE;

/** A Retry-After longer than this is not waited for: the item fails and says so. */
export const RETRY_AFTER_CAP_MS = 60000;

/** The only errors that prove nothing reached the server: no connection was ever made. */
const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAI_NONAME', 'EAI_FAIL', 'ENETDOWN']);
const TIMEOUTS = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** Retry-After as seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const trimmed = String(text).trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter. */
export function backoffMs(retryNumber: number, random = Math.random): number {
	return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retryNumber - 1)));
}

/** The system error code behind a failed request, wherever n8n's wrapping put it. */
function systemCode(error: { code?: unknown; cause?: unknown; message?: unknown }): string {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$|^ERR_|^UND_/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	const message = String(error.message ?? '');
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up|reset/i.test(message)) return 'ECONNRESET';
	return 'UNKNOWN';
}

function classifyThrown(error: Error & { code?: unknown; cause?: unknown }, settings: ApiSettings): Attempt {
	const code = systemCode(error);
	if (settings.signal?.aborted || code === 'ERR_CANCELED') return { ok: false, info: cancelled(), retry: 'cancelled' };
	if (NEVER_REACHED.has(code)) return { ok: false, info: networkError('NETWORK_ERROR', code, settings.timeoutSeconds, settings.product.credentialName), retry: 'safe' };
	if (TIMEOUTS.has(code)) return { ok: false, info: networkError('TIMEOUT', code, settings.timeoutSeconds), retry: 'ambiguous' };
	// Anything else (a reset, a body cut off after its headers, an error never seen before) may have
	// happened after the server read the request.
	return { ok: false, info: networkError('CONNECTION_RESET', code === 'UNKNOWN' ? 'no answer' : code, settings.timeoutSeconds), retry: 'ambiguous' };
}

function parseJson(raw: unknown): unknown {
	const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
	if (text && typeof text === 'object') return text;
	if (typeof text !== 'string') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

const isObject = (value: unknown): value is IDataObject => !!value && typeof value === 'object' && !Array.isArray(value);

function classifyResponse(product: Product, operation: string, answer: ApiRequest['answer'], response: IN8nHttpFullResponse): Attempt {
	const status = response.statusCode;
	const ok = status >= 200 && status < 300;
	if (ok && answer === 'bytes' && Buffer.isBuffer(response.body)) {
		const type = response.headers?.['content-type'];
		// A JSON object is an error in disguise, or a body the node cannot use: judged below like any answer.
		const looksJson = /json/i.test(String(type ?? '')) || response.body.subarray(0, 1).toString() === '{';
		if (!looksJson) return { ok: true, body: { bytes: response.body, contentType: String(type ?? '') } };
	}
	const json = parseJson(response.body);
	const body = isObject(json) ? json : undefined;
	const hasErrorCode = body !== undefined && body.errorCode !== undefined && body.errorCode !== null;
	if (ok && answer === 'json' && Array.isArray(json)) return { ok: true, body: json as IDataObject[] };
	if (ok && body && !hasErrorCode && answer !== 'bytes') return { ok: true, body };
	// ARGOS's docs show errors only as 4xx. A 2xx that carries an errorCode contradicts itself: a write may
	// have been done, so it counts as ambiguous; an errorCode of an odd type is not understood at all.
	if (ok && body && parseErrorCode(body.errorCode) !== undefined) return { ok: false, info: product.errorFrom(operation, status, body), retry: 'ambiguous-final' };
	if (ok) return { ok: false, info: invalidResponse(status), retry: 'ambiguous' };
	if (status >= 300 && status < 400) return { ok: false, info: redirected(status, response.headers?.location, product.credentialName), retry: 'no' };
	const info = product.errorFrom(operation, status, body);
	const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
	// 429 comes from a rate limiter before any work. A 503 may come from a gateway whose backend already
	// read the request (an upstream reset), so it is safe to repeat only for what may be repeated anyway.
	if (status === 429) return { ok: false, info, retry: 'safe', retryAfterMs };
	if (status === 503) return { ok: false, info, retry: 'unavailable', retryAfterMs };
	if (status === 500 || status === 502 || status === 504) return { ok: false, info, retry: 'ambiguous' };
	return { ok: false, info, retry: 'no' };
}

/** One item's access to ARGOS; counts every request it makes. */
export class ArgosApi {
	attempts = 0;

	constructor(
		private readonly fn: IExecuteFunctions | IWebhookFunctions,
		private readonly settings: ApiSettings,
		readonly operation: string,
	) {}

	get maxRetries(): number {
		return this.settings.maxRetries;
	}

	get timeoutSeconds(): number {
		return this.settings.timeoutSeconds;
	}

	get signal(): AbortSignal | undefined {
		return this.settings.signal;
	}

	private async send(request: ApiRequest): Promise<Attempt> {
		this.attempts++;
		// n8n's timeout stops at the response headers, and n8n replaces a request's abort signal with the
		// execution's: the body is therefore read here, as a stream, within the same deadline and a size cap.
		const deadline = AbortSignal.timeout(this.settings.timeoutSeconds * 1000);
		const stop = this.settings.signal ? AbortSignal.any([deadline, this.settings.signal]) : deadline;
		const timedOut = (): Attempt => ({ ok: false, info: networkError('TIMEOUT', 'ETIMEDOUT', this.settings.timeoutSeconds), retry: 'ambiguous' });
		let response: IN8nHttpFullResponse & { body: BodyStream };
		try {
			response = (await this.fn.helpers.httpRequestWithAuthentication.call(this.fn, this.settings.product.credentialType, {
				method: request.method,
				url: `${this.settings.baseUrl}${request.path}`,
				qs: request.qs,
				body: request.body,
				json: true,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: this.settings.timeoutSeconds * 1000,
				disableFollowRedirect: true,
			})) as IN8nHttpFullResponse & { body: BodyStream };
		} catch (error) {
			return deadline.aborted && !this.settings.signal?.aborted ? timedOut() : classifyThrown(error as Error, this.settings);
		}
		const body = await readBody(response.body, MAX_ANSWER_BYTES, stop).then(
			(buffer) => ({ buffer }),
			(error: unknown) => ({ error }),
		);
		if ('buffer' in body) return classifyResponse(this.settings.product, this.operation, request.answer, { ...response, body: body.buffer });
		if (this.settings.signal?.aborted) return { ok: false, info: cancelled(), retry: 'cancelled' };
		if (deadline.aborted) return timedOut();
		if (body.error instanceof BodyTooLarge)
			return { ok: false, info: { ...invalidResponse(response.statusCode), message: `ARGOS's answer passed ${MAX_ANSWER_BYTES / MEGABYTE} MB and was not read further` }, retry: 'ambiguous' };
		// The connection broke while the body was arriving: the request itself had been received.
		return classifyThrown(body.error as Error, this.settings);
	}

	/** `maxRetries` overrides the item's Max Retries for this request (e.g. searches within a time window). */
	async request<T extends IDataObject | IDataObject[]>(request: ApiRequest, { maxRetries = this.settings.maxRetries } = {}): Promise<T> {
		const kind = kindOf(request);
		const lost = kind === 'read' ? undefined : this.settings.product.lostAnswer[kind];
		// A write counts as possibly done from its first ambiguous attempt on, whatever follows.
		let mayHaveHappened = false;
		const fail = (info: FaceErrorInfo) =>
			new FaceError({ ...(lost && mayHaveHappened ? outcomeUnknown(info, lost) : info), attempts: this.attempts });
		const stop = () => new FaceError({ ...(lost && mayHaveHappened ? cancelled(lost) : cancelled()), attempts: this.attempts });
		for (let retries = 0; ; retries++) {
			if (this.settings.signal?.aborted) throw stop();
			const attempt = await this.send(request);
			if (attempt.ok) return attempt.body as T;
			if (attempt.retry === 'cancelled') {
				// Cancelled with the request on its way: a write may have been carried out.
				mayHaveHappened = true;
				throw stop();
			}
			if (attempt.retry === 'ambiguous' || attempt.retry === 'ambiguous-final' || (attempt.retry === 'unavailable' && !REPEATABLE.has(kind))) mayHaveHappened = true;
			const mayRepeat = attempt.retry === 'safe' || ((attempt.retry === 'ambiguous' || attempt.retry === 'unavailable') && REPEATABLE.has(kind));
			const waitMs = attempt.retryAfterMs ?? backoffMs(retries + 1);
			if (!mayRepeat || retries >= maxRetries || waitMs > RETRY_AFTER_CAP_MS || this.settings.signal?.aborted) {
				throw fail(kind === 'read' && (attempt.retry === 'ambiguous' || attempt.retry === 'unavailable') ? readLost(attempt.info) : attempt.info);
			}
			// sleep rejects when the execution is cancelled; n8n 1.x's sleep ignores the signal, hence the re-check.
			const stopped = await sleep(waitMs, this.settings.signal).then(
				() => this.settings.signal?.aborted === true,
				() => true,
			);
			if (stopped) throw stop();
		}
	}
}
