import type { INodeProperties } from 'n8n-workflow';

import * as checkLiveness from './checkLiveness.operation';
import * as read from './read.operation';

export { checkLiveness, read };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['idDocument'] } },
		options: [
			{
				name: 'Check Liveness',
				value: 'checkLiveness',
				description: 'Check that a photo shows the original ID document, not a screen, a print or a pasted portrait',
				action: 'Check the liveness of an ID document',
			},
			{
				name: 'Read (OCR)',
				value: 'read',
				description: 'Read the name, birth date, ID number and dates printed on an ID document, each with ARGOS\'s confidence score',
				action: 'Read an ID document',
			},
		],
		default: 'checkLiveness',
	},
	...checkLiveness.description,
	...read.description,
];
