'use strict';

// The /__sandbox/ admin surface: the programmatic API over HTTP, for tests in other processes, the real-n8n
// e2e run and people poking at the sandbox with curl. No API key, no latency, no faults, not logged.

const { sampleImage, inspectFaceImage } = require('./images');
const { sampleIdImage } = require('./recognition');

function jsonBody(buf) {
	if (!buf || buf.length === 0) return {};
	return JSON.parse(buf.toString('utf8'));
}

const okJson = (body, status = 200) => ({ status, body });

function sample(params) {
	if (params.get('kind') === 'id') return sampleId(params);
	const format = params.get('format') || 'jpeg';
	const faceKey = params.get('face') || params.get('faceKey') || undefined;
	const spoof = ['1', 'true', 'yes'].includes(params.get('spoof') || '');
	const sizeBytes = params.has('sizeBytes') ? Number(params.get('sizeBytes')) : undefined;
	if (sizeBytes !== undefined && !(Number.isInteger(sizeBytes) && sizeBytes >= 0 && sizeBytes <= 64 * 1024 * 1024)) {
		throw new TypeError('sizeBytes must be an integer 0..67108864');
	}
	const flag = (k) => ['1', 'true', 'yes'].includes(params.get(k) || '');
	const num = (k) => {
		if (!params.has(k)) return undefined;
		const v = Number(params.get(k));
		if (!(params.get(k) !== '' && v >= 0 && v <= 100)) throw new TypeError(`${k} must be a number 0..100`);
		return v;
	};
	const img = sampleImage({
		format,
		faceKey,
		spoof,
		sizeBytes,
		livenessScore: num('liveness'),
		similarity: num('similarity'),
		documentScores: { sr: num('sr'), pc: num('pc'), ps: num('ps') },
		unreadable: flag('unreadable'),
		screenReplay: flag('screenReplay'),
		paperPrinted: flag('paperPrinted'),
		portraitReplaced: flag('portraitReplaced'),
	});
	if (['1', 'true'].includes(params.get('raw') || '')) return { status: 200, raw: img, type: `image/${format}` };
	const b64 = img.toString('base64');
	const faceImage = ['1', 'true'].includes(params.get('dataUrl') || '') ? `data:image/${format};base64,${b64}` : b64;
	// field= renames the image field so the answer is a ready body for /modules/liveness or /modules/document too.
	const field = params.get('field') || 'faceImage';
	if (!['faceImage', 'image', 'idImage', 'originFace', 'targetFace'].includes(field)) throw new TypeError('field must be faceImage, image, idImage, originFace or targetFace');
	// Echoing collectionId/userName/requestName makes the answer a ready-made request body (see the README's curl).
	const out = {};
	for (const k of ['collectionId', 'userName', 'requestName']) if (params.has(k)) out[k] = params.get(k);
	const info = inspectFaceImage(b64);
	return okJson({ ...out, [field]: faceImage, format, bytes: img.length, faceKey: info.faceKey, spoof, sha256: info.sha256 });
}

/** kind=id: an ID image for /modules/recognition; ocr=<JSON of the fields>, score=, format=jpeg|png|bmp, unreadable=1. */
function sampleId(params) {
	const format = params.get('format') || 'jpeg';
	const ocr = params.has('ocr') ? JSON.parse(params.get('ocr')) : undefined;
	const score = params.has('score') ? Number(params.get('score')) : undefined;
	const img = sampleIdImage({ format, ocr, score, unreadable: ['1', 'true'].includes(params.get('unreadable') || '') });
	if (['1', 'true'].includes(params.get('raw') || '')) return { status: 200, raw: img, type: `image/${format}` };
	const field = params.get('field') || 'idImage';
	if (!['idImage', 'idBackImage'].includes(field)) throw new TypeError('field must be idImage or idBackImage');
	const out = { [field]: img.toString('base64'), format, bytes: img.length };
	for (const k of ['issuingCountry', 'idType']) if (params.has(k)) out[k] = params.get(k);
	return okJson(out);
}

function handleAdmin(sb, { method, path, params, buf }) {
	const route = `${method} ${path}`;
	switch (route) {
		case 'GET /__sandbox':
		case 'GET /__sandbox/health':
			return okJson({ ok: true, name: 'argos-face-id-sandbox', requests: sb.log.length });
		case 'GET /__sandbox/state':
			return okJson(sb.state());
		case 'POST /__sandbox/reset':
			sb.reset();
			return okJson({ ok: true });
		case 'GET /__sandbox/requests':
			return okJson(sb.requests(params.has('since') ? Number(params.get('since')) : 0));
		case 'DELETE /__sandbox/requests':
			sb.clearRequests();
			return okJson({ ok: true });
		case 'GET /__sandbox/config':
			return okJson({ ...sb.config });
		case 'PUT /__sandbox/config':
		case 'PATCH /__sandbox/config':
			return okJson(sb.setConfig(jsonBody(buf)));
		case 'GET /__sandbox/faults':
			return okJson({ rules: sb.faultSchedule.list(), random: sb.faultSchedule.randomInfo() });
		case 'POST /__sandbox/faults':
			return okJson({ added: sb.faultSchedule.add(jsonBody(buf)), rules: sb.faultSchedule.list() });
		case 'DELETE /__sandbox/faults':
			sb.faultSchedule.clear();
			return okJson({ ok: true });
		case 'POST /__sandbox/faults/random':
			return okJson({ random: sb.faultSchedule.setRandom(buf && buf.length ? jsonBody(buf) : null) });
		case 'DELETE /__sandbox/faults/random':
			sb.faultSchedule.setRandom(null);
			return okJson({ ok: true });
		case 'POST /__sandbox/collections': {
			const c = sb.store.addCollection(jsonBody(buf));
			return okJson({ id: c.id, status: c.status, liveness: c.liveness, faces: c.faces.size }, 201);
		}
		case 'POST /__sandbox/faces/bulk': {
			const b = jsonBody(buf);
			return okJson({ faces: sb.store.addFaces(b.collectionId, b.count, { userNamePrefix: b.userNamePrefix }) }, 201);
		}
		case 'GET /__sandbox/sample-image':
			return sample(params);
		default:
			return okJson({ error: `no admin route ${route}` }, 404);
	}
}

module.exports = { handleAdmin };
