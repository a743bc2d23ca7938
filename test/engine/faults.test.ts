/**
 * Retries and safety under failure: the sandbox's fault schedule against the node in n8n's engine.
 * Invariants checked on every run: each input item ends on exactly one output; no person is enrolled
 * twice; an Add whose outcome is unknown is never repeated ("Skip If Already Enrolled" only searches after it);
 * the requests the sandbox saw match the retries the node reports; the API key appears nowhere.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { type FaultAnswer, type RequestLogEntry, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun } from '../harness/engine';
import { clearInterval, setInterval, setTimeout } from '../support/builtins';
import { argosWorkflow, errorOf, type FixtureItem, outputsOf, sandboxPerFile } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];

sandboxPerFile(runs, (started) => (sb = started));

/** Each applicant has their own face (the sandbox matches faces by the key embedded in the image). */
function applicants(n: number, prefix = 'u'): FixtureItem[] {
	return Array.from({ length: n }, (_, i) => ({
		json: { name: `${prefix}${i}` },
		binary: { data: { base64: sb.sampleImage({ faceKey: `${prefix}${i}` }).toString('base64'), fileName: `${prefix}${i}.jpg`, mimeType: 'image/jpeg' } },
	}));
}

async function enrol(n: number, options: IDataObject = {}, runOptions: engine.RunOptions = {}) {
	const params = { operation: 'add', collectionId: sb.collections.demo, userName: '={{ $json.name }}', options: { concurrency: 2, ...options } };
	const r = await engine.runWorkflow(argosWorkflow(params, applicants(n)), {
		credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
		binaryMode: 'default',
		...runOptions,
	});
	runs.push(r);
	const out = outputsOf(r);
	checkInvariants(n, out.success, out.failed);
	return { r, ...out };
}

const addsOf = (log: RequestLogEntry[], userName: string) =>
	log.filter((e) => e.method === 'POST' && e.path === '/modules/faces' && (e.body as { userName?: string } | null)?.userName === userName);
const requestsOf = (log: RequestLogEntry[], userName: string) =>
	log.filter((e) => (e.body as { userName?: string } | null)?.userName === userName);
/** The sandbox never answered, or answered so that the client cannot know whether the write happened. */
const ambiguous = (e: RequestLogEntry) =>
	e.status === null || (e.fault !== null && ['reset', 'hang', 'malformed', 'html', 'cut'].includes(e.fault.action)) || [500, 502, 503, 504].includes(e.status);

function checkInvariants(n: number, success: INodeExecutionData[], failed: INodeExecutionData[]) {
	// Every input item in exactly one output.
	const paired = [...success, ...failed].map((i) => (i.pairedItem as { item: number }).item).sort((a, b) => a - b);
	expect(paired).toEqual(Array.from({ length: n }, (_, i) => i));
	// No person enrolled twice.
	const faces = sb.state().collections.find((c) => c.id === sb.collections.demo)!.faces;
	const names = faces.map((f) => f.userName);
	expect(new Set(names).size).toBe(names.length);
	// Success items point at faces that exist.
	const ids = new Set(faces.map((f) => f.faceId));
	for (const item of success) expect(ids.has(item.json.faceId as string)).toBe(true);

	const log = sb.requests();
	for (let i = 0; i < n; i++) {
		const adds = addsOf(log, `u${i}`);
		const firstAmbiguous = adds.findIndex(ambiguous);
		// Nothing follows an ambiguous Add for the same person, with or without Skip If Already Enrolled.
		if (firstAmbiguous !== -1) expect(firstAmbiguous).toBe(adds.length - 1);
	}
	// Every request is accounted for: attempts on Failed items equal the requests the sandbox saw for them.
	for (const item of failed) {
		const error = errorOf(item);
		if (typeof error.code === 'string' && error.code.startsWith('IMAGE_')) continue;
		expect(error.attempts).toBe(requestsOf(log, item.json.name as string).length);
	}
}

describe('fault matrix for Add (4 applicants, concurrency 2, the 2nd and 3rd requests fail once)', () => {
	const fault = (answer: FaultAnswer) => sb.addFaults({ match: { method: 'POST', path: '/modules/faces' }, skip: 1, count: 2, ...answer });

	it.each<[string, FaultAnswer]>([
		['429 with Retry-After', { action: 'status', status: 429, retryAfter: '0.05', message: 'Too Many Requests' }],
		['429 without Retry-After', { action: 'status', status: 429, message: 'Too Many Requests' }],
	])('%s is retried: all enrolled once, 2 extra requests', async (_label, answer) => {
		fault(answer);
		const { success, failed } = await enrol(4);
		expect(failed).toEqual([]);
		expect(success).toHaveLength(4);
		expect(sb.requests().filter((e) => e.path === '/modules/faces')).toHaveLength(6);
	});

	it.each<[string, FaultAnswer, string]>([
		['500 before the write', { action: 'status', status: 500 }, 'SERVER_ERROR'],
		['502 after the write', { action: 'status', status: 502, when: 'after' }, 'SERVER_ERROR'],
		['504 after the write', { action: 'status', status: 504, when: 'after' }, 'SERVER_ERROR'],
		['a connection reset', { action: 'reset' }, 'CONNECTION_RESET'],
		['malformed JSON after the write', { action: 'malformed', when: 'after' }, 'INVALID_RESPONSE'],
		['an HTML gateway page', { action: 'html', status: 502 }, 'SERVER_ERROR'],
		['a hang past the timeout', { action: 'hang' }, 'TIMEOUT'],
		// A gateway may answer 503 after its backend read the request: for an add it proves nothing.
		['503 after the write', { action: 'status', status: 503, when: 'after', message: 'Service Unavailable' }, 'SERVICE_UNAVAILABLE'],
	])('%s is ambiguous: Failed with outcomeUnknown, never repeated', async (_label, answer, code) => {
		fault(answer);
		const { success, failed } = await enrol(4, { timeout: 1 });
		expect(success).toHaveLength(2);
		expect(failed).toHaveLength(2);
		for (const item of failed) {
			expect(errorOf(item)).toMatchObject({ code, outcomeUnknown: true, retryable: true, attempts: 1 });
			expect(errorOf(item).description).toMatch(/may have been added anyway/);
		}
		expect(sb.requests().filter((e) => e.path === '/modules/faces')).toHaveLength(4);
	});

	it('403 mid-run: earlier faces kept, the rest Failed with 6040, no throw', async () => {
		sb.addFaults({ skip: 2, count: -1, action: 'status', status: 403, errorCode: 6040, message: 'Access Denied: API Key is unavailable' });
		const { r, success, failed } = await enrol(5, { concurrency: 1 });
		expect(r.status).toBe('success');
		expect(success).toHaveLength(2);
		expect(failed.map((i) => errorOf(i).code)).toEqual([6040, 6040, 6040]);
	});

	it('a Retry-After beyond 60 s is not waited for', async () => {
		sb.addFaults({ action: 'status', status: 429, retryAfter: 3600 });
		const started = Date.now();
		const { failed } = await enrol(1);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(errorOf(failed[0])).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429, attempts: 1 });
	});

	it('retries stop at Max Retries and the item says how many attempts it made', async () => {
		sb.addFaults({ count: -1, action: 'status', status: 429, retryAfter: 0 });
		const { failed } = await enrol(1, { maxRetries: 2 });
		expect(errorOf(failed[0])).toMatchObject({ code: 'RATE_LIMITED', attempts: 3, outcomeUnknown: false });
	});
});

describe('Skip If Already Enrolled', () => {
	it('an existing face is returned with alreadyEnrolled: true and no add', async () => {
		await enrol(2);
		sb.clearRequests();
		const { success } = await enrol(3, { skipIfAlreadyEnrolled: true, concurrency: 1 });
		expect(success.map((i) => [i.json.userName, i.json.alreadyEnrolled])).toEqual([['u0', true], ['u1', true], ['u2', false]]);
		expect(sb.requests().map((e) => e.path)).toEqual(['/modules/search', '/modules/search', '/modules/search', '/modules/faces']);
	});

	it('504 after the write: the add is not sent again; the search afterwards finds the face it made', async () => {
		sb.addFaults({ match: { method: 'POST', path: '/modules/faces' }, count: 3, action: 'status', status: 504, when: 'after' });
		const { success, failed } = await enrol(3, { skipIfAlreadyEnrolled: true, timeout: 1 });
		expect(failed).toEqual([]);
		const faces = sb.state().collections.find((c) => c.id === sb.collections.demo)!.faces;
		expect(faces.map((f) => f.userName).sort()).toEqual(['u0', 'u1', 'u2']);
		expect(success.map((i) => [i.json.faceId, i.json.alreadyEnrolled, i.json.foundAfterLostAnswer]).sort()).toEqual(
			faces.map((f) => [f.faceId, false, true]).sort(),
		);
		for (const name of ['u0', 'u1', 'u2']) expect(addsOf(sb.requests(), name)).toHaveLength(1);
	});

	it.each<[string, FaultAnswer]>([
		['504 before the write', { action: 'status', status: 504 }],
		['a reset before the write', { action: 'reset' }],
	])('%s: the add is not sent again; the face never shows up, so the item fails as an unknown outcome', async (_label, answer) => {
		sb.addFaults({ match: { method: 'POST', path: '/modules/faces' }, count: 3, ...answer });
		const { success, failed } = await enrol(3, { skipIfAlreadyEnrolled: true, timeout: 1 });
		expect(success).toEqual([]);
		for (const item of failed) {
			expect(errorOf(item)).toMatchObject({ outcomeUnknown: true });
			expect(errorOf(item).description).toMatch(/Searching the collection for 3 s afterwards did not find the face; the add was not sent again/);
		}
		for (const name of ['u0', 'u1', 'u2']) expect(addsOf(sb.requests(), name)).toHaveLength(1);
		expect(sb.state().collections.find((c) => c.id === sb.collections.demo)!.faces).toEqual([]);
	});
});

describe('reads retry ambiguous failures', () => {
	it('Get Many and Search repeat after 500, 502, 504 and resets', async () => {
		sb.addFaces(sb.collections.demo, 60);
		const actions: FaultAnswer[] = [{ action: 'status', status: 500 }, { action: 'reset' }, { action: 'status', status: 504 }, { action: 'html', status: 502 }];
		sb.addFaults(actions.map((a) => ({ ...a, match: { method: 'GET' } })));
		const r = await engine.runWorkflow(argosWorkflow({ operation: 'getAll', collectionId: sb.collections.demo, returnAll: true, options: { maxRetries: 5 } }, [{}]), {
			credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
		});
		runs.push(r);
		expect(outputsOf(r).success).toHaveLength(60);
		expect(sb.requests()).toHaveLength(6);
	});
});

describe('cancelling the execution', () => {
	it('a cancelled execution sends nothing more (the transport unit test proves the wait itself stops at once)', async () => {
		sb.addFaults({ count: -1, action: 'status', status: 429, retryAfter: 1 });
		const allRateLimited = new Promise<void>((resolve) => {
			const poll = setInterval(() => sb.requests().length === 3 && (clearInterval(poll), resolve()), 10);
		});
		const r = await engine.runWorkflow(
			argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: '={{ $json.name }}' }, applicants(3)),
			{ credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } }, cancelOn: allRateLimited },
		);
		runs.push(r);
		expect(sb.requests()).toHaveLength(3);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(sb.requests()).toHaveLength(3);
	});
});

describe('a mixed random fault schedule (seed 42) over 300 applicants at concurrency 8', () => {
	it('keeps every invariant', async () => {
		sb.setRandomFaults({
			seed: 42,
			rate: 0.25,
			match: { path: '/modules/*' },
			actions: [
				{ action: 'status', status: 429, retryAfter: 0 },
				{ action: 'status', status: 503, retryAfter: '0' },
				{ action: 'status', status: 500 },
				{ action: 'status', status: 502, when: 'after' },
				{ action: 'status', status: 504, when: 'after' },
				{ action: 'reset' },
				{ action: 'malformed', when: 'after' },
				{ action: 'html', status: 502 },
				// Headers and part of the body, then the socket ends: after the face was stored, and before.
				{ action: 'cut', when: 'after', transfer: 'length' },
				{ action: 'cut', when: 'after', status: 500, transfer: 'chunked' },
				{ action: 'cut', when: 'before', transfer: 'chunked' },
			],
		});
		const { success, failed } = await enrol(300, { concurrency: 8, maxRetries: 3 });
		const log = sb.requests();
		const info = sb.randomFaults()!;
		expect(info.fired).toBeGreaterThan(40);
		// The cut-off answers really happened, and each one ended its item as an unknown outcome, sent once.
		const cuts = log.filter((e) => e.fault?.action === 'cut');
		expect(cuts.length).toBeGreaterThan(5);
		for (const cut of cuts) {
			const name = (cut.body as { userName: string }).userName;
			expect(addsOf(log, name)).toHaveLength(addsOf(log, name).indexOf(cut) + 1);
			expect(errorOf(failed.find((item) => item.json.name === name)!)).toMatchObject({ outcomeUnknown: true });
		}
		expect(success.length + failed.length).toBe(300);
		// Failed items are exactly the ambiguous ones plus those that ran out of retries.
		for (const item of failed) {
			const error = errorOf(item);
			const adds = addsOf(log, item.json.name as string);
			if (error.outcomeUnknown) expect(ambiguous(adds[adds.length - 1])).toBe(true);
			else expect(adds).toHaveLength(4);
		}
		// The retries made match the schedule: every request before an item's last one was a safe fault.
		for (let i = 0; i < 300; i++) {
			const adds = addsOf(log, `u${i}`);
			for (const e of adds.slice(0, -1)) expect(e.status).toBe(429);
		}
	}, 120000);
});
