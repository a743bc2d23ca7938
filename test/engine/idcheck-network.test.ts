/**
 * Argos ID Check when the network and the server lie: the sandbox's fault schedule on /v3, and loopback
 * servers written here — a proxy in front of the sandbox that replaces one kind of answer (so the sandbox's
 * state shows what really happened), or a stub. Only 127.0.0.1 is contacted; servers close after each test.
 */
import type { IDataObject } from 'n8n-workflow';

import { http } from '../support/builtins';
import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun } from '../harness/engine';
import { errorOf, idOutputs, idRunner, idWorkflow, oneOutputEach, requestsTo } from './idcheck';
import { MAX_PAGES } from '../../nodes/ArgosIdCheck/actions/submission/getAll.operation';

const { createServer, request: httpRequest } = http;
type IncomingMessage = import('http').IncomingMessage;
type ServerResponse = import('http').ServerResponse;
type Socket = import('net').Socket;

let sb: Sandbox;
const runs: EngineRun[] = [];
const run = idRunner(runs, () => sb);
const ids = () => sb.idcheck;

interface Seen {
	method: string;
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

/** A loopback server; `handler` answers each request (after its body arrived). */
async function localServer(handler: (req: IncomingMessage, res: ServerResponse, body: string, seen: Seen) => void): Promise<Local> {
	const seen: Seen[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			const entry = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers };
			seen.push(entry);
			handler(req, res, Buffer.concat(chunks).toString('utf8'), entry);
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

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8', headers: Record<string, string> = {}) {
	const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	res.writeHead(status, { 'content-type': type, 'content-length': String(bytes.length), ...headers });
	res.end(bytes);
}

/** Passes a request to the sandbox; resolves with its answer. */
function forward(req: IncomingMessage, body: string): Promise<{ status: number; type: string; bytes: Buffer }> {
	const target = new URL(sb.url);
	return new Promise((resolve, reject) => {
		const out = httpRequest(
			{ host: '127.0.0.1', port: Number(target.port), method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'content-length': String(Buffer.byteLength(body)) } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), bytes: Buffer.concat(chunks) }));
				res.on('error', reject);
			},
		);
		out.on('error', reject);
		out.end(body);
	});
}

/**
 * A proxy in front of the sandbox: `intercept` may answer a request itself (return true when it did);
 * everything else is forwarded and answered as the sandbox answered.
 */
async function proxy(intercept: (req: IncomingMessage, res: ServerResponse, body: string, seen: Seen, nth: number) => boolean | Promise<boolean>): Promise<Local> {
	const counts = new Map<string, number>();
	return await localServer((req, res, body, seen) => {
		const k = `${seen.method} ${seen.path}`;
		counts.set(k, (counts.get(k) ?? 0) + 1);
		void Promise.resolve(intercept(req, res, body, seen, counts.get(k)!)).then(async (done) => {
			if (done) return;
			const answer = await forward(req, body).catch(() => undefined);
			if (answer) send(res, answer.status, answer.bytes, answer.type);
			else res.socket?.destroy();
		});
	});
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
	expect(runs.length).toBeGreaterThan(0);
	for (const r of runs) {
		expect(r.serialized).not.toContain(sb.idcheck.apiKey);
		expect(r.logs.join('\n')).not.toContain(sb.idcheck.apiKey);
	}
});

const fast = { maxRetries: 2, timeout: 5 };
const get = (submissionId: string, extra: IDataObject = {}) => ({ operation: 'get', submissionId, options: fast, ...extra });
const review = (submissionId: string, extra: IDataObject = {}) => ({ operation: 'review', submissionId, admin: ids().admin, decision: 'approved', options: fast, ...extra });

describe('answers cut off or lost', () => {
	it('a read whose body is cut off mid-JSON: retried, then Success', async () => {
		sb.addFaults({ match: { method: 'GET', path: '/v3/submission' }, action: 'cut', count: 1 });
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)));
		expect(idOutputs(r).success[0].json).toMatchObject({ submissionId: ids().approvedSubmissionId });
		expect(requestsTo(sb, '/v3/submission', 'GET')).toHaveLength(2);
		expect(requestsTo(sb, '/v3/submission', 'GET')[0].fault?.action).toBe('cut');
	});

	it('an image whose body is cut off: retried, then Success with the file', async () => {
		sb.addFaults({ match: { method: 'GET', path: '/v3/image' }, action: 'cut', count: 1 });
		const r = await run(idWorkflow(get(ids().approvedSubmissionId, { downloadImages: true })));
		expect(Object.keys(idOutputs(r).success[0].binary ?? {}).sort()).toEqual(['idBack', 'idFront', 'selfie']);
		expect(requestsTo(sb, '/v3/image')).toHaveLength(4);
	});

	it('a PATCH cut off after ARGOS did it: Failed with outcomeUnknown, the PATCH sent once', async () => {
		sb.addFaults({ match: { method: 'PATCH', path: '/v3/submission' }, action: 'cut', when: 'after', count: -1 });
		const r = await run(idWorkflow({ operation: 'update', submissionId: ids().approvedSubmissionId, admin: ids().admin, kycStatus: 'rejected', options: fast }));
		const { success, failed } = idOutputs(r);
		expect(success).toEqual([]);
		expect(errorOf(failed[0])).toMatchObject({ outcomeUnknown: true, attempts: 1 });
		expect(String(errorOf(failed[0]).description)).toMatch(/may have been changed/);
		expect(requestsTo(sb, '/v3/submission', 'PATCH')).toHaveLength(1);
		expect(ids().submission(ids().approvedSubmissionId)!.status).toBe('rejected');
	});

	it('a PATCH answered 502: not repeated either', async () => {
		sb.addFaults({ match: { method: 'PATCH', path: '/v3/submission' }, action: 'status', status: 502, count: -1 });
		const r = await run(idWorkflow({ operation: 'update', submissionId: ids().approvedSubmissionId, admin: ids().admin, fields: { fullName: 'X Y' }, options: fast }));
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ outcomeUnknown: true });
		expect(requestsTo(sb, '/v3/submission', 'PATCH')).toHaveLength(1);
	});

	it('a review whose answer is lost after ARGOS did it: Success with confirmedAfterLostAnswer, sent once', async () => {
		sb.addFaults({ match: { method: 'POST', path: '/v3/submission/review' }, action: 'cut', when: 'after', count: -1 });
		const r = await run(idWorkflow(review(ids().pendingSubmissionId, { decision: 'rejected', comment: 'blurry' })));
		expect(idOutputs(r).success[0].json).toMatchObject({ reviewed: true, status: 'rejected', confirmedAfterLostAnswer: true });
		expect(requestsTo(sb, '/v3/submission/review')).toHaveLength(1);
		expect(ids().submission(ids().pendingSubmissionId)!.status).toBe('rejected');
	});

	it('a review whose connection is reset before ARGOS did it: Failed with outcomeUnknown, sent once, still pending', async () => {
		sb.addFaults({ match: { method: 'POST', path: '/v3/submission/review' }, action: 'reset', when: 'before', count: -1 });
		const r = await run(idWorkflow(review(ids().pendingSubmissionId)));
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ outcomeUnknown: true });
		expect(requestsTo(sb, '/v3/submission/review')).toHaveLength(1);
		expect(ids().submission(ids().pendingSubmissionId)!.status).toBe('pending');
	});
});

describe('a Delete whose first answer was lost', () => {
	const notFound = { message: 'not Exist Submission Data', statusCode: 400 };

	it('the repeat says "not Exist Submission Data" and Get confirms it: Success with alreadyGone', async () => {
		const p = await proxy(async (req, res, body, seen, nth) => {
			if (seen.method !== 'DELETE') return false;
			if (nth === 1) {
				await forward(req, body); // ARGOS deletes; the answer is lost.
				res.socket?.destroy();
				return true;
			}
			send(res, 400, notFound);
			return true;
		});
		const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: ids().rejectedSubmissionId, options: fast }), { baseUrl: p.url });
		expect(idOutputs(r).success[0].json).toMatchObject({ deleted: true, alreadyGone: true, submissionId: ids().rejectedSubmissionId });
		expect(p.seen.map((s) => s.method)).toEqual(['DELETE', 'DELETE', 'GET']);
		expect(ids().submission(ids().rejectedSubmissionId)!.deleted).toBe(true);
	});

	it('the repeat says "not found" but Get still shows personal data: Failed SUBMISSION_DELETE_NOT_CONFIRMED, outcomeUnknown', async () => {
		const p = await proxy((_req, res, _body, seen, nth) => {
			if (seen.method !== 'DELETE') return false;
			if (nth === 1) res.socket?.destroy();
			else send(res, 400, notFound);
			return true;
		});
		const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: ids().rejectedSubmissionId, options: fast }), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'SUBMISSION_DELETE_NOT_CONFIRMED', outcomeUnknown: true });
		expect(ids().submission(ids().rejectedSubmissionId)!.deleted).toBeFalsy();
	});

	it('"not found" on the first attempt (nothing lost) stays SUBMISSION_NOT_FOUND, no Get', async () => {
		const r = await run(idWorkflow({ operation: 'deleteSubmission', submissionId: 'sub-nope-1', options: fast }));
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'SUBMISSION_NOT_FOUND', outcomeUnknown: false });
		expect(requestsTo(sb, '/v3/submission', 'GET')).toEqual([]);
	});
});

describe('a redirect', () => {
	it('3xx: REDIRECTED, and the key never reaches where it points', async () => {
		const target = await localServer((_req, res) => send(res, 200, { Items: [] }));
		const redirector = await localServer((_req, res) => send(res, 302, '', 'text/plain', { location: `${target.url}/v3/submission?x=1` }));
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)), { baseUrl: redirector.url });
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/redirect/i);
		expect(redirector.seen).toHaveLength(1);
		expect(target.seen).toEqual([]);
	});

	it('3xx after an item succeeded: the item goes to Failed with REDIRECTED, the other stays on Success', async () => {
		const target = await localServer((_req, res) => send(res, 200, { Items: [] }));
		const p = await proxy((_req, res, _body, seen) => {
			if (seen.query.get('submission_id') !== 'sub-redirect') return false;
			send(res, 301, '', 'text/plain', { location: `${target.url}/steal` });
			return true;
		});
		const r = await run(
			idWorkflow(get('={{ $json.id }}', { options: { ...fast, concurrency: 1 } }), [{ json: { id: ids().approvedSubmissionId } }, { json: { id: 'sub-redirect' } }]),
			{ baseUrl: p.url },
		);
		expect(r.status).toBe('success');
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'REDIRECTED' });
		expect(target.seen).toEqual([]);
		oneOutputEach(r, 2);
	});
});

describe('a server that never stops paging', () => {
	const item = (n: number) => ({ submission_id: `sub-loop-${n}`, created_at: '2026-01-01T00:00:00Z', kyc: { result: 'approved' } });

	it.each<[string, (page: number) => IDataObject, number]>([
		['always the same cursor', (page) => ({ Items: [item(page)], nextPage_key: { submission_id: 'same', created_at: '2026-01-01' } }), 2],
		['pages repeating the same items under new cursors', (page) => ({ Items: [item(1), item(2)], nextPage_key: { submission_id: `c${page}`, created_at: '2026-01-01' } }), 2],
		['always a new cursor and new items', (page) => ({ Items: [item(page)], LastEvaluatedKey: { submission_id: `c${page}` } }), MAX_PAGES],
	])('%s: LIST_NOT_ENDING, bounded requests', async (_label, page, requests) => {
		const stub = await localServer((_req, res, _body, seen) => send(res, 200, page(stub.seen.indexOf(seen) + 1)));
		const r = await run(idWorkflow({ operation: 'getAll', returnAll: true, options: fast }), { baseUrl: stub.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'LIST_NOT_ENDING' });
		expect(stub.seen).toHaveLength(requests);
	});
});

describe('answers of the wrong type never reach Success', () => {
	const stubbed = async (answer: (seen: Seen) => { status: number; body: unknown; type?: string } | undefined) =>
		await proxy((_req, res, _body, seen) => {
			const a = answer(seen);
			if (!a) return false;
			send(res, a.status, a.body, a.type);
			return true;
		});

	it.each<[string, unknown]>([
		['Items not an array', { Items: { submission_id: 'sub-approved-0001' } }],
		['Items holding strings', { Items: ['sub-approved-0001'] }],
		['no Items at all', { submissions: [] }],
	])('Get: %s → INVALID_RESPONSE', async (_label, body) => {
		const p = await stubbed((s) => (s.path === '/v3/submission' ? { status: 200, body } : undefined));
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'INVALID_RESPONSE' });
	});

	it('Get Many: Items holding strings → INVALID_RESPONSE', async () => {
		const p = await stubbed((s) => (s.path === '/v3/submission' ? { status: 200, body: { Items: ['a', 'b'] } } : undefined));
		const r = await run(idWorkflow({ operation: 'getAll', returnAll: true, options: fast }), { baseUrl: p.url });
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'INVALID_RESPONSE' });
	});

	it.each<[string, unknown]>([
		['an object', { submission_id: 'sub-approved-0001' }],
		['a list of strings', ['sub-approved-0001', 'sub-duplicate-0004']],
		['a number', 2],
	])('Find Duplicates: the applicant answer is %s → INVALID_RESPONSE', async (_label, body) => {
		const p = await stubbed((s) => (s.path === '/v3/submission/applicant' ? { status: 200, body } : undefined));
		const r = await run(idWorkflow({ operation: 'findDuplicates', applicantId: ids().approvedApplicantId, options: fast }), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'INVALID_RESPONSE' });
	});

	it.each<[string, { status: number; body: unknown; type?: string }, string[]]>([
		['an HTML page', { status: 200, body: '<html><body>Login</body></html>', type: 'text/html' }, ['SUBMISSION_IMAGE_UNREADABLE', 'INVALID_RESPONSE']],
		['a JSON object', { status: 200, body: { url: 'https://cdn.example/selfie.jpg' } }, ['INVALID_RESPONSE', 'SUBMISSION_IMAGE_UNREADABLE']],
		['garbage bytes', { status: 200, body: Buffer.from([0, 1, 2, 3, 254, 255, 7, 9]), type: 'image/jpeg' }, ['SUBMISSION_IMAGE_UNREADABLE']],
		['base64 of garbage', { status: 200, body: Buffer.from('not an image at all').toString('base64'), type: 'text/plain' }, ['SUBMISSION_IMAGE_UNREADABLE']],
	])('Get with images: the image endpoint answers %s → Failed, never Success', async (_label, answer, codes) => {
		const p = await stubbed((s) => (s.path === '/v3/image' ? answer : undefined));
		const r = await run(idWorkflow(get(ids().approvedSubmissionId, { downloadImages: true })), { baseUrl: p.url });
		expect(idOutputs(r).success).toEqual([]);
		expect(codes).toContain(errorOf(idOutputs(r).failed[0]).code);
		expect(String(errorOf(idOutputs(r).failed[0]).message)).not.toMatch(/undefined|\[object/);
	});

	it('an encrypted answer {"data": "…"}: ENCRYPTED_ANSWER, and the execution fails while nothing succeeded', async () => {
		const p = await stubbed((s) => (s.path === '/v3/submission' ? { status: 200, body: { data: 'U2FsdGVkX1+abcdefghijklmnop==' } } : undefined));
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)), { baseUrl: p.url });
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/encrypted/i);
	});

	it('an encrypted answer after an item succeeded: that item Failed with ENCRYPTED_ANSWER', async () => {
		const p = await stubbed((s) => (s.query.get('submission_id') === ids().pendingSubmissionId ? { status: 200, body: { data: 'U2FsdGVkX1+abc' } } : undefined));
		const r = await run(
			idWorkflow(get('={{ $json.id }}', { options: { ...fast, concurrency: 1 } }), [{ json: { id: ids().approvedSubmissionId } }, { json: { id: ids().pendingSubmissionId } }]),
			{ baseUrl: p.url },
		);
		expect(r.status).toBe('success');
		expect(errorOf(idOutputs(r).failed[0])).toMatchObject({ code: 'ENCRYPTED_ANSWER' });
		oneOutputEach(r, 2);
	});
});

describe('the key on errors', () => {
	const echo = (status: number) => localServer((req, res) => send(res, status, { message: `bad request from key ${String(req.headers['x-api-key'])}`, statusCode: status }));

	it('an error that echoes the key (400, the item Failed): the key is cut out of the item', async () => {
		const p = await echo(400);
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)), { baseUrl: p.url });
		expect(p.seen[0].headers['x-api-key']).toBe(ids().apiKey);
		const error = errorOf(idOutputs(r).failed[0]);
		expect(error.apiMessage).toBe('bad request from key [API key removed]');
		expect(r.serialized).not.toContain(ids().apiKey);
	});

	it('an error that echoes the key (403, the execution fails): the key is cut out of the execution\'s error', async () => {
		const p = await echo(403);
		const r = await run(idWorkflow(get(ids().approvedSubmissionId)), { baseUrl: p.url });
		expect(r.status).toBe('error');
		expect(r.serialized).toContain('[API key removed]');
		expect(r.serialized).not.toContain(ids().apiKey);
		expect(r.logs.join('\n')).not.toContain(ids().apiKey);
	});
});
