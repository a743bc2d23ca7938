/**
 * An onboarding chain in one workflow: Face Liveness → Face Compare → ID Document → Add, each on the
 * Success output of the one before, with no node that reads the files again. It works because a check's
 * Success items carry the input item's files on; every request must carry the applicant's own bytes.
 */
import type { IDataObject } from 'n8n-workflow';

import { type Sandbox, type SampleImageOptions } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, WorkflowJson } from '../harness/engine';
import { argosWorkflow, chainWorkflow, errorOf, type FixtureItem, outputsOf, sandboxPerFile, sentImages, sha } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];

sandboxPerFile(runs, (started) => (sb = started));

const STEPS: Array<[string, IDataObject]> = [
	['Liveness', { resource: 'faceLiveness', operation: 'check' }],
	['Compare', { resource: 'faceCompare', operation: 'compare' }],
	// The ID photo is in `idPortrait` (Compare's default); the selfie stays in `data` for Add.
	['Document', { resource: 'idDocument', operation: 'checkLiveness', binaryPropertyName: 'idPortrait' }],
	['Enrol', { resource: 'face', operation: 'add', userName: '={{ $("Items").item.json.name }}' }],
];

const chain = (items: FixtureItem[], collectionId: string): WorkflowJson =>
	chainWorkflow(
		'onboarding chain',
		items,
		STEPS.map(([name, parameters]) => [name, { ...parameters, ...(parameters.operation === 'add' && { collectionId }) }]),
	);

const APPLICANTS: Array<{ name: string; selfie: SampleImageOptions; id: SampleImageOptions; ends: string }> = [
	{ name: 'pat', selfie: { faceKey: 'pat' }, id: { faceKey: 'pat', format: 'png' }, ends: 'Enrol' },
	{ name: 'sam', selfie: { faceKey: 'sam', spoof: true }, id: { faceKey: 'sam', format: 'png' }, ends: 'Liveness' },
	{ name: 'max', selfie: { faceKey: 'max' }, id: { faceKey: 'someone-else', format: 'png' }, ends: 'Compare' },
	{ name: 'sue', selfie: { faceKey: 'sue' }, id: { faceKey: 'sue', format: 'png', screenReplay: true }, ends: 'Document' },
];

describe('a check passes its files on to the next step', () => {
	it.each(['default', 'filesystem'] as const)('Liveness → Compare → Document → Add in one workflow (%s binary mode)', async (binaryMode) => {
		const files = APPLICANTS.map((a) => ({ selfie: sb.sampleImage(a.selfie), id: sb.sampleImage(a.id) }));
		const items: FixtureItem[] = APPLICANTS.map((a, i) => ({
			json: { name: a.name },
			binary: {
				data: { base64: files[i].selfie.toString('base64'), fileName: `${a.name}-selfie.jpg`, mimeType: 'image/jpeg' },
				idPortrait: { base64: files[i].id.toString('base64'), fileName: `${a.name}-id.png`, mimeType: 'image/png' },
			},
		}));
		const r = await engine.runWorkflow(chain(items, sb.collections.demo), {
			credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
			binaryMode,
		});
		runs.push(r);
		expect(r.status).toBe('success');

		// Each applicant stops at the check they fail, on its Failed output, paired to the original item.
		for (const [step] of STEPS) {
			const [, failed = []] = r.outputs(step);
			const stopped = APPLICANTS.filter((a) => a.ends === step && step !== 'Enrol').map((a) => `${a.name}-selfie.jpg`);
			// After the first check an item's json is the previous check's result; its files say whose it is.
			expect(failed.map((item) => item.binary?.data?.fileName)).toEqual(stopped);
			for (const item of failed) expect(errorOf(item).applicantMessage).toEqual(expect.any(String));
		}
		const [enrolled] = r.outputs('Enrol');
		expect(enrolled.map((item) => item.json.userName)).toEqual(['pat']);

		// Passing items carry both files, and each check was sent the applicant's own bytes.
		const [livenessPassed] = r.outputs('Liveness');
		expect(livenessPassed.map((item) => Object.keys(item.binary ?? {}).sort())).toEqual([
			['data', 'idPortrait'],
			['data', 'idPortrait'],
			['data', 'idPortrait'],
		]);
		// Paired to the original item, and the very same binary entries (in filesystem mode: the same stored id).
		const [items0] = r.outputs('Items');
		expect(livenessPassed.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }]);
		livenessPassed.forEach((item, i) => {
			const input = items0[[0, 2, 3][i]];
			expect(item.binary!.data).toEqual(input.binary!.data);
			if (binaryMode === 'filesystem') expect(item.binary!.idPortrait.id).toMatch(/^filesystem/);
			expect(item.binary!.idPortrait.id).toBe(input.binary!.idPortrait.id);
		});
		const byPath = (path: string) => sb.requests().filter((e) => e.path === path).map(sentImages);
		const of = (...names: string[]) => names.map((n) => files[APPLICANTS.findIndex((a) => a.name === n)]);
		expect(byPath('/modules/liveness').map((s) => s.faceImage).sort()).toEqual(files.map((f) => sha(f.selfie)).sort());
		expect(byPath('/modules/compare').sort((a, b) => String(a.originFace).localeCompare(String(b.originFace)))).toEqual(
			of('pat', 'max', 'sue')
				.map((f) => ({ originFace: sha(f.selfie), targetFace: sha(f.id) }))
				.sort((a, b) => a.originFace.localeCompare(b.originFace)),
		);
		expect(byPath('/modules/document').map((s) => s.idImage).sort()).toEqual(of('pat', 'sue').map((f) => sha(f.id)).sort());
		expect(byPath('/modules/faces').map((s) => s.faceImage)).toEqual([sha(of('pat')[0].selfie)]);
	});

	it('Face operations keep their documented output: Add does not pass files on', async () => {
		const items: FixtureItem[] = [{ json: { name: 'pat' }, binary: { data: { base64: sb.sampleImage({ faceKey: 'pat' }).toString('base64'), fileName: 'pat.jpg', mimeType: 'image/jpeg' } } }];
		const wf = argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: '={{ $json.name }}' }, items);
		const r = await engine.runWorkflow(wf, { credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } }, binaryMode: 'default' });
		runs.push(r);
		const { success } = outputsOf(r);
		expect(success.map((item) => item.json.userName)).toEqual(['pat']);
		expect(success[0].binary).toBeUndefined();
	});
});
