/** DELETE /modules/faces — https://developers.argosidentity.com/en/verify/face_id/api_reference/delete-face */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ArgosApi } from '../../transport';
import { FaceError } from '../../errors';
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
	const failure = await api.request({ method: 'DELETE', path: '/modules/faces', qs: { collectionId, faceId } }).then(
		() => undefined,
		(error: unknown) => error,
	);
	if (failure === undefined) return [{ deleted: true, faceId, collectionId }];
	// Delete is repeated after an answer was lost; "not found" then means the lost attempt did the work.
	if (failure instanceof FaceError && failure.info.outcomeUnknown && FACE_NOT_FOUND.has(failure.info.code)) {
		return [{ deleted: true, alreadyGone: true, faceId, collectionId, attempts: api.attempts }];
	}
	throw failure;
}

/** Delete's "face not found" codes (6031/6032 mean other things on Delete, see errors/faceId.ts). */
const FACE_NOT_FOUND = new Set<number | string>([6021, 6022]);
