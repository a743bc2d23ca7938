'use strict';

// ID Check REST v3 on the sandbox: exact wire shapes, every error and its shape variants, cursors, images,
// seed controls and webhook deliveries to a local receiver.

const http = require('node:http');
const { startSandbox, call, b64 } = require('./helpers');
const { inspectFaceImage } = require('..');

let sb;
let K;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	K = sb.idcheck.apiKey;
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const v3 = (method, path, opts = {}) => call(sb, method, path, { key: K, ...opts });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(cond, ms = 3000) {
	for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await sleep(10);
}
const TS = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/;

async function raw(path, key = K) {
	const res = await fetch(sb.url + path, { headers: { 'x-api-key': key } });
	return { status: res.status, type: res.headers.get('content-type'), buf: Buffer.from(await res.arrayBuffer()) };
}

describe('keys', () => {
	test('missing, wrong and face keys get 403 Forbidden; sharing is a config switch', async () => {
		for (const key of [null, 'nope', sb.apiKey]) expect(await v3('GET', '/v3/submission', { key })).toMatchObject({ status: 403, json: { message: 'Forbidden' } });
		sb.setConfig({ idcheckSharedKey: true });
		expect((await v3('GET', '/v3/submission', { key: sb.apiKey })).status).toBe(200);
		expect((await v3('GET', '/v3/submission', { key: sb.disabledApiKey })).status).toBe(403);
	});
	test('the ID Check key is logged masked', async () => {
		await v3('GET', '/v3/submission', { query: { count: '1' } });
		const e = sb.requests().pop();
		expect(e).toMatchObject({ path: '/v3/submission', apiKey: 'valid', query: { count: '1' }, status: 200, outcome: 'listed' });
		expect(JSON.stringify(sb.requests())).not.toContain(K);
	});
	test('unknown path 404, wrong method 405', async () => {
		expect((await v3('GET', '/v3/nothing')).status).toBe(404);
		expect((await v3('POST', '/v3/submission')).status).toBe(405);
	});
});

describe('GET /v3/submission', () => {
	test('the approved seed has the §3.2 fields, masked document number, three images', async () => {
		const r = await v3('GET', '/v3/submission', { query: { submission_id: sb.idcheck.approvedSubmissionId } });
		expect(r.status).toBe(200);
		expect(r.json.Items).toHaveLength(1);
		const s = r.json.Items[0];
		expect(s).toMatchObject({ submission_id: 'sub-approved-0001', email: 'jane.doe@example.com', userid: 'user-1001', applicant_id: sb.idcheck.approvedApplicantId, kyc: { result: 'approved', comment: [], commentCode: [] } });
		for (const k of ['created_at', 'updated_at', 'kyc_result_at']) expect(s[k]).toMatch(TS);
		expect(s.data).toMatchObject({ first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe', gender: 'female', nationality: 'USA', date_of_birth: '1990-04-12', documentNumber: '********', cf1: 'crm-1001' });
		expect(Object.keys(s.image).sort()).toEqual(['idBackImage', 'idImage', 'selfieImage']);
		expect(typeof s.duplicated_information).toBe('string');
	});
	test('a submission without a back image lacks the key; only approved ones carry applicant_id', async () => {
		const r = await v3('GET', '/v3/submission', { query: { submission_id: sb.idcheck.rejectedSubmissionId } });
		expect(r.json.Items[0].image.idBackImage).toBeUndefined();
		expect(r.json.Items[0].applicant_id).toBeUndefined();
		expect(r.json.Items[0].kyc).toMatchObject({ result: 'rejected', commentCode: ['other'] });
	});
	test('filters: userid, email, dates, request_type; no match is 200 with empty Items', async () => {
		const byUser = await v3('GET', '/v3/submission', { query: { userid: 'user-1001' } });
		expect(byUser.json.Items.map((s) => s.submission_id)).toEqual(['sub-approved-0001', 'sub-duplicate-0004']);
		expect((await v3('GET', '/v3/submission', { query: { email: 'rick.roe@example.com' } })).json.Items).toHaveLength(1);
		expect((await v3('GET', '/v3/submission', { query: { start_date: '2025-06-02', end_date: '2025-06-02' } })).json.Items).toHaveLength(6);
		expect((await v3('GET', '/v3/submission', { query: { start_date: '2025-06-03' } })).json.Items).toHaveLength(0);
		expect(await v3('GET', '/v3/submission', { query: { submission_id: 'nope' } })).toMatchObject({ status: 200, json: { Items: [] } });
		const kyc = await v3('GET', '/v3/submission', { query: { submission_id: 'sub-pending-0003', request_type: 'kyc' } });
		expect(Object.keys(kyc.json.Items[0]).sort()).toEqual(['kyc', 'submission_id']);
	});
	test.each([
		[{ count: '0' }],
		[{ count: 'x' }],
		[{ start_date: '2025/06/02' }],
		[{ request_type: 'all' }],
		[{ nextpage_id: 'a' }],
		[{ nextpage_id: 'a', nextpage_date: 'yesterday' }],
	])('400 errorCode for %j', async (query) => {
		const r = await v3('GET', '/v3/submission', { query });
		expect(r.status).toBe(400);
		expect(typeof r.json.errorCode).toBe('string');
	});
	test.each([['nextPage_key'], ['LastEvaluatedKey']])('cursor %s: pages concatenate to the full list, no repeats, last page has none', async (field) => {
		sb.setConfig({ idcheckCursorField: field });
		for (let i = 0; i < 5; i++) sb.idcheck.createSubmission({ userid: `u${i}` });
		const full = (await v3('GET', '/v3/submission')).json;
		expect(full[field]).toBeUndefined();
		const seen = [];
		let query = { count: '3' };
		for (let pages = 0; pages < 10; pages++) {
			const r = await v3('GET', '/v3/submission', { query });
			seen.push(...r.json.Items.map((s) => s.submission_id));
			const cur = r.json[field];
			expect(r.json[field === 'nextPage_key' ? 'LastEvaluatedKey' : 'nextPage_key']).toBeUndefined();
			if (!cur) break;
			expect(cur.created_at).toMatch(TS);
			query = { count: '3', nextpage_id: cur.submission_id, nextpage_date: cur.created_at };
		}
		expect(seen).toEqual(full.Items.map((s) => s.submission_id));
		expect(new Set(seen).size).toBe(11);
	});
});

describe('GET /v3/image', () => {
	test('raw JPEG by default; the selfie enrols in col_demo via /modules/faces', async () => {
		const r = await raw(`/v3/image?submissionId=${sb.idcheck.approvedSubmissionId}&type=selfieImage`);
		expect(r.status).toBe(200);
		expect(r.type).toBe('image/jpeg');
		expect(r.buf.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
		expect(inspectFaceImage(r.buf.toString('base64')).faceKey).toBe('idcheck-approved');
		const add = await call(sb, 'POST', '/modules/faces', { body: { collectionId: 'col_demo', userName: 'jane', faceImage: r.buf.toString('base64') } });
		expect(add.status).toBe(200);
		const front = await raw(`/v3/image?submission_id=${sb.idcheck.approvedSubmissionId}&type=idImage`);
		const back = await raw(`/v3/image?submission_id=${sb.idcheck.approvedSubmissionId}&type=idBackImage`);
		expect(front.buf.equals(r.buf)).toBe(false);
		expect(back.buf.equals(front.buf)).toBe(false);
	});
	test('base64 text when switched', async () => {
		sb.setConfig({ idcheckImageBody: 'base64' });
		const r = await v3('GET', '/v3/image', { query: { submissionId: sb.idcheck.approvedSubmissionId, type: 'idImage' } });
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(Buffer.from(r.text, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
	});
	test.each([
		[{ type: 'idImage' }],
		[{ submissionId: 'sub-approved-0001' }],
		[{ submissionId: 'sub-approved-0001', type: 'face' }],
		[{ submissionId: 'nope', type: 'idImage' }],
		[{ submissionId: 'sub-approved-0001', type: 'addressImage' }],
		[{ submissionId: 'sub-deleted-0006', type: 'idImage' }],
	])('400 for %j', async (query) => {
		const r = await v3('GET', '/v3/image', { query });
		expect(r.status).toBe(400);
		expect(typeof r.json.errorCode).toBe('string');
	});
});

describe('error shape variants', () => {
	const bad = () => v3('GET', '/v3/image', { query: { type: 'idImage' } });
	test.each([
		['errorCode', (b) => expect(b).toEqual({ errorCode: 'submissionId is required' })],
		['message', (b) => expect(b).toEqual({ message: 'submissionId is required', statusCode: 400 })],
		['errorMessage', (b) => expect(b).toEqual({ errorCode: 'submissionid_is_required', errorMessage: 'submissionId is required' })],
		['traceId', (b) => expect(b).toMatchObject({ errorCode: 'submissionid_is_required', message: 'submissionId is required', traceId: expect.any(String) })],
	])('%s', async (shape, check) => {
		sb.setConfig({ idcheckErrorShape: shape });
		const r = await bad();
		expect(r.status).toBe(400);
		check(r.json);
	});
});

describe('PATCH /v3/submission', () => {
	const patch = (body) => v3('PATCH', '/v3/submission', { body });
	test('edits data and flips status; message variant', async () => {
		const r = await patch({ submissionId: sb.idcheck.pendingSubmissionId, admin: sb.idcheck.admin, data: { fullName: 'Pat Q Poe', kycStatus: 'rejected' } });
		expect(r).toMatchObject({ status: 200, json: { message: 'Data Processing Success.' } });
		const s = (await v3('GET', '/v3/submission', { query: { submission_id: sb.idcheck.pendingSubmissionId } })).json.Items[0];
		expect(s).toMatchObject({ data: { full_name: 'Pat Q Poe' }, kyc: { result: 'rejected' }, reviewer: sb.idcheck.admin });
		sb.setConfig({ idcheckPatchMessage: 'success to edit.' });
		expect((await patch({ submissionId: sb.idcheck.pendingSubmissionId, admin: sb.idcheck.admin, data: { kycStatus: 'approved' } })).json).toEqual({ message: 'success to edit.' });
		expect(sb.idcheck.submission(sb.idcheck.pendingSubmissionId).applicant_id).toMatch(/^app-/);
	});
	test.each([
		['not JSON', '{', 'data parsing error. please check input data.'],
		['no id', { admin: 'a', data: { gender: 'male' } }, 'submissionId is required.'],
		['no admin', { submissionId: 'sub-pending-0003', data: { gender: 'male' } }, 'admin is required.'],
		['no data', { submissionId: 'sub-pending-0003', admin: 'sandbox-admin@example.com' }, 'At least one property to modify is required.'],
		['empty data', { submissionId: 'sub-pending-0003', admin: 'sandbox-admin@example.com', data: {} }, 'At least one property to modify is required.'],
		['bad kycStatus', { submissionId: 'sub-pending-0003', admin: 'sandbox-admin@example.com', data: { kycStatus: 'pending' } }, 'invalid_payload'],
		['unknown field', { submissionId: 'sub-pending-0003', admin: 'sandbox-admin@example.com', data: { shoeSize: '9' } }, 'invalid_payload'],
		['stranger admin', { submissionId: 'sub-pending-0003', admin: 'x@example.com', data: { gender: 'male' } }, 'Access denied. The admin is not registered in the project.'],
		['unknown id', { submissionId: 'nope', admin: 'sandbox-admin@example.com', data: { gender: 'male' } }, 'Data Processing Error.'],
	])('400 %s', async (_, body, msg) => {
		expect(await patch(body)).toMatchObject({ status: 400, json: { errorCode: msg } });
	});
});

describe('DELETE /v3/submission', () => {
	test('new shape: success, listed as deleted, again succeeds; errors', async () => {
		const id = sb.idcheck.approvedSubmissionId;
		const r = await v3('DELETE', '/v3/submission', { query: { submission_id: id } });
		expect(r).toMatchObject({ status: 200, json: { message: 'success', content: `Submission ${id} deleted successfully.`, statusCode: 200 } });
		const s = (await v3('GET', '/v3/submission', { query: { submission_id: id } })).json.Items[0];
		expect(s).toMatchObject({ submission_id: id, deleted: true, data: { idType: 'drivers_license' }, kyc: { result: 'approved' } });
		expect(s.email).toBeUndefined();
		expect(s.data.full_name).toBeUndefined();
		expect((await v3('GET', '/v3/image', { query: { submissionId: id, type: 'selfieImage' } })).status).toBe(400);
		expect((await v3('DELETE', '/v3/submission', { query: { submissionId: id } })).status).toBe(200);
		expect(await v3('DELETE', '/v3/submission', { query: { submission_id: 'nope' } })).toMatchObject({ status: 400, json: { message: 'not Exist Submission Data', statusCode: 400 } });
		expect(await v3('DELETE', '/v3/submission')).toMatchObject({ status: 400, json: { message: 'not Exist Submission ID', statusCode: 400 } });
		expect(await v3('DELETE', '/v3/submission', { query: { submission_id: id, admin_name: '' } })).toMatchObject({ status: 400, json: { message: 'adminName and comment is required' } });
	});
	test('old shape', async () => {
		sb.setConfig({ idcheckDeleteShape: 'old' });
		const id = sb.idcheck.rejectedSubmissionId;
		expect((await v3('DELETE', '/v3/submission', { query: { submission_id: id } })).json).toEqual({ message: 'success', content: `Submission ${id} deleted successfully.` });
		expect((await v3('DELETE', '/v3/submission', { query: { submission_id: 'nope' } })).json).toEqual({ errorCode: 'not Exist Submission Data' });
	});
	test('partial delete of a data field and of the selfie', async () => {
		const id = sb.idcheck.approvedSubmissionId;
		expect((await v3('DELETE', '/v3/submission/partial', { query: { submission_id: id, fields: 'data', data_fields: 'cf1' } })).json).toMatchObject({ message: 'success', statusCode: 200 });
		expect((await v3('DELETE', '/v3/submission/partial', { query: { submission_id: id, fields: 'selfie_image' } })).status).toBe(200);
		const s = (await v3('GET', '/v3/submission', { query: { submission_id: id } })).json.Items[0];
		expect(s.data.cf1).toBeUndefined();
		expect(s.data.full_name).toBe('Jane Doe');
		expect(s.image.selfieImage).toBeUndefined();
		expect((await v3('DELETE', '/v3/submission/partial', { query: { submission_id: id, fields: 'shoes' } })).status).toBe(400);
		expect((await v3('DELETE', '/v3/submission/partial', { query: { fields: 'ocr' } })).json).toMatchObject({ message: 'not Exist Submission ID' });
	});
});

describe('POST /v3/submission/review', () => {
	const rv = (body) => v3('POST', '/v3/submission/review', { body });
	const base = () => ({ admin: sb.idcheck.admin, submissionId: sb.idcheck.pendingSubmissionId });
	test('approve a pending one; then it is no longer reviewable', async () => {
		expect((await rv({ ...base(), status: 'approved', updateFields: { fullName: 'Pat Poe Jr' } })).json).toEqual({ submissionId: 'sub-pending-0003', message: 'Success to review submission.', finalStatus: 'approved' });
		expect(sb.idcheck.submission('sub-pending-0003')).toMatchObject({ status: 'approved', data: { full_name: 'Pat Poe Jr' } });
		expect((await rv({ ...base(), status: 'rejected', rejectComment: 'x' })).json).toEqual({ message: 'Only submissions in pending status can be reviewed', statusCode: 400 });
	});
	test('reject with a comment', async () => {
		expect((await rv({ ...base(), status: 'rejected', rejectComment: 'blurry' })).json.finalStatus).toBe('rejected');
		expect(sb.idcheck.submission('sub-pending-0003').kyc.comment).toEqual(['blurry']);
	});
	test.each([
		['not JSON', '[', 'Invalid data format.'],
		['no admin', { submissionId: 'sub-pending-0003', status: 'approved' }, 'admin is required.'],
		['stranger', { admin: 'x@example.com', submissionId: 'sub-pending-0003', status: 'approved' }, 'Access denied. The admin is not registered in the project.'],
		['no id', { admin: 'sandbox-admin@example.com', status: 'approved' }, 'Submission Id is required.'],
		['unknown id', { admin: 'sandbox-admin@example.com', submissionId: 'nope', status: 'approved' }, 'Invalid Submission Id.'],
		['not pending', { admin: 'sandbox-admin@example.com', submissionId: 'sub-approved-0001', status: 'rejected', rejectComment: 'x' }, 'Only submissions in pending status can be reviewed'],
		['bad status', { admin: 'sandbox-admin@example.com', submissionId: 'sub-pending-0003', status: 'maybe' }, 'Invalid status'],
		['no comment', { admin: 'sandbox-admin@example.com', submissionId: 'sub-pending-0003', status: 'rejected' }, 'Reject comment is required'],
		['bad updateFields', { admin: 'sandbox-admin@example.com', submissionId: 'sub-pending-0003', status: 'approved', updateFields: { shoe: 1 } }, 'Invalid data format.'],
	])('400 %s', async (_, body, message) => {
		expect(await rv(body)).toMatchObject({ status: 400, json: { message, statusCode: 400 } });
	});
	test('reviewer system: cannot be reviewed by client', async () => {
		sb.setConfig({ idcheckReviewer: 'system' });
		expect((await rv({ ...base(), status: 'approved' })).json.message).toBe('This submission cannot be reviewed by client');
	});
});

describe('GET /v3/submission/applicant', () => {
	test('the seeded duplicate: two submissions share the approved applicant_id', async () => {
		const r = await v3('GET', '/v3/submission/applicant', { query: { applicant_id: sb.idcheck.approvedApplicantId } });
		expect(r.status).toBe(200);
		expect(r.json.map((x) => x.submission_id)).toEqual(['sub-approved-0001', 'sub-duplicate-0004']);
		expect(r.json[0]).toEqual({ submission_id: 'sub-approved-0001', duplicated_information: expect.any(String), email: 'jane.doe@example.com' });
		expect((await v3('GET', '/v3/submission/applicant', { query: { applicant_id: 'nope' } })).json).toEqual([]);
		expect((await v3('GET', '/v3/submission/applicant')).status).toBe(400);
	});
});

describe('PUT /v3/submission/image', () => {
	async function put(fields) {
		const fd = new FormData();
		for (const [k, v] of Object.entries(fields)) fd.append(k, v);
		const res = await fetch(sb.url + '/v3/submission/image', { method: 'PUT', headers: { 'x-api-key': K }, body: fd });
		return { status: res.status, json: await res.json() };
	}
	test('replaces the selfie; errors', async () => {
		const img = b64({ faceKey: 'new-face' });
		expect(await put({ submissionId: 'sub-pending-0003', admin: sb.idcheck.admin, selfieImage: img })).toEqual({ status: 200, json: { message: 'complete to update image.' } });
		const r = await raw('/v3/image?submissionId=sub-pending-0003&type=selfieImage');
		expect(r.buf.toString('base64')).toBe(img);
		expect((await put({ admin: sb.idcheck.admin, selfieImage: img })).json).toEqual({ errorCode: 'submissionId is required.' });
		expect((await put({ submissionId: 'sub-pending-0003', admin: sb.idcheck.admin, idImage: img })).json).toEqual({ errorCode: 'idType is required.' });
		expect((await put({ submissionId: 'sub-pending-0003', admin: sb.idcheck.admin })).json).toEqual({ errorCode: 'At least one image is required.' });
		expect((await put({ submissionId: 'sub-pending-0003', admin: sb.idcheck.admin, selfieImage: 'aGVsbG8=' })).status).toBe(400);
	});
});

describe('faults apply to /v3', () => {
	test('status before, malformed after, html; full /v3 paths in match', async () => {
		sb.addFaults({ match: { path: '/v3/submission' }, action: 'status', status: 503 });
		expect((await v3('GET', '/v3/submission')).status).toBe(503);
		expect(sb.requests().pop()).toMatchObject({ path: '/v3/submission', outcome: 'fault', fault: { action: 'status' } });
		sb.addFaults({ match: { path: '/v3/*' }, action: 'malformed', when: 'after' });
		const m = await v3('GET', '/v3/submission');
		expect(m.status).toBe(200);
		expect(m.json).toBeUndefined();
		sb.addFaults({ match: { method: 'GET', path: '/v3/image' }, action: 'html' });
		expect((await raw('/v3/image?submissionId=sub-approved-0001&type=idImage')).status).toBe(502);
		expect((await v3('GET', '/v3/submission')).status).toBe(200);
	});
});

describe('controls', () => {
	test('GET /__sandbox/idcheck seed info; create and move submissions over HTTP; reset restores', async () => {
		const info = await call(sb, 'GET', '/__sandbox/idcheck', { key: null });
		expect(info.json).toMatchObject({ apiKey: K, admin: 'sandbox-admin@example.com', approvedSubmissionId: 'sub-approved-0001', rejectedSubmissionId: 'sub-rejected-0002', pendingSubmissionId: 'sub-pending-0003' });
		const c = await call(sb, 'POST', '/__sandbox/idcheck/submissions', { key: null, body: { submissionId: 'sub-x', status: 'pending', userid: 'ux', email: 'x@example.com', firstName: 'Xe', lastName: 'Ex', dateOfBirth: '2000-01-01', nationality: 'FRA', gender: 'male', cf1: 'c1', faceKey: 'xface', images: ['selfieImage'] } });
		expect(c.status).toBe(201);
		expect(c.json).toMatchObject({ submission_id: 'sub-x', status: 'pending', faceKey: 'xface', data: { cf1: 'c1', full_name: 'Xe Ex' }, image: { selfieImage: expect.any(String) } });
		const mv = await call(sb, 'POST', '/__sandbox/idcheck/submissions/sub-x/status', { key: null, body: { status: 'approved' } });
		expect(mv.json).toMatchObject({ status: 'approved', applicant_id: expect.any(String) });
		expect((await call(sb, 'POST', '/__sandbox/idcheck/submissions/nope/status', { key: null, body: { status: 'approved' } })).status).toBe(404);
		expect((await call(sb, 'POST', '/__sandbox/idcheck/submissions', { key: null, body: { status: 'weird' } })).status).toBe(400);
		await call(sb, 'POST', '/__sandbox/reset', { key: null });
		expect((await v3('GET', '/v3/submission')).json.Items).toHaveLength(6);
	});
	test('config knobs are validated', async () => {
		expect((await call(sb, 'PUT', '/__sandbox/config', { key: null, body: { idcheckCursorField: 'cursor' } })).status).toBe(400);
		expect(() => sb.setConfig({ idcheckWebhookRetryDelaysMs: [-1] })).toThrow(/idcheckWebhookRetryDelaysMs/);
	});
});

describe('webhooks', () => {
	let receiver;
	let got;
	let answer;
	beforeEach(async () => {
		got = [];
		answer = () => 200;
		receiver = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				got.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(body) });
				res.statusCode = answer(got.length);
				res.end('ok');
			});
		});
		await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
	});
	afterEach(() => new Promise((r) => receiver.close(r)));
	const hookUrl = () => `http://127.0.0.1:${receiver.address().port}/hook`;

	test('register over HTTP; lifecycle events arrive as plain JSON; deliveries are listed', async () => {
		expect((await call(sb, 'POST', '/__sandbox/idcheck/webhook', { key: null, body: { url: hookUrl() } })).json).toEqual({ url: hookUrl() });
		expect((await call(sb, 'GET', '/__sandbox/idcheck/webhook', { key: null })).json).toEqual({ url: hookUrl() });
		const s = sb.idcheck.createSubmission({ submissionId: 'sub-w', userid: 'uw', cf1: 'k', status: 'pending', firstName: 'W', lastName: 'Y', gender: 'female', nationality: 'USA', dateOfBirth: '1999-09-09' });
		await v3('POST', '/v3/submission/review', { body: { admin: sb.idcheck.admin, submissionId: s.submission_id, status: 'approved' } });
		await v3('PATCH', '/v3/submission', { body: { submissionId: 'sub-w', admin: sb.idcheck.admin, data: { gender: 'male', kycStatus: 'rejected' } } });
		await v3('DELETE', '/v3/submission', { query: { submission_id: 'sub-w' } });
		await v3('DELETE', '/v3/submission', { query: { submission_id: 'sub-rejected-0002', admin_name: sb.idcheck.admin } });
		await until(() => got.length >= 5);
		expect(got.map((g) => g.body.webhook_trigger)).toEqual(['created', 'submit', 'approved', 'updated', 'delete']);
		expect(got.every((g) => g.method === 'POST' && g.type === 'application/json')).toBe(true);
		expect(got[0].body).toEqual({ webhook_trigger: 'created', submission_id: 'sub-w', kyc_result: { status: 'incomplete' }, cf: { cf1: 'k' }, userid: 'uw', ipAddress: expect.any(String) });
		expect(got[2].body).toMatchObject({ webhook_trigger: 'approved', submission_id: 'sub-w', applicant_id: expect.any(String), kyc_result: { status: 'approved', reviewer: sb.idcheck.admin }, full_name: 'W Y' });
		expect(got[3].body).toMatchObject({ webhook_trigger: 'updated', admin: sb.idcheck.admin, data: { update: ['gender', 'kycStatus'], kyc_result: 'rejected' } });
		expect(got[3].body.update_time).toMatch(/Z$/);
		expect(got[4].body).toMatchObject({ webhook_trigger: 'delete', submission_id: 'sub-rejected-0002', account_email: sb.idcheck.admin });
		const d = (await call(sb, 'GET', '/__sandbox/idcheck/deliveries', { key: null })).json.deliveries;
		expect(d).toHaveLength(5);
		expect(d[0]).toMatchObject({ id: 1, event: 'created', submissionId: 'sub-w', state: 'delivered', attempts: [{ status: 200 }] });
	});

	test('rejected: comment as string by default, array when switched; status move fires it', async () => {
		sb.idcheck.setWebhookUrl(hookUrl());
		sb.idcheck.setStatus('sub-pending-0003', 'rejected', { comment: 'bad photo' });
		sb.setConfig({ idcheckWebhookCommentAs: 'array', idcheckApprovedShape: 'legacy' });
		sb.idcheck.setStatus('sub-incomplete-0005', 'rejected');
		sb.idcheck.setStatus('sub-incomplete-0005', 'approved');
		await until(() => got.length >= 3);
		expect(got[0].body.kyc_result).toMatchObject({ status: 'rejected', comment: 'bad photo', commentCode: 'other' });
		expect(got[1].body.kyc_result.comment).toEqual(['Rejected in the sandbox.']);
		expect(got[2].body).toMatchObject({ webhook_trigger: 'approved', kyc_result: { status: 'approved' } });
		expect(got[2].body.full_name).toBeUndefined();
	});

	test('retries on non-2xx with the configured delays, then gives up; a clear stops sending', async () => {
		sb.setConfig({ idcheckWebhookRetryDelaysMs: [20, 20] });
		sb.idcheck.setWebhookUrl(hookUrl());
		answer = (n) => (n < 3 ? 500 : 204);
		sb.idcheck.setStatus('sub-pending-0003', 'approved');
		await until(() => sb.idcheck.deliveries()[0]?.state === 'delivered');
		expect(sb.idcheck.deliveries()[0].attempts.map((a) => a.status)).toEqual([500, 500, 204]);
		answer = () => 500;
		sb.idcheck.setStatus('sub-incomplete-0005', 'pending');
		await until(() => sb.idcheck.deliveries()[1]?.state === 'failed');
		expect(sb.idcheck.deliveries()[1].attempts).toHaveLength(3);
		sb.idcheck.setWebhookUrl(null);
		sb.idcheck.setStatus('sub-incomplete-0005', 'approved');
		expect(sb.idcheck.deliveries()).toHaveLength(2);
		expect(() => sb.idcheck.setWebhookUrl('ftp://x')).toThrow(TypeError);
	});
});
