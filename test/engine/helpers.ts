/** Builds the workflows the engine tests run: Manual Trigger → Fixture Items → Argos Faces. */
import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { type RequestLogEntry, startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, WorkflowJson } from '../harness/engine';
import { fs, path, repoPath } from '../support/builtins';

const { readFileSync } = fs;
const { join } = path;

export const IMAGES = repoPath('test/fixtures/images');
export const NODE = 'Argos Faces';
export const TYPE = 'n8n-nodes-argos-faces.argosFaces';

export interface FixtureItem {
	json?: IDataObject;
	binary?: Record<string, { file?: string; base64?: string; fileName?: string; mimeType?: string }>;
}

export const image = (file: string, property = 'data'): FixtureItem['binary'] => ({
	[property]: { file: join(IMAGES, file) },
});

export function argosWorkflow(
	parameters: IDataObject,
	items: FixtureItem[],
	extra: { onError?: string; settings?: IDataObject } = {},
): WorkflowJson {
	return {
		name: 'engine test',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {}, position: [0, 0] },
			{ name: 'Items', type: 'argosTest.fixtureItems', parameters: { items }, position: [200, 0] },
			{
				name: NODE,
				type: TYPE,
				typeVersion: 1,
				position: [400, 0],
				parameters: { resource: 'face', ...parameters },
				credentials: { argosFacesApi: { id: 'cred-1', name: 'Argos Faces account' } },
				...(extra.onError && { onError: extra.onError as never }),
			},
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		},
		settings: extra.settings as never,
	};
}

export function outputsOf(run: EngineRun): { success: INodeExecutionData[]; failed: INodeExecutionData[]; extra: INodeExecutionData[][] } {
	const [success = [], failed = [], ...extra] = run.outputs(NODE);
	return { success, failed, extra };
}

export const errorOf = (item: INodeExecutionData) => item.json.error as IDataObject;

/**
 * One sandbox for a test file, reset before each test. After the last test it is closed first (so a failed
 * expectation cannot leave it holding jest open), the engine is stopped, and the standing rule is checked on
 * every run the file kept: neither API key appears in a run's data, nor the valid one in a log.
 */
export function sandboxPerFile(runs: EngineRun[], use: (sandbox: Sandbox) => void): void {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0 });
		use(sandbox);
	});
	beforeEach(() => sandbox.reset());
	afterAll(async () => {
		await sandbox.close();
		await engine.shutdown();
		expect(runs.length).toBeGreaterThan(0);
		for (const r of runs) {
			expect(r.serialized).not.toContain(sandbox.apiKey);
			expect(r.serialized).not.toContain(sandbox.disabledApiKey);
			expect(r.logs.join('\n')).not.toContain(sandbox.apiKey);
		}
	});
}

export const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The sha256 of each image a request carried, by its field (faceImage for Face ID, originFace… for the checks). */
export function sentImages(entry: RequestLogEntry): Record<string, string | null | undefined> {
	const body = entry.body as unknown as { images?: Record<string, { sha256: string | null } | null>; imageSha256?: string };
	return body.images ? Object.fromEntries(Object.entries(body.images).map(([k, v]) => [k, v?.sha256])) : { faceImage: body.imageSha256 };
}

/** n8n's binary modes as a workflow meets them: in memory, on disk, and on disk with files in json._files. */
export type Mode = 'default' | 'filesystem' | 'combined';
export const MODES: Mode[] = ['default', 'filesystem', 'combined'];

export async function runInMode(workflow: WorkflowJson, mode: Mode, credentials: Record<string, ICredentialDataDecryptedObject>): Promise<EngineRun> {
	const settings = mode === 'combined' ? { ...workflow.settings, binaryMode: 'combined' } : workflow.settings;
	return await engine.runWorkflow({ ...workflow, settings: settings as never }, { credentials, binaryMode: mode === 'combined' ? 'filesystem' : mode });
}

/** Runs a workflow against this file's sandbox in a binary mode, keeping the run for sandboxPerFile's checks. */
export function sandboxRunner(runs: EngineRun[], sandbox: () => Sandbox): (workflow: WorkflowJson, mode?: Mode) => Promise<EngineRun> {
	return async (workflow, mode = 'default') => {
		const sb = sandbox();
		const r = await runInMode(workflow, mode, { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } });
		runs.push(r);
		return r;
	};
}

const EXAMPLE = JSON.parse(readFileSync(repoPath('examples/full-onboarding.workflow.json'), 'utf8')) as WorkflowJson;
/** The README's chain, in the example's order. */
export const CHAIN = ['Selfie Liveness', 'Selfie vs ID Portrait', 'ID Document Liveness', 'Enrol Face'];

/**
 * Manual Trigger → fixture items → Argos Faces steps, each on the Success output of the one before, all on
 * one test credential: the shape of every onboarding chain the engine tests run.
 */
export function chainWorkflow(name: string, items: FixtureItem[], steps: Array<[string, IDataObject]>): WorkflowJson {
	const names = steps.map(([step]) => step);
	const connections: WorkflowJson['connections'] = { Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] } };
	['Items', ...names].slice(0, -1).forEach((from, i) => (connections[from] = { main: [[{ node: names[i], type: 'main', index: 0 }]] }));
	return {
		name,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
			{ name: 'Items', type: 'argosTest.fixtureItems', parameters: { items } },
			...steps.map(([step, parameters]) => ({ name: step, type: TYPE, typeVersion: 1, parameters, credentials: { argosFacesApi: { id: 'cred-1', name: 'Argos Faces account' } } })),
		],
		connections,
	};
}

/** The four Argos Faces nodes of the full onboarding example, parameters as committed, fed by fixture items. */
export function exampleChain(items: FixtureItem[], collectionId: string, userName = "={{ $('Items').item.json.name }}"): WorkflowJson {
	const steps = CHAIN.map((name): [string, IDataObject] => {
		const parameters = { ...EXAMPLE.nodes.find((n) => n.name === name)!.parameters } as IDataObject;
		// The example names applicants by the file it read; here the item says who it is.
		if (parameters.operation === 'add') Object.assign(parameters, { userName, collectionId });
		return [name, parameters];
	});
	return chainWorkflow('README chain', items, steps);
}
