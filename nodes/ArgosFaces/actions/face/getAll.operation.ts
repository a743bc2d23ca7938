/** GET /modules/faces — https://developers.argosidentity.com/en/verify/face_id/api_reference/get-faces */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FaceListResponse } from '../../../shared/helpers/interfaces';
import type { ArgosApi } from '../../../shared/transport';
import { FaceError, invalidResponse, localError } from '../../../shared/errors';
import {
	collectionIdField,
	optionsCollection,
	parameterError,
	pick,
	readBoolean,
	readInteger,
	readText,
	requestOptions,
	requiredText,
	toNumber,
} from '../../../shared/descriptions';

export const PAGE_SIZE = 50;
/** Bounds requests and memory when a server pages without end: 1,000 pages are 50,000 faces. */
export const MAX_PAGES = 1000;

const properties: INodeProperties[] = [
	collectionIdField,
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	optionsCollection([
		{
			displayName: 'Filter by Face ID',
			name: 'term',
			type: 'string',
			default: '',
			description: 'Only faces whose faceId contains this text (at least 5 characters)',
		},
		...requestOptions,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['face'], operation: ['getAll'] } }, properties);

/**
 * ARGOS pages have no cursor: pages are 1-based, 50 faces each, and totalCount (a string or a number)
 * may be missing. Stop at an empty or short page, at totalCount, or once the limit is reached.
 */
export function needsNextPage(p: { page: number; pageItems: number; collected: number; totalCount?: number; limit?: number }): boolean {
	if (p.pageItems === 0 || p.pageItems < PAGE_SIZE) return false;
	if (p.limit !== undefined && p.collected >= p.limit) return false;
	if (p.totalCount !== undefined && p.page * PAGE_SIZE >= p.totalCount) return false;
	return true;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const collectionId = requiredText.call(this, itemIndex, 'collectionId', 'Collection ID');
	const returnAll = readBoolean.call(this, itemIndex, 'returnAll', 'Return All', false);
	const limit = returnAll ? undefined : readInteger.call(this, itemIndex, 'limit', 'Limit', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 50 });
	const term = readText.call(this, itemIndex, 'options.term', 'Filter by Face ID');
	if (term && term.length < 5) throw parameterError.call(this, 'options.term', localError('TERM_TOO_SHORT', { term }));
	const faces: IDataObject[] = [];
	const seen = new Set<string>();
	for (let page = 1; ; page++) {
		const body = await api.request<FaceListResponse & IDataObject>({
			method: 'GET',
			path: '/modules/faces',
			qs: { collectionId, page, ...(term && { term }) },
		});
		// A list that is not a list is not an empty collection: read that way, faces would go unlisted.
		if (!Array.isArray(body.result)) throw new FaceError({ ...invalidResponse(200), message: 'ARGOS answered Get Many without a list of faces (result)' });
		const result = body.result;
		let fresh = 0;
		for (const raw of result as IDataObject[]) {
			const faceId = pick(raw, 'face_id', 'faceId');
			// A face seen on an earlier page (the list shifted, or the page was sent again) is listed once.
			if (faceId !== undefined && seen.has(faceId)) continue;
			if (faceId !== undefined) seen.add(faceId);
			fresh++;
			faces.push({
				faceId,
				metaFaceId: pick(raw, 'meta_face_id', 'metaFaceId'),
				userName: pick(raw, 'user_name', 'userName'),
				collectionId: pick(raw, 'collection_id', 'collectionId') ?? collectionId,
				createdAt: pick(raw, 'create_time', 'createTime', 'createdAt'),
			});
		}
		const totalCount = toNumber(body.totalCount);
		// A count below what was listed contradicts the list: stopping there would cut it short unsaid.
		if (totalCount !== undefined && seen.size > totalCount)
			throw localError('LIST_NOT_ENDING', { pages: page, reason: `ARGOS said the collection holds ${totalCount} faces but listed ${seen.size}` });
		const more = needsNextPage({ page, pageItems: result.length, collected: faces.length, totalCount, limit });
		if (!more) break;
		// A full page with nothing new: the server ignores `page` and would answer the same forever.
		if (fresh === 0) throw localError('LIST_NOT_ENDING', { pages: page, reason: `page ${page} repeated faces already listed` });
		if (page >= MAX_PAGES)
			throw localError('LIST_NOT_ENDING', { pages: page, reason: `the collection has more than ${MAX_PAGES * PAGE_SIZE} faces, or ARGOS never reported the last page` });
	}
	return limit === undefined ? faces : faces.slice(0, limit);
}
