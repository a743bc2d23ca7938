/** The example workflows users import, run unchanged through n8n's engine (both binary modes), and the demo. */
import { createHash } from 'crypto';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import { childProcess, fs, path, process, REPO_ROOT } from '../support/builtins';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { exampleStandins } = require('../../scripts/lib/merge-standin');

const { spawnSync } = childProcess;
const { readFileSync } = fs;
const { join } = path;
const REPO = REPO_ROOT;
const APPLICANTS = join(REPO, 'examples/images/applicants');
const readJson = (file: string) => JSON.parse(readFileSync(join(REPO, file), 'utf8'));
const simple = readJson('examples/onboarding.workflow.json');
const full = readJson('examples/full-onboarding.workflow.json');
const sha = (file: string) => createHash('sha256').update(readFileSync(join(APPLICANTS, file))).digest('hex');
const errorOf = (item: INodeExecutionData) => item.json.error as IDataObject;
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
	const run = await engine.runWorkflow(simple, {
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

it.each(['filesystem', 'default'] as const)(
	'examples/full-onboarding.workflow.json: each applicant ends on the branch of the check that stops them (%s)',
	async (binaryMode) => {
		sb.reset();
		const run = await engine.runWorkflow(full, {
			credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
			filesBaseDir: REPO,
			binaryMode,
			extraNodeTypes: exampleStandins(engine),
		});
		const requests = sb.requests();
		expect(run.status).toBe('success');
		// Failed items keep the files they came with: the selfie's name says whose they are.
		const ended = (node: string) => (run.outputs(node)[0] ?? []).map((i) => [i.binary?.selfie?.fileName, errorOf(i).code]);

		expect(run.outputs('Enrolled')[0].map((i) => i.json.userName)).toEqual(['eileen']);
		expect(run.outputs('Enrolled')[0][0].json.faceId).toMatch(/^face_[0-9a-f]{16}$/);
		expect(ended('Liveness Check Failed')).toEqual([
			['carl-selfie.jpg', 'LIVENESS_BELOW_THRESHOLD'],
			['henry-selfie.pdf', 'IMAGE_UNSUPPORTED_FORMAT'],
		]);
		expect(ended('Face Compare Failed')).toEqual([['dana-selfie.jpg', 'FACES_DO_NOT_MATCH']]);
		expect(ended('ID Document Check Failed')).toEqual([['grace-selfie.jpg', 'DOCUMENT_SUSPECTED']]);
		// No node reads a file twice: the checks pass the applicant's files on.
		expect(run.ranNodes().filter((n) => /^Read /.test(n)).sort()).toEqual(['Read ID Photo', 'Read Selfies']);
		expect(errorOf(run.outputs('ID Document Check Failed')[0][0]).failedPipelines).toEqual(['screenReplay']);
		expect(run.ranNodes()).not.toContain('Enrolment Failed');

		// Each check got only the applicants who passed the one before, with the right files: the selfie as
		// originFace and the applicant's own ID photo as targetFace (what the Merge node paired up).
		const posts = (path: string) => requests.filter((r) => r.method === 'POST' && r.path === path);
		const images = (path: string, field: string) => posts(path).map((r) => (r.body as { images: Record<string, { sha256: string }> }).images[field].sha256).sort();
		const shas = (...files: string[]) => files.map(sha).sort();
		expect(images('/modules/liveness', 'faceImage')).toEqual(shas('carl-selfie.jpg', 'dana-selfie.jpg', 'eileen-selfie.jpg', 'grace-selfie.jpg'));
		const pairs = posts('/modules/compare').map((r) => {
			const img = (r.body as { images: Record<string, { sha256: string }> }).images;
			return [img.originFace.sha256, img.targetFace.sha256];
		});
		expect(pairs.sort()).toEqual(
			[
				[sha('dana-selfie.jpg'), sha('dana-id.jpg')],
				[sha('eileen-selfie.jpg'), sha('eileen-id.jpg')],
				[sha('grace-selfie.jpg'), sha('grace-id.jpg')],
			].sort(),
		);
		expect(images('/modules/document', 'idImage')).toEqual(shas('eileen-id.jpg', 'grace-id.jpg'));
		expect(posts('/modules/faces').map((r) => (r.body as { imageSha256?: string }).imageSha256)).toEqual([sha('eileen-selfie.jpg')]);
		expect(run.serialized).not.toContain(sb.apiKey);
	},
);

it('npm run demo (scripts/demo.js) runs the full onboarding and exits 0, printing where each applicant ended', () => {
	const r = spawnSync(process.execPath, [join(REPO, 'scripts/demo.js')], { cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
	expect(r.stderr).toBe('');
	expect(r.status).toBe(0);
	const row = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(`  ${name} `)) ?? '';
	expect(row('eileen')).toMatch(/✓ Enrolled +faceId +face_[0-9a-f]{16}/);
	expect(row('carl')).toMatch(/✗ Liveness Check Failed +LIVENESS_BELOW_THRESHOLD/);
	expect(row('dana')).toMatch(/✗ Face Compare Failed +FACES_DO_NOT_MATCH/);
	expect(row('grace')).toMatch(/✗ ID Document Check Failed +DOCUMENT_SUSPECTED/);
	expect(row('henry')).toMatch(/✗ Liveness Check Failed +IMAGE_UNSUPPORTED_FORMAT/);
	expect(r.stdout).toContain('ARGOS requests: 4 liveness, 3 compare, 2 document, 1 add.');
});
