/**
 * Fetches an image by URL for "Image Source: URL". Through n8n's plain httpRequest helper, never with the
 * ARGOS credential, so the key cannot reach the image host; n8n's proxy and SSRF settings apply as to
 * any request it makes. The body is read as a stream and dropped as soon as it passes the size limit,
 * and the whole download (redirects included) is bounded in time.
 *
 * Redirects are followed here, not by n8n, so every hop can be checked before it is requested: as an
 * AI-agent tool the link comes from the model, and a public link may redirect into the private network.
 * Followed the same way in every mode, so there is one code path; only the private-host check is the tool's.
 *
 * Messages name the host only: a signed link's query string or a user:password@ part stays out of them.
 */
import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { FaceError, localError, MEGABYTE } from '../errors';
import { type BodyStream, BodyTooLarge, readBody } from './body';
import { privateHostKind } from './privateHost';

const megabytes = (bytes: number) => Math.round((bytes / MEGABYTE) * 100) / 100;

export interface DownloadSettings {
	/** The body is abandoned when it passes this many bytes. */
	maxBytes: number;
	timeoutSeconds: number;
	/** The execution's cancel signal. */
	signal?: AbortSignal;
	/** Refuse links, and redirect targets, to this machine, private networks and local names (tool mode). */
	refusePrivateHosts?: boolean;
	/** Give every failed download the same text, so failures do not map the network (tool mode). */
	withholdFailureCause?: boolean;
}

export interface Downloaded {
	buffer: Buffer;
	/** host[:port], safe to show. */
	host: string;
}

const MAX_REDIRECTS = 5;

/** The statuses browsers follow; 300 and 304 are not redirects to follow. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Parses the URL; the message never repeats the value, which may hold a token. */
export function parseImageUrl(raw: string): URL {
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		throw localError('IMAGE_URL_INVALID', { reason: 'is not a valid address (it must start with http:// or https://)' });
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw localError('IMAGE_URL_INVALID', { reason: `uses ${url.protocol.replace(/:$/, '')}:, not http:// or https://` });
	return url;
}

/**
 * The system error code behind a failed request, wherever n8n's wrapping put it; never its message, which
 * may repeat the URL. n8n's SSRF protection throws errors named Ssrf…, without a code.
 */
function errorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		if (/^Ssrf/.test(String((current as { name?: unknown }).name))) return 'SSRF_BLOCKED';
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function headerNumber(value: unknown): number | undefined {
	const n = Number(Array.isArray(value) ? value[0] : value);
	return typeof value !== 'undefined' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

type Body = BodyStream;

/** The body within the size limit; past it IMAGE_TOO_LARGE, as the option promises. */
async function readLimited(body: Body, maxBytes: number, abort: AbortSignal): Promise<Buffer> {
	return await readBody(body, maxBytes, abort).catch((error: unknown) => {
		throw error instanceof BodyTooLarge ? localError('IMAGE_TOO_LARGE', { bytes: error.bytes, maxMb: megabytes(maxBytes), stopped: true }) : error;
	});
}

/** The next hop of a redirect, resolved against the URL that answered it, as browsers do. */
function redirectTarget(location: string, current: URL): URL | undefined {
	try {
		const next = new URL(location, current);
		return next.protocol === 'http:' || next.protocol === 'https:' ? next : undefined;
	} catch {
		return undefined;
	}
}

export async function downloadImage(fn: IExecuteFunctions, rawUrl: string, settings: DownloadSettings): Promise<Downloaded> {
	const url = parseImageUrl(rawUrl);
	const host = url.host;
	const timeoutMs = settings.timeoutSeconds * 1000;
	const deadline = AbortSignal.timeout(timeoutMs);
	const abort = settings.signal ? AbortSignal.any([deadline, settings.signal]) : deadline;
	const failed = (detail: { status?: number; problem?: string }) =>
		settings.withholdFailureCause
			? localError('IMAGE_DOWNLOAD_FAILED', { causeWithheld: true })
			: localError('IMAGE_DOWNLOAD_FAILED', { host, timeoutSeconds: settings.timeoutSeconds, ...detail });
	try {
		const response = await followRedirects();
		const body = response.body;
		if (response.statusCode < 200 || response.statusCode >= 300) {
			body?.destroy?.();
			throw failed({ status: response.statusCode });
		}
		const declared = headerNumber(response.headers?.['content-length']);
		if (declared !== undefined && declared > settings.maxBytes) {
			body?.destroy?.();
			throw localError('IMAGE_TOO_LARGE', { bytes: declared, maxMb: megabytes(settings.maxBytes) });
		}
		return { buffer: await readLimited(body, settings.maxBytes, abort), host };
	} catch (error) {
		throw asDownloadError(error);
	}

	/** The answer that is not a redirect; each hop is checked before it is requested. */
	async function followRedirects(): Promise<IN8nHttpFullResponse & { body: Body }> {
		let hop = url;
		for (let redirects = 0; ; redirects++) {
			if (settings.refusePrivateHosts && privateHostKind(hop.hostname)) throw localError('IMAGE_URL_REFUSED', undefined);
			const response = (await fn.helpers.httpRequest({
				method: 'GET',
				url: hop.href,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: timeoutMs,
				abortSignal: abort,
				headers: { accept: 'image/jpeg, image/png, image/webp, image/*;q=0.8, */*;q=0.5' },
			})) as IN8nHttpFullResponse & { body: Body };
			const location = response.headers?.location;
			if (!REDIRECTS.has(response.statusCode) || typeof location !== 'string' || location === '') return response;
			// Nobody reads a redirect's body; left open it would hold the connection.
			response.body?.destroy?.();
			if (redirects >= MAX_REDIRECTS) throw failed({ problem: `more than ${MAX_REDIRECTS} redirects` });
			const next = redirectTarget(location, hop);
			if (!next) throw failed({ problem: 'redirected to an address that is not http or https' });
			hop = next;
		}
	}

	function asDownloadError(error: unknown): FaceError {
		if (error instanceof FaceError) return error;
		if (settings.signal?.aborted) return localError('CANCELLED', undefined);
		if (deadline.aborted) return failed({ problem: 'timeout' });
		const code = errorCode(error);
		if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT') return failed({ problem: 'timeout' });
		if (code === 'SSRF_BLOCKED') return failed({ problem: "blocked by n8n's SSRF protection" });
		return failed({ problem: code ?? 'the connection failed' });
	}
}
