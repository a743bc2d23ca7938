'use strict';

// ID Check submissions (argos-idcheck-api.md §3.2): the data behind /v3/*, kept apart from the Face ID store so the
// two products can be reset, seeded and keyed independently, as two ARGOS projects are.

const crypto = require('node:crypto');
const { sampleImage } = require('./images');

const IDCHECK_KEY = 'argos-sandbox-idcheck-key-5d1e7b';
const IDCHECK_ADMIN = 'sandbox-admin@example.com';
const APPROVED_FACE_KEY = 'idcheck-approved';
const STATUSES = ['incomplete', 'pending', 'approved', 'rejected'];
const IMAGE_TYPES = ['idImage', 'idBackImage', 'selfieImage', 'addressImage'];

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** GS writes every submission time as YYYY-MM-DD-HH-MM-SS-ZZZ (UTC, ZZZ = milliseconds). */
function argosTime(ms) {
	const d = new Date(ms);
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}-${pad(d.getUTCMilliseconds(), 3)}`;
}

function parseArgosTime(s) {
	const m = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{3})$/.exec(String(s));
	if (!m) return null;
	const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
	return Number.isFinite(ms) ? ms : null;
}

function ageGroup(dob) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob || '');
	if (!m) return 'N/A';
	const now = new Date();
	let age = now.getUTCFullYear() - +m[1];
	if (now.getUTCMonth() + 1 < +m[2] || (now.getUTCMonth() + 1 === +m[2] && now.getUTCDate() < +m[3])) age--;
	if (age <= 13) return 'minor';
	if (age <= 15) return 'early-teen';
	if (age <= 17) return 'teen';
	return 'adult';
}

/** AP: derived from the four text fields only; a stable hash keeps equal people equal across resets. */
function duplicatedInformation(d) {
	if (!d.full_name || !d.date_of_birth || !d.gender || !d.nationality) return null;
	const h = crypto.createHash('sha256').update([d.full_name.toLowerCase(), d.date_of_birth, d.gender, d.nationality].join('|')).digest('hex');
	return `dup_${h.slice(0, 16)}`;
}

// Distinct bytes per submission and type (the label differs), the same face key on selfie and ID front so a
// compare of the two matches, and no face key on the back, which has no portrait.
function makeImage(id, type, faceKey) {
	const withFace = type === 'selfieImage' || type === 'idImage';
	return sampleImage({ faceKey: withFace && faceKey ? faceKey : undefined, label: `idcheck-${id}-${type}` });
}

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0, 0);

const SEED = [
	{
		submission_id: 'sub-approved-0001',
		status: 'approved',
		createdAt: T0 + 5 * 3600e3,
		userid: 'user-1001',
		email: 'jane.doe@example.com',
		firstName: 'Jane',
		lastName: 'Doe',
		gender: 'female',
		nationality: 'USA',
		dateOfBirth: '1990-04-12',
		idType: 'drivers_license',
		issuingCountry: 'USA',
		cf: { cf1: 'crm-1001', cf2: 'plan-gold' },
		faceKey: APPROVED_FACE_KEY,
		images: ['idImage', 'idBackImage', 'selfieImage'],
		applicant_id: 'app-sandbox-jane-0001',
		reviewer: 'system',
	},
	{
		submission_id: 'sub-rejected-0002',
		status: 'rejected',
		createdAt: T0 + 4 * 3600e3,
		userid: 'user-1002',
		email: 'rick.roe@example.com',
		firstName: 'Rick',
		lastName: 'Roe',
		gender: 'male',
		nationality: 'GBR',
		dateOfBirth: '1985-11-30',
		idType: 'passport',
		issuingCountry: 'GBR',
		faceKey: 'idcheck-rejected',
		images: ['idImage', 'selfieImage'],
		comment: ['The submitted ID could not be verified.'],
		commentCode: ['other'],
		reviewer: 'system',
	},
	{
		submission_id: 'sub-pending-0003',
		status: 'pending',
		createdAt: T0 + 3 * 3600e3,
		userid: 'user-1003',
		email: 'pat.poe@example.com',
		firstName: 'Pat',
		lastName: 'Poe',
		gender: 'male',
		nationality: 'KOR',
		dateOfBirth: '1995-02-01',
		idType: 'government_id',
		issuingCountry: 'KOR',
		cf: { cf1: 'crm-1003' },
		faceKey: 'idcheck-pending',
		images: ['idImage', 'idBackImage', 'selfieImage'],
	},
	// The same person as the approved one, approved earlier: AP's duplicate (one applicant_id, two submissions).
	{
		submission_id: 'sub-duplicate-0004',
		status: 'approved',
		createdAt: T0 + 2 * 3600e3,
		userid: 'user-1001',
		email: 'jane.doe+old@example.com',
		firstName: 'Jane',
		lastName: 'Doe',
		gender: 'female',
		nationality: 'USA',
		dateOfBirth: '1990-04-12',
		idType: 'passport',
		issuingCountry: 'USA',
		faceKey: APPROVED_FACE_KEY,
		images: ['idImage', 'selfieImage'],
		applicant_id: 'app-sandbox-jane-0001',
		reviewer: IDCHECK_ADMIN,
	},
	{
		submission_id: 'sub-incomplete-0005',
		status: 'incomplete',
		createdAt: T0 + 1 * 3600e3,
		userid: 'user-1005',
		email: 'sam.soe@example.com',
		images: [],
	},
	{
		submission_id: 'sub-deleted-0006',
		status: 'approved',
		createdAt: T0,
		userid: 'user-1006',
		email: 'old.user@example.com',
		firstName: 'Old',
		lastName: 'User',
		gender: 'female',
		nationality: 'CAN',
		dateOfBirth: '1970-01-01',
		idType: 'passport',
		images: ['idImage', 'selfieImage'],
		applicant_id: 'app-sandbox-old-0006',
		deleted: true,
	},
];

const SEED_IDS = { approved: 'sub-approved-0001', rejected: 'sub-rejected-0002', pending: 'sub-pending-0003', duplicate: 'sub-duplicate-0004', incomplete: 'sub-incomplete-0005', deleted: 'sub-deleted-0006' };

const str = (v) => (typeof v === 'string' && v.length > 0 ? v : undefined);

class IdcheckStore {
	constructor() {
		this.subs = new Map();
		this.admins = new Set([IDCHECK_ADMIN]);
		this.clock = 0;
		for (const s of SEED) {
			const sub = this.create({ ...s, id: s.submission_id }, s.createdAt);
			if (s.deleted) this.wipe(sub, s.createdAt + 86400e3);
		}
	}

	/** Strictly increasing ms so two submissions made in the same millisecond still order deterministically. */
	now() {
		this.clock = Math.max(Date.now(), this.clock + 1);
		return this.clock;
	}

	get(id) {
		return this.subs.get(id) || null;
	}

	/** Creates from a control-API / seed description; returns the internal record. */
	create(o, createdAt) {
		const status = o.status == null ? 'incomplete' : o.status;
		if (!STATUSES.includes(status)) throw new TypeError(`status must be one of ${STATUSES.join(', ')}`);
		const id = str(o.id) || `sub-${crypto.randomBytes(6).toString('hex')}`;
		if (this.subs.has(id)) throw Object.assign(new Error(`submission ${id} exists`), { status: 409 });
		const at = createdAt || this.now();
		const images = o.images == null ? ['idImage', 'idBackImage', 'selfieImage'] : o.images;
		if (!Array.isArray(images) || !images.every((t) => IMAGE_TYPES.includes(t))) throw new TypeError(`images must be an array of ${IMAGE_TYPES.join(', ')}`);
		if (o.faceKey != null && !/^[A-Za-z0-9_-]+$/.test(o.faceKey)) throw new TypeError('faceKey must match [A-Za-z0-9_-]+');
		const faceKey = o.faceKey || `idcheck-${id}`;
		const data = {};
		const set = (k, v) => {
			if (str(v)) data[k] = v;
		};
		set('first_name', o.firstName);
		set('last_name', o.lastName);
		set('full_name', o.fullName || [o.firstName, o.lastName].filter(Boolean).join(' '));
		set('gender', o.gender);
		set('nationality', o.nationality);
		set('date_of_birth', o.dateOfBirth);
		set('idType', o.idType);
		set('idcard_issuingCountry', o.issuingCountry);
		if (data.idType) {
			data.idcard_issueDate = '2020-01-15';
			data.idcard_expireDate = '2030-01-14';
			data.documentNumber = 'D' + crypto.createHash('sha256').update(id).digest('hex').slice(0, 8).toUpperCase();
		}
		const cf = {};
		for (const k of ['cf1', 'cf2', 'cf3']) if (str(o.cf && o.cf[k]) || str(o[k])) cf[k] = (o.cf && o.cf[k]) || o[k];
		Object.assign(data, cf);
		if (data.date_of_birth) data.age_group = ageGroup(data.date_of_birth);
		const sub = {
			submission_id: id,
			status,
			createdAt: at,
			updatedAt: at,
			pendingAt: null,
			kycResultAt: null,
			reviewer: null,
			email: str(o.email),
			userid: str(o.userid),
			tokenId: str(o.tokenId),
			ipAddress: '203.0.113.10',
			data,
			cf,
			ocr: data.full_name
				? { fullName: data.full_name, firstName: data.first_name, lastName: data.last_name, birthDate: data.date_of_birth, nationality: data.nationality, expireDate: data.idcard_expireDate, identityNumber: '******' }
				: null,
			comment: [],
			commentCode: [],
			attempts: 1,
			images: {},
			faceKey,
			applicant_id: null,
			deleted: false,
			deletedAt: null,
		};
		for (const t of images) sub.images[t] = makeImage(id, t, faceKey);
		this.subs.set(id, sub);
		this.applyStatus(sub, status, { at, reviewer: o.reviewer || 'system', applicantId: o.applicant_id, comment: o.comment, commentCode: o.commentCode });
		return sub;
	}

	/** Moves a submission; the timestamps follow what GS shows (pending_at on entering review, kyc_result_at on a decision). */
	applyStatus(sub, status, { at = this.now(), reviewer = 'system', applicantId, comment, commentCode } = {}) {
		sub.status = status;
		sub.updatedAt = at;
		if (status === 'pending') sub.pendingAt = at;
		if (status === 'approved' || status === 'rejected') {
			sub.kycResultAt = at;
			sub.reviewer = reviewer;
		}
		// AP: applicant_id exists only on approved submissions; random when nothing comparable exists.
		if (status === 'approved') sub.applicant_id = applicantId || sub.applicant_id || this.applicantFor(sub);
		else sub.applicant_id = null;
		if (status === 'rejected') {
			sub.comment = comment ? [].concat(comment) : sub.comment.length ? sub.comment : ['Rejected in the sandbox.'];
			sub.commentCode = commentCode ? [].concat(commentCode) : sub.commentCode.length ? sub.commentCode : ['other'];
		} else {
			sub.comment = [];
			sub.commentCode = [];
		}
	}

	/** Same person (duplicated_information + face key) -> the approved twin's applicant_id, else a fresh one. */
	applicantFor(sub) {
		const dup = duplicatedInformation(sub.data);
		for (const o of this.subs.values()) {
			if (o !== sub && o.applicant_id && dup && duplicatedInformation(o.data) === dup && o.faceKey === sub.faceKey) return o.applicant_id;
		}
		return `app-${crypto.randomBytes(8).toString('hex')}`;
	}

	/** DS: personal data, ID details, images, AML go; id, date, ID type and approval status stay. */
	wipe(sub, at = this.now()) {
		sub.deleted = true;
		sub.deletedAt = at;
		sub.updatedAt = at;
		sub.data = sub.data.idType ? { idType: sub.data.idType } : {};
		sub.cf = {};
		sub.email = undefined;
		sub.userid = undefined;
		sub.tokenId = undefined;
		sub.ocr = null;
		sub.images = {};
		sub.applicant_id = null;
	}

	/** Newest first, ties by id descending: the order the cursor walks. */
	sorted() {
		return [...this.subs.values()].sort((a, b) => b.createdAt - a.createdAt || (a.submission_id < b.submission_id ? 1 : a.submission_id > b.submission_id ? -1 : 0));
	}

	/** The wire object of GS; request_type narrows it to that slice plus submission_id. */
	toWire(sub, requestType) {
		const w = { submission_id: sub.submission_id };
		const kyc = { result: sub.status, comment: [...sub.comment], commentCode: [...sub.commentCode], attempts: [{ attemptCnt: sub.attempts, retryMsg: [], retryCode: [] }] };
		if (sub.deleted) {
			return { submission_id: sub.submission_id, created_at: argosTime(sub.createdAt), updated_at: argosTime(sub.updatedAt), deleted: true, deleted_at: argosTime(sub.deletedAt), data: { ...sub.data }, kyc: { result: sub.status } };
		}
		if (requestType === 'kyc') return { ...w, kyc };
		if (requestType === 'data') return { ...w, data: { ...sub.data, ...(sub.data.documentNumber ? { documentNumber: '********' } : {}) } };
		if (requestType === 'aml') return { ...w, aml: sub.status === 'approved' ? { currentstatus: 'Not Screened', risk_level_summary: 'Not Screened' } : {} };
		if (requestType === 'others') return { ...w, project_options: { option_aml: false, option_addressData: false, option_idNumber: true } };
		if (sub.email) w.email = sub.email;
		if (sub.userid) w.userid = sub.userid;
		w.created_at = argosTime(sub.createdAt);
		w.updated_at = argosTime(sub.updatedAt);
		if (sub.pendingAt) w.pending_at = argosTime(sub.pendingAt);
		if (sub.kycResultAt) w.kyc_result_at = argosTime(sub.kycResultAt);
		if (sub.reviewer) w.reviewer = sub.reviewer;
		if (sub.applicant_id) w.applicant_id = sub.applicant_id;
		const dup = duplicatedInformation(sub.data);
		if (dup) w.duplicated_information = dup;
		w.data = { ...sub.data };
		if (w.data.documentNumber) w.data.documentNumber = '********';
		if (sub.ocr) w.ocr = { ...sub.ocr };
		w.kyc = kyc;
		const image = {};
		// Opaque on purpose (GS leaves their form [UNKNOWN]): clients must fetch bytes with GET /v3/image.
		for (const t of IMAGE_TYPES) if (sub.images[t]) image[t] = `sandbox-image:${sub.submission_id}/${t}`;
		w.image = image;
		return w;
	}

	/** For sb.state() and the control API: no image bytes, their sizes and hashes instead. */
	snapshot(sub) {
		const images = {};
		for (const [t, buf] of Object.entries(sub.images)) images[t] = { bytes: buf.length, sha256: crypto.createHash('sha256').update(buf).digest('hex') };
		return { ...this.toWire(sub), status: sub.status, faceKey: sub.faceKey, images };
	}
}

module.exports = { IdcheckStore, IDCHECK_KEY, IDCHECK_ADMIN, APPROVED_FACE_KEY, SEED_IDS, STATUSES, IMAGE_TYPES, argosTime, parseArgosTime, ageGroup, duplicatedInformation };
