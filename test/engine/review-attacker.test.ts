/**
 * Adversarial review (branch review-attacker): an attacker after the ARGOS API key or internal hosts.
 *
 * Each describe block is one idea. The tests first written as "PROOF" (an attack that worked on the code
 * reviewed) now assert the fixed, safe behaviour and say so in their names; "HELD: …" asserts the safe
 * behaviour that was observed; "KNOWN LIMIT — …" asserts what the node deliberately still allows, with a
 * pointer to where the README says so. Nothing leaves loopback: the
 * tripwire (network.ts) stops any other connection before a DNS query, and every "public" or "internal" host is
 * played by a recording HTTP proxy on 127.0.0.1 that n8n's own environment-proxy support sends requests to.
 *
 * Proven on the reviewed code, fixed since: A (a node reusing the credential, and the credential's Test button,
 * followed a 3xx from the Base URL origin with x-api-key to any origin), C (as a tool, 168.63.129.16 — Azure
 * WireServer — was fetched), F (Allow Private Image Hosts from $fromAI was not refused).
 * Known limits: B (HTTP_PROXY without NO_PROXY: a loopback http Base URL sends the key in clear text to the
 * proxy), C (names that resolve to internal addresses: only N8N_SSRF_PROTECTION_ENABLED covers them).
 * Held: D, E, G, H and the rest of F.
 */
import { fs, http, path, process, setTimeout } from '../support/builtins';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { callAsTool } from './agent';
import { argosWorkflow, IMAGES, outputsOf } from './helpers';
import { requestWithAuthentication } from './legacyRequest';
import { installTripwire, type Tripwire } from './network';

const { createServer } = http;
const { readFileSync } = fs;
const { join } = path;
type IncomingHttpHeaders = import('http').IncomingHttpHeaders;
type IncomingMessage = import('http').IncomingMessage;
type Server = import('http').Server;
type ServerResponse = import('http').ServerResponse;
type AddressInfo = import('net').AddressInfo;
type Socket = import('net').Socket;

// The built credential, as n8n loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ArgosFacesApi, INSECURE_BASE_URL } = require('../../dist/credentials/ArgosFacesApi.credentials.js') as typeof import('../../credentials/ArgosFacesApi.credentials');

const TEST_CREDENTIAL = 'attacker-review-key-9d41c7';
const FACE = readFileSync(join(IMAGES, 'face.jpg'));

// ---------------------------------------------------------------------------------------------------------------
// Loopback stand-ins

interface Seen {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
}

interface Local {
	url: string;
	port: number;
	seen: Seen[];
	close(): Promise<void>;
}

const closers: Array<() => Promise<void>> = [];

async function listen(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
	const sockets = new Set<Socket>();
	server.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const close = () =>
		new Promise<void>((resolve) => {
			for (const s of sockets) s.destroy();
			server.close(() => resolve());
		});
	closers.push(close);
	return { port, close };
}

/** A loopback HTTP server that records every request with its headers. */
async function localServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Local> {
	const seen: Seen[] = [];
	const server = createServer((req, res) => {
		seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		req.resume();
		req.on('end', () => handler(req, res));
	});
	const { port, close } = await listen(server);
	return { url: `http://127.0.0.1:${port}`, port, seen, close };
}

interface RecordingProxy {
	url: string;
	/** Plain-http requests it received, in absolute form, with their headers. */
	seen: Seen[];
	/** CONNECT requests (https through the proxy), with their headers. */
	connects: Seen[];
	/** Answers plain-http requests; default 502. */
	answer: (url: URL, res: ServerResponse) => void;
}

/** An HTTP proxy on loopback that plays every other host. It never connects anywhere itself. */
async function recordingProxy(): Promise<RecordingProxy> {
	const proxy: RecordingProxy = {
		url: '',
		seen: [],
		connects: [],
		answer: (_url, res) => res.writeHead(502).end('no upstream'),
	};
	const server = createServer((req, res) => {
		proxy.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		req.resume();
		req.on('end', () => {
			let url: URL;
			try {
				url = new URL(req.url ?? '');
			} catch {
				res.writeHead(400).end();
				return;
			}
			proxy.answer(url, res);
		});
	});
	server.on('connect', (req: IncomingMessage, socket: Socket) => {
		proxy.connects.push({ method: 'CONNECT', url: req.url ?? '', headers: req.headers });
		socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
	});
	const { port } = await listen(server);
	proxy.url = `http://127.0.0.1:${port}`;
	return proxy;
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'] as const;

/** Sets the proxy environment as an administrator would; returns the undo. */
function proxyEnv(values: { http?: string; https?: string; noProxy?: string }): () => void {
	const saved = PROXY_VARIABLES.map((name) => [name, process.env[name]] as const);
	for (const name of PROXY_VARIABLES) delete process.env[name];
	if (values.http) process.env.HTTP_PROXY = process.env.http_proxy = values.http;
	if (values.https) process.env.HTTPS_PROXY = process.env.https_proxy = values.https;
	if (values.noProxy) process.env.NO_PROXY = process.env.no_proxy = values.noProxy;
	return () => {
		for (const [name, value] of saved) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Engine

let sb: Sandbox;
let wire: Tripwire;
const runs: EngineRun[] = [];

beforeAll(async () => {
	wire = installTripwire();
	sb = await startSandbox({ port: 0 });
});
beforeEach(() => {
	sb.reset();
	wire.clear();
});
afterEach(async () => {
	await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(async () => {
	wire.restore();
	await sb.close();
	await engine.shutdown();
});

async function run(workflow: WorkflowJson, options: RunOptions = {}, baseUrl = sb.url, apiKey = sb.apiKey): Promise<EngineRun> {
	const r = await engine.runWorkflow(workflow, { credentials: { argosFacesApi: { apiKey, baseUrl } }, binaryMode: 'default', ...options });
	runs.push(r);
	return r;
}

const liveness = (options: IDataObject = {}) => ({
	resource: 'faceLiveness',
	operation: 'check',
	imageSource: 'url',
	imageUrl: "={{ $fromAI('selfieUrl', 'https link to the applicant selfie', 'string') }}",
	options,
});
/** The agent, steered by injected text, passes this link. */
async function ask(selfieUrl: string, options: IDataObject = {}): Promise<IDataObject> {
	const { answer } = await callAsTool(liveness(options), { selfieUrl }, (wf, o) => run(wf, o));
	return (answer as IDataObject[])[0];
}
const errorIn = (item: IDataObject) => item.error as IDataObject;

/** A node that reuses the credential for a URL of its own choosing, as n8n's HTTP Request node can. */
class Reuser implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reuser',
		name: 'reuser',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Reuser' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'argosFacesApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Legacy', name: 'legacy', type: 'boolean', default: false },
		],
	};
	async execute(this: IExecuteFunctions) {
		const url = this.getNodeParameter('url', 0) as string;
		// The HTTP Request node (v3/v4) with "Predefined Credential Type" uses the legacy helper with
		// followRedirect on; the current helper follows redirects unless told not to.
		const response = (this.getNodeParameter('legacy', 0) as boolean)
			? ((await requestWithAuthentication(this, 'argosFacesApi', { method: 'GET', uri: url, json: true, followRedirect: true, followAllRedirects: true, maxRedirects: 21 })) as IDataObject)
			: ((await this.helpers.httpRequestWithAuthentication.call(this, 'argosFacesApi', { method: 'GET', url, json: true })) as IDataObject);
		return [[{ json: response ?? {} }]];
	}
}
const reuse = (url: string, legacy: boolean): WorkflowJson => ({
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
		{ name: 'Reuser', type: 'probe.reuser', parameters: { url, legacy }, credentials: { argosFacesApi: { id: 'c', name: 'Argos' } } },
	],
	connections: { Start: { main: [[{ node: 'Reuser', type: 'main', index: 0 }]] } },
});
const reuserOptions = { extraNodeTypes: { 'probe.reuser': new Reuser() } };

// ===============================================================================================================

describe('A. a node reusing the credential: a redirect from the Base URL origin is not followed with x-api-key', () => {
	// The credential's authenticate() adds the key only when the request's origin is the Base URL's. But it
	// is asked once, before the request: n8n (axios + follow-redirects) would then follow a 3xx and keep custom
	// headers such as x-api-key on a cross-origin hop (follow-redirects strips only Authorization, Cookie and
	// Proxy-Authorization). Whoever controls one response at the Base URL origin — an open redirect there,
	// a compromised or misconfigured reverse proxy used as Base URL — got the key at an origin of their choice.
	// Fixed: whenever it adds the key, authenticate() also turns redirects off (disableFollowRedirect,
	// followRedirect: false, followAllRedirects: false).
	it.each([
		['httpRequestWithAuthentication (current helper)', false],
		['requestWithAuthentication (legacy helper, the HTTP Request node)', true],
	])('%s: the redirect is now not followed, the key never reaches the other origin (the reusing node fails on the 302)', async (_label, legacy) => {
		const collector = await localServer((_req, res) => res.end('{}'));
		// "Another machine": another origin (other host name, other port) on loopback.
		const elsewhere = `http://localhost:${collector.port}/collect?via=redirect`;
		const base = await localServer((_req, res) => res.writeHead(302, { location: elsewhere }).end());
		const r = await run(reuse(`${base.url}/modules/faces?collectionId=x`, legacy), reuserOptions, base.url, TEST_CREDENTIAL);
		// The Base URL origin itself gets the key (that is what the credential is for) …
		expect(base.seen).toHaveLength(1);
		expect(base.seen[0].headers['x-api-key']).toBe(TEST_CREDENTIAL);
		// … the 3xx is the reusing node's answer, not a hop: nothing reaches the other origin.
		expect(r.status).toBe('error');
		expect(collector.seen).toEqual([]);
		expect(wire.attempts.filter((a) => a.endsWith(`:${collector.port}`))).toEqual([]);
	});

	it("the credential's own Test button (n8n-core's RoutingNode): now does not follow it, the key never reaches the other origin, and the test does not pass", async () => {
		const collector = await localServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"errorCode":6024}'));
		const base = await localServer((_req, res) => res.writeHead(302, { location: `http://localhost:${collector.port}/collect` }).end());
		const result = await engine.testCredential('argosFacesApi', { apiKey: TEST_CREDENTIAL, baseUrl: base.url });
		expect(base.seen[0].headers['x-api-key']).toBe(TEST_CREDENTIAL);
		expect(collector.seen).toEqual([]);
		expect(result.status).not.toBe('OK');
	});

	it('HELD: the node itself never follows it (control)', async () => {
		const collector = await localServer((_req, res) => res.end('{}'));
		const base = await localServer((_req, res) => res.writeHead(302, { location: `http://localhost:${collector.port}/collect` }).end());
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: 'col_x' }, [{}]), {}, base.url, TEST_CREDENTIAL);
		expect(r.error?.message).toMatch(/redirect \(HTTP 302\)/);
		expect(collector.seen).toEqual([]);
	});
});

describe('B. with HTTP_PROXY set, a loopback http Base URL sends the key in clear text to the proxy (known limit)', () => {
	// The credential allows plain http only "to this machine" (localhost, 127.x, [::1]) on the reasoning that the
	// key then never crosses a network. n8n routes plain-http requests through HTTP_PROXY, and proxy-from-env does
	// not exempt loopback unless NO_PROXY lists it: the request, x-api-key header included, goes in clear text to
	// the proxy host (in production a machine on the network; here a loopback stand-in).
	let proxy: RecordingProxy;
	let undo: () => void = () => undefined;
	beforeEach(async () => {
		proxy = await recordingProxy();
		proxy.answer = (_url, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"success","result":[],"totalCount":"0"}');
	});
	afterEach(() => undo());

	it.each(['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787'])(
		'KNOWN LIMIT — Base URL %s, HTTP_PROXY set, NO_PROXY unset: the proxy receives x-api-key over plain http',
		async (baseUrl) => {
			// Not fixed by design: n8n's proxy settings decide the route; the administrator must list loopback in
			// NO_PROXY. README "Install in n8n" (the Base URL rule) — NOTE: the README on this branch has no HTTP_PROXY/NO_PROXY warning yet.
			undo = proxyEnv({ http: proxy.url });
			const r = await run(argosWorkflow({ operation: 'getAll', collectionId: 'col_x', options: { maxRetries: 0 } }, [{}]), {}, baseUrl, TEST_CREDENTIAL);
			expect(r.status).toBe('success');
			expect(proxy.seen).toHaveLength(1);
			expect(proxy.seen[0].url).toMatch(new RegExp(`^${baseUrl.replace(/[[\]]/g, '\\$&')}/modules/faces\\?`));
			expect(proxy.seen[0].headers['x-api-key']).toBe(TEST_CREDENTIAL);
			// Only the proxy was connected to.
			expect(wire.attempts).toEqual([proxy.url.slice('http://'.length)]);
		},
	);

	// Not fixed by design, as above (README "Install in n8n"; no HTTP_PROXY/NO_PROXY warning there yet).
	it('KNOWN LIMIT — the credential test (Test button) does the same', async () => {
		undo = proxyEnv({ http: proxy.url });
		proxy.answer = (_url, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"errorCode":6024}');
		await engine.testCredential('argosFacesApi', { apiKey: TEST_CREDENTIAL, baseUrl: 'http://127.0.0.1:8787' });
		expect(proxy.seen.map((s) => s.headers['x-api-key'])).toEqual([TEST_CREDENTIAL]);
	});

	it('HELD: the default https Base URL goes through the proxy as a CONNECT tunnel: the proxy never sees the key', async () => {
		undo = proxyEnv({ http: proxy.url, https: proxy.url });
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: 'col_x', options: { maxRetries: 0 } }, [{}]), {}, 'https://idverify-api.argosidentity.com', TEST_CREDENTIAL);
		// The proxy refused the tunnel; https-proxy-agent hands its 403 on as the answer (ACCESS_DENIED, fatal).
		expect(r.error?.message).toBe('ARGOS refused access (HTTP 403)');
		expect(proxy.connects.map((c) => c.url)).toEqual(['idverify-api.argosidentity.com:443']);
		expect(JSON.stringify(proxy.connects)).not.toContain(TEST_CREDENTIAL);
		expect(proxy.seen).toEqual([]);
		expect(wire.stopped).toEqual([]);
		expect(r.serialized).not.toContain(TEST_CREDENTIAL);
	});

	it('HELD: with NO_PROXY=127.0.0.1,localhost the loopback Base URL is reached directly', async () => {
		undo = proxyEnv({ http: proxy.url, noProxy: '127.0.0.1,localhost' });
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo }, [{}]));
		expect(outputsOf(r).failed).toEqual([]);
		expect(proxy.seen).toEqual([]);
	});
});

describe('C. as a tool: internal addresses the host rule lets through', () => {
	let proxy: RecordingProxy;
	let undo: () => void = () => undefined;
	beforeEach(async () => {
		proxy = await recordingProxy();
		// The "internal" services answer as they would; the sandbox stays reachable directly.
		proxy.answer = (url, res) => {
			if (url.pathname === '/face.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(sb.sampleImage({ faceKey: 'internal' }));
			else if (url.pathname === '/closed') res.writeHead(404).end();
			else res.writeHead(200, { 'content-type': 'text/xml' }).end('<?xml version="1.0"?><Versions><Preferred><Version>2015-04-05</Version></Preferred></Versions>');
		};
		undo = proxyEnv({ http: proxy.url, noProxy: '127.0.0.1,localhost' });
	});
	afterEach(() => undo());

	it('Azure WireServer / HostGAPlugin (168.63.129.16), a platform-internal address in public space: now refused as metadata (IMAGE_URL_REFUSED), no connection', async () => {
		// 168.63.129.16 is reachable only from inside Azure (DHCP, DNS, health probes, WireServer and, on :32526,
		// the guest-agent plugin that hands out VM extension settings).
		const urls = ['http://168.63.129.16/?comp=versions', 'http://168.63.129.16:32526/vmSettings'];
		const answers: IDataObject[] = [];
		for (const url of urls) {
			wire.clear();
			answers.push(errorIn(await ask(url)));
			expect({ url, attempts: wire.attempts }).toEqual({ url, attempts: [] });
		}
		expect(proxy.seen).toEqual([]);
		for (const a of answers) expect(a).toMatchObject({ code: 'IMAGE_URL_REFUSED' });
	});

	// README "Image links from an agent" → "Not covered by the node": names resolving to private addresses; only N8N_SSRF_PROTECTION_ENABLED stops them.
	it('KNOWN LIMIT — dotted names that search domains complete are fetched — Kubernetes service.namespace, Consul', async () => {
		// With Kubernetes' resolv.conf (search <ns>.svc.cluster.local svc.cluster.local cluster.local, ndots:5)
		// "kubernetes.default" is the API server and "redis.prod" the redis of namespace prod.
		const urls = ['http://kubernetes.default/api', 'http://redis.prod:6379/', 'http://vault.service.consul:8200/v1/sys/health', 'http://db.test/'];
		for (const url of urls) await ask(url);
		expect(proxy.seen.map((s) => s.url)).toEqual(urls);
	});

	it('an internal image at 168.63.129.16: now refused (IMAGE_URL_REFUSED), not downloaded, nothing sent to ARGOS', async () => {
		const item = await ask('http://168.63.129.16/face.jpg');
		expect(item.passed).toBeUndefined();
		expect(errorIn(item)).toMatchObject({ code: 'IMAGE_URL_REFUSED' });
		expect(proxy.seen).toEqual([]);
		expect(sb.requests()).toEqual([]);
	});

	// README "Image links from an agent" → "Not covered by the node" (names resolving to private addresses).
	it('KNOWN LIMIT — an internal image behind a dotted name (kubernetes.default) is downloaded and sent to ARGOS, the result reaches the agent', async () => {
		const item = await ask('http://kubernetes.default/face.jpg');
		expect(item).toMatchObject({ passed: true, image: { source: 'url', host: 'kubernetes.default', format: 'JPEG' } });
		expect(sb.requests().map((e) => e.path)).toEqual(['/modules/liveness']);
	});

	// README "Image links from an agent": checks on a body that did arrive "reveal that something answered, but only for hosts that passed the check above".
	it('KNOWN LIMIT — the answer tells an open internal service (2xx) from a missing one — an oracle for names that pass', async () => {
		const open = errorIn(await ask('http://kubernetes.default/version'));
		const closed = errorIn(await ask('http://kubernetes.default/closed'));
		expect(open.code).toBe('IMAGE_UNSUPPORTED_FORMAT');
		expect(closed.code).toBe('IMAGE_DOWNLOAD_FAILED');
	});
});

describe('D. a redirect from an image host to the ARGOS Base URL carries no key', () => {
	let proxy: RecordingProxy;
	let undo: () => void = () => undefined;
	let base: Local;
	beforeEach(async () => {
		// The Base URL: records the image GET, and answers the liveness call as ARGOS.
		base = await localServer((req, res) => {
			if (req.method === 'GET') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(FACE);
			else res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"success","data":{"score":99}}');
		});
		proxy = await recordingProxy();
		proxy.answer = (url, res) => res.writeHead(302, { location: url.searchParams.get('to') ?? '' }).end('moved');
		undo = proxyEnv({ http: proxy.url, noProxy: '127.0.0.1,localhost' });
	});
	afterEach(() => undo());

	const imageGets = () => base.seen.filter((s) => s.method === 'GET');

	it('HELD: in a workflow, image URL on the Base URL origin, directly and through a public redirect', async () => {
		const direct = `${base.url}/modules/faces`;
		const viaRedirect = `http://images.example/r?to=${encodeURIComponent(`${base.url}/modules/faces`)}`;
		const parameters = { resource: 'faceLiveness', operation: 'check', imageSource: 'url', imageUrl: '={{ $json.url }}', options: { maxRetries: 0 } };
		const r = await run(argosWorkflow(parameters, [{ json: { url: direct } }, { json: { url: viaRedirect } }]), {}, base.url, TEST_CREDENTIAL);
		expect(r.status).toBe('success');
		expect(imageGets()).toHaveLength(2);
		for (const get of imageGets()) expect(get.headers['x-api-key']).toBeUndefined();
		// The liveness calls themselves carry it (control).
		expect(base.seen.filter((s) => s.method === 'POST').map((s) => s.headers['x-api-key'])).toEqual([TEST_CREDENTIAL, TEST_CREDENTIAL]);
	});

	it('HELD: as a tool with Allow Private Image Hosts on, the same', async () => {
		const { answer } = await callAsTool(
			liveness({ allowPrivateImageHosts: true }),
			{ selfieUrl: `http://images.example/r?to=${encodeURIComponent(`${base.url}/modules/faces`)}` },
			(wf, o) => run(wf, o, base.url, TEST_CREDENTIAL),
		);
		expect(answer).toHaveLength(1);
		expect(imageGets()).toHaveLength(1);
		expect(imageGets()[0].headers['x-api-key']).toBeUndefined();
	});
});

describe('E. URL-parser tricks as a tool: refused before any connection', () => {
	let proxy: RecordingProxy;
	let undo: () => void = () => undefined;
	beforeEach(async () => {
		proxy = await recordingProxy();
		proxy.answer = (_url, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(FACE);
		undo = proxyEnv({ http: proxy.url, noProxy: '127.0.0.1,localhost' });
	});
	afterEach(() => undo());

	const spellings = [
		'http://%31%32%37.0.0.1/',
		'http://127.000.000.001/',
		'http:127.0.0.1/',
		'http:/127.0.0.1/',
		'http:\\\\127.0.0.1\\face.jpg',
		'HTTP://LOCALHOST/',
		' http://127.0.0.1/ ',
		'http://127.0.0.1\t/',
		'http://loc\nalhost/',
		'http://①②⑦.0.0.1/',
		'http://127。0。0。1/',
		'http://0x7f000001/',
		'http://017700000001/',
		'http://127.0.0.1%2e/',
		'http://localhost%2e/',
		'http://localhost../',
		'http://LOCALHOST.LOCALDOMAIN/',
		'http://ip6-localhost/',
		'http://_gateway/',
		'http://[0::1]/',
		'http://[0:0:0:0:0:0:0:1]/',
		'http://[::127.0.0.1]/',
		'http://[::ffff:0:7f00:1]/',
		'http://[::ffff:7f00:1]/',
		'http://[2002:7f00:1::]/',
		'http://[2002:a9fe:a9fe::]/',
		'http://[64:ff9b::a9fe:a9fe]/',
		'http://[fd20:ce::254]/computeMetadata/v1/',
		'http://[fe80::a9fe:a9fe]/',
		'http://169.254.170.2/v2/credentials/',
		'http://host.docker.internal:2375/containers/json',
		'http://kubernetes.default.svc/',
		'http://kubernetes.default.svc.cluster.local/',
		'http://instance-data.ec2.internal/latest/meta-data/',
		'http://metadata/computeMetadata/v1/',
		'http://user:pw@[::1]:80@/',
	];

	it('HELD: every spelling is refused (or invalid); no connection at all, the proxy saw nothing', async () => {
		for (const url of spellings) {
			wire.clear();
			const error = errorIn(await ask(url));
			expect({ url, code: error.code }).toEqual({ url, code: expect.stringMatching(/^IMAGE_URL_(REFUSED|INVALID)$/) });
			expect({ url, attempts: wire.attempts }).toEqual({ url, attempts: [] });
		}
		expect(proxy.seen).toEqual([]);
	});

	it('HELD: "@", "\\\\", "#", "?" tricks: the host checked is the host connected to (public here), never 127.0.0.1', async () => {
		const tricks = [
			'http://images.example\\@127.0.0.1/face.jpg',
			'http://127.0.0.1:80@images.example/face.jpg',
			'http://127.0.0.1%40images.example/face.jpg',
			'http://images.example#@127.0.0.1/',
			'http://images.example?@127.0.0.1/',
			'http://images.example/%2F%2F127.0.0.1/',
		];
		for (const url of tricks) {
			wire.clear();
			proxy.seen.length = 0;
			const item = await ask(url);
			const error = item.error as IDataObject | undefined;
			if (error?.code === 'IMAGE_URL_REFUSED' || error?.code === 'IMAGE_URL_INVALID') {
				expect({ url, attempts: wire.attempts }).toEqual({ url, attempts: [] });
				continue;
			}
			// Fetched: only through the proxy, and for images.example.
			expect({ url, attempts: wire.attempts.filter((a) => a !== `127.0.0.1:${sb.port}`) }).toEqual({ url, attempts: [proxy.url.slice(7)] });
			expect({ url, hosts: proxy.seen.map((s) => new URL(s.url).hostname) }).toEqual({ url, hosts: ['images.example'] });
		}
	});

	it('HELD: a public redirect whose Location uses the same tricks is refused at that hop', async () => {
		const locations = ['//127.0.0.1/', '\\\\127.0.0.1/', '/\\127.0.0.1/', 'http:127.0.0.1/', 'http://%31%32%37.1/', ' http://[::ffff:7f00:1]/ ', 'http://0/', 'HTTP://LOCALHOST./'];
		proxy.answer = (url, res) => {
			if (url.pathname === '/r') res.writeHead(301, { location: url.searchParams.get('to') ?? '' }).end('body of the 3xx');
			else res.writeHead(200, { 'content-type': 'image/jpeg' }).end(FACE);
		};
		for (const location of locations) {
			wire.clear();
			proxy.seen.length = 0;
			const item = await ask(`http://images.example/r?to=${encodeURIComponent(location)}`);
			const hosts = proxy.seen.map((s) => new URL(s.url).hostname);
			// Only the proxy is ever connected to (besides the sandbox for a fetched image).
			expect({ location, attempts: wire.attempts.filter((a) => a !== `127.0.0.1:${sb.port}`).every((a) => a === proxy.url.slice(7)) }).toEqual({ location, attempts: true });
			if (location === 'http:127.0.0.1/') {
				// Same scheme as the base, so WHATWG (and browsers) read it as a relative path: images.example/127.0.0.1/.
				expect({ location, hosts, ok: item.passed }).toEqual({ location, hosts: ['images.example', 'images.example'], ok: true });
				continue;
			}
			expect({ location, code: errorIn(item).code }).toEqual({ location, code: 'IMAGE_URL_REFUSED' });
			expect({ location, hosts }).toEqual({ location, hosts: ['images.example'] });
		}
	});
});

describe('F. what the agent fills in is data, not an expression', () => {
	it('HELD: a $fromAI value that looks like an n8n expression is not evaluated (no option flip, no credential read)', async () => {
		const values = [
			"={{ 'http://127.0.0.1:' + 9 + '/x' }}",
			'={{ $credentials.apiKey }}',
			'{{ $credentials.apiKey }}',
			"http://{{ '127.0.0.1' }}/face.jpg",
		];
		for (const value of values) {
			wire.clear();
			const item = await ask(value);
			expect({ value, code: errorIn(item).code }).toEqual({ value, code: expect.stringMatching(/^IMAGE_URL_(INVALID|REFUSED)$/) });
			expect(wire.attempts).toEqual([]);
			expect(JSON.stringify(item)).not.toContain(sb.apiKey);
		}
	});

	it('HELD: the agent is asked for the link only (Allow Private Image Hosts is not an argument)', async () => {
		const { arguments: args } = await callAsTool(liveness(), { selfieUrl: 'http://127.0.0.1/' }, (wf, o) => run(wf, o));
		expect(args).toEqual(['selfieUrl']);
	});

	it('Allow Private Image Hosts from $fromAI (the misconfiguration the README warns against): now Failed with PARAMETER_INVALID, loopback never opened', async () => {
		// n8n's "let the model define this parameter" button writes exactly this; the node now refuses it.
		const target = await localServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('internal admin page'));
		const parameters = liveness({ allowPrivateImageHosts: "={{ $fromAI('allowPrivateImageHosts', 'allow private hosts', 'boolean') }}" });
		const { arguments: args, answer } = await callAsTool(parameters, { selfieUrl: `${target.url}/admin`, allowPrivateImageHosts: true }, (wf, o) => run(wf, o));
		// n8n still asks the model for it (the expression is there); the node does not take the answer.
		expect(args).toEqual(['allowPrivateImageHosts', 'selfieUrl']);
		expect(target.seen).toEqual([]);
		expect((answer as IDataObject[])[0].error).toMatchObject({ code: 'PARAMETER_INVALID' });
		expect(sb.requests()).toEqual([]);
	});
});

describe('G. the key in run data or logs when a reusing node fails', () => {
	it.each([
		['current helper', false],
		['legacy helper (HTTP Request node)', true],
	])('HELD (%s): a 500 from the Base URL fails the run; the key is not in the run data nor the logs', async (_label, legacy) => {
		const base = await localServer((_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"boom"}'));
		const r = await run(reuse(`${base.url}/modules/faces`, legacy), reuserOptions, base.url, TEST_CREDENTIAL);
		expect(r.status).toBe('error');
		expect(base.seen[0].headers['x-api-key']).toBe(TEST_CREDENTIAL);
		expect(r.serialized).not.toContain(TEST_CREDENTIAL);
		expect(r.logs.join('\n')).not.toContain(TEST_CREDENTIAL);
	});

	it('HELD: the node\'s own failures (connection refused, reset, 500, redirect, cut body) never carry the key', async () => {
		const dead = await localServer((_req, res) => res.end());
		await dead.close();
		const answers: Array<(req: IncomingMessage, res: ServerResponse) => void> = [
			(_req, res) => res.writeHead(500).end('{"message":"x-api-key was ' + 'nope' + '"}'),
			(req, res) => res.socket?.destroy(),
			(_req, res) => res.writeHead(307, { location: 'http://localhost:1/?k=1' }).end(),
			(_req, res) => {
				res.writeHead(200, { 'content-length': '100' });
				res.write('{"message"');
				setTimeout(() => res.socket?.destroy(), 20);
			},
		];
		const bases = [dead.url];
		for (const answer of answers) bases.push((await localServer(answer)).url);
		for (const baseUrl of bases) {
			for (const asTool of [false, true]) {
				if (asTool) {
					const { run: r } = await callAsTool({ resource: 'face', operation: 'getAll', collectionId: 'col_x', options: { maxRetries: 0 } }, {}, (wf, o) => run(wf, o, baseUrl, TEST_CREDENTIAL));
					expect(r.serialized).not.toContain(TEST_CREDENTIAL);
					expect(r.logs.join('\n')).not.toContain(TEST_CREDENTIAL);
				} else {
					const r = await run(argosWorkflow({ operation: 'getAll', collectionId: 'col_x', options: { maxRetries: 0 } }, [{}]), {}, baseUrl, TEST_CREDENTIAL);
					expect(r.serialized).not.toContain(TEST_CREDENTIAL);
					expect(r.logs.join('\n')).not.toContain(TEST_CREDENTIAL);
				}
			}
		}
	});
});

describe('H. the credential\'s origin check (authenticate, as n8n calls it)', () => {
	const credential = new ArgosFacesApi();
	const authenticate = credential.authenticate as unknown as (c: IDataObject, o: IHttpRequestOptions & { uri?: string }) => Promise<IHttpRequestOptions>;
	const keyOf = async (baseUrl: string, options: IHttpRequestOptions & { uri?: string }) =>
		((await authenticate({ apiKey: TEST_CREDENTIAL, baseUrl }, options)).headers as IDataObject | undefined)?.['x-api-key'];

	// A plain-http Base URL to another machine, asked for its own origin: the credential now throws its reason
	// (INSECURE_BASE_URL) instead of sending the request without the key — either way, no key.
	it.each<[string, string]>([
		['http://localhost@evil.example', 'http://evil.example/modules/faces'],
		['http://127.0.0.1.evil.example', 'http://127.0.0.1.evil.example/modules/faces'],
		['http://[::1]@evil.example', 'http://evil.example/modules/faces'],
		['http://localhost.', 'http://localhost./modules/faces'],
		['http://localhost%2F@evil.example', 'http://evil.example/modules/faces'],
		['http://evil.example', 'http://evil.example/modules/faces'],
	])('HELD: Base URL %s, request to %s: no key (refused with the plain-http reason)', async (baseUrl, url) => {
		await expect(authenticate({ apiKey: TEST_CREDENTIAL, baseUrl }, { url })).rejects.toThrow(INSECURE_BASE_URL);
	});

	it.each<[string, string]>([
		['javascript:alert(1)//localhost', 'http://localhost/'],
		['', 'http://idverify-api.argosidentity.com/modules/faces'],
	])('HELD: Base URL %s, request to %s: no key', async (baseUrl, url) => {
		expect(await keyOf(baseUrl, { url })).toBeUndefined();
	});

	it.each<[string, IHttpRequestOptions & { uri?: string }]>([
		['scheme-relative url', { url: '//evil.example/modules/faces', baseURL: 'https://idverify-api.argosidentity.com' }],
		['backslash url', { url: '/\\evil.example/modules/faces', baseURL: 'https://idverify-api.argosidentity.com' }],
		['userinfo', { url: 'https://idverify-api.argosidentity.com@evil.example/modules/faces' }],
		['url wins over uri (n8n reads url first too)', { url: 'https://evil.example/', uri: 'https://idverify-api.argosidentity.com/' }],
		['http to the https origin', { url: 'http://idverify-api.argosidentity.com/modules/faces' }],
		['other port', { url: 'https://idverify-api.argosidentity.com:8443/modules/faces' }],
	])('HELD: default Base URL, %s: no key', async (_label, options) => {
		expect(await keyOf('https://idverify-api.argosidentity.com', options)).toBeUndefined();
	});

	// README "Install in n8n" → "Not protected: what another node does with a request to the Base URL's own origin".
	it('KNOWN LIMIT — the key is added whatever the request does with it on the way (a custom proxy, TLS checks off); but never with redirects on', async () => {
		// A reusing HTTP Request node with "Ignore SSL Issues" or its own Proxy option still gets the key: the
		// origin is right, the channel is not. Not reachable by an agent unless the workflow exposes those options.
		const to = 'https://idverify-api.argosidentity.com/modules/faces';
		expect(await keyOf('https://idverify-api.argosidentity.com', { url: to, skipSslCertificateValidation: true })).toBe(TEST_CREDENTIAL);
		expect(await keyOf('https://idverify-api.argosidentity.com', { url: to, proxy: { host: 'proxy.evil.example', port: 8080, protocol: 'http' } })).toBe(TEST_CREDENTIAL);
		expect(await keyOf('http://127.0.0.1:8787', { url: 'http://127.0.0.1:8787/modules/faces', proxy: { host: 'proxy.evil.example', port: 8080, protocol: 'http' } })).toBe(TEST_CREDENTIAL);
		// The redirect of block A (was: nothing in the options kept n8n from following a 3xx with the key): now
		// every request that carries the key has redirects off, for both of n8n's request helpers, whatever the caller asked.
		const asked = { url: to, followRedirect: true, followAllRedirects: true, disableFollowRedirect: false } as IHttpRequestOptions;
		const out = (await authenticate({ apiKey: TEST_CREDENTIAL, baseUrl: 'https://idverify-api.argosidentity.com' }, asked)) as IHttpRequestOptions & IDataObject;
		expect((out.headers as IDataObject)['x-api-key']).toBe(TEST_CREDENTIAL);
		expect(out).toMatchObject({ disableFollowRedirect: true, followRedirect: false, followAllRedirects: false });
	});
});

afterAll(() => {
	// The standing rule for everything this file ran through the node itself (blocks A/B/G excepted where the
	// key is shown to reach a server, never the run data).
	for (const r of runs) expect(r.serialized).not.toContain(sb.apiKey);
});
