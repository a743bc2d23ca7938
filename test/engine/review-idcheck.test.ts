/**
 * Adversarial review of Argos ID Check, its trigger and ID Document → Read (OCR): a fraudulent applicant and a
 * webhook forger, an attacker after the API key, and a network that lies. Each finding is a test that failed
 * before its fix. Only 127.0.0.1 is contacted: the sandbox, and loopback stubs written here.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { http } from '../support/builtins';
import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, WebhookCallOptions, WebhookCallResult, WorkflowJson } from '../harness/engine';
import { errorOf, idOutputs, idRunner, idWorkflow, queryOf, requestsTo } from './idcheck';
import { installTripwire } from './network';
import { belowFloor, normaliseRecognition, type OcrField } from '../../nodes/ArgosFaces/actions/idDocument/read.operation';

const { createServer } = http;
type IncomingMessage = import('http').IncomingMessage;
type ServerResponse = import('http').ServerResponse;
type Socket = import('net').Socket;

const NODE = 'Argos ID Check Trigger';
const TYPE = 'n8n-nodes-argos-faces.argosIdCheckTrigger';
const ARGOS_IP = '52.78.194.237';

let sb: Sandbox;
const runs: EngineRun[] = [];
const hits: WebhookCallResult[] = [];
const run = idRunner(runs, () => sb);
const ids = () => sb.idcheck;

interface Seen {
	method: string;
	url: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
}
interface Local {
	url: string;
	seen: Seen[];
	close(): Promise<void>;
}
const servers: Local[] = [];

/** A loopback stub: `handler` answers each request. */
async function localServer(handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<Local> {
	const seen: Seen[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			const entry = { method: req.method ?? '', url: req.url ?? '', path: url.pathname, query: url.searchParams, headers: req.headers };
			seen.push(entry);
			handler(req, res, entry);
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const local: Local = {
		url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
		seen,
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
	servers.push(local);
	return local;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') {
	const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	res.writeHead(status, { 'content-type': type, 'content-length': String(bytes.length) });
	res.end(bytes);
}

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
beforeEach(() => {
	sb.reset();
	sb.clearRequests();
});
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
	await sb.close();
	await engine.shutdown();
	// The standing rule: the API key reaches no output, answer, error or log.
	for (const r of runs) {
		expect(r.serialized).not.toContain(ids().apiKey);
		expect(r.logs.join('\n')).not.toContain(ids().apiKey);
	}
	for (const r of hits) {
		const text = JSON.stringify({ json: r.json, workflowData: r.workflowData, logs: r.logs, webhookResponse: r.webhookResponse, error: String(r.error ?? '') });
		expect(text).not.toContain(ids().apiKey);
	}
});

// ---------------------------------------------------------------------------------------------------------
// The trigger
// ---------------------------------------------------------------------------------------------------------

let wfCounter = 0;
function triggerWorkflow(parameters: IDataObject = {}): WorkflowJson {
	return {
		id: `wf-review-idcheck-${++wfCounter}`,
		name: 'review trigger',
		nodes: [
			{
				name: NODE,
				type: TYPE,
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: 'c0ffee00-0000-4000-8000-00000000beef',
				parameters,
				credentials: { argosIdCheckApi: { id: 'cred-idcheck', name: 'Argos ID Check account' } },
			},
		],
	};
}

/** One delivery from ARGOS's address, in a workflow of its own (no dedupe between tests), Confirm on. */
async function deliver(parameters: IDataObject, options: WebhookCallOptions & { credential?: IDataObject } = {}): Promise<WebhookCallResult> {
	const { credential, ...rest } = options;
	const r = await engine.callWebhook(triggerWorkflow(parameters), NODE, {
		ip: ARGOS_IP,
		credentials: { argosIdCheckApi: { apiKey: ids().apiKey, baseUrl: sb.url, ...credential } },
		...rest,
	});
	hits.push(r);
	if (r.error) throw r.error;
	return r;
}
const emitted = (r: WebhookCallResult): INodeExecutionData[] => r.workflowData?.[0] ?? [];

let stampCounter = 0;
const stamp = () => `2025-08-01T00:00:${String(++stampCounter).padStart(2, '0')}.000Z`;
const event = (trigger: string, submissionId: unknown, extra: IDataObject = {}): IDataObject => ({
	webhook_trigger: trigger,
	submission_id: submissionId as string,
	kyc_result: { status: trigger, updated_at: stamp() },
	...extra,
});

/** What the sync example acts on: nothing unless confirmed, then `status`. */
const decision = (r: WebhookCallResult): string => {
	const items = emitted(r);
	if (!items.length) return `not emitted (${r.status})`;
	const json = items[0].json;
	if (json.event === 'unreadable') return 'unreadable';
	return json.confirmed === true ? String(json.status) : 'unconfirmed';
};

describe('a forger: the decision follows ARGOS, never the claim', () => {
	it('a forged approved for the rejected and the pending submission, and a forged delete of an approved one', async () => {
		expect(decision(await deliver({}, { body: event('approved', ids().rejectedSubmissionId) }))).toBe('rejected');
		expect(decision(await deliver({}, { body: event('approved', ids().pendingSubmissionId) }))).toBe('pending');
		const del = await deliver({}, { body: { webhook_trigger: 'delete', submission_id: ids().approvedSubmissionId, delete_time: stamp() } });
		expect(decision(del)).toBe('approved');
		expect(emitted(del)[0].json.submissionId).toBe(ids().approvedSubmissionId);
	});

	it('an old approved replayed after ARGOS rejected the submission → rejected', async () => {
		const created = ids().createSubmission({ status: 'approved', email: 'replay@example.com' });
		const old = event('approved', created.submission_id);
		expect(decision(await deliver({}, { body: old }))).toBe('approved');
		ids().setStatus(created.submission_id, 'rejected');
		// the very same bytes again, in another workflow (a new trigger memory), and with a fresh time
		expect(decision(await deliver({}, { body: old }))).toBe('rejected');
		expect(decision(await deliver({}, { body: { ...old, kyc_result: { status: 'approved', updated_at: stamp() } } }))).toBe('rejected');
	});

	it.each<[string, unknown]>([
		['upper case', 'SUB-REJECTED-0002'],
		['a leading space', ' sub-rejected-0002'],
		['a trailing space', 'sub-rejected-0002 '],
		['a trailing newline', 'sub-rejected-0002\n'],
		['a NUL', 'sub-rejected-0002\u0000'],
		['%00', 'sub-rejected-0002%00'],
		['a Cyrillic s', '\u0455ub-rejected-0002'],
		['a zero-width space', 'sub-rejected\u200b-0002'],
		['a full-width digit', 'sub-rejected-000\uff12'],
		['very long', `sub-rejected-0002${'0'.repeat(20000)}`],
		['the rejected ID with a query', 'sub-rejected-0002&submission_id=sub-approved-0001'],
		['a number', 2],
	])('a lookalike ID (%s) in an approved event: never approved', async (_label, id) => {
		const r = await deliver({}, { body: event('approved', id) });
		expect(decision(r)).not.toBe('approved');
		for (const item of emitted(r)) expect(item.json.status).not.toBe('approved');
	});

	it.each<[string, IDataObject]>([
		['submission_id as an array', { webhook_trigger: 'approved', submission_id: [ids0('rejected')], kyc_result: { status: 'approved' } }],
		['submission_id as an object', { webhook_trigger: 'approved', submission_id: { $ne: '' }, kyc_result: { status: 'approved' } }],
		['webhook_trigger as an array', { webhook_trigger: ['approved'], submission_id: ids0('rejected') }],
		['kyc_result.status as an array', { webhook_trigger: 'approved', submission_id: ids0('rejected'), kyc_result: { status: ['approved'] } }],
		['both spellings of the ID, one rejected and one approved', { webhook_trigger: 'approved', submission_id: ids0('rejected'), submissionId: ids0('approved') }],
	])('wrong types (%s): never an approved decision', async (_label, body) => {
		const r = await deliver({ events: ['*'] }, { body });
		expect(decision(r)).not.toBe('approved');
	});

	it('a body with two webhook_trigger keys and two submission_id keys: the ID confirmed is the one output', async () => {
		const raw = `{"webhook_trigger":"rejected","submission_id":"${ids0('approved')}","webhook_trigger":"approved","submission_id":"${ids0('rejected')}","kyc_result":{"status":"approved","updated_at":"${stamp()}"}}`;
		const r = await deliver({}, { rawBody: raw, headers: { 'content-type': 'application/json' } });
		expect(emitted(r)).toHaveLength(1);
		const json = emitted(r)[0].json;
		expect(json).toMatchObject({ submissionId: ids0('rejected'), status: 'rejected', confirmed: true });
		expect((json.submission as IDataObject).submissionId).toBe(json.submissionId);
	});

	it('IPv6 and mapped forms of another address, and X-Forwarded-For, do not pass the default allow-list', async () => {
		for (const ip of ['::ffff:52.78.194.238', '64:ff9b::344e:c2ed', '::52.78.194.237', '2002:344e:c2ed::1', '52.78.194.237.nip.io', '0x344ec2ed', '875479789']) {
			const r = await deliver({}, { body: event('approved', ids0('approved')), ip, headers: { 'x-forwarded-for': ARGOS_IP } });
			expect([ip, r.status]).toEqual([ip, 403]);
		}
		// the same address in its IPv6-mapped spellings is the same sender
		for (const ip of ['::ffff:52.78.194.237', '::ffff:344e:c2ed', '[::ffff:52.78.194.237]']) {
			const r = await deliver({}, { body: event('approved', ids0('approved')), ip });
			expect([ip, r.status]).toEqual([ip, 200]);
		}
	});
});

/** Seed IDs by name, usable in it.each tables (read when the test runs). */
function ids0(which: 'approved' | 'rejected' | 'pending'): string {
	return { approved: 'sub-approved-0001', rejected: 'sub-rejected-0002', pending: 'sub-pending-0003' }[which];
}

describe('a lying network behind Confirm With ARGOS', () => {
	const stub = async (answer: (seen: Seen) => { status: number; body: unknown } | 'hang') =>
		await localServer((_req, res, seen) => {
			const a = answer(seen);
			if (a !== 'hang') send(res, a.status, a.body);
		});
	const item = (id: string, result: string, extra: IDataObject = {}) => ({ submission_id: id, email: 'x@example.com', userid: 'u-1', image: { selfieImage: 'x' }, kyc: { result }, ...extra });

	it('two Items with the requested ID that disagree: not confirmed as either', async () => {
		const id = ids0('rejected');
		const p = await stub(() => ({ status: 200, body: { Items: [item(id, 'approved'), item(id, 'rejected')] } }));
		const r = await deliver({}, { body: event('approved', id), credential: { baseUrl: p.url } });
		expect(decision(r)).not.toBe('approved');
		expect(decision(r)).not.toBe('rejected');
	});

	it('Items holding only another submission (the filter ignored): not confirmed as that one', async () => {
		const p = await stub(() => ({ status: 200, body: { Items: [item(ids0('approved'), 'approved')] } }));
		const r = await deliver({}, { body: event('approved', ids0('rejected')), credential: { baseUrl: p.url } });
		expect(decision(r)).not.toBe('approved');
	});

	it('the key ARGOS (or a gateway) echoes in an error never reaches the workflow or the answer', async () => {
		const p = await localServer((req, res) => send(res, 400, { errorCode: `invalid key ${String(req.headers['x-api-key'])}` }));
		const r = await deliver({}, { body: event('approved', ids0('approved')), credential: { baseUrl: p.url } });
		expect(p.seen[0].headers['x-api-key']).toBe(ids().apiKey);
		expect(JSON.stringify(r.workflowData)).not.toContain(ids().apiKey);
		expect(JSON.stringify(r.json)).not.toContain(ids().apiKey);
	});

	it('a confirmation that hangs: ARGOS gets its answer within its 10 s delivery timeout', async () => {
		const p = await stub(() => 'hang');
		const started = Date.now();
		const r = await deliver({}, { body: event('approved', ids0('approved')), credential: { baseUrl: p.url } });
		const took = Date.now() - started;
		expect(r.status).toBe(200);
		expect(decision(r)).toBe('unconfirmed');
		expect(took).toBeLessThan(10000);
	}, 60000);

	it('a confirmation answered 429 with Retry-After 30: ARGOS gets its answer within 10 s', async () => {
		sb.addFaults({ match: { method: 'GET', path: '/v3/submission' }, action: 'status', status: 429, retryAfter: 30, count: -1 });
		const started = Date.now();
		const r = await deliver({}, { body: event('approved', ids0('approved')) });
		const took = Date.now() - started;
		expect(decision(r)).toBe('unconfirmed');
		expect(took).toBeLessThan(10000);
	}, 90000);

	it('a confirmation redirected elsewhere: the key does not follow, the event is not confirmed', async () => {
		const elsewhere = await localServer((_req, res) => send(res, 200, { Items: [item(ids0('rejected'), 'approved')] }));
		const p = await localServer((_req, res) => {
			res.writeHead(302, { location: `${elsewhere.url}/v3/submission?submission_id=${ids0('rejected')}` });
			res.end();
		});
		const r = await deliver({}, { body: event('approved', ids0('rejected')), credential: { baseUrl: p.url } });
		expect(elsewhere.seen).toHaveLength(0);
		expect(decision(r)).toBe('unconfirmed');
	});
});

// ---------------------------------------------------------------------------------------------------------
// Argos ID Check: where and what is requested
// ---------------------------------------------------------------------------------------------------------

const fast = { maxRetries: 0, timeout: 5 };

describe('an ID or admin that smuggles parameters: the sandbox receives exactly the value', () => {
	it.each([
		'sub-approved-0001&admin_name=evil@example.com',
		'sub-approved-0001?submission_id=sub-rejected-0002',
		'sub-approved-0001#frag',
		'../v3/submission/partial',
		'sub-approved-0001%26admin_name%3Devil',
		'sub-approved-0001;admin_name=x',
	])('Delete with ID %s: one DELETE to /v3/submission, its query the value itself, no admin_name', async (id) => {
		const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: id, scope: 'all', options: fast }));
		const deletes = sb.requests().filter((e) => e.method === 'DELETE');
		expect(deletes).toHaveLength(1);
		expect(deletes[0].path).toBe('/v3/submission');
		expect(queryOf(deletes[0]).submission_id).toBe(id);
		expect(queryOf(deletes[0]).submissionId).toBe(id);
		expect(queryOf(deletes[0]).admin_name ?? null).toBeNull();
		// nothing was deleted: those IDs are not the approved one
		expect(idOutputs(r).success).toEqual([]);
		expect(sb.idcheck.submission(ids().approvedSubmissionId)).toMatchObject({ submission_id: ids().approvedSubmissionId });
		expect(JSON.stringify(sb.idcheck.submission(ids().approvedSubmissionId))).not.toMatch(/"deleted":true/);
	});

	it('Admin Name smuggling a second submission_id: sent as one admin_name value', async () => {
		const adminName = `${ids().admin}&submission_id=${ids().approvedSubmissionId}`;
		await run(idWorkflow({ operation: 'deleteSubmission', submissionId: ids().pendingSubmissionId, scope: 'all', options: { ...fast, adminName } }));
		const deletes = requestsTo(sb, '/v3/submission', 'DELETE');
		expect(deletes).toHaveLength(1);
		expect(queryOf(deletes[0]).admin_name).toBe(adminName);
		expect(queryOf(deletes[0]).submission_id).toBe(ids().pendingSubmissionId);
		expect(JSON.stringify(sb.idcheck.submission(ids().approvedSubmissionId))).not.toMatch(/"deleted":true/);
	});

	it('Get with an ID from an expression smuggling a type: the image request carries exactly one type', async () => {
		const p = await localServer((_req, res, seen) => {
			if (seen.path === '/v3/submission') send(res, 200, { Items: [{ submission_id: seen.query.get('submission_id'), email: 'a@b.c', image: { selfieImage: 'x' }, kyc: { result: 'approved' } }] });
			else send(res, 400, { errorCode: 'not Exist Submission Data' });
		});
		const id = 'sub-approved-0001&type=idImage';
		await run(idWorkflow({ operation: 'get', submissionId: `={{ ${JSON.stringify(id)} }}`, downloadImages: true, images: ['selfieImage'], options: fast }), { baseUrl: p.url });
		const image = p.seen.find((s) => s.path === '/v3/image');
		expect(image).toBeDefined();
		expect(image!.query.getAll('type')).toEqual(['selfieImage']);
		expect(image!.query.getAll('submissionId')).toEqual([id]);
		expect(image!.query.getAll('submission_id')).toEqual([id]);
	});

	it('Find Duplicates: an applicant ID smuggling a parameter is sent as one value', async () => {
		const p = await localServer((_req, res) => send(res, 200, []));
		const applicantId = 'app-1&applicant_id=app-2&x=%2e%2e/';
		await run(idWorkflow({ operation: 'findDuplicates', applicantId, options: fast }), { baseUrl: p.url });
		expect(p.seen[0].path).toBe('/v3/submission/applicant');
		expect(p.seen[0].query.getAll('applicant_id')).toEqual([applicantId]);
		expect([...p.seen[0].query.keys()]).toEqual(['applicant_id']);
	});
});

describe('Base URLs that try to send the key elsewhere', () => {
	it.each([
		['http://127.0.0.1.evil.test', /plain http/],
		['http://localhost.evil.test:8787', /plain http/],
		['http://127.0.0.1@evil.test', /plain http/],
		['http://evil.test#@127.0.0.1', /plain http/],
		['javascript:alert(1)', /not a valid URL/],
		['file:///etc/passwd', /not a valid URL/],
	])('%s: the execution fails before anything is sent', async (baseUrl, reason) => {
		const tripwire = installTripwire();
		try {
			const r = await run(idWorkflow({ operation: 'get', submissionId: ids().approvedSubmissionId, options: fast }), { baseUrl });
			expect(r.status).toBe('error');
			expect(r.error?.message).toMatch(reason);
			expect(tripwire.attempts).toEqual([]);
		} finally {
			tripwire.restore();
		}
		expect(sb.requests()).toHaveLength(0);
	});

	it('a Base URL with user:pass@ to the sandbox: the password is not what authenticates, and no output shows it', async () => {
		const p = await localServer((_req, res, seen) => send(res, 200, { Items: [{ submission_id: seen.query.get('submission_id'), email: 'a@b.c', kyc: { result: 'approved' } }] }));
		const baseUrl = p.url.replace('http://', 'http://someone:hunter2-password@');
		const r = await run(idWorkflow({ operation: 'get', submissionId: ids().approvedSubmissionId, options: fast }), { baseUrl });
		expect(r.serialized).not.toContain('hunter2-password');
		expect(r.logs.join('\n')).not.toContain('hunter2-password');
		if (p.seen.length) expect(p.seen[0].headers['x-api-key']).toBe(ids().apiKey);
	});
});

describe('the image endpoint lies', () => {
	const withImage = async (answer: { status: number; body: unknown; type?: string }) =>
		await localServer((_req, res, seen) => {
			if (seen.path === '/v3/submission') send(res, 200, { Items: [{ submission_id: ids().approvedSubmissionId, email: 'a@b.c', image: { selfieImage: 'x' }, kyc: { result: 'approved' } }] });
			else send(res, answer.status, answer.body, answer.type);
		});
	const getSelfie = () => idWorkflow({ operation: 'get', submissionId: ids().approvedSubmissionId, downloadImages: true, images: ['selfieImage'], options: fast });

	it('a polyglot: JPEG magic, then an HTML page → never a selfie on Success', async () => {
		const polyglot = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
		const p = await withImage({ status: 200, body: polyglot, type: 'image/jpeg' });
		const r = await run(getSelfie(), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0]).code).toBe('SUBMISSION_IMAGE_UNREADABLE');
	});

	it('a PNG signature then garbage → never a selfie on Success', async () => {
		const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<html>not a png</html>')]);
		const p = await withImage({ status: 200, body: fake, type: 'image/png' });
		const r = await run(getSelfie(), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0]).code).toBe('SUBMISSION_IMAGE_UNREADABLE');
	});

	it('base64 text of HTML under a data:image/jpeg prefix → Failed', async () => {
		const body = `data:image/jpeg;base64,${Buffer.from('<html>hi</html>').toString('base64')}`;
		const p = await withImage({ status: 200, body, type: 'text/plain' });
		const r = await run(getSelfie(), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0]).code).toBe('SUBMISSION_IMAGE_UNREADABLE');
	});

	it('a body past 16 MB → Failed, not read whole', async () => {
		const big = Buffer.alloc(17 * 1024 * 1024, 0x41);
		big[0] = 0xff;
		big[1] = 0xd8;
		big[2] = 0xff;
		const p = await withImage({ status: 200, body: big, type: 'image/jpeg' });
		const r = await run(getSelfie(), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(idOutputs(r).failed).toHaveLength(1);
	}, 60000);
});

// ---------------------------------------------------------------------------------------------------------
// ID Document → Read (OCR): nothing guessed reaches Success
// ---------------------------------------------------------------------------------------------------------

describe('OCR answers that would put a guess on Success', () => {
	const answer = (fullNameEntry: unknown, ocr: IDataObject = {}) => ({
		result: { data: { raw: { name: fullNameEntry, number: { value: 'X1', score: 95 }, birth_date: { value: '1990-01-02', score: 95 } }, ocr: { ocr_fullName: 'ANN LEE', ocr_number: 'X1', ocr_birthDate: '1990-01-02', ...ocr } } },
	});
	const required: OcrField[] = ['fullName', 'birthDate', 'idNumber'];

	it.each<[string, unknown]>([
		['no score', { value: 'ANN LEE' }],
		['score as text with garbage', { value: 'ANN LEE', score: '99abc' }],
		['score 150', { value: 'ANN LEE', score: 150 }],
		['score -5', { value: 'ANN LEE', score: -5 }],
		['score true', { value: 'ANN LEE', score: true }],
		['score [99]', { value: 'ANN LEE', score: [99] }],
		['score {value: 99}', { value: 'ANN LEE', score: { value: 99 } }],
		['score "0x63"', { value: 'ANN LEE', score: '0x63' }],
		['score null', { value: 'ANN LEE', score: null }],
		['the entry a list', [{ value: 'ANN LEE', score: 99 }]],
		['score 79.99', { value: 'ANN LEE', score: 79.99 }],
	])('Min Field Score 80 and a name entry with %s: OCR_LOW_CONFIDENCE, not Success', (_label, entry) => {
		const output = normaliseRecognition(answer(entry) as IDataObject);
		expect(Object.keys(belowFloor(output, required, 80).fields)).toEqual(['fullName']);
	});

	it('score "99" as decimal text counts as 99 (ARGOS may send numbers as text); 80 passes', () => {
		const output = normaliseRecognition(answer({ value: 'ANN LEE', score: '99' }) as IDataObject);
		expect(output.fullName).toEqual({ value: 'ANN LEE', score: 99 });
		expect(belowFloor(output, required, 80).fields).toEqual({});
	});

	it.each<[string, IDataObject]>([
		['a value that is an object', { ocr_fullName: { first: 'ANN' } }],
		['a value that is a list', { ocr_fullName: ['ANN', 'LEE'] }],
		['a value that is true', { ocr_fullName: true }],
	])('%s: OCR_RESPONSE_UNKNOWN', (_label, ocr) => {
		expect(() => normaliseRecognition(answer({ value: 'x', score: 99 }, ocr) as IDataObject)).toThrow(/shape this node does not know/);
	});

	it.each<[string, unknown]>([
		['no result', {}],
		['result.data a list', { result: { data: [] } }],
		['ocr a string', { result: { data: { raw: {}, ocr: 'ANN LEE' } } }],
		['the ko shape', { result: { documentInfo: { name: 'ANN' }, personalInfo: { name: 'ANN' } } }],
		['data at the top', { data: { raw: {}, ocr: { ocr_fullName: 'ANN LEE' } } }],
	])('an unknown shape (%s): OCR_RESPONSE_UNKNOWN, nothing read', (_label, body) => {
		expect(() => normaliseRecognition(body as IDataObject)).toThrow(/shape this node does not know/);
	});

	it('blank values are not read: a required field of spaces fails even at Min Field Score 0', () => {
		const output = normaliseRecognition(answer({ value: ' ', score: 99 }, { ocr_fullName: '   ' }) as IDataObject);
		expect(output.fullName.value).toBeNull();
		expect(belowFloor(output, required, 0).unread).toEqual(['fullName']);
	});
});
