import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as deleteFace from './deleteFace.operation';
import * as getAll from './getAll.operation';
import * as search from './search.operation';

export { add, deleteFace, getAll, search };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['face'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Enrol a face in a collection',
				action: 'Add a face',
			},
			{
				name: 'Delete',
				value: 'deleteFace',
				description: 'Remove a face from a collection',
				action: 'Delete a face',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the faces of a collection',
				action: 'Get many faces',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Find the faces in a collection that match a photo',
				action: 'Search for a face',
			},
		],
		default: 'add',
	},
	...add.description,
	...search.description,
	...getAll.description,
	...deleteFace.description,
];
