/** The example workflow users import, run unchanged through n8n's engine (both binary modes). */
import { readFileSync } from 'fs';
import { join } from 'path';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';

const REPO = join(__dirname, '../..');
const workflow = JSON.parse(readFileSync(join(REPO, 'examples/onboarding.workflow.json'), 'utf8'));
let sb: Sandbox;

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
afterAll(async () => {
	await sb.close();
	await engine.shutdown();
});

it.each(['filesystem', 'default'] as const)('examples/onboarding.workflow.json enrols 2 applicants and routes 2 to Needs attention (%s)', async (binaryMode) => {
	sb.reset();
	const run = await engine.runWorkflow(workflow, {
		credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
		filesBaseDir: REPO,
		binaryMode,
	});
	expect(run.status).toBe('success');
	const enrolled = run.outputs('Enrolled')[0].map((i) => i.json.userName).sort();
	const attention = run.outputs('Needs attention')[0].map((i) => [i.json.fileName, (i.json.error as { code: unknown }).code]);
	expect(enrolled).toEqual(['astronaut', 'cameraman']);
	expect(attention.sort()).toEqual([
		['not-a-photo.pdf', 'IMAGE_UNSUPPORTED_FORMAT'],
		['spoof-screen-photo.jpg', 6015],
	]);
	expect(run.serialized).not.toContain(sb.apiKey);
});
