/**
 * GET /v3/submission?submission_id= (one submission), and GET /v3/image for each of its images the user
 * asked for — one image per call (shared/argos-idcheck-api.md §3.2, §3.3).
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, invalidResponse, localError } from '../../../shared/errors';
import { imageStructureProblem, sniffImageFormat } from '../../../shared/helpers/image';
import type { ArgosApi, BytesAnswer } from '../../../shared/transport';
import { optionsCollection, readBoolean, readMultiChoice, requestOptions, WithFiles } from '../../../shared/descriptions';
import { itemsOf, normaliseSubmission, readSubmissionId, submissionIdField } from '../../submission';

/** ARGOS's image type → the binary property it becomes (and its label). */
export const IMAGE_TYPES = {
	selfieImage: { property: 'selfie', name: 'Selfie' },
	idImage: { property: 'idFront', name: 'ID Front' },
	idBackImage: { property: 'idBack', name: 'ID Back' },
	addressImage: { property: 'address', name: 'Proof of Address' },
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;
const ALL_TYPES: ImageType[] = ['selfieImage', 'idImage', 'idBackImage', 'addressImage'];
const DEFAULT_TYPES: ImageType[] = ['selfieImage', 'idImage', 'idBackImage'];

const properties: INodeProperties[] = [
	submissionIdField,
	{
		displayName: 'Download Images',
		name: 'downloadImages',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the submission\'s images as binary properties (selfie, idFront, idBack, address). Off: only the data — images are personal data, fetch them only when a later node needs them.',
	},
	{
		displayName: 'Images',
		name: 'images',
		type: 'multiOptions',
		options: ALL_TYPES.map((type) => ({ name: IMAGE_TYPES[type].name, value: type })),
		default: ['selfieImage', 'idImage', 'idBackImage'],
		description: 'Which images to download; each that the submission has becomes a binary property',
		displayOptions: { show: { downloadImages: [true] } },
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['submission'], operation: ['get'] } }, properties);

/** One submission by its ID: exactly that one, never a neighbour from a list that ignored the filter. */
export async function getSubmission(api: ArgosApi, submissionId: string): Promise<IDataObject> {
	const body = await api.request<IDataObject>({ method: 'GET', path: '/v3/submission', qs: { submission_id: submissionId } });
	const found = itemsOf(body, 'Get').filter((raw) => raw.submission_id === submissionId || raw.submissionId === submissionId);
	if (!found.length) throw localError('SUBMISSION_NOT_FOUND', { submissionId });
	// One ID is one submission: two records of it (they may disagree) leave its state unknown, so none is picked.
	if (found.length > 1) throw new FaceError({ ...invalidResponse(200), message: `ARGOS answered Get with ${found.length} submissions for the one ID` });
	return found[0];
}

const isObject = (value: unknown): value is IDataObject => !!value && typeof value === 'object' && !Array.isArray(value);

/** The image endpoint's body is raw bytes or base64 text ([UNKNOWN] which): both are read, nothing else. */
export function imageBytes(answer: BytesAnswer, type: ImageType): { bytes: Buffer; format: 'JPEG' | 'PNG' } {
	let bytes = answer.bytes;
	let format = sniffImageFormat(bytes).format;
	if (format !== 'JPEG' && format !== 'PNG') {
		const text = bytes.toString('latin1').trim().replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
		if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 !== 1) {
			bytes = Buffer.from(text, 'base64');
			format = sniffImageFormat(bytes).format;
		}
	}
	if (format !== 'JPEG' && format !== 'PNG')
		throw localError('SUBMISSION_IMAGE_UNREADABLE', { type: IMAGE_TYPES[type].name, problem: `it is ${sniffImageFormat(bytes).format}` });
	// The first bytes name a format; only the whole file shows it is one (not a page behind an image's signature).
	const problem = imageStructureProblem(format, bytes);
	if (problem) throw localError('SUBMISSION_IMAGE_UNREADABLE', { type: IMAGE_TYPES[type].name, problem: `the ${format} ${problem}` });
	return { bytes, format };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[] | WithFiles> {
	const submissionId = readSubmissionId.call(this, itemIndex);
	const download = readBoolean.call(this, itemIndex, 'downloadImages', 'Download Images', false);
	// (.call drops the generic; the values were checked against ALL_TYPES.)
	const wanted = download ? (readMultiChoice.call(this, itemIndex, 'images', 'Images', ALL_TYPES, DEFAULT_TYPES) as ImageType[]) : [];
	const raw = await getSubmission(api, submissionId);
	const json = normaliseSubmission(raw);
	if (!download) return [json];

	// The submission lists the images it has; without that list (a projection may strip it), each is asked for.
	const listed = isObject(raw.image) ? raw.image : undefined;
	const binary: IBinaryKeyData = {};
	const missing: string[] = [];
	for (const type of wanted) {
		const { property } = IMAGE_TYPES[type];
		if (listed && (listed[type] === undefined || listed[type] === null || listed[type] === '')) {
			missing.push(property);
			continue;
		}
		const answer = await api
			.request<BytesAnswer>({ method: 'GET', path: '/v3/image', qs: { submissionId, submission_id: submissionId, type }, answer: 'bytes' })
			.catch((error: unknown) => {
				// Asked for blindly: ARGOS's 400 for an image the submission does not have means "none".
				if (!listed && error instanceof FaceError && error.info.httpStatus === 400) return undefined;
				throw error;
			});
		if (!answer) {
			missing.push(property);
			continue;
		}
		const { bytes, format } = imageBytes(answer, type);
		const extension = format === 'PNG' ? 'png' : 'jpg';
		binary[property] = await this.helpers.prepareBinaryData(bytes, `${submissionId}-${property}.${extension}`, format === 'PNG' ? 'image/png' : 'image/jpeg');
	}
	const withImages = { ...json, images: Object.keys(binary), ...(missing.length && { imagesNotInSubmission: missing }) };
	return Object.keys(binary).length ? new WithFiles([withImages], binary) : [withImages];
}
