'use strict';

// The four Face ID endpoints (and, from verify.js, the three verify endpoints) as pure functions of (sandbox state, parsed request) -> response description.
// The HTTP layer (server.js) handles bodies, latency, faults and the log.

const { sha256, livenessScoreOf } = require('./images');
const { hexId } = require('./store');
const verify = require('./verify');
const recognition = require('./recognition');

// Messages follow the newest docs where they exist; 6011 uses the old docs' meaning (missing face image),
// because the new "WorkspaceId is required" cannot be caused by anything a client sends.
const MESSAGES = {
	6010: 'CollectionId is required',
	6011: 'Face image is required',
	6012: 'Fail to add face',
	6013: 'Cannot find collection info',
	6014: 'This collection is unavailable',
	6015: 'Failed to validate liveness of face',
	6016: 'Image size is too large',
	6017: 'Not supported image format',
	6018: 'CollectionId is required',
	6019: 'FaceId is required',
	6020: 'This collection is unavailable',
	6021: 'Cannot find face data',
	6022: 'The face Id is not exist',
	6023: 'Fail to delete face',
	6024: 'CollectionId is required',
	6025: 'The term length must be longer than 5',
	6026: 'Page (number) is required',
	6027: 'Cannot find collection info',
	6028: 'This collection is unavailable',
	6029: 'Fail to get Face list',
	6030: 'CollectionId is required',
	6031: 'RequestName is required',
	6032: 'Invalid face image',
	6033: 'Cannot find collection info',
	6034: 'This collection is unavailable',
	6035: 'Failed to validate liveness of face',
	6036: 'Image size is too large',
	6037: 'Not supported image format',
	6038: 'Fail to search face',
	6039: 'API Key is required',
	6040: 'Access Denied: API Key is unavailable',
};

const fail = (code, status = 400) => ({ status, errorCode: code, body: { errorCode: code, message: MESSAGES[code] }, outcome: 'rejected' });
const ok = (outcome, body, extra) => ({ status: 200, errorCode: null, body, outcome, ...extra });
const str = (v) => (typeof v === 'string' && v.length > 0 ? v : null);

function checkKey(keyState) {
	if (keyState === 'missing') return fail(6039, 403);
	if (keyState === 'rejected') return fail(6040, 403);
	return null;
}

function liveness(sb, col, img) {
	const threshold = sb.config.livenessThreshold;
	if (!col.liveness) return { on: false, threshold, score: null, passed: true };
	const score = livenessScoreOf(img.sha256, img.spoof);
	return { on: true, threshold, score, passed: !img.spoof && score >= threshold };
}

/** Shared image checks; codes = { invalid, tooLarge, format } differ between add and search. */
function checkImage(sb, img, codes) {
	if (!img.decodable) return fail(codes.invalid);
	if (img.bytes > sb.config.maxImageBytes) return fail(codes.tooLarge);
	if (!img.format) return fail(codes.format);
	return null;
}

function addFace(sb, { body, img }) {
	if (!body) return fail(6012);
	const collectionId = str(body.collectionId);
	const userName = str(body.userName);
	if (!collectionId) return fail(6010);
	if (!userName) return fail(6012);
	if (!img.present) return fail(6011);
	const col = sb.store.getCollection(collectionId);
	if (!col) return fail(6013);
	if (col.status === 'deleted') return fail(6014);
	const bad = checkImage(sb, img, { invalid: 6017, tooLarge: 6016, format: 6017 });
	if (bad) return bad;
	const live = liveness(sb, col, img);
	if (!live.passed) return { ...fail(6015), livenessScore: live.score };
	const face = sb.store.addFace(collectionId, { userName, faceKey: img.faceKey, imageSha256: img.sha256 });
	const option = { option_liveness: live.on, liveNess_threshold: live.threshold };
	const res = { message: 'Face added successfully', faceId: face.faceId, metaFaceId: face.metaFaceId, option };
	if (sb.config.addLivenessScoreAt === 'top') res.livenessScore = live.score;
	else option.livenessScore = live.score;
	return ok('added', res, { faceId: face.faceId, livenessScore: live.score });
}

function listFaces(sb, { query }) {
	const collectionId = str(query.collectionId);
	if (!collectionId) return fail(6024);
	// An empty term is treated as absent: HTML forms and n8n expressions often send "term=".
	const term = str(query.term);
	if (term !== null && term.length < sb.config.termMinLength) return fail(6025);
	const pageRaw = query.page;
	const page = typeof pageRaw === 'string' && /^[0-9]+$/.test(pageRaw) ? Number(pageRaw) : NaN;
	if (!Number.isSafeInteger(page) || page < 1) return fail(6026);
	const col = sb.store.getCollection(collectionId);
	if (!col) return fail(6027);
	if (col.status === 'deleted') return fail(6028);
	const all = [...col.faces.values()].sort((a, b) => a.seq - b.seq).filter((f) => term === null || f.faceId.includes(term));
	const size = sb.config.pageSize;
	const result = all.slice((page - 1) * size, page * size).map((f) => ({
		collection_id: col.id,
		face_id: f.faceId,
		user_name: f.userName,
		create_time: f.createdAt,
		meta_face_id: f.metaFaceId,
	}));
	const totalCount = sb.config.totalCountAs === 'string' ? String(all.length) : all.length;
	return ok('listed', { message: 'Faces retrieved successfully', result, totalCount }, { count: result.length });
}

function deleteFace(sb, { query }) {
	const collectionId = str(query.collectionId);
	const faceId = str(query.faceId);
	if (!collectionId) return fail(6018);
	if (!faceId) return fail(6019);
	const col = sb.store.getCollection(collectionId);
	if (!col) return fail(6021);
	if (col.status === 'deleted') return fail(6020);
	if (!col.faces.has(faceId)) return { ...fail(6022), faceId };
	col.faces.delete(faceId);
	return ok('deleted', { message: 'Face deleted successfully' }, { faceId });
}

function searchFace(sb, { body, img }) {
	if (!body) return fail(6038);
	const collectionId = str(body.collectionId);
	// Old docs send the probe label as userName; accept it when requestName is absent.
	const requestName = str(body.requestName) || str(body.userName);
	if (!collectionId) return fail(6030);
	if (!requestName) return fail(6031);
	if (!img.present) return fail(6032);
	const col = sb.store.getCollection(collectionId);
	if (!col) return fail(6033);
	if (col.status === 'deleted') return fail(6034);
	const bad = checkImage(sb, img, { invalid: 6032, tooLarge: 6036, format: 6037 });
	if (bad) return bad;
	const live = liveness(sb, col, img);
	if (!live.passed) return { ...fail(6035), livenessScore: live.score };
	const policy = sb.config.similarityThreshold;
	const matches = [...col.faces.values()]
		.filter((f) => f.faceKey === img.faceKey)
		.map((f) => ({ face: f, score: 99 + (parseInt(sha256(f.faceId + ':' + img.sha256).slice(0, 4), 16) % 100) / 100 }))
		.filter((m) => m.score >= policy)
		.sort((a, b) => b.score - a.score || a.face.seq - b.face.seq);
	const extra = { matches: matches.length, livenessScore: live.score };
	if (sb.config.searchShape === 'A') {
		return ok(
			'searched',
			{
				message: 'Search completed successfully',
				searchId: hexId('search_'),
				requestName,
				option: { option_liveness: live.on, liveNess_threshold: live.threshold, liveNessScore: live.score, policy_similarity: policy },
				faceIdList: matches.map((m) => m.face.faceId),
			},
			extra,
		);
	}
	return ok(
		'searched',
		{
			message: 'Search completed successfully',
			result: matches.map((m) => ({ face_id: m.face.faceId, user_name: m.face.userName, similarity_score: m.score })),
		},
		extra,
	);
}

const ROUTES = {
	'/modules/faces': { POST: addFace, GET: listFaces, DELETE: deleteFace },
	'/modules/search': { POST: searchFace },
	...verify.ROUTES,
	...recognition.ROUTES,
};

const IP_DENY = 'User is not authorized to access this resource with an explicit deny';

/** The gateway's allow-list (config ipAllowList), checked before anything else, as a gateway in front would. */
function ipDenied(sb, remoteAddress) {
	const allow = sb.config.ipAllowList;
	if (!allow) return false;
	const ip = String(remoteAddress || '').replace(/^::ffff:/, '');
	return !allow.includes(ip);
}

/** Gateway IP deny first, then routing (404/405 need no key), then the key, then the endpoint's own checks. */
function handleModules(sb, req) {
	if (ipDenied(sb, req.remoteAddress)) return { status: 403, errorCode: null, body: { message: IP_DENY }, outcome: 'rejected' };
	const route = ROUTES[req.path];
	if (!route) return { status: 404, errorCode: null, body: { message: `Not Found: ${req.method} ${req.path}` }, outcome: 'not_found' };
	const fn = route[req.method];
	if (!fn) {
		return {
			status: 405,
			errorCode: null,
			body: { message: `Method ${req.method} not allowed on ${req.path}` },
			headers: { Allow: Object.keys(route).join(', ') },
			outcome: 'not_found',
		};
	}
	const keyError = verify.ROUTES[req.path] || recognition.ROUTES[req.path] ? verify.checkVerifyKey(sb, req.apiKey, checkKey) : checkKey(req.apiKey);
	return keyError || fn(sb, req);
}

module.exports = { handleModules, MESSAGES };
