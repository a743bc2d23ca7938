'use strict';

// ARGOS Global ID OCR, POST /modules/recognition, built from argos-idcheck-api.md §4 (sources R, R-old, PC) only.
// Pure function of (sandbox state, parsed request) -> response description, like verify.js; server.js adds
// latency, faults and the log. What the OCR "reads" comes from a marker in the image, so tests choose it.

const crypto = require('node:crypto');
const { sha256, decodeFaceImage, sniffFormat, readMarkers, MARKER_PREFIX, sampleImage } = require('./images');
const { checkCallback } = require('./verify');

// R-old's list; the HTTP status per code is not documented ([INFERRED] 400, as the verify endpoints).
const MESSAGES = {
	1001: 'Workspace is unavailable',
	1005: 'idImage is required',
	1006: 'issuingCountry is required',
	1010: 'callbackUrl is required',
	1012: 'Fail to recognize back of an idCard',
	1013: 'Invalid image format',
	1014: 'idType is required',
	1015: 'invalid inputs',
};

/** R-old: "max under 2 MB". Nothing documents an error code for it, so the gateway's 413 answers (see README). */
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const ID_TYPES = ['government_id', 'passport', 'drivers_license', 'residence_permit'];
const OCR_TAG = `${MARKER_PREFIX}OCR=`;

/**
 * The OCR fields: the key used in the OCR marker's JSON, its `ocr_*` name (R, PC) and its `raw` name. R shows
 * only raw `name`, `number`, `address`, `authority`, `name_chn`, `rotate`; the other raw names are [INFERRED]
 * (snake_case of the ocr name).
 */
const FIELDS = [
	['fullName', 'ocr_fullName', 'name'],
	['firstName', 'ocr_firstName', 'first_name'],
	['middleName', 'ocr_middleName', 'middle_name'],
	['lastName', 'ocr_lastName', 'last_name'],
	['gender', 'ocr_gender', 'gender'],
	['nationality', 'ocr_nationality', 'nationality'],
	['birthDate', 'ocr_birthDate', 'birth_date'],
	['number', 'ocr_number', 'number'],
	['issueDate', 'ocr_issueDate', 'issue_date'],
	['expireDate', 'ocr_expireDate', 'expire_date'],
];
/** Raw-only fields of R's example (no ocr_* counterpart). */
const RAW_ONLY = ['address', 'authority'];

const fail = (code, detail) => ({
	status: 400,
	errorCode: code,
	body: { errorCode: code, message: detail ? `${MESSAGES[code]} : ${detail}` : MESSAGES[code] },
	outcome: 'rejected',
});
const present = (v) => typeof v === 'string' && v.length > 0;
const transactionId = () => [...crypto.randomBytes(13)].map((b) => (b % 36).toString(36)).join('');

/** A BMP whose header's file size matches its length (R-old lists BMP beside JPEG and PNG). */
function isBmp(buf) {
	return buf.length >= 26 && buf[0] === 0x42 && buf[1] === 0x4d && buf.readUInt32LE(2) === buf.length;
}

/** One image field: absent, not an image (1013), too large (413), or usable with its markers. */
function readIdImage(sb, value) {
	const d = decodeFaceImage(value);
	if (!d.present) return { present: false };
	const info = { present: true, form: d.form, usable: false, tooLarge: false, bytes: null, sha256: null, format: null };
	if (!d.ok || (d.form === 'dataUrl' && sb.config.verifyDataUrls === 'reject')) return info;
	info.bytes = d.bytes.length;
	info.sha256 = sha256(d.bytes);
	const sniffed = sniffFormat(d.bytes);
	// WebP is not in R-old's list (JPEG, JPG, PNG, BMP).
	info.format = sniffed === 'jpeg' || sniffed === 'png' ? sniffed : isBmp(d.bytes) ? 'bmp' : null;
	info.tooLarge = info.bytes >= MAX_IMAGE_BYTES;
	info.usable = info.format !== null;
	info.markers = readMarkers(d.bytes);
	info.ocr = readOcrMarker(d.bytes);
	return info;
}

/** `ARGOS-SANDBOX:OCR=<urlencoded JSON>` up to the next space: the fields and scores the OCR "reads". */
function readOcrMarker(buf) {
	const text = buf.toString('latin1');
	const at = text.indexOf(OCR_TAG);
	if (at < 0) return null;
	const end = text.slice(at + OCR_TAG.length).search(/[\s\0]/);
	const encoded = text.slice(at + OCR_TAG.length, end < 0 ? undefined : at + OCR_TAG.length + end);
	try {
		const parsed = JSON.parse(decodeURIComponent(encoded));
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
	} catch {
		return null;
	}
}

const FIRST = ['JANE', 'MIN-JUN', 'LUCAS', 'AMARA', 'KENJI', 'SOFIA', 'OMAR', 'ELENA'];
const LAST = ['DOE', 'KIM', 'SILVA', 'OKAFOR', 'TANAKA', 'ROSSI', 'HADDAD', 'NOVAK'];

/** A plain image (no OCR marker) reads as a made-up person derived from its hash: the same bytes, the same person. */
function defaultFields(sha) {
	const n = (at, mod) => parseInt(sha.slice(at, at + 6), 16) % mod;
	const firstName = FIRST[n(0, FIRST.length)];
	const lastName = LAST[n(6, LAST.length)];
	const pad = (v) => String(v).padStart(2, '0');
	const year = 1960 + n(12, 45);
	const issued = 2015 + n(18, 9);
	return {
		fullName: `${firstName} ${lastName}`,
		firstName,
		lastName,
		gender: n(24, 2) ? 'F' : 'M',
		nationality: 'USA',
		birthDate: `${year}-${pad(1 + n(30, 12))}-${pad(1 + n(36, 28))}`,
		number: String(100000000 + n(42, 899999999)),
		issueDate: `${issued}-${pad(1 + n(48, 12))}-${pad(1 + n(54, 28))}`,
		expireDate: `${issued + 10}-${pad(1 + n(48, 12))}-${pad(1 + n(54, 28))}`,
		score: 80 + n(58, 20),
	};
}

/** Four corner points of a field's box on a card of R-old's recommended 421×266 px, from the hash. */
function coordinates(sha, index) {
	const x = 20 + ((parseInt(sha.slice(index * 2, index * 2 + 4), 16) % 200) | 0);
	const y = 30 + index * 22;
	const w = 120;
	const h = 18;
	return { first: { x, y }, second: { x: x + w, y }, third: { x: x + w, y: y + h }, fourth: { x, y: y + h } };
}

/**
 * Builds `result.data { raw, ocr }`. A field the marker sets to null (or leaves out, with a marker present) is
 * not read: no raw entry, and its ocr_* value is "". `score` applies to every raw field; `scores.<field>`
 * overrides it, and `scores.<field>: null` sends that raw field without a score.
 */
function buildData(front, back) {
	// An unreadable front (ARGOS-SANDBOX:UNREADABLE) reads nothing: R-old has a code only for the back.
	const fromFront = front.markers.unreadable ? {} : front.ocr || defaultFields(front.sha256);
	const fromBack = back && back.ocr ? back.ocr : {};
	const isRead = (v) => typeof v === 'string' && v !== '';
	// Each field's score comes from the image that read it.
	const scoreOf = (fields, key) => {
		const scores = fields.scores && typeof fields.scores === 'object' ? fields.scores : {};
		return key in scores ? scores[key] : typeof fields.score === 'number' ? fields.score : 90;
	};
	const sourceOf = (key) => (isRead(fromFront[key]) ? fromFront : fromBack);
	const raw = {};
	const ocr = {};
	FIELDS.forEach(([key, ocrName, rawName], i) => {
		const value = sourceOf(key)[key];
		ocr[ocrName] = isRead(value) ? value : '';
		if (!isRead(value)) return;
		const entry = { value };
		const score = scoreOf(sourceOf(key), key);
		if (score !== null) entry.score = score;
		if (key === 'number' && typeof entry.score === 'number') entry.accepted = entry.score >= 80;
		entry.coordinates = coordinates(front.sha256, i);
		raw[rawName] = entry;
	});
	for (const key of RAW_ONLY) if (isRead(sourceOf(key)[key])) raw[key] = { value: sourceOf(key)[key], score: scoreOf(sourceOf(key), key), coordinates: coordinates(front.sha256, 12) };
	raw.rotate = { value: '0' };
	return { raw, ocr };
}

/** The ko page's shape (config recognitionShape 'ko'): looks like a placeholder; lets clients test an unknown shape. */
function koShape(data, body) {
	const o = data.ocr;
	return {
		apiType: 'global_id_recognition',
		transactionId: transactionId(),
		result: {
			documentInfo: { documentType: body.idType, issuingCountry: body.issuingCountry },
			personalInfo: { fullName: o.ocr_fullName, birthDate: o.ocr_birthDate, gender: o.ocr_gender, nationality: o.ocr_nationality, address: {} },
			verificationStatus: { isValid: true, confidence: 0.95 },
			ocrData: {},
		},
	};
}

function recognize(sb, { body }) {
	if (!sb.config.workspaceAvailable) return fail(1001);
	if (!body) return fail(1015, 'idImage, issuingCountry, idType');
	if (!present(body.idImage)) return fail(1005);
	if (!present(body.issuingCountry)) return fail(1006);
	if (!present(body.idType)) return fail(1014);
	const invalid = [];
	if (!/^[A-Z]{3}$/.test(body.issuingCountry)) invalid.push('issuingCountry');
	if (!ID_TYPES.includes(body.idType)) invalid.push('idType');
	if ('idBackImage' in body && body.idBackImage !== null && typeof body.idBackImage !== 'string') invalid.push('idBackImage');
	if (invalid.length) return fail(1015, invalid.join(', '));
	const callback = checkCallback(body);
	if (callback) return callback;
	const front = readIdImage(sb, body.idImage);
	const back = present(body.idBackImage) ? readIdImage(sb, body.idBackImage) : null;
	if (!front.usable || (back && !back.usable)) return fail(1013);
	if (front.tooLarge || (back && back.tooLarge)) return { status: 413, errorCode: null, body: { message: 'Request Entity Too Large' }, outcome: 'rejected' };
	if (back && back.markers.unreadable) return fail(1012);
	const data = buildData(front, back);
	const log = { ocrFields: Object.values(data.ocr).filter(Boolean).length };
	if (sb.config.recognitionShape === 'ko') return { status: 200, errorCode: null, body: koShape(data, body), outcome: 'checked', log };
	return { status: 200, errorCode: null, body: { apiType: 'id_recognition', transactionId: transactionId(), result: { data } }, outcome: 'checked', log };
}

const ROUTES = { '/modules/recognition': { POST: recognize } };

/** What the request log keeps of a recognition body: per image its form, size, hash and format; never the image. */
function logRecognitionBody(sb, body) {
	const images = {};
	for (const field of ['idImage', 'idBackImage']) {
		if (!(field in body)) continue;
		const img = readIdImage(sb, body[field]);
		images[field] = img.present ? { form: img.form, bytes: img.bytes, sha256: img.sha256, format: img.format } : null;
	}
	const s = (v) => (typeof v === 'string' ? v : v == null ? null : JSON.stringify(v));
	return { images, issuingCountry: s(body.issuingCountry), idType: s(body.idType), callbackUrl: 'callbackUrl' in body };
}

// ---- sample ID images -----------------------------------------------------------------------------------

/** A minimal, valid 2×2 24-bit BMP with `text` appended inside the declared file size. */
function bmp(text) {
	const pixels = Buffer.alloc(16, 0x80); // two rows of 2 pixels × 3 bytes, padded to 8 bytes each
	const extra = Buffer.from(text, 'latin1');
	const size = 54 + pixels.length + extra.length;
	const head = Buffer.alloc(54);
	head.write('BM', 0, 'latin1');
	head.writeUInt32LE(size, 2);
	head.writeUInt32LE(54, 10);
	head.writeUInt32LE(40, 14);
	head.writeInt32LE(2, 18);
	head.writeInt32LE(2, 22);
	head.writeUInt16LE(1, 26);
	head.writeUInt16LE(24, 28);
	head.writeUInt32LE(pixels.length, 34);
	return Buffer.concat([head, pixels, extra]);
}

/**
 * An ID image whose OCR answer is chosen: `ocr` = the fields (keys of FIELDS, plus address/authority), `score`
 * for all of them, `scores` per field (null = no score). `format` jpeg (default), png or bmp; `unreadable`
 * makes a back image fail with 1012. Other sampleImage options (sizeBytes…) pass through for jpeg/png.
 */
function sampleIdImage(opts = {}) {
	const fields = opts.ocr ? { ...opts.ocr } : null;
	if (fields && opts.score !== undefined) fields.score = opts.score;
	if (fields && opts.scores) fields.scores = opts.scores;
	const tag = fields ? `${OCR_TAG}${encodeURIComponent(JSON.stringify(fields))}` : '';
	const label = [tag, opts.unreadable ? `${MARKER_PREFIX}UNREADABLE` : '', `id=${crypto.randomBytes(4).toString('hex')}`].filter(Boolean).join(' ');
	if (opts.format === 'bmp') return bmp(` ${label} `);
	return sampleImage({ format: opts.format || 'jpeg', sizeBytes: opts.sizeBytes, label });
}

module.exports = { ROUTES, MESSAGES, MAX_IMAGE_BYTES, ID_TYPES, FIELDS, logRecognitionBody, sampleIdImage, readOcrMarker };
