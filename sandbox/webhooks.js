'use strict';

// ID Check webhooks (argos-idcheck-api.md §2): one URL per project, every event to it, plain JSON, no signature.
// Each send becomes one delivery record with its own attempts, so tests can read exactly what a receiver was sent.
// The faults a receiver must survive in production (§2.5: at-least-once, no ordering, drops; §2.8: encryption)
// are decided in plan(), from a seeded generator, so a failing run can be replayed with the same seed.

const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');
const { argosTime, ageGroup, duplicatedInformation, IDCHECK_KEY } = require('./idcheckStore');
const { mulberry32, seedToInt } = require('./faults');

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

// ---- encryption (§2.8) ----------------------------------------------------------------------------------

/** The 32-byte AES key each mode derives from the key text (the project API key or a separate secret). */
function deriveKey(keyText, mode) {
	if (mode === 'aes-256-ecb-raw32') {
		const raw = Buffer.from(keyText, 'utf8');
		// Padding a short key would invent a recipe nobody documented; refusing makes the misconfiguration visible.
		if (raw.length < 32) throw new RangeError(`${mode} needs a key of at least 32 bytes, this one has ${raw.length}`);
		return raw.subarray(0, 32);
	}
	return crypto.createHash('sha256').update(keyText, 'utf8').digest();
}

/** plain (a string) -> the encrypted body text `{"data":"…"}`; mode 'off' returns plain unchanged. */
function encryptBody(plain, keyText, mode) {
	if (mode === 'off') return plain;
	const key = deriveKey(keyText, mode);
	let data;
	if (mode === 'aes-256-gcm') {
		const nonce = crypto.randomBytes(12);
		const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
		const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
		data = Buffer.concat([nonce, ct, c.getAuthTag()]).toString('base64');
	} else {
		const c = crypto.createCipheriv('aes-256-ecb', key, null);
		const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
		data = ct.toString(mode === 'aes-256-ecb-sha256-hex' ? 'hex' : 'base64');
	}
	return JSON.stringify({ data });
}

/** The inverse, for tests and the forge script's --check; throws on a wrong key or mode. */
function decryptBody(bodyText, keyText, mode) {
	if (mode === 'off') return bodyText;
	const { data } = JSON.parse(bodyText);
	const key = deriveKey(keyText, mode);
	if (mode === 'aes-256-gcm') {
		const buf = Buffer.from(data, 'base64');
		const d = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
		d.setAuthTag(buf.subarray(buf.length - 16));
		return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]).toString('utf8');
	}
	const d = crypto.createDecipheriv('aes-256-ecb', key, null);
	return Buffer.concat([d.update(Buffer.from(data, mode === 'aes-256-ecb-sha256-hex' ? 'hex' : 'base64')), d.final()]).toString('utf8');
}

// ---- transport ------------------------------------------------------------------------------------------

/**
 * One POST with node:http(s). Resolves {status, localAddress}; rejects with err.code set (ECONNREFUSED,
 * ECONNRESET, 'timeout', …), so every way of not getting an answer is one failed attempt that can be retried.
 */
function post(url, body, { headers = {}, timeoutMs = 10000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const lib = u.protocol === 'https:' ? https : http;
		const bytes = Buffer.from(body, 'utf8');
		let localAddress = null;
		let done = false;
		const finish = (fn, v) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			fn(v);
		};
		const req = lib.request(u, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers } }, (res) => {
			res.resume();
			res.on('end', () => finish(resolve, { status: res.statusCode, localAddress }));
			res.on('error', () => finish(resolve, { status: res.statusCode, localAddress }));
		});
		// Wall-clock, not socket idle: a receiver that trickles bytes must still count as timed out.
		const timer = setTimeout(() => {
			const err = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'timeout' });
			finish(reject, err);
			req.destroy(err);
		}, timeoutMs);
		timer.unref();
		req.on('socket', (sock) => {
			const note = () => (localAddress = sock.localAddress || localAddress);
			if (sock.localAddress) note();
			else sock.once('connect', note);
		});
		req.on('error', (err) => finish(reject, err));
		req.end(bytes);
	});
}

// ---- dispatcher -----------------------------------------------------------------------------------------

const WEBHOOK_KNOBS = ['idcheckWebhookSeed', 'idcheckWebhookDuplicates', 'idcheckWebhookDuplicateRate', 'idcheckWebhookMaxDelayMs', 'idcheckWebhookReorderWindowMs', 'idcheckWebhookLossRate', 'idcheckWebhookEncryption', 'idcheckWebhookSecretKey', 'idcheckWebhookRetryDelaysMs', 'idcheckWebhookTimeoutMs'];

class WebhookDispatcher {
	/** sb supplies config and later() (timers that close() cancels). */
	constructor(sb) {
		this.sb = sb;
		this.url = null;
		this.deliveries = [];
		this.nextId = 1;
		this.nextEvent = 1;
		this.nextRelease = 1;
		this.closed = false;
		this.rng = null;
		this.rngSeed = undefined;
		// Sends held by the reorder window, and the records not yet delivered/failed (what settle() waits for).
		this.held = [];
		this.heldTimer = null;
		this.unfinished = new Set();
		this.waiters = [];
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
		// A registration starts a run: the fault draws start over, so the same seed and steps replay the same faults.
		this.rng = null;
		return { url: this.url };
	}

	random() {
		const seed = this.sb.config.idcheckWebhookSeed;
		if (!this.rng || this.rngSeed !== seed) {
			this.rng = mulberry32(seedToInt(seed));
			this.rngSeed = seed;
		}
		return this.rng;
	}

	/** The key text the project would encrypt with: a separate secret if configured, else the ID Check API key. */
	keyText() {
		return this.sb.config.idcheckWebhookSecretKey || IDCHECK_KEY;
	}

	/** Fire-and-forget: the API answer never waits for, or depends on, the receiver. */
	emit(trigger, sub, extra) {
		if (!this.url || this.closed) return null;
		return this.send(trigger, sub.submission_id, payloadFor(this.sb.config, trigger, sub, extra));
	}

	/** One event -> its delivery records (the original, copies, or one lost record), scheduled per plan(). */
	send(event, submissionId, payload) {
		const cfg = this.sb.config;
		const plan = this.plan();
		const plain = JSON.stringify(payload);
		const base = { event, submissionId, url: this.url, eventSeq: this.nextEvent++, payload, encryption: cfg.idcheckWebhookEncryption, createdAt: isoNow() };
		let body;
		try {
			// Encrypted once per event, so every copy and every retry carries the very same bytes (GCM's nonce included).
			body = encryptBody(plain, this.keyText(), cfg.idcheckWebhookEncryption);
		} catch (err) {
			return this.record({ ...base, body: null, state: 'failed', error: err.message });
		}
		if (plan.lost) return this.record({ ...base, body, state: 'lost', lost: true });
		let original = null;
		for (const s of plan.sends) {
			const rec = this.record({ ...base, body, state: 'pending', duplicateOf: original ? original.id : null, delayMs: s.delayMs });
			original = original || rec;
			this.unfinished.add(rec);
			if (cfg.idcheckWebhookReorderWindowMs > 0) this.hold(rec, s.orderKey);
			else this.release(rec);
		}
		return original;
	}

	record(fields) {
		const rec = { id: this.nextId++, duplicateOf: null, lost: false, delayMs: 0, reordered: false, heldMs: 0, releaseSeq: null, forged: false, headers: {}, error: null, ...fields, attempts: [] };
		this.deliveries.push(rec);
		if (this.deliveries.length > this.sb.config.logLimit) this.deliveries.splice(0, this.deliveries.length - this.sb.config.logLimit);
		return rec;
	}

	/**
	 * The fault decisions for one event. The number of draws per event is fixed by the config, not by the outcome,
	 * so turning one fault up or down does not reshuffle the others for the same seed.
	 */
	plan() {
		const cfg = this.sb.config;
		const rng = this.random();
		const lostDraw = rng();
		const dupDraw = rng();
		const draws = [];
		for (let i = 0; i <= cfg.idcheckWebhookDuplicates; i++) draws.push({ delay: rng(), orderKey: rng() });
		const copies = cfg.idcheckWebhookDuplicates > 0 && dupDraw < cfg.idcheckWebhookDuplicateRate ? cfg.idcheckWebhookDuplicates : 0;
		return {
			lost: lostDraw < cfg.idcheckWebhookLossRate,
			sends: draws.slice(0, copies + 1).map((d) => ({ delayMs: Math.floor(d.delay * (cfg.idcheckWebhookMaxDelayMs + 1)), orderKey: d.orderKey })),
		};
	}

	/** Reorder: sends wait until the window that the first of them opened closes, then leave in shuffled order. */
	hold(rec, orderKey) {
		rec.state = 'held';
		this.held.push({ rec, orderKey, at: Date.now() });
		if (!this.heldTimer) this.heldTimer = this.sb.later(this.sb.config.idcheckWebhookReorderWindowMs, () => this.flush());
	}

	flush() {
		const batch = this.held;
		this.held = [];
		this.heldTimer = null;
		if (this.closed) return;
		// The order keys were drawn at emission, so the shuffle depends on the seed only, not on timer timing.
		const order = batch.map((b, i) => ({ ...b, i })).sort((a, b) => a.orderKey - b.orderKey);
		const now = Date.now();
		order.forEach((b, pos) => {
			b.rec.reordered = pos !== b.i;
			b.rec.heldMs = now - b.at;
			this.release(b.rec);
		});
	}

	release(rec) {
		rec.state = 'pending';
		// Release order is what a receiver would see if the network kept order; tests compare it with emission order.
		rec.releaseSeq = this.nextRelease++;
		this.sb.later(rec.delayMs, () => this.attempt(rec, 0));
	}

	async attempt(delivery, n) {
		if (this.closed) return;
		const started = Date.now();
		const rec = { at: new Date(started).toISOString(), status: null, error: null, durationMs: null };
		delivery.attempts.push(rec);
		try {
			rec.status = (await post(delivery.url, delivery.body, { timeoutMs: this.sb.config.idcheckWebhookTimeoutMs })).status;
		} catch (err) {
			rec.error = err.code || err.name || 'error';
		}
		rec.durationMs = Date.now() - started;
		if (rec.status >= 200 && rec.status < 300) return this.finish(delivery, 'delivered');
		const delays = this.sb.config.idcheckWebhookRetryDelaysMs;
		// Timeouts and connection errors land here too (status null): every failed attempt is retried alike.
		if (n < delays.length && !this.closed) this.sb.later(delays[n], () => this.attempt(delivery, n + 1));
		else this.finish(delivery, 'failed');
	}

	finish(delivery, state) {
		delivery.state = state;
		this.unfinished.delete(delivery);
		if (this.unfinished.size === 0) this.wake(true);
	}

	wake(value) {
		const w = this.waiters;
		this.waiters = [];
		for (const fn of w) fn(value);
	}

	pending() {
		return this.unfinished.size;
	}

	/** Resolves true once nothing is held, waiting or being retried; false if timeoutMs passes first. */
	settle(timeoutMs = 30000) {
		if (this.unfinished.size === 0 || this.closed) return Promise.resolve(this.unfinished.size === 0);
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((w) => w !== done);
				resolve(false);
			}, timeoutMs);
			timer.unref();
			const done = (v) => {
				clearTimeout(timer);
				resolve(v);
			};
			this.waiters.push(done);
		});
	}

	/**
	 * A delivery ARGOS never made: an arbitrary body (or a made-up event) to any URL, once, no retries. The sandbox
	 * cannot choose its TCP source address, so "from elsewhere" can only mean a forged header such as X-Forwarded-For.
	 */
	async forge({ url, body, event, submissionId, headers, sourceAddress, encryption = 'off', key } = {}) {
		const target = url || this.url;
		if (!target) throw new TypeError('no url given and no webhook URL registered');
		this.setUrlCheck(target);
		let payload = null;
		let plain;
		if (body !== undefined) {
			plain = typeof body === 'string' ? body : JSON.stringify(body);
			if (typeof body !== 'string') payload = body;
		} else {
			if (typeof event !== 'string' || !event) throw new TypeError('forge needs body, or event (+ submissionId)');
			payload = forgedPayload(this.sb, event, submissionId);
			plain = JSON.stringify(payload);
		}
		const h = normaliseHeaders(headers);
		if (sourceAddress != null) h['X-Forwarded-For'] = String(sourceAddress);
		const sent = encryptBody(plain, key || this.keyText(), encryption);
		const rec = this.record({ event: payload && payload.webhook_trigger ? payload.webhook_trigger : event || null, submissionId: (payload && payload.submission_id) || submissionId || null, url: target, eventSeq: null, payload, body: sent, encryption, headers: h, createdAt: isoNow(), state: 'pending', forged: true });
		const att = { at: isoNow(), status: null, error: null, durationMs: null, localAddress: null };
		rec.attempts.push(att);
		const started = Date.now();
		try {
			const r = await post(target, sent, { headers: h, timeoutMs: this.sb.config.idcheckWebhookTimeoutMs });
			att.status = r.status;
			att.localAddress = r.localAddress;
		} catch (err) {
			att.error = err.code || err.name || 'error';
		}
		att.durationMs = Date.now() - started;
		rec.state = att.status >= 200 && att.status < 300 ? 'delivered' : 'failed';
		return structuredClone(rec);
	}

	setUrlCheck(url) {
		const saved = this.url;
		const savedRng = this.rng;
		try {
			this.setUrl(url);
		} finally {
			this.url = saved;
			this.rng = savedRng;
		}
	}

	list() {
		return structuredClone(this.deliveries);
	}

	clear() {
		this.deliveries = [];
	}

	close() {
		this.closed = true;
		this.held = [];
		this.wake(this.unfinished.size === 0);
	}
}

function normaliseHeaders(headers) {
	const out = {};
	if (headers == null) return out;
	const list = Array.isArray(headers) ? headers : Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
	for (const line of list) {
		const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(String(line));
		if (!m) throw new TypeError(`header must look like "Name: value", got ${JSON.stringify(line)}`);
		out[m[1]] = m[2];
	}
	return out;
}

/** A stored submission gets its real §2.3 body; a made-up id gets the generic envelope a receiver must still parse. */
function forgedPayload(sb, event, submissionId) {
	const sub = sb && submissionId ? sb.idcheck.store.get(submissionId) : null;
	if (sub) {
		try {
			return payloadFor(sb.config, event, sub, { admin: sb.idcheck.store.admins.values().next().value, update: [] });
		} catch {
			// an event the sandbox has no body for: fall through to the envelope
		}
	}
	const status = { created: 'incomplete', retry: 'incomplete', submit: 'pending', approved: 'approved', rejected: 'rejected' }[event];
	const out = { webhook_trigger: event };
	if (submissionId) out.submission_id = submissionId;
	if (status) out.kyc_result = { status };
	if (event === 'delete') out.delete_time = isoNow();
	if (event === 'updated') out.update_time = isoNow();
	return out;
}

module.exports = { WebhookDispatcher, payloadFor, encryptBody, decryptBody, deriveKey, post, normaliseHeaders, forgedPayload, WEBHOOK_KNOBS };
