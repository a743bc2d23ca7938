'use strict';

const crypto = require('node:crypto');
const zlib = require('node:zlib');

const FACE_TAG = 'ARGOS-SANDBOX:FACE=';
const SPOOF_TAG = 'ARGOS-SANDBOX:SPOOF';

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

// Strict on purpose: a lenient decoder would hide client bugs such as an un-stripped prefix or URL-safe
// base64. Whitespace is tolerated because some encoders wrap lines.
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_RE = /^data:([^;,]*)((?:;[^;,]*)*);base64,/i;

/**
 * Decodes a faceImage field. form tells which of the two documented encodings arrived;
 * ok=false means present but not decodable base64.
 */
function decodeFaceImage(value) {
	if (typeof value !== 'string' || value.length === 0) return { present: false, form: null, ok: false, bytes: null };
	let form = 'base64';
	let payload = value;
	let mime = null;
	const m = DATA_URL_RE.exec(value);
	if (m) {
		form = 'dataUrl';
		mime = m[1] || null;
		payload = value.slice(m[0].length);
	}
	payload = payload.replace(/\s+/g, '');
	if (payload.length === 0 || payload.length % 4 === 1 || !BASE64_RE.test(payload)) {
		return { present: true, form, mime, ok: false, bytes: null };
	}
	return { present: true, form, mime, ok: true, bytes: Buffer.from(payload, 'base64') };
}

/** Magic-byte sniffing: JPEG, PNG and WebP are the formats ARGOS' sibling liveness API names. */
function sniffFormat(buf) {
	if (!buf || buf.length < 4) return null;
	if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
	if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
	if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
	return null;
}

/** The identity a search compares: an embedded tag (so tests can make "the same person" twice) or the bytes' hash. */
function faceKeyOf(buf, sha) {
	const at = buf.indexOf(FACE_TAG, 0, 'latin1');
	if (at >= 0) {
		let end = at + FACE_TAG.length;
		while (end < buf.length && /[A-Za-z0-9_-]/.test(String.fromCharCode(buf[end]))) end++;
		if (end > at + FACE_TAG.length) return buf.toString('latin1', at + FACE_TAG.length, end);
	}
	return sha || sha256(buf);
}

const isSpoof = (buf) => buf.indexOf(SPOOF_TAG, 0, 'latin1') >= 0;

// Markers for the Face Liveness / Compare / ID Liveness endpoints (verify.js); the Face ID endpoints ignore them.
const MARKER_PREFIX = 'ARGOS-SANDBOX:';
const SCORE_MARKERS = { LIVENESS: 'liveness', SIMILARITY: 'similarity', SR: 'sr', PC: 'pc', PS: 'ps' };
const FLAG_MARKERS = { UNREADABLE: 'unreadable', SCREEN_REPLAY: 'screenReplay', PAPER_PRINTED: 'paperPrinted', PORTRAIT_REPLACED: 'portraitReplaced' };

/** Verify markers in the bytes: scores (0..100; other values are ignored) and flags. */
function readMarkers(buf) {
	const out = { liveness: null, similarity: null, sr: null, pc: null, ps: null, unreadable: false, screenReplay: false, paperPrinted: false, portraitReplaced: false };
	const text = buf.toString('latin1');
	for (const [name, key] of Object.entries(SCORE_MARKERS)) {
		const m = new RegExp(`${MARKER_PREFIX}${name}=([0-9]+(?:\\.[0-9]+)?)(?![0-9.])`).exec(text);
		if (m && Number(m[1]) <= 100) out[key] = Number(m[1]);
	}
	for (const [name, key] of Object.entries(FLAG_MARKERS)) out[key] = new RegExp(`${MARKER_PREFIX}${name}(?![A-Za-z0-9_=])`).test(text);
	return out;
}

/** Deterministic per image: the same bytes always score the same, spoofs always score low. */
function livenessScoreOf(sha, spoof) {
	const n = parseInt(sha.slice(0, 8), 16);
	return spoof ? 5 + (n % 26) : 70 + (n % 30);
}

/** Everything the server and the request log need to know about one faceImage field. */
function inspectFaceImage(value) {
	const d = decodeFaceImage(value);
	const info = { present: d.present, form: d.form, decodable: d.ok, bytes: null, sha256: null, format: null, faceKey: null, spoof: false };
	if (!d.ok) return info;
	info.bytes = d.bytes.length;
	info.sha256 = sha256(d.bytes);
	info.format = sniffFormat(d.bytes);
	info.faceKey = faceKeyOf(d.bytes, info.sha256);
	info.spoof = isSpoof(d.bytes);
	return info;
}

// ---- sample images --------------------------------------------------------------------------------------
// Tests, the demo and users without a camera need images that carry a face key or the spoof marker.
// JPEG and PNG samples are real, decodable 8x8 grey pictures; WebP samples only pass magic-byte sniffing.

let crcTable;
function crc32(buf) {
	if (!crcTable) {
		crcTable = new Int32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c;
		}
	}
	let c = -1;
	for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
	return (c ^ -1) >>> 0;
}

function tagText(opts) {
	const { faceKey, spoof, label } = opts;
	const parts = [];
	if (faceKey) {
		if (!/^[A-Za-z0-9_-]+$/.test(faceKey)) throw new TypeError('faceKey must match [A-Za-z0-9_-]+');
		parts.push(FACE_TAG + faceKey);
	}
	if (spoof) parts.push(SPOOF_TAG);
	for (const [name, key] of Object.entries(SCORE_MARKERS)) {
		const v = key in (opts.scores || {}) ? opts.scores[key] : undefined;
		if (v == null) continue;
		if (typeof v !== 'number' || !(v >= 0 && v <= 100)) throw new TypeError(`sample ${key} score must be a number 0..100`);
		parts.push(`${MARKER_PREFIX}${name}=${v}`);
	}
	for (const [name, key] of Object.entries(FLAG_MARKERS)) if (opts[key]) parts.push(MARKER_PREFIX + name);
	if (label) parts.push(String(label));
	// A unique nonce keeps untagged samples distinct (their face key is their hash).
	if (!faceKey && !label) parts.push('nonce=' + crypto.randomBytes(6).toString('hex'));
	// Trailing terminator: whatever byte follows in the container (a PNG CRC, say) must not extend the key.
	return parts.join(' ') + ' ';
}

function jpegSegment(marker, payload) {
	const head = Buffer.alloc(4);
	head.writeUInt16BE(marker, 0);
	head.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([head, payload]);
}

function jpeg(text, padBytes) {
	const segs = [Buffer.from([0xff, 0xd8])];
	segs.push(jpegSegment(0xffe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])));
	segs.push(jpegSegment(0xfffe, Buffer.from(text, 'latin1')));
	for (let left = padBytes; left > 0; ) {
		const n = Math.min(left, 65533 - 4);
		segs.push(jpegSegment(0xfffe, Buffer.alloc(Math.max(n - 4, 0), 0x20)));
		left -= n;
	}
	segs.push(jpegSegment(0xffdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
	segs.push(jpegSegment(0xffc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])));
	// One-symbol Huffman tables: DC difference 0 and end-of-block, each coded as the single bit '0'.
	const oneCode = (cls, symbol) => Buffer.concat([Buffer.from([cls]), Buffer.from([1, ...new Array(15).fill(0)]), Buffer.from([symbol])]);
	segs.push(jpegSegment(0xffc4, oneCode(0x00, 0x00)));
	segs.push(jpegSegment(0xffc4, oneCode(0x10, 0x00)));
	segs.push(jpegSegment(0xffda, Buffer.from([1, 1, 0x00, 0, 63, 0])));
	segs.push(Buffer.from([0x3f, 0xff, 0xd9]));
	return Buffer.concat(segs);
}

function pngChunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

function png(text, padBytes, grey) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(8, 0);
	ihdr.writeUInt32BE(8, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 0; // greyscale
	const rows = [];
	for (let y = 0; y < 8; y++) rows.push(Buffer.from([0]), Buffer.alloc(8, grey));
	const chunks = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr)];
	chunks.push(pngChunk('tEXt', Buffer.from('Comment\0' + text, 'latin1')));
	if (padBytes >= 20) chunks.push(pngChunk('tEXt', Buffer.concat([Buffer.from('Padding\0'), Buffer.alloc(padBytes - 12 - 8, 0x20)])));
	chunks.push(pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0)));
	return Buffer.concat(chunks);
}

function webp(text, padBytes) {
	const payload = Buffer.concat([Buffer.from(text, 'latin1'), Buffer.alloc(Math.max(padBytes - 8, 0), 0x20)]);
	const even = payload.length % 2 ? Buffer.concat([payload, Buffer.from([0])]) : payload;
	const chunkHead = Buffer.alloc(8);
	chunkHead.write('XMP ', 0, 'latin1');
	chunkHead.writeUInt32LE(payload.length, 4);
	const riff = Buffer.alloc(12);
	riff.write('RIFF', 0, 'latin1');
	riff.writeUInt32LE(4 + 8 + even.length, 4);
	riff.write('WEBP', 8, 'latin1');
	return Buffer.concat([riff, chunkHead, even]);
}

/**
 * A small image carrying the sandbox markers.
 * @param {import('./index').SampleImageOptions} [opts]
 */
function sampleImage(opts = {}) {
	const format = opts.format || 'jpeg';
	const scores = { liveness: opts.livenessScore, similarity: opts.similarity, ...(opts.documentScores || {}) };
	const text = tagText({ ...opts, scores });
	const build = (pad) => {
		if (format === 'jpeg') return jpeg(text, pad);
		if (format === 'png') return png(text, pad, 64 + (parseInt(sha256(opts.faceKey || text).slice(0, 2), 16) % 160));
		if (format === 'webp') return webp(text, pad);
		throw new TypeError(`unknown sample format "${format}" (jpeg, png, webp)`);
	};
	let img = build(0);
	const target = opts.sizeBytes || 0;
	// Padding overhead differs per format; a few corrections land on the exact size (within a few bytes for tiny pads).
	for (let pad = target - img.length, i = 0; pad > 0 && img.length !== target && i < 4; i++) {
		img = build(pad);
		pad += target - img.length;
	}
	return img;
}

module.exports = {
	FACE_TAG,
	SPOOF_TAG,
	sha256,
	decodeFaceImage,
	sniffFormat,
	faceKeyOf,
	isSpoof,
	readMarkers,
	MARKER_PREFIX,
	livenessScoreOf,
	inspectFaceImage,
	sampleImage,
};
