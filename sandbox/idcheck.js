'use strict';

// ARGOS ID Check REST v3 (argos-idcheck-api.md §3) as pure functions of (sandbox, parsed request) -> response
// description, plus its sandbox-only controls under /__sandbox/idcheck. server.js does bodies, faults and the log.

const crypto = require('node:crypto');
const { IDCHECK_KEY, IDCHECK_ADMIN, APPROVED_FACE_KEY, SEED_IDS, STATUSES, IMAGE_TYPES, parseArgosTime, argosTime } = require('./idcheckStore');
const { sniffFormat } = require('./images');
const { mulberry32, seedToInt } = require('./faults');
const { WEBHOOK_KNOBS } = require('./webhooks');
const { WEBHOOK_ENCRYPTIONS } = require('./config');

const IP_DENY = 'User is not authorized to access this resource with an explicit deny';
const REQUEST_TYPES = ['kyc', 'aml', 'data', 'others'];

// ---- keys -----------------------------------------------------------------------------------------------

/** 'valid' for the project's own key; the Face ID keys only when config says the two projects share a key. */
function keyState(sb, header) {
	if (header == null || header === '') return 'missing';
	if (header === IDCHECK_KEY) return 'valid';
	if (sb.config.idcheckSharedKey && sb.keys.get(header) === 'active') return 'valid';
	return 'rejected';
}

// ---- error bodies ---------------------------------------------------------------------------------------

/** A stable snake_case code for the shapes that carry both a code and a text. */
const slug = (m) =>
	m
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');

/**
 * §3.1: application errors are 400 with a body shape that differs per endpoint. `shape` is the endpoint's own;
 * config idcheckErrorShape forces one of the four on every endpoint so clients meet them all.
 */
function fail(sb, message, shape, status = 400) {
	const forced = sb.config.idcheckErrorShape;
	const use = forced === 'documented' ? shape : forced;
	let body;
	if (use === 'errorCode') body = { errorCode: message };
	else if (use === 'message') body = { message, statusCode: status };
	else if (use === 'errorMessage') body = { errorCode: slug(message), errorMessage: message };
	else body = { traceId: crypto.randomUUID(), errorCode: slug(message), message };
	return { status, body, outcome: 'rejected', log: { idcheckError: message } };
}

const ok = (outcome, body, extra) => ({ status: 200, body, outcome, ...extra });
const str = (v) => (typeof v === 'string' && v.length > 0 ? v : null);

function jsonObject(buf) {
	if (!buf || buf.length === 0) return null;
	try {
		const v = JSON.parse(buf.toString('utf8'));
		return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
	} catch {
		return null;
	}
}

// ---- GET /v3/submission ---------------------------------------------------------------------------------

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function listSubmissions(sb, { params }) {
	const E = (m) => fail(sb, m, 'errorCode');
	const get = (k) => (params.has(k) ? params.get(k) : null);
	let count = 50;
	if (get('count') != null) {
		if (!/^[0-9]+$/.test(get('count')) || Number(get('count')) < 1) return E('count must be a positive integer');
		count = Number(get('count'));
	}
	const startDate = get('start_date');
	const endDate = get('end_date');
	if ((startDate && !DATE_RE.test(startDate)) || (endDate && !DATE_RE.test(endDate))) return E('start_date and end_date must be YYYY-MM-DD');
	const requestType = get('request_type');
	if (requestType && !REQUEST_TYPES.includes(requestType)) return E(`request_type must be one of ${REQUEST_TYPES.join(', ')}`);
	const nextId = get('nextpage_id');
	const nextDate = get('nextpage_date');
	if ((nextId == null) !== (nextDate == null)) return E('nextpage_id and nextpage_date are required together');
	let after = null;
	if (nextId != null) {
		const at = parseArgosTime(nextDate);
		if (at == null) return E('nextpage_date must be YYYY-MM-DD-HH-MM-SS-ZZZ');
		after = { id: nextId, at };
	}
	const day = (ms) => new Date(ms).toISOString().slice(0, 10);
	const filters = { submission_id: get('submission_id'), userid: get('userid'), email: get('email') };
	let all = sb.idcheck.store.sorted().filter((s) => {
		if (filters.submission_id && s.submission_id !== filters.submission_id) return false;
		if (filters.userid && s.userid !== filters.userid) return false;
		if (filters.email && s.email !== filters.email) return false;
		if (startDate && day(s.createdAt) < startDate) return false;
		if (endDate && day(s.createdAt) > endDate) return false;
		return true;
	});
	// The cursor is a position (created_at, id), not a lookup, so it stays valid when that submission goes away.
	if (after) all = all.filter((s) => s.createdAt < after.at || (s.createdAt === after.at && s.submission_id < after.id));
	const page = all.slice(0, count);
	const body = { Items: page.map((s) => sb.idcheck.store.toWire(s, requestType)) };
	if (all.length > count) {
		const last = page[page.length - 1];
		body[sb.config.idcheckCursorField] = { submission_id: last.submission_id, created_at: argosTime(last.createdAt) };
	}
	return ok('listed', body, { count: page.length });
}

// ---- GET /v3/image --------------------------------------------------------------------------------------

function getImage(sb, { params }) {
	const E = (m) => fail(sb, m, 'errorCode');
	const id = str(params.get('submissionId')) || str(params.get('submission_id'));
	if (!id) return E('submissionId is required');
	const type = params.get('type');
	if (!str(type)) return E('type is required');
	if (!IMAGE_TYPES.includes(type)) return E(`type must be one of ${IMAGE_TYPES.join(', ')}`);
	const sub = sb.idcheck.store.get(id);
	if (!sub) return E('not Exist Submission Data');
	const buf = sub.images[type];
	if (!buf) return E(`${type} does not exist for this submission`);
	if (sb.config.idcheckImageBody === 'base64') return { status: 200, raw: Buffer.from(buf.toString('base64')), type: 'text/plain; charset=utf-8', outcome: 'image', log: { imageBytes: buf.length } };
	return { status: 200, raw: buf, type: `image/${sniffFormat(buf) || 'jpeg'}`, outcome: 'image', log: { imageBytes: buf.length } };
}

// ---- PATCH /v3/submission -------------------------------------------------------------------------------

// PATCH field -> where GS shows it in `data`.
const PATCH_FIELDS = {
	idType: 'idType',
	issuingCountry: 'idcard_issuingCountry',
	fullName: 'full_name',
	firstName: 'first_name',
	lastName: 'last_name',
	gender: 'gender',
	birthDate: 'date_of_birth',
	nationality: 'nationality',
	issueDate: 'idcard_issueDate',
	expireDate: 'idcard_expireDate',
	identityNumber: 'identityNumber',
	documentNumber: 'documentNumber',
	serialNumber: 'serialNumber',
};

function patchSubmission(sb, { buf }) {
	const E = (m) => fail(sb, m, 'errorCode');
	const body = jsonObject(buf);
	if (!body) return E('data parsing error. please check input data.');
	const id = str(body.submissionId);
	if (!id) return E('submissionId is required.');
	const admin = str(body.admin);
	if (!admin) return E('admin is required.');
	const data = body.data;
	if (!data || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length === 0) return E('At least one property to modify is required.');
	for (const [k, v] of Object.entries(data)) {
		if (k === 'kycStatus' ? v !== 'approved' && v !== 'rejected' : !(k in PATCH_FIELDS) || typeof v !== 'string') return E('invalid_payload');
	}
	// [INFERRED] PA says admin must be registered but its error list is cut off; RV's message is reused.
	if (!sb.idcheck.store.admins.has(admin)) return E('Access denied. The admin is not registered in the project.');
	const store = sb.idcheck.store;
	const sub = store.get(id);
	if (!sub || sub.deleted) return E('Data Processing Error.');
	const at = store.now();
	for (const [k, v] of Object.entries(data)) if (k !== 'kycStatus') sub.data[PATCH_FIELDS[k]] = v;
	if (data.kycStatus && data.kycStatus !== sub.status) store.applyStatus(sub, data.kycStatus, { at, reviewer: admin });
	sub.updatedAt = at;
	sb.idcheck.webhooks.emit('updated', sub, { admin, update: Object.keys(data) });
	return ok('updated', { message: sb.config.idcheckPatchMessage }, { log: { submissionId: id } });
}

// ---- DELETE /v3/submission and /v3/submission/partial ---------------------------------------------------

function deleteShape(sb) {
	return sb.config.idcheckDeleteShape === 'old' ? 'errorCode' : 'message';
}

function deleteSubmission(sb, { params }) {
	const E = (m) => fail(sb, m, deleteShape(sb));
	const id = str(params.get('submission_id')) || str(params.get('submissionId'));
	if (!id) return E('not Exist Submission ID');
	const adminName = params.has('admin_name') ? params.get('admin_name') : null;
	if (adminName === '') return E('adminName and comment is required');
	const sub = sb.idcheck.store.get(id);
	if (!sub) return E('not Exist Submission Data');
	// Deleted submissions keep their id and stay listed (DS), so a second delete finds it and succeeds again;
	// nothing changes, so no second webhook.
	if (!sub.deleted) {
		sb.idcheck.store.wipe(sub);
		if (adminName) sb.idcheck.webhooks.emit('delete', sub, { admin: adminName, comment: str(params.get('comment')) || undefined });
	}
	const content = `Submission ${id} deleted successfully.`;
	const body = sb.config.idcheckDeleteShape === 'old' ? { message: 'success', content } : { message: 'success', content, statusCode: 200 };
	return ok('deleted', body, { log: { submissionId: id } });
}

const PARTIAL_FIELDS = ['id_image', 'selfie_image', 'data', 'OCR_raw', 'ocr', 'review', 'applicant_id', 'email', 'userid', 'additional_list', 'duplicated_information', 'custom_duplicated_information', 'injection_action'];

function partialDelete(sb, { params }) {
	const E = (m) => fail(sb, m, deleteShape(sb));
	const id = str(params.get('submission_id')) || str(params.get('submissionId'));
	if (!id) return E('not Exist Submission ID');
	const field = params.get('fields');
	if (!str(field) || !PARTIAL_FIELDS.includes(field)) return E(`fields must be one of ${PARTIAL_FIELDS.join(', ')}`);
	const sub = sb.idcheck.store.get(id);
	if (!sub) return E('not Exist Submission Data');
	const dataField = str(params.get('data_fields'));
	if (dataField && field !== 'data') return E('data_fields only applies to fields=data');
	switch (field) {
		case 'id_image':
			delete sub.images.idImage;
			delete sub.images.idBackImage;
			break;
		case 'selfie_image':
			delete sub.images.selfieImage;
			break;
		case 'data':
			if (dataField) {
				if (!(dataField in sub.data)) return E(`data has no field ${dataField}`);
				delete sub.data[dataField];
			} else {
				sub.data = {};
			}
			break;
		case 'ocr':
		case 'OCR_raw':
			sub.ocr = null;
			break;
		case 'review':
			sub.comment = [];
			sub.commentCode = [];
			break;
		case 'applicant_id':
			sub.applicant_id = null;
			break;
		case 'email':
			sub.email = undefined;
			break;
		case 'userid':
			sub.userid = undefined;
			break;
		default:
			// the remaining fields are not modelled by the sandbox; deleting them is a no-op that succeeds
			break;
	}
	sub.updatedAt = sb.idcheck.store.now();
	const content = `Submission ${id} partially deleted successfully.`;
	const body = sb.config.idcheckDeleteShape === 'old' ? { message: 'success', content } : { message: 'success', content, statusCode: 200 };
	return ok('deleted', body, { log: { submissionId: id } });
}

// ---- POST /v3/submission/review -------------------------------------------------------------------------

const REVIEW_FIELDS = { fullName: 'full_name', gender: 'gender', issueDate: 'idcard_issueDate', expireDate: 'idcard_expireDate', birthDate: 'date_of_birth', idType: 'idType' };

function review(sb, { buf }) {
	const E = (m) => fail(sb, m, 'message');
	const body = jsonObject(buf);
	if (!body) return E('Invalid data format.');
	const admin = str(body.admin);
	if (!admin) return E('admin is required.');
	const store = sb.idcheck.store;
	if (!store.admins.has(admin)) return E('Access denied. The admin is not registered in the project.');
	const id = str(body.submissionId);
	if (!id) return E('Submission Id is required.');
	const sub = store.get(id);
	if (!sub || sub.deleted) return E('Invalid Submission Id.');
	if (sb.config.idcheckReviewer !== 'Client') return E('This submission cannot be reviewed by client');
	if (sub.status !== 'pending') return E('Only submissions in pending status can be reviewed');
	if (body.status !== 'approved' && body.status !== 'rejected') return E('Invalid status');
	const rejectComment = str(body.rejectComment);
	if (body.status === 'rejected' && !rejectComment) return E('Reject comment is required');
	const upd = body.updateFields;
	if (upd != null && (typeof upd !== 'object' || Array.isArray(upd) || !Object.entries(upd).every(([k, v]) => k in REVIEW_FIELDS && typeof v === 'string'))) return E('Invalid data format.');
	if (upd) for (const [k, v] of Object.entries(upd)) sub.data[REVIEW_FIELDS[k]] = v;
	store.applyStatus(sub, body.status, { reviewer: admin, comment: rejectComment || undefined, commentCode: rejectComment ? ['other'] : undefined });
	sb.idcheck.webhooks.emit(body.status, sub);
	return ok('reviewed', { submissionId: id, message: 'Success to review submission.', finalStatus: body.status }, { log: { submissionId: id } });
}

// ---- GET /v3/submission/applicant -----------------------------------------------------------------------

function applicant(sb, { params }) {
	const id = str(params.get('applicant_id'));
	if (!id) return fail(sb, 'applicant_id is required', 'errorCode');
	const out = sb.idcheck.store
		.sorted()
		.filter((s) => s.applicant_id === id)
		.map((s) => {
			const w = sb.idcheck.store.toWire(s);
			const o = { submission_id: s.submission_id };
			if (w.duplicated_information) o.duplicated_information = w.duplicated_information;
			if (w.email) o.email = w.email;
			return o;
		});
	return ok('listed', out, { count: out.length });
}

// ---- PUT /v3/submission/image ---------------------------------------------------------------------------

/** Just enough multipart/form-data for text fields (G-put sends base64 strings, not files). */
function parseMultipart(buf, contentType) {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
	if (!m || !buf) return null;
	const boundary = Buffer.from('--' + (m[1] || m[2]).trim());
	const fields = {};
	let pos = buf.indexOf(boundary);
	while (pos >= 0) {
		const start = pos + boundary.length;
		if (buf.subarray(start, start + 2).toString() === '--') break;
		const next = buf.indexOf(boundary, start);
		if (next < 0) break;
		const part = buf.subarray(start + 2, next - 2);
		const headEnd = part.indexOf('\r\n\r\n');
		if (headEnd >= 0) {
			const head = part.subarray(0, headEnd).toString('latin1');
			const name = /name="([^"]*)"/i.exec(head);
			if (name) fields[name[1]] = part.subarray(headEnd + 4).toString('utf8');
		}
		pos = next;
	}
	return fields;
}

function putImage(sb, { buf, headers }) {
	const E = (m) => fail(sb, m, 'errorCode');
	const fields = parseMultipart(buf, headers['content-type']);
	if (!fields) return E('multipart/form-data is required');
	const id = str(fields.submissionId);
	if (!id) return E('submissionId is required.');
	const admin = str(fields.admin);
	if (!admin) return E('admin is required.');
	if (!sb.idcheck.store.admins.has(admin)) return E('Access denied. The admin is not registered in the project.');
	const given = IMAGE_TYPES.filter((t) => str(fields[t]));
	if (given.length === 0) return E('At least one image is required.');
	if ((given.includes('idImage') || given.includes('idBackImage')) && !str(fields.idType)) return E('idType is required.');
	const decoded = {};
	for (const t of given) {
		const b64 = fields[t].replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
		const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : null;
		const fmt = bytes && sniffFormat(bytes);
		if (fmt !== 'jpeg' && fmt !== 'png') return E(`${t} must be a base64 jpg, jpeg or png`);
		decoded[t] = bytes;
	}
	const sub = sb.idcheck.store.get(id);
	if (!sub || sub.deleted) return E('not Exist Submission Data');
	Object.assign(sub.images, decoded);
	if (str(fields.idType)) sub.data.idType = fields.idType;
	sub.updatedAt = sb.idcheck.store.now();
	sb.idcheck.webhooks.emit('updated', sub, { admin, update: given });
	return ok('updated', { message: 'complete to update image.' }, { log: { submissionId: id } });
}

// ---- routing --------------------------------------------------------------------------------------------

const ROUTES = {
	'/v3/submission': { GET: listSubmissions, PATCH: patchSubmission, DELETE: deleteSubmission },
	'/v3/submission/partial': { DELETE: partialDelete },
	'/v3/submission/review': { POST: review },
	'/v3/submission/applicant': { GET: applicant },
	'/v3/submission/image': { PUT: putImage },
	'/v3/image': { GET: getImage },
};

function ipDenied(sb, remoteAddress) {
	const allow = sb.config.ipAllowList;
	if (!allow) return false;
	return !allow.includes(String(remoteAddress || '').replace(/^::ffff:/, ''));
}

/** Gateway first (IP deny, 404/405, key -> 403 Forbidden), then the endpoint. */
function handleIdcheck(sb, req) {
	if (ipDenied(sb, req.remoteAddress)) return { status: 403, body: { message: IP_DENY }, outcome: 'rejected' };
	const route = ROUTES[req.path];
	if (!route) return { status: 404, body: { message: `Not Found: ${req.method} ${req.path}` }, outcome: 'not_found' };
	const fn = route[req.method];
	if (!fn) return { status: 405, body: { message: `Method ${req.method} not allowed on ${req.path}` }, headers: { Allow: Object.keys(route).join(', ') }, outcome: 'not_found' };
	if (req.apiKey !== 'valid') return { status: 403, body: { message: 'Forbidden' }, outcome: 'rejected' };
	return fn(sb, req);
}

/** What the request log keeps of a /v3 request: ids and field names, never images or personal data. */
function logBody(method, buf, headers) {
	if (method === 'GET' || method === 'DELETE') return null;
	const rawBytes = buf ? buf.length : 0;
	if (/multipart\/form-data/i.test(headers['content-type'] || '')) {
		const f = parseMultipart(buf, headers['content-type']) || {};
		return { submissionId: f.submissionId ?? null, admin: f.admin ?? null, images: IMAGE_TYPES.filter((t) => str(f[t])), rawBytes };
	}
	const b = jsonObject(buf);
	if (!b) return { invalidJson: true, rawBytes };
	const out = { submissionId: typeof b.submissionId === 'string' ? b.submissionId : null, admin: typeof b.admin === 'string' ? b.admin : null, rawBytes };
	if (b.status !== undefined) out.status = b.status;
	if (b.data && typeof b.data === 'object') out.dataFields = Object.keys(b.data);
	return out;
}

const isIdcheckPath = (p) => p === '/v3' || p.startsWith('/v3/');

// ---- sandbox controls (/__sandbox/idcheck...) -----------------------------------------------------------

function jsonBody(buf) {
	if (!buf || buf.length === 0) return {};
	const v = JSON.parse(buf.toString('utf8'));
	if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TypeError('body must be a JSON object');
	return v;
}

/** The event a status move produces, per §2.2: back to incomplete is another attempt. */
function eventFor(to) {
	if (to === 'incomplete') return 'retry';
	if (to === 'pending') return 'submit';
	return to;
}

function seedInfo(sb) {
	return {
		apiKey: IDCHECK_KEY,
		admin: IDCHECK_ADMIN,
		approvedSubmissionId: SEED_IDS.approved,
		rejectedSubmissionId: SEED_IDS.rejected,
		pendingSubmissionId: SEED_IDS.pending,
		duplicateSubmissionId: SEED_IDS.duplicate,
		incompleteSubmissionId: SEED_IDS.incomplete,
		deletedSubmissionId: SEED_IDS.deleted,
		approvedApplicantId: sb.idcheck.store.get(SEED_IDS.approved)?.applicant_id ?? null,
		approvedSelfieFaceKey: APPROVED_FACE_KEY,
		sharedKey: sb.config.idcheckSharedKey,
	};
}

function createSubmission(sb, o) {
	const store = sb.idcheck.store;
	const target = o.status == null ? 'incomplete' : o.status;
	if (!STATUSES.includes(target)) throw new TypeError(`status must be one of ${STATUSES.join(', ')}`);
	// Created as incomplete and then moved, so the webhooks are the ones a real Liveform run would send.
	const sub = store.create({ ...o, id: o.submissionId || o.id, status: 'incomplete' });
	sb.idcheck.webhooks.emit('created', sub);
	if (target === 'approved' || target === 'rejected') {
		store.applyStatus(sub, 'pending');
		store.applyStatus(sub, target, { comment: o.comment, commentCode: o.commentCode });
		sb.idcheck.webhooks.emit(target, sub);
	} else if (target === 'pending') {
		store.applyStatus(sub, 'pending');
		sb.idcheck.webhooks.emit('submit', sub);
	}
	return sub;
}

function moveSubmission(sb, id, o) {
	const store = sb.idcheck.store;
	const sub = store.get(id);
	if (!sub) throw Object.assign(new Error(`unknown submission ${id}`), { status: 404 });
	if (sub.deleted) throw Object.assign(new Error(`submission ${id} is deleted`), { status: 409 });
	if (!STATUSES.includes(o.status)) throw new TypeError(`status must be one of ${STATUSES.join(', ')}`);
	if (o.status === 'incomplete') sub.attempts++;
	store.applyStatus(sub, o.status, { reviewer: o.reviewer, comment: o.comment, commentCode: o.commentCode });
	sb.idcheck.webhooks.emit(eventFor(o.status), sub);
	return sub;
}

// ---- scenario: many submissions through their lifecycles in one call --------------------------------------

// Steps after `created`; each is a status move (its §2.2 event), 'delete' (with an admin, so it is announced) or
// 'updated' (a data edit). Ending states a receiver has to get right under reordering are the point, hence the
// pairs whose second event contradicts or supersedes the first.
const LIFECYCLES = {
	approved: ['approved'],
	rejected: ['rejected'],
	pendingThenApproved: ['pending', 'approved'],
	pendingThenRejected: ['pending', 'rejected'],
	approvedThenDeleted: ['approved', 'delete'],
	rejectedThenDeleted: ['rejected', 'delete'],
	retryThenApproved: ['incomplete', 'approved'],
	approvedThenUpdated: ['approved', 'updated'],
	incomplete: [],
};

/** Exact counts from weights (largest remainder), so a mix like {approved: 30, rejected: 20} of 50 is met exactly. */
function allocate(mix, count) {
	const entries = Object.entries(mix);
	const total = entries.reduce((t, [, w]) => t + w, 0);
	const raw = entries.map(([k, w]) => ({ k, exact: (w / total) * count }));
	const out = Object.fromEntries(raw.map((r) => [r.k, Math.floor(r.exact)]));
	let left = count - Object.values(out).reduce((a, b) => a + b, 0);
	for (const r of [...raw].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)))) {
		if (left-- <= 0) break;
		out[r.k]++;
	}
	return out;
}

function runScenario(sb, o) {
	const count = o.count == null ? 10 : o.count;
	if (!Number.isInteger(count) || count < 1 || count > 1000) throw new TypeError('count must be an integer 1..1000');
	const seed = o.seed == null ? 1 : o.seed;
	if (!(Number.isInteger(seed) && seed >= 0) && !(typeof seed === 'string' && seed)) throw new TypeError('seed must be a non-negative integer or a non-empty string');
	const mix = o.mix == null ? Object.fromEntries(Object.keys(LIFECYCLES).map((k) => [k, 1])) : o.mix;
	if (!mix || typeof mix !== 'object' || Array.isArray(mix) || Object.keys(mix).length === 0) throw new TypeError('mix must be an object of lifecycle weights');
	for (const [k, w] of Object.entries(mix)) {
		if (!(k in LIFECYCLES)) throw new TypeError(`unknown lifecycle "${k}" (known: ${Object.keys(LIFECYCLES).join(', ')})`);
		if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) throw new TypeError(`mix.${k} must be a non-negative number`);
	}
	if (!Object.values(mix).some((w) => w > 0)) throw new TypeError('mix needs at least one positive weight');
	const counts = allocate(mix, count);
	const plan = Object.entries(counts).flatMap(([k, n]) => Array(n).fill(k));
	const rng = mulberry32(seedToInt(seed));
	for (let i = plan.length - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		[plan[i], plan[j]] = [plan[j], plan[i]];
	}
	const store = sb.idcheck.store;
	const hooks = sb.idcheck.webhooks;
	// Several runs with one seed must not collide on ids; the run number restarts with a reset, like the seed data.
	const run = (sb.idcheck.scenarioRuns = (sb.idcheck.scenarioRuns || 0) + 1);
	const submissions = plan.map((lifecycle, i) => {
		const id = `scn-${seed}-${run}-${String(i + 1).padStart(3, '0')}`;
		const sub = store.create({ id, status: 'incomplete', userid: `scn-user-${i + 1}`, email: `scn${i + 1}@example.com`, firstName: 'Scenario', lastName: `Person${i + 1}`, gender: i % 2 ? 'male' : 'female', nationality: 'USA', dateOfBirth: '1990-01-01', idType: 'passport', issuingCountry: 'USA', images: ['idImage', 'selfieImage'] });
		const events = ['created'];
		hooks.emit('created', sub);
		for (const step of LIFECYCLES[lifecycle]) {
			if (step === 'delete') {
				store.wipe(sub);
				hooks.emit('delete', sub, { admin: IDCHECK_ADMIN });
				events.push('delete');
			} else if (step === 'updated') {
				sub.data.gender = sub.data.gender === 'male' ? 'female' : 'male';
				sub.updatedAt = store.now();
				hooks.emit('updated', sub, { admin: IDCHECK_ADMIN, update: ['gender'] });
				events.push('updated');
			} else {
				if (step === 'incomplete') sub.attempts++;
				store.applyStatus(sub, step, { reviewer: step === 'approved' || step === 'rejected' ? IDCHECK_ADMIN : undefined });
				hooks.emit(eventFor(step), sub);
				events.push(eventFor(step));
			}
		}
		return { submissionId: id, lifecycle, events, finalStatus: sub.status, deleted: sub.deleted };
	});
	return { seed, count, counts, eventCount: submissions.reduce((t, s) => t + s.events.length, 0), submissions };
}

function handleIdcheckAdmin(sb, { method, path, params, buf }) {
	const store = sb.idcheck.store;
	const okJson = (body, status = 200) => ({ status, body });
	if (method === 'GET' && path === '/__sandbox/idcheck') return okJson(seedInfo(sb));
	if (path === '/__sandbox/idcheck/webhook') {
		if (method === 'GET') return okJson({ url: sb.idcheck.webhooks.url });
		if (method === 'POST' || method === 'PUT') {
			const b = jsonBody(buf);
			if (!('url' in b)) throw new TypeError('body must be { "url": string | null, "config"?: { idcheckWebhook…} }');
			if (b.config != null) {
				if (typeof b.config !== 'object' || Array.isArray(b.config)) throw new TypeError('config must be an object');
				const stray = Object.keys(b.config).find((k) => !WEBHOOK_KNOBS.includes(k));
				if (stray) throw new TypeError(`config.${stray} is not a webhook knob (known: ${WEBHOOK_KNOBS.join(', ')})`);
				sb.setConfig(b.config);
			}
			const out = sb.idcheck.webhooks.setUrl(b.url);
			if (b.config == null) return okJson(out);
			return okJson({ ...out, config: Object.fromEntries(WEBHOOK_KNOBS.map((k) => [k, sb.config[k]])) });
		}
	}
	if (path === '/__sandbox/idcheck/forge' && method === 'POST') {
		const b = jsonBody(buf);
		if (b.encryption != null && !WEBHOOK_ENCRYPTIONS.includes(b.encryption)) throw new TypeError(`encryption must be one of ${WEBHOOK_ENCRYPTIONS.join(', ')}`);
		return sb.idcheck.webhooks.forge(b).then((d) => okJson(d));
	}
	if (path === '/__sandbox/idcheck/scenario' && method === 'POST') return okJson(runScenario(sb, jsonBody(buf)));
	if (path === '/__sandbox/idcheck/deliveries') {
		const settled = params && /^(1|true|yes)$/i.test(params.get('settled') || '');
		if (method === 'GET' && settled) {
			const t = params.get('timeoutMs');
			if (t != null && (!/^[0-9]+$/.test(t) || Number(t) > 600000)) throw new TypeError('timeoutMs must be an integer 0..600000');
			const hooks = sb.idcheck.webhooks;
			return hooks.settle(t == null ? 30000 : Number(t)).then((ok) => okJson({ settled: ok, pending: hooks.pending(), deliveries: hooks.list() }));
		}
		if (method === 'GET') return okJson({ deliveries: sb.idcheck.webhooks.list() });
		if (method === 'DELETE') {
			sb.idcheck.webhooks.clear();
			return okJson({ ok: true });
		}
	}
	if (path === '/__sandbox/idcheck/submissions') {
		if (method === 'GET') return okJson({ submissions: store.sorted().map((s) => store.snapshot(s)) });
		if (method === 'POST') return okJson(store.snapshot(createSubmission(sb, jsonBody(buf))), 201);
	}
	const m = /^\/__sandbox\/idcheck\/submissions\/([^/]+)(\/status)?$/.exec(path);
	if (m && method === 'GET' && !m[2]) {
		const sub = store.get(m[1]);
		return sub ? okJson(store.snapshot(sub)) : okJson({ error: `unknown submission ${m[1]}` }, 404);
	}
	if (m && m[2] && method === 'POST') return okJson(store.snapshot(moveSubmission(sb, m[1], jsonBody(buf))));
	return okJson({ error: `no admin route ${method} ${path}` }, 404);
}

const isIdcheckAdminPath = (p) => p === '/__sandbox/idcheck' || p.startsWith('/__sandbox/idcheck/');

module.exports = { handleIdcheck, handleIdcheckAdmin, keyState, logBody, isIdcheckPath, isIdcheckAdminPath, seedInfo, createSubmission, moveSubmission, runScenario, LIFECYCLES, ROUTES };
