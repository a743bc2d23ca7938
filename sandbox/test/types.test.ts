// Compiled by ts-jest with the project's strict settings: fails if index.d.ts drifts from how callers use it.
import { startSandbox, sampleImage, DEFAULT_CONFIG, type RequestLogEntry, type Sandbox } from '..';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, config: { latencyMs: 0, searchShape: 'B' } });
});
afterAll(() => sb.close());

test('typed API round trip', async () => {
	const faceImage: string = sampleImage({ faceKey: 'typed', format: 'png' }).toString('base64');
	const res = await fetch(`${sb.url}/modules/faces`, {
		method: 'POST',
		headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json' },
		body: JSON.stringify({ collectionId: sb.collections.demo, userName: 'typed', faceImage }),
	});
	expect(res.status).toBe(200);
	const entry: RequestLogEntry = sb.requests()[0];
	expect(entry.outcome).toBe('added');
	const rules = sb.addFaults([{ action: 'status', status: 429, retryAfter: 1, match: { method: 'GET' } }]);
	expect(rules[0].id).toBeGreaterThan(0);
	expect(sb.faults()).toHaveLength(1);
	sb.clearFaults();
	expect(sb.setRandomFaults({ seed: 1, rate: 0.5, actions: [{ action: 'reset' }] })?.rate).toBe(0.5);
	expect(sb.setConfig({ totalCountAs: 'number' }).totalCountAs).toBe('number');
	expect(DEFAULT_CONFIG.pageSize).toBe(50);
	expect(sb.addCollection({ id: 'col_t', liveness: false }).liveness).toBe(false);
	expect(sb.addFaces('col_t', 2)).toHaveLength(2);
	expect(sb.state().collections.find((c) => c.id === 'col_t')?.faces).toHaveLength(2);
	sb.reset();
});
