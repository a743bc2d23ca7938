import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as face from './actions/face/Face.resource';
import * as faceCompare from './actions/faceCompare/FaceCompare.resource';
import * as faceLiveness from './actions/faceLiveness/FaceLiveness.resource';
import * as idDocument from './actions/idDocument/IdDocument.resource';
import { makeRouter } from '../shared/router';
import { FACES } from './product';

const router = makeRouter(FACES, { face, faceLiveness, faceCompare, idDocument });

export class ArgosFaces implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Argos Faces',
		name: 'argosFaces',
		icon: { light: 'file:argosFaces.svg', dark: 'file:argosFaces.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Enrol, search, list and delete faces in an ARGOS Identity Face ID collection; check selfie liveness, compare a selfie with an ID portrait, check an ID document',
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
				options: [
					{ name: 'Face', value: 'face', description: 'Face ID: enrol and search faces in a collection' },
					{ name: 'Face Compare', value: 'faceCompare', description: 'Whether a selfie and an ID portrait show the same person' },
					{ name: 'Face Liveness', value: 'faceLiveness', description: 'Whether a selfie shows a live person' },
					{ name: 'ID Document', value: 'idDocument', description: 'Whether an ID photo shows the original document' },
				],
				default: 'face',
			},
			...face.description,
			...faceLiveness.description,
			...faceCompare.description,
			...idDocument.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
