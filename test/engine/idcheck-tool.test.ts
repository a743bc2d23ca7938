/**
 * Argos ID Check as an AI agent's tool: reads are the agent's to make, decisions are not. An instruction
 * hidden in a document or a chat message must never get an agent to approve, change or erase a submission.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import type { EngineRun, RunOptions, WorkflowJson } from '../harness/engine';
import { callAsTool, type ToolTarget } from './agent';
import { ID_NODE, ID_TYPE, v3Requests } from './idcheck';

let sb: Sandbox;
const runs: EngineRun[] = [];
const TARGET: ToolTarget = { name: ID_NODE, type: ID_TYPE, credentialType: 'argosIdCheckApi' };

beforeAll(async () => {
	sb = await startSandbox({ port: 0 });
});
beforeEach(() => sb.reset());
afterAll(async () => {
	await sb.close();
	await engine.shutdown();
	for (const r of runs) expect(r.serialized).not.toContain(sb.idcheck.apiKey);
});

async function run(workflow: WorkflowJson, options: RunOptions): Promise<EngineRun> {
	const r = await engine.runWorkflow(workflow, { credentials: { argosIdCheckApi: { apiKey: sb.idcheck.apiKey, baseUrl: sb.url } }, ...options });
	runs.push(r);
	return r;
}

const fromAI = "={{ $fromAI('submissionId', 'the ID Check submission', 'string') }}";
const call = async (parameters: IDataObject, args: IDataObject) => await callAsTool({ resource: 'submission', ...parameters }, args, run, TARGET);

describe('Argos ID Check as a tool', () => {
	it('Get answers the agent', async () => {
		const got = await call({ operation: 'get', submissionId: fromAI }, { submissionId: sb.idcheck.approvedSubmissionId });
		expect(got.arguments).toEqual(['submissionId']);
		expect(got.answer).toEqual([expect.objectContaining({ submissionId: sb.idcheck.approvedSubmissionId, status: 'approved' })]);
	});

	it.each([
		['review', 'Review', { admin: 'sandbox-admin@example.com', decision: 'approved' }, 'pendingSubmissionId'],
		['update', 'Update', { admin: 'sandbox-admin@example.com', kycStatus: 'approved' }, 'rejectedSubmissionId'],
		['deleteSubmission', 'Delete', { options: { adminName: 'sandbox-admin@example.com' } }, 'approvedSubmissionId'],
	] as const)('%s is refused: NOT_FOR_AI_AGENTS, nothing sent, the submission unchanged', async (operation, label, extra, which) => {
		const id = sb.idcheck[which];
		const before = JSON.stringify(sb.idcheck.submission(id));
		const answer = await call({ operation, submissionId: fromAI, ...extra }, { submissionId: id });
		const [{ error }] = answer.answer as Array<{ error: IDataObject }>;
		expect(error).toMatchObject({ code: 'NOT_FOR_AI_AGENTS' });
		expect(error.message).toBe(`${label} is not available to an AI agent`);
		expect(v3Requests(sb)).toHaveLength(0);
		expect(JSON.stringify(sb.idcheck.submission(id))).toBe(before);
	});
});
