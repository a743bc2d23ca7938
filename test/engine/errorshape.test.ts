/**
 * What a Failed item's error looks like to someone reading it in the output panel: the same first four
 * fields every time (code, message, description, applicantMessage), for local and ARGOS errors alike, and
 * the file it is about, by binary property and file name (issue "The first hour in the n8n editor", 1–2).
 */
import type { IDataObject } from 'n8n-workflow';

import { type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun } from '../harness/engine';
import { argosWorkflow, errorOf, type FixtureItem, image, outputsOf, sandboxPerFile } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];
sandboxPerFile(runs, (started) => (sb = started));

async function failedErrors(parameters: IDataObject, items: FixtureItem[]): Promise<IDataObject[]> {
	const r = await engine.runWorkflow(argosWorkflow(parameters, items), { credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } } });
	runs.push(r);
	return outputsOf(r).failed.map(errorOf);
}

const sample = (options: Parameters<Sandbox['sampleImage']>[0], fileName: string) => ({
	base64: sb.sampleImage(options).toString('base64'),
	fileName,
	mimeType: 'image/jpeg',
});

describe('the first fields of every error', () => {
	it('code, message, description, applicantMessage come first, for local and ARGOS codes alike', async () => {
		const items: FixtureItem[] = [
			{ json: { name: 'pdf' }, binary: image('doc.pdf', 'selfie') },
			{ json: { name: 'spoof' }, binary: { selfie: sample({ faceKey: 'sp', spoof: true }, 'spoof.jpg') } },
			{ json: { name: 'nothing' } },
		];
		const errors = await failedErrors({ operation: 'add', collectionId: sb.collections.demo, userName: '={{ $json.name }}', binaryPropertyName: 'selfie' }, items);
		expect(errors.map((e) => e.code)).toEqual(['IMAGE_UNSUPPORTED_FORMAT', 6015, 'IMAGE_MISSING']);
		for (const error of errors) expect(Object.keys(error).slice(0, 4)).toEqual(['code', 'message', 'description', 'applicantMessage']);
		// Without an applicant sentence the order holds for the first three.
		const [keyError] = await failedErrors({ operation: 'getAll', collectionId: 'col_nope' }, [{ json: {} }]);
		expect(Object.keys(keyError).slice(0, 3)).toEqual(['code', 'message', 'description']);
		expect(keyError).not.toHaveProperty('applicantMessage');
	});
});

describe('an error about an image names the file', () => {
	it('a local check, an ARGOS answer and a check not passed: error.image is { source, property, fileName }', async () => {
		const items: FixtureItem[] = [
			{ json: {}, binary: image('doc.pdf', 'selfie') },
			{ json: {}, binary: { selfie: sample({ faceKey: 'sp', spoof: true }, 'carl-selfie.jpg'), idPhoto: sample({ faceKey: 'sp', label: 'id' }, 'carl-id.jpg') } },
		];
		const errors = await failedErrors({ resource: 'faceLiveness', operation: 'check', binaryPropertyName: 'selfie' }, items);
		expect(errors.map((e) => [e.code, e.image])).toEqual([
			['IMAGE_UNSUPPORTED_FORMAT', { source: 'binary', property: 'selfie', fileName: 'doc.pdf' }],
			['LIVENESS_BELOW_THRESHOLD', { source: 'binary', property: 'selfie', fileName: 'carl-selfie.jpg' }],
		]);
	});

	it('a missing file names the property it looked for; Face Compare names both of its files', async () => {
		const [missing] = await failedErrors({ resource: 'idDocument', operation: 'checkLiveness', binaryPropertyName: 'idPhoto' }, [{ json: {}, binary: image('face.jpg', 'selfie') }]);
		expect(missing).toMatchObject({ code: 'IMAGE_MISSING', image: { source: 'binary', property: 'idPhoto' } });

		const items: FixtureItem[] = [{ json: {}, binary: { data: sample({ faceKey: 'dana' }, 'dana-selfie.jpg'), idPortrait: sample({ faceKey: 'other', label: 'id' }, 'dana-id.jpg') } }];
		const [mismatch] = await failedErrors({ resource: 'faceCompare', operation: 'compare' }, items);
		expect(mismatch).toMatchObject({
			code: 'FACES_DO_NOT_MATCH',
			images: { selfie: { source: 'binary', property: 'data', fileName: 'dana-selfie.jpg' }, idPortrait: { source: 'binary', property: 'idPortrait', fileName: 'dana-id.jpg' } },
		});
	});
});

describe('rejected applicants can be found in the Executions list', () => {
	it('the execution records how many items went to Failed and with which codes; a run without any records nothing', async () => {
		const items: FixtureItem[] = [
			{ json: { name: 'pdf' }, binary: image('doc.pdf', 'selfie') },
			{ json: { name: 'spoof' }, binary: { selfie: sample({ faceKey: 'sp', spoof: true }, 'spoof.jpg') } },
			{ json: { name: 'pdf2' }, binary: image('doc.pdf', 'selfie') },
			{ json: { name: 'ok' }, binary: { selfie: sample({ faceKey: 'fine' }, 'fine.jpg') } },
		];
		const r = await engine.runWorkflow(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: '={{ $json.name }}', binaryPropertyName: 'selfie' }, items), {
			credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
		});
		runs.push(r);
		expect(outputsOf(r).failed).toHaveLength(3);
		expect(r.data.data.resultData.metadata).toEqual({ argos_failed: '3', argos_failed_codes: 'IMAGE_UNSUPPORTED_FORMAT:2 6015:1' });

		const clean = await engine.runWorkflow(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: 'x', binaryPropertyName: 'selfie' }, [items[3]]), {
			credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } },
		});
		runs.push(clean);
		expect(clean.data.data.resultData.metadata ?? {}).toEqual({});
	});
});
