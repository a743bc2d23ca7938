/** Builds the workflows the engine tests run: Manual Trigger → Fixture Items → Argos Faces. */
import { join } from 'path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, WorkflowJson } from '../harness/engine';

export const IMAGES = join(__dirname, '../fixtures/images');
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
