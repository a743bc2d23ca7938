import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function parse(baseUrl: unknown): URL | undefined {
	try {
		return new URL(String(baseUrl ?? '').trim() || 'https://idverify-api.argosidentity.com');
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
const authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => {
	const base = parse(credentials.baseUrl);
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

export class ArgosFacesApi implements ICredentialType {
	name = 'argosFacesApi';

	displayName = 'Argos Faces API';

	icon = {
		light: 'file:../nodes/ArgosFaces/argosFaces.svg',
		dark: 'file:../nodes/ArgosFaces/argosFaces.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/argos-faces/n8n-nodes-argos-faces#set-up-the-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The x-api-key from your ARGOS Identity dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://idverify-api.argosidentity.com',
			required: true,
			description:
				'Change only for a proxy or the local sandbox (e.g. http://127.0.0.1:8787). Must be https://, except for localhost.',
		},
	];

	authenticate = authenticate;

	// ARGOS has no cheap call that answers 2xx without a collection, so the test lists faces without a
	// collectionId: a valid key gets 400 (6024 "CollectionId is required"), a rejected one 403 with 6039/6040.
	// errorCode arrives as a number or a string depending on the endpoint's generation, hence both rules.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "").replace(/\\/modules$/, "") }}',
			url: '/modules/faces',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			...[6039, '6039'].map((value) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'errorCode',
					value,
					message:
						'ARGOS received no API key (6039). Fill in the API Key field. If the Base URL starts with http://, change it to https:// — the key is only sent over plain http to localhost.',
				},
			})),
			...[6040, '6040'].map((value) => ({
				type: 'responseSuccessBody' as const,
				properties: {
					key: 'errorCode',
					value,
					message:
						'ARGOS rejected the API key (6040: API Key is unavailable). Copy the key again from the ARGOS dashboard, and check that it is active and that this server\'s IP is allowed.',
				},
			})),
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errorCode',
					value: undefined,
					message:
						'The Base URL did not answer like the ARGOS API (no errorCode in the reply). Check the Base URL: the default is https://idverify-api.argosidentity.com',
				},
			},
		],
	};
}
