/**
 * POST /modules/compare — developers.argosidentity.com/en/verify/face_compare/face_compare_api (C) and
 * the older docs.argosidentity.com/face-compare-api (C-old). Both documented answers are read:
 * C sends `result.face`, `result.targetFace` and `result.similarity { score, threshold, isMatch }`;
 * C-old sends `result.face` and `result.faceMatch { similarity, confidence, boundingBox }` and no verdict.
 * callbackUrl (asynchronous mode) is not sent: see the README.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, invalidResponse, localError } from '../../errors';
import { faceNotDetected, facesDoNotMatch } from '../../errors/verify';
import { DEFAULT_IMAGE_PARAMETERS, type ImageParameterNames } from '../../helpers/image';
import type { ArgosApi } from '../../transport';
import {
	imageOptions,
	imageSourceFields,
	optionsCollection,
	pick,
	readImage,
	requestOptions,
	thresholdOption,
	toNumber,
} from '../common.descriptions';

export const MIN_SIMILARITY = 0.8;

/** A check is a gate: what passed it carries its files on, so the next check or Add can use them. */
export const passesFilesOn = true;
/** The second image's own parameters; the selfie uses the node's usual image parameters. */
const ID_PORTRAIT: ImageParameterNames = {
	title: 'ID Portrait',
	source: 'targetImageSource',
	binaryProperty: 'targetBinaryPropertyName',
	base64: 'targetBase64Image',
	url: 'targetImageUrl',
	binaryPropertyLabel: 'ID Portrait Binary Field',
	defaultBinaryProperty: 'idPortrait',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Image: the selfie (sent as originFace). ID Portrait: the photo of the ID document (sent as targetFace).',
		name: 'compareNotice',
		type: 'notice',
		default: '',
	},
	...imageSourceFields(DEFAULT_IMAGE_PARAMETERS, 'selfie', false),
	...imageSourceFields(ID_PORTRAIT, 'photo of the ID document', false),
	optionsCollection([
		...imageOptions,
		...requestOptions,
		{
			displayName: 'Min Similarity',
			name: 'minSimilarity',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: MIN_SIMILARITY,
			description:
				'Faces at least this similar (0–1, 0.8 = 80 %) go to Success. Used only when ARGOS does not send its own verdict (isMatch), which then decides.',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['faceCompare'], operation: ['compare'] } }, properties);

export interface ComparedFace extends IDataObject {
	detected: boolean | null;
	confidence: number | null;
	boundingBox: { width: number; height: number; left: number; top: number } | null;
}

export interface CompareOutput extends IDataObject {
	passed: boolean;
	/** 0–1 whatever scale ARGOS used; null when ARGOS sent a verdict but no score. */
	similarity: number | null;
	/** The pass mark that decided: ARGOS's own threshold when it decided (if sent), else Min Similarity. */
	threshold: number | null;
	decidedBy: 'argos' | 'minSimilarity';
	/** What ARGOS itself said, as sent (scores on its own scale). */
	argos: IDataObject;
	responseShape: 'current' | 'legacy';
	originFace: ComparedFace;
	targetFace: ComparedFace;
	transactionId?: string;
}

const asObject = (value: unknown): IDataObject | undefined =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;

/** Six decimals: enough for any score, and 85.4 / 100 reads 0.854 rather than 0.8540000000000001. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Scores up to 1 are fractions; above 1 (up to 100) they are percentages, as the older answer may send
 * [INFERRED in argos-verify-api.md]. Anything else is not a similarity.
 */
export function toFraction(value: unknown): number | undefined {
	const n = toNumber(value);
	if (n === undefined || n < 0 || n > 100) return undefined;
	return n > 1 ? round(n / 100) : n;
}

function toBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	return undefined;
}

function toFace(raw: IDataObject | undefined): ComparedFace {
	const box = asObject(raw?.boundingBox ?? raw?.bounding_box);
	const side = (upper: string) => toNumber(box?.[upper] ?? box?.[upper.toLowerCase()]);
	const [width, height, left, top] = ['Width', 'Height', 'Left', 'Top'].map(side);
	const complete = width !== undefined && height !== undefined && left !== undefined && top !== undefined;
	return {
		detected: toBoolean(raw?.isAvailable ?? raw?.is_available) ?? null,
		confidence: toNumber(raw?.confidence) ?? null,
		boundingBox: complete ? { width: width!, height: height!, left: left!, top: top! } : null,
	};
}

/** Reads either documented answer and decides: ARGOS's isMatch when sent, else similarity ≥ minSimilarity. */
export function normaliseCompare(body: IDataObject, minSimilarity: number): CompareOutput {
	const result = asObject(body.result) ?? {};
	const current = asObject(result.similarity);
	const legacy = asObject(result.faceMatch ?? result.face_match);
	if (!current && !legacy && !asObject(result.face) && result.similarity === undefined) throw new FaceError({ ...invalidResponse(200), message: 'ARGOS answered without a comparison result' });

	// A bare number in result.similarity is not documented, but is unambiguous.
	const rawScore = current ? (current.score ?? current.similarity) : (legacy?.similarity ?? result.similarity);
	const similarity = toFraction(rawScore);
	const isMatch = toBoolean(current?.isMatch ?? current?.is_match);
	const argosThreshold = toFraction(current?.threshold);
	const argos: IDataObject = {
		...(rawScore !== undefined && { similarity: rawScore }),
		...(current?.threshold !== undefined && { threshold: current.threshold }),
		...(isMatch !== undefined && { isMatch }),
	};
	const decidedBy = isMatch !== undefined ? 'argos' : 'minSimilarity';
	const transactionId = pick(body, 'transactionId', 'transaction_id');
	return {
		passed: isMatch ?? (similarity !== undefined && similarity >= minSimilarity),
		similarity: similarity ?? null,
		threshold: decidedBy === 'argos' ? (argosThreshold ?? null) : minSimilarity,
		decidedBy,
		argos,
		responseShape: current ? 'current' : 'legacy',
		originFace: toFace(asObject(result.face)),
		// The older answer describes the second face inside faceMatch.
		targetFace: toFace(asObject(result.targetFace ?? result.target_face) ?? legacy),
		...(transactionId && { transactionId }),
	};
}

/** Why a comparison did not pass, as the Failed item's error. */
export function compareFailure(output: CompareOutput): FaceError {
	const details: IDataObject = {
		argos: output.argos,
		responseShape: output.responseShape,
		originFace: output.originFace,
		targetFace: output.targetFace,
		...(output.transactionId && { transactionId: output.transactionId }),
	};
	const missing = [
		...(output.originFace.detected === false ? ['selfie'] : []),
		...(output.targetFace.detected === false ? ['ID portrait'] : []),
	];
	// A face ARGOS did not find explains the failure better than the score it gave (0 in both shapes).
	if (missing.length) return new FaceError(faceNotDetected({ images: missing, details: { ...details, similarity: output.similarity } }));
	if (output.similarity === null && output.decidedBy === 'minSimilarity')
		return new FaceError({ ...invalidResponse(200), message: 'ARGOS answered without a similarity score or verdict' });
	return new FaceError(
		facesDoNotMatch({
			similarity: output.similarity ?? undefined,
			threshold: output.threshold ?? MIN_SIMILARITY,
			decidedBy: output.decidedBy,
			details,
		}),
	);
}

/** Compares the payloads, ignoring a data-URL prefix (the two images may differ only in their claimed type). */
function sameBytes(a: string, b: string): boolean {
	const payload = (s: string) => s.slice(s.indexOf(',') + 1);
	return payload(a) === payload(b);
}

/** A local image problem names which of the two images it is about. */
function naming(which: string): (error: unknown) => never {
	return (error) => {
		const renamed = error instanceof FaceError ? new FaceError({ ...error.info, message: `${which}: ${error.info.message}` }, error.fatal) : error;
		throw renamed;
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const minSimilarity = thresholdOption.call(this, itemIndex, {
		name: 'minSimilarity',
		label: 'Min Similarity',
		fallback: MIN_SIMILARITY,
		min: 0,
		max: 1,
	});
	const origin = await readImage.call(this, itemIndex, { role: 'selfie', twoImages: true }).catch(naming('Selfie'));
	const target = await readImage.call(this, itemIndex, { names: ID_PORTRAIT, role: 'idPortrait', twoImages: true }).catch(naming(ID_PORTRAIT.title));
	// A photo compared with itself always matches: an applicant with only someone's ID photo would pass.
	if (origin.summary.source === 'binary' && origin.summary.property === target.summary.property)
		throw localError('IMAGE_SAME_FILE', { property: String(origin.summary.property) });
	if (sameBytes(origin.base64, target.base64)) throw localError('IMAGE_SAME_FILE', {});
	const body = await api.request<IDataObject>({
		method: 'POST',
		path: '/modules/compare',
		body: { originFace: origin.base64, targetFace: target.base64 },
	});
	const output = normaliseCompare(body, minSimilarity);
	if (!output.passed) throw compareFailure(output);
	return [{ ...output, images: { selfie: origin.summary, idPortrait: target.summary } }];
}
