/**
 * GET /v3/submission/applicant?applicant_id= — the submissions that share an applicant ID, i.e. the same
 * person by name, date of birth, gender, nationality and selfie (shared/argos-idcheck-api.md §3.8).
 * ARGOS answers a JSON array; one element (the submission itself) means no duplicates.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FaceError, invalidResponse, localError } from '../../../shared/errors';
import type { ArgosApi } from '../../../shared/transport';
import { optionsCollection, parameterError, pick, requestOptions, requiredText } from '../../../shared/descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Applicant ID',
		name: 'applicantId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.applicantId }}',
		description: 'The applicantId of an approved submission (Get gives it)',
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['submission'], operation: ['findDuplicates'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const applicantId = requiredText.call(this, itemIndex, 'applicantId', 'Applicant ID');
	if (applicantId.length > 200 || /\s/.test(applicantId))
		throw parameterError.call(this, 'applicantId', localError('PARAMETER_INVALID', { parameter: 'Applicant ID', expected: 'an ARGOS applicant ID (no spaces)', got: JSON.stringify(applicantId.slice(0, 60)), itemIndex }));
	const answer = await api.request<IDataObject[] | IDataObject>({ method: 'GET', path: '/v3/submission/applicant', qs: { applicant_id: applicantId }, answer: 'json' });
	// An answer wrapped the way GET /v3/submission is ({Items}) is read too; anything else is not a list.
	const list = Array.isArray(answer) ? answer : Array.isArray(answer.Items) ? (answer.Items as unknown[]) : undefined;
	if (!list || !list.every((entry) => !!entry && typeof entry === 'object' && !Array.isArray(entry)))
		throw new FaceError({ ...invalidResponse(200), message: 'ARGOS answered Find Duplicates without a list of submissions' });
	const submissions = (list as IDataObject[]).map((raw) => ({
		submissionId: pick(raw, 'submission_id', 'submissionId'),
		email: pick(raw, 'email'),
		duplicatedInformation: pick(raw, 'duplicated_information', 'duplicatedInformation'),
	}));
	return [{ applicantId, hasDuplicates: submissions.length > 1, count: submissions.length, submissions }];
}
