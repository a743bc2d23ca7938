/**
 * POST /modules/liveness — developers.argosidentity.com/en/verify/face_liveness/api (L).
 * ARGOS returns only a score (0–100, higher = more likely a live person) and no verdict, so the pass
 * mark is ours: the option "Min Liveness Score".
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, invalidResponse } from '../../../shared/errors';
import { livenessBelowThreshold } from '../../../shared/errors/verify';
import type { ArgosApi } from '../../../shared/transport';
import {
	imageFields,
	imageOptions,
	keepDownloads,
	firstPresent,
	forImage,
	optionsCollection,
	pick,
	readImage,
	requestOptions,
	thresholdOption,
	toNumber,
	type WithFiles,
} from '../../../shared/descriptions';

export const MIN_LIVENESS_SCORE = 50;

/** A check is a gate: what passed it carries its files on, so the next check or Add can use them. */
export const passesFilesOn = true;

const properties: INodeProperties[] = [
	...imageFields,
	optionsCollection([
		...imageOptions,
		...requestOptions,
		{
			displayName: 'Min Liveness Score',
			name: 'minLivenessScore',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: MIN_LIVENESS_SCORE,
			description:
				'Selfies scoring at least this (0–100) go to Success; lower scores go to Failed with LIVENESS_BELOW_THRESHOLD. Raise it to be stricter.',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['faceLiveness'], operation: ['check'] } }, properties);

export interface LivenessOutput extends IDataObject {
	passed: boolean;
	score: number;
	threshold: number;
	transactionId?: string;
}

/**
 * The score in L's shape (`result.liveness_score`), tolerating camelCase and a score sent as text. The
 * first spelling present decides (a null there is not replaced by another field), and it must be a
 * number from 0 to 100: anything else is an answer the node does not understand, never a pass.
 */
export function normaliseLiveness(body: IDataObject, threshold: number): LivenessOutput {
	const result = body.result && typeof body.result === 'object' && !Array.isArray(body.result) ? (body.result as IDataObject) : undefined;
	const raw = result ? firstPresent(result, 'liveness_score', 'livenessScore') : firstPresent(body, 'liveness_score', 'livenessScore');
	const score = toNumber(raw);
	if (score === undefined) throw new FaceError({ ...invalidResponse(200), message: 'ARGOS answered without a liveness score' });
	if (score < 0 || score > 100) throw new FaceError({ ...invalidResponse(200), message: `ARGOS answered with a liveness score outside 0–100 (${score})` });
	const transactionId = pick(body, 'transactionId', 'transaction_id');
	return { passed: score >= threshold, score, threshold, ...(transactionId && { transactionId }) };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[] | WithFiles> {
	const threshold = thresholdOption.call(this, itemIndex, {
		name: 'minLivenessScore',
		label: 'Min Liveness Score',
		fallback: MIN_LIVENESS_SCORE,
		min: 0,
		max: 100,
	});
	const image = await readImage.call(this, itemIndex, { role: 'selfie' });
	return await forImage(image, async () => {
		const body = await api.request<IDataObject>({ method: 'POST', path: '/modules/liveness', body: { faceImage: image.base64 } });
		const output = normaliseLiveness(body, threshold);
		if (!output.passed) throw new FaceError(livenessBelowThreshold(output));
		return await keepDownloads.call(this, { ...output, image: image.summary }, [['selfie', image, image.summary]]);
	});
}
