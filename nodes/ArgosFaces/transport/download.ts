/**
 * Fetches an image by URL for "Image Source: URL". Through n8n's plain httpRequest helper, never with the
 * ARGOS credential, so the key cannot reach the image host; n8n's proxy and SSRF settings apply as to
 * any request it makes. The body is read as a stream and dropped as soon as it passes the size limit,
 * and the whole download (redirects included) is bounded in time.
 *
 * Messages name the host only: a signed link's query string or a user:password@ part stays out of them.
 */
import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { FaceError, localError, MEGABYTE } from '../errors';

const megabytes = (bytes: number) => Math.round((bytes / MEGABYTE) * 100) / 100;

export interface DownloadSettings {
	/** The body is abandoned when it passes this many bytes. */
	maxBytes: number;
	timeoutSeconds: number;
	/** The execution's cancel signal. */
	signal?: AbortSignal;
}

export interface Downloaded {
	buffer: Buffer;
	/** host[:port], safe to show. */
	host: string;
}

const MAX_REDIRECTS = 5;

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

type Body = AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void };

async function readLimited(body: Body, maxBytes: number, abort: AbortSignal): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	// A stalled body is not ended by the request's own timeout; destroying the stream ends the loop.
	const stop = () => body.destroy?.(new Error('aborted'));
	abort.addEventListener('abort', stop, { once: true });
	try {
		for await (const chunk of body) {
			const piece = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			total += piece.length;
			if (total > maxBytes) {
				body.destroy?.();
				throw localError('IMAGE_TOO_LARGE', { bytes: total, maxMb: megabytes(maxBytes), stopped: true });
			}
			chunks.push(piece);
		}
	} finally {
		abort.removeEventListener('abort', stop);
	}
	return Buffer.concat(chunks, total);
}

export async function downloadImage(fn: IExecuteFunctions, rawUrl: string, settings: DownloadSettings): Promise<Downloaded> {
	const url = parseImageUrl(rawUrl);
	const host = url.host;
	const timeoutMs = settings.timeoutSeconds * 1000;
	const deadline = AbortSignal.timeout(timeoutMs);
	const abort = settings.signal ? AbortSignal.any([deadline, settings.signal]) : deadline;
	const failed = (detail: { status?: number; problem?: string }) =>
		localError('IMAGE_DOWNLOAD_FAILED', { host, timeoutSeconds: settings.timeoutSeconds, ...detail });
	try {
		const response = (await fn.helpers.httpRequest({
			method: 'GET',
			url: url.href,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			maxRedirects: MAX_REDIRECTS,
			timeout: timeoutMs,
			abortSignal: abort,
			headers: { accept: 'image/jpeg, image/png, image/webp, image/*;q=0.8, */*;q=0.5' },
		})) as IN8nHttpFullResponse & { body: Body };
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

	function asDownloadError(error: unknown): FaceError {
		if (error instanceof FaceError) return error;
		if (settings.signal?.aborted) return localError('CANCELLED', undefined);
		if (deadline.aborted) return failed({ problem: 'timeout' });
		const code = errorCode(error);
		if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT') return failed({ problem: 'timeout' });
		if (code === 'SSRF_BLOCKED') return failed({ problem: "blocked by n8n's SSRF protection" });
		if (code === 'ERR_FR_TOO_MANY_REDIRECTS') return failed({ problem: `more than ${MAX_REDIRECTS} redirects` });
		return failed({ problem: code ?? 'the connection failed' });
	}
}
