'use strict';

// The ID Check contract client (written from argos-idcheck-api.md alone) against the sandbox, in every variant the
// sandbox can be switched to: one full scenario per variant.

const http = require('node:http');
const { startSandbox, sampleImage } = require('./helpers');
const { createIdcheckClient, checkWebhook, ContractViolation } = require('./idcheck-contract-client');

let sb;
let client;
beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	client = createIdcheckClient({ baseUrl: sb.url, apiKey: sb.idcheck.apiKey });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const VARIANTS = [
	['defaults', {}],
	['LastEvaluatedKey cursor', { idcheckCursorField: 'LastEvaluatedKey' }],
	['base64 images', { idcheckImageBody: 'base64' }],
	['PATCH success to edit.', { idcheckPatchMessage: 'success to edit.' }],
	['old DELETE shape', { idcheckDeleteShape: 'old' }],
	['errors as {errorCode}', { idcheckErrorShape: 'errorCode' }],
	['errors as {message,statusCode}', { idcheckErrorShape: 'message' }],
	['errors as {errorCode,errorMessage}', { idcheckErrorShape: 'errorMessage' }],
	['errors as {traceId,errorCode,message}', { idcheckErrorShape: 'traceId' }],
	['legacy approved webhook, comment arrays', { idcheckApprovedShape: 'legacy', idcheckWebhookCommentAs: 'array' }],
	['shared key', { idcheckSharedKey: true }],
];

describe.each(VARIANTS)('%s', (_, config) => {
	let receiver;
	let hooks;
	beforeEach(async () => {
		sb.setConfig(config);
		hooks = [];
		receiver = http.createServer((req, res) => {
			let b = '';
			req.on('data', (c) => (b += c));
			req.on('end', () => {
				hooks.push(JSON.parse(b));
				res.end();
			});
		});
		await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
		sb.idcheck.setWebhookUrl(`http://127.0.0.1:${receiver.address().port}/`);
	});
	afterEach(() => new Promise((r) => receiver.close(r)));

	test('list, page, get, images, applicant', async () => {
		for (let i = 0; i < 4; i++) sb.idcheck.createSubmission({ userid: `c${i}` });
		const one = await client.listAll();
		const paged = await client.listAll({ count: '2' });
		expect(paged.pages).toBe(5);
		expect(paged.items.map((s) => s.submission_id)).toEqual(one.items.map((s) => s.submission_id));
		const { submission } = await client.get(sb.idcheck.approvedSubmissionId);
		expect(submission.applicant_id).toBe(sb.idcheck.approvedApplicantId);
		const types = Object.keys(submission.image);
		const imgs = [];
		for (const t of types) {
			const r = await client.image(submission.submission_id, t);
			expect(r).toMatchObject({ ok: true, form: config.idcheckImageBody === 'base64' ? 'base64' : 'binary' });
			imgs.push(r.bytes.toString('base64'));
		}
		expect(new Set(imgs).size).toBe(3);
		expect(await client.image(submission.submission_id, 'addressImage')).toMatchObject({ ok: false, httpStatus: 400 });
		expect((await client.applicant(sb.idcheck.approvedApplicantId)).submissions).toHaveLength(2);
		if (config.idcheckSharedKey) {
			const face = createIdcheckClient({ baseUrl: sb.url, apiKey: sb.apiKey });
			expect((await face.listPage({ count: '1' })).ok).toBe(true);
		} else {
			expect(await createIdcheckClient({ baseUrl: sb.url, apiKey: sb.apiKey }).listPage()).toMatchObject({ ok: false, httpStatus: 403, message: 'Forbidden' });
		}
	});

	test('review, patch, put image, delete, partial delete and their webhooks; errors parse', async () => {
		const admin = sb.idcheck.admin;
		const id = sb.idcheck.pendingSubmissionId;
		expect(await client.review({ admin, submissionId: id, status: 'rejected' })).toMatchObject({ ok: false, httpStatus: 400, message: 'Reject comment is required' });
		expect(await client.review({ admin, submissionId: id, status: 'rejected', rejectComment: 'no' })).toEqual({ ok: true, finalStatus: 'rejected' });
		expect(await client.patch(id, admin, { kycStatus: 'approved', fullName: 'P P' })).toMatchObject({ ok: true });
		expect(await client.patch(id, admin, {})).toMatchObject({ ok: false, httpStatus: 400, message: 'At least one property to modify is required.' });
		expect(await client.putImage({ submissionId: id, admin, selfieImage: sampleImage({ faceKey: 'z' }) })).toEqual({ ok: true });
		expect((await client.partialDelete(id, 'ocr')).ok).toBe(true);
		expect((await client.delete(id, admin)).shape).toBe(config.idcheckDeleteShape === 'old' ? 'old' : 'new');
		expect(await client.delete('nope')).toMatchObject({ ok: false, httpStatus: 400, message: 'not Exist Submission Data' });
		const { submission } = await client.get(id);
		expect(submission.data.full_name).toBeUndefined();
		for (let i = 0; i < 100 && hooks.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
		expect(hooks.map(checkWebhook).map((h) => h.event)).toEqual(['rejected', 'updated', 'updated', 'delete']);
	});
});

test('reviewer system: the client reads the refusal in every error shape', async () => {
	for (const shape of ['documented', 'errorCode', 'message', 'errorMessage', 'traceId']) {
		sb.setConfig({ idcheckReviewer: 'system', idcheckErrorShape: shape });
		const r = await client.review({ admin: sb.idcheck.admin, submissionId: sb.idcheck.pendingSubmissionId, status: 'approved' });
		expect(r).toMatchObject({ ok: false, httpStatus: 400, message: 'This submission cannot be reviewed by client' });
	}
});

test('the client throws ContractViolation on a body the document rules out', async () => {
	const srv = http.createServer((req, res) => res.end(JSON.stringify({ items: [] })));
	await new Promise((r) => srv.listen(0, '127.0.0.1', r));
	const bad = createIdcheckClient({ baseUrl: `http://127.0.0.1:${srv.address().port}`, apiKey: 'k' });
	await expect(bad.listPage()).rejects.toThrow(ContractViolation);
	await new Promise((r) => srv.close(r));
	expect(() => checkWebhook({ webhook_trigger: 'rejected', submission_id: 's', kyc_result: { status: 'rejected' }, applicant_id: 'a' })).toThrow(ContractViolation);
});
