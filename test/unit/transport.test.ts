import { backoffMs, normaliseBaseUrl, parseRetryAfter, RETRY_AFTER_CAP_MS } from '../../nodes/shared/transport';
import { FaceError } from '../../nodes/shared/errors';
import { FACES } from '../../nodes/ArgosFaces/product';
import { setTimeout } from '../support/builtins';

describe('Base URL rule', () => {
	it.each([
		['https://idverify-api.argosidentity.com', 'https://idverify-api.argosidentity.com'],
		['https://idverify-api.argosidentity.com/', 'https://idverify-api.argosidentity.com'],
		['  https://idverify-api.argosidentity.com/modules/ ', 'https://idverify-api.argosidentity.com'],
		['https://proxy.example.com/argos', 'https://proxy.example.com/argos'],
		['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
		['http://localhost:8787/modules', 'http://localhost:8787'],
		['http://[::1]:8787', 'http://[::1]:8787'],
		['', 'https://idverify-api.argosidentity.com'],
	])('%j → %s', (input, expected) => {
		expect(normaliseBaseUrl(input)).toBe(expected);
	});

	it.each([
		['http://idverify-api.argosidentity.com', 'BASE_URL_INSECURE'],
		['http://192.168.1.10:8787', 'BASE_URL_INSECURE'],
		['http://localhost.example.com', 'BASE_URL_INSECURE'],
		['ftp://example.com', 'BASE_URL_INVALID'],
		['idverify-api.argosidentity.com', 'BASE_URL_INVALID'],
	])('%s is refused with %s, a fatal error', (input, code) => {
		let caught: unknown;
		try {
			normaliseBaseUrl(input);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(FaceError);
		expect((caught as FaceError).info.code).toBe(code);
		expect((caught as FaceError).fatal).toBe(true);
	});
});

describe('retry timing', () => {
	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-11-26T12:00:00Z');
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter(['0.5'], now)).toBe(500);
		expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:03 GMT', now)).toBe(3000);
		expect(parseRetryAfter('Thu, 26 Nov 2026 11:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
		expect(RETRY_AFTER_CAP_MS).toBe(60000);
	});

	it('backs off exponentially with full jitter, capped', () => {
		expect(backoffMs(1, () => 0.999)).toBe(499);
		expect(backoffMs(2, () => 0.999)).toBe(999);
		expect(backoffMs(3, () => 0.5)).toBe(1000);
		expect(backoffMs(10, () => 0.999)).toBe(7992);
		expect(backoffMs(4, () => 0)).toBe(0);
	});
});

describe('cancellation', () => {
	it('stops waiting for Retry-After as soon as the execution is cancelled', async () => {
		const { ArgosApi } = await import('../../nodes/shared/transport');
		const controller = new AbortController();
		let sent = 0;
		// The smallest stand-in for n8n's execute context: only the HTTP helper, answering 429 with Retry-After 30 s.
		const fn = {
			helpers: {
				httpRequestWithAuthentication: async () => {
					sent++;
					return { statusCode: 429, headers: { 'retry-after': '30' }, body: { message: 'slow down' } };
				},
			},
		};
		const api = new ArgosApi(fn as never, { product: FACES, baseUrl: 'https://x', timeoutSeconds: 30, maxRetries: 3, signal: controller.signal }, 'add');
		const started = Date.now();
		setTimeout(() => controller.abort(), 50);
		await expect(api.request({ method: 'POST', path: '/modules/faces', body: {} })).rejects.toMatchObject({
			info: { code: 'CANCELLED', attempts: 1 },
		});
		expect(Date.now() - started).toBeLessThan(1000);
		expect(sent).toBe(1);
	});
});

describe('retry classes are a property of the request', () => {
	const { ArgosApi, kindOf } = jest.requireActual<typeof import('../../nodes/shared/transport')>('../../nodes/shared/transport');

	it('POST /modules/faces adds, DELETE deletes, a search and GET read', () => {
		expect(kindOf({ method: 'POST', path: '/modules/faces' })).toBe('add');
		expect(kindOf({ method: 'DELETE', path: '/modules/faces' })).toBe('delete');
		expect(kindOf({ method: 'POST', path: '/modules/search' })).toBe('read');
		expect(kindOf({ method: 'GET', path: '/modules/faces' })).toBe('read');
	});

	/** The smallest stand-in for n8n's execute context: only the HTTP helper, throwing the given error every time. */
	function throwing(code: string) {
		const calls = { sent: 0 };
		const fn = {
			helpers: {
				httpRequestWithAuthentication: async () => {
					calls.sent++;
					throw Object.assign(new Error(`request failed: ${code}`), { code });
				},
			},
		};
		return { api: new ArgosApi(fn as never, { product: FACES, baseUrl: 'https://x', timeoutSeconds: 30, maxRetries: 1 }, 'add'), calls };
	}

	it.each(['ERR_BAD_RESPONSE', 'ECONNRESET', 'ESOMETHINGNEW', 'ERR_STREAM_PREMATURE_CLOSE'])('%s is ambiguous: an Add is sent once', async (code) => {
		const { api, calls } = throwing(code);
		await expect(api.request({ method: 'POST', path: '/modules/faces', body: {} })).rejects.toMatchObject({
			info: { code: 'CONNECTION_RESET', outcomeUnknown: true, attempts: 1 },
		});
		expect(calls.sent).toBe(1);
	});

	it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])('%s proves nothing was sent: repeated', async (code) => {
		const { api, calls } = throwing(code);
		await expect(api.request({ method: 'POST', path: '/modules/faces', body: {} })).rejects.toMatchObject({
			info: { code: 'NETWORK_ERROR', outcomeUnknown: false, attempts: 2 },
		});
		expect(calls.sent).toBe(2);
	});
});

describe('URLs in messages', () => {
	it('lose user name, password, query and fragment, parsed or not', async () => {
		const { urlForDisplay } = await import('../../nodes/shared/errors');
		expect(urlForDisplay('http://admin:S3CRET@proxy.example.com/?token=T0KEN#x')).toBe('http://proxy.example.com');
		expect(urlForDisplay('https://u@h.example.com:8443/argos?k=1')).toBe('https://h.example.com:8443/argos');
		expect(urlForDisplay('http://admin:S3CRET@bad host/?token=T0KEN')).toBe('http://bad host/');
		expect(urlForDisplay('admin:S3CRET@bad host?token=T0KEN')).toBe('bad host');
	});
});
