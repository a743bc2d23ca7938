// Compiled by ts-jest with the project's strict settings: fails if index.d.ts drifts from how callers use it.
import { startSandbox, sampleImage, readMarkers, DEFAULT_CONFIG, type RequestLogEntry, type Sandbox, type RandomFaultAction, type ImageMarkers, type IdcheckWebhookEncryption, type IdcheckScenarioResult, type IdcheckDelivery } from '../index';

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

test('typed verify surface: markers, config switches, cut fault with weights', async () => {
	const selfie: Buffer = sampleImage({ faceKey: 'typed', livenessScore: 64, documentScores: { sr: 61 }, screenReplay: true });
	const markers: ImageMarkers = readMarkers(selfie);
	expect(markers.liveness).toBe(64);
	expect(markers.sr).toBe(61);
	const cfg = sb.setConfig({ compareShape: 'old', compareOldScale: 100, compareConfidences: false, documentImageField: 'idImage', ipAllowList: ['127.0.0.1'], verifyKeyErrors: 'gateway' });
	expect(cfg.ipAllowList).toEqual(['127.0.0.1']);
	const actions: RandomFaultAction[] = [{ action: 'cut', transfer: 'chunked', bodyBytes: 3, weight: 2 }, { action: 'status', status: 503 }];
	expect(sb.setRandomFaults({ seed: 3, rate: 0.1, actions })?.actions[1].weight).toBe(1);
	const res = await fetch(`${sb.url}/modules/liveness`, {
		method: 'POST',
		headers: { 'x-api-key': sb.apiKey, 'content-type': 'application/json' },
		body: JSON.stringify({ faceImage: selfie.toString('base64') }),
	});
	expect(res.status).toBe(200);
	const entry: RequestLogEntry = sb.requests()[0];
	expect(entry.outcome).toBe('checked');
	expect(entry.livenessScore).toBe(64);
	sb.reset();
});

test('typed webhook faults: knobs, scenario, settled, forge, delivery flags', async () => {
	const cfg = sb.setConfig({ idcheckWebhookSeed: 'typed', idcheckWebhookDuplicates: 1, idcheckWebhookLossRate: 0, idcheckWebhookEncryption: 'aes-256-gcm', idcheckWebhookSecretKey: null });
	const mode: IdcheckWebhookEncryption = cfg.idcheckWebhookEncryption;
	expect(mode).toBe('aes-256-gcm');
	const r: IdcheckScenarioResult = sb.idcheck.scenario({ count: 2, seed: 1, mix: { approvedThenDeleted: 1 } });
	expect(r.submissions[0].events).toEqual(['created', 'approved', 'delete']);
	expect(await sb.idcheck.settled(1000)).toBe(true);
	const forged: IdcheckDelivery = await sb.idcheck.forge({ url: 'http://127.0.0.1:1/none', event: 'approved', submissionId: 'x', headers: ['X-Forwarded-For: 52.78.194.237'] });
	expect(forged.forged).toBe(true);
	expect(forged.state).toBe('failed');
	expect(forged.duplicateOf).toBeNull();
	sb.reset();
});
