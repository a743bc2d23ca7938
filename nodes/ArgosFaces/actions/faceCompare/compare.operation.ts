/**
 * POST /modules/compare — developers.argosidentity.com/en/verify/face_compare/face_compare_api (C) and
 * the older docs.argosidentity.com/face-compare-api (C-old). Both documented answers are read:
 * C sends `result.face`, `result.targetFace` and `result.similarity { score, threshold, isMatch }`;
 * C-old sends `result.face` and `result.faceMatch { similarity, confidence, boundingBox }` and no verdict.
 * callbackUrl (asynchronous mode) is not sent: see the README.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, invalidResponse, localError } from '../../../shared/errors';
import { faceNotDetected, facesDoNotMatch, similarityScaleUnknown } from '../../../shared/errors/verify';
import { DEFAULT_IMAGE_PARAMETERS, type ImageParameterNames } from '../../../shared/helpers/image';
import type { ArgosApi } from '../../../shared/transport';
import {
	firstPresent,
	forImage,
	imageOptions,
	keepDownloads,
	imageSourceFields,
	optionsCollection,
	pick,
	readChoice,
	readImage,
	requestOptions,
	thresholdOption,
	toNumber,
	type WithFiles,
} from '../../../shared/descriptions';
import type { AnswerNumber, ScaleDecision, SimilarityScale, SimilarityScaleOption } from './scale';
import { decideScale, SCALE_LABELS, SIMILARITY_SCALES, toFraction, voteOf } from './scale';

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
				'Faces at least this similar (0–1, 0.8 = 80 %) go to Success. When ARGOS sends its own verdict (isMatch), it must be a match too: this is always the floor.',
		},
		{
			displayName: 'Similarity Scale',
			name: 'similarityScale',
			type: 'options',
			options: [
				{
					name: 'Auto',
					value: 'auto',
					description:
						'Tell from each answer: face confidences or a threshold between 0 and 1 mean 0–1, numbers above 1 mean 0–100. An answer that shows neither, or both, goes to Failed with SIMILARITY_SCALE_UNKNOWN.',
				},
				{ name: '0–1', value: 'fraction', description: 'ARGOS sends 0.85 for 85 %' },
				{ name: '0–100', value: 'percent', description: 'ARGOS sends 85 for 85 %' },
			],
			default: 'auto',
			description:
				'The scale of the similarity ARGOS sends. The older answer may send 0–100, where 0.9 means 0.9 %, not 90 %. Pin it only if you know your account\'s scale; an answer that does not fit it goes to Failed.',
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
	/** 0–1 whatever scale ARGOS used; null when ARGOS sent a verdict but no score, or its scale is unknown. */
	similarity: number | null;
	/** The scale ARGOS's numbers were read on: pinned by the option, or shown by the answer; null when not shown. */
	similarityScale: SimilarityScale | null;
	scaleDecidedBy: 'pinned' | 'answer';
	/** Present only when the scale could not be settled; the item then goes to Failed. */
	scaleProblem?: Extract<ScaleDecision, { scale: null }>;
	/** The pass mark that decided: ARGOS's own threshold when it decided (if sent), else Min Similarity. */
	threshold: number | null;
	/** Min Similarity: also the floor under ARGOS's own verdict. */
	minSimilarity: number;
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
	const available = firstPresent(raw ?? {}, 'isAvailable', 'is_available');
	return {
		// Present but not plainly true (0, "no", "False"…) counts as not found: only a clear yes can pass.
		detected: available === undefined || available === null ? null : toBoolean(available) === true,
		confidence: toNumber(raw?.confidence) ?? null,
		boundingBox: complete ? { width: width!, height: height!, left: left!, top: top! } : null,
	};
}

/** Where the similarity is, by answer shape; a bare number in result.similarity is not documented, but is unambiguous. */
function scoreOf(result: IDataObject, current?: IDataObject, legacy?: IDataObject): { field: string; raw: unknown } {
	const given = (v: unknown) => v !== undefined && v !== null;
	if (current) return given(current.score) ? { field: 'similarity.score', raw: current.score } : { field: 'similarity.similarity', raw: current.similarity };
	return given(legacy?.similarity) ? { field: 'faceMatch.similarity', raw: legacy!.similarity } : { field: 'similarity', raw: result.similarity };
}

/** Every number of the answer that is on the similarity's scale, by where ARGOS put it. */
function answerNumbers(result: IDataObject, score: { field: string; raw: unknown }, current?: IDataObject, legacy?: IDataObject): AnswerNumber[] {
	// Boxes, landmarks, pose and quality are left out: boxes are fractions of the image on either scale.
	const seen: Array<[string, unknown, AnswerNumber['kind']]> = [
		[score.field, score.raw, 'similarity'],
		['similarity.threshold', current?.threshold, 'threshold'],
		['face.confidence', asObject(result.face)?.confidence, 'confidence'],
		['targetFace.confidence', asObject(result.targetFace ?? result.target_face)?.confidence, 'confidence'],
		['faceMatch.confidence', legacy?.confidence, 'confidence'],
	];
	return seen.flatMap(([field, raw, kind]) => {
		const value = toNumber(raw);
		return value === undefined ? [] : [{ field, value, kind }];
	});
}

/**
 * Reads either documented answer, settles its scale (see scale.ts) and decides: similarity ≥ minSimilarity,
 * and ARGOS's isMatch too when sent. An answer whose scale is not settled does not pass, whatever isMatch says:
 * the rule stays simple and fails closed.
 */
export function normaliseCompare(body: IDataObject, minSimilarity: number, scaleOption: SimilarityScaleOption = 'auto'): CompareOutput {
	const result = asObject(body.result) ?? {};
	const current = asObject(result.similarity);
	const legacy = asObject(result.faceMatch ?? result.face_match);
	if (!current && !legacy && !asObject(result.face) && result.similarity === undefined) throw new FaceError({ ...invalidResponse(200), message: 'ARGOS answered without a comparison result' });

	const score = scoreOf(result, current, legacy);
	const rawScore = score.raw;
	const decision = decideScale(answerNumbers(result, score, current, legacy), scaleOption);
	const onScale = (raw: unknown) => {
		const n = toNumber(raw);
		return decision.scale && n !== undefined ? toFraction(n, decision.scale) : undefined;
	};
	const similarity = onScale(rawScore);
	// A verdict is a match only if every spelling of it says plainly true (both present and disagreeing: no).
	const verdicts = [current?.isMatch, current?.is_match].filter((v) => v !== undefined && v !== null).map((v) => toBoolean(v) === true);
	const isMatch = verdicts.length ? verdicts.every((v) => v === true) : undefined;
	const argosThreshold = onScale(current?.threshold);
	const argos: IDataObject = {
		...(rawScore !== undefined && { similarity: rawScore }),
		...(current?.threshold !== undefined && { threshold: current.threshold }),
		...(isMatch !== undefined && { isMatch }),
	};
	const decidedBy = isMatch !== undefined ? 'argos' : 'minSimilarity';
	const transactionId = pick(body, 'transactionId', 'transaction_id');
	const originFace = toFace(asObject(result.face));
	// The older answer describes the second face inside faceMatch; where both are sent, a "not found" in
	// either one counts.
	const described = toFace(asObject(result.targetFace ?? result.target_face) ?? legacy);
	const targetFace = legacy !== undefined && toFace(legacy).detected === false ? { ...described, detected: false } : described;
	// A verdict passes only if nothing else in the answer speaks against it: a score that is not a number,
	// a face ARGOS says it did not find, or a similarity below ARGOS's own threshold.
	const unreadableScore = rawScore !== undefined && rawScore !== null && toNumber(rawScore) === undefined;
	// Every description of a face in the answer counts: one that says "not found" is never overruled.
	const noFace = originFace.detected === false || targetFace.detected === false;
	const contradicted = isMatch === true && similarity !== undefined && argosThreshold !== undefined && similarity < argosThreshold;
	// ARGOS's verdict decides, but never below Min Similarity, and never without a score to hold it to.
	const verdict = similarity !== undefined && similarity >= minSimilarity && (isMatch ?? true);
	return {
		passed: decision.scale !== null && !unreadableScore && !noFace && !contradicted && verdict,
		similarity: similarity ?? null,
		similarityScale: decision.scale ?? decision.pinned ?? null,
		scaleDecidedBy: decision.decidedBy,
		threshold: decidedBy === 'argos' ? (argosThreshold ?? null) : minSimilarity,
		minSimilarity,
		decidedBy,
		argos,
		responseShape: current ? 'current' : 'legacy',
		originFace,
		targetFace,
		...(transactionId && { transactionId }),
		...(decision.scale === null && { scaleProblem: decision }),
	};
}

/** Why a comparison did not pass, as the Failed item's error. */
export function compareFailure(output: CompareOutput): FaceError {
	const details: IDataObject = {
		similarityScale: output.similarityScale,
		scaleDecidedBy: output.scaleDecidedBy,
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
	const scored = toNumber(output.argos.similarity) !== undefined;
	if (!scored && output.argos.similarity !== undefined && output.argos.similarity !== null)
		return new FaceError({ ...invalidResponse(200), message: `ARGOS sent a similarity that is not a number (${JSON.stringify(output.argos.similarity).slice(0, 40)})` });
	if (!scored)
		return new FaceError({
			...invalidResponse(200),
			message: output.decidedBy === 'argos' ? 'ARGOS answered with a verdict but without a similarity score to hold it to' : 'ARGOS answered without a similarity score or verdict',
		});
	const problem = output.scaleProblem;
	if (problem) {
		return new FaceError(
			similarityScaleUnknown({
				problem: problem.problem,
				numbers: problem.numbers.map((n) => {
					const fits = voteOf(n);
					return { field: n.field, value: n.value, ...(fits && { fits: SCALE_LABELS[fits] }) };
				}),
				misfits: problem.misfits.map((n) => n.field),
				...(problem.pinned && { pinned: SCALE_LABELS[problem.pinned] }),
				details: { ...details, similarity: null },
			}),
		);
	}
	const info = facesDoNotMatch({
		similarity: output.similarity ?? undefined,
		threshold: output.threshold ?? MIN_SIMILARITY,
		decidedBy: output.decidedBy,
		details,
	});
	// ARGOS said isMatch, but the numbers say otherwise: not passed, and the message says why.
	if (output.argos.isMatch === true) {
		const below =
			output.threshold !== null && (output.similarity ?? 0) < output.threshold
				? `below its own threshold (${output.threshold})`
				: `below Min Similarity (${output.minSimilarity})`;
		return new FaceError({ ...info, message: `ARGOS answered isMatch: true with a similarity (${output.similarity}) ${below}, so the faces are not taken as matching` });
	}
	return new FaceError(info);
}

/**
 * Compares the decoded bytes: two base64 texts can spell the same bytes (padding bits, a data-URL prefix),
 * so the text is not enough. A copy with one byte changed is a different file; liveness is the guard there.
 */
function sameBytes(a: string, b: string): boolean {
	const bytes = (s: string) => Buffer.from(s.slice(s.indexOf(',') + 1), 'base64');
	return bytes(a).equals(bytes(b));
}

/** A local image problem names which of the two images it is about. */
function naming(which: string): (error: unknown) => never {
	return (error) => {
		const renamed = error instanceof FaceError ? new FaceError({ ...error.info, message: `${which}: ${error.info.message}` }, error.fatal) : error;
		throw renamed;
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[] | WithFiles> {
	const minSimilarity = thresholdOption.call(this, itemIndex, {
		name: 'minSimilarity',
		label: 'Min Similarity',
		fallback: MIN_SIMILARITY,
		min: 0,
		max: 1,
	});
	// `.call` loses readChoice's type parameter; it returns one of the choices or throws.
	const scale = readChoice.call(this, itemIndex, 'options.similarityScale', 'Similarity Scale', SIMILARITY_SCALES, 'auto') as SimilarityScaleOption;
	const origin = await readImage.call(this, itemIndex, { role: 'selfie', twoImages: true }).catch(naming('Selfie'));
	const target = await readImage.call(this, itemIndex, { names: ID_PORTRAIT, role: 'idPortrait', twoImages: true }).catch(naming(ID_PORTRAIT.title));
	return await forImage({ selfie: origin, idPortrait: target }, async () => {
		// A photo compared with itself always matches: an applicant with only someone's ID photo would pass.
		if (origin.summary.source === 'binary' && origin.summary.property === target.summary.property)
			throw localError('IMAGE_SAME_FILE', { property: String(origin.summary.property) });
		if (sameBytes(origin.base64, target.base64)) throw localError('IMAGE_SAME_FILE', {});
		const body = await api.request<IDataObject>({
			method: 'POST',
			path: '/modules/compare',
			body: { originFace: origin.base64, targetFace: target.base64 },
		});
		const output = normaliseCompare(body, minSimilarity, scale);
		if (!output.passed) throw compareFailure(output);
		const images = { selfie: origin.summary, idPortrait: target.summary };
		return await keepDownloads.call(this, { ...output, images }, [
			['selfie', origin, origin.summary],
			['idPortrait', target, target.summary],
		]);
	});
}
