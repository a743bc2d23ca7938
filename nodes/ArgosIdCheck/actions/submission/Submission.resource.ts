import type { INodeProperties } from 'n8n-workflow';

import * as deleteSubmission from './deleteSubmission.operation';
import * as findDuplicates from './findDuplicates.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as review from './review.operation';
import * as update from './update.operation';

export { deleteSubmission, findDuplicates, get, getAll, review, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['submission'] } },
		options: [
			{ name: 'Delete', value: 'deleteSubmission', description: 'Erase a submission\'s personal data, or chosen parts of it', action: 'Delete a submission' },
			{ name: 'Find Duplicates', value: 'findDuplicates', description: 'List the submissions of the same applicant', action: 'Find duplicate submissions' },
			{ name: 'Get', value: 'get', description: 'Get a submission, with its images if asked', action: 'Get a submission' },
			{ name: 'Get Many', value: 'getAll', description: 'List submissions, filtered by user, e-mail or date', action: 'Get many submissions' },
			{ name: 'Review', value: 'review', description: 'Approve or reject a pending submission', action: 'Review a submission' },
			{ name: 'Update', value: 'update', description: 'Change a submission\'s status or data', action: 'Update a submission' },
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
	...deleteSubmission.description,
	...update.description,
	...review.description,
	...findDuplicates.description,
];
