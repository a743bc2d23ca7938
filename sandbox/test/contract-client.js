'use strict';

// A client written from argos-verify-api.md alone (not from the sandbox, not from the node). It insists on what the
// document states firmly and tolerates every variant it marks [CONFLICT] or [INFERRED]. Anything else is thrown as
// a ContractViolation, so a test passing means "a client built from the document works against this server".

class ContractViolation extends Error {}

const violation = (msg) => {
	throw new ContractViolation(msg);
};
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScore100 = (v) => typeof v === 'number' && v >= 0 && v <= 100;

/** L: "strip the data-URL prefix and send the raw base64 payload only"; C is read the same way [INFERRED]. */
const rawBase64 = (image) => (Buffer.isBuffer(image) ? image.toString('base64') : String(image).replace(/^data:[^,]*;base64,/i, ''));

/**
 * Errors: the document gives `errorCode` + `message` for the product errors (status per code not documented, so
 * any 4xx/5xx) and gateway errors by HTTP status with a message (body shape not documented: JSON or not).
 */
function parseError(status, text) {
	if (status < 400) violation(`an error must not come with HTTP ${status}`);
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}
	if (isObject(body) && body.errorCode != null) {
		const code = Number(body.errorCode);
		if (!Number.isInteger(code)) violation(`errorCode is not a number: ${JSON.stringify(body.errorCode)}`);
		if (typeof body.message !== 'string') violation('an errorCode comes with a message');
		return { ok: false, kind: 'api', httpStatus: status, errorCode: code, message: body.message };
	}
	const message = isObject(body) ? body.message ?? body.Message ?? null : null;
	return { ok: false, kind: 'gateway', httpStatus: status, errorCode: null, message: typeof message === 'string' ? message : null };
}

async function post(base, apiKey, path, payload) {
	const res = await fetch(`${base}/modules/${path}`, {
		method: 'POST',
		headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
		body: JSON.stringify(payload),
	});
	const text = await res.text();
	if (res.status >= 400) return { error: parseError(res.status, text) };
	if (res.status < 200 || res.status > 299) violation(`unexpected HTTP ${res.status}`);
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		violation('a success body must be JSON');
	}
	if (!isObject(body) || !isObject(body.result)) violation('a success body has a result object');
	if (body.errorCode != null) violation('an errorCode came with a 2xx status');
	if (typeof body.transactionId !== 'string' || !body.transactionId) violation('a success carries a transactionId');
	return { body };
}

function checkApiType(body, expected) {
	// Every success example names its apiType; tolerate its absence, not a different one.
	if (body.apiType !== undefined && body.apiType !== expected) violation(`apiType ${body.apiType}, expected ${expected}`);
}

function readFace(face, name) {
	if (!isObject(face)) violation(`${name} must be an object`);
	if (typeof face.isAvailable !== 'boolean') violation(`${name}.isAvailable must be a boolean`);
	if (!face.isAvailable) return { isAvailable: false, boundingBox: null, confidence: null };
	const b = face.boundingBox;
	if (!isObject(b) || !['Width', 'Height', 'Left', 'Top'].every((k) => typeof b[k] === 'number')) violation(`${name}.boundingBox needs Width, Height, Left, Top`);
	if (typeof face.confidence !== 'number') violation(`${name}.confidence must be a number`);
	// Same [INFERRED] scale doubt as the old similarity: normalise to 0..1.
	const confidence = face.confidence > 1 ? face.confidence / 100 : face.confidence;
	return { isAvailable: true, boundingBox: { Width: b.Width, Height: b.Height, Left: b.Left, Top: b.Top }, confidence };
}

const PIPELINE_KEYS = { sr: 'screenReplay', pc: 'paperPrinted', ps: 'replacePortraits' };

function createContractClient({ baseUrl, apiKey }) {
	return {
		/** §1: { faceImage } -> result.liveness_score 0..100; no pass/fail field, the caller decides. */
		async faceLiveness(image) {
			const r = await post(baseUrl, apiKey, 'liveness', { faceImage: rawBase64(image) });
			if (r.error) return r.error;
			checkApiType(r.body, 'id_live_face');
			const score = r.body.result.liveness_score;
			if (!isScore100(score)) violation('result.liveness_score must be a number 0..100');
			return { ok: true, score, transactionId: r.body.transactionId };
		},

		/** §2: current shape (similarity {score, threshold, isMatch}) or old shape (faceMatch, maybe 0..100). */
		async faceCompare(origin, target) {
			const r = await post(baseUrl, apiKey, 'compare', { originFace: rawBase64(origin), targetFace: rawBase64(target) });
			if (r.error) return r.error;
			checkApiType(r.body, 'compare_face');
			const res = r.body.result;
			const face = readFace(res.face, 'result.face');
			if (isObject(res.similarity)) {
				const s = res.similarity;
				if (typeof s.score !== 'number' || s.score < 0 || s.score > 1) violation('result.similarity.score must be 0..1');
				const threshold = typeof s.threshold === 'number' ? s.threshold : null;
				const isMatch = typeof s.isMatch === 'boolean' ? s.isMatch : null;
				return { ok: true, shape: 'current', face, targetFace: readFace(res.targetFace, 'result.targetFace'), similarity: s.score, threshold, isMatch, transactionId: r.body.transactionId };
			}
			if (isObject(res.faceMatch)) {
				const m = res.faceMatch;
				if (typeof m.similarity !== 'number' || m.similarity < 0 || m.similarity > 100) violation('result.faceMatch.similarity must be a number');
				// [INFERRED] 0..100 on the old shape: anything above 1 cannot be on the 0..1 scale.
				const similarity = m.similarity > 1 ? m.similarity / 100 : m.similarity;
				return { ok: true, shape: 'old', face, targetFace: readFace(m, 'result.faceMatch'), similarity, threshold: null, isMatch: null, transactionId: r.body.transactionId };
			}
			return violation('result has neither similarity nor faceMatch');
		},

		/** §3: image under `image` or `idImage` [CONFLICT], pipelines {sr, pc, ps}; only the asked pipelines come back. */
		async idLiveness(image, pipelines, { imageField = 'idImage' } = {}) {
			const r = await post(baseUrl, apiKey, 'document', { [imageField]: rawBase64(image), pipelines });
			if (r.error) return r.error;
			checkApiType(r.body, 'id_live_doc');
			const res = r.body.result;
			const scores = {};
			for (const [key, resultKey] of Object.entries(PIPELINE_KEYS)) {
				if (pipelines[key]) {
					const p = res[resultKey];
					if (!isObject(p) || !isScore100(p.liveness_score)) violation(`result.${resultKey}.liveness_score must be 0..100`);
					scores[key] = p.liveness_score;
				} else if (res[resultKey] !== undefined) {
					violation(`result.${resultKey} was not asked for`);
				}
			}
			return { ok: true, scores, transactionId: r.body.transactionId };
		},

		/**
		 * argos-idcheck-api.md §4: { idImage, idBackImage?, issuingCountry, idType } -> result.data { raw, ocr };
		 * raw.*.score 0..100 where present. The ko page's other shape is [CONFLICT]: returned as unknown, not read.
		 */
		async recognize(front, { back, issuingCountry, idType }) {
			const payload = { idImage: rawBase64(front), issuingCountry, idType, ...(back ? { idBackImage: rawBase64(back) } : {}) };
			const r = await post(baseUrl, apiKey, 'recognition', payload);
			if (r.error) return r.error;
			const data = isObject(r.body.result) ? r.body.result.data : undefined;
			if (!isObject(data)) return { ok: true, shape: 'unknown', body: r.body };
			if (!isObject(data.raw) || !isObject(data.ocr)) violation('result.data must hold raw and ocr objects');
			for (const [key, entry] of Object.entries(data.raw)) {
				if (!isObject(entry)) violation(`result.data.raw.${key} must be an object`);
				if (entry.score !== undefined && !isScore100(entry.score)) violation(`result.data.raw.${key}.score must be 0..100`);
			}
			for (const [key, value] of Object.entries(data.ocr)) if (typeof value !== 'string') violation(`result.data.ocr.${key} must be text`);
			return { ok: true, shape: 'data', raw: data.raw, ocr: data.ocr, transactionId: r.body.transactionId };
		},

		/** Raw access for error cases a well-behaved client never sends (missing fields, bad pipelines). */
		async raw(path, payload) {
			const r = await post(baseUrl, apiKey, path, payload);
			return r.error || { ok: true, body: r.body };
		},
	};
}

module.exports = { createContractClient, ContractViolation };
