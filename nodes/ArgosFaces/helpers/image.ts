/**
 * Reads the photo of one item, checks it locally and encodes it as base64 — before any request, so a
 * wrong file never costs an API call. Works in every binary data mode: stored binaries (filesystem,
 * database, S3 — the n8n 2.x defaults) are read through getBinaryDataBuffer; only an in-memory binary
 * (no `id`) already holds base64 in `data`, which is then used as is instead of decoding and re-encoding.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { localError } from '../errors';
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
	else if (/^[\x09\x0a\x0d\x20-\x7e]+$/.test(ascii(0, Math.min(head.length, 32)))) format = 'text, not an image';
	return { format, mimeType: SUPPORTED[format], supported: format in SUPPORTED };
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

export interface ImageParameters {
	source: 'binary' | 'base64';
	binaryPropertyName: string;
	base64Image: string;
	validate: boolean;
	/** 0 turns the size check off. */
	maxImageSizeMb: number;
	sendAs: 'base64' | 'dataUrl';
}

function availableBinaryNames(this: IExecuteFunctions, itemIndex: number): string[] {
	const item = this.getInputData()[itemIndex];
	const files = (item?.json?._files ?? {}) as Record<string, unknown>;
	return [...Object.keys(item?.binary ?? {}), ...Object.keys(files).map((k) => `_files.${k}`)];
}

async function readBase64(this: IExecuteFunctions, itemIndex: number, p: ImageParameters): Promise<{ b64: string; claimedMime?: string }> {
	if (p.source === 'base64') return { b64: parseBase64Input(p.base64Image ?? '') };
	const property = p.binaryPropertyName.trim();
	let binary: IBinaryData;
	try {
		binary = this.helpers.assertBinaryData(itemIndex, property);
	} catch {
		throw localError('IMAGE_MISSING', { property, available: availableBinaryNames.call(this, itemIndex) });
	}
	if (!binary.id && typeof binary.data === 'string') return { b64: binary.data, claimedMime: binary.mimeType };
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	return { b64: buffer.toString('base64'), claimedMime: binary.mimeType };
}

export async function loadImage(this: IExecuteFunctions, itemIndex: number, p: ImageParameters): Promise<EncodedImage> {
	const { b64, claimedMime } = await readBase64.call(this, itemIndex, p);
	const bytes = base64ByteLength(b64);
	if (bytes <= 0) throw localError('IMAGE_EMPTY', undefined);
	// 44 base64 characters decode to the 33 bytes the signatures need.
	const sniffed = sniffImageFormat(Buffer.from(b64.slice(0, 44), 'base64'));
	if (p.validate && !sniffed.supported) throw localError('IMAGE_UNSUPPORTED_FORMAT', { detected: sniffed.format });
	if (p.maxImageSizeMb > 0 && bytes > p.maxImageSizeMb * 1048576)
		throw localError('IMAGE_TOO_LARGE', { bytes, maxMb: p.maxImageSizeMb });
	const mimeType = sniffed.mimeType ?? claimedMime ?? 'application/octet-stream';
	return {
		base64: p.sendAs === 'dataUrl' ? `data:${mimeType};base64,${b64}` : b64,
		bytes,
		mimeType,
		format: sniffed.format,
	};
}
