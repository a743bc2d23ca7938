/**
 * Which scale a Face Compare answer's similarity is on. C sends 0–1; C-old may send 0–100 [INFERRED in
 * argos-verify-api.md]. A single similarity of 0.9 reads as 90 % on one and 0.9 % on the other, so it is never
 * judged alone: every number of the answer that shares its scale votes, and an answer that does not show its
 * scale never passes (a wrong guess towards 0–1 would let a stranger through).
 */
import type { ScaleProblem } from '../../../shared/errors/verify';

export type SimilarityScale = 'fraction' | 'percent';
export type SimilarityScaleOption = 'auto' | SimilarityScale;

export const SIMILARITY_SCALES: readonly SimilarityScaleOption[] = ['auto', 'fraction', 'percent'];
export const SCALE_LABELS: Record<SimilarityScale, string> = { fraction: '0–1', percent: '0–100' };

/** A number of the answer, named by where ARGOS put it (e.g. faceMatch.confidence), so a message can quote it. */
export interface AnswerNumber {
	field: string;
	value: number;
	kind: 'similarity' | 'threshold' | 'confidence';
}

export type ScaleDecision =
	| { scale: SimilarityScale; decidedBy: 'pinned' | 'answer' }
	| { scale: null; decidedBy: 'pinned' | 'answer'; problem: ScaleProblem; pinned?: SimilarityScale; numbers: AnswerNumber[]; misfits: AnswerNumber[] };

/**
 * Above 1 only fits 0–100. Strictly between 0 and 1 only fits 0–1 for a confidence or a threshold: no face
 * detector reports a found face at 0.5 %, and no one sets a 0.8 % pass mark. The similarity below 1 is the
 * very value in doubt, and 0 and 1 read on both scales, so they do not vote.
 */
export function voteOf(n: AnswerNumber): SimilarityScale | undefined {
	if (n.value > 1) return 'percent';
	if (n.kind !== 'similarity' && n.value > 0 && n.value < 1) return 'fraction';
	return undefined;
}

export function decideScale(numbers: AnswerNumber[], option: SimilarityScaleOption): ScaleDecision {
	const decidedBy = option === 'auto' ? 'answer' : 'pinned';
	const unsure = (problem: ScaleProblem, misfits: AnswerNumber[] = []): ScaleDecision => ({
		scale: null,
		decidedBy,
		problem,
		...(option !== 'auto' && { pinned: option }),
		numbers,
		misfits,
	});
	const outside = numbers.filter((n) => n.value < 0 || n.value > 100);
	if (outside.length) return unsure('outOfRange', outside);
	if (option !== 'auto') {
		// Pinned: confidences may be on a scale of their own (the reason to pin), so only these two must fit.
		const misfits = option === 'fraction' ? numbers.filter((n) => n.kind !== 'confidence' && n.value > 1) : [];
		return misfits.length ? unsure('notPinnedScale', misfits) : { scale: option, decidedBy };
	}
	const votes = new Set(numbers.map(voteOf).filter((v): v is SimilarityScale => v !== undefined));
	if (votes.size === 1) return { scale: [...votes][0], decidedBy };
	return unsure(votes.size ? 'contradicts' : 'notShown', votes.size ? numbers.filter((n) => voteOf(n) !== undefined) : []);
}

/** Six decimals: enough for any score, and 85.4 / 100 reads 0.854 rather than 0.8540000000000001. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function toFraction(value: number, scale: SimilarityScale): number {
	return scale === 'percent' ? round(value / 100) : value;
}
