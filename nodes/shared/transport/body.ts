/**
 * Reads an answer's body as a stream, so that neither a body that trickles in nor one without end can hold
 * an item: n8n's own timeout stops once the headers have arrived, and it buffers bodies without a limit.
 */

export type BodyStream = AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void };

/** The body passed the byte limit: reading stopped there. */
export class BodyTooLarge extends Error {
	constructor(readonly bytes: number) {
		super(`the answer passed ${bytes} bytes`);
		this.name = 'BodyTooLarge';
	}
}

/**
 * Collects the body, stopping (and destroying the stream) past maxBytes or when `abort` fires. A body that
 * is already in memory (an n8n version or a proxy helper that buffered it) is taken as it is.
 */
export async function readBody(body: BodyStream | Buffer | string | object | undefined, maxBytes: number, abort: AbortSignal): Promise<Buffer> {
	if (!isStream(body)) {
		const buffer = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body));
		if (buffer.length > maxBytes) throw new BodyTooLarge(buffer.length);
		return buffer;
	}
	const chunks: Buffer[] = [];
	let total = 0;
	// A stalled body ends only when its stream is destroyed; that also ends the loop below.
	const stop = () => body.destroy?.(new Error('aborted'));
	if (abort.aborted) stop();
	abort.addEventListener('abort', stop, { once: true });
	try {
		for await (const chunk of body) {
			const piece = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			total += piece.length;
			if (total > maxBytes) {
				body.destroy?.();
				throw new BodyTooLarge(total);
			}
			chunks.push(piece);
		}
	} finally {
		abort.removeEventListener('abort', stop);
	}
	return Buffer.concat(chunks, total);
}

function isStream(body: unknown): body is BodyStream {
	return !!body && typeof body === 'object' && Symbol.asyncIterator in body && !Buffer.isBuffer(body);
}
