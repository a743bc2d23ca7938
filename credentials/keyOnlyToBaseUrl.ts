/**
 * How both ARGOS credentials add their x-api-key: to the Base URL's own origin only, over https or to
 * this machine, and never on a request that could be redirected.
 */
import type { IAuthenticate, ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function parse(baseUrl: unknown, fallback: string): URL | undefined {
	try {
		return new URL(String(baseUrl ?? '').trim() || fallback);
	} catch {
		return undefined;
	}
}

/** The key travels only over https, or over plain http to this machine. */
const isSecure = (url: URL) => url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));

export const INSECURE_BASE_URL =
	'The Base URL uses plain http:// to a host that is not this machine, so the API key is not sent. Use https:// (plain http:// is allowed only for localhost, e.g. the local sandbox).';

/**
 * Where the request really goes: a full `url`, or (credential test) `baseURL` plus a path, or `uri` for
 * nodes on n8n's older request helper (requestWithAuthentication, used by the HTTP Request node).
 */
function requestedOrigin(options: IHttpRequestOptions & { uri?: unknown }): string | undefined {
	try {
		return new URL(String(options.url ?? options.uri ?? ''), options.baseURL ? String(options.baseURL) : undefined).origin;
	} catch {
		return undefined;
	}
}

/**
 * A function, not a generic expression: generic expressions see only $credentials, not the URL being
 * requested, so they cannot stop another node (e.g. HTTP Request reusing this credential) from sending
 * the key elsewhere. The key goes only to the Base URL's own origin, and only over https or to loopback.
 */
export const keyOnlyToBaseUrl =
	(defaultBaseUrl: string): IAuthenticate =>
	async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
	const base = parse(credentials.baseUrl, defaultBaseUrl);
	if (base === undefined || requestedOrigin(requestOptions) !== base.origin) return requestOptions;
	// A request to the Base URL itself over plain http to another machine: say why instead of sending it
	// without the key, so the credential test (and any node using the credential) gives the real reason.
	if (!isSecure(base)) throw new Error(INSECURE_BASE_URL);
	// A redirect would carry the header to wherever it points (n8n's redirect handling strips only
	// Authorization and cookies on a cross-origin hop), so a request that carries the key is never
	// redirected: disableFollowRedirect for n8n's httpRequest, followRedirect(s) for the older request helper.
	return {
		...requestOptions,
		disableFollowRedirect: true,
		followRedirect: false,
		followAllRedirects: false,
		headers: { ...requestOptions.headers, 'x-api-key': String(credentials.apiKey ?? '') },
	} as IHttpRequestOptions;
};

