/** POST /modules/search — https://developers.argosidentity.com/en/verify/face_id/api_reference/search-face */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SearchMatch, SearchOutput, SearchResponse } from '../../../shared/helpers/interfaces';
import { FaceError, invalidResponse } from '../../../shared/errors';
import type { ArgosApi } from '../../../shared/transport';
import {
	collectionIdField,
	imageFields,
	forImage,
	imageOptions,
	optionsCollection,
	pick,
	readImage,
	requestOptions,
	requiredText,
	toNumber,
} from '../../../shared/descriptions';

const properties: INodeProperties[] = [
	collectionIdField,
	{
		displayName: 'Request Name',
		name: 'requestName',
		type: 'string',
		required: true,
		default: 'n8n',
		description: 'A label for this search, kept in ARGOS logs (for example the applicant or ticket ID)',
	},
	...imageFields,
	optionsCollection([...imageOptions, ...requestOptions]),
];

export const description = updateDisplayOptions({ show: { resource: ['face'], operation: ['search'] } }, properties);

function toMatch(entry: unknown): SearchMatch | undefined {
	if (typeof entry === 'string') return entry ? { faceId: entry } : undefined;
	if (!entry || typeof entry !== 'object') return undefined;
	const raw = entry as IDataObject;
	const faceId = pick(raw, 'face_id', 'faceId');
	if (!faceId) return undefined;
	const match: SearchMatch = { faceId };
	const userName = pick(raw, 'user_name', 'userName');
	const similarity = toNumber(raw.similarity_score ?? raw.similarityScore ?? raw.similarity);
	if (userName !== undefined) match.userName = userName;
	if (similarity !== undefined) match.similarity = similarity;
	return match;
}

/**
 * ARGOS documents two shapes: `result[]` with scores (B) or `faceIdList[]` with ids only (A). An answer in
 * neither shape is not "no match": read that way, Skip If Already Enrolled would enrol the person again.
 */
export function normaliseSearch(body: SearchResponse): SearchOutput {
	const list: unknown = 'result' in body ? body.result : body.faceIdList;
	if (!Array.isArray(list)) throw new FaceError({ ...invalidResponse(200), message: 'ARGOS answered the search without a list of matches (result or faceIdList)' });
	if (list.some((entry) => toMatch(entry) === undefined))
		throw new FaceError({ ...invalidResponse(200), message: 'ARGOS answered the search with a match that has no faceId' });
	const matches = list.map(toMatch) as SearchMatch[];
	matches.sort((a, b) => (b.similarity ?? -Infinity) - (a.similarity ?? -Infinity));
	const output: SearchOutput = { matched: matches.length > 0, matches };
	if (matches.length) output.bestMatch = matches[0];
	const searchId = pick(body as IDataObject, 'searchId', 'search_id');
	const requestName = pick(body as IDataObject, 'requestName', 'userName');
	if (searchId) output.searchId = searchId;
	if (requestName) output.requestName = requestName;
	if (body.option && typeof body.option === 'object') output.option = body.option;
	return output;
}

/** Shared with Add's "Skip If Already Enrolled". */
export async function searchFace(
	api: ArgosApi,
	collectionId: string,
	requestName: string,
	faceImage: string,
	retries?: { maxRetries: number },
): Promise<SearchOutput> {
	// The docs disagree on requestName vs userName; sending both satisfies either reading.
	const body = await api.request<SearchResponse & IDataObject>(
		{ method: 'POST', path: '/modules/search', body: { collectionId, requestName, userName: requestName, faceImage } },
		retries,
	);
	return normaliseSearch(body);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const collectionId = requiredText.call(this, itemIndex, 'collectionId', 'Collection ID');
	const requestName = requiredText.call(this, itemIndex, 'requestName', 'Request Name');
	const image = await readImage.call(this, itemIndex, { role: 'selfie' });
	return await forImage(image, async () => [{ ...(await searchFace(api, collectionId, requestName, image.base64)), image: image.summary }]);
}
