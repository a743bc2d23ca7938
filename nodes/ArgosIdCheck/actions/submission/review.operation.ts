/**
 * POST /v3/submission/review — approve or reject a pending submission (shared/argos-idcheck-api.md §3.7),
 * for projects whose reviewer is "Client". A decision whose answer was lost is never sent twice: Get then
 * tells whether ARGOS holds it, and only that counts as done.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError } from '../../../shared/errors';
import type { ArgosApi } from '../../../shared/transport';
import { optionsCollection, pick, readChoice, readText, requestOptions, requiredText } from '../../../shared/descriptions';
import { adminField, readAdmin, readSubmissionId, refuseAsTool, statusOf, submissionIdField } from '../../submission';
import { getSubmission } from './get.operation';

const properties: INodeProperties[] = [
	submissionIdField,
	adminField,
	{
		displayName: 'Decision',
		name: 'decision',
		type: 'options',
		options: [
			{ name: 'Approve', value: 'approved' },
			{ name: 'Reject', value: 'rejected' },
		],
		default: 'approved',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		description: 'Why the submission is rejected (ARGOS requires it for a rejection)',
		displayOptions: { show: { decision: ['rejected'] } },
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['submission'], operation: ['review'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	refuseAsTool.call(this, 'Review');
	const submissionId = readSubmissionId.call(this, itemIndex);
	const admin = readAdmin.call(this, itemIndex);
	const status = readChoice.call(this, itemIndex, 'decision', 'Decision', ['approved', 'rejected'] as const, 'approved');
	const rejectComment = status === 'rejected' ? requiredText.call(this, itemIndex, 'comment', 'Comment') : readText.call(this, itemIndex, 'comment', 'Comment');
	const body = { admin, submissionId, status, ...(status === 'rejected' && { rejectComment }) };
	const sent = await api.request<IDataObject>({ method: 'POST', path: '/v3/submission/review', body, kind: 'update' }).then(
		(answer) => ({ answer }),
		(error: unknown) => ({ error }),
	);
	if ('answer' in sent) return [{ reviewed: true, submissionId, status: pick(sent.answer, 'finalStatus') ?? status, apiMessage: pick(sent.answer, 'message') }];
	if (sent.error instanceof FaceError && sent.error.info.outcomeUnknown) {
		// The answer was lost: done only if ARGOS now holds this very decision.
		const now = await getSubmission(api, submissionId).then(statusOf, () => undefined);
		if (now === status) return [{ reviewed: true, submissionId, status, confirmedAfterLostAnswer: true, attempts: api.attempts }];
	}
	throw sent.error;
}
