'use strict';

// The webhook dispatcher's faults (issue 15): duplicates, delay, reorder, loss, retries on every kind of failure,
// encryption variants (and the §2.8 test vector), forged deliveries, the scenario and settled controls.
// A local node:http receiver records exactly what arrived.

const http = require('node:http');
const crypto = require('node:crypto');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { startSandbox, call } = require('./helpers');
const { mulberry32, seedToInt } = require('../faults');
const { encryptBody, deriveKey } = require('../webhooks');
const VECTOR = require('./fixtures/webhook-encryption-vector.json');

const until = async (fn, ms = 10000) => {
	const end = Date.now() + ms;
	while (!fn()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 10));
	}
};

/** A receiver; answer(n, req) returns a status, or 'hang' to never answer. */
async function startReceiver(port = 0) {
	const r = { got: [], answer: () => 200, sockets: new Set() };
	r.server = http.createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			r.got.push({ body, headers: req.headers, remoteAddress: req.socket.remoteAddress, at: Date.now() });
			const a = r.answer(r.got.length, body);
			if (a === 'hang') return;
			res.statusCode = a;
			res.end('ok');
		});
	});
	r.server.on('connection', (s) => {
		r.sockets.add(s);
		s.on('close', () => r.sockets.delete(s));
	});
	await new Promise((res) => r.server.listen(port, '127.0.0.1', res));
	r.port = r.server.address().port;
	r.url = `http://127.0.0.1:${r.port}/hook`;
	r.close = () =>
		new Promise((res) => {
			for (const s of r.sockets) s.destroy();
			r.server.close(() => res());
		});
	return r;
}

/** The documented draw order (README "Webhook faults"): per event loss, duplicate, then (delay, order) per possible send. */
function expectedPlan(seed, events, { dup = 0, dupRate = 1, loss = 0, maxDelay = 0 } = {}) {
	const rng = mulberry32(seedToInt(seed));
	return Array.from({ length: events }, () => {
		const l = rng();
		const d = rng();
		const draws = [];
		for (let i = 0; i <= dup; i++) draws.push({ delay: rng(), key: rng() });
		const copies = dup > 0 && d < dupRate ? dup : 0;
		return { lost: l < loss, copies, delays: draws.slice(0, copies + 1).map((x) => Math.floor(x.delay * (maxDelay + 1))) };
	});
}

/** Independent of the sandbox's own code: what a receiver would write with node:crypto. */
function decrypt(bodyText, keyText, mode) {
	const { data } = JSON.parse(bodyText);
	const key = mode === 'aes-256-ecb-raw32' ? Buffer.from(keyText, 'utf8').subarray(0, 32) : crypto.createHash('sha256').update(keyText, 'utf8').digest();
	if (mode === 'aes-256-gcm') {
		const buf = Buffer.from(data, 'base64');
		const d = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
		d.setAuthTag(buf.subarray(-16));
		return JSON.parse(Buffer.concat([d.update(buf.subarray(12, -16)), d.final()]).toString('utf8'));
	}
	const d = crypto.createDecipheriv('aes-256-ecb', key, null);
	return JSON.parse(Buffer.concat([d.update(Buffer.from(data, mode.endsWith('-hex') ? 'hex' : 'base64')), d.final()]).toString('utf8'));
}

const admin = (sb, method, p, body) => call(sb, method, p, { key: null, body });
const eventKey = (b) => `${b.submission_id}/${b.webhook_trigger}`;

let sb;
let rx;
beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
	sb.reset();
	rx = await startReceiver();
});
afterEach(() => rx.close());

describe('defaults', () => {
	test('no faults: each event once, in emission order, the plain body; settled answers at once', async () => {
		sb.idcheck.setWebhookUrl(rx.url);
		const res = await admin(sb, 'POST', '/__sandbox/idcheck/scenario', { count: 6, seed: 3, mix: { pendingThenApproved: 1, approvedThenDeleted: 1 } });
		expect(res.status).toBe(200);
		const s = await call(sb, 'GET', '/__sandbox/idcheck/deliveries', { key: null, query: { settled: '1', timeoutMs: '5000' } });
		expect(s.json).toMatchObject({ settled: true, pending: 0 });
		const d = s.json.deliveries;
		expect(d).toHaveLength(res.json.eventCount);
		expect(rx.got.map((g) => eventKey(JSON.parse(g.body)))).toEqual(res.json.submissions.flatMap((x) => x.events.map((e) => `${x.submissionId}/${e}`)));
		expect(rx.got.map((g) => g.body)).toEqual(d.map((x) => JSON.stringify(x.payload)));
		for (const x of d) expect(x).toMatchObject({ state: 'delivered', duplicateOf: null, lost: false, delayMs: 0, reordered: false, heldMs: 0, encryption: 'off', forged: false });
		expect(rx.got.every((g) => g.headers['content-type'] === 'application/json' && !Object.keys(g.headers).some((h) => /argos|signature/i.test(h)))).toBe(true);
	});

	test('scenario: exact counts from the mix, each submission its lifecycle and end state', async () => {
		const r = sb.idcheck.scenario({ count: 10, seed: 'x', mix: { approved: 3, rejected: 1, approvedThenDeleted: 1 } });
		expect(r.counts).toEqual({ approved: 6, rejected: 2, approvedThenDeleted: 2 });
		const by = (l) => r.submissions.filter((s) => s.lifecycle === l);
		expect(by('approved').every((s) => s.finalStatus === 'approved' && !s.deleted && s.events.join() === 'created,approved')).toBe(true);
		expect(by('approvedThenDeleted').every((s) => s.deleted && s.events.join() === 'created,approved,delete')).toBe(true);
		expect(sb.idcheck.submission(by('rejected')[0].submissionId)).toMatchObject({ status: 'rejected' });
		// same seed, same lifecycle order; a second run gets fresh ids
		const again = sb.idcheck.scenario({ count: 10, seed: 'x', mix: { approved: 3, rejected: 1, approvedThenDeleted: 1 } });
		expect(again.submissions.map((s) => s.lifecycle)).toEqual(r.submissions.map((s) => s.lifecycle));
		expect(again.submissions[0].submissionId).not.toBe(r.submissions[0].submissionId);
		expect((await admin(sb, 'POST', '/__sandbox/idcheck/scenario', { count: 2, mix: { nope: 1 } })).status).toBe(400);
		expect((await admin(sb, 'POST', '/__sandbox/idcheck/scenario', { count: 0 })).status).toBe(400);
	});
});

describe('each fault alone', () => {
	test('duplicates: N byte-identical extra copies, marked duplicateOf; a rate picks events as the plan says', async () => {
		sb.setConfig({ idcheckWebhookDuplicates: 2 });
		sb.idcheck.setWebhookUrl(rx.url);
		sb.idcheck.scenario({ count: 3, mix: { approved: 1 } });
		expect(await sb.idcheck.settled(5000)).toBe(true);
		expect(rx.got).toHaveLength(18);
		const d = sb.idcheck.deliveries();
		const originals = d.filter((x) => x.duplicateOf === null);
		expect(originals).toHaveLength(6);
		for (const o of originals) {
			const copies = d.filter((x) => x.duplicateOf === o.id);
			expect(copies).toHaveLength(2);
			expect(copies.every((c) => c.body === o.body && c.eventSeq === o.eventSeq)).toBe(true);
			expect(rx.got.filter((g) => g.body === o.body)).toHaveLength(3);
		}

		sb.reset();
		sb.setConfig({ idcheckWebhookDuplicates: 3, idcheckWebhookDuplicateRate: 0.4, idcheckWebhookSeed: 42 });
		sb.idcheck.setWebhookUrl(rx.url);
		rx.got = [];
		const r = sb.idcheck.scenario({ count: 10, mix: { pendingThenApproved: 1 } });
		expect(await sb.idcheck.settled(5000)).toBe(true);
		const plan = expectedPlan(42, r.eventCount, { dup: 3, dupRate: 0.4 });
		const copies = plan.reduce((t, p) => t + p.copies, 0);
		expect(copies).toBeGreaterThan(0);
		expect(copies).toBeLessThan(3 * r.eventCount);
		expect(sb.idcheck.deliveries().filter((x) => x.duplicateOf !== null)).toHaveLength(copies);
		expect(rx.got).toHaveLength(r.eventCount + copies);
	});

	test('delay: each send waits its seeded 0..max ms; the same seed replays the same delays', async () => {
		sb.setConfig({ idcheckWebhookMaxDelayMs: 150, idcheckWebhookSeed: 9 });
		sb.idcheck.setWebhookUrl(rx.url);
		const r = sb.idcheck.scenario({ count: 6, mix: { pendingThenRejected: 1 } });
		expect(await sb.idcheck.settled(5000)).toBe(true);
		const d = sb.idcheck.deliveries();
		expect(d.map((x) => x.delayMs)).toEqual(expectedPlan(9, r.eventCount, { maxDelay: 150 }).map((p) => p.delays[0]));
		expect(new Set(d.map((x) => x.delayMs)).size).toBeGreaterThan(3);
		for (const x of d) {
			expect(x.delayMs).toBeGreaterThanOrEqual(0);
			expect(x.delayMs).toBeLessThanOrEqual(150);
			// timers may fire a millisecond early relative to toISOString rounding
			expect(Date.parse(x.attempts[0].at) - Date.parse(x.createdAt)).toBeGreaterThanOrEqual(x.delayMs - 2);
		}
		expect(rx.got).toHaveLength(r.eventCount);
		sb.idcheck.setWebhookUrl(rx.url); // a new registration restarts the draws
		sb.idcheck.scenario({ count: 6, mix: { pendingThenRejected: 1 } });
		await sb.idcheck.settled(5000);
		expect(sb.idcheck.deliveries().slice(r.eventCount).map((x) => x.delayMs)).toEqual(d.map((x) => x.delayMs));
	});

	test('reorder: held for the window, released shuffled; approved can come after delete of the same submission', async () => {
		sb.setConfig({ idcheckWebhookReorderWindowMs: 120, idcheckWebhookSeed: 5 });
		sb.idcheck.setWebhookUrl(rx.url);
		const r = sb.idcheck.scenario({ count: 20, mix: { approvedThenDeleted: 1 } });
		const held = sb.idcheck.deliveries();
		expect(held.every((x) => x.state === 'held')).toBe(true);
		expect(rx.got).toHaveLength(0);
		expect(await sb.idcheck.settled(5000)).toBe(true);
		const d = sb.idcheck.deliveries();
		expect(rx.got).toHaveLength(r.eventCount);
		const released = [...d].sort((a, b) => a.releaseSeq - b.releaseSeq);
		expect(released.map((x) => x.eventSeq)).not.toEqual(d.map((x) => x.eventSeq));
		expect(d.some((x) => x.reordered)).toBe(true);
		// the window opens with the first held send; later ones wait out the rest of it
		expect(d[0].heldMs).toBeGreaterThanOrEqual(110);
		expect(d.every((x) => x.heldMs <= d[0].heldMs)).toBe(true);
		const pos = new Map(released.map((x, i) => [`${x.submissionId}/${x.event}`, i]));
		expect(r.submissions.some((s) => pos.get(`${s.submissionId}/approved`) > pos.get(`${s.submissionId}/delete`))).toBe(true);
		// what actually arrived differs from emission order too
		const emitted = r.submissions.flatMap((s) => s.events.map((e) => `${s.submissionId}/${e}`));
		const arrived = rx.got.map((g) => eventKey(JSON.parse(g.body)));
		expect(arrived).not.toEqual(emitted);
		expect([...arrived].sort()).toEqual([...emitted].sort());
	});

	test('loss: the planned fraction is never sent, and recorded as lost', async () => {
		sb.setConfig({ idcheckWebhookLossRate: 0.3, idcheckWebhookSeed: 7 });
		sb.idcheck.setWebhookUrl(rx.url);
		const r = sb.idcheck.scenario({ count: 15, mix: { pendingThenApproved: 1 } });
		expect(await sb.idcheck.settled(5000)).toBe(true);
		const plan = expectedPlan(7, r.eventCount, { loss: 0.3 });
		const d = sb.idcheck.deliveries();
		const lost = d.filter((x) => x.lost);
		expect(lost).toHaveLength(plan.filter((p) => p.lost).length);
		expect(lost.length).toBeGreaterThan(0);
		expect(d.map((x) => x.lost)).toEqual(plan.map((p) => p.lost));
		expect(lost.every((x) => x.state === 'lost' && x.attempts.length === 0 && typeof x.body === 'string')).toBe(true);
		const arrived = new Set(rx.got.map((g) => eventKey(JSON.parse(g.body))));
		for (const x of d) expect(arrived.has(`${x.submissionId}/${x.event}`)).toBe(!x.lost);
	});

	test('retries: non-2xx, a timeout and a refused connection are all retried with the same body', async () => {
		sb.setConfig({ idcheckWebhookRetryDelaysMs: [30, 30, 30], idcheckWebhookTimeoutMs: 150 });
		sb.idcheck.setWebhookUrl(rx.url);
		rx.answer = (n) => (n === 1 ? 503 : n === 2 ? 'hang' : 200);
		sb.idcheck.setStatus(sb.idcheck.pendingSubmissionId, 'approved');
		expect(await sb.idcheck.settled(5000)).toBe(true);
		const [d] = sb.idcheck.deliveries();
		expect(d.state).toBe('delivered');
		expect(d.attempts.map((a) => a.status ?? a.error)).toEqual([503, 'timeout', 200]);
		expect(rx.got).toHaveLength(3);
		expect(new Set(rx.got.map((g) => g.body)).size).toBe(1);
		expect(rx.got[0].body).toBe(d.body);

		// connection refused: nothing listens for the first attempt, a receiver is up on that port for the retry
		// (a fresh port: closing a receiver that had keep-alive sockets could show as ECONNRESET instead)
		const probe = await startReceiver();
		const port = probe.port;
		await probe.close();
		await rx.close();
		sb.idcheck.setWebhookUrl(`http://127.0.0.1:${port}/hook`);
		sb.setConfig({ idcheckWebhookRetryDelaysMs: [300] });
		sb.idcheck.setStatus(sb.idcheck.incompleteSubmissionId, 'pending');
		await until(() => sb.idcheck.deliveries()[1].attempts[0]?.error);
		rx = await startReceiver(port);
		expect(await sb.idcheck.settled(5000)).toBe(true);
		const d2 = sb.idcheck.deliveries()[1];
		expect(d2.attempts.map((a) => a.status ?? a.error)).toEqual(['ECONNREFUSED', 200]);
		expect(rx.got.map((g) => g.body)).toEqual([d2.body]);
	});
});

describe('encryption', () => {
	test('the §2.8 test vector is reproduced exactly', () => {
		expect(deriveKey(VECTOR.apiKey, VECTOR.mode).toString('hex')).toBe(VECTOR.keyHex);
		expect(encryptBody(VECTOR.plaintext, VECTOR.apiKey, VECTOR.mode)).toBe(VECTOR.body);
		expect(JSON.stringify(decrypt(VECTOR.body, VECTOR.apiKey, VECTOR.mode))).toBe(VECTOR.plaintext);
	});

	test('the sandbox, given the vector key as its secret, sends the vector body for the vector plaintext', async () => {
		sb.setConfig({ idcheckWebhookEncryption: 'aes-256-ecb-sha256', idcheckWebhookSecretKey: VECTOR.apiKey });
		sb.idcheck.setWebhookUrl(rx.url);
		// forge with a body and the project's encryption: the same path the dispatcher encrypts with
		const f = await admin(sb, 'POST', '/__sandbox/idcheck/forge', { body: VECTOR.plaintext, encryption: 'aes-256-ecb-sha256' });
		expect(f.json.body).toBe(VECTOR.body);
		expect(rx.got[0].body).toBe(VECTOR.body);
	});

	test.each(['aes-256-ecb-sha256', 'aes-256-ecb-raw32', 'aes-256-ecb-sha256-hex', 'aes-256-gcm'])('%s: every body is {"data"} and decrypts with node:crypto to the plain payload', async (mode) => {
		sb.setConfig({ idcheckWebhookEncryption: mode, idcheckWebhookDuplicates: 1 });
		sb.idcheck.setWebhookUrl(rx.url);
		sb.idcheck.scenario({ count: 2, mix: { pendingThenRejected: 1 } });
		expect(await sb.idcheck.settled(5000)).toBe(true);
		const d = sb.idcheck.deliveries();
		expect(rx.got).toHaveLength(12);
		for (const x of d) {
			expect(x.encryption).toBe(mode);
			expect(Object.keys(JSON.parse(x.body))).toEqual(['data']);
			expect(decrypt(x.body, sb.idcheck.apiKey, mode)).toEqual(x.payload);
		}
		// copies carry the very same ciphertext (GCM's random nonce included)
		for (const c of d.filter((x) => x.duplicateOf)) expect(c.body).toBe(d.find((x) => x.id === c.duplicateOf).body);
		for (const g of rx.got) expect(d.some((x) => x.body === g.body)).toBe(true);
		if (mode.endsWith('-hex')) expect(JSON.parse(d[0].body).data).toMatch(/^[0-9a-f]+$/);
	});

	test('a separate secret key replaces the API key; raw32 refuses a key under 32 bytes', async () => {
		sb.setConfig({ idcheckWebhookEncryption: 'aes-256-gcm', idcheckWebhookSecretKey: 'liveform-secret' });
		sb.idcheck.setWebhookUrl(rx.url);
		sb.idcheck.setStatus(sb.idcheck.pendingSubmissionId, 'approved');
		expect(await sb.idcheck.settled(5000)).toBe(true);
		expect(decrypt(rx.got[0].body, 'liveform-secret', 'aes-256-gcm')).toMatchObject({ webhook_trigger: 'approved' });
		expect(() => decrypt(rx.got[0].body, sb.idcheck.apiKey, 'aes-256-gcm')).toThrow();
		sb.setConfig({ idcheckWebhookEncryption: 'aes-256-ecb-raw32' });
		sb.idcheck.setStatus(sb.idcheck.incompleteSubmissionId, 'pending');
		const bad = sb.idcheck.deliveries()[1];
		expect(bad).toMatchObject({ state: 'failed', body: null, attempts: [] });
		expect(bad.error).toMatch(/32 bytes/);
	});
});

describe('forge', () => {
	test('HTTP: a made-up event to the registered URL, with a forged X-Forwarded-For; recorded as forged', async () => {
		sb.idcheck.setWebhookUrl(rx.url);
		const f = await admin(sb, 'POST', '/__sandbox/idcheck/forge', { event: 'approved', submissionId: 'made-up-id', sourceAddress: '52.78.194.237', headers: ['X-Extra: 1'] });
		expect(f.status).toBe(200);
		expect(f.json).toMatchObject({ forged: true, event: 'approved', submissionId: 'made-up-id', state: 'delivered', url: rx.url, attempts: [{ status: 200, localAddress: '127.0.0.1' }] });
		expect(JSON.parse(rx.got[0].body)).toEqual({ webhook_trigger: 'approved', submission_id: 'made-up-id', kyc_result: { status: 'approved' } });
		expect(rx.got[0].headers).toMatchObject({ 'x-forwarded-for': '52.78.194.237', 'x-extra': '1', 'content-type': 'application/json' });
		// the TCP source cannot be forged: a receiver allow-listing another address must reject this one
		expect(rx.got[0].remoteAddress.replace(/^::ffff:/, '')).toBe('127.0.0.1');
		expect(sb.idcheck.deliveries()).toHaveLength(1);
	});

	test('HTTP: an exact body string to another URL; a stored submission gets its real body; errors are 400', async () => {
		const other = await startReceiver();
		try {
			await admin(sb, 'POST', '/__sandbox/idcheck/forge', { url: other.url, body: '{"webhook_trigger":"approved", "x":1' });
			expect(other.got[0].body).toBe('{"webhook_trigger":"approved", "x":1');
		} finally {
			await other.close();
		}
		sb.idcheck.setWebhookUrl(rx.url);
		const f = await admin(sb, 'POST', '/__sandbox/idcheck/forge', { event: 'approved', submissionId: sb.idcheck.approvedSubmissionId });
		expect(JSON.parse(rx.got[0].body)).toMatchObject({ webhook_trigger: 'approved', submission_id: sb.idcheck.approvedSubmissionId, full_name: 'Jane Doe' });
		expect(f.json.state).toBe('delivered');
		sb.idcheck.setWebhookUrl(null);
		expect((await admin(sb, 'POST', '/__sandbox/idcheck/forge', { event: 'approved' })).status).toBe(400);
		expect((await admin(sb, 'POST', '/__sandbox/idcheck/forge', { url: rx.url })).status).toBe(400);
		expect((await admin(sb, 'POST', '/__sandbox/idcheck/forge', { url: rx.url, event: 'x', encryption: 'rot13' })).status).toBe(400);
	});

	test('CLI: node sandbox/forge.js posts a made-up event with a header; exit code follows the answer', async () => {
		const run = (args) =>
			new Promise((resolve) => {
				execFile(process.execPath, [path.join(__dirname, '..', 'forge.js'), ...args], (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
			});
		const ok = await run(['--url', rx.url, '--event', 'approved', '--submission', 'made-up-id', '--header', 'X-Forwarded-For: 52.78.194.237']);
		expect(ok.code).toBe(0);
		expect(JSON.parse(ok.stdout)).toMatchObject({ status: 200, state: 'delivered' });
		expect(JSON.parse(rx.got[0].body)).toEqual({ webhook_trigger: 'approved', submission_id: 'made-up-id', kyc_result: { status: 'approved' } });
		expect(rx.got[0].headers['x-forwarded-for']).toBe('52.78.194.237');
		const enc = await run(['--url', rx.url, '--event', 'delete', '--submission', 's1', '--encryption', 'aes-256-gcm', '--key', 'k']);
		expect(enc.code).toBe(0);
		expect(decrypt(rx.got[1].body, 'k', 'aes-256-gcm')).toMatchObject({ webhook_trigger: 'delete', submission_id: 's1' });
		rx.answer = () => 500;
		expect((await run(['--url', rx.url, '--body', '{}'])).code).toBe(1);
		expect((await run(['--event', 'approved'])).code).toBe(2);
		const via = await run(['--sandbox', sb.url, '--url', rx.url, '--event', 'rejected', '--submission', sb.idcheck.rejectedSubmissionId]);
		expect(JSON.parse(via.stdout)).toMatchObject({ forged: true, event: 'rejected' });
	});
});

describe('controls', () => {
	test('registration takes webhook knobs (only those), which are validated', async () => {
		const r = await admin(sb, 'POST', '/__sandbox/idcheck/webhook', { url: rx.url, config: { idcheckWebhookLossRate: 0.5, idcheckWebhookSeed: 'run-1' } });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ url: rx.url, config: { idcheckWebhookLossRate: 0.5, idcheckWebhookSeed: 'run-1', idcheckWebhookEncryption: 'off', idcheckWebhookDuplicates: 0 } });
		expect(sb.config().idcheckWebhookLossRate).toBe(0.5);
		expect((await admin(sb, 'POST', '/__sandbox/idcheck/webhook', { url: rx.url, config: { latencyMs: 5 } })).status).toBe(400);
		expect((await admin(sb, 'POST', '/__sandbox/idcheck/webhook', { url: rx.url, config: { idcheckWebhookDuplicates: 6 } })).status).toBe(400);
		expect(() => sb.setConfig({ idcheckWebhookLossRate: 1.5 })).toThrow(/idcheckWebhookLossRate/);
		expect(() => sb.setConfig({ idcheckWebhookEncryption: 'aes-128' })).toThrow(/idcheckWebhookEncryption/);
		expect(() => sb.setConfig({ idcheckWebhookSecretKey: '' })).toThrow(/idcheckWebhookSecretKey/);
	});

	test('settled=1 times out with settled:false while a receiver hangs; a reset releases it', async () => {
		sb.setConfig({ idcheckWebhookTimeoutMs: 5000 });
		sb.idcheck.setWebhookUrl(rx.url);
		rx.answer = () => 'hang';
		sb.idcheck.setStatus(sb.idcheck.pendingSubmissionId, 'approved');
		const t0 = Date.now();
		const r = await call(sb, 'GET', '/__sandbox/idcheck/deliveries', { key: null, query: { settled: '1', timeoutMs: '100' } });
		expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
		expect(r.json).toMatchObject({ settled: false, pending: 1, deliveries: [{ state: 'pending' }] });
		expect((await call(sb, 'GET', '/__sandbox/idcheck/deliveries', { key: null, query: { settled: '1', timeoutMs: 'x' } })).status).toBe(400);
		const waiting = sb.idcheck.settled(10000);
		sb.reset();
		expect(await waiting).toBe(false);
	});
});

describe('all faults at once', () => {
	test('50 submissions, fixed seed: counts match the plan, every non-lost event arrives at least once, order differs', async () => {
		const cfg = { idcheckWebhookSeed: 2024, idcheckWebhookDuplicates: 2, idcheckWebhookDuplicateRate: 0.3, idcheckWebhookLossRate: 0.1, idcheckWebhookMaxDelayMs: 60, idcheckWebhookReorderWindowMs: 80, idcheckWebhookEncryption: 'aes-256-ecb-sha256', idcheckWebhookRetryDelaysMs: [20, 40, 80], idcheckWebhookTimeoutMs: 1000 };
		const reg = await admin(sb, 'POST', '/__sandbox/idcheck/webhook', { url: rx.url, config: cfg });
		expect(reg.status).toBe(200);
		// every 9th arrival fails once, so retries run under all the other faults
		rx.answer = (n) => (n % 9 === 0 ? 500 : 200);
		const sc = await admin(sb, 'POST', '/__sandbox/idcheck/scenario', { count: 50, seed: 11, mix: { approved: 2, rejected: 1, pendingThenApproved: 2, pendingThenRejected: 1, approvedThenDeleted: 2, retryThenApproved: 1, approvedThenUpdated: 1 } });
		const { eventCount, submissions } = sc.json;
		const s = await call(sb, 'GET', '/__sandbox/idcheck/deliveries', { key: null, query: { settled: '1', timeoutMs: '20000' } });
		expect(s.json.settled).toBe(true);
		const d = s.json.deliveries;

		const plan = expectedPlan(2024, eventCount, { dup: 2, dupRate: 0.3, loss: 0.1, maxDelay: 60 });
		const lostPlanned = plan.filter((p) => p.lost).length;
		const copiesPlanned = plan.filter((p) => !p.lost).reduce((t, p) => t + p.copies, 0);
		expect(d.filter((x) => x.lost)).toHaveLength(lostPlanned);
		expect(d.filter((x) => x.duplicateOf !== null)).toHaveLength(copiesPlanned);
		expect(lostPlanned).toBeGreaterThan(0);
		expect(copiesPlanned).toBeGreaterThan(0);
		expect(d.filter((x) => x.state === 'delivered')).toHaveLength(eventCount - lostPlanned + copiesPlanned);
		expect(d.some((x) => x.attempts.length > 1)).toBe(true);

		const arrivedOk = [];
		for (const g of rx.got) arrivedOk.push(decrypt(g.body, sb.idcheck.apiKey, 'aes-256-ecb-sha256'));
		const arrivedKeys = new Set(arrivedOk.map(eventKey));
		const lostKeys = new Set(d.filter((x) => x.lost).map((x) => `${x.submissionId}/${x.event}`));
		const emitted = submissions.flatMap((x) => x.events.map((e) => `${x.submissionId}/${e}`));
		expect(emitted).toHaveLength(eventCount);
		for (const k of emitted) expect(arrivedKeys.has(k)).toBe(!lostKeys.has(k));
		const firstArrivals = [...new Set(arrivedOk.map(eventKey))];
		expect(firstArrivals).not.toEqual(emitted.filter((k) => !lostKeys.has(k)));
		expect(rx.got.length).toBeGreaterThan(eventCount - lostPlanned);
	});
});
