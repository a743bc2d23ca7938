/** What the ID Check engine tests share: the workflow, the runner, outputs by branch, bytes of output files. */
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { RequestLogEntry, Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import type { FixtureItem, Mode } from './helpers';

export const ID_NODE = 'Argos ID Check';
export const ID_TYPE = 'n8n-nodes-argos-faces.argosIdCheck';

/** Manual Trigger → fixture items → Argos ID Check (resource submission). */
export function idWorkflow(parameters: IDataObject, items: FixtureItem[] = [{ json: {} }], extra: { onError?: string; settings?: IDataObject } = {}): WorkflowJson {
	return {
		name: 'id check engine test',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {}, position: [0, 0] },
			{ name: 'Items', type: 'argosTest.fixtureItems', parameters: { items }, position: [200, 0] },
			{
				name: ID_NODE,
				type: ID_TYPE,
				typeVersion: 1,
				position: [400, 0],
				parameters: { resource: 'submission', ...parameters },
				credentials: { argosIdCheckApi: { id: 'cred-idc', name: 'Argos ID Check account' } },
				...(extra.onError && { onError: extra.onError as never }),
			},
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: ID_NODE, type: 'main', index: 0 }]] },
		},
		settings: extra.settings as never,
	};
}

export function idOutputs(run: EngineRun): { success: INodeExecutionData[]; failed: INodeExecutionData[]; extra: INodeExecutionData[][] } {
	const [success = [], failed = [], ...extra] = run.outputs(ID_NODE);
	return { success, failed, extra };
}

export const errorOf = (item: INodeExecutionData) => item.json.error as IDataObject;

/** Every input item on exactly one output, paired to it. */
export function oneOutputEach(run: EngineRun, n: number): void {
	const { success, failed, extra } = idOutputs(run);
	expect(extra).toEqual([]);
	const paired = [...success, ...failed].map((i) => (i.pairedItem as { item: number }).item).sort((a, b) => a - b);
	expect(paired).toEqual(Array.from({ length: n }, (_, i) => i));
}

/** Runs against `baseUrl` with the ID Check key, in a binary mode; keeps the run for the file's key checks. */
export function idRunner(runs: EngineRun[], sandbox: () => Sandbox) {
	return async (workflow: WorkflowJson, opts: { mode?: Mode; baseUrl?: string; apiKey?: string } & RunOptions = {}): Promise<EngineRun> => {
		const { mode = 'default', baseUrl, apiKey, ...rest } = opts;
		const sb = sandbox();
		const settings = mode === 'combined' ? { ...workflow.settings, binaryMode: 'combined' } : workflow.settings;
		const r = await engine.runWorkflow(
			{ ...workflow, settings: settings as never },
			{
				credentials: { argosIdCheckApi: { apiKey: apiKey ?? sb.idcheck.apiKey, baseUrl: baseUrl ?? sb.url } },
				binaryMode: mode === 'combined' ? 'filesystem' : mode,
				...rest,
			},
		);
		runs.push(r);
		return r;
	};
}

/** The bytes of an output file, in memory or on disk (run with keepBinaryData). */
export async function bytesOf(file: IBinaryData): Promise<Buffer> {
	if (!file.id) return Buffer.from(file.data, 'base64');
	const { core, Container } = engine.modules();
	const service = Container.get(core.BinaryDataService);
	return await service.getAsBuffer(file as never);
}

/** The requests the sandbox logged on one /v3 path (and method). */
export const requestsTo = (sb: Sandbox, path: string, method?: string): RequestLogEntry[] =>
	sb.requests().filter((e) => e.path === path && (method === undefined || e.method === method));

/** Every /v3 request the sandbox logged. */
export const v3Requests = (sb: Sandbox): RequestLogEntry[] => sb.requests().filter((e) => e.path.startsWith('/v3'));

export const queryOf = (e: RequestLogEntry) => e.query as unknown as Record<string, string | null | undefined>;
