/**
 * The built package run by n8n-core's real WorkflowExecute against the sandbox over real HTTP.
 * Binary input goes through n8n's own binary helpers, in memory and on the filesystem.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { fs, path } from '../support/builtins';
import { API_ERRORS } from '../../nodes/shared/errors';
import { argosWorkflow, errorOf, type FixtureItem, image, IMAGES, outputsOf, sandboxPerFile } from './helpers';

const { readFileSync } = fs;
const { join } = path;

let sb: Sandbox;
const runs: EngineRun[] = [];
const sha256 = (file: string) => createHash('sha256').update(readFileSync(join(IMAGES, file))).digest('hex');

async function run(workflow: WorkflowJson, options: RunOptions = {}, apiKey = sb.apiKey): Promise<EngineRun> {
	const result = await engine.runWorkflow(workflow, {
		credentials: { argosFacesApi: { apiKey, baseUrl: sb.url } },
		...options,
	});
	runs.push(result);
	return result;
}

const add = (collectionId: string, extra: IDataObject = {}) => ({
	operation: 'add',
	collectionId,
	userName: '={{ $json.name }}',
	...extra,
});

sandboxPerFile(runs, (started) => (sb = started));

describe('Add', () => {
	it.each(['default', 'filesystem'] as const)('enrols selfies from binary files (%s binary mode), bytes intact', async (binaryMode) => {
		const items: FixtureItem[] = [
			{ json: { name: 'ann' }, binary: image('face.jpg') },
			{ json: { name: 'bo' }, binary: image('face.png') },
			{ json: { name: 'cy' }, binary: image('face.webp') },
		];
		const r = await run(argosWorkflow(add(sb.collections.demo), items), { binaryMode });
		expect(r.status).toBe('success');
		if (binaryMode === 'filesystem') expect(r.binaryFilesWritten).toBe(3);
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		expect(success.map((i) => i.json.userName)).toEqual(['ann', 'bo', 'cy']);
		expect(success.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of success) {
			expect(item.json).toMatchObject({ faceId: expect.stringMatching(/^face_/), metaFaceId: expect.stringMatching(/^meta_/), collectionId: sb.collections.demo });
			expect(item.json.liveness).toMatchObject({ enabled: true, threshold: 50, score: expect.any(Number) });
		}
		// What ARGOS received is exactly the file's bytes: catches reading `binary.data` as base64 in stored modes.
		// (Requests run concurrently, so they arrive in any order.)
		const sent = sb.requests().map((e) => (e.body as { imageSha256: string }).imageSha256);
		expect(sent.sort()).toEqual([sha256('face.jpg'), sha256('face.png'), sha256('face.webp')].sort());
		expect(sb.state().collections.find((c) => c.id === sb.collections.demo)!.faces).toHaveLength(3);
	});

	it('reads a binary moved to json._files by the combined binary mode', async () => {
		const wf = argosWorkflow(add(sb.collections.demo, { binaryPropertyName: '_files.data' }), [{ json: { name: 'ann' }, binary: image('face.jpg') }], {
			settings: { binaryMode: 'combined' },
		});
		const r = await run(wf, { binaryMode: 'filesystem' });
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		expect(success).toHaveLength(1);
		expect((sb.requests()[0].body as { imageSha256: string }).imageSha256).toBe(sha256('face.jpg'));
	});

	it('takes a base64 string or a data URL, and can send a data URL', async () => {
		const b64 = readFileSync(join(IMAGES, 'face.jpg')).toString('base64');
		const items = [
			{ json: { name: 'raw', photo: b64 } },
			{ json: { name: 'url', photo: `data:image/jpeg;base64,${b64}` } },
		];
		const params = add(sb.collections.demo, { imageSource: 'base64', base64Image: '={{ $json.photo }}', options: { sendImageAs: 'dataUrl' } });
		const r = await run(argosWorkflow(params, items));
		expect(outputsOf(r).success).toHaveLength(2);
		expect(sb.requests().map((e) => (e.body as { imageForm: string }).imageForm)).toEqual(['dataUrl', 'dataUrl']);
		expect(sb.requests().map((e) => (e.body as { imageSha256: string }).imageSha256)).toEqual([sha256('face.jpg'), sha256('face.jpg')]);
	});

	it('per-item expressions: each item gets its own userName', async () => {
		const items = ['a@x.io', 'b@x.io', 'c@x.io'].map((email) => ({ json: { email }, binary: image('face.jpg') }));
		const r = await run(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: '={{ $json.email.toUpperCase() }}' }, items));
		expect(outputsOf(r).success.map((i) => i.json.userName)).toEqual(['A@X.IO', 'B@X.IO', 'C@X.IO']);
		expect(sb.requests().map((e) => (e.body as { userName: string }).userName).sort()).toEqual(['A@X.IO', 'B@X.IO', 'C@X.IO']);
	});
});

describe('local checks send nothing', () => {
	it.each([
		['a missing binary property', { json: { name: 'n' } }, 'IMAGE_MISSING', /no binary data at all/],
		['two files and no "data"', { json: { name: 'n' }, binary: { ...image('face.jpg', 'selfie'), ...image('face-b.jpg', 'id') } }, 'IMAGE_AMBIGUOUS', /one of selfie, id/],
		['an empty file', { json: { name: 'n' }, binary: image('empty.jpg') }, 'IMAGE_EMPTY', /without content/],
		['a PDF', { json: { name: 'n' }, binary: image('doc.pdf') }, 'IMAGE_UNSUPPORTED_FORMAT', /JPEG, PNG or WebP/],
		['a HEIC photo', { json: { name: 'n' }, binary: image('photo.heic') }, 'IMAGE_UNSUPPORTED_FORMAT', /HEIC/],
	])('%s → Failed with a local code', async (_label, item, code, hint) => {
		const r = await run(argosWorkflow(add(sb.collections.demo), [item as FixtureItem]));
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(1);
		expect(errorOf(failed[0])).toMatchObject({ code, httpStatus: null, attempts: 0, itemIndex: 0 });
		expect(`${errorOf(failed[0]).message} ${errorOf(failed[0]).description}`).toMatch(hint);
		expect(sb.requests()).toEqual([]);
	});

	it('an oversized image → IMAGE_TOO_LARGE, nothing sent; 0 turns the check off', async () => {
		const big = { json: { name: 'big' }, binary: { data: { base64: Buffer.concat([readFileSync(join(IMAGES, 'face.jpg')), Buffer.alloc(300_000)]).toString('base64'), fileName: 'big.jpg', mimeType: 'image/jpeg' } } };
		const r = await run(argosWorkflow(add(sb.collections.demo, { options: { maxImageSizeMb: 0.2 } }), [big]));
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: 'The image is 0.3 MB, over the 0.2 MB limit' });
		expect(sb.requests()).toEqual([]);
		sb.setConfig({ maxImageBytes: 100_000 });
		const r2 = await run(argosWorkflow(add(sb.collections.demo, { options: { maxImageSizeMb: 0 } }), [big]));
		expect(errorOf(outputsOf(r2).failed[0])).toMatchObject({ code: 6016, httpStatus: 400 });
		expect(sb.requests()).toHaveLength(1);
	});

	it('Failed items keep the input json and binary, paired to their input', async () => {
		const items: FixtureItem[] = [
			{ json: { name: 'ok', applicant: 1 }, binary: image('face.jpg') },
			{ json: { name: 'pdf', applicant: 2 }, binary: image('doc.pdf') },
		];
		const r = await run(argosWorkflow(add(sb.collections.demo), items), { binaryMode: 'filesystem' });
		const { success, failed } = outputsOf(r);
		expect(success).toHaveLength(1);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toMatchObject({ name: 'pdf', applicant: 2, error: { code: 'IMAGE_UNSUPPORTED_FORMAT', itemIndex: 1 } });
		expect(failed[0].binary?.data).toMatchObject({ fileName: 'doc.pdf', mimeType: 'application/pdf' });
		expect(failed[0].pairedItem).toEqual({ item: 1 });
	});
});

describe('ARGOS errors reach Failed with the right code and description', () => {
	const cases: Array<[string, number, () => IDataObject, FixtureItem]> = [
		['unknown collection', 6013, () => add('col_nope'), { json: { name: 'n' }, binary: image('face.jpg') }],
		['deleted collection', 6014, () => add(sb.collections.deleted), { json: { name: 'n' }, binary: image('face.jpg') }],
		['spoof selfie', 6015, () => add(sb.collections.demo), { json: { name: 'n' }, binary: image('spoof.jpg') }],
		['GIF with validation off', 6017, () => add(sb.collections.demo, { options: { validateImage: false } }), { json: { name: 'n' }, binary: image('anim.gif') }],
		['search: unknown collection', 6033, () => ({ operation: 'search', collectionId: 'col_nope' }), { binary: image('face.jpg') }],
		['search: deleted collection', 6034, () => ({ operation: 'search', collectionId: sb.collections.deleted }), { binary: image('face.jpg') }],
		['search: spoof', 6035, () => ({ operation: 'search', collectionId: sb.collections.demo }), { binary: image('spoof.jpg') }],
		['search: HEIC unvalidated', 6037, () => ({ operation: 'search', collectionId: sb.collections.demo, options: { validateImage: false } }), { binary: image('photo.heic') }],
		['list: unknown collection', 6027, () => ({ operation: 'getAll', collectionId: 'col_nope' }), {}],
		['list: deleted collection', 6028, () => ({ operation: 'getAll', collectionId: sb.collections.deleted }), {}],
		['delete: unknown collection', 6021, () => ({ operation: 'deleteFace', collectionId: 'col_nope', faceId: 'face_x' }), {}],
		['delete: deleted collection', 6020, () => ({ operation: 'deleteFace', collectionId: sb.collections.deleted, faceId: 'face_x' }), {}],
		['delete: unknown face', 6022, () => ({ operation: 'deleteFace', collectionId: sb.collections.demo, faceId: 'face_missing' }), {}],
	];
	it.each(cases)('%s → %i', async (_label, code, params, item) => {
		const r = await run(argosWorkflow(params(), [item]));
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(1);
		const error = errorOf(failed[0]);
		expect(error).toMatchObject({ code, httpStatus: 400, retryable: false, outcomeUnknown: false, attempts: 1 });
		expect(error.description).toBe(API_ERRORS[code].byOperation?.[params().operation as 'deleteFace']?.description ?? API_ERRORS[code].description);
		expect(error.apiMessage).toEqual(expect.any(String));
	});

	it('6016 from the sandbox size limit, and errorCode sent as a string', async () => {
		sb.setConfig({ maxImageBytes: 1000, errorCodeAs: 'string' });
		const r = await run(argosWorkflow(add(sb.collections.demo), [{ json: { name: 'n' }, binary: image('face.jpg') }]));
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 6016, description: API_ERRORS[6016].description });
	});

	// Codes the node's own checks normally prevent (missing fields) still map when ARGOS sends them.
	it.each([6010, 6011, 6012, 6018, 6019, 6023, 6024, 6025, 6026, 6029, 6030, 6031, 6032, 6036, 6038])('injected %i is mapped', async (code) => {
		const operation = code < 6018 ? 'add' : code < 6024 ? 'deleteFace' : code < 6030 ? 'getAll' : 'search';
		sb.addFaults({ action: 'status', status: 400, errorCode: code, message: `sandbox ${code}` });
		const params = { add: add(sb.collections.demo), deleteFace: { operation, collectionId: sb.collections.demo, faceId: 'face_x' }, getAll: { operation, collectionId: sb.collections.demo }, search: { operation, collectionId: sb.collections.demo } }[operation];
		const r = await run(argosWorkflow(params, [{ json: { name: 'n' }, binary: image('face.jpg') }]));
		const error = errorOf(outputsOf(r).failed[0]);
		const entry = API_ERRORS[code];
		expect(error).toMatchObject({ code, apiMessage: `sandbox ${code}`, description: (entry.byOperation?.[operation as 'deleteFace'] ?? entry).description });
	});
});

describe('when the node throws and when it routes', () => {
	const items = (n: number): FixtureItem[] => Array.from({ length: n }, (_, i) => ({ json: { name: `p${i}` }, binary: image('face.jpg') }));

	it('a rejected key on the first responses fails the execution with a clear error', async () => {
		const r = await run(argosWorkflow(add(sb.collections.demo), items(3)), {}, sb.disabledApiKey);
		expect(r.status).toBe('error');
		expect(r.error?.message).toBe('ARGOS rejected the API key (ARGOS 6040: Access Denied: API Key is unavailable)');
		expect(r.error?.description).toMatch(/API key again/);
		expect(sb.requests().length).toBeLessThanOrEqual(4); // stops scheduling after the first rejection
	});

	it('a missing key fails with 6039', async () => {
		const r = await run(argosWorkflow(add(sb.collections.demo), items(1)), {}, '');
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/^ARGOS received no API key \(ARGOS 6039/);
	});

	it('403 after a success → Failed; the faceIds already created are kept', async () => {
		sb.addFaults({ skip: 1, count: -1, action: 'status', status: 403, errorCode: 6040, message: 'Access Denied: API Key is unavailable' });
		const r = await run(argosWorkflow(add(sb.collections.demo, { options: { concurrency: 1 } }), items(3)));
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toHaveLength(1);
		expect(success[0].json.faceId).toMatch(/^face_/);
		expect(failed.map((i) => [i.json.name, errorOf(i).code])).toEqual([['p1', 6040], ['p2', 6040]]);
	});

	it('continueOnFail: a rejected key never throws, every item goes to Failed', async () => {
		const r = await run(argosWorkflow(add(sb.collections.demo), items(3), { onError: 'continueRegularOutput' }), {}, sb.disabledApiKey);
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed.map((i) => errorOf(i).code)).toEqual([6040, 6040, 6040]);
	});

	it('"Continue (using error output)": n8n moves Failed items with no fields of their own to its Error output', async () => {
		const wf = argosWorkflow(add(sb.collections.demo, { userName: 'fixed' }), [{ binary: image('doc.pdf') }, { json: { name: 'x' }, binary: image('doc.pdf') }, { binary: image('face.jpg') }], {
			onError: 'continueErrorOutput',
		});
		const r = await run(wf);
		const { success, failed, extra } = outputsOf(r);
		expect(success).toHaveLength(1);
		// The item that had json fields stays on Failed; the bare one has only `error` and n8n re-routes it.
		expect(failed.map((i) => i.json.name)).toEqual(['x']);
		expect(extra[0].map((i) => errorOf(i).code)).toEqual(['IMAGE_UNSUPPORTED_FORMAT']);
	});

	it('an empty typed-in Collection ID fails the execution; an expression that is empty for one item fails that item', async () => {
		const r = await run(argosWorkflow(add('   '), items(2)));
		expect(r.status).toBe('error');
		expect(r.error?.message).toBe('"Collection ID" is empty');
		const r2 = await run(argosWorkflow(add('={{ $json.col }}'), [{ json: { name: 'a', col: sb.collections.demo }, binary: image('face.jpg') }, { json: { name: 'b' }, binary: image('face.jpg') }]));
		expect(r2.status).toBe('success');
		expect(outputsOf(r2).success).toHaveLength(1);
		expect(errorOf(outputsOf(r2).failed[0])).toMatchObject({ code: 'PARAMETER_MISSING', itemIndex: 1 });
	});

	it('a plain-http Base URL to another host is refused before anything is sent', async () => {
		const r = await engine.runWorkflow(argosWorkflow(add(sb.collections.demo), items(1)), {
			credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: 'http://argos.example.com' } },
		});
		runs.push(r);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/uses plain http:\/\/ to a host that is not this machine/);
	});

	it('keeps output order and pairing at concurrency 8 whatever finishes first', async () => {
		sb.setConfig({ latencyMs: 0 });
		sb.addFaults([0, 2, 4].map((skip) => ({ match: { method: 'POST' }, skip, action: 'delay' as const, latencyMs: 80 })));
		const list = items(10);
		list[5] = { json: { name: 'p5' }, binary: image('doc.pdf') };
		const r = await run(argosWorkflow(add(sb.collections.demo, { options: { concurrency: 8 } }), list));
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.userName)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p6', 'p7', 'p8', 'p9']);
		expect(success.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9]);
		expect(failed[0].pairedItem).toEqual({ item: 5 });
	});
});

describe('Search', () => {
	it.each(['A', 'B'] as const)('finds an enrolled face (shape %s) and reports no match for another', async (shape) => {
		sb.setConfig({ searchShape: shape });
		await run(argosWorkflow(add(sb.collections.demo), [{ json: { name: 'ann' }, binary: image('face.jpg') }]));
		const enrolled = sb.state().collections.find((c) => c.id === sb.collections.demo)!.faces[0];
		const r = await run(argosWorkflow({ operation: 'search', collectionId: sb.collections.demo, requestName: 'probe' }, [{ binary: image('face.jpg') }, { binary: image('face-b.jpg') }]));
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		expect(success[0].json).toMatchObject({ matched: true, bestMatch: { faceId: enrolled.faceId } });
		expect(success[1].json).toMatchObject({ matched: false, matches: [] });
		if (shape === 'B') expect(success[0].json.bestMatch).toMatchObject({ userName: 'ann', similarity: expect.any(Number) });
		else expect(success[0].json).toMatchObject({ searchId: expect.any(String), option: expect.any(Object) });
		expect(sb.requests().slice(-2).map((e) => (e.body as { requestName: string }).requestName)).toEqual(['probe', 'probe']);
	});
});

describe('Get Many', () => {
	beforeEach(() => sb.addFaces(sb.collections.demo, 120, { userNamePrefix: 'user' }));

	it('Return All pages through 120 faces (50 per page, 1-based)', async () => {
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: true }, [{}]));
		const { success } = outputsOf(r);
		expect(success).toHaveLength(120);
		expect(new Set(success.map((i) => i.json.faceId)).size).toBe(120);
		expect(success[0].json).toEqual({ faceId: expect.any(String), metaFaceId: expect.any(String), userName: expect.stringMatching(/^user/), collectionId: sb.collections.demo, createdAt: expect.any(String) });
		expect(success.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(sb.requests().map((e) => e.query.page)).toEqual(['1', '2', '3']);
	});

	it('Limit 70 stops after the second page', async () => {
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: false, limit: 70 }, [{}]));
		expect(outputsOf(r).success).toHaveLength(70);
		expect(sb.requests()).toHaveLength(2);
	});

	it('filters by part of the faceId, and refuses a term under 5 characters without sending', async () => {
		const faceId = sb.state().collections.find((c) => c.id === sb.collections.demo)!.faces[7].faceId;
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: true, options: { term: faceId.slice(-8) } }, [{}]));
		expect(outputsOf(r).success.map((i) => i.json.faceId)).toContain(faceId);
		sb.clearRequests();
		const r2 = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: true, options: { term: '={{ "abc" }}' } }, [{}]));
		expect(errorOf(outputsOf(r2).failed[0])).toMatchObject({ code: 'TERM_TOO_SHORT' });
		// Typed in, the same term is wrong for every item: the execution fails.
		const r3 = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: true, options: { term: 'abc' } }, [{}]));
		expect(r3.status).toBe('error');
		expect(r3.error?.message).toMatch(/at least 5 characters \(got 3\)/);
		expect(sb.requests()).toEqual([]);
	});
});

describe('Delete', () => {
	it('deletes a face added earlier', async () => {
		const added = outputsOf(await run(argosWorkflow(add(sb.collections.demo), [{ json: { name: 'ann' }, binary: image('face.jpg') }]))).success[0].json;
		const r = await run(argosWorkflow({ operation: 'deleteFace', collectionId: sb.collections.demo, faceId: '={{ $json.faceId }}' }, [{ json: added }]));
		expect(outputsOf(r).success[0].json).toEqual({ deleted: true, faceId: added.faceId, collectionId: sb.collections.demo });
		expect(sb.state().collections.find((c) => c.id === sb.collections.demo)!.faces).toEqual([]);
	});
});

describe('credential test, as n8n runs it (RoutingNode + rules)', () => {
	it('a valid key passes', async () => {
		const result = await engine.testCredential('argosFacesApi', { apiKey: sb.apiKey, baseUrl: sb.url });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	it('a rejected key fails and says so', async () => {
		const result = await engine.testCredential('argosFacesApi', { apiKey: sb.disabledApiKey, baseUrl: `${sb.url}/modules/` });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^ARGOS rejected the API key/);
	});

	it('an empty key fails with 6039; a key as string errorCode too', async () => {
		expect((await engine.testCredential('argosFacesApi', { apiKey: '', baseUrl: sb.url })).message).toMatch(/no API key \(6039\)/);
		sb.setConfig({ errorCodeAs: 'string' });
		expect((await engine.testCredential('argosFacesApi', { apiKey: 'wrong', baseUrl: sb.url })).message).toMatch(/^ARGOS rejected the API key/);
	});

	it('a server that is not ARGOS fails instead of passing', async () => {
		const other = await startSandbox({ port: 0 });
		other.addFaults({ count: -1, action: 'html', status: 404 });
		const result = await engine.testCredential('argosFacesApi', { apiKey: sb.apiKey, baseUrl: other.url });
		await other.close();
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/did not answer like the ARGOS API/);
	});

	it('plain http to a host it does not know as loopback: the test says so, and nothing is sent (no key, no request)', async () => {
		// [::ffff:127.0.0.1] reaches the sandbox, but is not on the loopback allow-list: it stands for any remote host.
		const result = await engine.testCredential('argosFacesApi', { apiKey: sb.apiKey, baseUrl: `http://[::ffff:127.0.0.1]:${sb.port}` });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'The Base URL uses plain http:// to a host that is not this machine, so the API key is not sent. Use https:// (plain http:// is allowed only for localhost, e.g. the local sandbox).',
		);
		expect(sb.requests()).toEqual([]);
		await engine.testCredential('argosFacesApi', { apiKey: sb.apiKey, baseUrl: `http://localhost:${sb.port}` });
		expect(sb.requests().map((e) => e.apiKey)).toEqual(['valid']);
	});
});
