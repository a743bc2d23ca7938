/**
 * The Argos ID Check Trigger's webhook(), called the way n8n calls it: n8n-core's own WebhookContext, an
 * Express-like request/response, the credential through the harness's credentialsHelper, the built package.
 * Confirm With ARGOS asks the sandbox (ID Check REST v3). What is NOT modelled: how Express computes req.ip
 * from N8N_PROXY_HOPS (the real-n8n e2e proves that); here `ip` is what Express would have computed.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { WebhookCallOptions, WebhookCallResult, WorkflowJson } from '../harness/engine';

const NODE = 'Argos ID Check Trigger';
const TYPE = 'n8n-nodes-argos-faces.argosIdCheckTrigger';
const ARGOS_IP = '52.78.194.237';

// shared/argos-idcheck-api.md §2.8 (ours, not ARGOS's)
const VECTOR_KEY = 'EXAMPLE-ARGOS-API-KEY-0000000000000000000';
const VECTOR_PLAIN = { webhook_trigger: 'approved', submission_id: 'sub_test_0001', kyc_result: { status: 'approved' } };
const VECTOR_DATA =
	'R3IAiiKZnax95C7T2/1HKTbrGUhph3gAiaXzzDvY6A4CwTSwzvdLxfi64By1c9mPSmgRNn04K4gcKVJfnhCebLoaYQ/wUfMBiw/KgpSDfUtg9KKrnrvZP9tso4OzArrFL7I6gsp6FrGEO97Tr1xSTw==';

interface Seed {
	apiKey: string;
	approvedSubmissionId: string;
	rejectedSubmissionId: string;
	deletedSubmissionId: string;
}

let sandbox: Sandbox;
let seed: Seed;
const results: WebhookCallResult[] = [];

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0 });
	const answer = await fetch(`${sandbox.url}/__sandbox/idcheck`);
	seed = (await answer.json()) as Seed;
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.close();
	await engine.shutdown();
	// The standing rule: the API key never reaches an output, a response or a log.
	expect(results.length).toBeGreaterThan(20);
	for (const r of results) {
		const text = JSON.stringify({ json: r.json, workflowData: r.workflowData, logs: r.logs, webhookResponse: r.webhookResponse });
		expect(text).not.toContain(seed.apiKey);
	}
});

function workflow(parameters: IDataObject = {}, id = 'wf-trigger-test', withCredential = true): WorkflowJson {
	return {
		id,
		name: 'trigger test',
		nodes: [
			{
				name: NODE,
				type: TYPE,
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: 'c0ffee00-0000-4000-8000-000000000001',
				parameters,
				...(withCredential && { credentials: { argosIdCheckApi: { id: 'cred-idcheck', name: 'Argos ID Check account' } } }),
			},
		],
	};
}

/** One delivery; by default from ARGOS's address, with the sandbox credential, Confirm on. */
async function deliver(
	parameters: IDataObject,
	options: WebhookCallOptions & { credential?: IDataObject; workflowId?: string; noCredential?: true } = {},
): Promise<WebhookCallResult> {
	const { credential, workflowId, noCredential, ...rest } = options;
	const r = await engine.callWebhook(workflow(parameters, workflowId, !noCredential), NODE, {
		ip: ARGOS_IP,
		credentials: { argosIdCheckApi: { apiKey: seed.apiKey, baseUrl: sandbox.url, ...credential } },
		...rest,
	});
	results.push(r);
	if (r.error) throw r.error;
	return r;
}

const emitted = (r: WebhookCallResult): INodeExecutionData[] => r.workflowData?.[0] ?? [];
const only = (r: WebhookCallResult): IDataObject => {
	expect(emitted(r)).toHaveLength(1);
	return emitted(r)[0].json;
};

// Every event below is new to the trigger's in-process dedupe unless a test repeats it on purpose.
let counter = 0;
const stamp = () => `2025-07-01T00:00:${String(++counter).padStart(2, '0')}.${Date.now() % 1000}Z`;
const approvedEvent = (submissionId: string, extra: IDataObject = {}): IDataObject => ({
	webhook_trigger: 'approved',
	submission_id: submissionId,
	kyc_result: { status: 'approved', updated_at: stamp() },
	...extra,
});

describe('Allowed Source IPs (the address n8n determined: req.ip)', () => {
	const event = () => ({ body: approvedEvent(seed.approvedSubmissionId) });

	it('default (52.78.194.237) refuses 127.0.0.1 with 403 and emits nothing', async () => {
		const r = await deliver({}, { ...event(), ip: '127.0.0.1' });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({ received: false, reason: 'source address not allowed' });
		expect(r.workflowData).toBeUndefined();
	});

	it('default lets 52.78.194.237 in', async () => {
		const r = await deliver({}, event());
		expect(r.status).toBe(200);
		expect(only(r).event).toBe('approved');
	});

	it.each([
		['127.0.0.1', '127.0.0.1'],
		['10.0.0.0/8', '10.20.30.40'],
		['192.0.2.1, 10.0.0.0/8', '10.1.1.1'],
		['2001:db8::/32', '2001:db8:abcd::1'],
		['2001:db8::5', '2001:db8:0:0:0:0:0:5'],
		['52.78.194.237', '::ffff:52.78.194.237'],
		['127.0.0.0/8', '::ffff:127.0.0.1'],
	])('listed %s lets %s in', async (allowedIps, ip) => {
		const r = await deliver({ allowedIps }, { ...event(), ip });
		expect(r.status).toBe(200);
		expect(emitted(r)).toHaveLength(1);
	});

	it.each([
		['10.0.0.0/8', '11.0.0.1'],
		['2001:db8::/32', '2001:db9::1'],
		['2001:db8::/32', '10.0.0.1'],
	])('listed %s refuses %s', async (allowedIps, ip) => {
		const r = await deliver({ allowedIps }, { ...event(), ip });
		expect(r.status).toBe(403);
		expect(r.workflowData).toBeUndefined();
	});

	it('an X-Forwarded-For naming the allowed address does not make a disallowed req.ip pass', async () => {
		const r = await deliver({}, { ...event(), ip: '203.0.113.9', ips: [], headers: { 'x-forwarded-for': ARGOS_IP, 'x-real-ip': ARGOS_IP, forwarded: `for=${ARGOS_IP}` } });
		expect(r.status).toBe(403);
		expect(r.workflowData).toBeUndefined();
	});

	it('nor does a socket address: only req.ip counts', async () => {
		const r = await deliver({}, { ...event(), ip: '203.0.113.9', remoteAddress: ARGOS_IP });
		expect(r.status).toBe(403);
	});

	it.each(['52.78.194', 'not-an-ip', '10.0.0.0/40', '*'])('a malformed entry (%s) allows nothing', async (allowedIps) => {
		for (const ip of ['127.0.0.1', ARGOS_IP, '52.78.194.0']) {
			const r = await deliver({ allowedIps }, { ...event(), ip });
			expect(r.status).toBe(403);
			expect(r.workflowData).toBeUndefined();
		}
	});

	it('a malformed entry beside a good one: the good one still counts, the typo adds nothing', async () => {
		expect((await deliver({ allowedIps: '10.0.0.0/40, 127.0.0.1' }, { ...event(), ip: '127.0.0.1' })).status).toBe(200);
		expect((await deliver({ allowedIps: '10.0.0.0/40, 127.0.0.1' }, { ...event(), ip: '10.0.0.1' })).status).toBe(403);
	});

	it('empty allows any address', async () => {
		for (const ip of ['127.0.0.1', '198.51.100.7', '::1']) {
			const r = await deliver({ allowedIps: '' }, { ...event(), ip });
			expect(r.status).toBe(200);
			expect(emitted(r)).toHaveLength(1);
		}
	});

	it('a refused delivery does not ask ARGOS', async () => {
		await deliver({}, { ...event(), ip: '127.0.0.1' });
		expect(sandbox.requests().filter((e) => e.path.startsWith('/v3'))).toHaveLength(0);
	});
});

describe('Events', () => {
	it('default: approved, rejected and delete are emitted', async () => {
		const rejected = { webhook_trigger: 'rejected', submission_id: seed.rejectedSubmissionId, kyc_result: { status: 'rejected', updated_at: stamp() } };
		const deleted = { webhook_trigger: 'delete', submission_id: seed.deletedSubmissionId, delete_time: stamp() };
		for (const body of [approvedEvent(seed.approvedSubmissionId), rejected, deleted]) {
			const r = await deliver({}, { body });
			expect(r.status).toBe(200);
			expect(only(r).event).toBe(body.webhook_trigger);
		}
	});

	it.each(['created', 'updated', 'aml', 'brand_new'])('an unchosen event (%s) → 200, nothing emitted', async (trigger) => {
		const r = await deliver({}, { body: { webhook_trigger: trigger, submission_id: seed.approvedSubmissionId, update_time: stamp() } });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ received: true, emitted: false, reason: `event "${trigger}" not chosen` });
		expect(r.workflowData).toBeUndefined();
	});

	it('a chosen list: only its events', async () => {
		const params = { events: ['updated'] };
		const updated = await deliver(params, { body: { webhook_trigger: 'updated', submission_id: seed.approvedSubmissionId, update_time: stamp(), data: { kyc_result: 'approved' } } });
		expect(only(updated).event).toBe('updated');
		const approved = await deliver(params, { body: approvedEvent(seed.approvedSubmissionId) });
		expect(approved.workflowData).toBeUndefined();
	});

	it("'*' passes an unknown event without crashing", async () => {
		const r = await deliver({ events: ['*'] }, { body: { webhook_trigger: 'brand_new', submission_id: seed.approvedSubmissionId, whatever: { x: 1 } } });
		expect(r.status).toBe(200);
		const json = only(r);
		expect(json.event).toBe('brand_new');
		expect(json.body).toEqual({ webhook_trigger: 'brand_new', submission_id: seed.approvedSubmissionId, whatever: { x: 1 } });
		// Confirm still reports ARGOS's state of the submission
		expect(json).toMatchObject({ confirmed: true, status: 'approved' });
	});

	it('an event without submission_id → 400, nothing emitted', async () => {
		const r = await deliver({}, { body: { webhook_trigger: 'approved', kyc_result: { status: 'approved', updated_at: stamp() } } });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ received: false, reason: 'no submission_id' });
		expect(r.workflowData).toBeUndefined();
	});
});

describe('Confirm With ARGOS (the sandbox answers)', () => {
	it('an approved event of the approved submission → status approved, confirmed, the normalised submission', async () => {
		const body = approvedEvent(seed.approvedSubmissionId);
		const json = only(await deliver({}, { body }));
		expect(json).toMatchObject({ status: 'approved', claimedStatus: 'approved', confirmed: true });
		const submission = json.submission as IDataObject;
		expect(submission).toMatchObject({ submissionId: seed.approvedSubmissionId, status: 'approved' });
		expect(submission.raw).toBeDefined();
		expect(json.error).toBeUndefined();
		expect(sandbox.requests().some((e) => e.path === '/v3/submission' && (e.query as Record<string, unknown>).submission_id === seed.approvedSubmissionId)).toBe(true);
	});

	it("a forged approved for the REJECTED submission → ARGOS's state: rejected", async () => {
		const json = only(await deliver({}, { body: approvedEvent(seed.rejectedSubmissionId) }));
		expect(json).toMatchObject({ status: 'rejected', claimedStatus: 'approved', confirmed: true });
		expect((json.submission as IDataObject).status).toBe('rejected');
	});

	it('a made-up submission ID → 404, nothing emitted; a later real delivery of it is not swallowed', async () => {
		const body = approvedEvent('sub-made-up-9999');
		const r = await deliver({}, { body });
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ received: false, reason: 'submission not known to ARGOS' });
		expect(r.workflowData).toBeUndefined();
		expect((await deliver({}, { body })).status).toBe(404);
	});

	it('ARGOS unreachable → emitted unconfirmed (status null, CONFIRM_FAILED); the re-delivery is emitted again', async () => {
		const body = approvedEvent(seed.approvedSubmissionId);
		const credential = { baseUrl: 'http://127.0.0.1:1' };
		for (let i = 0; i < 2; i++) {
			const r = await deliver({}, { body, credential });
			expect(r.status).toBe(200);
			const json = only(r);
			expect(json).toMatchObject({ confirmed: false, status: null, claimedStatus: 'approved' });
			expect((json.error as IDataObject).code).toBe('CONFIRM_FAILED');
			expect(json.submission).toBeUndefined();
		}
		// once ARGOS answers, the same event is confirmed (and then taken as done)
		expect(only(await deliver({}, { body }))).toMatchObject({ confirmed: true, status: 'approved' });
		expect((await deliver({}, { body })).workflowData).toBeUndefined();
	});

	it('ARGOS refusing the key → unconfirmed, CONFIRM_FAILED, the key not echoed', async () => {
		const r = await deliver({}, { body: approvedEvent(seed.approvedSubmissionId), credential: { apiKey: 'wrong-key-0000' } });
		const json = only(r);
		expect(json).toMatchObject({ confirmed: false, status: null });
		expect((json.error as IDataObject).code).toBe('CONFIRM_FAILED');
	});

	it('a delete event for the deleted submission → status deleted', async () => {
		const json = only(await deliver({}, { body: { webhook_trigger: 'delete', submission_id: seed.deletedSubmissionId, delete_time: stamp(), account_email: 'admin@example.com' } }));
		expect(json).toMatchObject({ event: 'delete', status: 'deleted', claimedStatus: 'deleted', confirmed: true });
	});

	it('a status changed after the event: ARGOS now holds rejected', async () => {
		const created = sandbox.idcheck.createSubmission({ status: 'approved', email: 'late@example.com' });
		const id = created.submission_id;
		sandbox.idcheck.setStatus(id, 'rejected');
		const json = only(await deliver({}, { body: approvedEvent(id) }));
		expect(json).toMatchObject({ status: 'rejected', claimedStatus: 'approved', confirmed: true });
	});

	it('no credential on the node: Confirm on → unconfirmed (CREDENTIAL_MISSING), ARGOS not asked; Confirm off → emitted; an encrypted body → unreadable', async () => {
		const unconfirmed = only(await deliver({}, { body: approvedEvent(seed.approvedSubmissionId), noCredential: true, workflowId: 'wf-no-credential' }));
		expect(unconfirmed).toMatchObject({ confirmed: false, status: null, claimedStatus: 'approved', error: { code: 'CREDENTIAL_MISSING' } });
		const plain = only(await deliver({ confirm: false }, { body: approvedEvent(seed.approvedSubmissionId), noCredential: true, workflowId: 'wf-no-credential' }));
		expect(plain).toMatchObject({ confirmed: false, status: 'approved' });
		const encrypted = only(await deliver({ confirm: false }, { body: { data: VECTOR_DATA }, noCredential: true, workflowId: 'wf-no-credential' }));
		expect(encrypted).toMatchObject({ event: 'unreadable', error: { code: 'WEBHOOK_NOT_DECRYPTED' } });
		expect((encrypted.error as IDataObject).message).toMatch(/no credential/);
		expect(sandbox.requests().filter((e) => e.path.startsWith('/v3'))).toHaveLength(0);
	});

	it('Confirm off → the claimed status, ARGOS not asked', async () => {
		const json = only(await deliver({ confirm: false }, { body: approvedEvent(seed.rejectedSubmissionId) }));
		expect(json).toMatchObject({ status: 'approved', confirmed: false });
		expect(json.claimedStatus).toBeUndefined();
		expect(json.submission).toBeUndefined();
		expect(sandbox.requests().filter((e) => e.path.startsWith('/v3'))).toHaveLength(0);
	});
});

describe('Encrypted bodies ({"data": …})', () => {
	const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest();
	const noConfirm = { confirm: false };
	const withKey = (apiKey: string, webhookDecryption = 'auto') => ({ credential: { apiKey, webhookDecryption } });

	it.each(['auto', 'ecb-sha256-base64'])('the §2.8 test vector decrypts (%s); body is the plain event', async (recipe) => {
		// the vector is one event: each case in its own workflow, so the trigger's memory of it does not interfere
		const r = await deliver(noConfirm, { body: { data: VECTOR_DATA }, ...withKey(VECTOR_KEY, recipe), workflowId: `wf-vector-${recipe}` });
		expect(r.status).toBe(200);
		const json = only(r);
		expect(json).toMatchObject({ event: 'approved', submissionId: 'sub_test_0001', status: 'approved', decryptedWith: 'ecb-sha256-base64' });
		expect(json.body).toEqual(VECTOR_PLAIN);
	});

	it('the secret key, when set, decrypts instead of the API key (and Confirm still uses the API key)', async () => {
		const plain = JSON.stringify(approvedEvent(seed.approvedSubmissionId));
		const cipher = createCipheriv('aes-256-ecb', sha('project-secret-key'), null);
		const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
		const json = only(await deliver({}, { body: { data }, credential: { secretKey: 'project-secret-key' } }));
		expect(json).toMatchObject({ confirmed: true, status: 'approved', decryptedWith: 'ecb-sha256-base64' });
	});

	it('a GCM body (nonce ‖ data ‖ tag, base64) decrypts with auto', async () => {
		const plain = approvedEvent('sub_gcm_0001');
		const nonce = randomBytes(12);
		const cipher = createCipheriv('aes-256-gcm', sha(VECTOR_KEY), nonce);
		const bytes = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
		const data = Buffer.concat([nonce, bytes, cipher.getAuthTag()]).toString('base64');
		const json = only(await deliver(noConfirm, { body: { data }, ...withKey(VECTOR_KEY) }));
		expect(json).toMatchObject({ event: 'approved', submissionId: 'sub_gcm_0001', decryptedWith: 'gcm-sha256-base64' });
		expect(json.body).toEqual(plain);
	});

	it('a body no recipe reads → emitted as unreadable, WEBHOOK_NOT_DECRYPTED (never dropped)', async () => {
		const r = await deliver({}, { body: { data: VECTOR_DATA }, ...withKey('another-key') });
		expect(r.status).toBe(200);
		const json = only(r);
		expect(json.event).toBe('unreadable');
		expect((json.error as IDataObject).code).toBe('WEBHOOK_NOT_DECRYPTED');
		expect(json.body).toBe(JSON.stringify({ data: VECTOR_DATA }));
	});

	it('a pinned recipe that does not match → unreadable', async () => {
		for (const recipe of ['ecb-raw32-base64', 'ecb-sha256-hex', 'gcm-sha256-base64']) {
			const json = only(await deliver(noConfirm, { body: { data: VECTOR_DATA }, ...withKey(VECTOR_KEY, recipe) }));
			expect(json.event).toBe('unreadable');
			expect((json.error as IDataObject).code).toBe('WEBHOOK_NOT_DECRYPTED');
		}
	});

	it('non-JSON garbage → unreadable, WEBHOOK_NOT_UNDERSTOOD', async () => {
		const json = only(await deliver({}, { rawBody: 'this is not json', headers: { 'content-type': 'text/plain' } }));
		expect(json.event).toBe('unreadable');
		expect((json.error as IDataObject).code).toBe('WEBHOOK_NOT_UNDERSTOOD');
		expect(json.body).toBe('this is not json');
	});

	it('JSON that is no ARGOS event → unreadable, WEBHOOK_NOT_UNDERSTOOD', async () => {
		for (const body of [{ hello: 'world' }, { webhook_trigger: 42, submission_id: 'x' }]) {
			const json = only(await deliver({}, { body }));
			expect(json.event).toBe('unreadable');
			expect((json.error as IDataObject).code).toBe('WEBHOOK_NOT_UNDERSTOOD');
		}
	});

	it('an unreadable body from a disallowed address is refused, not emitted', async () => {
		const r = await deliver({}, { rawBody: 'garbage', ip: '127.0.0.1' });
		expect(r.status).toBe(403);
		expect(r.workflowData).toBeUndefined();
	});
});

describe('eventKey and dedupe', () => {
	it('the same body twice → emitted once; the second answered 200, emitted:false', async () => {
		const body = approvedEvent(seed.approvedSubmissionId);
		const first = await deliver({}, { body });
		expect(emitted(first)).toHaveLength(1);
		const second = await deliver({}, { body });
		expect(second.status).toBe(200);
		expect(second.json).toEqual({ received: true, emitted: false, reason: 'already received' });
		expect(second.workflowData).toBeUndefined();
	});

	it('the same body with its keys in another order → the same eventKey (so dedupe holds)', async () => {
		const a = { webhook_trigger: 'approved', submission_id: seed.approvedSubmissionId, email: `o${stamp()}@example.com`, cf: { cf1: 'a', cf2: 'b' } };
		const b = { cf: { cf2: 'b', cf1: 'a' }, email: a.email, submission_id: a.submission_id, webhook_trigger: 'approved' };
		const first = only(await deliver({ confirm: false }, { body: a }));
		const second = await deliver({ confirm: false }, { body: b });
		expect(second.json).toMatchObject({ emitted: false, reason: 'already received' });
		// and the key itself, with dedupe out of the way (another workflow output is not needed: the key is pure)
		expect(first.eventKey).toMatch(/^[0-9a-f]{32}$/);
	});

	it('the same event through the encrypted and the plain body → one key', async () => {
		const workflowId = 'wf-plain-then-encrypted';
		const plainFirst = only(await deliver({ confirm: false }, { body: VECTOR_PLAIN, credential: { apiKey: VECTOR_KEY }, workflowId }));
		const encrypted = await deliver({ confirm: false }, { body: { data: VECTOR_DATA }, credential: { apiKey: VECTOR_KEY }, workflowId });
		expect(plainFirst.event).toBe('approved');
		expect(encrypted.json).toMatchObject({ emitted: false, reason: 'already received' });
	});

	it('the memory is per trigger: another workflow given the same delivery emits it too; in its own workflow it stays deduped', async () => {
		const body = approvedEvent(seed.approvedSubmissionId);
		const a = only(await deliver({}, { body, workflowId: 'wf-fan-out-a' }));
		const b = only(await deliver({}, { body, workflowId: 'wf-fan-out-b' }));
		expect(a.eventKey).toBe(b.eventKey);
		expect((await deliver({}, { body, workflowId: 'wf-fan-out-a' })).json).toMatchObject({ emitted: false });
		// the editor's test URL ('manual' mode) does not use up the production delivery either
		const body2 = approvedEvent(seed.approvedSubmissionId);
		only(await deliver({}, { body: body2, workflowId: 'wf-fan-out-c', mode: 'manual' }));
		only(await deliver({}, { body: body2, workflowId: 'wf-fan-out-c' }));
	});

	it('a new event of the same submission → another key, emitted', async () => {
		const id = seed.approvedSubmissionId;
		const bodies: IDataObject[] = [
			approvedEvent(id),
			approvedEvent(id),
			{ webhook_trigger: 'rejected', submission_id: id, kyc_result: { status: 'rejected', updated_at: stamp() } },
			{ webhook_trigger: 'updated', submission_id: id, update_time: stamp() },
			{ webhook_trigger: 'updated', submission_id: id, update_time: stamp() },
			{ webhook_trigger: 'delete', submission_id: id, delete_time: stamp() },
			{ webhook_trigger: 'delete', submission_id: id, delete_time: stamp() },
		];
		const keys = new Set<string>();
		for (const body of bodies) {
			const json = only(await deliver({ events: ['*'], confirm: false }, { body }));
			keys.add(json.eventKey as string);
		}
		expect(keys.size).toBe(bodies.length);
	});

	it('a refused (404) or unconfirmed event is not remembered; a confirmed one is', async () => {
		const body = approvedEvent(seed.approvedSubmissionId);
		only(await deliver({}, { body, credential: { baseUrl: 'http://127.0.0.1:1' } }));
		only(await deliver({}, { body }));
		expect((await deliver({}, { body })).json).toMatchObject({ emitted: false });
	});
});

describe('Output shape', () => {
	it('body untouched, the normalised block, nothing else at the top', async () => {
		const body = {
			webhook_trigger: 'approved',
			submission_id: seed.approvedSubmissionId,
			kyc_result: { status: 'approved', updated_at: stamp(), reviewer: 'system' },
			email: 'jane.doe@example.com',
			userid: 'user-1001',
			cf: { cf1: 'crm-1001', cf2: 'plan-gold' },
			additional_list: [{ answer: 'x', inputValue: 'y', blockType: 'z' }],
		};
		const sent = JSON.parse(JSON.stringify(body));
		const json = only(await deliver({}, { body }));
		expect(json.body).toEqual(sent);
		expect(body).toEqual(sent);
		expect(json).toMatchObject({
			event: 'approved',
			submissionId: seed.approvedSubmissionId,
			status: 'approved',
			userId: 'user-1001',
			email: 'jane.doe@example.com',
			customFields: { cf1: 'crm-1001', cf2: 'plan-gold' },
			occurredAt: body.kyc_result.updated_at,
		});
		expect(json.eventKey).toMatch(/^[0-9a-f]{32}$/);
		expect(Object.keys(json).sort()).toEqual(
			['body', 'claimedStatus', 'confirmed', 'customFields', 'email', 'event', 'eventKey', 'occurredAt', 'status', 'submission', 'submissionId', 'userId'].sort(),
		);
	});

	it('fields the body lacks are null, not absent: the block keeps its shape through n8n\'s JSON', async () => {
		const json = only(await deliver({ events: ['*'], confirm: false }, { body: { webhook_trigger: 'aml', submission_id: seed.approvedSubmissionId, aml_result: { currentstatus: `Not Screened ${stamp()}` } } }));
		const stored = JSON.parse(JSON.stringify(json)) as IDataObject;
		for (const key of ['event', 'submissionId', 'status', 'userId', 'email', 'customFields', 'occurredAt', 'eventKey']) expect(stored).toHaveProperty(key);
		expect(stored).toMatchObject({ status: null, userId: null, email: null, occurredAt: null, customFields: {} });
	});

	it('the API key appears in no output and no response (checked for every call in afterAll)', async () => {
		const r = await deliver({}, { body: approvedEvent(seed.approvedSubmissionId), credential: { baseUrl: 'http://127.0.0.1:1' } });
		expect(JSON.stringify(r.workflowData)).not.toContain(seed.apiKey);
		expect(JSON.stringify(r.json)).not.toContain(seed.apiKey);
	});

	it('the answer to an emitted event is n8n\'s own (responseMode onReceived): 200 Workflow was started', async () => {
		const r = await deliver({}, { body: approvedEvent(seed.approvedSubmissionId) });
		expect(r).toMatchObject({ status: 200, json: { message: 'Workflow was started' }, noWebhookResponse: false });
	});
});
