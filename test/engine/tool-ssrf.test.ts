/**
 * As an AI-agent tool the image link comes from the model, which text it read can steer. So the tool
 * refuses links to this machine and private networks — before any request and after every redirect —
 * and every download failure reads the same, so its answers cannot map which hosts and ports exist.
 * All through n8n-core's own tool wrapping (callAsTool). No name is ever resolved and nothing leaves
 * loopback: the tripwire stops and records any other connection (see network.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { callAsTool } from './agent';
import { argosWorkflow, errorOf, outputsOf } from './helpers';
import { startImageHost, type ImageHost } from './imageServer';
import { installTripwire, startFakeInternet, useFakeInternet, type FakeInternet, type Tripwire } from './network';

let sb: Sandbox;
let host: ImageHost;
let port: string;
let deadPort: string;
let wire: Tripwire;
const runs: EngineRun[] = [];

beforeAll(async () => {
	wire = installTripwire();
	sb = await startSandbox({ port: 0 });
	host = await startImageHost();
	port = new URL(host.url).port;
	const closed = await startImageHost();
	deadPort = new URL(closed.url).port;
	await closed.close();
});
beforeEach(() => {
	sb.reset();
	host.requests.length = 0;
	wire.clear();
});
afterAll(async () => {
	wire.restore();
	await host.close();
	await sb.close();
	await engine.shutdown();
	expect(runs.length).toBeGreaterThan(0);
	for (const r of runs) expect(r.serialized).not.toContain(sb.apiKey);
});

async function run(workflow: WorkflowJson, options: RunOptions = {}): Promise<EngineRun> {
	const r = await engine.runWorkflow(workflow, { credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } }, ...options });
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
const ask = async (selfieUrl: string, options: IDataObject = {}) => {
	const { answer } = await callAsTool(liveness(options), { selfieUrl }, run);
	return (answer as IDataObject[])[0];
};
const errorIn = (item: IDataObject) => item.error as IDataObject;

const REFUSED = {
	code: 'IMAGE_URL_REFUSED',
	message: 'The image link points to a private or local network address, which this AI-agent tool may not fetch',
	retryable: false,
	httpStatus: null,
};

describe('as a tool, links to this machine or a private network are refused before any request', () => {
	// The first group points at the image host that is listening on this machine, in the spellings the
	// URL parser turns into 127.0.0.1 (or that reach it otherwise): refused, its request count stays 0.
	const atHost = () => [
		`http://127.0.0.1:${port}/face.jpg`,
		`http://localhost:${port}/face.jpg`,
		`http://LocalHost.:${port}/face.jpg`,
		`http://ｌｏｃａｌｈｏｓｔ:${port}/face.jpg`,
		`http://selfies.localhost:${port}/face.jpg`,
		`http://127.1:${port}/face.jpg`,
		`http://2130706433:${port}/face.jpg`,
		`http://0x7f.0.0.1:${port}/face.jpg`,
		`http://0177.0.0.1:${port}/face.jpg`,
		`http://127.0.0.1.:${port}/face.jpg`,
		`http://0.0.0.0:${port}/face.jpg`,
		`http://0:${port}/face.jpg`,
		`http://[::1]:${port}/face.jpg`,
		`http://[::]:${port}/face.jpg`,
		`http://[::ffff:127.0.0.1]:${port}/face.jpg`,
		`http://[0:0:0:0:0:ffff:7f00:1]:${port}/face.jpg`,
		`http://[64:ff9b::127.0.0.1]:${port}/face.jpg`,
		`http://someone:hunter2@127.0.0.1:${port}/face.jpg?token=SECRET-TOKEN`,
	];
	// Private networks, cloud metadata services, local names and reserved blocks: were any of these
	// requested, the tripwire would stop it before a packet leaves.
	const elsewhere = [
		'http://10.0.0.8/face.jpg',
		'http://172.16.5.4/face.jpg',
		'http://172.31.255.255/face.jpg',
		'http://192.168.1.20/face.jpg',
		'http://100.64.0.1/face.jpg',
		'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
		'http://[fd00:ec2::254]/latest/meta-data/',
		'http://100.100.100.200/latest/meta-data/',
		'http://metadata.google.internal/computeMetadata/v1/',
		'http://[::ffff:169.254.169.254]/latest/meta-data/',
		'http://[64:ff9b::10.0.0.8]/face.jpg',
		'http://[fe80::1]/face.jpg',
		'http://[fc00::1]/face.jpg',
		'http://redis:6379/',
		'http://postgres:5432/',
		'http://printer.local/face.jpg',
		'http://nas.home.arpa/face.jpg',
		'http://224.0.0.1/face.jpg',
		'http://255.255.255.255/face.jpg',
		'https://192.168.0.1/face.jpg',
	];

	it('links to the listening host in every spelling: refused, no connection to anything, host and ARGOS untouched', async () => {
		for (const url of atHost()) {
			const error = errorIn(await ask(url));
			expect({ url, ...error }).toMatchObject({ url, ...REFUSED });
			expect({ url, attempts: wire.attempts }).toEqual({ url, attempts: [] });
		}
		expect(host.requests).toEqual([]);
		expect(sb.requests()).toEqual([]);
	});

	it('private, link-local, metadata, reserved addresses and local names: refused without a connection or a DNS lookup', async () => {
		for (const url of elsewhere) {
			const error = errorIn(await ask(url));
			expect({ url, ...error }).toMatchObject({ url, ...REFUSED });
			expect({ url, attempts: wire.attempts }).toEqual({ url, attempts: [] });
		}
		expect(sb.requests()).toEqual([]);
	});

	it('the refusal reads the same whatever the link: no host, no path, no token; it tells the owner what to do', async () => {
		const errors: IDataObject[] = [];
		for (const url of [...atHost(), ...elsewhere]) errors.push(errorIn(await ask(url)));
		expect(errors.every((e) => JSON.stringify(e) === JSON.stringify(errors[0]))).toBe(true);
		// Identical for all links, so none of them is in it; and none of their parts is by chance either.
		expect(JSON.stringify(errors[0])).not.toMatch(new RegExp(`127\\.|${port}|169\\.254|redis|metadata\\.google|SECRET|hunter2|face\\.jpg|meta-data`));
		expect(errors[0].description).toMatch(/Allow Private Image Hosts/);
		expect(errors[0].description).toMatch(/N8N_SSRF_PROTECTION_ENABLED/);
	});
});

describe('"Allow Private Image Hosts" lets the workflow owner open the local network to the agent', () => {
	it('with the option on, a loopback link is fetched and checked', async () => {
		const item = await ask(host.serve('/live.jpg', sb.sampleImage({ faceKey: 'ann' })), { allowPrivateImageHosts: true });
		expect(item).toMatchObject({ passed: true, image: expect.objectContaining({ source: 'url', host: `127.0.0.1:${port}` }) });
		expect(host.requests.map((q) => q.url)).toEqual(['/live.jpg']);
	});

	it('an expression giving "true" counts; an expression giving something else fails the item, and nothing is fetched', async () => {
		const url = host.serve('/live.jpg', sb.sampleImage({ faceKey: 'ann' }));
		expect(await ask(url, { allowPrivateImageHosts: '={{ "true" }}' })).toMatchObject({ passed: true });
		host.requests.length = 0;
		const error = errorIn(await ask(url, { allowPrivateImageHosts: '={{ "yes" }}' }));
		expect(error).toMatchObject({ code: 'PARAMETER_INVALID', message: '"Allow Private Image Hosts" must be true or false, but item 0 gave "yes"' });
		expect(host.requests).toEqual([]);
	});

	it('outside tool mode the option is not needed: a loopback link works as before', async () => {
		const r = await run(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: 'n', imageSource: 'url', imageUrl: `${host.url}/face.jpg` }, [{ json: {} }]));
		expect(outputsOf(r).failed).toEqual([]);
		expect(host.requests.map((q) => q.url)).toEqual(['/face.jpg']);
	});
});

describe('behind an HTTP proxy that plays the public internet (images.example)', () => {
	let internet: FakeInternet;
	let undo: () => void;
	beforeAll(async () => {
		internet = await startFakeInternet(sb.sampleImage({ faceKey: 'ann' }));
		undo = useFakeInternet(internet);
	});
	beforeEach(() => {
		internet.requests.length = 0;
	});
	afterAll(async () => {
		undo();
		await internet.close();
	});
	const redirectTo = (target: string) => `http://images.example/to?url=${encodeURIComponent(target)}`;

	it('a public link is fetched through the proxy, also through a relative redirect', async () => {
		expect(await ask('http://images.example/relative')).toMatchObject({ passed: true, image: { source: 'url', host: 'images.example' } });
		expect(internet.requests).toEqual(['http://images.example/relative', 'http://images.example/face.jpg']);
		expect(wire.stopped).toEqual([]);
	});

	it('a public link that redirects to this machine or a private address is refused at that hop; the target is never contacted', async () => {
		const targets = [
			`http://127.0.0.1:${port}/face.jpg`,
			`http://localhost:${port}/face.jpg`,
			`http://[::ffff:127.0.0.1]:${port}/face.jpg`,
			`http://2130706433:${port}/face.jpg`,
			'http://169.254.169.254/latest/meta-data/',
			'http://redis:6379/',
		];
		for (const target of targets) {
			internet.requests.length = 0;
			wire.clear();
			const error = errorIn(await ask(redirectTo(target)));
			expect({ target, ...error }).toMatchObject({ target, ...REFUSED });
			// Only the first hop was requested, and only the proxy was connected to.
			expect({ target, requests: internet.requests }).toEqual({ target, requests: [redirectTo(target)] });
			expect({ target, attempts: wire.attempts }).toEqual({ target, attempts: [internet.proxyUrl.slice(7)] });
		}
		expect(host.requests).toEqual([]);
		expect(sb.requests()).toEqual([]);
	});

	it('a redirect after several public hops is checked too', async () => {
		const deep = redirectTo(`http://cdn.example/to?url=${encodeURIComponent(`http://127.0.0.1:${port}/face.jpg`)}`);
		expect(errorIn(await ask(deep))).toMatchObject(REFUSED);
		expect(internet.requests).toHaveLength(2);
		expect(host.requests).toEqual([]);
	});

	it('with "Allow Private Image Hosts" on, the same redirect reaches the loopback host', async () => {
		const item = await ask(redirectTo(host.serve('/live.jpg', sb.sampleImage({ faceKey: 'ann' }))), { allowPrivateImageHosts: true });
		expect(item).toMatchObject({ passed: true, image: { source: 'url', host: 'images.example' } });
		expect(host.requests.map((q) => q.url)).toEqual(['/live.jpg']);
	});

	it('outside tool mode the redirect to loopback is followed: the check belongs to the tool only', async () => {
		const parameters = { operation: 'add', collectionId: sb.collections.demo, userName: 'n', imageSource: 'url', imageUrl: redirectTo(`${host.url}/face.jpg`) };
		const r = await run(argosWorkflow(parameters, [{ json: {} }]));
		expect(outputsOf(r).failed).toEqual([]);
		expect(host.requests.map((q) => q.url)).toEqual(['/face.jpg']);
	});

	describe('every download failure reads the same as a tool', () => {
		const failing = () => [
			`${host.url}/gone.jpg`,
			'http://images.example/status/403',
			'http://images.example/status/500',
			`http://127.0.0.1:${deadPort}/face.jpg`,
			`${host.url}/stall`,
			`${host.url}/loop`,
			redirectTo('ftp://files.example/face.jpg'),
		];

		it('a 404, a 403, a 500, a closed port, a stalled body, a redirect loop and a redirect to ftp: one identical error', async () => {
			const errors: IDataObject[] = [];
			for (const url of failing()) errors.push(errorIn(await ask(url, { allowPrivateImageHosts: true, timeout: 1 })));
			for (const [i, error] of errors.entries()) expect({ url: failing()[i], ...error }).toEqual({ url: failing()[i], ...errors[0] });
			expect(errors[0]).toMatchObject({ code: 'IMAGE_DOWNLOAD_FAILED', httpStatus: null });
			expect(JSON.stringify(errors[0])).not.toMatch(/HTTP \d|\b[345]\d\d\b|refused|ECONN|within \d|redirects|127\.0\.0\.1|images\.example/i);
		});

		it('outside tool mode the same failures keep their helpful detail (status, refused, timeout, redirects)', async () => {
			const items = failing().map((url) => ({ json: { url } }));
			const parameters = { operation: 'add', collectionId: sb.collections.demo, userName: 'n', imageSource: 'url', imageUrl: '={{ $json.url }}', options: { timeout: 1 } };
			const messages = outputsOf(await run(argosWorkflow(parameters, items))).failed.map((i) => errorOf(i).message as string);
			expect(messages).toEqual([
				expect.stringMatching(/\(HTTP 404\)$/),
				'Could not download the image from images.example (HTTP 403)',
				'Could not download the image from images.example (HTTP 500)',
				expect.stringMatching(/\(ECONNREFUSED\)$/),
				expect.stringMatching(/\(not complete within 1 s\)$/),
				expect.stringMatching(/\(more than 5 redirects\)$/),
				expect.stringMatching(/^Could not download the image from images\.example \(.*not http/),
			]);
		});
	});
});
