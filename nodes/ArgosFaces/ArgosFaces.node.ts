import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as face from './actions/face/Face.resource';
import { router } from './actions/router';

export class ArgosFaces implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Argos Faces',
		name: 'argosFaces',
		icon: { light: 'file:argosFaces.svg', dark: 'file:argosFaces.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Enrol, search, list and delete faces in an ARGOS Identity Face ID collection',
		defaults: { name: 'Argos Faces' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Success', 'Failed'],
		// As an AI tool, Search, Get Many and Delete work; Add and Search need the photo as a base64 string.
		usableAsTool: true,
		credentials: [{ name: 'argosFacesApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Face', value: 'face' }],
				default: 'face',
			},
			...face.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
