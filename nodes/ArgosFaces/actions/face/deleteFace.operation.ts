/** DELETE /modules/faces — https://developers.argosidentity.com/en/verify/face_id/api_reference/delete-face */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ArgosApi } from '../../../shared/transport';
import { FaceError, localError } from '../../../shared/errors';
import type { FaceListResponse } from '../../../shared/helpers/interfaces';
import { collectionIdField, optionsCollection, pick, requestOptions, requiredText } from '../../../shared/descriptions';

const properties: INodeProperties[] = [
	collectionIdField,
	{
		displayName: 'Face ID',
		name: 'faceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'face_3a9fbc665af211ec',
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
		// Checked, not assumed: a "not found" that is wrong would leave a face that was asked to be erased.
		if (await stillListed(api, collectionId, faceId)) throw localError('DELETE_NOT_CONFIRMED', { faceId });
		return [{ deleted: true, alreadyGone: true, faceId, collectionId, attempts: api.attempts }];
	}
	throw failure;
}

/** Whether Get Many still lists the face; when the list cannot be read, it may be (so: true). */
async function stillListed(api: ArgosApi, collectionId: string, faceId: string): Promise<boolean> {
	const body = await api.request<FaceListResponse & IDataObject>({ method: 'GET', path: '/modules/faces', qs: { collectionId, page: 1, term: faceId } }).catch(() => undefined);
	if (!body || !Array.isArray(body.result)) return true;
	return (body.result as IDataObject[]).some((raw) => pick(raw, 'face_id', 'faceId') === faceId);
}

/** Delete's "face not found" codes (6031/6032 mean other things on Delete, see errors/faceId.ts). */
const FACE_NOT_FOUND = new Set<number | string>([6021, 6022]);
