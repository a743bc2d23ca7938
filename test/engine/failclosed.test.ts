/**
 * Fail closed: the eight ways the onboarding gate could be passed or an applicant enrolled twice (issue
 * "Fail closed"), each through n8n-core's engine against the sandbox. Every test here failed on the code
 * before the fix. The chain is the README's own: the four Argos Faces nodes of
 * examples/full-onboarding.workflow.json with their parameters as committed, fed by one item per applicant.
 */
import type { IDataObject } from 'n8n-workflow';

import { type Sandbox } from '../../sandbox';
import type { EngineRun } from '../harness/engine';
import { argosWorkflow, CHAIN, errorOf, exampleChain, type FixtureItem, MODES, outputsOf, sandboxPerFile, sandboxRunner, sentImages, sha } from './helpers';
import { startImageHost, type ImageHost } from './imageServer';

let sb: Sandbox;
const runs: EngineRun[] = [];
sandboxPerFile(runs, (started) => (sb = started));

const run = sandboxRunner(runs, () => sb);

const file = (bytes: Buffer, fileName: string, mimeType = 'image/jpeg') => ({ base64: bytes.toString('base64'), fileName, mimeType });
const selfieOf = (who: string) => sb.sampleImage({ faceKey: who });
const idOf = (who: string) => sb.sampleImage({ faceKey: who, label: 'id card' });
const facesIn = (collectionId: string) => sb.state().collections.find((c) => c.id === collectionId)!.faces;
const requestsTo = (path: string) => sb.requests().filter((e) => e.path === path);

describe('1. an ID photo alone passes nothing', () => {
	it.each(MODES)('the README chain with only the victim\'s ID photo stops at the first check, nothing compared or enrolled (%s)', async (mode) => {
		const items: FixtureItem[] = [{ json: { name: 'mallory' }, binary: { idPhoto: file(idOf('victim'), 'victim-id.jpg') } }];
		const r = await run(exampleChain(items, sb.collections.demo), mode);
		expect(r.status).toBe('success');
		const [passed, failed] = r.outputs('Selfie Liveness');
		expect(passed).toEqual([]);
		expect(errorOf(failed[0])).toMatchObject({ code: 'IMAGE_MISSING', message: 'No binary property "selfie" on this item' });
		expect(errorOf(failed[0]).description).toMatch(/never uses another file in its place/);
		expect(requestsTo('/modules/compare')).toEqual([]);
		expect(requestsTo('/modules/faces')).toEqual([]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});

	it('Face Compare alone, selfie field typed and absent: Failed, nothing sent to /modules/compare', async () => {
		const parameters = { resource: 'faceCompare', operation: 'compare', binaryPropertyName: 'selfie', targetBinaryPropertyName: 'idPhoto' };
		const r = await run(argosWorkflow(parameters, [{ json: {}, binary: { idPhoto: file(idOf('victim'), 'victim-id.jpg') } }]));
		expect(outputsOf(r).success).toEqual([]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_MISSING' });
		expect(sb.requests()).toEqual([]);
	});
});

describe('3. an add that may have happened is never sent again', () => {
	it('ARGOS takes 2.5 s per add, Timeout 1 s, Skip If Already Enrolled on: one add, one face, the face it made returned', async () => {
		sb.addFaults({ match: { method: 'POST', path: '/modules/faces' }, count: -1, action: 'delay', latencyMs: 2500 });
		const parameters = { operation: 'add', collectionId: sb.collections.demo, userName: 'ann', options: { skipIfAlreadyEnrolled: true, timeout: 1 } };
		const r = await run(argosWorkflow(parameters, [{ json: {}, binary: { data: file(selfieOf('ann'), 'ann.jpg') } }]));
		const faces = facesIn(sb.collections.demo);
		expect(faces).toHaveLength(1);
		expect(requestsTo('/modules/faces').filter((e) => e.method === 'POST')).toHaveLength(1);
		expect(outputsOf(r).failed).toEqual([]);
		expect(outputsOf(r).success[0].json).toMatchObject({ faceId: faces[0].faceId, userName: 'ann', alreadyEnrolled: false, foundAfterLostAnswer: true });
	}, 20000);
});

describe('4. the checks pass the files on in the combined binary mode', () => {
	it('a genuine applicant goes through the README chain and is enrolled from their selfie', async () => {
		const selfie = selfieOf('pat');
		const id = idOf('pat');
		const items: FixtureItem[] = [{ json: { name: 'pat' }, binary: { selfie: file(selfie, 'pat-selfie.jpg'), idPhoto: file(id, 'pat-id.jpg') } }];
		// In the engine's combined mode $('Items') reads empty (an n8n expression matter, not this node's): the name is given as is.
		const r = await run(exampleChain(items, sb.collections.demo, 'pat'), 'combined');
		for (const step of CHAIN.slice(0, 3)) {
			const [passed] = r.outputs(step);
			expect(Object.keys((passed[0].json._files ?? {}) as IDataObject).sort()).toEqual(['idPhoto', 'selfie']);
			expect(passed[0].binary).toBeUndefined();
		}
		expect(r.outputs('Enrol Face')[0].map((i) => i.json.userName)).toEqual(['pat']);
		expect(requestsTo('/modules/compare').map(sentImages)).toEqual([{ originFace: sha(selfie), targetFace: sha(id) }]);
		expect(requestsTo('/modules/faces').map(sentImages)).toEqual([{ faceImage: sha(selfie) }]);
	});
});

describe('5. the applicant is told about the photo they can fix', () => {
	const document = { resource: 'idDocument', operation: 'checkLiveness' };

	it('ID Document: several files or none ask for the ID document, never for a photo of a face', async () => {
		const items: FixtureItem[] = [
			{ json: {}, binary: { front: file(idOf('a'), 'front.jpg'), back: file(idOf('b'), 'back.jpg') } },
			{ json: {} },
		];
		const r = await run(argosWorkflow(document, items));
		const errors = outputsOf(r).failed.map(errorOf);
		expect(errors.map((e) => e.code)).toEqual(['IMAGE_AMBIGUOUS', 'IMAGE_MISSING']);
		for (const e of errors) {
			expect(e.applicantMessage).toMatch(/ID document/);
			expect(e.applicantMessage).not.toMatch(/face/);
		}
	});

	it('Face Compare: an ID portrait without a face asks for a new photo of the ID, not of the face', async () => {
		const parameters = { resource: 'faceCompare', operation: 'compare' };
		const items: FixtureItem[] = [{ json: {}, binary: { data: file(selfieOf('cy'), 'cy.jpg'), idPortrait: file(sb.sampleImage({ faceKey: 'cy', unreadable: true }), 'id.jpg') } }];
		const error = errorOf(outputsOf(await run(argosWorkflow(parameters, items))).failed[0]);
		expect(error).toMatchObject({ code: 'FACE_NOT_DETECTED' });
		expect(error.applicantMessage).toMatch(/portrait on your ID document/);
		expect(error.applicantMessage).not.toMatch(/photo of your face/);
	});
});

describe('6. the download timeout is read per item like every option', () => {
	let host: ImageHost;
	beforeAll(async () => (host = await startImageHost()));
	afterAll(async () => await host.close());

	it('Timeout ={{ "2" }} and a host that stalls: the download ends after 2 s, not 30', async () => {
		const parameters = { resource: 'faceLiveness', operation: 'check', imageSource: 'url', imageUrl: `${host.url}/stall`, options: { timeout: '={{ "2" }}' } };
		const started = Date.now();
		const r = await run(argosWorkflow(parameters, [{ json: {} }]));
		expect(Date.now() - started).toBeLessThan(10000);
		expect(errorOf(outputsOf(r).failed[0]).message).toBe(`Could not download the image from ${host.url.slice(7)} (not complete within 2 s)`);
	}, 40000);
});

describe('6. every option is read per item by the same readers', () => {
	it('ID Image Field from an expression that is not one of its values fails that item, nothing sent', async () => {
		const items: FixtureItem[] = [{ json: { field: 'Image' }, binary: { idPortrait: file(idOf('ed'), 'id.jpg') } }, { json: { field: 'image' }, binary: { idPortrait: file(idOf('ed'), 'id.jpg') } }];
		const r = await run(argosWorkflow({ resource: 'idDocument', operation: 'checkLiveness', options: { idImageField: '={{ $json.field }}' } }, items));
		const { success, failed } = outputsOf(r);
		expect(errorOf(failed[0])).toMatchObject({ code: 'PARAMETER_INVALID', message: '"ID Image Field" must be "idImage" or "image", but item 0 gave "Image"' });
		expect(success).toHaveLength(1);
		expect(sb.requests().map((e) => Object.keys(sentImages(e)))).toEqual([['image']]);
	});
});

describe('8. auto-detection never trusts a mime type', () => {
	it('a selfie uploaded as application/octet-stream beside an image/jpeg ID photo: Add enrols nothing', async () => {
		const items: FixtureItem[] = [
			{
				json: {},
				binary: { upload: file(selfieOf('dee'), 'selfie', 'application/octet-stream'), idPhoto: file(idOf('dee'), 'id.jpg', 'image/jpeg') },
			},
		];
		const r = await run(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: 'dee' }, items));
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_AMBIGUOUS' });
		expect(sb.requests()).toEqual([]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});
});
