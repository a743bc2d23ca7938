/**
 * Values from expressions can be anything: n8n does not check what an expression returns against the
 * parameter's type. Each bad value must fail its item with a message naming the field and the item,
 * and nothing may be sent for it. Typed-in values that are wrong for every item fail the run.
 */
import type { IDataObject } from 'n8n-workflow';

import { type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, WorkflowJson } from '../harness/engine';
import { argosWorkflow, errorOf, type FixtureItem, outputsOf, sandboxPerFile } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];

sandboxPerFile(runs, (started) => (sb = started));

async function run(workflow: WorkflowJson): Promise<EngineRun> {
	const r = await engine.runWorkflow(workflow, { credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } }, binaryMode: 'default' });
	runs.push(r);
	return r;
}

const people = (names: string[]): FixtureItem[] =>
	names.map((name) => ({
		json: { name },
		binary: { data: { base64: sb.sampleImage({ faceKey: name }).toString('base64'), fileName: `${name}.jpg`, mimeType: 'image/jpeg' } },
	}));

const add = (extra: IDataObject = {}, options: IDataObject = {}) => ({
	operation: 'add',
	collectionId: sb.collections.demo,
	userName: '={{ $json.name }}',
	...extra,
	options,
});

describe('number options from expressions', () => {
	it.each([
		['NaN', '={{ "x" * 1 }}', 'NaN'],
		['Infinity', '={{ 1 / 0 }}', 'Infinity'],
		['a negative number', '={{ -1 }}', '-1'],
		['an object', '={{ { n: 2 } }}', 'an object'],
		['a fraction', '={{ 2.5 }}', '2.5'],
	])('Max Retries as %s fails the item before any request, naming field and item', async (_, expression, shown) => {
		sb.addFaults({ count: -1, action: 'status', status: 503, retryAfter: 0 });
		const r = await run(argosWorkflow(add({}, { maxRetries: expression }), people(['ann'])));
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(1);
		expect(errorOf(failed[0])).toMatchObject({ code: 'PARAMETER_INVALID', attempts: 0 });
		expect(errorOf(failed[0]).message).toBe(`"Max Retries" must be a whole number from 0 to 10, but item 0 gave ${shown}`);
		expect(sb.requests()).toHaveLength(0);
	});

	it('only the item whose expression is bad fails; the others are sent', async () => {
		const r = await run(argosWorkflow(add({}, { timeout: '={{ $json.name === "bo" ? 0 : 30 }}' }), people(['ann', 'bo', 'cy'])));
		const { success, failed } = outputsOf(r);
		expect(success.map((i) => i.json.userName)).toEqual(['ann', 'cy']);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(errorOf(failed[0]).message).toBe('"Timeout (Seconds)" must be a whole number from 1 to 600, but item 1 gave 0');
		expect(sb.requests()).toHaveLength(2);
	});

	it('numbers given as text count as numbers: Max Retries "2" makes 3 attempts', async () => {
		// 429 is the answer an add may repeat (a 503 may come after the backend read it).
		sb.addFaults({ count: -1, action: 'status', status: 429, retryAfter: 0 });
		const r = await run(argosWorkflow(add({}, { maxRetries: '={{ "2" }}', concurrency: '={{ " 2 " }}' }), people(['ann'])));
		const { failed } = outputsOf(r);
		expect(errorOf(failed[0])).toMatchObject({ code: 'RATE_LIMITED', attempts: 3 });
		expect(sb.requests()).toHaveLength(3);
	});

	it('Concurrency beyond the editor maximum (32) from an expression fails every item, sending nothing', async () => {
		const r = await run(argosWorkflow(add({}, { concurrency: '={{ 1000 }}' }), people(['ann', 'bo'])));
		expect(r.status).toBe('success');
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(errorOf(failed[1]).message).toBe('"Concurrency" must be a whole number from 1 to 32, but item 0 gave 1000');
		expect(sb.requests()).toHaveLength(0);
	});

	it('a typed-in Concurrency out of range (e.g. from an imported workflow) fails the run', async () => {
		const r = await run(argosWorkflow(add({}, { concurrency: 64 }), people(['ann'])));
		expect(r.status).toBe('error');
		expect(r.error?.message).toContain('"Concurrency" must be a whole number from 1 to 32');
		expect(sb.requests()).toHaveLength(0);
	});
});

describe('Get Many Limit', () => {
	it.each([
		['-5', '={{ -5 }}', '-5'],
		['"abc"', '={{ "abc" }}', '"abc"'],
		['0', '={{ 0 }}', '0'],
	])('Limit %s fails the item without listing anything', async (_, expression, shown) => {
		sb.addFaces(sb.collections.demo, 50);
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, limit: expression }, [{ json: {} }]));
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(errorOf(failed[0]).message).toBe(`"Limit" must be a whole number 1 or more, but item 0 gave ${shown}`);
		expect(sb.requests()).toHaveLength(0);
	});

	it('Limit "7" as text returns 7 faces', async () => {
		sb.addFaces(sb.collections.demo, 50);
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, limit: '={{ "7" }}' }, [{ json: {} }]));
		expect(outputsOf(r).success).toHaveLength(7);
	});

	it('Return All from an expression must be a boolean', async () => {
		const r = await run(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: '={{ "yes" }}' }, [{ json: {} }]));
		expect(errorOf(outputsOf(r).failed[0]).message).toBe('"Return All" must be true or false, but item 0 gave "yes"');
		expect(sb.requests()).toHaveLength(0);
	});
});

describe('text fields from expressions', () => {
	it.each([
		['Collection ID', { collectionId: '={{ { id: "x" } }}' }, 'an object'],
		['Collection ID', { collectionId: '={{ ["a", "b"] }}' }, 'an array'],
		['User Name', { userName: '={{ true }}' }, 'true'],
		['User Name', { userName: '={{ ["ann"] }}' }, 'an array'],
	])('%s as %j fails the item, nothing sent', async (label, params, shown) => {
		const r = await run(argosWorkflow(add(params), people(['ann'])));
		const { failed } = outputsOf(r);
		expect(errorOf(failed[0]).message).toBe(`"${label}" must be text, but item 0 gave ${shown}`);
		expect(sb.requests()).toHaveLength(0);
	});

	it('a number becomes text: User Name 12345 is stored as "12345"', async () => {
		const r = await run(argosWorkflow(add({ userName: '={{ 12345 }}' }), people(['ann'])));
		const { success } = outputsOf(r);
		expect(success[0].json.userName).toBe('12345');
		expect((sb.requests()[0].body as { userName: string }).userName).toBe('12345');
	});

	it('Delete Face ID and Search Request Name check their values too', async () => {
		const del = await run(
			argosWorkflow({ operation: 'deleteFace', collectionId: sb.collections.demo, faceId: '={{ { faceId: "f" } }}' }, [{ json: {} }]),
		);
		expect(errorOf(outputsOf(del).failed[0]).message).toBe('"Face ID" must be text, but item 0 gave an object');
		const search = await run(
			argosWorkflow({ operation: 'search', collectionId: sb.collections.demo, requestName: '={{ [1, 2] }}' }, people(['ann'])),
		);
		expect(errorOf(outputsOf(search).failed[0]).message).toBe('"Request Name" must be text, but item 0 gave an array');
		expect(sb.requests()).toHaveLength(0);
	});

	it.each([
		['Max Image Size (MB)', { maxImageSizeMb: '={{ -1 }}' }, 'a number from 0 to 1024, but item 0 gave -1'],
		['Validate Image', { validateImage: '={{ "no" }}' }, 'true or false, but item 0 gave "no"'],
		['Send Image As', { sendImageAs: '={{ "hex" }}' }, '"base64" or "dataUrl", but item 0 gave "hex"'],
	])('image option %s is checked too', async (label, options, rest) => {
		const r = await run(argosWorkflow(add({}, options), people(['ann'])));
		expect(errorOf(outputsOf(r).failed[0]).message).toBe(`"${label}" must be ${rest}`);
		expect(sb.requests()).toHaveLength(0);
	});

	it('a Base64 Image that is an object fails the item', async () => {
		const r = await run(argosWorkflow(add({ imageSource: 'base64', base64Image: '={{ { data: "x" } }}' }), people(['ann'])));
		expect(errorOf(outputsOf(r).failed[0]).message).toBe('"Base64 Image" must be text, but item 0 gave an object');
		expect(sb.requests()).toHaveLength(0);
	});

	it('Skip If Already Enrolled from an expression must be a boolean', async () => {
		const r = await run(argosWorkflow(add({}, { skipIfAlreadyEnrolled: '={{ "maybe" }}' }), people(['ann'])));
		expect(errorOf(outputsOf(r).failed[0]).message).toBe('"Skip If Already Enrolled" must be true or false, but item 0 gave "maybe"');
		expect(sb.requests()).toHaveLength(0);
	});
});
