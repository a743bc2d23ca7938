/** POST /modules/faces — https://developers.argosidentity.com/en/verify/face_id/api_reference/add-face */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AddFaceResponse, SearchOutput } from '../../helpers/interfaces';
import type { ArgosApi } from '../../transport';
import { FaceError, invalidResponse, outcomeUnknown } from '../../errors';
import {
	collectionIdField,
	imageFields,
	imageOptions,
	optionsCollection,
	pick,
	readImage,
	requestOptions,
	requiredText,
	toNumber,
} from '../common.descriptions';
import { searchFace } from './search.operation';

const properties: INodeProperties[] = [
	collectionIdField,
	{
		displayName: 'User Name',
		name: 'userName',
		type: 'string',
		required: true,
		default: '',
		placeholder: '={{ $json.email }}',
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
				'Whether to search the collection first and, when the face is already there, return the existing faceId instead of adding a duplicate. Costs one search per item. Two runs at the same moment can still both add.',
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

function enrolled(found: SearchOutput, collectionId: string, userName: string): IDataObject {
	const best = found.bestMatch!;
	return {
		faceId: best.faceId,
		collectionId,
		userName: best.userName ?? userName,
		alreadyEnrolled: true,
		...(best.similarity !== undefined && { similarity: best.similarity }),
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const collectionId = requiredText.call(this, itemIndex, 'collectionId', 'Collection ID');
	const userName = requiredText.call(this, itemIndex, 'userName', 'User Name');
	const skipIfEnrolled = (this.getNodeParameter('options.skipIfAlreadyEnrolled', itemIndex, false) as boolean) === true;
	const image = await readImage.call(this, itemIndex);
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

	// After an add whose outcome is unknown, searching again tells whether it happened, so the add
	// can safely be repeated — the one case where an Add is retried.
	for (let repeats = 0; ; repeats++) {
		const found = await searchFace(api, collectionId, userName, image.base64);
		if (found.matched) return [{ ...enrolled(found, collectionId, userName), image: image.summary }];
		const added = await add().then(
			(output) => ({ output }),
			(error: unknown) => ({ error }),
		);
		if ('output' in added) return [{ ...added.output, alreadyEnrolled: false, image: image.summary }];
		const unknown = added.error instanceof FaceError && added.error.info.outcomeUnknown;
		if (!unknown || repeats >= api.maxRetries) throw added.error;
	}
}
