'use strict';

// A client written from argos-idcheck-api.md alone (§3, §6), not from the sandbox. It insists on what the document
// states firmly and tolerates every variant it marks [CONFLICT], [INFERRED] or [UNKNOWN]; anything else is thrown
// as a ContractViolation, so a passing test means "a client built from the document works against this server".

class ContractViolation extends Error {}

const violation = (msg) => {
	throw new ContractViolation(msg);
};
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const TS = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/;
const IMAGE_TYPES = ['idImage', 'idBackImage', 'selfieImage', 'addressImage'];
const CURSOR_FIELDS = ['nextPage_key', 'LastEvaluatedKey', 'nextpage'];

/** §3.1: 403 Forbidden for a wrong key; app errors are 400 in one of four shapes; read errorCode ?? message ?? errorMessage. */
function parseError(status, text) {
	if (status < 400) violation(`an error must not come with HTTP ${status}`);
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}
	if (status === 403) {
		if (!isObject(body) || typeof body.message !== 'string') violation('a 403 carries a message');
		return { ok: false, httpStatus: 403, kind: 'gateway', message: body.message, raw: body };
	}
	if (status !== 400) return { ok: false, httpStatus: status, kind: 'gateway', message: isObject(body) ? body.message ?? null : null, raw: body };
	if (!isObject(body)) violation('a 400 body is a JSON object');
	const text1 = body.errorMessage ?? body.message ?? body.errorCode;
	if (typeof text1 !== 'string' || !text1) violation('a 400 body has errorCode, message or errorMessage');
	let shape;
	if ('traceId' in body) shape = 'traceId';
	else if ('errorMessage' in body) shape = 'errorMessage';
	else if ('errorCode' in body) shape = 'errorCode';
	else shape = 'message';
	if (shape === 'message' && body.statusCode !== undefined && body.statusCode !== 400) violation('statusCode of a 400 body must be 400');
	return { ok: false, httpStatus: 400, kind: 'api', shape, message: text1, code: body.errorCode ?? null, raw: body };
}

function checkSubmission(s) {
	if (!isObject(s)) violation('each Item is an object');
	if (typeof s.submission_id !== 'string' || !s.submission_id) violation('each Item has submission_id');
	for (const k of ['created_at', 'updated_at', 'pending_at', 'kyc_result_at']) if (s[k] !== undefined && !TS.test(s[k])) violation(`${k} is YYYY-MM-DD-HH-MM-SS-ZZZ`);
	if (s.data !== undefined && !isObject(s.data)) violation('data is an object');
	if (s.data && s.data.documentNumber !== undefined && !/^\*+$/.test(s.data.documentNumber)) violation('documentNumber is masked');
	if (s.kyc !== undefined) {
		if (!isObject(s.kyc)) violation('kyc is an object');
		// GS arrays vs WR strings [CONFLICT]: accept either.
		for (const k of ['comment', 'commentCode']) if (s.kyc[k] !== undefined && !Array.isArray(s.kyc[k]) && typeof s.kyc[k] !== 'string') violation(`kyc.${k} is an array or a string`);
	}
	if (s.applicant_id !== undefined && s.kyc && s.kyc.result !== 'approved' && !s.deleted) violation('applicant_id only on approved submissions');
	if (s.image !== undefined) {
		if (!isObject(s.image)) violation('image is an object');
		for (const k of Object.keys(s.image)) if (!IMAGE_TYPES.includes(k)) violation(`unknown image key ${k}`);
	}
	return s;
}

function createIdcheckClient({ baseUrl, apiKey }) {
	async function req(method, path, { query, body, headers = {} } = {}) {
		const url = new URL(`${baseUrl}/v3${path}`);
		for (const [k, v] of Object.entries(query || {})) if (v != null) url.searchParams.set(k, v);
		const h = { 'x-api-key': apiKey, ...headers };
		let payload;
		if (body !== undefined) {
			payload = body instanceof FormData ? body : JSON.stringify(body);
			if (!(body instanceof FormData)) h['content-type'] = 'application/json';
		}
		const res = await fetch(url, { method, headers: h, body: payload });
		const buf = Buffer.from(await res.arrayBuffer());
		return { status: res.status, type: res.headers.get('content-type') || '', buf, text: buf.toString('utf8') };
	}
	async function json(method, path, opts) {
		const r = await req(method, path, opts);
		if (r.status >= 400) return { error: parseError(r.status, r.text) };
		if (r.status !== 200) violation(`unexpected HTTP ${r.status}`);
		try {
			return { body: JSON.parse(r.text) };
		} catch {
			return violation('a success body is JSON');
		}
	}

	return {
		/** §3.2: {Items:[…]} always; the cursor field is [UNKNOWN] → any of nextPage_key, LastEvaluatedKey, nextpage. */
		async listPage(query = {}) {
			const r = await json('GET', '/submission', { query });
			if (r.error) return r.error;
			if (!isObject(r.body) || !Array.isArray(r.body.Items)) violation('GET submission answers {Items: [...]}');
			r.body.Items.forEach(checkSubmission);
			let cursor = null;
			for (const f of CURSOR_FIELDS) {
				const c = r.body[f];
				if (c == null) continue;
				if (!isObject(c) || typeof c.submission_id !== 'string' || typeof c.created_at !== 'string') violation(`${f} has submission_id and created_at`);
				cursor = { nextpage_id: c.submission_id, nextpage_date: c.created_at };
			}
			return { ok: true, items: r.body.Items, cursor: r.body.Items.length ? cursor : null };
		},

		/** Walks the cursor to the end; stops on no cursor or an empty page, as §3.2 advises. */
		async listAll(query = {}, { maxPages = 1000 } = {}) {
			const all = [];
			let q = { ...query };
			for (let i = 0; i < maxPages; i++) {
				const p = await this.listPage(q);
				if (!p.ok) return p;
				all.push(...p.items);
				if (!p.cursor) return { ok: true, items: all, pages: i + 1 };
				q = { ...query, ...p.cursor };
			}
			return violation('the cursor never ended');
		},

		async get(submissionId) {
			const p = await this.listPage({ submission_id: submissionId });
			if (!p.ok) return p;
			if (p.items.length > 1) violation('a submission_id filter returns at most one Item');
			return { ok: true, submission: p.items[0] || null };
		},

		/** §3.3: both id names [CONFLICT] sent; body raw image bytes or base64 text [UNKNOWN]. */
		async image(submissionId, type) {
			const r = await req('GET', '/image', { query: { submissionId, submission_id: submissionId, type } });
			if (r.status >= 400) return parseError(r.status, r.text);
			if (r.status !== 200) violation(`unexpected HTTP ${r.status}`);
			const magic = (b) => (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) || (b[0] === 0x89 && b.toString('latin1', 1, 4) === 'PNG');
			if (magic(r.buf)) return { ok: true, bytes: r.buf, form: 'binary' };
			const b = Buffer.from(r.text.trim().replace(/^data:[^,]*;base64,/i, ''), 'base64');
			if (!magic(b)) violation('the image body is neither image bytes nor base64 of an image');
			return { ok: true, bytes: b, form: 'base64' };
		},

		/** §3.4: two success messages [CONFLICT]. */
		async patch(submissionId, admin, data) {
			const r = await json('PATCH', '/submission', { body: { submissionId, admin, data } });
			if (r.error) return r.error;
			if (!['Data Processing Success.', 'success to edit.'].includes(r.body && r.body.message)) violation(`PATCH success message ${JSON.stringify(r.body)}`);
			return { ok: true, message: r.body.message };
		},

		/** §3.5: both id names; statusCode present (new) or not (old). */
		async delete(submissionId, adminName) {
			const r = await json('DELETE', '/submission', { query: { submission_id: submissionId, submissionId, admin_name: adminName } });
			if (r.error) return r.error;
			const b = r.body;
			if (!isObject(b) || b.message !== 'success' || b.content !== `Submission ${submissionId} deleted successfully.`) violation(`DELETE success body ${JSON.stringify(b)}`);
			if (b.statusCode !== undefined && b.statusCode !== 200) violation('statusCode of a success is 200');
			return { ok: true, shape: b.statusCode === undefined ? 'old' : 'new' };
		},

		async partialDelete(submissionId, fields, dataFields) {
			const r = await json('DELETE', '/submission/partial', { query: { submission_id: submissionId, fields, data_fields: dataFields } });
			if (r.error) return r.error;
			if (!isObject(r.body)) violation('partial delete answers an object');
			return { ok: true, body: r.body };
		},

		/** §3.7 */
		async review(body) {
			const r = await json('POST', '/submission/review', { body });
			if (r.error) return r.error;
			const b = r.body;
			if (!isObject(b) || b.message !== 'Success to review submission.' || b.submissionId !== body.submissionId || b.finalStatus !== body.status) violation(`review success body ${JSON.stringify(b)}`);
			return { ok: true, finalStatus: b.finalStatus };
		},

		/** §3.8: a JSON array; duplicated_information may be missing (older copy). */
		async applicant(applicantId) {
			const r = await json('GET', '/submission/applicant', { query: { applicant_id: applicantId } });
			if (r.error) return r.error;
			if (!Array.isArray(r.body)) violation('applicant answers an array');
			for (const e of r.body) if (!isObject(e) || typeof e.submission_id !== 'string') violation('each applicant entry has submission_id');
			return { ok: true, submissions: r.body };
		},

		/** §3.6: multipart with base64 text fields. */
		async putImage(fields) {
			const fd = new FormData();
			for (const [k, v] of Object.entries(fields)) fd.append(k, Buffer.isBuffer(v) ? v.toString('base64') : v);
			const r = await json('PUT', '/submission/image', { body: fd });
			if (r.error) return r.error;
			if (!isObject(r.body) || r.body.message !== 'complete to update image.') violation(`PUT image success body ${JSON.stringify(r.body)}`);
			return { ok: true };
		},
	};
}

/** §2.3: every field optional except the trigger and the id; unknown triggers pass through. */
function checkWebhook(body) {
	if (!isObject(body)) violation('a webhook body is a JSON object');
	if (typeof body.webhook_trigger !== 'string') violation('webhook_trigger is a string');
	if (typeof body.submission_id !== 'string') violation('submission_id is a string');
	for (const v of Object.values(body)) if (v === null) violation('absent fields are omitted, not null');
	const kr = body.kyc_result;
	if (body.webhook_trigger === 'approved' || body.webhook_trigger === 'rejected') {
		if (!isObject(kr) || kr.status !== body.webhook_trigger) violation('kyc_result.status matches the trigger');
	}
	if (body.webhook_trigger === 'rejected') {
		for (const k of ['comment', 'commentCode']) if (kr[k] !== undefined && typeof kr[k] !== 'string' && !Array.isArray(kr[k])) violation(`kyc_result.${k} string or array`);
		if (body.applicant_id !== undefined) violation('applicant_id only on approved');
	}
	if (body.webhook_trigger === 'updated' && (!isObject(body.data) || !Array.isArray(body.data.update))) violation('updated carries data.update[]');
	if (body.webhook_trigger === 'delete' && body.delete_time !== undefined && Number.isNaN(Date.parse(body.delete_time))) violation('delete_time is ISO 8601');
	return { event: body.webhook_trigger, submissionId: body.submission_id, status: isObject(kr) ? kr.status ?? null : typeof kr === 'string' ? kr : null };
}

module.exports = { createIdcheckClient, checkWebhook, ContractViolation, parseError };
