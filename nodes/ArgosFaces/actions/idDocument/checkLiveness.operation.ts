/**
 * POST /modules/document — developers.argosidentity.com/en/verify/id_liveness/id-liveness-api (D).
 * Up to three pipelines score the ID photo 0–100 (higher = more likely the original document); D's
 * guide calls 61–80 "low" and 81–100 "very low" forgery risk, hence the default Min Score of 61.
 * callbackUrl (asynchronous mode) is not sent: see the README.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, invalidResponse, localError } from '../../../shared/errors';
import { documentSuspected } from '../../../shared/errors/verify';
import type { ArgosApi } from '../../../shared/transport';
import { DEFAULT_IMAGE_PARAMETERS, type ImageParameterNames } from '../../../shared/helpers/image';
import {
	firstPresent,
	forImage,
	imageOptions,
	keepDownloads,
	imageSourceFields,
	optionsCollection,
	parameterError,
	pick,
	readChoice,
	readImage,
	requestOptions,
	thresholdOption,
	toNumber,
	type WithFiles,
} from '../../../shared/descriptions';

export const MIN_DOCUMENT_SCORE = 61;

/** A check is a gate: what passed it carries its files on, so the next check or Add can use them. */
export const passesFilesOn = true;

/** Request flag → the result key ARGOS answers under. */
export const PIPELINES = {
	sr: { result: 'screenReplay', name: 'Screen Replay' },
	pc: { result: 'paperPrinted', name: 'Paper Printed' },
	ps: { result: 'replacePortraits', name: 'Portrait Replacement' },
} as const;
export type Pipeline = keyof typeof PIPELINES;
const ALL_PIPELINES = Object.keys(PIPELINES) as Pipeline[];

/**
 * The ID photo's own field names would break saved workflows, so only the label and the default differ:
 * `idPortrait`, as in Face Compare, so a chain left at its defaults never sends the selfie (`data`) as
 * the ID document.
 */
const ID_IMAGE: ImageParameterNames = { ...DEFAULT_IMAGE_PARAMETERS, binaryPropertyLabel: 'ID Binary Field', defaultBinaryProperty: 'idPortrait' };

const properties: INodeProperties[] = [
	...imageSourceFields(ID_IMAGE, 'photo of the ID document'),
	{
		displayName: 'Pipelines',
		name: 'pipelines',
		type: 'multiOptions',
		options: [
			{ name: 'Paper Printed', value: 'pc', description: 'Detects a printed copy of the document' },
			{ name: 'Portrait Replacement', value: 'ps', description: 'Detects a portrait pasted or edited into the document' },
			{ name: 'Screen Replay', value: 'sr', description: 'Detects a document shown on a screen' },
		],
		default: ['sr', 'pc', 'ps'],
		description: 'The forgery checks ARGOS runs. Every chosen check must score at least "Min Score" for Success.',
	},
	optionsCollection([
		...imageOptions,
		...requestOptions,
		{
			displayName: 'Min Score',
			name: 'minScore',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: MIN_DOCUMENT_SCORE,
			description:
				'Every chosen pipeline must score at least this (0–100) for Success. ARGOS rates 61–80 as low and 81–100 as very low forgery risk.',
		},
		{
			displayName: 'ID Image Field',
			name: 'idImageField',
			type: 'options',
			options: [
				{ name: 'idImage', value: 'idImage', description: 'As ARGOS\'s error list ("idImage is required") and its public clients' },
				{ name: 'Image', value: 'image', description: 'As the example request in ARGOS\'s API reference' },
			],
			default: 'idImage',
			description:
				'The request field that carries the ID photo. ARGOS documents both names; switch only if ARGOS answers 1005 "idImage is required".',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['idDocument'], operation: ['checkLiveness'] } }, properties);

export interface DocumentOutput extends IDataObject {
	passed: boolean;
	threshold: number;
	/** Result key (screenReplay, paperPrinted, replacePortraits) → score, for the chosen pipelines. */
	scores: Record<string, number>;
	failedPipelines: string[];
	transactionId?: string;
	engineVersion?: string;
}

/** The chosen pipelines, as typed in or from an expression (an array, or text like "sr,pc"). */
export function readPipelines(raw: unknown): Pipeline[] | undefined {
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
	if (!list) return undefined;
	const chosen = list.map((p) => String(p).trim());
	if (chosen.some((p) => !(p in PIPELINES))) return undefined;
	return ALL_PIPELINES.filter((p) => chosen.includes(p));
}

/** Scores of the chosen pipelines; a chosen one that came back without a score cannot be judged. */
export function normaliseDocument(body: IDataObject, pipelines: Pipeline[], threshold: number): DocumentOutput {
	const result = (body.result && typeof body.result === 'object' ? body.result : {}) as IDataObject;
	const scores: Record<string, number> = {};
	const unscored: string[] = [];
	for (const p of pipelines) {
		const key = PIPELINES[p].result;
		const entry = result[key];
		const score = toNumber(entry && typeof entry === 'object' && !Array.isArray(entry) ? firstPresent(entry as IDataObject, 'liveness_score', 'livenessScore') : entry);
		// A score outside 0–100 is not one ARGOS's guide knows: not understood, never a pass.
		if (score === undefined || score < 0 || score > 100) unscored.push(key);
		else scores[key] = score;
	}
	if (unscored.length)
		throw new FaceError({ ...invalidResponse(200), message: `ARGOS answered without a score from 0 to 100 for ${unscored.join(', ')}` });
	const failedPipelines = Object.keys(scores).filter((key) => scores[key] < threshold);
	const transactionId = pick(body, 'transactionId', 'transaction_id');
	const engineVersion = pick(body, 'engineVersion') ?? pick(result, 'engineVersion');
	return {
		passed: failedPipelines.length === 0,
		threshold,
		scores,
		failedPipelines,
		...(transactionId && { transactionId }),
		...(engineVersion && { engineVersion }),
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[] | WithFiles> {
	const threshold = thresholdOption.call(this, itemIndex, {
		name: 'minScore',
		label: 'Min Score',
		fallback: MIN_DOCUMENT_SCORE,
		min: 0,
		max: 100,
	});
	const pipelines = readPipelines(this.getNodeParameter('pipelines', itemIndex, ALL_PIPELINES));
	if (!pipelines?.length) {
		const error = localError('INVALID_INPUT', {
			reason: '"Pipelines" must name at least one of sr, pc, ps',
			description: 'Choose at least one check under "Pipelines" (Screen Replay, Paper Printed, Portrait Replacement). In an expression, give an array such as ["sr", "pc"].',
		});
		throw parameterError.call(this, 'pipelines', error);
	}
	const field = readChoice.call(this, itemIndex, 'options.idImageField', 'ID Image Field', ['idImage', 'image'], 'idImage');
	const image = await readImage.call(this, itemIndex, { names: ID_IMAGE, role: 'idDocument' });
	const flags = Object.fromEntries(ALL_PIPELINES.map((p) => [p, pipelines.includes(p)]));
	return await forImage(image, async () => {
		const body = await api.request<IDataObject>({
			method: 'POST',
			path: '/modules/document',
			body: { [field]: image.base64, pipelines: flags },
		});
		const output = normaliseDocument(body, pipelines, threshold);
		if (!output.passed)
			throw new FaceError(
				documentSuspected({
					failed: output.failedPipelines.map((pipeline) => ({ pipeline, score: output.scores[pipeline] })),
					threshold,
					details: { scores: output.scores, ...(output.transactionId && { transactionId: output.transactionId }) },
				}),
			);
		return await keepDownloads.call(this, { ...output, image: image.summary }, [['idDocument', image, image.summary]]);
	});
}
