/** DELETE /modules/faces — https://developers.argosidentity.com/en/verify/face_id/api_reference/delete-face */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ArgosApi } from '../../transport';
import { collectionIdField, optionsCollection, requestOptions, requiredText } from '../common.descriptions';

const properties: INodeProperties[] = [
	collectionIdField,
	{
		displayName: 'Face ID',
		name: 'faceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '={{ $json.faceId }}',
		description: 'The faceId returned by Add or Get Many',
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['face'], operation: ['deleteFace'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const collectionId = requiredText.call(this, itemIndex, 'collectionId', 'Collection ID');
	const faceId = requiredText.call(this, itemIndex, 'faceId', 'Face ID');
	await api.request({ method: 'DELETE', path: '/modules/faces', qs: { collectionId, faceId } });
	return [{ deleted: true, faceId, collectionId }];
}
