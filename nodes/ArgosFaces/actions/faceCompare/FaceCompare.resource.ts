import type { INodeProperties } from 'n8n-workflow';

import * as compare from './compare.operation';

export { compare };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['faceCompare'] } },
		options: [
			{
				name: 'Compare',
				value: 'compare',
				description: 'Check that a selfie and the portrait on an ID document show the same person',
				action: 'Compare two faces',
			},
		],
		default: 'compare',
	},
	...compare.description,
];
