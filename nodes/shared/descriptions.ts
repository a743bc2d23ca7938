/** Parameters several operations share, and the per-item readers that go with them. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AutoDetect, ImageParameterNames, ImageParameters, ImageSource } from './helpers/image';
import { aboutImage, DEFAULT_IMAGE_PARAMETERS, imageRef, loadImage } from './helpers/image';
import type { EncodedImage } from './helpers/interfaces';
import { FaceError, localError } from './errors';
import { imageApplicantMessage, type ImageRole } from './errors/applicant';
import type { DownloadSettings } from './transport/download';
import { downloadImage } from './transport/download';

export const collectionIdField: INodeProperties = {
	displayName: 'Collection ID',
	name: 'collectionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'col_123456789',
	description: 'The face collection, as shown in the ARGOS dashboard (Face ID → Collections)',
};

/**
 * The source fields of one image parameter. Operations with two images (Face Compare) call it once per
 * image with their own parameter names and labels.
 */
export function imageSourceFields(names: ImageParameterNames = DEFAULT_IMAGE_PARAMETERS, what = 'photo', single = true): INodeProperties[] {
	const shown = (source: ImageSource) => ({ show: { [names.source]: [source] } });
	const fields: INodeProperties[] = [
		{
			displayName: `${names.title} Source`,
			name: names.source,
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Binary File',
					value: 'binary',
					description: 'A file from a previous node (form upload, webhook, Read Files, HTTP Request…)',
				},
				{
					name: 'Base64 String',
					value: 'base64',
					description: 'Base64 text or a data URL (data:image/jpeg;base64,…), e.g. from a JSON webhook',
				},
				{
					name: 'URL',
					value: 'url',
					description: 'A link to the file (form tools such as Typeform, Jotform or Tally, AI agents), downloaded without the ARGOS key',
				},
			],
			default: 'binary',
		},
		{
			displayName: names.binaryPropertyLabel,
			name: names.binaryProperty,
			type: 'string',
			required: true,
			default: 'data',
			hint: single
				? `The binary property that holds the ${what}. Left at "${names.defaultBinaryProperty ?? 'data'}" and absent, the item's file is used if it carries exactly one; a name you type must be there.`
				: `The binary property that holds the ${what}. It must be there: with two images the node never picks a file itself.`,
			description: `Name of the binary property with the ${what}. ${
				single
					? "While this field is at its default and no property has that name, an item carrying exactly one file (of any type) uses that file, so an upload from n8n's Form Trigger (named after its field, e.g. Selfie) works as is; with several files the item fails rather than guess. A name you type is never replaced by another file."
					: 'The item goes to Failed when it is absent: a guessed file could compare a photo with itself.'
			} In the workflow setting "binary mode: combined", the name of the file under _files works too.`,
			displayOptions: shown('binary'),
		},
		{
			displayName: `Base64 ${names.title}`,
			name: names.base64,
			type: 'string',
			required: true,
			default: '',
			placeholder: 'data:image/jpeg;base64,/9j/4AAQ…',
			description: `The ${what} as base64 or as a data URL`,
			displayOptions: shown('base64'),
		},
		{
			displayName: `${names.title} URL`,
			name: names.url,
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://files.example.com/selfie.jpg',
			description: `The http(s) address of the ${what}. Fetched with n8n's own request settings (proxy, SSRF protection) and without the ARGOS API key; the download stops at "Max Image Size (MB)".`,
			displayOptions: shown('url'),
		},
	];
	const property = fields.find((f) => f.name === names.binaryProperty)!;
	if (names.defaultBinaryProperty) property.default = names.defaultBinaryProperty;
	return fields;
}

export const imageFields: INodeProperties[] = imageSourceFields();

export const imageOptions: INodeProperties[] = [
	{
		displayName: 'Allow Private Image Hosts',
		name: 'allowPrivateImageHosts',
		type: 'boolean',
		default: false,
		description:
			'Whether an AI agent may give image links to this machine or a private network (localhost, 10.x, 192.168.x, cloud metadata, names without a dot such as a Docker service). Only matters when the node runs as an AI-agent tool: there such links, and redirects to them, are refused unless this is on, because the link comes from the model. Set it yourself, never from $fromAI.',
	},
	{
		displayName: 'Max Image Size (MB)',
		name: 'maxImageSizeMb',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 1 },
		default: 10,
		description:
			'Larger images go to Failed without being sent; a URL download stops as soon as it passes the limit. 1 MB = 1,048,576 bytes (as n8n shows file sizes). 0 turns the check off (downloads still stop at 50 MB).',
	},
	{
		displayName: 'Send Image As',
		name: 'sendImageAs',
		type: 'options',
		options: [
			{ name: 'Base64', value: 'base64', description: 'Only the base64 payload' },
			{ name: 'Data URL', value: 'dataUrl', description: 'With a data:image/…;base64, prefix' },
		],
		default: 'base64',
		description: 'ARGOS documents both forms; change this only if your account asks for data URLs',
	},
	{
		displayName: 'Validate Image',
		name: 'validateImage',
		type: 'boolean',
		default: true,
		description:
			'Whether to check that the file is a complete JPEG, PNG or WebP photo before sending it (a file cut off during upload is caught here). Turn off only for a format ARGOS accepts that this node does not know.',
	},
];

export const requestOptions: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 32 },
		default: 4,
		description: 'How many items are sent to ARGOS at the same time. 1 sends them one after another.',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description:
			'Retries per item when ARGOS is busy (429, 503) or unreachable. An Add is never repeated when its outcome is unknown.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 30,
		description: 'How long to wait for ARGOS to answer one request, in seconds',
	},
];

export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/**
 * A wrong value that is typed in (not an expression) is wrong for every item, so it fails the run;
 * one an expression produced for a single item only fails that item.
 */
export function parameterError(this: IExecuteFunctions, name: string, error: FaceError): FaceError {
	// `name` may be a path into a collection, e.g. options.term.
	const raw = name.split('.').reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], this.getNode().parameters);
	const isExpression = typeof raw === 'string' && raw.startsWith('=');
	return new FaceError(error.info, !isExpression);
}

/**
 * n8n does not check the type of what an expression returns, so every value is checked here: a number
 * field can receive NaN, Infinity, "2" or an object; a text field an object or an array.
 */
function describeValue(value: unknown): string {
	if (Array.isArray(value)) return 'an array';
	if (value === null) return 'null';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	return String(value);
}

/** The item's value of a parameter is not what it must be: the item fails, naming the field. */
export function invalid(this: IExecuteFunctions, itemIndex: number, name: string, label: string, expected: string, value: unknown): FaceError {
	return parameterError.call(this, name, localError('PARAMETER_INVALID', { parameter: label, expected, got: describeValue(value), itemIndex }));
}

/** Text, or a number written as text (an applicant ID often is one); anything else fails the item. */
export function readText(this: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	const raw = this.getNodeParameter(name, itemIndex, '') as unknown;
	if (raw === undefined || raw === null) return '';
	if (typeof raw === 'string') return raw.trim();
	if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
	throw invalid.call(this, itemIndex, name, label, 'text', raw);
}

export function requiredText(this: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	const value = readText.call(this, itemIndex, name, label);
	if (!value) throw parameterError.call(this, name, localError('PARAMETER_MISSING', { parameter: label }));
	return value;
}

/** A number in [min, max], whole if asked; numeric text such as "2" counts. Absent gives the default. */
export function readNumber(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	range: { min: number; max: number; fallback: number; whole?: boolean },
): number {
	const raw = this.getNodeParameter(name, itemIndex, range.fallback) as unknown;
	if (raw === undefined || raw === null) return range.fallback;
	const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
	const usable = range.whole ? Number.isInteger(n) : Number.isFinite(n);
	if (usable && n >= range.min && n <= range.max) return n;
	const bounds = range.max === Number.MAX_SAFE_INTEGER ? `${range.min} or more` : `from ${range.min} to ${range.max}`;
	throw invalid.call(this, itemIndex, name, label, `${range.whole ? 'a whole number' : 'a number'} ${bounds}`, raw);
}

export function readInteger(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	range: { min: number; max: number; fallback: number },
): number {
	return readNumber.call(this, itemIndex, name, label, { ...range, whole: true });
}

/** true/false, or the text "true"/"false" an expression may give. */
export function readBoolean(this: IExecuteFunctions, itemIndex: number, name: string, label: string, fallback: boolean): boolean {
	const raw = this.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (raw === undefined || raw === null) return fallback;
	if (typeof raw === 'boolean') return raw;
	if (typeof raw === 'string' && /^\s*(true|false)\s*$/i.test(raw)) return raw.trim().toLowerCase() === 'true';
	throw invalid.call(this, itemIndex, name, label, 'true or false', raw);
}

/** One value of an options field; an expression may give anything, so its text is checked against them. */
export function readChoice<T extends string>(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	choices: readonly T[],
	fallback: T,
): T {
	const raw = this.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (raw === undefined || raw === null || raw === '') return fallback;
	const value = typeof raw === 'string' ? raw.trim() : raw;
	if ((choices as readonly unknown[]).includes(value)) return value as T;
	const quoted = choices.map((c) => `"${c}"`);
	const expected = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted.join('');
	throw invalid.call(this, itemIndex, name, label, expected, raw);
}

/**
 * Whether the node may take the item's only file when the named property is absent: only while the field
 * is at its default and the operation reads a single image. A typed name (or an expression) is a requirement.
 */
function autoDetectFor(this: IExecuteFunctions, names: ImageParameterNames, named: string, twoImages: boolean): AutoDetect {
	if (twoImages) return 'compare';
	const raw = this.getNode().parameters[names.binaryProperty];
	const atDefault = raw === undefined || (typeof raw === 'string' && !raw.startsWith('=') && named === (names.defaultBinaryProperty ?? 'data'));
	return atDefault ? 'single' : 'typed';
}

/** A multi-select: every value one of `choices`, none twice; absent or empty gives the fallback. */
export function readMultiChoice<T extends string>(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	choices: readonly T[],
	fallback: T[],
): T[] {
	const raw = this.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (raw === undefined || raw === null || raw === '') return fallback;
	const list = typeof raw === 'string' ? raw.split(',').map((v) => v.trim()).filter(Boolean) : raw;
	if (!Array.isArray(list) || !list.every((v) => (choices as readonly unknown[]).includes(v)))
		throw invalid.call(this, itemIndex, name, label, `a list of ${choices.map((c) => `"${c}"`).join(', ')}`, raw);
	return [...new Set(list as T[])];
}

/** A calendar date as YYYY-MM-DD (what ARGOS's filters and fields take); empty gives ''. */
export function readDate(this: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	const raw = this.getNodeParameter(name, itemIndex, '') as unknown;
	if (raw === undefined || raw === null || raw === '') return '';
	// n8n's date picker gives an ISO date-time; an expression may give a Date or a Luxon DateTime.
	const text = raw instanceof Date ? raw.toISOString() : typeof raw === 'object' && typeof (raw as { toISO?: unknown }).toISO === 'function' ? String((raw as { toISO: () => string }).toISO()) : raw;
	const match = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text.trim()) : null;
	const [, y, m, d] = match ?? [];
	const date = match ? new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))) : undefined;
	if (!date || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) throw invalid.call(this, itemIndex, name, label, 'a date as YYYY-MM-DD', raw);
	return `${y}-${m}-${d}`;
}

/** A country as ISO 3166-1 alpha-3 (USA, KOR…), upper-cased; empty gives ''. */
export function readCountry(this: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
	const raw = this.getNodeParameter(name, itemIndex, '') as unknown;
	if (raw === undefined || raw === null || raw === '') return '';
	if (typeof raw !== 'string' || !/^[A-Za-z]{3}$/.test(raw.trim())) throw invalid.call(this, itemIndex, name, label, 'a three-letter country code (ISO 3166-1 alpha-3, e.g. USA, KOR)', raw);
	return raw.trim().toUpperCase();
}

export interface ImageRead {
	names?: ImageParameterNames;
	/** What the image shows, so the applicant is told which photo to send again. */
	role: ImageRole;
	/** The operation reads two images (Face Compare): neither is ever picked automatically. */
	twoImages?: boolean;
	/** The operation's API also reads BMP (Global ID OCR). */
	acceptBmp?: boolean;
}

export function imageParameters(this: IExecuteFunctions, itemIndex: number, read: ImageRead): ImageParameters {
	const names = read.names ?? DEFAULT_IMAGE_PARAMETERS;
	const raw = this.getNodeParameter(names.source, itemIndex, 'binary');
	const source: ImageSource = raw === 'base64' || raw === 'url' ? raw : 'binary';
	const label = names.binaryPropertyLabel;
	const sendAs = readText.call(this, itemIndex, 'options.sendImageAs', 'Send Image As') || 'base64';
	if (sendAs !== 'base64' && sendAs !== 'dataUrl') throw invalid.call(this, itemIndex, 'options.sendImageAs', 'Send Image As', '"base64" or "dataUrl"', sendAs);
	const binaryPropertyName = source === 'binary' ? requiredText.call(this, itemIndex, names.binaryProperty, label) : '';
	return {
		source,
		binaryPropertyName,
		binaryPropertyLabel: label,
		autoDetect: autoDetectFor.call(this, names, binaryPropertyName, read.twoImages === true),
		base64Image: source === 'base64' ? readText.call(this, itemIndex, names.base64, `Base64 ${names.title}`) : '',
		imageUrl: source === 'url' ? requiredText.call(this, itemIndex, names.url, `${names.title} URL`) : '',
		validate: readBoolean.call(this, itemIndex, 'options.validateImage', 'Validate Image', true),
		maxImageSizeMb: readNumber.call(this, itemIndex, 'options.maxImageSizeMb', 'Max Image Size (MB)', { min: 0, max: 1024, fallback: 10 }),
		sendAs,
	};
}

/** Reads, finds, downloads and checks one image of the item; a problem the applicant can fix names their photo. */
export async function readImage(this: IExecuteFunctions, itemIndex: number, read: ImageRead): Promise<EncodedImage> {
	const parameters = { ...imageParameters.call(this, itemIndex, read), acceptBmp: read.acceptBmp === true };
	if (parameters.source === 'url') refuseDownloadAgain.call(this, itemIndex, read);
	// Read per item like the ARGOS requests' own timeout: an expression may give anything.
	const timeoutSeconds = readInteger.call(this, itemIndex, 'options.timeout', 'Timeout (Seconds)', { min: 1, max: 600, fallback: 30 });
	const signal = this.getExecutionCancelSignal?.();
	return await loadImage
		.call(this, itemIndex, parameters, async (url, maxBytes) =>
			await downloadImage(this, url, { maxBytes, timeoutSeconds, signal, ...toolDownloadRules.call(this, itemIndex) }),
		)
		.catch(forRole(read.role));
}

/** An image problem the applicant can fix is told in words for the photo it is about (selfie or ID). */
function forRole(role: ImageRole): (error: unknown) => never {
	return (error) => {
		const applicantMessage = error instanceof FaceError && error.info.applicantMessage !== undefined ? imageApplicantMessage(error.info.code, role) : undefined;
		throw applicantMessage === undefined ? error : new FaceError({ ...(error as FaceError).info, applicantMessage }, (error as FaceError).fatal);
	};
}

/**
 * As an AI-agent tool the link comes from the model, which text it read can steer towards internal
 * addresses. Read only there, and only for a URL, so the option cannot fail an item where it means nothing.
 */
function toolDownloadRules(this: IExecuteFunctions, itemIndex: number): Pick<DownloadSettings, 'refusePrivateHosts' | 'withholdFailureCause'> {
	const asTool = this.getNode().type.endsWith('Tool');
	if (!asTool) return { refusePrivateHosts: false, withholdFailureCause: false };
	// The switch that lets links reach private hosts must be the owner's, never the model's to flip.
	const raw = (this.getNode().parameters.options as IDataObject | undefined)?.allowPrivateImageHosts;
	if (typeof raw === 'string' && /fromAI\b/i.test(raw))
		throw invalid.call(this, itemIndex, 'options.allowPrivateImageHosts', 'Allow Private Image Hosts', 'set in the node, not filled in by the model ($fromAI)', raw);
	const allowPrivate = readBoolean.call(this, itemIndex, 'options.allowPrivateImageHosts', 'Allow Private Image Hosts', false);
	return { refusePrivateHosts: !allowPrivate, withholdFailureCause: true };
}

/** The property a check keeps a downloaded image under, by what it shows: as the README's chain names its files. */
export const KEPT_AS: Record<ImageRole, string> = { selfie: 'selfie', idPortrait: 'idPhoto', idDocument: 'idPhoto' };

/**
 * A check judges the bytes it downloaded; a link downloaded again by a later step may serve other bytes
 * (the applicant's own host can answer each request differently). So a check keeps what it judged as a
 * file on its Success item (KEPT_AS), and a step whose item carries that file refuses to download the
 * link for the same role again: it must read the file.
 */
function refuseDownloadAgain(this: IExecuteFunctions, itemIndex: number, read: ImageRead): void {
	const item = this.getInputData()[itemIndex];
	const name = KEPT_AS[read.role];
	const carried = item?.binary?.[name] !== undefined || ((item?.json?._files ?? {}) as IDataObject)[name] !== undefined;
	const names = read.names ?? DEFAULT_IMAGE_PARAMETERS;
	if (carried) throw localError('IMAGE_DOWNLOADED_AGAIN', { kept: name, source: `${names.title} Source`, label: names.binaryPropertyLabel });
}

/** The downloads a passed check judged, as files for its Success item (see refuseDownloadAgain). */
export class WithFiles {
	constructor(
		readonly json: IDataObject[],
		readonly binary: IBinaryKeyData,
	) {}
}

export async function keepDownloads(this: IExecuteFunctions, json: IDataObject, images: Array<[ImageRole, EncodedImage, IDataObject]>): Promise<IDataObject[] | WithFiles> {
	const binary: IBinaryKeyData = {};
	for (const [role, image, summary] of images) {
		if (image.summary.source !== 'url') continue;
		const name = KEPT_AS[role];
		const extension = image.mimeType.split('/')[1] ?? 'bin';
		binary[name] = await this.helpers.prepareBinaryData(Buffer.from(image.base64.slice(image.base64.indexOf(',') + 1), 'base64'), `${name}.${extension}`, image.mimeType);
		summary.keptAs = name;
	}
	return Object.keys(binary).length ? new WithFiles([json], binary) : [json];
}

/**
 * Runs what follows reading the image(s): whatever fails there — an ARGOS error, a check not passed —
 * names the file it is about (`error.image`; Face Compare's two as `error.images`).
 */
export async function forImage<T>(image: EncodedImage | Record<string, EncodedImage>, work: () => Promise<T>): Promise<T> {
	const single = 'summary' in image;
	const ref = single
		? imageRef((image as EncodedImage).summary)
		: Object.fromEntries(Object.entries(image as Record<string, EncodedImage>).map(([role, img]) => [role, imageRef(img.summary)]));
	return await work().catch(aboutImage(ref, single ? 'image' : 'images'));
}

/**
 * Takes the first present value among the camelCase and snake_case spellings ARGOS may send: text, or a
 * number as text. An object, array or boolean is not an id or a name ("[object Object]" would be).
 */
export function pick(body: IDataObject, ...keys: string[]): string | undefined {
	for (const key of keys) {
		const value = body[key];
		if (typeof value === 'string' && value !== '') return value;
		if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	}
	return undefined;
}

/**
 * A number as ARGOS sends one: a finite number, or decimal text ("95", "0.85", "1e-3"). Number() alone
 * would also read [95], true, "0x5F" and " " as numbers — a misread score could pass a check.
 */
export function toNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string' || !/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return undefined;
	const n = Number(value);
	return Number.isFinite(n) ? n : undefined;
}

/** The value under the first of these keys that is present at all: a null there is not skipped for a later key. */
export function firstPresent(body: IDataObject, ...keys: string[]): unknown {
	const key = keys.find((k) => k in body);
	return key === undefined ? undefined : body[key];
}

/**
 * A second (or third) image parameter set with its own names, for operations that take several images
 * (Face Compare). `prefix` keeps the names apart from the single-image fields: e.g. `targetImageSource`.
 */
/** A threshold option, read per item like every other number. */
export function thresholdOption(
	this: IExecuteFunctions,
	itemIndex: number,
	d: { name: string; label: string; fallback: number; min: number; max: number },
): number {
	return readNumber.call(this, itemIndex, `options.${d.name}`, d.label, d);
}
