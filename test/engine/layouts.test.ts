/**
 * The layout matrix: every image operation and the README chain, against every way an item can carry an
 * applicant's files, in every binary mode. Invariants, whatever the layout:
 * - nothing reaches Face Compare's Success (or is even sent to /modules/compare) unless the selfie and the
 *   ID portrait came from the two different files the user named, each sent as itself;
 * - a single-image operation sends the file at its binary field's name, or, only while that field is at its
 *   default, the item's one and only file — nothing else, whatever the files' names or mime types;
 * - the chain enrols nobody but from the applicant's own selfie, and only after that selfie was compared
 *   with their own ID photo;
 * - every item ends on exactly one output.
 * Two configurations: the fields named as in examples/full-onboarding.workflow.json (selfie, idPhoto), and
 * every field left at its default (data for the selfie, idPortrait for the ID).
 */
import type { IDataObject } from 'n8n-workflow';

import { type RequestLogEntry, type Sandbox } from '../../sandbox';
import type { EngineRun, WorkflowJson } from '../harness/engine';
import { argosWorkflow, CHAIN, exampleChain, type FixtureItem, MODES, type Mode, outputsOf, runInMode, sandboxPerFile, sentImages, sha } from './helpers';

let sb: Sandbox;
const runs: EngineRun[] = [];
sandboxPerFile(runs, (started) => (sb = started));

type Config = 'named' | 'default';
const NAMES: Record<Config, { selfie: string; id: string }> = {
	named: { selfie: 'selfie', id: 'idPhoto' },
	default: { selfie: 'data', id: 'idPortrait' },
};

type Role = 'selfie' | 'id' | 'other';
type FileSpec = { role: Role; mimeType: string };
const jpeg = (role: Role): FileSpec => ({ role, mimeType: 'image/jpeg' });

/** Item layouts, by property name; S and I stand for the configuration's selfie and ID names. */
const LAYOUTS: Record<string, (n: { selfie: string; id: string }) => Record<string, FileSpec>> = {
	'no file': () => ({}),
	'only the selfie': (n) => ({ [n.selfie]: jpeg('selfie') }),
	'only the ID photo': (n) => ({ [n.id]: jpeg('id') }),
	both: (n) => ({ [n.selfie]: jpeg('selfie'), [n.id]: jpeg('id') }),
	'both plus another file': (n) => ({ [n.selfie]: jpeg('selfie'), [n.id]: jpeg('id'), extra: jpeg('other') }),
	'the selfie as octet-stream beside an image/jpeg ID': (n) => ({ upload: { role: 'selfie', mimeType: 'application/octet-stream' }, [n.id]: jpeg('id') }),
	"an ID photo under the selfie's name": (n) => ({ [n.selfie]: jpeg('id') }),
	'the ID photo under both names': (n) => ({ [n.selfie]: jpeg('id'), [n.id]: jpeg('id') }),
};

const OPERATIONS: Array<{ name: string; path: string; role: 'selfie' | 'id' | 'both'; parameters: (c: Config) => IDataObject }> = [
	{ name: 'Add', path: '/modules/faces', role: 'selfie', parameters: (c) => ({ resource: 'face', operation: 'add', userName: 'applicant', ...field(c, 'selfie') }) },
	{ name: 'Search', path: '/modules/search', role: 'selfie', parameters: (c) => ({ resource: 'face', operation: 'search', ...field(c, 'selfie') }) },
	{ name: 'Face Liveness', path: '/modules/liveness', role: 'selfie', parameters: (c) => ({ resource: 'faceLiveness', operation: 'check', ...field(c, 'selfie') }) },
	{ name: 'ID Document', path: '/modules/document', role: 'id', parameters: (c) => ({ resource: 'idDocument', operation: 'checkLiveness', ...field(c, 'id') }) },
	{
		name: 'Face Compare',
		path: '/modules/compare',
		role: 'both',
		parameters: (c) => ({
			resource: 'faceCompare',
			operation: 'compare',
			...(c === 'named' && { binaryPropertyName: NAMES.named.selfie, targetBinaryPropertyName: NAMES.named.id }),
		}),
	},
];

/** The binary field as the configuration has it: typed, or absent (n8n then uses the default). */
function field(config: Config, role: 'selfie' | 'id'): IDataObject {
	return config === 'named' ? { binaryPropertyName: NAMES.named[role] } : {};
}

/** The applicant's files: a live selfie and their own ID, which match; another person's photo. */
function files(): Record<Role, Buffer> {
	return {
		selfie: sb.sampleImage({ faceKey: 'applicant', livenessScore: 95 }),
		id: sb.sampleImage({ faceKey: 'applicant', label: 'id card', livenessScore: 95 }),
		other: sb.sampleImage({ faceKey: 'someone-else', livenessScore: 95 }),
	};
}

function itemOf(layout: Record<string, FileSpec>, bytes: Record<Role, Buffer>): FixtureItem {
	const binary = Object.fromEntries(
		Object.entries(layout).map(([property, spec]) => [property, { base64: bytes[spec.role].toString('base64'), fileName: `${property}.jpg`, mimeType: spec.mimeType }]),
	);
	return { json: { name: 'applicant' }, binary };
}

/** What a single-image operation may send: the named file, or, at the default, the item's only file. */
function allowed(config: Config, name: string, layout: Record<string, FileSpec>, bytes: Record<Role, Buffer>): string | undefined {
	if (layout[name]) return sha(bytes[layout[name].role]);
	const all = Object.values(layout);
	return config === 'default' && all.length === 1 ? sha(bytes[all[0].role]) : undefined;
}

const imagesOf = (entry: RequestLogEntry) => Object.values(sentImages(entry));

const CASES = MODES.flatMap((mode) => (['named', 'default'] as Config[]).flatMap((config) => Object.keys(LAYOUTS).map((layout) => [mode, config, layout] as [Mode, Config, string])));

describe('layout matrix', () => {
	it.each(CASES)('%s mode, fields %s, %s', async (mode, config, layoutName) => {
		const names = NAMES[config];
		const layout = LAYOUTS[layoutName](names);
		const bytes = files();
		const item = itemOf(layout, bytes);
		const run = async (workflow: WorkflowJson) => {
			sb.clearRequests();
			const r = await runInMode(workflow, mode, { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } });
			runs.push(r);
			expect(r.status).toBe('success');
			return r;
		};

		for (const op of OPERATIONS) {
			const parameters = { ...op.parameters(config), ...(op.name === 'Add' || op.name === 'Search' ? { collectionId: sb.collections.demo } : {}) };
			const r = await run(argosWorkflow(parameters, [item]));
			const { success, failed } = outputsOf(r);
			expect(success.length + failed.length).toBe(1);
			const sent = sb.requests().filter((e) => e.path === op.path);
			if (op.role === 'both') {
				const selfie = layout[names.selfie];
				const id = layout[names.id];
				const genuine = selfie !== undefined && id !== undefined && selfie.role !== id.role;
				if (!genuine) {
					expect(sent).toEqual([]);
					expect(success).toEqual([]);
				}
				for (const e of sent) expect(sentImages(e)).toEqual({ originFace: sha(bytes[selfie.role]), targetFace: sha(bytes[id.role]) });
			} else {
				const expected = allowed(config, op.role === 'id' ? names.id : names.selfie, layout, bytes);
				expect(sent.flatMap(imagesOf)).toEqual(expected === undefined ? [] : sent.map(() => expected));
				if (expected === undefined) expect(success).toEqual([]);
			}
		}

		// The README chain with this configuration's names: the example's own, or every field at its default.
		const chain = exampleChain([item], sb.collections.demo, 'applicant');
		if (config === 'default') for (const node of chain.nodes.filter((n) => CHAIN.includes(n.name))) {
			const rest = { ...(node.parameters as IDataObject) };
			delete rest.binaryPropertyName;
			delete rest.targetBinaryPropertyName;
			node.parameters = rest;
		}
		const r = await run(chain);
		const enrolled = sb.requests().filter((e) => e.path === '/modules/faces');
		const compared = sb.requests().filter((e) => e.path === '/modules/compare');
		expect(enrolled.flatMap(imagesOf).every((h) => h === sha(bytes.selfie))).toBe(true);
		if (enrolled.length) expect(compared.map(sentImages)).toEqual([{ originFace: sha(bytes.selfie), targetFace: sha(bytes.id) }]);
		for (const step of CHAIN) {
			const [passed = [], failed = []] = r.outputs(step);
			expect(passed.length + failed.length).toBeLessThanOrEqual(1);
		}
		// Not vacuous: where the applicant's two files sit under the configured names, they are enrolled.
		const genuine = layout[names.selfie]?.role === 'selfie' && layout[names.id]?.role === 'id';
		expect(enrolled.length).toBe(genuine ? 1 : 0);
	});
});
