/**
 * Self-test of the in-process engine harness (test/harness/engine.js), independent of the Argos node:
 * a probe node type defined here, stand-in nodes, a local HTTP server on port 0.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as engine from '../harness/engine';
import type { WorkflowJson } from '../harness/engine';
import { console, fs, http, os, path, process } from '../support/builtins';

// --- fixtures -------------------------------------------------------------------------------------------------------

/** A real 1x1 PNG (67 bytes). */
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489' +
		'0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
	'hex',
);
/** JPEG-looking bytes (SOI + JFIF APP0 + filler + EOI) — the probe only checks size and magic bytes. */
const JPEG = Buffer.concat([
	Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
	Buffer.alloc(300, 0x42),
	Buffer.from('ffd9', 'hex'),
]);

// --- probe node: reads binary through the helpers and reports what it got ---------------------------------------

class Probe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'readImage',
		group: ['transform'],
		version: 1,
		description: 'Harness self-test probe',
		defaults: { name: 'Probe' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'probeApi', required: false }, { name: 'probeFnApi', required: false }],
		properties: [
			{ displayName: 'Binary Property', name: 'binaryPropertyName', type: 'string', default: 'data' },
			{ displayName: 'Label', name: 'label', type: 'string', default: '' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: 'probeApi' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const label = this.getNodeParameter('label', i) as string;
			const url = this.getNodeParameter('url', i) as string;
			if (url) {
				const credentialType = this.getNodeParameter('credentialType', i) as string;
				const options: IHttpRequestOptions = { url, method: 'GET', json: true };
				const response = await this.helpers.httpRequestWithAuthentication.call(this, credentialType, options);
				out.push({ json: { label, response }, pairedItem: { item: i } });
				continue;
			}
			const prop = this.getNodeParameter('binaryPropertyName', i) as string;
			if (!items[i].binary?.[prop]) {
				out.push({ json: { label, noBinary: true }, pairedItem: { item: i } });
				continue;
			}
			const binary = this.helpers.assertBinaryData(i, prop);
			const buffer = await this.helpers.getBinaryDataBuffer(i, prop);
			out.push({
				json: {
					label,
					bytes: buffer.length,
					magic: buffer.subarray(0, 4).toString('hex'),
					hasId: Boolean(binary.id),
					id: binary.id ?? null,
					dataField: binary.data.slice(0, 16),
					fileName: binary.fileName ?? null,
					mimeType: binary.mimeType,
				},
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

// --- probe credentials ------------------------------------------------------------------------------------------

const probeApi: ICredentialType = {
	name: 'probeApi',
	displayName: 'Probe API',
	properties: [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu-default' },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: {
				// a FULL expression, not just {{$credentials.x}}
				'x-api-key':
					'={{ $credentials.baseUrl.startsWith("https://") ? "tls:" + $credentials.apiKey : "plain:" + $credentials.apiKey }}',
				'x-static': 'static-value',
			},
			qs: { region: '={{ $credentials.region.toUpperCase() }}' },
		},
	},
	test: {
		request: {
			baseURL: '={{ $credentials.baseUrl }}',
			url: '/v1/check',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'errorCode', value: 6039, message: 'Invalid API key' } },
			{ type: 'responseSuccessBody', properties: { key: 'errorCode', value: 6040, message: 'API key expired' } },
		],
	},
};

/** Same check endpoint, classic design: HTTP errors throw, a responseCode rule for 403. Function-form authenticate. */
const probeFnApi: ICredentialType = {
	name: 'probeFnApi',
	displayName: 'Probe API (function auth)',
	properties: [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	],
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), 'x-api-key': `fn:${credentials.apiKey as string}` },
		};
	},
	test: {
		request: { baseURL: '={{ $credentials.baseUrl }}', url: '/v1/check', method: 'GET' },
		rules: [{ type: 'responseCode', properties: { value: 403, message: 'Forbidden by rule' } }],
	},
};

// --- local API server -----------------------------------------------------------------------------------------

let server: import('http').Server;
let baseUrl = '';
const seenRequests: Array<{ url: string; headers: import('http').IncomingHttpHeaders }> = [];

function startServer(): Promise<void> {
	server = http.createServer((req, res) => {
		seenRequests.push({ url: req.url ?? '', headers: req.headers });
		const key = String(req.headers['x-api-key'] ?? '');
		const json = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if ((req.url ?? '').startsWith('/v1/check')) {
			if (key.endsWith(':good')) return json(200, { ok: true, errorCode: 0 });
			if (key.endsWith(':wrong')) return json(403, { errorCode: 6039, message: 'API key invalid' });
			if (key.endsWith(':expired')) return json(403, { errorCode: 6040, message: 'API key expired' });
			if (key.endsWith(':other')) return json(400, { errorCode: 1234, message: 'missing image' });
			res.writeHead(404, { 'content-type': 'text/html' });
			return res.end('<html><body>Not here</body></html>');
		}
		if ((req.url ?? '').startsWith('/secret-401')) return json(401, { message: 'denied' });
		return json(200, { url: req.url, apiKey: key, static: req.headers['x-static'] ?? null });
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			baseUrl = `http://127.0.0.1:${(server.address() as import('net').AddressInfo).port}`;
			resolve();
		}),
	);
}

// --- helpers ------------------------------------------------------------------------------------------------------

const extra = {
	extraNodeTypes: { 'probe.readImage': new Probe() },
	extraCredentialTypes: { probeApi, probeFnApi },
};

function chain(nodes: WorkflowJson['nodes'], name = 'harness self-test'): WorkflowJson {
	const connections: NonNullable<WorkflowJson['connections']> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

const trigger = { name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };

function fixtureNode(items: unknown[]) {
	return { name: 'Fixture', type: 'argosTest.fixtureItems', typeVersion: 1, parameters: { items: JSON.stringify(items) } };
}

function probeNode(parameters: Record<string, unknown> = {}, extraFields: Record<string, unknown> = {}) {
	return { name: 'Probe', type: 'probe.readImage', typeVersion: 1, parameters, ...extraFields };
}

const json = (run: engine.EngineRun, node: string) => (run.outputs(node)[0] ?? []).map((i) => i.json);

let tmpDir: string;

beforeAll(async () => {
	tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-harness-test-'));
	fs.writeFileSync(path.join(tmpDir, 'face-a.png'), PNG);
	fs.writeFileSync(path.join(tmpDir, 'face-b.jpg'), JPEG);
	fs.writeFileSync(path.join(tmpDir, 'notes.txt'), 'not an image');
	fs.writeFileSync(path.join(tmpDir, '.hidden.png'), PNG);
	await startServer();
});

afterAll(async () => {
	await engine.shutdown();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	fs.rmSync(tmpDir, { recursive: true, force: true });
	expect(fs.existsSync(engine.USER_FOLDER)).toBe(false);
});

// --- tests ----------------------------------------------------------------------------------------------------------

describe('engine harness: binary data modes', () => {
	const items = [
		{ json: { n: 1 }, binary: { data: { base64: PNG.toString('base64'), fileName: 'one.png' } } },
		{ json: { n: 2 }, binary: { data: { file: 'face-b.jpg' } } },
	];

	it('first run (includes loading n8n-core) works in filesystem mode, bytes intact, ids, files on disk', async () => {
		const started = Date.now();
		const run = await engine.runWorkflow(chain([trigger, fixtureNode(items), probeNode()]), {
			...extra,
			filesBaseDir: tmpDir,
		});
		console.log(`first runWorkflow (cold, incl. require n8n-core): ${Date.now() - started} ms`);
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(run.binaryMode).toBe('filesystem');
		const out = json(run, 'Probe');
		expect(out).toHaveLength(2);
		expect(out[0]).toMatchObject({ bytes: PNG.length, magic: '89504e47', hasId: true, fileName: 'one.png', mimeType: 'image/png' });
		expect(out[1]).toMatchObject({ bytes: JPEG.length, magic: 'ffd8ffe0', hasId: true, fileName: 'face-b.jpg', mimeType: 'image/jpeg' });
		expect(String(out[0].id)).toMatch(/^filesystem-v2:workflows\/[^/]+\/executions\/\d+\/binary_data\//);
		// in stored modes `data` is the mode name, not base64 — reading it as base64 is the classic bug
		expect(out[0].dataField).toBe('filesystem-v2');
		expect(run.binaryFilesWritten).toBe(2); // payload files; the .metadata sidecars are not counted
		// files were deleted after counting
		const execDir = path.join(engine.USER_FOLDER, '.n8n', 'storage', 'workflows', run.workflowId, 'executions', run.executionId);
		expect(fs.existsSync(execDir)).toBe(false);
		// the items the fixture node emitted carry binary ids too
		const fixtureOut = run.outputs('Fixture')[0];
		expect(fixtureOut[0].binary?.data.id).toMatch(/^filesystem-v2:/);
	});

	it('default (in-memory) mode delivers the same bytes, base64 in `data`, no id, no files', async () => {
		const run = await engine.runWorkflow(chain([trigger, fixtureNode(items), probeNode()]), {
			...extra,
			filesBaseDir: tmpDir,
			binaryMode: 'default',
		});
		expect(run.status).toBe('success');
		const out = json(run, 'Probe');
		expect(out[0]).toMatchObject({ bytes: PNG.length, magic: '89504e47', hasId: false, id: null });
		expect(out[0].dataField).toBe(PNG.toString('base64').slice(0, 16));
		expect(out[1]).toMatchObject({ bytes: JPEG.length, magic: 'ffd8ffe0', hasId: false });
		expect(run.binaryFilesWritten).toBe(0);
	});

	it('keepBinaryData keeps the files readable after the run until cleanup()', async () => {
		const run = await engine.runWorkflow(chain([trigger, fixtureNode(items)]), {
			...extra,
			filesBaseDir: tmpDir,
			keepBinaryData: true,
		});
		const id = run.outputs('Fixture')[0][0].binary?.data.id as string;
		const { core, Container } = engine.modules();
		const service = Container.get(core.BinaryDataService);
		const bytes = await service.getAsBuffer({ id, data: 'filesystem-v2', mimeType: 'image/png' });
		expect(bytes.equals(PNG)).toBe(true);
		await run.cleanup();
		await expect(service.getAsBuffer({ id, data: 'filesystem-v2', mimeType: 'image/png' })).rejects.toThrow();
	});

	it('runs are serialised: concurrent calls with different modes both get their own mode', async () => {
		const wf = chain([trigger, fixtureNode(items), probeNode()]);
		const [fsRun, memRun] = await Promise.all([
			engine.runWorkflow(wf, { ...extra, filesBaseDir: tmpDir, binaryMode: 'filesystem' }),
			engine.runWorkflow(wf, { ...extra, filesBaseDir: tmpDir, binaryMode: 'default' }),
		]);
		expect(json(fsRun, 'Probe')[0]).toMatchObject({ hasId: true, bytes: PNG.length });
		expect(json(memRun, 'Probe')[0]).toMatchObject({ hasId: false, bytes: PNG.length });
		expect(fsRun.executionId).not.toBe(memRun.executionId);
	});
});

describe('engine harness: stand-in nodes and expressions', () => {
	it('readWriteFile reads a {a,b} glob relative to filesBaseDir, one item per file, dot-files skipped', async () => {
		for (const binaryMode of ['filesystem', 'default'] as const) {
			const read = {
				name: 'Read',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				parameters: { operation: 'read', fileSelector: 'face-*.{png,jpg}', options: {} },
			};
			const run = await engine.runWorkflow(chain([trigger, read, probeNode({ label: '={{ $json.fileName }}' })]), {
				...extra,
				filesBaseDir: tmpDir,
				binaryMode,
			});
			expect(run.status).toBe('success');
			expect(json(run, 'Read').map((j) => j.fileName)).toEqual(['face-a.png', 'face-b.jpg']);
			expect(json(run, 'Probe')).toEqual([
				expect.objectContaining({ label: 'face-a.png', bytes: PNG.length, magic: '89504e47', hasId: binaryMode === 'filesystem' }),
				expect.objectContaining({ label: 'face-b.jpg', bytes: JPEG.length, magic: 'ffd8ffe0' }),
			]);
		}
	});

	it('readWriteFile: a plain path works; no match gives no items (v1) or an error (v1.1)', async () => {
		const read = (fileSelector: string, typeVersion = 1) => ({
			name: 'Read',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion,
			parameters: { fileSelector },
		});
		const plain = await engine.runWorkflow(chain([trigger, read(path.join(tmpDir, 'notes.txt'))]), { filesBaseDir: '/' });
		expect(json(plain, 'Read')).toEqual([expect.objectContaining({ fileName: 'notes.txt', mimeType: 'text/plain' })]);
		const none = await engine.runWorkflow(chain([trigger, read('*.gif')]), { filesBaseDir: tmpDir });
		expect(none.status).toBe('success');
		expect(none.outputs('Read')).toEqual([[]]);
		const strict = await engine.runWorkflow(chain([trigger, read('*.gif', 1.1)]), { filesBaseDir: tmpDir });
		expect(strict.status).toBe('error');
		expect(strict.error?.message).toBe('No file(s) found');
		expect(strict.nodeError('Read')?.message).toBe('No file(s) found');
	});

	it('per-item expressions and paired-item lookups resolve', async () => {
		const fixture = fixtureNode([{ json: { n: 1, who: 'ann' } }, { json: { n: 2, who: 'bob' } }, { json: { n: 3, who: 'cy' } }]);
		const noOp = { name: 'Pass', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
		const probe = probeNode({ label: '={{ $json.who + "-" + ($json.n * 10) + "-" + $("Fixture").item.json.n }}' });
		const run = await engine.runWorkflow(chain([trigger, fixture, noOp, probe]), extra);
		expect(run.status).toBe('success');
		expect(json(run, 'Pass')).toEqual([{ n: 1, who: 'ann' }, { n: 2, who: 'bob' }, { n: 3, who: 'cy' }]);
		expect(json(run, 'Probe').map((j) => j.label)).toEqual(['ann-10-1', 'bob-20-2', 'cy-30-3']);
		expect(run.outputs('Probe')[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(run.ranNodes()).toEqual(['Manual', 'Fixture', 'Pass', 'Probe']);
		expect(run.outputs('Nope')).toEqual([]);
		expect(run.logs.some((l) => l.includes('Workflow execution started'))).toBe(true);
	});

	it('fixtureItems also takes `items` as an array (not only a JSON string)', async () => {
		const fixture = {
			name: 'Fixture',
			type: 'argosTest.fixtureItems',
			parameters: { items: [{ json: { a: 1 }, binary: { data: { file: path.join(tmpDir, 'face-a.png') } } }] },
		};
		const run = await engine.runWorkflow(chain([trigger, fixture, probeNode()]), extra);
		expect(json(run, 'Probe')).toEqual([expect.objectContaining({ bytes: PNG.length, fileName: 'face-a.png', hasId: true })]);
	});

	it('a trigger that never emits is reported by timeoutMs instead of a silent exit', async () => {
		const silentTrigger: INodeType = {
			description: {
				displayName: 'Silent',
				name: 'silentTrigger',
				group: ['trigger'],
				version: 1,
				description: '',
				defaults: { name: 'Silent' },
				inputs: [],
				outputs: ['main'],
				properties: [],
			},
			async trigger() {
				return {}; // the mistake of runtime doc §7 trap 1
			},
		};
		const wf = chain([{ name: 'Silent', type: 'probe.silentTrigger', parameters: {} }, probeNode()]);
		await expect(
			engine.runWorkflow(wf, { extraNodeTypes: { ...extra.extraNodeTypes, 'probe.silentTrigger': silentTrigger }, timeoutMs: 300 }),
		).rejects.toThrow(/did not finish within 300 ms/);
		// the engine is still usable afterwards
		const run = await engine.runWorkflow(chain([trigger, fixtureNode([{ json: { ok: 1 } }])]));
		expect(json(run, 'Fixture')).toEqual([{ ok: 1 }]);
	});

	it('unknown node types fail fast with a clear message', async () => {
		await expect(
			engine.runWorkflow(chain([trigger, { name: 'X', type: 'n8n-nodes-base.httpRequest', parameters: {} }])),
		).rejects.toThrow(/Unrecognized node type "n8n-nodes-base.httpRequest"/);
	});
});

describe('engine harness: credentials', () => {
	it('generic authenticate: full expressions in header and qs, credential defaults applied', async () => {
		seenRequests.length = 0;
		const probe = probeNode({ url: `${baseUrl}/echo` }, { credentials: { probeApi: { id: 'c1', name: 'Probe account' } } });
		const run = await engine.runWorkflow(chain([trigger, probe]), {
			...extra,
			credentials: { probeApi: { apiKey: 'KEY-123', baseUrl } },
		});
		expect(run.error).toBeUndefined();
		expect(seenRequests[0].headers['x-api-key']).toBe('plain:KEY-123');
		expect(seenRequests[0].headers['x-static']).toBe('static-value');
		expect(seenRequests[0].url).toBe('/echo?region=EU-DEFAULT');
		expect(json(run, 'Probe')[0].response).toMatchObject({ apiKey: 'plain:KEY-123' });
		// the echo put the key into the output, so the serialized run contains it (sanity check of `serialized`)
		expect(run.serialized).toContain('plain:KEY-123');
	});

	it('function authenticate is called', async () => {
		seenRequests.length = 0;
		const probe = probeNode(
			{ url: `${baseUrl}/echo`, credentialType: 'probeFnApi' },
			{ credentials: { probeFnApi: { id: 'c2', name: 'Fn account' } } },
		);
		const run = await engine.runWorkflow(chain([trigger, probe]), {
			...extra,
			credentials: { probeFnApi: { apiKey: 'FN-KEY', baseUrl } },
		});
		expect(run.status).toBe('success');
		expect(seenRequests[0].headers['x-api-key']).toBe('fn:FN-KEY');
	});

	it('a 401 becomes n8n-core\'s NodeApiError; the key is in neither the serialized run nor the logs', async () => {
		const probe = probeNode({ url: `${baseUrl}/secret-401` }, { credentials: { probeApi: { id: 'c1', name: 'Probe account' } } });
		const run = await engine.runWorkflow(chain([trigger, probe]), {
			...extra,
			credentials: { probeApi: { apiKey: 'TOP-SECRET-9', baseUrl } },
		});
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('Authorization failed - please check your credentials');
		expect(run.nodeError('Probe')).toMatchObject({ httpCode: '401', description: 'denied' });
		expect(run.logs.length).toBeGreaterThan(0);
		expect(run.serialized).toContain('Authorization failed');
		expect(run.serialized).not.toContain('TOP-SECRET-9');
	});

	it('a node with credentials set in the workflow but none given to the harness fails like a missing credential', async () => {
		const probe = probeNode({ url: `${baseUrl}/echo` }, { credentials: { probeApi: { id: 'c1', name: 'Probe account' } } });
		const run = await engine.runWorkflow(chain([trigger, probe]), extra);
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/no test credentials of type "probeApi"/);
	});
});

describe('engine harness: testCredential (replica of n8n\'s credential tester)', () => {
	const test = (apiKey: string, type = 'probeApi', url = baseUrl) =>
		engine.testCredential(type, { apiKey, baseUrl: url }, { extraCredentialTypes: { probeApi, probeFnApi } });

	it('ignoreHttpStatusErrors + responseSuccessBody: 2xx -> OK', async () => {
		expect(await test('good')).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	it('ignoreHttpStatusErrors: a 403 body comes back as an item, so the errorCode rules fire', async () => {
		const wrong = await test('wrong');
		expect(wrong).toEqual({ status: 'Error', message: 'Invalid API key' });
		expect(wrong.response).toEqual([[{ json: { errorCode: 6039, message: 'API key invalid' } }]]);
		expect(wrong.error).toBeUndefined();
		expect(await test('expired')).toEqual({ status: 'Error', message: 'API key expired' });
	});

	it('ignoreHttpStatusErrors: a 400 with another errorCode -> OK (a non-2xx status is no longer an error)', async () => {
		const other = await test('other');
		expect(other).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(other.response?.[0][0].json).toEqual({ errorCode: 1234, message: 'missing image' });
	});

	it('ignoreHttpStatusErrors: a non-JSON 404 (wrong base URL) -> OK too; the item json is the HTML string', async () => {
		const html = await test('html');
		expect(html).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(html.response?.[0][0].json).toBe('<html><body>Not here</body></html>');
	});

	it('network failure -> Error with the error code', async () => {
		expect(await test('good', 'probeApi', 'http://127.0.0.1:9')).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});

	it('without ignoreHttpStatusErrors: responseCode rule on 403, status text otherwise', async () => {
		expect(await test('good', 'probeFnApi')).toEqual({ status: 'OK', message: 'Connection successful!' });
		const forbidden = await test('wrong', 'probeFnApi');
		expect(forbidden).toEqual({ status: 'Error', message: 'Forbidden by rule' });
		expect(forbidden.error?.cause?.response?.status).toBe(403);
		expect(await test('other', 'probeFnApi')).toEqual({ status: 'Error', message: 'Bad Request' });
		expect(await test('html', 'probeFnApi')).toEqual({ status: 'Error', message: 'Not Found' });
	});

	it('a credential type without `test`', async () => {
		const noTest: ICredentialType = { name: 'noTestApi', displayName: 'No test', properties: [] };
		expect(await engine.testCredential('noTestApi', {}, { extraCredentialTypes: { noTestApi: noTest } })).toEqual({
			status: 'Error',
			message: 'No testing function found for this credential.',
		});
	});
});

describe('engine harness: package loading', () => {
	let pkgRoot: string;

	beforeAll(() => {
		// a tiny community package laid out like a built one (plain JS, no build step)
		pkgRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-harness-pkg-'));
		fs.mkdirSync(path.join(pkgRoot, 'dist', 'nodes', 'Hello'), { recursive: true });
		fs.mkdirSync(path.join(pkgRoot, 'dist', 'credentials'), { recursive: true });
		fs.writeFileSync(
			path.join(pkgRoot, 'package.json'),
			JSON.stringify({
				name: 'n8n-nodes-hello',
				version: '1.0.0',
				n8n: {
					n8nNodesApiVersion: 1,
					nodes: ['dist/nodes/Hello/Hello.node.js'],
					credentials: ['dist/credentials/HelloApi.credentials.js'],
				},
			}),
		);
		fs.writeFileSync(
			path.join(pkgRoot, 'dist', 'nodes', 'Hello', 'Hello.node.js'),
			`class Hello {
  constructor() {
    this.description = { displayName: 'Hello', name: 'hello', group: ['transform'], version: 1, defaults: { name: 'Hello' },
      inputs: ['main'], outputs: ['main'], credentials: [{ name: 'helloApi', required: true }],
      properties: [{ displayName: 'Target', name: 'target', type: 'string', default: 'world' }] };
  }
  async execute() {
    const creds = await this.getCredentials('helloApi');
    const r = await this.helpers.httpRequestWithAuthentication.call(this, 'helloApi', { url: creds.baseUrl + '/hello', json: true });
    return [this.getInputData().map((_, i) => ({ json: { hello: this.getNodeParameter('target', i), sentKey: r.apiKey }, pairedItem: { item: i } }))];
  }
}
module.exports = { Hello };`,
		);
		fs.writeFileSync(
			path.join(pkgRoot, 'dist', 'credentials', 'HelloApi.credentials.js'),
			`class HelloApi {
  constructor() {
    this.name = 'helloApi'; this.displayName = 'Hello API';
    this.properties = [{ displayName: 'Key', name: 'apiKey', type: 'string', default: '' },
      { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' }];
    this.authenticate = { type: 'generic', properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } } };
  }
}
module.exports = { HelloApi };`,
		);
	});

	afterAll(() => fs.rmSync(pkgRoot, { recursive: true, force: true }));

	it('loads nodes/credentials through package.json "n8n" and runs `<pkg>.<name>` node types', async () => {
		const pkg = engine.loadPackage(pkgRoot);
		expect(pkg.name).toBe('n8n-nodes-hello');
		expect(Object.keys(pkg.nodeTypes)).toEqual(['n8n-nodes-hello.hello']);
		expect(Object.keys(pkg.credentialTypes)).toEqual(['helloApi']);
		expect(pkg.supportedNodes).toEqual({ helloApi: ['n8n-nodes-hello.hello'] });
		const hello = {
			name: 'Hello',
			type: 'n8n-nodes-hello.hello',
			typeVersion: 1,
			parameters: { target: '={{ "expr-" + (40 + 2) }}' },
			credentials: { helloApi: { id: 'h1', name: 'Hello account' } },
		};
		const run = await engine.runWorkflow(chain([trigger, hello]), {
			packageRoot: pkgRoot,
			credentials: { helloApi: { apiKey: 'hello-key', baseUrl } },
		});
		expect(run.error).toBeUndefined();
		expect(json(run, 'Hello')).toEqual([{ hello: 'expr-42', sentKey: 'hello-key' }]);
	});

	const distNode = path.join(engine.REPO_ROOT, 'dist', 'nodes', 'ArgosFaces', 'ArgosFaces.node.js');
	(fs.existsSync(distNode) ? it : it.skip)('loads the real built package (dist/) when it exists', () => {
		const pkg = engine.loadPackage();
		expect(pkg.name).toBe('n8n-nodes-argos-faces');
		expect(Object.keys(pkg.nodeTypes)).toContain('n8n-nodes-argos-faces.argosFaces');
		expect(Object.keys(pkg.credentialTypes)).toContain('argosFacesApi');
	});
});

describe('engine harness: speed', () => {
	it('many runs in one process take milliseconds each', async () => {
		const wf = chain([
			trigger,
			fixtureNode([
				{ json: { n: 1 }, binary: { data: { base64: PNG.toString('base64'), fileName: 'a.png' } } },
				{ json: { n: 2 }, binary: { data: { base64: PNG.toString('base64'), fileName: 'b.png' } } },
				{ json: { n: 3 }, binary: { data: { base64: PNG.toString('base64'), fileName: 'c.png' } } },
			]),
			probeNode({ label: '={{ $json.n }}' }),
		]);
		const timings: Record<string, number> = {};
		for (const binaryMode of ['default', 'filesystem'] as const) {
			await engine.runWorkflow(wf, { ...extra, binaryMode }); // warm the mode
			const n = 25;
			const started = process.hrtime.bigint();
			for (let i = 0; i < n; i++) {
				const run = await engine.runWorkflow(wf, { ...extra, binaryMode });
				expect(run.status).toBe('success');
			}
			timings[binaryMode] = Number(process.hrtime.bigint() - started) / 1e6 / n;
		}
		console.log(
			`per-run (3 items, probe reads binary): default ${timings.default.toFixed(1)} ms, filesystem ${timings.filesystem.toFixed(1)} ms`,
		);
		expect(timings.default).toBeLessThan(500);
		expect(timings.filesystem).toBeLessThan(500);
	});
});
