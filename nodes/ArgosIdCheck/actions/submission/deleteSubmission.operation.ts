/**
 * DELETE /v3/submission (erasure) and DELETE /v3/submission/partial (chosen fields) — shared/
 * argos-idcheck-api.md §3.5. The ID goes under both documented names ([CONFLICT] submission_id vs
 * submissionId). ARGOS sends its `delete` webhook only when `admin_name` is given.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, localError } from '../../../shared/errors';
import type { ArgosApi } from '../../../shared/transport';
import { optionsCollection, readChoice, readMultiChoice, readText, requestOptions } from '../../../shared/descriptions';
import { isErased, readSubmissionId, refuseAsTool, submissionIdField } from '../../submission';
import { getSubmission } from './get.operation';

export const PARTIAL_FIELDS = [
	'id_image',
	'selfie_image',
	'data',
	'OCR_raw',
	'ocr',
	'review',
	'applicant_id',
	'email',
	'userid',
	'additional_list',
	'duplicated_information',
	'custom_duplicated_information',
	'injection_action',
] as const;
type PartialField = (typeof PARTIAL_FIELDS)[number];

const properties: INodeProperties[] = [
	submissionIdField,
	{
		displayName: 'Delete',
		name: 'scope',
		type: 'options',
		options: [
			{ name: 'Whole Submission', value: 'all', description: 'Personal data, ID details, images and AML data; ARGOS keeps the ID, date, ID type and status' },
			{ name: 'Chosen Fields', value: 'fields', description: 'Only the parts chosen below' },
		],
		default: 'all',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'multiOptions',
		options: PARTIAL_FIELDS.map((value) => ({ name: value, value })),
		default: [],
		description: 'The parts of the submission to delete (one request each)',
		displayOptions: { show: { scope: ['fields'] } },
	},
	{
		displayName: 'Data Fields',
		name: 'dataFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. address_street',
		description: 'With "data" chosen: only this field of the personal data (ARGOS\'s data_fields). Empty: all of it.',
		displayOptions: { show: { scope: ['fields'] } },
	},
	optionsCollection([
		{
			displayName: 'Admin Name',
			name: 'adminName',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description:
				'E-mail of an administrator registered in the ARGOS dashboard. With it, ARGOS records who deleted and sends its "delete" webhook; without it, no webhook is sent.',
		},
		...requestOptions,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['submission'], operation: ['deleteSubmission'] } }, properties);

/** "Not found" in the two delete error shapes (§3.5). */
const NOT_FOUND = new Set(['SUBMISSION_NOT_FOUND']);

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	refuseAsTool.call(this, 'Delete');
	const submissionId = readSubmissionId.call(this, itemIndex);
	const scope = readChoice.call(this, itemIndex, 'scope', 'Delete', ['all', 'fields'] as const, 'all');
	const adminName = readText.call(this, itemIndex, 'options.adminName', 'Admin Name');
	const id = { submission_id: submissionId, submissionId };

	if (scope === 'fields') {
		const fields = readMultiChoice.call(this, itemIndex, 'fields', 'Fields', PARTIAL_FIELDS, []) as PartialField[];
		if (!fields.length) throw localError('PARAMETER_MISSING', { parameter: 'Fields' });
		const dataFields = readText.call(this, itemIndex, 'dataFields', 'Data Fields');
		for (const field of fields) {
			await api.request({
				method: 'DELETE',
				path: '/v3/submission/partial',
				qs: { ...id, fields: field, ...(field === 'data' && dataFields && { data_fields: dataFields }) },
			});
		}
		return [{ deleted: true, submissionId, fields, ...(dataFields && fields.includes('data') && { dataFields }) }];
	}

	const failure = await api.request({ method: 'DELETE', path: '/v3/submission', qs: { ...id, ...(adminName && { admin_name: adminName }) } }).then(
		() => undefined,
		(error: unknown) => error,
	);
	if (failure === undefined) return [{ deleted: true, submissionId, ...(adminName && { adminName }) }];
	// Delete is repeated after an answer was lost; "not found" then may mean the lost attempt did the work.
	if (failure instanceof FaceError && failure.info.outcomeUnknown && NOT_FOUND.has(String(failure.info.code))) {
		// Checked, not assumed: a wrong "not found" would leave the personal data of someone who asked to be erased.
		if (!(await erased(api, submissionId))) throw localError('SUBMISSION_DELETE_NOT_CONFIRMED', { submissionId });
		return [{ deleted: true, alreadyGone: true, submissionId, attempts: api.attempts }];
	}
	throw failure;
}

/** Whether the submission is gone or kept only as ARGOS keeps deleted ones. When it cannot be read, it may not be. */
async function erased(api: ArgosApi, submissionId: string): Promise<boolean> {
	const raw = await getSubmission(api, submissionId).catch((error: unknown) =>
		error instanceof FaceError && error.info.code === 'SUBMISSION_NOT_FOUND' ? null : undefined,
	);
	if (raw === null) return true;
	return raw !== undefined && isErased(raw);
}
