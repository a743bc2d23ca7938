/**
 * An AI agent as n8n runs one, reduced to what matters for a tool: it asks n8n-core for the tools
 * connected to it (getInputConnectionData → createNodeAsTool / makeHandleToolInvocation, n8n-core's own
 * code) and invokes the first with the arguments a model would have chosen.
 */
import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { NODE, TYPE } from './helpers';

interface LangChainTool {
	name: string;
	schema: { shape: Record<string, unknown> };
	invoke: (args: IDataObject) => Promise<string>;
}

function agentNode(args: IDataObject): INodeType {
	return {
		description: {
			displayName: 'Agent',
			name: 'agent',
			group: ['transform'],
			version: 1,
			description: 'test',
			defaults: { name: 'Agent' },
			inputs: ['main', { type: 'ai_tool', displayName: 'Tools', required: true }],
			outputs: ['main'],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			const tools = (await this.getInputConnectionData('ai_tool', 0)) as LangChainTool[];
			const tool = tools[0];
			return [[{ json: { tool: tool.name, arguments: Object.keys(tool.schema.shape).sort(), answer: await tool.invoke(args) } }]];
		},
	};
}

/** The node the agent calls: Argos Faces unless said otherwise. */
export interface ToolTarget {
	name: string;
	type: string;
	credentialType: string;
}
const FACES_TOOL: ToolTarget = { name: NODE, type: TYPE, credentialType: 'argosFacesApi' };

/** n8n's node loader registers `<type>Tool` for a usableAsTool node: the same execute, only an ai_tool output. */
function toolType(target: ToolTarget): INodeType {
	const node = engine.loadPackage().nodeTypes[target.type] as INodeType;
	const { name, displayName } = node.description;
	return Object.create(node, {
		description: { value: { ...node.description, name: `${name}Tool`, displayName: `${displayName} Tool`, inputs: [], outputs: ['ai_tool'] } },
	}) as INodeType;
}

export interface ToolCall {
	/** The tool's name as the model sees it. */
	tool: string;
	/** The $fromAI keys the model is asked to fill. */
	arguments: string[];
	/** What the model reads back. */
	answer: unknown;
	run: EngineRun;
}

export async function callAsTool(
	parameters: IDataObject,
	args: IDataObject,
	run: (workflow: WorkflowJson, options: RunOptions) => Promise<EngineRun>,
	target: ToolTarget = FACES_TOOL,
): Promise<ToolCall> {
	const workflow: WorkflowJson = {
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
			{ name: 'Agent', type: 'probe.agent', parameters: {} },
			{
				name: target.name,
				type: `${target.type}Tool`,
				parameters,
				credentials: { [target.credentialType]: { id: 'cred-1', name: 'Argos account' } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
			[target.name]: { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
	const r = await run(workflow, { extraNodeTypes: { 'probe.agent': agentNode(args), [`${target.type}Tool`]: toolType(target) } });
	if (r.error) throw new Error(`the agent's run failed: ${r.error.message}`);
	const json = r.outputs('Agent')[0][0].json;
	return { tool: json.tool as string, arguments: json.arguments as string[], answer: JSON.parse(json.answer as string), run: r };
}
