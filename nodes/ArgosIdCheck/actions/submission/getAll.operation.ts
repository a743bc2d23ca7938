/**
 * GET /v3/submission with filters, following ARGOS's cursor (shared/argos-idcheck-api.md §3.2). The
 * answer's cursor field is [UNKNOWN]: `nextPage_key`, `LastEvaluatedKey` or `nextpage` are read, and
 * the list ends where none is present or a page is empty. It never runs on without end: a cursor seen
 * before, a page with nothing new, or more than MAX_PAGES pages stop it with LIST_NOT_ENDING.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { localError } from '../../../shared/errors';
import type { ArgosApi } from '../../../shared/transport';
import {
	invalid,
	optionsCollection,
	pick,
	readBoolean,
	readChoice,
	readDate,
	readInteger,
	readText,
	requestOptions,
} from '../../../shared/descriptions';
import { itemsOf, normaliseSubmission } from '../../submission';

export const PAGE_SIZE = 50;
/** Bounds requests and memory when a server pages without end: 2,000 pages are 100,000 submissions. */
export const MAX_PAGES = 2000;

const REQUEST_TYPES = ['', 'kyc', 'aml', 'data', 'others'] as const;

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'E-Mail', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', description: 'Only submissions of this e-mail address' },
			{ displayName: 'From Date', name: 'startDate', type: 'dateTime', default: '', description: 'Only submissions created on or after this day (ARGOS compares dates, not times)' },
			{
				displayName: 'Result Type',
				name: 'requestType',
				type: 'options',
				options: [
					{ name: 'AML Result Only', value: 'aml' },
					{ name: 'Everything', value: '' },
					{ name: 'KYC Result Only', value: 'kyc' },
					{ name: 'Other Fields Only', value: 'others' },
					{ name: 'Personal Data Only', value: 'data' },
				],
				default: '',
				description: 'Which part of each submission ARGOS returns (its request_type); the submission ID always comes with it',
			},
			{ displayName: 'To Date', name: 'endDate', type: 'dateTime', default: '', description: 'Only submissions created on or before this day' },
			{ displayName: 'User ID', name: 'userId', type: 'string', default: '', description: 'Only submissions of this user ID (the userid given to Liveform)' },
		],
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['submission'], operation: ['getAll'] } }, properties);

/** The next page's cursor in any of the shapes ARGOS may use, as the query parameters it takes back. */
export function cursorOf(body: IDataObject): { nextpage_id: string; nextpage_date?: string } | undefined {
	for (const field of ['nextPage_key', 'LastEvaluatedKey', 'nextpage', 'nextPage']) {
		const value = body[field];
		if (typeof value === 'string' && value) return { nextpage_id: value };
		if (value && typeof value === 'object' && !Array.isArray(value)) {
			const key = value as IDataObject;
			const id = pick(key, 'submission_id', 'submissionId', 'nextpage_id', 'id');
			if (id) return { nextpage_id: id, ...(pick(key, 'created_at', 'createdAt', 'nextpage_date', 'date') && { nextpage_date: pick(key, 'created_at', 'createdAt', 'nextpage_date', 'date') }) };
		}
	}
	return undefined;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	const returnAll = readBoolean.call(this, itemIndex, 'returnAll', 'Return All', false);
	const limit = returnAll ? undefined : readInteger.call(this, itemIndex, 'limit', 'Limit', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 50 });
	const userid = readText.call(this, itemIndex, 'filters.userId', 'User ID');
	const email = readText.call(this, itemIndex, 'filters.email', 'E-Mail');
	const start = readDate.call(this, itemIndex, 'filters.startDate', 'From Date');
	const end = readDate.call(this, itemIndex, 'filters.endDate', 'To Date');
	if (start && end && start > end) throw invalid.call(this, itemIndex, 'filters.endDate', 'To Date', `a day on or after From Date (${start})`, end);
	const requestType = readChoice.call(this, itemIndex, 'filters.requestType', 'Result Type', REQUEST_TYPES, '');
	const filters = { ...(userid && { userid }), ...(email && { email }), ...(start && { start_date: start }), ...(end && { end_date: end }), ...(requestType && { request_type: requestType }) };

	const submissions: IDataObject[] = [];
	const seen = new Set<string>();
	const cursors = new Set<string>();
	let cursor: IDataObject = {};
	const narrower = 'a filter (User ID, E-Mail, dates)';
	for (let page = 1; ; page++) {
		const count = limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - submissions.length);
		const body = await api.request<IDataObject>({ method: 'GET', path: '/v3/submission', qs: { ...filters, count: String(count), ...cursor } });
		const items = itemsOf(body, 'Get Many');
		let fresh = 0;
		for (const raw of items) {
			const id = pick(raw, 'submission_id', 'submissionId');
			// A submission seen on an earlier page (the list shifted, or the page was sent again) is listed once.
			if (id !== undefined && seen.has(id)) continue;
			if (id !== undefined) seen.add(id);
			fresh++;
			submissions.push(normaliseSubmission(raw));
		}
		const next = cursorOf(body);
		if (!next || items.length === 0 || (limit !== undefined && submissions.length >= limit)) break;
		const key = JSON.stringify(next);
		if (cursors.has(key)) throw localError('LIST_NOT_ENDING', { pages: page, reason: `ARGOS sent the cursor of an earlier page again (${next.nextpage_id})`, narrower });
		cursors.add(key);
		if (fresh === 0) throw localError('LIST_NOT_ENDING', { pages: page, reason: `page ${page} repeated submissions already listed`, narrower });
		if (page >= MAX_PAGES) throw localError('LIST_NOT_ENDING', { pages: page, reason: `more than ${MAX_PAGES} pages, or ARGOS never reported the last page`, narrower });
		cursor = next;
	}
	return limit === undefined ? submissions : submissions.slice(0, limit);
}
