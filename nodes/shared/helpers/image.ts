/**
 * Reads the photo of one item, checks it locally and encodes it as base64 — before any request, so a
 * wrong file never costs an API call. Works in every binary data mode: stored binaries (filesystem,
 * database, S3 — the n8n 2.x defaults) are read through getBinaryDataBuffer; only an in-memory binary
 * (no `id`) already holds base64 in `data`, which is then used as is instead of decoding and re-encoding.
 *
 * A URL is fetched by a downloader the caller passes in: only transport/ speaks HTTP, and helpers/ does
 * not import it.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { FaceError, localError, MEGABYTE } from '../errors';
import type { EncodedImage } from './interfaces';

interface Sniffed {
	format: string;
	mimeType?: string;
	supported: boolean;
}

const SUPPORTED: Record<string, string> = { JPEG: 'image/jpeg', PNG: 'image/png', WebP: 'image/webp' };

const HEIF_BRANDS = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'];

/** Names the format from the first bytes; the mime type an upload claims is often wrong. */
export function sniffImageFormat(head: Buffer): Sniffed {
	const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
	let format = 'an unknown kind of file';
	if (head.length === 0) format = 'empty';
	else if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) format = 'JPEG';
	else if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) format = 'PNG';
	else if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') format = 'WebP';
	else if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') format = 'a GIF';
	else if (ascii(4, 8) === 'ftyp') {
		const brand = ascii(8, 12);
		format = brand === 'avif' || brand === 'avis' ? 'AVIF' : HEIF_BRANDS.includes(brand) ? 'HEIC' : 'a video or ISO media file';
	} else if (ascii(0, 5) === '%PDF-') format = 'a PDF document';
	else if (ascii(0, 2) === 'BM') format = 'a BMP bitmap';
	else if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') format = 'a TIFF image';
	else if (ascii(0, 2) === 'PK') format = 'a ZIP archive (or an Office document)';
	else if (/^[\t\n\r\x20-\x7e]+$/.test(ascii(0, Math.min(head.length, 32)))) format = 'a text file';
	return { format, mimeType: SUPPORTED[format], supported: format in SUPPORTED };
}

const isRestart = (marker: number) => marker >= 0xd0 && marker <= 0xd7;

/**
 * Walks the JPEG's segments (skipping their contents by length, so an EXIF thumbnail's own end marker
 * does not count) and its compressed scans, to the end-of-image marker. Bytes after it are allowed:
 * some cameras append data there.
 */
function jpegProblem(buf: Buffer): string | undefined {
	let i = 2;
	while (i + 1 < buf.length) {
		if (buf[i] !== 0xff) return 'a segment marker is missing';
		const marker = buf[i + 1];
		if (marker === 0xff) {
			i += 1;
			continue;
		}
		if (marker === 0xd9) return undefined;
		if (isRestart(marker) || marker === 0x01) {
			i += 2;
			continue;
		}
		if (i + 4 > buf.length) break;
		const length = buf.readUInt16BE(i + 2);
		if (length < 2) return 'a segment has an impossible length';
		i += 2 + length;
		if (i > buf.length) break;
		if (marker !== 0xda) continue;
		// Compressed data: a 0xFF in it is followed by 0x00 (stuffing), a restart marker or fill bytes.
		for (;;) {
			i = buf.indexOf(0xff, i);
			if (i < 0 || i + 1 >= buf.length) return 'it ends in the middle of the picture data, before its end-of-image marker';
			const next = buf[i + 1];
			if (next === 0x00 || isRestart(next)) i += 2;
			else if (next === 0xff) i += 1;
			else break;
		}
	}
	return 'it ends before its end-of-image marker';
}

/** Walks the PNG's chunks by their lengths to IEND; bytes after it are allowed. */
function pngProblem(buf: Buffer): string | undefined {
	let i = 8;
	while (i + 12 <= buf.length) {
		const end = i + 12 + buf.readUInt32BE(i);
		if (end > buf.length) break;
		if (buf.toString('latin1', i + 4, i + 8) === 'IEND') return undefined;
		i = end;
	}
	return 'it ends before its IEND chunk';
}

function webpProblem(buf: Buffer): string | undefined {
	const expected = buf.readUInt32LE(4) + 8;
	return buf.length < expected ? `it has ${buf.length} of the ${expected} bytes its header announces` : undefined;
}

/** A BMP announces its file size in its header; fewer bytes mean it was cut off. */
function bmpProblem(buf: Buffer): string | undefined {
	const expected = buf.length >= 6 ? buf.readUInt32LE(2) : Number.POSITIVE_INFINITY;
	return buf.length < expected ? `it has ${buf.length} of the ${expected} bytes its header announces` : undefined;
}

/** Whether a supported image is complete: cut-off uploads and downloads are common and cost an API call. */
export function imageStructureProblem(format: string, buf: Buffer): string | undefined {
	if (format === 'BMP') return bmpProblem(buf);
	if (format === 'JPEG') return jpegProblem(buf);
	if (format === 'PNG') return pngProblem(buf);
	if (format === 'WebP') return webpProblem(buf);
	return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?(;[\w-]+=[^;,]*)*;base64,/i;

/** Byte length of a base64 payload without decoding it. */
export function base64ByteLength(b64: string): number {
	const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
	return Math.floor((b64.length * 3) / 4) - padding;
}

/** Accepts raw base64 or a data URL, with line breaks or spaces as mail and some apps insert them. */
export function parseBase64Input(input: string): string {
	const payload = input.trim().replace(DATA_URL, '').replace(/\s+/g, '');
	if (payload.length % 4 === 1 || !BASE64.test(payload)) throw localError('IMAGE_INVALID_BASE64', undefined);
	return payload;
}

/** The node parameters behind one image; Face Compare has two sets, e.g. selfie and ID portrait. */
export interface ImageParameterNames {
	/** Shown in the field names: "<title> Source", "Base64 <title>", "<title> URL". */
	title: string;
	source: string;
	binaryProperty: string;
	base64: string;
	url: string;
	/** The binary property parameter's display name, as messages quote it. */
	binaryPropertyLabel: string;
	/** The binary property's default name (n8n's convention is `data`). */
	defaultBinaryProperty?: string;
}

export const DEFAULT_IMAGE_PARAMETERS: ImageParameterNames = {
	title: 'Image',
	source: 'imageSource',
	binaryProperty: 'binaryPropertyName',
	base64: 'base64Image',
	url: 'imageUrl',
	binaryPropertyLabel: 'Input Binary Field',
	defaultBinaryProperty: 'data',
};

export type ImageSource = 'binary' | 'base64' | 'url';

/**
 * When the named binary property is absent: `single` takes the item's only file (the field was left at its
 * default), `typed` and `compare` never take another file (the name was typed, or the operation has two
 * images and a wrong pick could compare a photo with itself).
 */
export type AutoDetect = 'single' | 'typed' | 'compare';

export interface ImageParameters {
	source: ImageSource;
	binaryPropertyName: string;
	/** Display name of the binary property parameter, for messages. */
	binaryPropertyLabel?: string;
	autoDetect: AutoDetect;
	base64Image: string;
	imageUrl?: string;
	validate: boolean;
	/** 0 turns the size check off. */
	maxImageSizeMb: number;
	sendAs: 'base64' | 'dataUrl';
	/** BMP is accepted beside JPEG, PNG and WebP (Global ID OCR lists it; the other APIs do not). */
	acceptBmp?: boolean;
}

/** Fetches a URL with the size limit enforced while reading; supplied by actions/ from transport/. */
export type ImageDownloader = (url: string, maxBytes: number) => Promise<{ buffer: Buffer; host: string }>;

/** Downloads stop here when "Max Image Size" is 0, so a body is never buffered without bound. */
export const DOWNLOAD_HARD_CAP_BYTES = 50 * MEGABYTE;

interface BinaryCandidate {
	property: string;
	binary: IBinaryData;
}

/**
 * Every file of the item: its binary properties and, in the combined binary mode, those moved to
 * json._files. A json._files entry counts only in that mode, so json that merely looks like a file is
 * never taken for an upload.
 */
function binaryCandidates(this: IExecuteFunctions, itemIndex: number): BinaryCandidate[] {
	const item = this.getInputData()[itemIndex];
	const combined = isCombined.call(this);
	const files = (combined ? (item?.json?._files ?? {}) : {}) as IDataObject;
	const moved = Object.keys(files).flatMap((key) => {
		const binary = stored.call(this, itemIndex, `_files.${key}`, combined);
		return binary ? [{ property: `_files.${key}`, binary }] : [];
	});
	return [...Object.entries(item?.binary ?? {}).map(([property, binary]) => ({ property, binary })), ...moved];
}

export interface ResolvedBinary {
	property: string;
	binary: IBinaryData;
	/** The named property was absent and this was the item's only file. */
	autoDetected: boolean;
}

/**
 * In the combined binary mode n8n looks a name up in the item's json, where an applicant's own JSON (a
 * webhook body moved to the top) could hold something shaped like a file. There a name is therefore read
 * only under json._files, where n8n itself puts files.
 */
function isCombined(this: IExecuteFunctions): boolean {
	return this.getWorkflowSettings?.()?.binaryMode === 'combined';
}

/** The property as named: a binary property, or in the combined mode the file n8n moved to json._files. */
function namedBinary(this: IExecuteFunctions, itemIndex: number, property: string): ResolvedBinary | undefined {
	const combined = isCombined.call(this);
	const path = combined && !property.startsWith('_files.') ? `_files.${property}` : property;
	const binary = stored.call(this, itemIndex, path, combined);
	return binary && { property: path, binary, autoDetected: false };
}

/**
 * The file at a path, as n8n reads it. Under json._files only what n8n stored there counts: it always
 * gives such a file an id, which JSON sent by someone else lacks.
 */
function stored(this: IExecuteFunctions, itemIndex: number, path: string, combined: boolean): IBinaryData | undefined {
	try {
		const binary = this.helpers.assertBinaryData(itemIndex, path);
		return combined && path.startsWith('_files.') && !binary.id ? undefined : binary;
	} catch {
		return undefined;
	}
}

/**
 * n8n's Form Trigger names an upload after its field label (`Selfie`, `Selfie_0`…), so the conventional
 * `data` rarely matches. A named property that exists always wins. Otherwise, only while the field is at
 * its default, the item's only file is taken — counted over every file, whatever its claimed mime type or
 * name, since an upload's type is often wrong and a wrong pick could enrol an ID photo. Never a guess
 * between several files, and never for a name the user typed.
 */
export function resolveBinary(
	this: IExecuteFunctions,
	itemIndex: number,
	named: string,
	label = DEFAULT_IMAGE_PARAMETERS.binaryPropertyLabel,
	autoDetect: AutoDetect = 'single',
): ResolvedBinary {
	const property = named.trim();
	const found = namedBinary.call(this, itemIndex, property);
	if (found) return found;
	const all = binaryCandidates.call(this, itemIndex);
	if (autoDetect === 'single' && all.length === 1) return { ...all[0], autoDetected: true };
	if (autoDetect === 'single' && all.length > 1)
		throw localError('IMAGE_AMBIGUOUS', { parameter: label, property, candidates: all.map((c) => c.property) });
	throw localError('IMAGE_MISSING', {
		property,
		available: all.map((c) => c.property),
		parameter: label,
		...(autoDetect !== 'single' && { named: autoDetect }),
	});
}

interface RawImage {
	/** Already-encoded payload, when the input held base64. */
	b64?: string;
	buffer?: Buffer;
	claimedMime?: string;
	summary: IDataObject;
}

async function readRaw(
	this: IExecuteFunctions,
	itemIndex: number,
	p: ImageParameters,
	download: ImageDownloader | undefined,
): Promise<RawImage> {
	if (p.source === 'base64') return { b64: parseBase64Input(p.base64Image ?? ''), summary: { source: 'base64' } };
	if (p.source === 'url') {
		if (!download) throw localError('IMAGE_URL_INVALID', { reason: 'cannot be used by this operation' });
		const limit = p.maxImageSizeMb > 0 ? p.maxImageSizeMb * MEGABYTE : DOWNLOAD_HARD_CAP_BYTES;
		const { buffer, host } = await download(String(p.imageUrl ?? '').trim(), Math.floor(limit));
		return { buffer, summary: { source: 'url', host } };
	}
	const { property, binary, autoDetected } = resolveBinary.call(this, itemIndex, p.binaryPropertyName, p.binaryPropertyLabel, p.autoDetect);
	const summary: IDataObject = { source: 'binary', property, autoDetected };
	if (binary.fileName) summary.fileName = binary.fileName;
	if (!binary.id && typeof binary.data === 'string') return { b64: binary.data, claimedMime: binary.mimeType, summary };
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	return { buffer, claimedMime: binary.mimeType, summary };
}

export async function loadImage(
	this: IExecuteFunctions,
	itemIndex: number,
	p: ImageParameters,
	download?: ImageDownloader,
): Promise<EncodedImage> {
	const requested = p.source === 'binary' ? { source: 'binary', property: p.binaryPropertyName.trim() } : { source: p.source };
	const raw = await readRaw.call(this, itemIndex, p, download).catch(aboutImage(requested));
	return await Promise.resolve(raw).then((r) => checked(r, p)).catch(aboutImage(imageRef(raw.summary)));
}

function withBmp(sniffed: Sniffed, accept: boolean): Sniffed {
	return accept && sniffed.format === 'a BMP bitmap' ? { format: 'BMP', mimeType: 'image/bmp', supported: true } : sniffed;
}

/** The local checks, before anything is sent: a bad file never costs an API call. */
function checked(raw: RawImage, p: ImageParameters): EncodedImage {
	const bytes = raw.buffer ? raw.buffer.length : base64ByteLength(raw.b64 ?? '');
	if (bytes <= 0) throw localError('IMAGE_EMPTY', undefined);
	// 44 base64 characters decode to the 33 bytes the signatures need.
	const head = raw.buffer ? raw.buffer.subarray(0, 33) : Buffer.from((raw.b64 ?? '').slice(0, 44), 'base64');
	const sniffed = withBmp(sniffImageFormat(head), p.acceptBmp === true);
	if (p.validate && !sniffed.supported) throw localError('IMAGE_UNSUPPORTED_FORMAT', { detected: sniffed.format });
	if (p.maxImageSizeMb > 0 && bytes > p.maxImageSizeMb * MEGABYTE) throw localError('IMAGE_TOO_LARGE', { bytes, maxMb: p.maxImageSizeMb });
	const buffer = raw.buffer ?? (p.validate ? Buffer.from(raw.b64 ?? '', 'base64') : undefined);
	const problem = p.validate && buffer ? imageStructureProblem(sniffed.format, buffer) : undefined;
	if (problem) throw localError('IMAGE_CORRUPT', { format: sniffed.format, problem });
	const b64 = raw.b64 ?? raw.buffer!.toString('base64');
	const mimeType = sniffed.mimeType ?? raw.claimedMime ?? 'application/octet-stream';
	return {
		base64: p.sendAs === 'dataUrl' ? `data:${mimeType};base64,${b64}` : b64,
		bytes,
		mimeType,
		format: sniffed.format,
		summary: { ...raw.summary, bytes, format: sniffed.format },
	};
}

/**
 * How an error names the image it is about: where it came from, its binary property and file name. Never
 * the bytes, and never a link (it may carry a token, or come from an agent's prompt).
 */
export function imageRef(summary: IDataObject): IDataObject {
	return {
		source: summary.source,
		...(summary.property !== undefined && { property: summary.property }),
		...(summary.fileName !== undefined && { fileName: summary.fileName }),
	};
}

/** A failure about an image names it (`error.image`, or `error.images` for several), unless it already does. */
export function aboutImage(ref: IDataObject, key: 'image' | 'images' = 'image'): (error: unknown) => never {
	return (error) => {
		const named = error instanceof FaceError && error.info.image === undefined && error.info.images === undefined;
		throw named ? new FaceError({ ...error.info, [key]: ref }, error.fatal) : error;
	};
}
