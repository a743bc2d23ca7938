/**
 * The node as an AI agent's tool (issue: onboarding checks). A tool gets no binary data: the agent
 * passes image links, filled through $fromAI(...), and n8n-core's own tool wrapping turns those into
 * the arguments the model is asked for. Passing and failing checks both reach the agent as data.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { callAsTool } from './agent';
import { startImageHost, type ImageHost } from './imageServer';

let sb: Sandbox;
let host: ImageHost;
const runs: EngineRun[] = [];

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
	host = await startImageHost();
});
beforeEach(() => sb.reset());
afterAll(async () => {
	await sb.close();
	await host.close();
	await engine.shutdown();
	expect(runs.length).toBeGreaterThan(0);
	for (const r of runs) expect(r.serialized).not.toContain(sb.apiKey);
	// The image host is reached without the ARGOS key.
	expect(host.requests.length).toBeGreaterThan(0);
	for (const req of host.requests) expect(req.headers['x-api-key']).toBeUndefined();
});

async function run(workflow: WorkflowJson, options: RunOptions): Promise<EngineRun> {
	const r = await engine.runWorkflow(workflow, { credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } }, ...options });
	runs.push(r);
	return r;
}

const fromAI = (key: string, description: string) => `={{ $fromAI('${key}', '${description}', 'string') }}`;
const urlOf = (name: string, options: Parameters<Sandbox['sampleImage']>[0]) => host.serve(`/${name}.jpg`, sb.sampleImage(options));
const selfieByUrl = { imageSource: 'url', imageUrl: fromAI('selfieUrl', 'https link to the applicant selfie') };
// The image host is on loopback, which a tool refuses unless the workflow owner allows it (tool-ssrf.test.ts).
const call = async (parameters: IDataObject, args: IDataObject) =>
	await callAsTool({ ...parameters, options: { allowPrivateImageHosts: true } }, args, run);

describe('the agent fills image links through $fromAI', () => {
	it('Face Liveness → Check: a live selfie passes, a spoof comes back as a failure with advice', async () => {
		const parameters = { resource: 'faceLiveness', operation: 'check', ...selfieByUrl };
		const live = await call(parameters, { selfieUrl: urlOf('live', { faceKey: 'ann' }) });
		expect(live.arguments).toEqual(['selfieUrl']);
		expect(live.answer).toEqual([expect.objectContaining({ passed: true, threshold: 50, image: expect.objectContaining({ source: 'url', host: expect.stringMatching(/^127\.0\.0\.1:/) }) })]);

		const spoof = await call(parameters, { selfieUrl: urlOf('spoof', { faceKey: 'ann', spoof: true }) });
		const [{ error }] = spoof.answer as Array<{ error: IDataObject }>;
		expect(error).toMatchObject({ code: 'LIVENESS_BELOW_THRESHOLD', score: expect.any(Number), threshold: 50 });
		expect(error.description).toMatch(/retake/);
	});

	it('Face Compare → Compare: two links, a match passes and a mismatch is reported', async () => {
		const parameters = {
			resource: 'faceCompare',
			operation: 'compare',
			...selfieByUrl,
			targetImageSource: 'url',
			targetImageUrl: fromAI('idPortraitUrl', 'https link to the photo of the ID document'),
		};
		const match = await call(parameters, { selfieUrl: urlOf('bo-selfie', { faceKey: 'bo' }), idPortraitUrl: urlOf('bo-id', { faceKey: 'bo', format: 'png' }) });
		expect(match.arguments).toEqual(['idPortraitUrl', 'selfieUrl']);
		expect(match.answer).toEqual([expect.objectContaining({ passed: true, similarity: expect.any(Number) })]);

		const other = await call(parameters, { selfieUrl: urlOf('bo-selfie', { faceKey: 'bo' }), idPortraitUrl: urlOf('cy-id', { faceKey: 'cy', format: 'png' }) });
		expect((other.answer as Array<{ error: IDataObject }>)[0].error).toMatchObject({ code: 'FACES_DO_NOT_MATCH' });
	});

	it('Face → Add then Search: the agent enrols a person from a link and finds them again', async () => {
		const add = await call(
			{ resource: 'face', operation: 'add', collectionId: sb.collections.demo, userName: fromAI('applicantId', 'the applicant id'), ...selfieByUrl },
			{ applicantId: 'dee-42', selfieUrl: urlOf('dee', { faceKey: 'dee' }) },
		);
		expect(add.arguments).toEqual(['applicantId', 'selfieUrl']);
		const [added] = add.answer as IDataObject[];
		expect(added).toMatchObject({ faceId: expect.stringMatching(/^face_/), userName: 'dee-42' });

		const search = await call(
			{ resource: 'face', operation: 'search', collectionId: sb.collections.demo, requestName: 'agent', ...selfieByUrl },
			{ selfieUrl: urlOf('dee-again', { faceKey: 'dee' }) },
		);
		expect(search.answer).toEqual([expect.objectContaining({ matched: true, bestMatch: expect.objectContaining({ faceId: added.faceId }) })]);
	});

	it('a link that cannot be downloaded reaches the agent as a failure, not as an empty answer; the cause is withheld', async () => {
		const r = await call({ resource: 'faceLiveness', operation: 'check', ...selfieByUrl }, { selfieUrl: `${host.url}/missing.jpg?token=SECRET` });
		const [{ error }] = r.answer as Array<{ error: IDataObject }>;
		expect(error).toMatchObject({ code: 'IMAGE_DOWNLOAD_FAILED', message: 'Could not download the image from this link' });
		expect(JSON.stringify(error)).not.toMatch(/SECRET|127\.0\.0\.1|404/);
		expect(sb.requests()).toHaveLength(0);
	});
});
