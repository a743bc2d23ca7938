import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { keyOnlyToBaseUrl } from './keyOnlyToBaseUrl';

export { INSECURE_BASE_URL } from './keyOnlyToBaseUrl';

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

	authenticate = keyOnlyToBaseUrl('https://idverify-api.argosidentity.com');

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
