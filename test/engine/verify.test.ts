/**
 * Face Liveness, Face Compare and ID Document: the built node in n8n-core's WorkflowExecute against the
 * sandbox over real HTTP. Codes ARGOS sends are injected with the sandbox's fault schedule; local checks
 * are shown to send nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun } from '../harness/engine';
import { API_ERRORS } from '../../nodes/ArgosFaces/errors';
import type { OperationName } from '../../nodes/ArgosFaces/helpers/interfaces';
import { argosWorkflow, errorOf, image, outputsOf, type FixtureItem } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];

async function run(parameters: IDataObject, items: FixtureItem[], apiKey = sb.apiKey, extra: { onError?: string } = {}): Promise<EngineRun> {
	const result = await engine.runWorkflow(argosWorkflow(parameters, items, extra), { credentials: { argosFacesApi: { apiKey, baseUrl: sb.url } } });
	runs.push(result);
	return result;
}

const liveness = (extra: IDataObject = {}) => ({ resource: 'faceLiveness', operation: 'check', ...extra });
const compare = (extra: IDataObject = {}) => ({ resource: 'faceCompare', operation: 'compare', ...extra });
const documentCheck = (extra: IDataObject = {}) => ({ resource: 'idDocument', operation: 'checkLiveness', ...extra });

/** A selfie in `data` and an ID photo in `idPortrait`: what every verify operation can read with its defaults. */
const both = (json: IDataObject = {}): FixtureItem => ({ json, binary: { ...image('face.jpg'), ...image('face-b.jpg', 'idPortrait') } });

const OPERATIONS: Array<[string, OperationName, () => IDataObject, string]> = [
	['Face Liveness → Check', 'check', () => liveness(), '/modules/liveness'],
	['Face Compare → Compare', 'compare', () => compare(), '/modules/compare'],
	['ID Document → Check Liveness', 'checkLiveness', () => documentCheck(), '/modules/document'],
];

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
beforeEach(() => sb.reset());
afterAll(async () => {
	await sb.close();
	await engine.shutdown();
	expect(runs.length).toBeGreaterThan(0);
	for (const r of runs) {
		expect(r.serialized).not.toContain(sb.apiKey);
		expect(r.serialized).not.toContain(sb.disabledApiKey);
		expect(r.logs.join('\n')).not.toContain(sb.apiKey);
	}
});

describe('ARGOS codes of the verify products reach Failed with their description', () => {
	const cases: Array<[string, number, OperationName, () => IDataObject]> = [
		...[1016, 1017].map((code) => [OPERATIONS[0][0], code, 'check', OPERATIONS[0][2]] as [string, number, OperationName, () => IDataObject]),
		...[1000, 1001, 1010].map((code) => [OPERATIONS[1][0], code, 'compare', OPERATIONS[1][2]] as [string, number, OperationName, () => IDataObject]),
		...[1001, 1003, 1005, 1007, 1008, 1009, 1010].map((code) => [OPERATIONS[2][0], code, 'checkLiveness', OPERATIONS[2][2]] as [string, number, OperationName, () => IDataObject]),
	];
	it.each(cases)('%s: %i', async (_label, code, _operation, params) => {
		sb.addFaults({ action: 'status', status: 400, errorCode: code, message: `sandbox ${code}` });
		const r = await run(params(), [both({ name: 'n' })]);
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(1);
		expect(errorOf(failed[0])).toMatchObject({
			code,
			httpStatus: 400,
			retryable: API_ERRORS[code].retryable ?? false,
			apiMessage: `sandbox ${code}`,
			description: API_ERRORS[code].description,
			attempts: 1,
		});
		expect(failed[0].json.name).toBe('n');
		expect(failed[0].binary).toBeDefined();
	});
});

describe.each(OPERATIONS)('%s: transport and key rules', (_label, _operation, params, path) => {
	it('a gateway 403 on the first response fails the execution (nothing has passed)', async () => {
		sb.addFaults({ action: 'status', status: 403, message: 'User is not authorized to access this resource with an explicit deny', count: -1 });
		const r = await run(params(), [both(), both()]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/^ARGOS refused access \(HTTP 403\)/);
		expect(r.error?.description).toMatch(/IP allow-list/);
		expect(sb.requests().every((e) => e.path === path)).toBe(true);
	});

	it('a rejected key (6040) fails the execution; with continueOnFail every item goes to Failed', async () => {
		sb.addFaults({ action: 'status', status: 403, errorCode: 6040, message: 'Access Denied: API Key is unavailable', count: -1 });
		const r = await run(params(), [both()]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/^ARGOS rejected the API key/);
		sb.addFaults({ action: 'status', status: 403, errorCode: 6040, message: 'Access Denied: API Key is unavailable', count: -1 });
		const r2 = await run(params(), [both(), both()], sb.apiKey, { onError: 'continueRegularOutput' });
		expect(r2.status).toBe('success');
		expect(outputsOf(r2).failed.map((i) => errorOf(i).code)).toEqual([6040, 6040]);
	});

	it('an ambiguous 500/502 is retried like a read, up to Max Retries', async () => {
		sb.addFaults({ action: 'status', status: 502, message: 'Bad Gateway', count: -1 });
		const r = await run({ ...params(), options: { maxRetries: 2 } }, [both()]);
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error).toMatchObject({ code: 'SERVER_ERROR', httpStatus: 502, outcomeUnknown: false, attempts: 3 });
		expect(sb.requests().filter((e) => e.path === path)).toHaveLength(3);
	});

	it('a gateway 413 → Failed REQUEST_TOO_LARGE, not retried', async () => {
		sb.setConfig({ maxBodyBytes: 200 });
		const r = await run(params(), [both()]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'REQUEST_TOO_LARGE', httpStatus: 413, attempts: 1 });
	});
});

describe('local checks send nothing', () => {
	it('Compare names which image is wrong: a missing ID portrait, a PDF selfie', async () => {
		const r = await run(compare(), [
			{ json: { name: 'no-id' }, binary: image('face.jpg') },
			{ json: { name: 'pdf' }, binary: { ...image('doc.pdf'), ...image('face.jpg', 'idPortrait') } },
		]);
		const { failed } = outputsOf(r);
		expect(failed.map((i) => [i.json.name, errorOf(i).code])).toEqual([
			['no-id', 'IMAGE_MISSING'],
			['pdf', 'IMAGE_UNSUPPORTED_FORMAT'],
		]);
		expect(errorOf(failed[0]).message).toBe('ID Portrait: No binary property "idPortrait" on this item');
		expect(errorOf(failed[0]).description).toMatch(/binary properties: data/);
		expect(errorOf(failed[1]).message).toMatch(/^Selfie: The file is a PDF document/);
		expect(sb.requests()).toEqual([]);
	});

	it.each([
		['Min Liveness Score', liveness, { minLivenessScore: '={{ $json.t }}' }, [{ t: 'high' }, { t: -1 }, { t: 101 }, { t: { a: 1 } }]],
		['Min Similarity', compare, { minSimilarity: '={{ $json.t }}' }, [{ t: 80 }, { t: 'x' }, { t: -0.1 }, { t: [0.8] }]],
		['Min Score', documentCheck, { minScore: '={{ $json.t }}' }, [{ t: 'NaN' }, { t: 1e9 }, { t: -5 }, { t: null }]],
	])('a %s from an expression that is not a number in range fails only its item', async (label, params, options, values) => {
		const r = await run(params({ options }), (values as IDataObject[]).map((json) => both(json)));
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(4);
		for (const item of failed) {
			expect(errorOf(item)).toMatchObject({ code: 'INVALID_INPUT', httpStatus: null });
			expect(errorOf(item).message).toMatch(new RegExp(`^"${label}" must be a number from`));
		}
		expect(sb.requests()).toEqual([]);
	});

	it('a typed-in threshold out of range, or no pipeline, fails the execution before anything is sent', async () => {
		const r = await run(compare({ options: { minSimilarity: 80 } }), [both()]);
		expect(r.status).toBe('error');
		expect(r.error?.message).toBe('"Min Similarity" must be a number from 0 to 1 (got 80)');
		expect(r.error?.description).toMatch(/0\.8 means 80 %/);
		const r2 = await run(documentCheck({ pipelines: [] }), [both()]);
		expect(r2.status).toBe('error');
		expect(r2.error?.message).toMatch(/"Pipelines" must name at least one/);
		expect(sb.requests()).toEqual([]);
	});
});
