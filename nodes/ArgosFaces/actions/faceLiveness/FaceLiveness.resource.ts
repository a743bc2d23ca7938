import type { INodeProperties } from 'n8n-workflow';

import * as check from './check.operation';

export { check };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['faceLiveness'] } },
		options: [
			{
				name: 'Check',
				value: 'check',
				description: 'Check that a selfie shows a live person, not a photo of a screen or a print',
				action: 'Check the liveness of a selfie',
			},
		],
		default: 'check',
	},
	...check.description,
];
