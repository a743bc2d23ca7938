'use strict';

// ARGOS's Face Liveness, Face Compare and ID Liveness endpoints, built from argos-verify-api.md only.
// Sources named as in that document: L (face liveness API), C / CC (face compare, current), C-old (old
// compare page), D (ID liveness). Pure functions of (sandbox state, parsed request) -> response description,
// like modules.js; server.js adds latency, faults and the log.

const crypto = require('node:crypto');
const { sha256, decodeFaceImage, sniffFormat, faceKeyOf, isSpoof, readMarkers, livenessScoreOf } = require('./images');

// L lists 1016/1017; C-old 1000/1001/1010; D 1001/1003/1005/1007-1010.
const MESSAGES = {
	1000: 'Two Images are Required',
	1001: 'Workspace is unavailable',
	1003: 'Fail to process data',
	1005: 'idImage is required',
	1007: 'pipelines is required',
	1008: 'invalid pipelines format',
	1009: 'Fail to analyze document',
	1010: 'callbackUrl is required',
	1016: 'faceImage is required',
	1017: 'Fail to analyze face',
};

// HTTP status per code is not documented; 400 keeps every error a 4xx (never a 2xx with an errorCode).
const fail = (code) => ({ status: 400, errorCode: code, body: { errorCode: code, message: MESSAGES[code] }, outcome: 'rejected' });
const ok = (body, log) => ({ status: 200, errorCode: null, body, outcome: 'checked', log });
const present = (v) => typeof v === 'string' && v.length > 0;

// The sample transactionId in L ("e0nvom3caiis7") is 13 lowercase base-36 characters.
const transactionId = () => [...crypto.randomBytes(13)].map((b) => (b % 36).toString(36)).join('');

/** A number 0..1 (or 0..n) derived from a hash, so the same image always gets the same box and confidence. */
const frac = (hex, at) => parseInt(hex.slice(at, at + 4), 16) / 0xffff;
const round = (v, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

function isBmp(buf) {
	return buf.length >= 14 && buf[0] === 0x42 && buf[1] === 0x4d && buf.readUInt32LE(2) === buf.length;
}

/**
 * One image field as the engine would see it. usable=false: not base64, a data URL while verifyDataUrls is
 * 'reject' (L: "send the raw base64 payload only"), not a supported format, or above maxImageBytes.
 */
function readImage(sb, value, { bmp = false } = {}) {
	const d = decodeFaceImage(value);
	if (!d.present) return { present: false };
	const info = { present: true, form: d.form, usable: false, bytes: null, sha256: null, format: null, faceKey: null, spoof: false, markers: null };
	if (!d.ok || (d.form === 'dataUrl' && sb.config.verifyDataUrls === 'reject')) return info;
	info.bytes = d.bytes.length;
	info.sha256 = sha256(d.bytes);
	// C-old accepts BMP for compare; L (and so this sandbox) only JPEG, PNG and WebP elsewhere.
	info.format = sniffFormat(d.bytes) || (bmp && isBmp(d.bytes) ? 'bmp' : null);
	info.faceKey = faceKeyOf(d.bytes, info.sha256);
	info.spoof = isSpoof(d.bytes);
	info.markers = readMarkers(d.bytes);
	info.usable = info.format !== null && info.bytes <= sb.config.maxImageBytes;
	return info;
}

function faceLivenessScore(img) {
	return img.markers.liveness ?? livenessScoreOf(img.sha256, img.spoof);
}

/** callbackUrl: absent -> synchronous; unusable -> 1010; a real URL -> refused, the sandbox makes no callbacks. */
function checkCallback(body) {
	if (!('callbackUrl' in body) || body.callbackUrl === null) return null;
	const v = body.callbackUrl;
	let url = null;
	try {
		url = present(v) ? new URL(v) : null;
	} catch {
		url = null;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fail(1010);
	return {
		status: 400,
		errorCode: null,
		body: { message: 'callbackUrl (asynchronous mode) is not supported by the ARGOS sandbox: leave it out and the result comes in this response.' },
		outcome: 'rejected',
	};
}

// ---- POST /modules/liveness (L) -------------------------------------------------------------------------

function faceLiveness(sb, { body }) {
	if (!body) return fail(1016);
	const img = readImage(sb, body.faceImage);
	if (!img.present) return fail(1016);
	if (!img.usable || img.markers.unreadable) return fail(1017);
	const score = faceLivenessScore(img);
	return ok({ apiType: 'id_live_face', result: { liveness_score: score }, transactionId: transactionId() }, { livenessScore: score });
}

// ---- POST /modules/compare (C, CC, C-old) ---------------------------------------------------------------

function boxOf(img) {
	const h = img.sha256;
	const Width = round(0.25 + 0.2 * frac(h, 8));
	const Height = round(0.3 + 0.2 * frac(h, 12));
	return { Width, Height, Left: round((1 - Width) * frac(h, 16)), Top: round((1 - Height) * frac(h, 20)) };
}

const confidenceOf = (img) => round(0.9 + 0.099 * frac(img.sha256, 24), 4);

/** Same face key: 0.900..0.999; different: 0.050..0.449; a SIMILARITY marker (origin's first) overrides. */
function similarityOf(origin, target) {
	const forced = origin.markers.similarity ?? target.markers.similarity;
	if (forced != null) return round(forced / 100, 4);
	const pair = [origin.faceKey, target.faceKey].sort().join('|');
	const n = parseInt(sha256('similarity:' + pair).slice(0, 8), 16);
	return origin.faceKey === target.faceKey ? round(0.9 + (n % 100) / 1000) : round(0.05 + (n % 400) / 1000);
}

function faceCompare(sb, { body }) {
	if (!sb.config.workspaceAvailable) return fail(1001);
	if (!body) return fail(1000);
	if (!present(body.originFace) || !present(body.targetFace)) return fail(1000);
	const callback = checkCallback(body);
	if (callback) return callback;
	const origin = readImage(sb, body.originFace, { bmp: true });
	const target = readImage(sb, body.targetFace, { bmp: true });
	// Nothing documents a code for an image that is not an image; it is not one of the "two images" either.
	if (!origin.usable || !target.usable) return fail(1000);
	const found = (img) => !img.markers.unreadable;
	const both = found(origin) && found(target);
	const score = both ? similarityOf(origin, target) : 0;
	const threshold = sb.config.compareThreshold;
	const isMatch = both && score >= threshold;
	const log = { similarity: score, isMatch };
	// Off, the answer shows its scale only through the similarity (and the current shape's threshold): lets a
	// client be tested on an answer whose scale cannot be told.
	const confidence = (img, k) => (sb.config.compareConfidences ? { confidence: round(confidenceOf(img) * k, 4) } : {});

	if (sb.config.compareShape === 'old') {
		// C-old: faceMatch instead of targetFace + similarity, no threshold/isMatch; maybe a 0..100 scale.
		const k = sb.config.compareOldScale;
		const side = (img) => (found(img) ? { isAvailable: true, boundingBox: boxOf(img), ...confidence(img, k) } : { isAvailable: false });
		const faceMatch = side(target);
		faceMatch.similarity = round(score * k, 4);
		if (faceMatch.isAvailable) {
			const b = faceMatch.boundingBox;
			const p = (dx, dy) => ({ X: round(b.Left + b.Width * dx), Y: round(b.Top + b.Height * dy) });
			faceMatch.landmarks = [
				{ Type: 'eyeLeft', ...p(0.3, 0.4) },
				{ Type: 'eyeRight', ...p(0.7, 0.4) },
				{ Type: 'nose', ...p(0.5, 0.6) },
				{ Type: 'mouthLeft', ...p(0.35, 0.8) },
				{ Type: 'mouthRight', ...p(0.65, 0.8) },
			];
			const h = target.sha256;
			faceMatch.pose = { Roll: round(20 * frac(h, 28) - 10, 2), Yaw: round(30 * frac(h, 32) - 15, 2), Pitch: round(30 * frac(h, 36) - 15, 2) };
			faceMatch.quality = { Brightness: round(60 + 30 * frac(h, 40), 2), Sharpness: round(70 + 25 * frac(h, 44), 2) };
		}
		return ok({ apiType: 'compare_face', transactionId: transactionId(), result: { face: side(origin), faceMatch } }, log);
	}
	const side = (img) => (found(img) ? { isAvailable: true, boundingBox: boxOf(img), ...confidence(img, 1) } : { isAvailable: false });
	return ok(
		{ apiType: 'compare_face', transactionId: transactionId(), result: { face: side(origin), targetFace: side(target), similarity: { score, threshold, isMatch } } },
		log,
	);
}

// ---- POST /modules/document (D) -------------------------------------------------------------------------

const PIPELINES = [
	// [request key (also the score marker's key), result key, flag marker]
	['sr', 'screenReplay', 'screenReplay'],
	['pc', 'paperPrinted', 'paperPrinted'],
	['ps', 'replacePortraits', 'portraitReplaced'],
];

/** D marks pipelines required, booleans: exactly sr, pc and ps, each true/false, at least one true. */
function pipelinesValid(p) {
	if (!p || typeof p !== 'object' || Array.isArray(p)) return false;
	const keys = Object.keys(p);
	if (keys.length !== 3 || !PIPELINES.every(([k]) => typeof p[k] === 'boolean')) return false;
	return PIPELINES.some(([k]) => p[k]);
}

/** The ID image field: D's curl/Body say `image`, its error list and public clients `idImage`. */
function documentImage(sb, body) {
	const field = sb.config.documentImageField;
	if (field === 'image') return body.image;
	if (field === 'idImage') return body.idImage;
	return present(body.image) ? body.image : body.idImage;
}

/** Normal documents 81..99 ("very low risk" in D's guide); a flagged pipeline 5..30 ("high risk"). */
function pipelineScore(img, key, flag) {
	if (img.markers[key] != null) return img.markers[key];
	const n = parseInt(sha256(key + ':' + img.sha256).slice(0, 8), 16);
	return img.markers[flag] ? 5 + (n % 26) : 81 + (n % 19);
}

function idLiveness(sb, { body }) {
	if (!sb.config.workspaceAvailable) return fail(1001);
	if (!body) return fail(1003);
	const value = documentImage(sb, body);
	if (!present(value)) return fail(1005);
	if (body.pipelines === undefined || body.pipelines === null) return fail(1007);
	if (!pipelinesValid(body.pipelines)) return fail(1008);
	const callback = checkCallback(body);
	if (callback) return callback;
	const img = readImage(sb, value);
	if (!img.usable || img.markers.unreadable) return fail(1009);
	const result = {};
	const scores = {};
	for (const [key, resultKey, flag] of PIPELINES) {
		if (!body.pipelines[key]) continue;
		scores[key] = pipelineScore(img, key, flag);
		result[resultKey] = { liveness_score: scores[key] };
	}
	return ok({ apiType: 'id_live_doc', transactionId: transactionId(), result }, { documentScores: scores });
}

// ---- shared ---------------------------------------------------------------------------------------------

const ROUTES = {
	'/modules/liveness': { POST: faceLiveness },
	'/modules/compare': { POST: faceCompare },
	'/modules/document': { POST: idLiveness },
};

/** Face ID's 6039/6040 by default ([INFERRED] in the doc); 'gateway' answers the gateway's bare 403 Forbidden. */
function checkVerifyKey(sb, keyState, faceIdCheck) {
	if (keyState === 'valid') return null;
	if (sb.config.verifyKeyErrors === 'gateway') return { status: 403, errorCode: null, body: { message: 'Forbidden' }, outcome: 'rejected' };
	return faceIdCheck(keyState);
}

/** What the request log keeps of a verify body: per image field its form, size, hash and format; never the image. */
function logVerifyBody(sb, body) {
	const images = {};
	for (const field of ['faceImage', 'originFace', 'targetFace', 'image', 'idImage']) {
		if (!(field in body)) continue;
		const img = readImage(sb, body[field], { bmp: true });
		images[field] = img.present ? { form: img.form, bytes: img.bytes, sha256: img.sha256, format: img.format } : null;
	}
	const p = body.pipelines;
	return { images, pipelines: p && typeof p === 'object' && !Array.isArray(p) ? { sr: p.sr, pc: p.pc, ps: p.ps } : p === undefined ? null : p, callbackUrl: 'callbackUrl' in body };
}

module.exports = { ROUTES, MESSAGES, checkVerifyKey, checkCallback, logVerifyBody, readImage };
