/**
 * Argos ID Check in n8n-core's real engine against the sandbox's ID Check REST v3: every operation's Success
 * and Failed, every error body shape, the key, and values from expressions. The network's lies are in
 * idcheck-network.test.ts.
 */
import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { http, setTimeout } from '../support/builtins';
import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun } from '../harness/engine';
import { MODES, sha } from './helpers';
import { bytesOf, errorOf, idOutputs, idRunner, idWorkflow, oneOutputEach, queryOf, requestsTo, v3Requests } from './idcheck';

const { createServer } = http;

let sb: Sandbox;
const runs: EngineRun[] = [];
const run = idRunner(runs, () => sb);
const ids = () => sb.idcheck;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
beforeEach(() => {
	sb.reset();
	sb.clearRequests();
});
afterAll(async () => {
	await sb.close();
	await engine.shutdown();
	expect(runs.length).toBeGreaterThan(0);
	for (const r of runs) {
		expect(r.serialized).not.toContain(sb.idcheck.apiKey);
		expect(r.logs.join('\n')).not.toContain(sb.idcheck.apiKey);
	}
});

const get = (submissionId: string, extra: IDataObject = {}) => ({ operation: 'get', submissionId, ...extra });

describe('Get', () => {
	it('without Download Images: the submission, no files, one request', async () => {
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)));
		const { success, failed } = idOutputs(r);
		expect(failed).toEqual([]);
		expect(success[0].json).toMatchObject({ submissionId: ids().approvedSubmissionId, status: 'approved' });
		expect(success[0].binary).toBeUndefined();
		expect(v3Requests(sb).map((e) => e.path)).toEqual(['/v3/submission']);
	});

	it.each(MODES)('with Download Images (binary mode %s): selfie, idFront, idBack carry the sandbox\'s very bytes', async (mode) => {
		const r = await run(idWorkflow(get(ids().approvedSubmissionId, { downloadImages: true })), { mode, keepBinaryData: true });
		try {
			const { success, failed } = idOutputs(r);
			expect(failed).toEqual([]);
			const item = success[0];
			expect(item.json.images).toEqual(['selfie', 'idFront', 'idBack']);
			expect(item.json.imagesNotInSubmission).toBeUndefined();
			const files = (mode === 'combined' ? (item.json._files as unknown as Record<string, IBinaryData>) : item.binary) ?? {};
			const images = ids().submission(ids().approvedSubmissionId)!.images;
			for (const [property, type] of [['selfie', 'selfieImage'], ['idFront', 'idImage'], ['idBack', 'idBackImage']] as const) {
				expect(files[property]).toBeDefined();
				expect(files[property].mimeType).toBe('image/jpeg');
				expect(sha(await bytesOf(files[property]))).toBe(images[type]!.sha256);
			}
			expect(requestsTo(sb, '/v3/image')).toHaveLength(3);
		} finally {
			await r.cleanup();
		}
	});

	it('image body as base64 text (config idcheckImageBody: base64): the same bytes', async () => {
		sb.setConfig({ idcheckImageBody: 'base64' });
		const r = await run(idWorkflow(get(ids().approvedSubmissionId, { downloadImages: true })));
		const item = idOutputs(r).success[0];
		const images = ids().submission(ids().approvedSubmissionId)!.images;
		expect(sha(await bytesOf(item.binary!.selfie))).toBe(images.selfieImage!.sha256);
		expect(sha(await bytesOf(item.binary!.idFront))).toBe(images.idImage!.sha256);
		expect(sha(await bytesOf(item.binary!.idBack))).toBe(images.idBackImage!.sha256);
	});

	it('a submission without an ID back: no idBack, and imagesNotInSubmission says so', async () => {
		const r = await run(idWorkflow(get(ids().rejectedSubmissionId, { downloadImages: true })));
		const item = idOutputs(r).success[0];
		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['idFront', 'selfie']);
		expect(item.json.imagesNotInSubmission).toEqual(['idBack']);
		expect(requestsTo(sb, '/v3/image').map((e) => queryOf(e).type).sort()).toEqual(['idImage', 'selfieImage']);
	});

	it('an unknown ID: Failed with SUBMISSION_NOT_FOUND, beside a good item', async () => {
		const r = await run(idWorkflow(get('={{ $json.id }}'), [{ json: { id: 'sub-nope-9999' } }, { json: { id: ids().pendingSubmissionId } }]));
		const { success, failed } = idOutputs(r);
		expect(r.status).toBe('success');
		expect(success).toHaveLength(1);
		expect(errorOf(failed[0])).toMatchObject({ code: 'SUBMISSION_NOT_FOUND' });
		expect(failed[0].json.id).toBe('sub-nope-9999');
		oneOutputEach(r, 2);
	});
});

describe('Get Many', () => {
	const many = (n: number, extra: IDataObject = {}) => {
		for (let i = 0; i < n; i++) ids().createSubmission({ status: 'approved', userid: `bulk-${i}`, email: `bulk${i}@example.com`, ...extra });
	};
	/** The seed's six submissions. */
	const SEEDED = 6;

	it.each(['nextPage_key', 'LastEvaluatedKey'] as const)('Return All across pages (cursor %s): every submission once', async (field) => {
		sb.setConfig({ idcheckCursorField: field });
		many(120);
		const r = await run(idWorkflow({ operation: 'getAll', returnAll: true }));
		const { success, failed } = idOutputs(r);
		expect(failed).toEqual([]);
		const listed = success.map((i) => i.json.submissionId as string);
		expect(new Set(listed).size).toBe(listed.length);
		expect(listed).toHaveLength(120 + SEEDED);
		const pages = requestsTo(sb, '/v3/submission', 'GET');
		expect(pages).toHaveLength(3);
		expect(queryOf(pages[1]).nextpage_id).toBeTruthy();
		// Every item is paired to the one input item.
		expect(success.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Limit: that many, and no further page than needed', async () => {
		many(60);
		const r = await run(idWorkflow({ operation: 'getAll', returnAll: false, limit: 55 }));
		expect(idOutputs(r).success).toHaveLength(55);
		expect(requestsTo(sb, '/v3/submission', 'GET').map((e) => queryOf(e).count)).toEqual(['50', '5']);
	});

	it('filters: user ID, e-mail, dates go to ARGOS and narrow the list', async () => {
		many(3);
		const byUser = await run(idWorkflow({ operation: 'getAll', returnAll: true, filters: { userId: 'bulk-1' } }));
		expect(idOutputs(byUser).success.map((i) => i.json.userId)).toEqual(['bulk-1']);
		const byMail = await run(idWorkflow({ operation: 'getAll', returnAll: true, filters: { email: 'bulk2@example.com' } }));
		expect(idOutputs(byMail).success.map((i) => i.json.email)).toEqual(['bulk2@example.com']);
		const today = new Date().toISOString().slice(0, 10);
		const byDate = await run(idWorkflow({ operation: 'getAll', returnAll: true, filters: { startDate: '2999-01-01', endDate: '2999-12-31' } }));
		expect(idOutputs(byDate).success).toEqual([]);
		expect(idOutputs(byDate).failed).toEqual([]);
		const q = queryOf(requestsTo(sb, '/v3/submission', 'GET').at(-1)!);
		expect([q.start_date, q.end_date]).toEqual(['2999-01-01', '2999-12-31']);
		const sinceToday = await run(idWorkflow({ operation: 'getAll', returnAll: true, filters: { startDate: today, userId: 'bulk-0' } }));
		expect(idOutputs(sinceToday).success.map((i) => i.json.userId)).toEqual(['bulk-0']);
	});

	it.each([
		['From Date', { startDate: '={{ "not a date" }}' }],
		['To Date', { endDate: '={{ "2024-13-45" }}' }],
	])('%s from an expression that is no date: the item Failed naming it, nothing sent', async (label, filters) => {
		const r = await run(idWorkflow({ operation: 'getAll', returnAll: true, filters }));
		const { success, failed } = idOutputs(r);
		expect(success).toEqual([]);
		expect(errorOf(failed[0]).message).toContain(label);
		expect(v3Requests(sb)).toEqual([]);
	});
});

describe('Delete', () => {
	async function hook(): Promise<{ url: string; got: IDataObject[]; close(): Promise<void> }> {
		const got: IDataObject[] = [];
		const server = createServer((req, res) => {
			let text = '';
			req.on('data', (c: Buffer) => (text += c.toString()));
			req.on('end', () => {
				got.push(JSON.parse(text) as IDataObject);
				res.writeHead(200).end('ok');
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, got, close: () => new Promise((resolve) => server.close(() => resolve())) };
	}

	it('whole, with Admin Name: deleted, and ARGOS sends its delete webhook', async () => {
		const h = await hook();
		try {
			ids().setWebhookUrl(h.url);
			const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: ids().rejectedSubmissionId, options: { adminName: ids().admin } }));
			expect(idOutputs(r).success[0].json).toMatchObject({ deleted: true, submissionId: ids().rejectedSubmissionId, adminName: ids().admin });
			const deletes = () => ids().deliveries().filter((d) => d.event === 'delete');
			for (let i = 0; i < 200 && !(deletes()[0]?.state === 'delivered'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
			expect(deletes()).toHaveLength(1);
			expect(deletes()[0].state).toBe('delivered');
			expect(h.got.length).toBeGreaterThanOrEqual(1);
			expect(ids().submission(ids().rejectedSubmissionId)!.deleted).toBe(true);
		} finally {
			await h.close();
		}
	});

	it('whole, without Admin Name: deleted, no webhook', async () => {
		ids().setWebhookUrl('http://127.0.0.1:9/never');
		const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: ids().rejectedSubmissionId }));
		expect(idOutputs(r).success[0].json).toMatchObject({ deleted: true });
		expect(idOutputs(r).success[0].json.adminName).toBeUndefined();
		expect(queryOf(requestsTo(sb, '/v3/submission', 'DELETE')[0]).admin_name ?? null).toBeNull();
		expect(ids().deliveries().filter((d) => d.event === 'delete')).toEqual([]);
	});

	it('chosen fields: one request per field, data with its data_fields', async () => {
		const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: ids().approvedSubmissionId, scope: 'fields', fields: ['selfie_image', 'data'], dataFields: 'nationality' }));
		expect(idOutputs(r).success[0].json).toMatchObject({ deleted: true, fields: ['selfie_image', 'data'], dataFields: 'nationality' });
		const sent = requestsTo(sb, '/v3/submission/partial', 'DELETE').map(queryOf);
		expect(sent.map((q) => q.fields)).toEqual(['selfie_image', 'data']);
		expect(sent[1].data_fields).toBe('nationality');
		const after = ids().submission(ids().approvedSubmissionId)!;
		expect(after.images.selfieImage).toBeUndefined();
		expect(after.images.idImage).toBeDefined();
	});

	it('an unknown ID: Failed with SUBMISSION_NOT_FOUND', async () => {
		const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: 'sub-nope-9999' }));
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'SUBMISSION_NOT_FOUND', apiMessage: expect.stringMatching(/not Exist Submission Data/i) });
	});
});

describe('Update', () => {
	const update = (extra: IDataObject) => ({ operation: 'update', submissionId: ids().approvedSubmissionId, admin: ids().admin, ...extra });

	it('status and fields: one PATCH, ARGOS holds them', async () => {
		const r = await run(idWorkflow(update({ kycStatus: 'rejected', fields: { fullName: 'JANE Q DOE', birthDate: '1990-02-03', nationality: 'USA', gender: 'female' } })));
		const { success, failed } = idOutputs(r);
		expect(failed).toEqual([]);
		expect(success[0].json).toMatchObject({ updated: true, status: 'rejected' });
		expect((success[0].json.changed as string[]).sort()).toEqual(['birthDate', 'fullName', 'gender', 'kycStatus', 'nationality']);
		expect(requestsTo(sb, '/v3/submission', 'PATCH')).toHaveLength(1);
		expect(ids().submission(ids().approvedSubmissionId)!.status).toBe('rejected');
	});

	it('nothing chosen: NOTHING_TO_UPDATE, no request', async () => {
		const r = await run(idWorkflow(update({})));
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'NOTHING_TO_UPDATE' });
		expect(v3Requests(sb)).toEqual([]);
	});

	it.each([
		['Nationality', { nationality: '={{ "Narnia" }}' }],
		['Date of Birth', { birthDate: '={{ "31/02/1990" }}' }],
		['Gender', { gender: '={{ "x" }}' }],
	])('%s from an expression that is wrong: Failed naming it, no request', async (label, fields) => {
		const r = await run(idWorkflow(update({ fields }), [{ json: {} }]));
		const { success, failed } = idOutputs(r);
		expect(success).toEqual([]);
		expect(errorOf(failed[0]).message).toContain(label);
		expect(v3Requests(sb)).toEqual([]);
	});
});

describe('Review', () => {
	const review = (submissionId: string, extra: IDataObject = {}) => ({ operation: 'review', submissionId, admin: ids().admin, decision: 'approved', ...extra });

	it('approve a pending submission', async () => {
		const r = await run(idWorkflow(review(ids().pendingSubmissionId)));
		expect(idOutputs(r).success[0].json).toMatchObject({ reviewed: true, status: 'approved' });
		expect(ids().submission(ids().pendingSubmissionId)!.status).toBe('approved');
	});

	it('reject with a comment', async () => {
		const r = await run(idWorkflow(review(ids().pendingSubmissionId, { decision: 'rejected', comment: 'blurry ID' })));
		expect(idOutputs(r).success[0].json).toMatchObject({ reviewed: true, status: 'rejected' });
		expect(ids().submission(ids().pendingSubmissionId)!.status).toBe('rejected');
	});

	it('reject with a comment from an expression that is empty: Failed naming Comment, no request', async () => {
		const r = await run(idWorkflow(review(ids().pendingSubmissionId, { decision: 'rejected', comment: '={{ $json.comment }}' })));
		expect(errorOf(idOutputs(r).failed[0]).message).toContain('Comment');
		expect(v3Requests(sb)).toEqual([]);
		expect(ids().submission(ids().pendingSubmissionId)!.status).toBe('pending');
	});

	it('a submission that is not pending: NOT_PENDING', async () => {
		const r = await run(idWorkflow(review(ids().approvedSubmissionId)));
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'NOT_PENDING', apiMessage: expect.any(String) });
	});

	it('a project reviewed by ARGOS (reviewer system): REVIEW_NOT_BY_CLIENT', async () => {
		sb.setConfig({ idcheckReviewer: 'system' });
		const r = await run(idWorkflow(review(ids().pendingSubmissionId)));
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'REVIEW_NOT_BY_CLIENT' });
		expect(ids().submission(ids().pendingSubmissionId)!.status).toBe('pending');
	});
});

describe('Find Duplicates', () => {
	it('the approved applicant has a duplicate', async () => {
		const r = await run(idWorkflow({ operation: 'findDuplicates', applicantId: ids().approvedApplicantId }));
		const json = idOutputs(r).success[0].json;
		expect(json).toMatchObject({ hasDuplicates: true });
		expect(JSON.stringify(json)).toContain(ids().duplicateSubmissionId);
	});

	it('an applicant with a single submission: hasDuplicates false', async () => {
		const one = ids().createSubmission({ status: 'approved', fullName: 'Only Once', dateOfBirth: '1971-01-01', faceKey: 'only-once' });
		const applicantId = (ids().submission(one.submission_id) as IDataObject).applicant_id as string;
		expect(applicantId).toBeTruthy();
		const r = await run(idWorkflow({ operation: 'findDuplicates', applicantId }));
		expect(idOutputs(r).success[0].json).toMatchObject({ hasDuplicates: false });
	});
});

describe('every ID Check error body shape gives the same code, ARGOS\'s sentence kept', () => {
	it.each(['documented', 'errorCode', 'message', 'errorMessage', 'traceId'] as const)('shape %s', async (shape) => {
		sb.setConfig({ idcheckErrorShape: shape });
		const r = await run(
			idWorkflow({ operation: 'review', submissionId: '={{ $json.id }}', admin: ids().admin, decision: 'approved' }, [
				{ json: { id: ids().approvedSubmissionId } },
				{ json: { id: 'sub-nope-9999' } },
			]),
		);
		const { success, failed } = idOutputs(r);
		expect(success).toEqual([]);
		expect(failed.map((i) => errorOf(i).code)).toEqual(['NOT_PENDING', 'SUBMISSION_NOT_FOUND']);
		expect(String(errorOf(failed[0]).apiMessage)).toMatch(/pending/i);
		expect(String(errorOf(failed[1]).apiMessage)).toMatch(/^invalid submission id\.?$/i);
		const image = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: 'sub-nope-9999' }));
		expect(errorOf(idOutputs(image).failed[0])).toMatchObject({ code: 'SUBMISSION_NOT_FOUND' });
	});
});

describe('the key', () => {
	/** A credential value the sandbox does not know. */
	const WRONG = ['wrong', 'idcheck', 'value', '7731'].join('-');

	it('plain http to a machine that is not this one: BASE_URL_INSECURE, nothing sent', async () => {
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)), { baseUrl: 'http://argos.example.com' });
		expect(r.status).toBe('error');
		expect(r.error?.message).toContain('plain http://');
		expect(r.error?.description).toContain('nothing was sent');
		expect(sb.requests()).toEqual([]);
	});

	it('a wrong key: the execution fails with a reason, the key in no output or log', async () => {
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)), { apiKey: WRONG });
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/403/);
		expect(r.error?.description).toMatch(/API key in the Argos ID Check API credential/);
		expect(r.serialized).not.toContain(WRONG);
		expect(r.logs.join('\n')).not.toContain(WRONG);
	});

	it('credential Test: OK for the seeded key, a clear message for a wrong key and for a Base URL that is not ARGOS', async () => {
		expect(await engine.testCredential('argosIdCheckApi', { apiKey: ids().apiKey, baseUrl: sb.url })).toMatchObject({ status: 'OK' });
		const wrong = await engine.testCredential('argosIdCheckApi', { apiKey: 'wrong', baseUrl: sb.url });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/rejected the API key/);
		const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
		await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
		try {
			const notArgos = await engine.testCredential('argosIdCheckApi', { apiKey: ids().apiKey, baseUrl: `http://127.0.0.1:${(other.address() as { port: number }).port}` });
			expect(notArgos.status).toBe('Error');
			expect(notArgos.message).toMatch(/ARGOS|Base URL/);
			expect(notArgos.message).not.toContain(ids().apiKey);
		} finally {
			await new Promise<void>((resolve) => other.close(() => resolve()));
		}
		const faceKey = await engine.testCredential('argosIdCheckApi', { apiKey: sb.apiKey, baseUrl: sb.url });
		expect(faceKey.status).toBe('Error');
	});
});

describe('Submission ID from an expression', () => {
	it.each<[string, string]>([
		['a number', '={{ 12345 }}'],
		['an object', '={{ { id: "sub-approved-0001" } }}'],
		['an array', '={{ ["sub-approved-0001"] }}'],
		['NaN', '={{ NaN }}'],
		['empty', '={{ "" }}'],
		['with spaces', '={{ "sub approved 0001" }}'],
	])('%s: Failed naming "Submission ID", no request; a good item in the same run succeeds', async (_label, bad) => {
		const r = await run(
			idWorkflow(get('={{ $json.good ? $json.id : ' + bad.slice(3, -2) + ' }}'), [
				{ json: { good: true, id: ids().approvedSubmissionId } },
				{ json: { good: false } },
				{ json: { good: true, id: ids().pendingSubmissionId } },
			]),
		);
		const { success, failed } = idOutputs(r);
		expect(r.status).toBe('success');
		expect(success.map((i) => i.json.submissionId)).toEqual([ids().approvedSubmissionId, ids().pendingSubmissionId]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(errorOf(failed[0]).message).toContain('Submission ID');
		expect(requestsTo(sb, '/v3/submission').map((e) => queryOf(e).submission_id).sort()).toEqual([ids().approvedSubmissionId, ids().pendingSubmissionId]);
		oneOutputEach(r, 3);
	});
});
