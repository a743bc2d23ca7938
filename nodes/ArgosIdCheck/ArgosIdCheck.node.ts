import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { makeRouter } from '../shared/router';
import * as submission from './actions/submission/Submission.resource';
import { ID_CHECK } from './product';

const router = makeRouter(ID_CHECK, { submission });

export class ArgosIdCheck implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Argos ID Check',
		name: 'argosIdCheck',
		icon: { light: 'file:argosIdCheck.svg', dark: 'file:argosIdCheck.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Get, list, review, update and erase ARGOS ID Check submissions, with their images',
		defaults: { name: 'Argos ID Check' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Success', 'Failed'],
		usableAsTool: true,
		credentials: [{ name: 'argosIdCheckApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Submission', value: 'submission', description: 'An applicant\'s pass through ARGOS ID Check (Liveform)' }],
				default: 'submission',
			},
			...submission.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
