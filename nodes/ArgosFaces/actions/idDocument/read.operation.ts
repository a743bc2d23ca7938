/**
 * POST /modules/recognition — Global ID OCR, developers.argosidentity.com/en/verify/global_id_recognition (R)
 * and the older docs.argosidentity.com/global-id-recognition-api (R-old); see shared/argos-idcheck-api.md §4.
 * The answer's `ocr` block holds the values and `raw` the per-field scores; only that documented shape is read.
 * callbackUrl (asynchronous mode) is not sent: see the README. Nothing is stored at ARGOS, so it retries as a read.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, localError, MEGABYTE } from '../../../shared/errors';
import { imageApplicantMessage } from '../../../shared/errors/applicant';
import { ocrLowConfidence, ocrResponseUnknown } from '../../../shared/errors/recognition';
import { DEFAULT_IMAGE_PARAMETERS, type ImageParameterNames } from '../../../shared/helpers/image';
import type { EncodedImage } from '../../../shared/helpers/interfaces';
import type { ArgosApi } from '../../../shared/transport';
import {
	forImage,
	imageOptions,
	imageSourceFields,
	optionsCollection,
	parameterError,
	pick,
	readChoice,
	readImage,
	readText,
	requestOptions,
	requiredText,
	thresholdOption,
	toNumber,
} from '../../../shared/descriptions';

/** R-old: images "under 2 MB"; checked locally so an oversized photo never costs a request. */
export const MAX_OCR_IMAGE_BYTES = 2 * MEGABYTE;

export const ID_TYPES = ['government_id', 'passport', 'drivers_license', 'residence_permit'] as const;

/**
 * Output field → its `ocr_*` key (R, PC) and the `raw` keys its score may come under. R shows raw `name` and
 * `number` only; the other raw names are not documented, so camelCase and snake_case of the field are read.
 */
export const OCR_FIELDS = {
	fullName: { ocr: 'ocr_fullName', raw: ['name', 'fullName', 'full_name'] },
	firstName: { ocr: 'ocr_firstName', raw: ['firstName', 'first_name'] },
	lastName: { ocr: 'ocr_lastName', raw: ['lastName', 'last_name'] },
	birthDate: { ocr: 'ocr_birthDate', raw: ['birthDate', 'birth_date'] },
	gender: { ocr: 'ocr_gender', raw: ['gender'] },
	nationality: { ocr: 'ocr_nationality', raw: ['nationality'] },
	idNumber: { ocr: 'ocr_number', raw: ['number', 'idNumber', 'id_number'] },
	issueDate: { ocr: 'ocr_issueDate', raw: ['issueDate', 'issue_date'] },
	expireDate: { ocr: 'ocr_expireDate', raw: ['expireDate', 'expire_date'] },
} as const;
export type OcrField = keyof typeof OCR_FIELDS;
const FIELD_NAMES = Object.keys(OCR_FIELDS) as OcrField[];
const DEFAULT_REQUIRED: OcrField[] = ['fullName', 'birthDate', 'idNumber'];

/** The front keeps the usual image parameter names (as Check Liveness does) and its default, idPortrait. */
const ID_FRONT: ImageParameterNames = {
	...DEFAULT_IMAGE_PARAMETERS,
	title: 'ID Front',
	binaryPropertyLabel: 'ID Front Binary Field',
	defaultBinaryProperty: 'idPortrait',
};
const ID_BACK: ImageParameterNames = {
	title: 'ID Back',
	source: 'idBackSource',
	binaryProperty: 'idBackBinaryPropertyName',
	base64: 'idBackBase64Image',
	url: 'idBackImageUrl',
	binaryPropertyLabel: 'ID Back Binary Field',
};

/** The back is optional: its value fields start empty, and empty means "no back". */
function optionalBack(): INodeProperties[] {
	return imageSourceFields(ID_BACK, 'back of the ID document', false).map((field) => {
		if (field.name === ID_BACK.source) return field;
		return {
			...field,
			hint: undefined,
			required: false,
			default: '',
			description: `${field.description ?? ''} Leave empty to read the front only. A name or value given here must be usable: an absent binary property fails the item, it is never skipped.`,
		};
	});
}

const properties: INodeProperties[] = [
	...imageSourceFields(ID_FRONT, 'front of the ID document'),
	...optionalBack(),
	{
		displayName: 'Issuing Country',
		name: 'issuingCountry',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'USA',
		description: 'The country that issued the document, as an ISO 3166 alpha-3 code (USA, KOR, DEU…). Lower case is accepted and sent in upper case.',
	},
	{
		displayName: 'ID Type',
		name: 'idType',
		type: 'options',
		options: [
			{ name: "Driver's License", value: 'drivers_license' },
			{ name: 'Government ID', value: 'government_id', description: 'A national identity card' },
			{ name: 'Passport', value: 'passport' },
			{ name: 'Residence Permit', value: 'residence_permit' },
		],
		default: 'government_id',
		description: 'The kind of document in the photo',
	},
	optionsCollection([
		...imageOptions,
		...requestOptions,
		{
			displayName: 'Min Field Score',
			name: 'minFieldScore',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 0,
			description:
				'Each required field must be read with at least this score (0–100, ARGOS\'s raw.*.score) for Success; a required field without a score then counts as below it. 0 checks only that the required fields were read.',
		},
		{
			displayName: 'Required Fields',
			name: 'requiredFields',
			type: 'multiOptions',
			options: FIELD_NAMES.map((name) => ({ name: name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()).replace('Id ', 'ID '), value: name })),
			default: ['fullName', 'birthDate', 'idNumber'],
			description: 'Fields that must be read (and, with a Min Field Score, reach it) for Success; otherwise the item goes to Failed with OCR_LOW_CONFIDENCE',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['idDocument'], operation: ['read'] } }, properties);

export interface OcrValue extends IDataObject {
	value: string | null;
	score: number | null;
}

export type OcrOutput = Record<OcrField, OcrValue> & { raw: IDataObject; transactionId?: string };

const isObject = (v: unknown): v is IDataObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the documented `result.data { raw, ocr }`. Any other shape (the ko page's documentInfo/personalInfo,
 * a value that is an object) fails closed: a name guessed from an unknown field would be filed as fact.
 */
export function normaliseRecognition(body: IDataObject): OcrOutput {
	const unknown = (reason: string) => new FaceError(ocrResponseUnknown({ reason, response: body }));
	const result = body.result;
	const data = isObject(result) ? result.data : undefined;
	if (!isObject(data)) throw unknown('no result.data');
	const { raw, ocr } = data;
	if (!isObject(raw) || !isObject(ocr)) throw unknown('result.data has no raw and ocr objects');
	const fields = {} as Record<OcrField, OcrValue>;
	for (const name of FIELD_NAMES) {
		const spec = OCR_FIELDS[name];
		const text = ocr[spec.ocr];
		if (text !== undefined && text !== null && typeof text !== 'string' && typeof text !== 'number') throw unknown(`${spec.ocr} is not text`);
		const value = text === undefined || text === null ? '' : String(text).trim();
		const key = spec.raw.find((k) => k in raw);
		const entry = key === undefined ? undefined : raw[key];
		const score = isObject(entry) ? toNumber(entry.score) : undefined;
		// A score off the documented 0–100 scale is not one: it cannot vouch for the value.
		fields[name] = { value: value || null, score: score !== undefined && score >= 0 && score <= 100 ? score : null };
	}
	const transactionId = pick(body, 'transactionId', 'transaction_id');
	return { ...fields, raw: data, ...(transactionId && { transactionId }) };
}

/** Required fields that were not read, or (with a floor above 0) read without a score or below it. */
export function belowFloor(output: OcrOutput, required: OcrField[], minFieldScore: number): { fields: Record<string, number | null>; unread: string[] } {
	const fields: Record<string, number | null> = {};
	const unread: string[] = [];
	for (const name of required) {
		const { value, score } = output[name];
		if (value === null) unread.push(name);
		if (value === null || (minFieldScore > 0 && (score === null || score < minFieldScore))) fields[name] = score;
	}
	return { fields, unread };
}

function readCountry(this: IExecuteFunctions, itemIndex: number): string {
	const value = requiredText.call(this, itemIndex, 'issuingCountry', 'Issuing Country');
	if (/^[A-Za-z]{3}$/.test(value)) return value.toUpperCase();
	const error = localError('PARAMETER_INVALID', {
		parameter: 'Issuing Country',
		expected: 'a 3-letter ISO 3166 alpha-3 code such as USA or KOR',
		got: JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value),
		itemIndex,
	});
	throw parameterError.call(this, 'issuingCountry', error);
}

function readRequired(this: IExecuteFunctions, itemIndex: number): OcrField[] {
	const raw = this.getNodeParameter('options.requiredFields', itemIndex, DEFAULT_REQUIRED) as unknown;
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').filter((f) => f.trim() !== '') : undefined;
	const chosen = list?.map((f) => String(f).trim());
	if (chosen && chosen.every((f) => (FIELD_NAMES as string[]).includes(f))) return FIELD_NAMES.filter((f) => chosen.includes(f));
	const error = localError('PARAMETER_INVALID', {
		parameter: 'Required Fields',
		expected: `a list of ${FIELD_NAMES.join(', ')}`,
		got: typeof raw === 'string' ? JSON.stringify(raw) : Array.isArray(raw) ? JSON.stringify(raw).slice(0, 60) : typeof raw,
		itemIndex,
	});
	throw parameterError.call(this, 'options.requiredFields', error);
}

/** The back only when one is given: an empty field (or an expression giving "") means the front alone. */
function backGiven(this: IExecuteFunctions, itemIndex: number): boolean {
	const source = this.getNodeParameter(ID_BACK.source, itemIndex, 'binary');
	const field = source === 'base64' ? ID_BACK.base64 : source === 'url' ? ID_BACK.url : ID_BACK.binaryProperty;
	return readText.call(this, itemIndex, field, `${ID_BACK.title} ${field === ID_BACK.binaryProperty ? 'Binary Field' : source === 'url' ? 'URL' : 'Base64'}`) !== '';
}

/** An error about one of the two images says which; the 2 MB rule of Global ID OCR is checked here. */
function side(which: 'ID front' | 'ID back'): (error: unknown) => never {
	return (error) => {
		throw error instanceof FaceError ? new FaceError({ ...error.info, message: `${which}: ${error.info.message}` }, error.fatal) : error;
	};
}

function underTwoMegabytes(image: EncodedImage, which: 'ID front' | 'ID back'): void {
	if (image.bytes < MAX_OCR_IMAGE_BYTES) return;
	const { info } = localError('IMAGE_TOO_LARGE', { bytes: image.bytes, maxMb: 2 });
	throw new FaceError({
		...info,
		message: `The ${which} image is ${(image.bytes / MEGABYTE).toFixed(2)} MB; ARGOS ID OCR accepts images under 2 MB`,
		applicantMessage: imageApplicantMessage('IMAGE_TOO_LARGE', 'idDocument'),
		description: `Global ID OCR reads images under 2 MB (1 MB = 1,048,576 bytes; ARGOS recommends about 1 MB, 125 DPI). Nothing was sent. Save the photo as JPEG at quality 80, or scale it to about 1280 pixels on the long side.`,
		image: { source: image.summary.source, ...(image.summary.property !== undefined && { property: image.summary.property }), ...(image.summary.fileName !== undefined && { fileName: image.summary.fileName }) },
	});
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const issuingCountry = readCountry.call(this, itemIndex);
	// `.call` loses readChoice's type parameter; it returns one of the choices or throws.
	const idType = readChoice.call(this, itemIndex, 'idType', 'ID Type', ID_TYPES, 'government_id') as (typeof ID_TYPES)[number];
	const minFieldScore = thresholdOption.call(this, itemIndex, { name: 'minFieldScore', label: 'Min Field Score', fallback: 0, min: 0, max: 100 });
	const required = readRequired.call(this, itemIndex);
	const withBack = backGiven.call(this, itemIndex);
	// With a back, neither image is ever picked automatically: a wrong pick would read the back as the front.
	const front = await readImage.call(this, itemIndex, { names: ID_FRONT, role: 'idDocument', twoImages: withBack, acceptBmp: true }).catch(side('ID front'));
	underTwoMegabytes(front, 'ID front');
	const back = withBack ? await readImage.call(this, itemIndex, { names: ID_BACK, role: 'idDocument', twoImages: true, acceptBmp: true }).catch(side('ID back')) : undefined;
	if (back) underTwoMegabytes(back, 'ID back');
	return await forImage(back ? { idFront: front, idBack: back } : front, async () => {
		const body = await api.request<IDataObject>({
			method: 'POST',
			path: '/modules/recognition',
			body: { idImage: front.base64, ...(back && { idBackImage: back.base64 }), issuingCountry, idType },
		});
		const output = normaliseRecognition(body);
		const low = belowFloor(output, required, minFieldScore);
		if (Object.keys(low.fields).length) throw new FaceError(ocrLowConfidence({ ...low, minFieldScore, transactionId: output.transactionId }));
		return [output];
	});
}
