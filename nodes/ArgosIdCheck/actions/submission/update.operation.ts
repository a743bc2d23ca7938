/**
 * PATCH /v3/submission — change a submission's status or data (shared/argos-idcheck-api.md §3.4). ARGOS
 * says edits cannot be undone, and each one sends an `updated` webhook: an update whose answer was lost
 * is never sent again (kind "update"); the item says so, and Get shows what happened.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { localError } from '../../../shared/errors';
import type { ArgosApi } from '../../../shared/transport';
import { optionsCollection, pick, readChoice, readCountry, readDate, requestOptions, requiredText } from '../../../shared/descriptions';
import { adminField, readAdmin, readSubmissionId, refuseAsTool, submissionIdField } from '../../submission';

export const ID_TYPES = ['passport', 'drivers_license', 'government_id', 'residence_permit', 'vehicle_registration_certificate', 'visa', 'aadhaar'] as const;

/** Text fields: ARGOS's name → label. Dates and countries are checked by their own readers. */
const TEXT_FIELDS = {
	fullName: 'Full Name',
	firstName: 'First Name',
	lastName: 'Last Name',
	identityNumber: 'Identity Number',
	documentNumber: 'Document Number',
	serialNumber: 'Serial Number',
} as const;
const DATE_FIELDS = { birthDate: 'Date of Birth', issueDate: 'Issue Date', expireDate: 'Expiry Date' } as const;
const COUNTRY_FIELDS = { issuingCountry: 'Issuing Country', nationality: 'Nationality' } as const;

const properties: INodeProperties[] = [
	submissionIdField,
	adminField,
	{
		displayName: 'New Status',
		name: 'kycStatus',
		type: 'options',
		options: [
			{ name: 'No Change', value: '' },
			{ name: 'Approved', value: 'approved' },
			{ name: 'Rejected', value: 'rejected' },
		],
		default: '',
		description: 'Change the KYC decision. For a pending submission, Review is the documented way.',
	},
	{
		displayName: 'Fields to Update',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			...Object.entries(TEXT_FIELDS).map(([name, displayName]) => ({ displayName, name, type: 'string' as const, default: '' })),
			...Object.entries(DATE_FIELDS).map(([name, displayName]) => ({ displayName, name, type: 'string' as const, default: '', placeholder: 'YYYY-MM-DD' })),
			...Object.entries(COUNTRY_FIELDS).map(([name, displayName]) => ({ displayName, name, type: 'string' as const, default: '', placeholder: 'e.g. USA', description: 'Three-letter country code (ISO 3166-1 alpha-3)' })),
			{
				displayName: 'Gender',
				name: 'gender',
				type: 'options' as const,
				options: [
					{ name: 'Female', value: 'female' },
					{ name: 'Male', value: 'male' },
				],
				default: 'female',
			},
			{
				displayName: 'ID Type',
				name: 'idType',
				type: 'options' as const,
				options: ID_TYPES.map((value) => ({ name: value, value })),
				default: 'government_id',
			},
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
	optionsCollection(requestOptions),
];

export const description = updateDisplayOptions({ show: { resource: ['submission'], operation: ['update'] } }, properties);

/** The data object of the request: only what was filled in, each value checked for this item. */
function readData(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const given = (this.getNodeParameter('fields', itemIndex, {}) ?? {}) as IDataObject;
	const data: IDataObject = {};
	for (const [name, label] of Object.entries(TEXT_FIELDS)) if (name in given) data[name] = requiredText.call(this, itemIndex, `fields.${name}`, label);
	for (const [name, label] of Object.entries(DATE_FIELDS)) if (name in given) data[name] = readDate.call(this, itemIndex, `fields.${name}`, label) || requiredText.call(this, itemIndex, `fields.${name}`, label);
	for (const [name, label] of Object.entries(COUNTRY_FIELDS)) if (name in given) data[name] = readCountry.call(this, itemIndex, `fields.${name}`, label) || requiredText.call(this, itemIndex, `fields.${name}`, label);
	if ('gender' in given) data.gender = readChoice.call(this, itemIndex, 'fields.gender', 'Gender', ['female', 'male'] as const, 'female');
	if ('idType' in given) data.idType = readChoice.call(this, itemIndex, 'fields.idType', 'ID Type', ID_TYPES, 'government_id');
	return data;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, api: ArgosApi): Promise<IDataObject[]> {
	refuseAsTool.call(this, 'Update');
	const submissionId = readSubmissionId.call(this, itemIndex);
	const admin = readAdmin.call(this, itemIndex);
	const kycStatus = readChoice.call(this, itemIndex, 'kycStatus', 'New Status', ['', 'approved', 'rejected'] as const, '');
	const data = { ...readData.call(this, itemIndex), ...(kycStatus && { kycStatus }) };
	if (!Object.keys(data).length) throw localError('NOTHING_TO_UPDATE', undefined);
	const body = await api.request<IDataObject>({ method: 'PATCH', path: '/v3/submission', body: { submissionId, admin, data }, kind: 'update' });
	// The new values are not echoed: they are in the input, and personal data goes only where it is asked for.
	return [{ updated: true, submissionId, changed: Object.keys(data), ...(kycStatus && { status: kycStatus }), apiMessage: pick(body, 'message') }];
}
