/**
 * Face Liveness, Face Compare and ID Liveness: their errorCodes (1000–1017) and the local outcomes of a
 * check that ran but did not pass. Sources are the pages named in shared/argos-verify-api.md: L (Face
 * Liveness), C-old (the only Compare page with codes) and D (ID Liveness). The gateway's 403/413/5xx carry
 * no errorCode and are read by the HTTP-status table in index.ts, like Face ID's.
 */
import type { IDataObject } from 'n8n-workflow';

import { APPLICANT } from './applicant';
import type { CodeEntry, ErrorText, FaceErrorInfo } from './types';

const RETAKE_SELFIE =
	'Ask the person to retake the selfie: one face only, facing the camera, in even light, no sunglasses, mask or filter, the whole face in the frame with some space around it.';
const RETAKE_ID =
	'Ask the person to photograph the ID document again: the original card (not a screen, print or copy), flat, in even light, with some background visible around all four edges.';
const WORKSPACE: ErrorText = {
	message: 'The ARGOS workspace is not available',
	description:
		'The workspace behind this API key is suspended, expired or does not include this product. Check the subscription in the ARGOS dashboard or ask ARGOS support to enable Face Liveness, Face Compare or ID Liveness for it.',
};
// L asks for raw base64; a data URL is likely read as an unusable image.
const IF_EVERY_IMAGE =
	'If every image fails with this, set "Send Image As" back to Base64 in the node options.';
const NODE_BUG = 'This points to a bug in the Argos Faces node; please report it with the workflow.';

/** Every documented errorCode of the three verify products. */
export const VERIFY_ERRORS: Record<number, CodeEntry> = {
	// C-old: the node always sends both images, so ARGOS could not read at least one of them.
	1000: {
		message: 'ARGOS did not receive both images',
		description:
			`Both the selfie and the ID portrait must reach the node as JPEG or PNG photos. Check both image fields (binary property names or base64 expressions) and that neither file is empty. ${IF_EVERY_IMAGE}`,
	},
	1001: { ...WORKSPACE },
	1003: {
		message: 'ARGOS could not process the request',
		description: 'ARGOS gave no reason. Try again in a few minutes; if it keeps failing, contact ARGOS support with the time of the request.',
		retryable: true,
	},
	// D: the body section says `image`, this message says `idImage`; the node sends one of them.
	1005: {
		message: 'ARGOS did not find the ID image in the request',
		description:
			'ARGOS documents two names for this field. Open Options → "ID Image Field" and choose the other name (image or idImage), then run again. Also check that the image reaches the node.',
	},
	1007: {
		message: 'ARGOS did not receive the pipelines to run',
		description: `Choose at least one check under "Pipelines". If some are chosen: ${NODE_BUG}`,
	},
	1008: {
		message: 'ARGOS rejected the pipelines format',
		description: NODE_BUG,
	},
	1009: {
		message: 'ARGOS could not analyse the ID document',
		description: `The document could not be found or read in the photo. ${RETAKE_ID} ${IF_EVERY_IMAGE}`,
		applicantMessage: APPLICANT.retakeId,
	},
	// The node never sends callbackUrl, so ARGOS demanding one means the account is set up for callbacks only.
	1010: {
		message: 'ARGOS asks for a callback URL',
		description:
			'This node calls ARGOS synchronously and sends no callbackUrl. Ask ARGOS support to allow synchronous calls for this workspace; the README explains why callbacks are not offered.',
	},
	1016: {
		message: 'ARGOS did not receive the selfie',
		description:
			'Check that the image reaches the node (Input Binary Field or Base64 Image) and is not empty. If it does, try the other "Send Image As" setting.',
	},
	1017: {
		message: 'ARGOS could not analyse the face in the selfie',
		description: `No face could be measured in this photo. ${RETAKE_SELFIE} ${IF_EVERY_IMAGE}`,
		applicantMessage: APPLICANT.noFace,
	},
};

/** A check that ran and did not pass: a business outcome, not a fault, with the numbers that decided it. */
export type CheckOutcome = FaceErrorInfo & IDataObject;

function outcome(code: string, text: ErrorText, details: IDataObject): CheckOutcome {
	return {
		code,
		message: text.message,
		description: text.description,
		// Only where the photos the applicant sent are the cause: then they can act on it.
		...(text.applicantMessage && { applicantMessage: text.applicantMessage }),
		httpStatus: 200,
		retryable: false,
		outcomeUnknown: false,
		attempts: 0,
		...details,
	};
}

export function livenessBelowThreshold(d: { score: number; threshold: number; transactionId?: string }): CheckOutcome {
	return outcome(
		'LIVENESS_BELOW_THRESHOLD',
		{
			message: `The selfie scored ${d.score} for liveness, below the minimum of ${d.threshold}`,
			description: `ARGOS is not confident that this photo shows a live person (it may be a photo of a screen or a print, or too dark or blurred). ${RETAKE_SELFIE} The minimum is the "Min Liveness Score" option.`,
			applicantMessage: APPLICANT.retake,
		},
		{ score: d.score, threshold: d.threshold, ...(d.transactionId && { transactionId: d.transactionId }) },
	);
}

export function facesDoNotMatch(d: { similarity?: number; threshold: number; decidedBy: string; details: IDataObject }): CheckOutcome {
	const score = d.similarity === undefined ? '' : ` (similarity ${d.similarity}`;
	const against = d.similarity === undefined ? '' : d.decidedBy === 'argos' ? ', judged by ARGOS)' : `, minimum ${d.threshold})`;
	return outcome(
		'FACES_DO_NOT_MATCH',
		{
			message: `The two faces do not match${score}${against}`,
			description:
				'The selfie and the ID portrait do not look like the same person. Check that both images belong to this applicant; if they do, ask for a sharper selfie and a photo of the ID where the portrait is clear and free of glare. When ARGOS sends its own verdict (isMatch) it decides; otherwise the "Min Similarity" option does.',
			applicantMessage: APPLICANT.samePerson,
		},
		{ similarity: d.similarity ?? null, threshold: d.threshold, decidedBy: d.decidedBy, ...d.details },
	);
}

export function faceNotDetected(d: { images: string[]; details: IDataObject }): CheckOutcome {
	return outcome(
		'FACE_NOT_DETECTED',
		{
			message: `ARGOS found no usable face in the ${d.images.join(' and the ')}`,
			description: `The faces could not be compared. ${RETAKE_SELFIE} For the ID, photograph it so that its portrait is sharp and free of glare.`,
			// The applicant is told which photo to send again: their selfie, their ID, or both.
			applicantMessage: d.images.length > 1 ? APPLICANT.noFaceInEither : d.images[0] === 'selfie' ? APPLICANT.noFace : APPLICANT.noPortrait,
		},
		d.details,
	);
}

export function documentSuspected(d: { failed: Array<{ pipeline: string; score: number }>; threshold: number; details: IDataObject }): CheckOutcome {
	const list = d.failed.map((f) => `${f.pipeline} ${f.score}`).join(', ');
	return outcome(
		'DOCUMENT_SUSPECTED',
		{
			message: `The ID document may not be genuine: ${list} (minimum ${d.threshold})`,
			description: `ARGOS suspects the ID photo shows a screen, a print or a replaced portrait rather than the original document. ${RETAKE_ID} ARGOS rates 61–80 as low and 81–100 as very low forgery risk; the minimum is the "Min Score" option.`,
			applicantMessage: APPLICANT.retakeId,
		},
		{ threshold: d.threshold, failedPipelines: d.failed.map((f) => f.pipeline), ...d.details },
	);
}

/**
 * Why a Face Compare answer's similarity could not be put on a scale: only values that read on both scales
 * (notShown), numbers that only fit 0–1 beside others that only fit 0–100 (contradicts), a number below 0 or
 * above 100 (outOfRange), or a similarity or threshold off the scale the option pins (notPinnedScale).
 */
export type ScaleProblem = 'notShown' | 'contradicts' | 'outOfRange' | 'notPinnedScale';

const SCALE_OPTION = 'Options → "Similarity Scale"';

/**
 * The similarity was not judged: read on the wrong scale it would pass a stranger or fail everyone. Nothing
 * the applicant sent causes this, so there is no applicantMessage.
 */
export function similarityScaleUnknown(d: {
	problem: ScaleProblem;
	/** Every number the scale was read from; `fits` names the only scale a number fits, where there is one. */
	numbers: Array<{ field: string; value: number; fits?: string }>;
	/** Fields of the numbers that caused the problem (out of range, or off the pinned scale). */
	misfits: string[];
	pinned?: string;
	details: IDataObject;
}): CheckOutcome {
	const note = (n: { field: string; fits?: string }) => {
		if (d.problem === 'contradicts') return n.fits ? ` (only fits ${n.fits})` : '';
		if (!d.misfits.includes(n.field)) return '';
		return d.problem === 'outOfRange' ? ' (outside 0–100)' : ` (not on ${d.pinned})`;
	};
	const seen = d.numbers.map((n) => `${n.field} ${n.value}${note(n)}`).join(', ') || 'it has no numbers';
	const unsure = 'Cannot tell whether ARGOS\'s similarity is on a 0–1 or a 0–100 scale';
	const text: Record<ScaleProblem, ErrorText> = {
		notShown: {
			message: `${unsure}: nothing else in the answer shows it (${seen})`,
			description: `A similarity of 0.9 means 90 % on one scale and 0.9 % on the other, so the node lets no item through on a guess. Face confidences between 0 and 1 show a 0–1 answer and numbers above 1 a 0–100 answer; this answer has neither. If you know which scale your ARGOS account sends (ARGOS support can tell you), set ${SCALE_OPTION} to 0–1 or 0–100.`,
		},
		contradicts: {
			message: `${unsure}: its numbers point both ways (${seen})`,
			description: `Some numbers in the answer only fit 0–1 and others only 0–100, so the node lets no item through on a guess. If you know which scale your ARGOS account sends for the similarity (ARGOS support can tell you), set ${SCALE_OPTION} to 0–1 or 0–100; the confidences are then not used to decide it.`,
		},
		outOfRange: {
			message: `ARGOS's answer has a number outside 0–100, which fits neither scale (${seen})`,
			description: `A similarity, face confidence or threshold must lie between 0 and 100, so this answer is not one either ARGOS page documents and its similarity is not used. ${SCALE_OPTION} cannot fix this: contact ARGOS support with the transactionId.`,
		},
		notPinnedScale: {
			message: `ARGOS's answer does not fit the pinned ${d.pinned ?? ''} scale (${seen})`,
			description: `${SCALE_OPTION} is set to ${d.pinned ?? ''}, but ARGOS sent a similarity or threshold that only fits the other scale. Set the option to the scale ARGOS sends, or to Auto to let each answer show its scale.`,
		},
	};
	return outcome('SIMILARITY_SCALE_UNKNOWN', text[d.problem], {
		scaleEvidence: Object.fromEntries(d.numbers.map((n) => [n.field, n.value])),
		...d.details,
	});
}
