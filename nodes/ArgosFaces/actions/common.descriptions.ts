/** Parameters several operations share, and the per-item readers that go with them. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ImageParameters } from '../helpers/image';
import { FaceError, localError } from '../errors';

export const collectionIdField: INodeProperties = {
	displayName: 'Collection ID',
	name: 'collectionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'col_123456789',
	description: 'The face collection, as shown in the ARGOS dashboard (Face ID → Collections)',
};

export const imageFields: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'A photo file from a previous node (form upload, webhook, Read Files, HTTP Request…)',
			},
			{
				name: 'Base64 String',
				value: 'base64',
				description: 'Base64 text or a data URL (data:image/jpeg;base64,…), e.g. from a JSON webhook',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the binary property that holds the photo',
		description:
			'Name of the binary property with the photo. With the workflow setting "binary mode: combined", use _files.&lt;name&gt;.',
		displayOptions: { show: { imageSource: ['binary'] } },
	},
	{
		displayName: 'Base64 Image',
		name: 'base64Image',
		type: 'string',
		required: true,
		default: '',
		placeholder: '={{ $json.selfie }}',
		description: 'The photo as base64 or as a data URL',
		displayOptions: { show: { imageSource: ['base64'] } },
	},
];

export const imageOptions: INodeProperties[] = [
	{
		displayName: 'Max Image Size (MB)',
		name: 'maxImageSizeMb',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 1 },
		default: 10,
		description: 'Larger images go to Failed without being sent. 0 turns the check off.',
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
			'Whether to check that the file is a JPEG, PNG or WebP photo before sending it. Turn off only for a format ARGOS accepts that this node does not know.',
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
		displayName: 'Timeout (S)',
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

function invalid(this: IExecuteFunctions, itemIndex: number, name: string, label: string, expected: string, value: unknown): FaceError {
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

/** A whole number in [min, max]; numeric text such as "2" counts. Absent gives the default. */
export function readInteger(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	range: { min: number; max: number; fallback: number },
): number {
	const raw = this.getNodeParameter(name, itemIndex, range.fallback) as unknown;
	if (raw === undefined || raw === null) return range.fallback;
	const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
	if (Number.isInteger(n) && n >= range.min && n <= range.max) return n;
	const bounds = range.max === Number.MAX_SAFE_INTEGER ? `${range.min} or more` : `from ${range.min} to ${range.max}`;
	throw invalid.call(this, itemIndex, name, label, `a whole number ${bounds}`, raw);
}

/** true/false, or the text "true"/"false" an expression may give. */
export function readBoolean(this: IExecuteFunctions, itemIndex: number, name: string, label: string, fallback: boolean): boolean {
	const raw = this.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (raw === undefined || raw === null) return fallback;
	if (typeof raw === 'boolean') return raw;
	if (typeof raw === 'string' && /^\s*(true|false)\s*$/i.test(raw)) return raw.trim().toLowerCase() === 'true';
	throw invalid.call(this, itemIndex, name, label, 'true or false', raw);
}

export function imageParameters(this: IExecuteFunctions, itemIndex: number): ImageParameters {
	const source = this.getNodeParameter('imageSource', itemIndex, 'binary') as 'binary' | 'base64';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		source,
		binaryPropertyName: source === 'binary' ? requiredText.call(this, itemIndex, 'binaryPropertyName', 'Input Binary Field') : '',
		base64Image: source === 'base64' ? String(this.getNodeParameter('base64Image', itemIndex, '') ?? '') : '',
		validate: options.validateImage !== false,
		maxImageSizeMb: typeof options.maxImageSizeMb === 'number' ? options.maxImageSizeMb : 10,
		sendAs: options.sendImageAs === 'dataUrl' ? 'dataUrl' : 'base64',
	};
}

/** Takes the first present value among the camelCase and snake_case spellings ARGOS may send. */
export function pick(body: IDataObject, ...keys: string[]): string | undefined {
	for (const key of keys) {
		const value = body[key];
		if (value !== undefined && value !== null && value !== '') return String(value);
	}
	return undefined;
}

export function toNumber(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = Number(value);
	return Number.isFinite(n) ? n : undefined;
}

/**
 * A second (or third) image parameter set with its own names, for operations that take several images
 * (Face Compare). `prefix` keeps the names apart from the single-image fields: e.g. `targetImageSource`.
 */
export function imageFieldsFor(prefix: string, label: string, defaultProperty: string): INodeProperties[] {
	const source = `${prefix}ImageSource`;
	return [
		{
			displayName: `${label} Source`,
			name: source,
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Binary File', value: 'binary', description: `The ${label.toLowerCase()} as a file from a previous node` },
				{ name: 'Base64 String', value: 'base64', description: 'Base64 text or a data URL (data:image/jpeg;base64,…)' },
			],
			default: 'binary',
		},
		{
			displayName: `${label} Binary Field`,
			name: `${prefix}BinaryPropertyName`,
			type: 'string',
			required: true,
			default: defaultProperty,
			hint: `The name of the binary property that holds the ${label.toLowerCase()}`,
			description: `Name of the binary property with the ${label.toLowerCase()}. With the workflow setting "binary mode: combined", use _files.&lt;name&gt;.`,
			displayOptions: { show: { [source]: ['binary'] } },
		},
		{
			displayName: `${label} Base64`,
			name: `${prefix}Base64Image`,
			type: 'string',
			required: true,
			default: '',
			placeholder: `={{ $json.${prefix}Image }}`,
			description: `The ${label.toLowerCase()} as base64 or as a data URL`,
			displayOptions: { show: { [source]: ['base64'] } },
		},
	];
}

/** Reads a set made by imageFieldsFor; size, format and encoding options are shared with the first image. */
export function imageParametersFor(this: IExecuteFunctions, itemIndex: number, prefix: string, label: string): ImageParameters {
	const source = this.getNodeParameter(`${prefix}ImageSource`, itemIndex, 'binary') as 'binary' | 'base64';
	const field = `${prefix}BinaryPropertyName`;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		source,
		binaryPropertyName: source === 'binary' ? requiredText.call(this, itemIndex, field, `${label} Binary Field`) : '',
		base64Image: source === 'base64' ? String(this.getNodeParameter(`${prefix}Base64Image`, itemIndex, '') ?? '') : '',
		validate: options.validateImage !== false,
		maxImageSizeMb: typeof options.maxImageSizeMb === 'number' ? options.maxImageSizeMb : 10,
		sendAs: options.sendImageAs === 'dataUrl' ? 'dataUrl' : 'base64',
	};
}

/**
 * A threshold option read per item. Expressions can give anything (NaN, text, objects, negative
 * numbers): anything but a number within [min, max] is refused with the allowed range.
 */
export function thresholdOption(
	this: IExecuteFunctions,
	itemIndex: number,
	d: { name: string; label: string; fallback: number; min: number; max: number; hint?: string },
): number {
	const raw = this.getNodeParameter(`options.${d.name}`, itemIndex, d.fallback) as unknown;
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < d.min || value > d.max) {
		const shown = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
		const error = localError('INVALID_INPUT', {
			reason: `"${d.label}" must be a number from ${d.min} to ${d.max} (got ${shown})`,
			description: `Set "${d.label}" in the node options to a number from ${d.min} to ${d.max}${d.hint ? ` (${d.hint})` : ''}. If it is an expression, check what it gives for this item.`,
		});
		throw parameterError.call(this, `options.${d.name}`, error);
	}
	return value;
}
