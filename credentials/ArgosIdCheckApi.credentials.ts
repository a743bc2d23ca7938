import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { keyOnlyToBaseUrl } from './keyOnlyToBaseUrl';

export class ArgosIdCheckApi implements ICredentialType {
	name = 'argosIdCheckApi';

	displayName = 'Argos ID Check API';

	icon = {
		light: 'file:../nodes/ArgosIdCheck/argosIdCheck.svg',
		dark: 'file:../nodes/ArgosIdCheck/argosIdCheck.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/argos-faces/n8n-nodes-argos-faces#argos-id-check';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key of your ID Check project (ARGOS ID Check dashboard → Settings → Access Management)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://rest-api.argosidentity.com',
			required: true,
			description:
				'Change only for a proxy or the local sandbox (e.g. http://127.0.0.1:8787). Must be https://, except for localhost.',
		},
		{
			displayName: 'Webhook Decryption',
			name: 'webhookDecryption',
			type: 'options',
			options: [
				{ name: 'Try Each Recipe (Auto)', value: 'auto', description: 'Tries the recipes below in order and keeps the first that gives an ARGOS event' },
				{ name: 'AES-256-ECB, SHA-256 of the Key, Base64', value: 'ecb-sha256-base64' },
				{ name: 'AES-256-ECB, First 32 Bytes of the Key, Base64', value: 'ecb-raw32-base64' },
				{ name: 'AES-256-ECB, SHA-256 of the Key, Hex', value: 'ecb-sha256-hex' },
				{ name: 'AES-256-GCM, SHA-256 of the Key, Base64 (Nonce ‖ Data ‖ Tag)', value: 'gcm-sha256-base64' },
			],
			default: 'auto',
			description:
				'Only for the Argos ID Check Trigger, when "Secure Data Transmission" is on in the ARGOS project: how its encrypted webhook bodies ({"data": …}) are read. ARGOS does not publish the exact recipe; these are inferred from its docs (see the README).',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only if ARGOS issued your project a separate secretKey for encryption; empty: the API key is used',
		},
	];

	authenticate = keyOnlyToBaseUrl('https://rest-api.argosidentity.com');

	// One submission at most: a working key answers 200 with an Items list (empty for a new project); a
	// rejected key gets the gateway's 403 "Forbidden", an address outside the project's allow-list its
	// "explicit deny".
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "").replace(/\\/v3$/, "") }}',
			url: '/v3/submission',
			qs: { count: '1' },
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'Forbidden',
					message:
						'ARGOS rejected the API key (403 Forbidden). Copy the project API key again from the ARGOS ID Check dashboard. If the Base URL starts with http://, change it to https:// — the key is only sent over plain http to localhost.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'User is not authorized to access this resource with an explicit deny',
					message:
						'ARGOS refused this server\'s IP address: the project allows API calls only from listed addresses. Add this n8n server\'s public IP in the ARGOS dashboard.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'Items',
					value: undefined,
					message:
						'The Base URL did not answer like ARGOS ID Check (no Items list). Check the Base URL (default https://rest-api.argosidentity.com). If "Secure Data Transmission" is on for the project, its answers are encrypted and this node cannot read them.',
				},
			},
		],
	};
}
