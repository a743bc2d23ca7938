/**
 * The node's promises against a server that lies (issue 7): an Add is never repeated when it may have
 * happened, reads and Delete retry, the key never follows a redirect or another node's URL, secrets in a
 * Base URL are never echoed, Get Many ends, and as an AI tool a failure reaches the agent.
 * Everything runs the built node in n8n-core's WorkflowExecute over real HTTP, against the sandbox or a
 * small misbehaving server written here (loopback, ephemeral ports, closed in afterEach/afterAll).
 */
import type { IDataObject, IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { http, setTimeout } from '../support/builtins';
import { callAsTool } from './agent';
import { argosWorkflow, errorOf, outputsOf, type FixtureItem } from './helpers';
import { requestWithAuthentication } from './legacyRequest';

const { createServer } = http;
type IncomingMessage = import('http').IncomingMessage;
type ServerResponse = import('http').ServerResponse;
type Server = import('http').Server;
type Socket = import('net').Socket;

interface Seen {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
}
interface Local {
	url: string;
	port: number;
	seen: Seen[];
	close(): Promise<void>;
}

const servers: Local[] = [];
/** A loopback server whose handler may misbehave; every request is recorded with its headers. */
async function localServer(handler: (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void): Promise<Local> {
	const seen: Seen[] = [];
	const sockets = new Set<Socket>();
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			handler(req, res, body, seen.length);
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	const local: Local = {
		url: `http://127.0.0.1:${port}`,
		port,
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

/** Sends the headers and part of the body, then cuts the connection. */
function cutOff(res: ServerResponse, status: number, chunked: boolean) {
	const text = '{"message":"success","faceId":"face_cut0123456789","metaFaceId":"meta_cut"}';
	res.writeHead(status, { 'content-type': 'application/json', ...(!chunked && { 'content-length': String(text.length) }) });
	res.write(text.slice(0, 20));
	setTimeout(() => res.socket?.destroy(), 30);
}

/** The API key of the test credential on the servers written here (made up). */
const TEST_CREDENTIAL = 'trust-test-key-4f1c9a';
let sb: Sandbox;
const runs: EngineRun[] = [];

async function run(workflow: WorkflowJson, options: RunOptions = {}, baseUrl = sb.url, apiKey = sb.apiKey): Promise<EngineRun> {
	const r = await engine.runWorkflow(workflow, { credentials: { argosFacesApi: { apiKey, baseUrl } }, binaryMode: 'default', ...options });
	runs.push(r);
	return r;
}

const person = (name: string, faceKey = name): FixtureItem => ({
	json: { name },
	binary: { data: { base64: sb.sampleImage({ faceKey }).toString('base64'), fileName: `${name}.jpg`, mimeType: 'image/jpeg' } },
});
const addParams = (collectionId: string, options: IDataObject = {}) => ({
	operation: 'add',
	collectionId,
	userName: '={{ $json.name }}',
	options: { concurrency: 1, ...options },
});
const facesIn = (collectionId: string) => sb.state().collections.find((c) => c.id === collectionId)!.faces;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
beforeEach(() => sb.reset());
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
	await sb.close();
	await engine.shutdown();
	for (const r of runs) {
		expect(r.serialized).not.toContain(sb.apiKey);
		expect(r.serialized).not.toContain(TEST_CREDENTIAL);
		expect(r.logs.join('\n')).not.toContain(sb.apiKey);
	}
});

describe('1. a response cut off after its headers is ambiguous: the Add is not repeated', () => {
	it.each<[string, number, boolean]>([
		['200, fixed content-length', 200, false],
		['200, chunked', 200, true],
		['500, fixed content-length', 500, false],
		['500, chunked', 500, true],
	])('%s: 1 POST, Failed with outcomeUnknown', async (_label, status, chunked) => {
		const server = await localServer((_req, res) => cutOff(res, status, chunked));
		const r = await run(argosWorkflow(addParams('col_x', { maxRetries: 3 }), [person('ann')]), {}, server.url, TEST_CREDENTIAL);
		const { success, failed } = outputsOf(r);
		expect(server.seen.filter((s) => s.method === 'POST')).toHaveLength(1);
		expect(success).toEqual([]);
		expect(errorOf(failed[0])).toMatchObject({ outcomeUnknown: true, attempts: 1 });
		expect(errorOf(failed[0]).description).toMatch(/may have been added anyway/);
	});

	it('a read cut off the same way is repeated (Get Many)', async () => {
		const server = await localServer((_req, res, _body, n) => {
			if (n === 1) cutOff(res, 200, true);
			else {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: 'success', result: [{ face_id: 'face_aaaaaaaa', user_name: 'ann' }], totalCount: '1' }));
			}
		});
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: 'col_x', returnAll: true }, [{}]), {}, server.url, TEST_CREDENTIAL);
		expect(outputsOf(r).success.map((i) => i.json.faceId)).toEqual(['face_aaaaaaaa']);
		expect(server.seen).toHaveLength(2);
	});
});

describe('2. cancelling while an Add is in flight', () => {
	it('the Add in flight is outcomeUnknown with advice to search; the item never started is a plain CANCELLED', async () => {
		// The server takes the Add and answers after 600 ms, as a slow ARGOS that stores the face anyway;
		// the execution is cancelled 100 ms after the request arrived (not on a fixed clock: the machine may be slow).
		let arrived: () => void = () => undefined;
		const cancelOn = new Promise<void>((resolve) => (arrived = resolve)).then(() => new Promise((resolve) => setTimeout(resolve, 100)));
		const server = await localServer((_req, res) => {
			arrived();
			setTimeout(() => {
				if (res.writable) res.end(JSON.stringify({ message: 'success', faceId: 'face_stored000001', metaFaceId: 'meta_1' }));
			}, 600);
		});
		const r = await run(argosWorkflow(addParams('col_x'), [person('ann'), person('bo')]), { cancelOn }, server.url, TEST_CREDENTIAL);
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed.map(errorOf)).toMatchObject([
			{ code: 'CANCELLED', outcomeUnknown: true, attempts: 1 },
			{ code: 'CANCELLED', outcomeUnknown: false },
		]);
		expect(errorOf(failed[0]).description).toMatch(/may have been added anyway.*Get Many or Search/);
		expect(errorOf(failed[0]).description).not.toMatch(/Run the workflow again/);
		expect(errorOf(failed[1]).description).toMatch(/Run the workflow again/);
		expect(server.seen.map((s) => JSON.parse(s.body).userName)).toEqual(['ann']);
	});
});

describe('3. Skip If Already Enrolled: its search is a read and retries', () => {
	it('one 500 on the search is repeated, then the face is added', async () => {
		sb.addFaults({ match: { method: 'POST', path: '/modules/search' }, count: 1, action: 'status', status: 500 });
		const r = await run(argosWorkflow(addParams(sb.collections.demo, { skipIfAlreadyEnrolled: true }), [person('ann')]));
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		expect(success[0].json).toMatchObject({ userName: 'ann', alreadyEnrolled: false });
		expect(sb.requests().map((e) => [e.path, e.status])).toEqual([
			['/modules/search', 500],
			['/modules/search', 200],
			['/modules/faces', 200],
		]);
	});
});

describe('4. Delete is idempotent', () => {
	const del = (faceId: string, options: IDataObject = {}) =>
		argosWorkflow({ operation: 'deleteFace', collectionId: sb.collections.demo, faceId, options }, [{ json: {} }]);

	it('a 504 after the delete is repeated; "face not found" then means done: alreadyGone', async () => {
		const [face] = sb.addFaces(sb.collections.demo, 1);
		sb.addFaults({ match: { method: 'DELETE' }, count: 1, action: 'status', status: 504, when: 'after' });
		const r = await run(del(face.faceId));
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		// The third request is Get Many confirming that the face is no longer listed.
		expect(success[0].json).toEqual({ deleted: true, alreadyGone: true, faceId: face.faceId, collectionId: sb.collections.demo, attempts: 3 });
		expect(sb.requests().map((e) => [e.method, e.status, e.outcome, e.errorCode])).toEqual([
			['DELETE', 504, 'deleted', null],
			['DELETE', 400, 'rejected', 6022],
			['GET', 200, 'listed', null],
		]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});

	it('a face that never existed is still a Failed "face not found"', async () => {
		const r = await run(del('face_doesnotexist01'));
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 6022, outcomeUnknown: false, attempts: 1 });
	});

	it('lost answers until retries run out: outcomeUnknown in Delete\'s own words', async () => {
		const [face] = sb.addFaces(sb.collections.demo, 1);
		sb.addFaults({ match: { method: 'DELETE' }, count: -1, action: 'status', status: 504 });
		const r = await run(del(face.faceId, { maxRetries: 1 }));
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'SERVER_ERROR', outcomeUnknown: true, attempts: 2 });
		expect(error.description).toMatch(/may have been deleted/);
		expect(error.description).not.toMatch(/added|enrolled/);
	});

	it('a read that runs out of retries says that nothing changed', async () => {
		sb.addFaults({ match: { method: 'GET' }, count: -1, action: 'status', status: 502 });
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: true, options: { maxRetries: 1 } }, [{}]));
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ outcomeUnknown: false, attempts: 2 });
		expect(error.description).toMatch(/nothing in ARGOS was changed/);
		expect(error.description).not.toMatch(/added|deleted/);
	});
});

describe('5. Skip If Already Enrolled with search shape A (face ids only)', () => {
	it('the same person (the name ARGOS has for the match is this item\'s User Name) is returned, looked up by faceId', async () => {
		sb.setConfig({ searchShape: 'A' });
		const alice = outputsOf(await run(argosWorkflow(addParams(sb.collections.demo), [person('alice')]))).success[0].json;
		const r = await run(argosWorkflow(addParams(sb.collections.demo, { skipIfAlreadyEnrolled: true }), [person('alice', 'alice')]));
		const { image: photo, ...match } = outputsOf(r).success[0].json;
		expect(match).toEqual({ faceId: alice.faceId, collectionId: sb.collections.demo, userName: 'alice', alreadyEnrolled: true });
		expect(photo).toMatchObject({ fileName: 'alice.jpg' });
		expect(facesIn(sb.collections.demo).map((f) => f.userName)).toEqual(['alice']);
	});

	it('a match under another name is Failed, without that person\'s name or faceId, and nothing is added', async () => {
		sb.setConfig({ searchShape: 'A' });
		const alice = outputsOf(await run(argosWorkflow(addParams(sb.collections.demo), [person('alice')]))).success[0].json;
		const r = await run(argosWorkflow(addParams(sb.collections.demo, { skipIfAlreadyEnrolled: true }), [person('bob', 'alice')]));
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		const error = errorOf(failed[0]);
		expect(error).toMatchObject({ code: 'ENROLLED_UNDER_ANOTHER_NAME', outcomeUnknown: false });
		expect(JSON.stringify(error)).not.toContain('alice');
		expect(JSON.stringify(error)).not.toContain(String(alice.faceId));
		expect(facesIn(sb.collections.demo).map((f) => f.userName)).toEqual(['alice']);
	});

	it('when the name cannot be looked up, it is not taken for this person either: Failed, nothing added', async () => {
		sb.setConfig({ searchShape: 'A' });
		await run(argosWorkflow(addParams(sb.collections.demo), [person('alice')]));
		sb.addFaults({ match: { method: 'GET' }, count: -1, action: 'status', status: 500 });
		const r = await run(argosWorkflow(addParams(sb.collections.demo, { skipIfAlreadyEnrolled: true, maxRetries: 0 }), [person('alice', 'alice')]));
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'ENROLLED_UNDER_ANOTHER_NAME' });
		expect(facesIn(sb.collections.demo).map((f) => f.userName)).toEqual(['alice']);
	});
});

describe('6. redirects are never followed, so the key never goes along', () => {
	async function redirecting(firstAnswer?: IDataObject) {
		// The target stands for another machine: a different listener, reached by another name for loopback.
		const target = await localServer((_req, res) => res.end('{}'));
		const where = `http://[::ffff:127.0.0.1]:${target.port}/modules/faces?token=T0KEN`;
		const base = await localServer((_req, res, _body, n) => {
			if (firstAnswer && n === 1) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(firstAnswer));
			} else {
				res.writeHead(307, { location: where });
				res.end();
			}
		});
		return { base, target };
	}

	it('nothing succeeded yet: a fatal error naming where it pointed (without its query); the target receives nothing', async () => {
		const { base, target } = await redirecting();
		const r = await run(argosWorkflow(addParams('col_x'), [person('ann'), person('bo')]), {}, base.url, TEST_CREDENTIAL);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/redirect \(HTTP 307\) to http:\/\/\[::ffff:7f00:1\]:\d+\/modules\/faces$/);
		expect(r.serialized).not.toContain('T0KEN');
		expect(base.seen).toHaveLength(1);
		expect(base.seen[0].headers['x-api-key']).toBe(TEST_CREDENTIAL);
		expect(target.seen).toEqual([]);
	});

	it('after a success: the redirected item is Failed with REDIRECTED, the target still receives nothing', async () => {
		const { base, target } = await redirecting({ message: 'success', faceId: 'face_first000001', metaFaceId: 'meta_1' });
		const r = await run(argosWorkflow(addParams('col_x'), [person('ann'), person('bo')]), {}, base.url, TEST_CREDENTIAL);
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.faceId)).toEqual(['face_first000001']);
		expect(errorOf(failed[0])).toMatchObject({ code: 'REDIRECTED', httpStatus: 307, outcomeUnknown: false });
		expect(target.seen).toEqual([]);
	});
});

describe('7. the credential sends the key only to its Base URL (also when another node reuses it)', () => {
	/** A node that reuses the credential for a URL of its own choosing, as the HTTP Request node can. */
	class Reuser implements INodeType {
		description: INodeTypeDescription = {
			displayName: 'Reuser',
			name: 'reuser',
			group: ['transform'],
			version: 1,
			description: 'test',
			defaults: { name: 'Reuser' },
			usableAsTool: true,
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'argosFacesApi', required: true }],
			properties: [
				{ displayName: 'URL', name: 'url', type: 'string', default: '' },
				{ displayName: 'Legacy', name: 'legacy', type: 'boolean', default: false },
			],
		};
		async execute(this: IExecuteFunctions) {
			const url = this.getNodeParameter('url', 0) as string;
			// n8n has two helpers: the current one takes `url`, the older one (HTTP Request node) `uri`.
			const response = (this.getNodeParameter('legacy', 0) as boolean)
				? ((await requestWithAuthentication(this, 'argosFacesApi', { uri: url, json: true })) as IDataObject)
				: ((await this.helpers.httpRequestWithAuthentication.call(this, 'argosFacesApi', { url, json: true })) as IDataObject);
			return [[{ json: response }]];
		}
	}
	const reuse = (url: string, legacy = false): WorkflowJson => ({
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
			{ name: 'Reuser', type: 'probe.reuser', parameters: { url, legacy }, credentials: { argosFacesApi: { id: 'c', name: 'Argos' } } },
		],
		connections: { Start: { main: [[{ node: 'Reuser', type: 'main', index: 0 }]] } },
	});
	const options = { extraNodeTypes: { 'probe.reuser': new Reuser() } };

	it.each<[string, (other: Local, own: Local) => string]>([
		['the default https Base URL', () => 'https://idverify-api.argosidentity.com'],
		['a loopback Base URL on another port', (_other, own) => own.url],
		['the same host over https', (other) => `https://127.0.0.1:${other.port}`],
	])('with %s, a request to another origin carries no key (both request helpers)', async (_label, baseUrlOf) => {
		const other = await localServer((_req, res) => res.end('{"ok":true}'));
		const own = await localServer((_req, res) => res.end('{"ok":true}'));
		for (const legacy of [false, true]) {
			const r = await run(reuse(`${other.url}/steal`, legacy), options, baseUrlOf(other, own), TEST_CREDENTIAL);
			expect(r.status).toBe('success');
		}
		expect(other.seen).toHaveLength(2);
		expect(other.seen.map((s) => s.headers['x-api-key'])).toEqual([undefined, undefined]);
	});

	it('a request to the Base URL\'s own origin carries the key (the control, both request helpers)', async () => {
		const own = await localServer((_req, res) => res.end('{"ok":true}'));
		await run(reuse(`${own.url}/modules/faces`), options, `${own.url}/modules`, TEST_CREDENTIAL);
		await run(reuse(`${own.url}/modules/faces`, true), options, `${own.url}/modules`, TEST_CREDENTIAL);
		expect(own.seen.map((s) => s.headers['x-api-key'])).toEqual([TEST_CREDENTIAL, TEST_CREDENTIAL]);
	});
});

describe('8. secrets inside a Base URL are never echoed', () => {
	it.each([
		['plain http to another host', 'http://admin:S3CRET@proxy.example.com/?token=T0KEN#F4AG', /"http:\/\/proxy\.example\.com" uses plain http/],
		['not a URL at all', 'http://admin:S3CRET@proxy example.com/?token=T0KEN#F4AG', /"http:\/\/proxy example\.com\/" is not a valid URL/],
		['an unsupported scheme', 'ftp://admin:S3CRET@proxy.example.com/?token=T0KEN', /"ftp:\/\/proxy\.example\.com" is not a valid URL/],
		['no scheme (parses as scheme "admin:")', 'admin:S3CRET@proxy.example.com?token=T0KEN', /"proxy\.example\.com" is not a valid URL/],
	])('%s', async (_label, baseUrl, message) => {
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: 'col_x' }, [{}]), {}, baseUrl, TEST_CREDENTIAL);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(message);
		for (const secret of ['S3CRET', 'T0KEN', 'F4AG', 'admin']) expect(r.serialized).not.toContain(secret);
	});
});

describe('12. Get Many ends against a server that pages without end', () => {
	const faces = (from: number) => Array.from({ length: 50 }, (_, i) => ({ face_id: `face_${String(from + i).padStart(8, '0')}`, user_name: `u${from + i}` }));
	const listing = (answer: (page: number) => IDataObject) =>
		localServer((req, res) => {
			const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page'));
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'success', ...answer(page) }));
		});
	const getAll = (server: Local) => run(argosWorkflow({ operation: 'getAll', collectionId: 'col_x', returnAll: true }, [{}]), {}, server.url, TEST_CREDENTIAL);

	it.each<[string, (page: number) => IDataObject]>([
		['always the same 50 faces, no totalCount', () => ({ result: faces(0) })],
		['totalCount "1000000" and page ignored', () => ({ result: faces(0), totalCount: '1000000' })],
	])('%s: Failed after 2 requests, with a clear error', async (_label, answer) => {
		const server = await listing(answer);
		const { success, failed } = outputsOf(await getAll(server));
		expect(server.seen).toHaveLength(2);
		expect(success).toEqual([]);
		expect(errorOf(failed[0])).toMatchObject({ code: 'LIST_NOT_ENDING', message: 'Get Many stopped after 2 pages: page 2 repeated faces already listed' });
	});

	it('new faces on every page, no totalCount: stops at the hard cap of 1,000 pages', async () => {
		const server = await listing((page) => ({ result: faces(page * 50) }));
		const { success, failed } = outputsOf(await getAll(server));
		expect(server.seen).toHaveLength(1000);
		expect(success).toEqual([]);
		expect(errorOf(failed[0]).code).toBe('LIST_NOT_ENDING');
		expect(errorOf(failed[0]).message).toMatch(/more than 50000 faces/);
	}, 60000);

	it('never asks past what totalCount allows, and lists a face seen twice once', async () => {
		// Page 2 overlaps page 1 by one face (a face added meanwhile shifts the pages).
		const server = await listing((page) => ({ result: faces(page === 1 ? 0 : 49), totalCount: '100' }));
		const { success } = outputsOf(await getAll(server));
		expect(server.seen).toHaveLength(2);
		expect(success).toHaveLength(99);
	});
});

describe('15. as an AI-agent tool, n8n-core\'s own tool wrapping shows the agent a failure', () => {
	/**
	 * n8n's node loader registers `<type>Tool` for a usableAsTool node: the same execute, a description
	 * whose only output is ai_tool. The agent here does what n8n's agents do with a connected tool: it asks
	 * n8n-core for it (getInputConnectionData → createNodeAsTool/makeHandleToolInvocation) and invokes it.
	 */
	async function asTool(parameters: IDataObject, apiKey = sb.apiKey): Promise<{ tool: string; answer: unknown }> {
		return await callAsTool({ resource: 'face', ...parameters }, {}, async (wf, options) => await run(wf, options, sb.url, apiKey));
	}

	it('a Delete that fails with 6022 reaches the agent with code, message and what to do', async () => {
		const { tool, answer } = await asTool({ operation: 'deleteFace', collectionId: sb.collections.demo, faceId: 'face_doesnotexist01' });
		// The name n8n-core's createNodeAsTool gives a tool: the node's name made safe for an LLM.
		expect(tool).toBe('Argos_Faces');
		expect(answer).toHaveLength(1);
		const { error } = (answer as IDataObject[])[0] as { error: IDataObject };
		expect(error).toMatchObject({ code: 6022, httpStatus: expect.any(Number), outcomeUnknown: false });
		expect(error.message).toMatch(/^Face not found in this collection/);
		expect(error.description).toMatch(/Get Many lists the faces/);
	});

	it('a Delete that works reaches the agent as its result', async () => {
		const [face] = sb.addFaces(sb.collections.demo, 1);
		const { answer } = await asTool({ operation: 'deleteFace', collectionId: sb.collections.demo, faceId: face.faceId });
		expect(answer).toEqual([{ deleted: true, faceId: face.faceId, collectionId: sb.collections.demo }]);
	});

	it('a rejected key (fatal in a workflow) reaches the agent as data too, not as a thrown error', async () => {
		const { answer } = await asTool({ operation: 'getAll', collectionId: sb.collections.demo }, sb.disabledApiKey);
		expect((answer as Array<{ error: IDataObject }>).map((i) => i.error.code)).toEqual([6040]);
	});
});
