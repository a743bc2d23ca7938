/**
 * Where the photo comes from: a URL on a loopback image host (downloaded by n8n's own request helper,
 * never with the ARGOS key), and a binary found without configuration (Form Trigger names such as
 * Selfie or Selfie_0, both binary modes, combined mode). Also which Failed items carry applicantMessage.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { fs, path, setImmediate } from '../support/builtins';
import { argosWorkflow, errorOf, IMAGES, image, outputsOf, type FixtureItem } from './helpers';
import { ENDLESS_LIMIT, startImageHost, type ImageHost } from './imageServer';

const { readFileSync } = fs;
const { join } = path;

let sb: Sandbox;
let host: ImageHost;
const runs: EngineRun[] = [];
const sha256 = (file: string) => createHash('sha256').update(readFileSync(join(IMAGES, file))).digest('hex');
const sentHashes = () => sb.requests().map((e) => (e.body as { imageSha256: string }).imageSha256);

async function run(workflow: WorkflowJson, options: RunOptions = {}): Promise<EngineRun> {
	const result = await engine.runWorkflow(workflow, { credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } }, ...options });
	runs.push(result);
	return result;
}

const add = (extra: IDataObject = {}) => ({ operation: 'add', collectionId: sb.collections.demo, userName: '={{ $json.name }}', ...extra });
const fromUrl = (extra: IDataObject = {}) => add({ imageSource: 'url', imageUrl: '={{ $json.url }}', ...extra });

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	host = await startImageHost();
});
beforeEach(() => {
	sb.reset();
	host.requests.length = 0;
});
afterAll(async () => {
	await host.close();
	await sb.close();
	await engine.shutdown();
	expect(runs.length).toBeGreaterThan(0);
	for (const r of runs) {
		expect(r.serialized).not.toContain(sb.apiKey);
		expect(r.logs.join('\n')).not.toContain(sb.apiKey);
	}
});

describe('Image Source: URL', () => {
	it('downloads, checks and sends the photo (also through a redirect); the image host never sees the ARGOS key', async () => {
		const items = [
			{ json: { name: 'jpg', url: `${host.url}/face.jpg?sig=abc` } },
			{ json: { name: 'png', url: `${host.url}/face.png` } },
			{ json: { name: 'redirected', url: `${host.url}/redirect` } },
		];
		const r = await run(argosWorkflow(fromUrl(), items));
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		expect(success.map((i) => i.json.image)).toEqual([
			{ source: 'url', host: host.url.slice(7), bytes: readFileSync(join(IMAGES, 'face.jpg')).length, format: 'JPEG' },
			{ source: 'url', host: host.url.slice(7), bytes: readFileSync(join(IMAGES, 'face.png')).length, format: 'PNG' },
			{ source: 'url', host: host.url.slice(7), bytes: readFileSync(join(IMAGES, 'face.jpg')).length, format: 'JPEG' },
		]);
		expect(sentHashes().sort()).toEqual([sha256('face.jpg'), sha256('face.jpg'), sha256('face.png')].sort());
		expect(host.requests.map((q) => q.url).sort()).toEqual(['/face.jpg', '/face.jpg?sig=abc', '/face.png', '/redirect'].sort());
		// The key never reaches the image host: not in any header, under any name.
		const seenByHost = JSON.stringify(host.requests);
		expect(seenByHost).not.toContain(sb.apiKey);
		for (const q of host.requests) expect(Object.keys(q.headers)).not.toEqual(expect.arrayContaining(['authorization', 'x-api-key']));
		// …while ARGOS did get it (the sandbox accepted the requests).
		expect(sb.requests()).toHaveLength(3);
	});

	it('a 404 → Failed IMAGE_DOWNLOAD_FAILED with the status and host, never the query string or credentials of the link', async () => {
		const [scheme, rest] = host.url.split('//');
		const url = `${scheme}//someone:hunter2@${rest}/gone.jpg?token=SECRET-TOKEN`;
		const r = await run(argosWorkflow(fromUrl(), [{ json: { name: 'n', url } }]));
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		const error = errorOf(failed[0]);
		expect(error).toMatchObject({ code: 'IMAGE_DOWNLOAD_FAILED', message: `Could not download the image from ${rest} (HTTP 404)`, retryable: false, httpStatus: null });
		expect(error.description).toMatch(/no file at this address/);
		expect(error).not.toHaveProperty('applicantMessage');
		expect(JSON.stringify(error)).not.toMatch(/SECRET-TOKEN|hunter2|someone/);
		expect(sb.requests()).toEqual([]);
	});

	it('an endless body is abandoned just past the limit: bounded bytes received, nothing sent to ARGOS', async () => {
		const r = await run(argosWorkflow(fromUrl({ options: { maxImageSizeMb: 0.5 } }), [{ json: { name: 'n', url: `${host.url}/endless` } }]));
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/^The image is over the 0.5 MB limit \(download stopped after 0\.[56] MB\)$/) });
		expect(error.applicantMessage).toMatch(/smaller/);
		// The host wrote at most the limit plus what loopback socket buffers hold, far below what it would send.
		await new Promise((resolve) => setImmediate(resolve));
		expect(host.endlessBytesWritten()).toBeLessThan(16 * 1024 * 1024);
		expect(host.endlessBytesWritten()).toBeLessThan(ENDLESS_LIMIT);
		expect(sb.requests()).toEqual([]);
	});

	it('a Content-Length over the limit stops before reading the body', async () => {
		const r = await run(argosWorkflow(fromUrl(), [{ json: { name: 'n', url: `${host.url}/declared-huge` } }]));
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: 'The image is 500.0 MB, over the 10 MB limit' });
		expect(sb.requests()).toEqual([]);
	});

	it('a non-image and a cut-off JPEG are sniffed and checked like any other image', async () => {
		const items = [
			{ json: { name: 'text', url: `${host.url}/notes` } },
			{ json: { name: 'cut', url: `${host.url}/cut.jpg` } },
		];
		const r = await run(argosWorkflow(fromUrl(), items));
		const { failed } = outputsOf(r);
		expect(failed.map((i) => [errorOf(i).code, errorOf(i).message])).toEqual([
			['IMAGE_UNSUPPORTED_FORMAT', 'The file is a text file, not a JPEG, PNG or WebP photo'],
			['IMAGE_CORRUPT', 'The JPEG file is incomplete or damaged (it ends in the middle of the picture data, before its end-of-image marker)'],
		]);
		expect(sb.requests()).toEqual([]);
		// Validate Image off: the cut-off file is sent (ARGOS decides).
		const r2 = await run(argosWorkflow(fromUrl({ options: { validateImage: false } }), [items[1]]));
		expect(outputsOf(r2).failed.map((i) => errorOf(i).code)).not.toContain('IMAGE_CORRUPT');
		expect(sb.requests()).toHaveLength(1);
	});

	it('a host that stalls mid-body fails within the timeout; a redirect loop and a refused port fail cleanly', async () => {
		const closed = await startImageHost();
		const deadPort = closed.url;
		await closed.close();
		const items = [
			{ json: { name: 'stall', url: `${host.url}/stall` } },
			{ json: { name: 'loop', url: `${host.url}/loop` } },
			{ json: { name: 'refused', url: `${deadPort}/face.jpg` } },
			{ json: { name: 'ftp', url: 'ftp://files.example/face.jpg' } },
		];
		const started = Date.now();
		const r = await run(argosWorkflow(fromUrl({ options: { timeout: 1 } }), items));
		expect(Date.now() - started).toBeLessThan(15_000);
		const errors = outputsOf(r).failed.map((i) => errorOf(i));
		expect(errors.map((e) => [e.code, e.message])).toEqual([
			['IMAGE_DOWNLOAD_FAILED', `Could not download the image from ${host.url.slice(7)} (not complete within 1 s)`],
			['IMAGE_DOWNLOAD_FAILED', `Could not download the image from ${host.url.slice(7)} (more than 5 redirects)`],
			['IMAGE_DOWNLOAD_FAILED', `Could not download the image from ${deadPort.slice(7)} (ECONNREFUSED)`],
			['IMAGE_URL_INVALID', 'The Image URL uses ftp:, not http:// or https://'],
		]);
		expect(errors.slice(0, 3).every((e) => e.retryable === true)).toBe(true);
		expect(sb.requests()).toEqual([]);
	});
});

describe('the image is found without configuration', () => {
	const formItem = (props: Record<string, string>): FixtureItem => ({
		json: { name: 'applicant' },
		binary: Object.fromEntries(Object.entries(props).map(([property, file]) => [property, image(file, property)![property]])),
	});

	it.each(['default', 'filesystem'] as const)('Form Trigger names (Selfie, Selfie_0) are used when "data" is absent (%s mode)', async (binaryMode) => {
		const items = [formItem({ Selfie: 'face.jpg' }), formItem({ Selfie_0: 'face.png' }), formItem({ Selfie: 'face.webp', Notes: 'doc.pdf' })];
		const r = await run(argosWorkflow(add(), items), { binaryMode });
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.image)).toEqual([
			{ source: 'binary', property: 'Selfie', autoDetected: true, fileName: 'face.jpg', bytes: readFileSync(join(IMAGES, 'face.jpg')).length, format: 'JPEG' },
			{ source: 'binary', property: 'Selfie_0', autoDetected: true, fileName: 'face.png', bytes: readFileSync(join(IMAGES, 'face.png')).length, format: 'PNG' },
		]);
		// One image beside a PDF is still two files: which one is the selfie is not guessed from their types.
		expect(failed.map((i) => [errorOf(i).code, errorOf(i).message])).toEqual([
			['IMAGE_AMBIGUOUS', 'No binary property "data" on this item, and it holds several files: Selfie, Notes'],
		]);
		expect(sentHashes().sort()).toEqual([sha256('face.jpg'), sha256('face.png')].sort());
	});

	it('several candidates and none named → Failed listing them, nothing sent', async () => {
		const r = await run(argosWorkflow(add(), [formItem({ Selfie_0: 'face.jpg', Selfie_1: 'face-b.jpg' })]));
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'IMAGE_AMBIGUOUS', message: 'No binary property "data" on this item, and it holds several files: Selfie_0, Selfie_1' });
		expect(error.description).toMatch(/Set "Input Binary Field" to one of Selfie_0, Selfie_1/);
		expect(error.applicantMessage).toMatch(/exactly one photo/);
		expect(sb.requests()).toEqual([]);
	});

	it('a name that is present always wins, also over a single other image; a named non-image is not replaced', async () => {
		const items = [formItem({ data: 'face-b.jpg', Selfie: 'face.jpg' }), formItem({ data: 'doc.pdf', Selfie: 'face.jpg' })];
		const r = await run(argosWorkflow(add(), items));
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.image)).toEqual([expect.objectContaining({ property: 'data', autoDetected: false, fileName: 'face-b.jpg' })]);
		expect(failed.map((i) => errorOf(i).code)).toEqual(['IMAGE_UNSUPPORTED_FORMAT']);
		expect(sentHashes()).toEqual([sha256('face-b.jpg')]);
	});

	it('exactly one binary that is not an image is taken, and then fails the format check', async () => {
		const r = await run(argosWorkflow(add(), [formItem({ Upload: 'photo.heic' })]));
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'IMAGE_UNSUPPORTED_FORMAT', message: 'The file is HEIC, not a JPEG, PNG or WebP photo' });
		expect(error.applicantMessage).toMatch(/Most Compatible/);
	});

	it('binary mode "combined": the one file under _files is found; _files.<key> named explicitly still works', async () => {
		const settings = { binaryMode: 'combined' };
		const r = await run(argosWorkflow(add(), [formItem({ Selfie: 'face.jpg' })], { settings }), { binaryMode: 'filesystem' });
		expect(outputsOf(r).failed).toEqual([]);
		expect(outputsOf(r).success[0].json.image).toMatchObject({ property: '_files.Selfie', autoDetected: true, format: 'JPEG' });
		const r2 = await run(argosWorkflow(add({ binaryPropertyName: '_files.Selfie_1' }), [formItem({ Selfie_0: 'face-b.jpg', Selfie_1: 'face.jpg' })], { settings }), {
			binaryMode: 'filesystem',
		});
		expect(outputsOf(r2).success[0].json.image).toMatchObject({ property: '_files.Selfie_1', autoDetected: false });
		expect(sentHashes()).toEqual([sha256('face.jpg'), sha256('face.jpg')]);
	});

	it('Search reports the image it used too', async () => {
		const r = await run(argosWorkflow({ operation: 'search', collectionId: sb.collections.demo }, [formItem({ Selfie_0: 'face.jpg' })]));
		expect(outputsOf(r).success[0].json.image).toMatchObject({ source: 'binary', property: 'Selfie_0', autoDetected: true });
	});
});

describe('applicantMessage on Failed items', () => {
	it('present where the applicant can fix it (liveness 6015, no file), absent where they cannot (collection)', async () => {
		const items: FixtureItem[] = [
			{ json: { name: 'spoof' }, binary: image('spoof.jpg') },
			{ json: { name: 'nofile' } },
		];
		const r = await run(argosWorkflow(add(), items));
		const [spoof, nofile] = outputsOf(r).failed.map((i) => errorOf(i));
		expect(spoof).toMatchObject({ code: 6015, applicantMessage: expect.stringMatching(/^We could not confirm a live face in your selfie/) });
		expect(nofile).toMatchObject({ code: 'IMAGE_MISSING', applicantMessage: expect.stringMatching(/attach a photo/) });
		const r2 = await run(argosWorkflow(add({ collectionId: 'col_nope' }), [{ json: { name: 'n' }, binary: image('face.jpg') }]));
		const unknown = errorOf(outputsOf(r2).failed[0]);
		expect(unknown.code).toBe(6013);
		expect(unknown).not.toHaveProperty('applicantMessage');
	});
});
