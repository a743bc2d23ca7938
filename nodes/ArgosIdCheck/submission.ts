/**
 * What every operation shares: the submission as a workflow wants it, read from the union of ARGOS's
 * documented shapes (shared/argos-idcheck-api.md §3.2), where every field is optional and projection
 * settings may strip any of them.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FaceError, invalidResponse, localError } from '../shared/errors';
import { invalid, parameterError, pick, requiredText } from '../shared/descriptions';

const isObject = (value: unknown): value is IDataObject => !!value && typeof value === 'object' && !Array.isArray(value);

export const submissionIdField: INodeProperties = {
	displayName: 'Submission ID',
	name: 'submissionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. {{ $json.submissionId }}',
	description: 'The ID Check submission, as in the ARGOS dashboard, Get Many or the trigger',
};

/**
 * A submission ID goes into a query string and a JSON body: text of a sane length, no spaces. A number from
 * an expression is refused, not turned into text: ARGOS's IDs are text, and a number is another field
 * mapped by mistake (or an ID already rounded by JSON).
 */
export function readSubmissionId(this: IExecuteFunctions, itemIndex: number, name = 'submissionId', label = 'Submission ID'): string {
	const raw = this.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof raw === 'number') throw invalid.call(this, itemIndex, name, label, 'an ARGOS submission ID as text', raw);
	const id = requiredText.call(this, itemIndex, name, label);
	if (id.length > 200 || !/^[\x21-\x7e]+$/.test(id))
		throw parameterError.call(this, name, localError('PARAMETER_INVALID', { parameter: label, expected: 'an ARGOS submission ID (letters, digits and signs, no spaces)', got: JSON.stringify(id.slice(0, 60)), itemIndex }));
	return id;
}

export const adminField: INodeProperties = {
	displayName: 'Admin',
	name: 'admin',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'name@email.com',
	description: 'E-mail of an administrator registered in the ARGOS ID Check dashboard; ARGOS records the change under it',
};

export function readAdmin(this: IExecuteFunctions, itemIndex: number): string {
	const admin = requiredText.call(this, itemIndex, 'admin', 'Admin');
	if (!/^[^\s@]+@[^\s@]+$/.test(admin))
		throw parameterError.call(this, 'admin', localError('PARAMETER_INVALID', { parameter: 'Admin', expected: 'an e-mail address', got: JSON.stringify(admin.slice(0, 60)), itemIndex }));
	return admin;
}

/** A write that decides who passes ID Check is never an AI agent's to make (see NOT_FOR_AI_AGENTS). */
export function refuseAsTool(this: IExecuteFunctions, operation: string): void {
	if (this.getNode().type.endsWith('Tool')) throw localError('NOT_FOR_AI_AGENTS', { operation });
}

/** The status a submission is in, wherever this generation of the API put it. */
export function statusOf(raw: IDataObject): string | undefined {
	const kyc = isObject(raw.kyc) ? raw.kyc : undefined;
	const kycResult = isObject(raw.kyc_result) ? raw.kyc_result : undefined;
	return pick(kyc ?? {}, 'result', 'status') ?? pick(kycResult ?? {}, 'status') ?? pick(raw, 'kyc_result', 'status', 'kycStatus');
}

/** What ARGOS keeps of a deleted submission's data (§3.5: "keeps submission id, date, ID type, approval status"). */
const KEPT_DATA = new Set(['idType']);

/**
 * Whether ARGOS holds the submission only as it keeps deleted ones: no e-mail, user ID, images, OCR or
 * personal data. ARGOS documents no "deleted" flag, so its absence of personal data is the sign (a flag,
 * where one is present, counts too).
 */
export function isErased(raw: IDataObject): boolean {
	if (raw.deleted === true || statusOf(raw) === 'deleted') return true;
	const data = isObject(raw.data) ? Object.keys(raw.data).filter((key) => !KEPT_DATA.has(key)) : [];
	const personal = ['email', 'userid', 'image', 'ocr', 'OCR_raw'].some((key) => raw[key] !== undefined && raw[key] !== '') || data.length > 0;
	return !personal;
}

/** The state a workflow acts on: `deleted` for an erased submission, else its status. */
export function stateOf(raw: IDataObject): string | undefined {
	return isErased(raw) ? 'deleted' : statusOf(raw);
}

/** One submission: the fields a workflow maps, then ARGOS's object untouched. */
export function normaliseSubmission(raw: IDataObject): IDataObject {
	const data = isObject(raw.data) ? raw.data : {};
	const fromEither = (...keys: string[]) => pick(raw, ...keys) ?? pick(data, ...keys);
	const customFields: IDataObject = {};
	const cf = isObject(raw.cf) ? raw.cf : {};
	for (const name of ['cf1', 'cf2', 'cf3']) {
		const value = pick(cf, name) ?? pick(data, name);
		if (value !== undefined) customFields[name] = value;
	}
	return {
		submissionId: pick(raw, 'submission_id', 'submissionId'),
		status: statusOf(raw),
		...(isErased(raw) && { deleted: true }),
		userId: fromEither('userid', 'userId'),
		email: fromEither('email'),
		fullName: fromEither('full_name', 'fullName', 'name'),
		firstName: fromEither('first_name', 'firstName'),
		lastName: fromEither('last_name', 'lastName'),
		dateOfBirth: fromEither('date_of_birth', 'birthDate', 'dateOfBirth'),
		nationality: fromEither('nationality'),
		applicantId: fromEither('applicant_id', 'applicantId'),
		customFields,
		createdAt: pick(raw, 'created_at', 'createdAt'),
		updatedAt: pick(raw, 'updated_at', 'updatedAt'),
		pendingAt: pick(raw, 'pending_at'),
		decidedAt: pick(raw, 'kyc_result_at'),
		raw,
	};
}

/** GET /v3/submission answers {Items: [...]} for one and for many; anything else is not understood. */
export function itemsOf(body: IDataObject, what: string): IDataObject[] {
	if (typeof body.data === 'string' && body.Items === undefined)
		throw localError('ENCRYPTED_ANSWER', undefined);
	if (!Array.isArray(body.Items)) throw new FaceError({ ...invalidResponse(200), message: `ARGOS answered ${what} without a list of submissions (Items)` });
	const items = body.Items as unknown[];
	if (!items.every(isObject)) throw new FaceError({ ...invalidResponse(200), message: `ARGOS answered ${what} with a list that holds something other than submissions` });
	return items;
}
