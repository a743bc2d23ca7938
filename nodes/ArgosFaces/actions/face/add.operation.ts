/** POST /modules/faces — https://developers.argosidentity.com/en/verify/face_id/api_reference/add-face */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { sleep, updateDisplayOptions } from 'n8n-workflow';

import type { AddFaceResponse, FaceListResponse, SearchMatch, SearchOutput } from '../../../shared/helpers/interfaces';
import type { ArgosApi } from '../../../shared/transport';
import { cancelled, FACE_LOST_ANSWER, FaceError, invalidResponse, localError, outcomeUnknown } from '../../../shared/errors';
import {
	collectionIdField,
	imageFields,
	forImage,
	imageOptions,
	optionsCollection,
	pick,
	readBoolean,
	readImage,
	requestOptions,
	requiredText,
	toNumber,
} from '../../../shared/descriptions';
import { searchFace } from './search.operation';

const properties: INodeProperties[] = [
	collectionIdField,
	{
		displayName: 'User Name',
		name: 'userName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. applicant-123 or an e-mail address',
		description: 'Your own key for this person, stored with the face (for example an applicant ID or e-mail)',
	},
	...imageFields,
	optionsCollection([
		...imageOptions,
		...requestOptions,
		{
			displayName: 'Skip If Already Enrolled',
			name: 'skipIfAlreadyEnrolled',
			type: 'boolean',
			default: false,
			description:
				'Whether to search the collection first and, when the face is already there, return the existing faceId instead of adding a duplicate. Costs one search per item. When the answer to the add is lost, the add is never sent again: the node searches for up to Timeout seconds (at least 3) and returns the face it finds, else the item fails with outcomeUnknown. Two runs at the same moment can still both add.',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['face'], operation: ['add'] } }, properties);

function toOutput(body: AddFaceResponse & IDataObject, collectionId: string, userName: string): IDataObject {
	const faceId = pick(body, 'faceId', 'face_id');
	// A 2xx without a faceId: the face may exist now, but we cannot say which it is.
	if (!faceId) throw new FaceError(outcomeUnknown({ ...invalidResponse(200), message: 'ARGOS answered without a faceId' }));
	const option = (body.option && typeof body.option === 'object' ? body.option : {}) as IDataObject;
	const output: IDataObject = { faceId, metaFaceId: pick(body, 'metaFaceId', 'meta_face_id'), collectionId, userName };
	// Old docs put livenessScore beside `option`, new ones inside it; casing differs between endpoints.
	const score = toNumber(body.livenessScore ?? option.livenessScore ?? option.liveNessScore);
	const threshold = toNumber(option.liveNess_threshold ?? option.livenessThreshold);
	if (typeof option.option_liveness === 'boolean' || score !== undefined || threshold !== undefined) {
		output.liveness = {
			...(typeof option.option_liveness === 'boolean' && { enabled: option.option_liveness }),
			...(score !== undefined && { score }),
			...(threshold !== undefined && { threshold }),
		};
	}
	output.option = option;
	return output;
}

/**
 * The face the search found, if it is this person's: enrolled under this item's User Name. Search shape A
 * gives face ids only; the best match's name is then looked up (Get Many filtered by the faceId). A face
 * under another name, or whose name cannot be learnt, is not returned: its faceId and name belong to
 * someone else, and a lookalike (or a false match) must not be told who.
 */
async function ownFace(api: ArgosApi, found: SearchOutput, collectionId: string, userName: string): Promise<SearchMatch | undefined> {
	const named = found.matches.find((m) => m.userName === userName);
	if (named) return named;
	const best = found.bestMatch!;
	if (best.userName !== undefined) return undefined;
	return (await enrolledName(api, collectionId, best.faceId)) === userName ? { ...best, userName } : undefined;
}

function enrolled(match: SearchMatch, collectionId: string): IDataObject {
	return {
		faceId: match.faceId,
		collectionId,
		userName: match.userName,
		alreadyEnrolled: true,
		...(match.similarity !== undefined && { similarity: match.similarity }),
	};
}

/** The search matched a face enrolled under another name (or one whose name ARGOS did not give). */
function underAnotherName(found: SearchOutput): FaceError {
	return localError('ENROLLED_UNDER_ANOTHER_NAME', { matches: found.matches.length });
}

async function enrolledName(api: ArgosApi, collectionId: string, faceId: string): Promise<string | undefined> {
	// ARGOS needs at least 5 characters of a faceId to filter by it.
	if (faceId.length < 5) return undefined;
	// The face exists either way; a failed lookup only leaves the name out.
	const body = await api
		.request<FaceListResponse & IDataObject>({ method: 'GET', path: '/modules/faces', qs: { collectionId, page: 1, term: faceId } })
		.catch(() => undefined);
	if (!body) return undefined;
	const faces = (Array.isArray(body.result) ? body.result : []) as IDataObject[];
	const face = faces.find((raw) => pick(raw, 'face_id', 'faceId') === faceId);
	return face ? pick(face, 'user_name', 'userName') : undefined;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const collectionId = requiredText.call(this, itemIndex, 'collectionId', 'Collection ID');
	const userName = requiredText.call(this, itemIndex, 'userName', 'User Name');
	const skipIfEnrolled = readBoolean.call(this, itemIndex, 'options.skipIfAlreadyEnrolled', 'Skip If Already Enrolled', false);
	const image = await readImage.call(this, itemIndex, { role: 'selfie' });
	return await forImage(image, async () => {
		const add = async () =>
			toOutput(
				await api.request<AddFaceResponse & IDataObject>({
					method: 'POST',
					path: '/modules/faces',
					body: { collectionId, userName, faceImage: image.base64 },
				}),
				collectionId,
				userName,
			);
		if (!skipIfEnrolled) return [{ ...(await add()), image: image.summary }];

		const found = await searchFace(api, collectionId, userName, image.base64);
		if (found.matched) {
			const own = await ownFace(api, found, collectionId, userName);
			if (!own) throw underAnotherName(found);
			return [{ ...enrolled(own, collectionId), image: image.summary }];
		}
		const added = await add().then(
			(output) => ({ output }),
			(error: unknown) => ({ error }),
		);
		if ('output' in added) return [{ ...added.output, alreadyEnrolled: false, image: image.summary }];
		const { error } = added;
		if (!(error instanceof FaceError && error.info.outcomeUnknown && error.info.code !== 'CANCELLED')) throw error;
		// The add may have happened, or may still be happening at ARGOS: it is never sent again. Only a
		// search can tell, and a slow add shows up late, so look for it for a while.
		const face = await findAfterLostAdd(api, collectionId, userName, image.base64);
		if (!face) throw new FaceError({ ...error.info, description: `${error.info.description} ${notFoundAfter(api)}` }, error.fatal);
		return [{ ...enrolled(face, collectionId), alreadyEnrolled: false, foundAfterLostAnswer: true, image: image.summary }];
	});
}

/** Searches after 1, 2, 4… s until as long again as the add was given (Timeout, at least 3 s) has passed. */
const confirmWindowSeconds = (api: ArgosApi) => Math.max(3, api.timeoutSeconds);

function notFoundAfter(api: ArgosApi): string {
	return `Searching the collection for ${confirmWindowSeconds(api)} s afterwards did not find the face; the add was not sent again, and it may still complete at ARGOS.`;
}

async function findAfterLostAdd(api: ArgosApi, collectionId: string, userName: string, faceImage: string): Promise<SearchMatch | undefined> {
	// Wall time, searches included: a search that hangs must not stretch the window.
	const until = Date.now() + confirmWindowSeconds(api) * 1000;
	for (let wait = 1000; Date.now() < until; wait *= 2) {
		const stopped = await sleep(Math.max(0, Math.min(wait, until - Date.now())), api.signal).then(
			() => api.signal?.aborted === true,
			() => true,
		);
		if (stopped) throw new FaceError({ ...cancelled(FACE_LOST_ANSWER.add), attempts: api.attempts });
		// A search that fails is no answer either way: keep looking until the window ends. No retries within
		// a search, so the window is overrun by at most one search (itself bounded by Timeout).
		const found = await searchFace(api, collectionId, userName, faceImage, { maxRetries: 0 }).catch(() => undefined);
		const own = found?.matched ? await ownFace(api, found, collectionId, userName) : undefined;
		if (own) return own;
	}
	return undefined;
}
