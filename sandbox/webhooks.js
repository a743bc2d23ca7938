'use strict';

// ID Check webhooks (argos-idcheck-api.md §2): one URL per project, every event to it, plain JSON, no signature.
// Each event becomes one delivery with its own attempts, so tests can read exactly what a receiver was sent.
// Later fault modes (duplicates, delay, reorder, loss, encryption) belong in plan(): it turns one event into the
// list of sends to make, which is the one place such behaviour needs to hook in.

const { argosTime, ageGroup, duplicatedInformation } = require('./idcheckStore');

const isoNow = () => new Date().toISOString();

/** G-wh: absent optional fields are omitted, never null. */
function compact(obj) {
	const out = {};
	for (const [k, v] of Object.entries(obj)) {
		if (v === undefined || v === null) continue;
		if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
		out[k] = v;
	}
	return out;
}

const cfOf = (sub) => (Object.keys(sub.cf).length ? { ...sub.cf } : undefined);

/** The §2.3 body for one event; extra carries what only the caller knows (admin, changed fields, comment). */
function payloadFor(config, trigger, sub, extra = {}) {
	const d = sub.data;
	const t = (ms) => (ms ? argosTime(ms) : undefined);
	switch (trigger) {
		case 'created':
		case 'retry':
			return compact({
				webhook_trigger: trigger,
				submission_id: sub.submission_id,
				kyc_result: { status: 'incomplete' },
				cf: cfOf(sub),
				userid: sub.userid,
				tokenId: sub.tokenId,
				// WC: only present when a retry happened.
				retryCode: trigger === 'retry' ? 'liveness_error' : undefined,
				attempts: trigger === 'retry' ? sub.attempts : undefined,
				ipAddress: sub.ipAddress,
			});
		case 'submit':
			// [UNKNOWN] payload: the generic envelope §2.3 recommends.
			return compact({ webhook_trigger: 'submit', submission_id: sub.submission_id, kyc_result: { status: 'pending' }, email: sub.email, userid: sub.userid, cf: cfOf(sub), tokenId: sub.tokenId });
		case 'approved': {
			const kyc = compact({ status: 'approved', updated_at: t(sub.updatedAt), created_at: t(sub.createdAt), kyc_result_at: t(sub.kycResultAt), reviewer: sub.reviewer });
			if (config.idcheckApprovedShape === 'legacy') {
				return compact({
					webhook_trigger: 'approved',
					kyc_result: compact({ ...kyc, pending_at: t(sub.pendingAt) }),
					applicant_id: sub.applicant_id,
					submission_id: sub.submission_id,
					email: sub.email,
					tokenId: sub.tokenId,
					cf: cfOf(sub),
					userid: sub.userid,
					age_group: d.date_of_birth ? ageGroup(d.date_of_birth) : undefined,
					gender: d.gender,
					date_of_birth: d.date_of_birth,
					nationality: d.nationality,
					ipAddress: sub.ipAddress,
					fullName: d.full_name,
					idType: d.idType,
					issuingCountry: d.idcard_issuingCountry,
					issueDate: d.idcard_issueDate,
					expireDate: d.idcard_expireDate,
					documentNumber: d.documentNumber,
				});
			}
			return compact({
				submission_id: sub.submission_id,
				email: sub.email,
				cf: cfOf(sub),
				applicant_id: sub.applicant_id,
				webhook_trigger: 'approved',
				kyc_result: kyc,
				age_group: d.date_of_birth ? ageGroup(d.date_of_birth) : 'N/A',
				gender: d.gender,
				date_of_birth: d.date_of_birth,
				nationality: d.nationality,
				duplicated_information: duplicatedInformation(d),
				full_name: d.full_name,
				first_name: d.first_name,
				last_name: d.last_name,
				userid: sub.userid,
			});
		}
		case 'rejected': {
			const asArray = config.idcheckWebhookCommentAs === 'array';
			return compact({
				webhook_trigger: 'rejected',
				kyc_result: compact({
					status: 'rejected',
					comment: asArray ? [...sub.comment] : sub.comment.join(' '),
					updated_at: t(sub.updatedAt),
					commentCode: asArray ? [...sub.commentCode] : sub.commentCode.join(','),
				}),
				submission_id: sub.submission_id,
				duplicated_information: duplicatedInformation(d),
				email: sub.email,
				cf: cfOf(sub),
				userid: sub.userid,
				tokenId: sub.tokenId,
				ipAddress: sub.ipAddress,
			});
		}
		case 'updated':
			return compact({
				webhook_trigger: 'updated',
				submission_id: sub.submission_id,
				email: sub.email,
				data: compact({
					update: extra.update || [],
					kyc_result: sub.status === 'approved' || sub.status === 'rejected' ? sub.status : undefined,
					pending_at: t(sub.pendingAt),
					reviewer: sub.reviewer,
				}),
				admin: extra.admin,
				update_time: isoNow(),
				age_group: d.date_of_birth ? ageGroup(d.date_of_birth) : undefined,
				gender: d.gender,
				date_of_birth: d.date_of_birth,
				nationality: d.nationality,
				userid: sub.userid,
				tokenId: sub.tokenId,
			});
		case 'delete':
			return compact({ webhook_trigger: 'delete', submission_id: sub.submission_id, account_email: extra.admin, delete_time: isoNow(), comment: extra.comment });
		default:
			throw new TypeError(`unknown webhook trigger ${trigger}`);
	}
}

class WebhookDispatcher {
	/** sb supplies config and later() (timers that close() cancels). */
	constructor(sb) {
		this.sb = sb;
		this.url = null;
		this.deliveries = [];
		this.nextId = 1;
		this.closed = false;
	}

	setUrl(url) {
		if (url !== null) {
			let u;
			try {
				u = new URL(url);
			} catch {
				throw new TypeError('url must be an absolute http(s) URL or null');
			}
			// Real ARGOS insists on HTTPS; the sandbox's receivers are local test servers, so http is allowed too.
			if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError('url must be an absolute http(s) URL or null');
		}
		this.url = url;
		return { url: this.url };
	}

	/** Fire-and-forget: the API answer never waits for, or depends on, the receiver. */
	emit(trigger, sub, extra) {
		if (!this.url || this.closed) return null;
		const payload = payloadFor(this.sb.config, trigger, sub, extra);
		const delivery = { id: this.nextId++, event: trigger, submissionId: sub.submission_id, url: this.url, payload, createdAt: isoNow(), state: 'pending', attempts: [] };
		this.deliveries.push(delivery);
		if (this.deliveries.length > this.sb.config.logLimit) this.deliveries.splice(0, this.deliveries.length - this.sb.config.logLimit);
		for (const send of this.plan(delivery)) this.sb.later(send.delayMs, () => this.attempt(delivery, 0));
		return delivery;
	}

	/** One send per event, now. The extension point for duplicate/delayed/reordered/lost deliveries. */
	plan() {
		return [{ delayMs: 0 }];
	}

	async attempt(delivery, n) {
		if (this.closed) return;
		const started = Date.now();
		const rec = { at: new Date(started).toISOString(), status: null, error: null, durationMs: null };
		delivery.attempts.push(rec);
		try {
			const res = await fetch(delivery.url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(delivery.payload),
				signal: AbortSignal.timeout(this.sb.config.idcheckWebhookTimeoutMs),
			});
			rec.status = res.status;
			await res.arrayBuffer().catch(() => {});
		} catch (err) {
			rec.error = (err.cause && err.cause.code) || err.name || 'error';
		}
		rec.durationMs = Date.now() - started;
		if (rec.status >= 200 && rec.status < 300) {
			delivery.state = 'delivered';
			return;
		}
		const delays = this.sb.config.idcheckWebhookRetryDelaysMs;
		if (n < delays.length && !this.closed) {
			this.sb.later(delays[n], () => this.attempt(delivery, n + 1));
		} else {
			delivery.state = 'failed';
		}
	}

	list() {
		return structuredClone(this.deliveries);
	}

	clear() {
		this.deliveries = [];
	}
}

module.exports = { WebhookDispatcher, payloadFor };
