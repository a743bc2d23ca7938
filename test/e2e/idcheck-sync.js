'use strict';
/*
 * examples/idcheck-sync.workflow.json (Argos ID Check Trigger → state-routed enrol/erase) and
 * examples/idcheck-reconcile.workflow.json in real n8n, at their production URLs, against every webhook fault the
 * sandbox has (called from run.js per version, after n8n started and the owner logged in; test/queue/run.js runs
 * the same steps on a queue-mode cluster). Steps, all named "ID Check sync: …":
 *
 *   1. both examples imported unchanged but for credential and Data table ids, the trigger's Allowed Source IPs
 *      (loopback: the sandbox delivers from this machine) and, in the reconcile, one Webhook node beside its
 *      Schedule Trigger (so the test can run it); a third workflow, the trigger alone with its default allow-list
 *      (52.78.194.237 only), for the refused deliveries; all activated; the trigger's production URL registered in
 *      the sandbox with every fault at once: a duplicate of every event (rate 1), delays, reordering, 10 % loss,
 *      encrypted bodies (AES-256-ECB, the §2.8 default);
 *   2. 50 submissions driven through lifecycles (approved, rejected, pending→approved, pending→rejected,
 *      approved→deleted, rejected→deleted, retry→approved, approved→updated, incomplete) in one scenario; every
 *      delivery settled (delivered or lost, nothing failed), every execution finished; then every approved, not
 *      deleted submission whose approved event was delivered has exactly one face already (the webhook path),
 *      no other scenario submission has one;
 *   3. later events for enrolled submissions: one deleted at ARGOS (delete webhook), one rejected by a reviewer
 *      (rejected webhook), one rejected whose face had already gone (the row is forgotten, the execution succeeds)
 *      — each face removed and row forgotten by the sync workflow where its event was not lost;
 *   4. forged deliveries: to the default allow-list from loopback → 403, the same with X-Forwarded-For:
 *      52.78.194.237 → 403 (n8n does not trust the header without N8N_PROXY_HOPS), a made-up submission ID → 404,
 *      an `approved` for a rejected submission → taken (200) but nothing enrolled; a body encrypted with another key →
 *      taken (200), the execution ends on Unreadable Delivery;
 *   5. an extra face enrolled for one approved submission (what two concurrent adds can leave) and a stray face for
 *      a rejected one (an add that finished after the rejection's erasure), then the reconcile
 *      run once: every approved, not deleted submission of the sandbox has exactly one face in col_demo
 *      (userName = submission ID) and its Data table row names it; no rejected, pending, incomplete, deleted or
 *      made-up one has a face or a row; no execution of the three workflows has status error or crashed.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');

const { REPO } = require('./lib/package');

const SYNC_FILE = path.join(REPO, 'examples', 'idcheck-sync.workflow.json');
const RECONCILE_FILE = path.join(REPO, 'examples', 'idcheck-reconcile.workflow.json');
const TRIGGER_TYPE = 'n8n-nodes-argos-faces.argosIdCheckTrigger';
const IDC_CRED = 'argosIdCheckApi';
const FACES_CRED = 'argosFacesApi';
const COLLECTION = 'col_demo';
const SUBMISSIONS = 50;
const WEBHOOK_FAULTS = {
	idcheckWebhookDuplicates: 1,
	idcheckWebhookDuplicateRate: 1,
	// ~230 sends spread over 90 s, answers awaited up to 60 s. On this shared 2-core box (load 10) one n8n
	// 2.41.1 on SQLite takes 2-4 deliveries a second (its webhook path, the credential, one GET to ARGOS, the
	// execution). Sends within 1-30 s queued past the timeout, the retries added more, n8n's database ping timed
	// out and it answered 503 "Database is not ready!" to everything for minutes (measured three times).
	idcheckWebhookMaxDelayMs: 90000,
	idcheckWebhookReorderWindowMs: 2000,
	idcheckWebhookTimeoutMs: 60000,
	idcheckWebhookLossRate: 0.1,
	idcheckWebhookEncryption: 'aes-256-ecb-sha256',
};
const WEBHOOK_FAULTS_OFF = {
	idcheckWebhookDuplicates: 0,
	idcheckWebhookDuplicateRate: 1,
	idcheckWebhookMaxDelayMs: 0,
	idcheckWebhookReorderWindowMs: 0,
	idcheckWebhookTimeoutMs: 10000,
	idcheckWebhookLossRate: 0,
	idcheckWebhookEncryption: 'off',
};
const MIX = {
	approved: 3,
	rejected: 1,
	pendingThenApproved: 1,
	pendingThenRejected: 1,
	approvedThenDeleted: 1,
	rejectedThenDeleted: 1,
	retryThenApproved: 1,
	approvedThenUpdated: 1,
	incomplete: 1,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sandbox control routes over HTTP (what a person would curl). */
async function sandboxCall(sandbox, method, route, body) {
	const res = await fetch(`${sandbox.url}${route}`, {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
		signal: AbortSignal.timeout(180_000),
	});
	const text = await res.text();
	assert.ok(res.status < 300, `${method} ${route} -> ${res.status}: ${text.slice(0, 300)}`);
	return text ? JSON.parse(text) : undefined;
}

/** An example file with this n8n's credential and Data table ids. */
function exampleFor(file, { idcCred, facesCred, tableId }) {
	const wf = JSON.parse(fs.readFileSync(file, 'utf8'));
	for (const n of wf.nodes) {
		if (n.credentials && n.credentials[IDC_CRED]) n.credentials = { [IDC_CRED]: idcCred };
		if (n.credentials && n.credentials[FACES_CRED]) n.credentials = { [FACES_CRED]: facesCred };
		if (n.type === 'n8n-nodes-base.dataTable') n.parameters.dataTableId = { ...n.parameters.dataTableId, value: tableId };
	}
	return wf;
}

/**
 * The workflow's executions through the public API, every page. On 1.x an execution in progress may be missing
 * from the list or listed without stoppedAt; both versions list finished ones with stoppedAt.
 */
async function executionsOf(n8n, workflowId) {
	const out = [];
	let cursor;
	for (;;) {
		const q = `/executions?workflowId=${workflowId}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const page = await n8n.api('GET', q);
		out.push(...(page.data || []));
		cursor = page.nextCursor;
		if (!cursor) return out;
	}
}

/** Waits until every execution of the workflows has stopped and no new one appeared for `quietMs`. */
async function executionsSettled(n8n, workflowIds, { timeoutMs = 90_000, quietMs = 2500 } = {}) {
	const until = Date.now() + timeoutMs;
	let last = -1;
	let stableSince = Date.now();
	for (;;) {
		const all = (await Promise.all(workflowIds.map((id) => executionsOf(n8n, id)))).flat();
		const running = all.filter((e) => !e.stoppedAt || e.status === 'running' || e.status === 'new');
		if (all.length !== last || running.length) {
			last = all.length;
			stableSince = Date.now();
		}
		if (!running.length && Date.now() - stableSince >= quietMs) return all;
		if (Date.now() > until) throw new Error(`executions not settled after ${timeoutMs / 1000} s: ${running.length} of ${all.length} still running`);
		await sleep(500);
	}
}

function idcheckSyncSteps({ step, get, ctx, version, log = () => {}, entryUrl }) {
	const state = {};
	const tag = `${version.replace(/\./g, '-')}${ctx.tagSuffix || ''}`;
	const n8nOf = () => {
		const n8n = get();
		if (!n8n || !n8n.ready) throw new Error('n8n did not start');
		return n8n;
	};
	/** Where webhooks are delivered: n8n itself, or (queue mode) the webhook processor. */
	const hookBase = () => (entryUrl ? entryUrl() : n8nOf().baseUrl);
	const facesByUser = () => {
		const col = ctx.sandbox.state().collections.find((c) => c.id === COLLECTION);
		const m = new Map();
		for (const f of col.faces) m.set(f.userName, [...(m.get(f.userName) || []), f]);
		return m;
	};
	const rows = async () => {
		const r = await n8nOf().restOk('GET', `/rest/projects/${state.projectId}/data-tables/${state.tableId}/rows?take=1000`);
		return r.data ?? r;
	};
	const submissions = async () => (await sandboxCall(ctx.sandbox, 'GET', '/__sandbox/idcheck/submissions')).submissions;
	const shouldHaveFace = (s) => s.status === 'approved' && !s.deleted;
	const idOf = (s) => s.submission_id ?? s.submissionId;
	const settle = async () => {
		const r = await sandboxCall(ctx.sandbox, 'GET', '/__sandbox/idcheck/deliveries?settled=1&timeoutMs=170000');
		assert.equal(r.settled, true, `deliveries not settled: ${r.pending} pending`);
		return r.deliveries;
	};
	const allExecutions = () => executionsSettled(n8nOf(), [state.syncId, state.guardId, state.reconcileId].filter(Boolean));

	step('ID Check sync: importing the sync and reconcile examples, the Data table, activating; the production URL registered with every webhook fault', get, async () => {
		const n8n = n8nOf();
		const t0 = Date.now();
		const save = async (name, type, data) => {
			const saved = await n8n.restOk('POST', '/rest/credentials', { name, type, data });
			assert.ok(saved && saved.id, `no id in the saved credential: ${JSON.stringify(saved).slice(0, 300)}`);
			return { id: saved.id, name: saved.name ?? name };
		};
		state.idcCred = await save('Argos ID Check sandbox (sync)', IDC_CRED, { apiKey: ctx.sandbox.idcheck.apiKey, baseUrl: ctx.sandbox.url });
		state.facesCred = await save('Argos Faces sandbox (sync)', FACES_CRED, { apiKey: ctx.sandbox.apiKey, baseUrl: ctx.sandbox.url });
		const project = await n8n.restOk('GET', '/rest/projects/personal');
		state.projectId = project.id;
		const columns = ['submissionId', 'faceId', 'collectionId'].map((name) => ({ name, type: 'string' }));
		const table = await n8n.restOk('POST', `/rest/projects/${project.id}/data-tables`, { name: `argos_face_sync_${tag}`, columns });
		assert.ok(table && table.id, `no id in the created data table: ${JSON.stringify(table).slice(0, 300)}`);
		state.tableId = table.id;
		const ids = { idcCred: state.idcCred, facesCred: state.facesCred, tableId: state.tableId };

		// every node type (at its version) of both examples is one this n8n serves
		const res = await fetch(`${n8n.baseUrl}/types/nodes.json`, { headers: { cookie: n8n.cookie, 'browser-id': 'argos-e2e-browser' } });
		const known = new Set((await res.json()).flatMap((t) => [t.version].flat().map((v) => `${t.name}@${v}`)));
		const sync = exampleFor(SYNC_FILE, ids);
		const reconcile = exampleFor(RECONCILE_FILE, ids);
		const unknown = [...sync.nodes, ...reconcile.nodes].filter((n) => !known.has(`${n.type}@${n.typeVersion}`)).map((n) => `${n.name} (${n.type}@${n.typeVersion})`);
		assert.deepEqual(unknown, [], `node types/versions this n8n does not know: ${unknown.join(', ')}`);

		const trigger = sync.nodes.find((n) => n.type === TRIGGER_TYPE);
		assert.equal(trigger.parameters.confirm, true, 'the example confirms with ARGOS');
		trigger.parameters.allowedIps = '127.0.0.1, ::1';
		state.hookPath = `${trigger.webhookId}/argos-id-check`;
		const created = await n8n.api('POST', '/workflows', { name: `${sync.name} (e2e)`, nodes: sync.nodes, connections: sync.connections, settings: sync.settings });
		state.syncId = created.id;

		// the trigger alone, default allow-list (ARGOS's address only): the refused deliveries go there
		const guard = JSON.parse(JSON.stringify(trigger));
		guard.webhookId = crypto.randomUUID();
		guard.id = crypto.randomUUID();
		delete guard.parameters.allowedIps;
		state.guardPath = `${guard.webhookId}/argos-id-check`;
		const guardWf = await n8n.api('POST', '/workflows', {
			name: 'ARGOS trigger, default allow-list (e2e)',
			nodes: [guard, { id: crypto.randomUUID(), name: 'Taken', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 300], parameters: {} }],
			connections: { [guard.name]: { main: [[{ node: 'Taken', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		state.guardId = guardWf.id;

		state.reconcilePath = `argos-idcheck-reconcile-${tag}`;
		reconcile.nodes.push({
			id: crypto.randomUUID(),
			name: 'E2E Reconcile Call',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 500],
			webhookId: crypto.randomUUID(),
			parameters: { httpMethod: 'POST', path: state.reconcilePath, responseMode: 'onReceived', options: {} },
		});
		reconcile.connections['E2E Reconcile Call'] = { main: [[{ node: 'Get Submissions', type: 'main', index: 0 }]] };
		const rec = await n8n.api('POST', '/workflows', { name: `${reconcile.name} (e2e)`, nodes: reconcile.nodes, connections: reconcile.connections, settings: reconcile.settings });
		state.reconcileId = rec.id;
		for (const id of [state.syncId, state.guardId, state.reconcileId]) await n8n.api('POST', `/workflows/${id}/activate`);

		// live: an event the trigger does not take (created) is answered 200 without an execution
		const probe = JSON.stringify({ webhook_trigger: 'created', submission_id: 'probe' });
		for (const p of [state.hookPath]) {
			let r;
			for (const until = Date.now() + 30_000; Date.now() < until; await sleep(250)) {
				r = await fetch(`${hookBase()}/webhook/${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: probe });
				if (r.status !== 404) break;
			}
			assert.equal(r.status, 200, `the trigger's production URL answered ${r.status}: ${await r.text()}`);
		}
		state.url = `${hookBase()}/webhook/${state.hookPath}`;
		const reg = await sandboxCall(ctx.sandbox, 'POST', '/__sandbox/idcheck/webhook', { url: state.url, config: { ...WEBHOOK_FAULTS, idcheckWebhookSeed: `sync-${tag}` } });
		assert.equal(reg.url, state.url);
		assert.equal(reg.config.idcheckWebhookDuplicateRate, 1);
		await sandboxCall(ctx.sandbox, 'DELETE', '/__sandbox/idcheck/deliveries');
		log(`n8n ${version}: sync workflow ${state.syncId} at ${state.url}; reconcile ${state.reconcileId}; table ${state.tableId} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	});

	step(`ID Check sync: ${SUBMISSIONS} submissions through their lifecycles, every delivery duplicated, delayed, reordered, 10 % lost, encrypted`, get, async () => {
		if (!state.url) throw new Error('not set up');
		const t0 = Date.now();
		const scn = await sandboxCall(ctx.sandbox, 'POST', '/__sandbox/idcheck/scenario', { count: SUBMISSIONS, seed: 11, mix: MIX });
		state.scenario = scn.submissions;
		assert.equal(scn.submissions.length, SUBMISSIONS);
		for (const l of Object.keys(MIX)) assert.ok(scn.counts[l] >= 1, `no ${l} in ${JSON.stringify(scn.counts)}`);
		const deliveries = await settle();
		const mine = deliveries.filter((d) => scn.submissions.some((s) => s.submissionId === d.submissionId));
		const lost = mine.filter((d) => d.state === 'lost');
		const failed = mine.filter((d) => d.state === 'failed');
		const copies = mine.filter((d) => d.duplicateOf);
		assert.deepEqual(failed.map((d) => `${d.event} ${d.submissionId}: ${JSON.stringify(d.attempts)}`).slice(0, 5), [], 'a delivery the trigger did not take');
		assert.ok(lost.length >= 1, 'the loss rate lost nothing: the reconcile would prove nothing');
		assert.ok(copies.length >= mine.filter((d) => !d.duplicateOf && !d.lost).length, 'every sent event has a copy');
		assert.ok(mine.some((d) => d.reordered), 'nothing was reordered');
		assert.ok(mine.every((d) => d.lost || d.encryption === 'aes-256-ecb-sha256'), 'every body encrypted');
		const execs = await allExecutions();
		state.afterScenario = execs.length;

		// the webhook path alone: approved (and not deleted) with a delivered approved event → one face; others none
		const faces = facesByUser();
		const delivered = (sid, event) => mine.some((d) => d.submissionId === sid && d.event === event && d.state === 'delivered');
		const wrong = [];
		let enrolledByWebhook = 0;
		for (const s of scn.submissions) {
			const n = (faces.get(s.submissionId) || []).length;
			const approved = s.finalStatus === 'approved' && !s.deleted;
			if (approved && delivered(s.submissionId, 'approved')) {
				if (n !== 1) wrong.push(`${s.submissionId} (${s.lifecycle}) has ${n} faces`);
				enrolledByWebhook++;
			} else if (!approved && n !== 0) wrong.push(`${s.submissionId} (${s.lifecycle}, ${s.finalStatus}${s.deleted ? ', deleted' : ''}) has ${n} faces`);
		}
		assert.deepEqual(wrong, [], 'after the webhooks alone');
		state.lostApproved = scn.submissions.filter((s) => s.finalStatus === 'approved' && !s.deleted && !delivered(s.submissionId, 'approved')).map((s) => s.submissionId);
		log(
			`n8n ${version}: scenario ${JSON.stringify(scn.counts)}; ${mine.length} deliveries (${copies.length} copies, ${lost.length} lost, ${mine.filter((d) => d.reordered).length} reordered); ` +
				`${execs.length} executions; ${enrolledByWebhook} enrolled by webhook, approved left to the reconcile: ${state.lostApproved.length} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
		);
	});

	step('ID Check sync: later events for enrolled submissions (deleted at ARGOS, rejected by a reviewer, rejected with its face already gone)', get, async () => {
		if (!state.scenario) throw new Error('no scenario');
		const faces = facesByUser();
		const enrolled = state.scenario.filter((s) => s.finalStatus === 'approved' && !s.deleted && (faces.get(s.submissionId) || []).length === 1);
		assert.ok(enrolled.length >= 4, `only ${enrolled.length} enrolled submissions`);
		const [toDelete, toReject, goneFirst] = enrolled.slice(-3).map((s) => s.submissionId);
		state.later = { toDelete, toReject, goneFirst };
		// the face of goneFirst is removed behind the workflow's back (as the reconcile or a person would)
		const gone = faces.get(goneFirst)[0];
		const del = await fetch(`${ctx.sandbox.url}/modules/faces?collectionId=${COLLECTION}&faceId=${gone.faceId}`, { method: 'DELETE', headers: { 'x-api-key': ctx.sandbox.apiKey } });
		assert.equal(del.status, 200, 'removing the face directly');
		// the same faults, a shorter spread: three events, not 230
		await sandboxCall(ctx.sandbox, 'POST', '/__sandbox/idcheck/webhook', { url: state.url, config: { ...WEBHOOK_FAULTS, idcheckWebhookMaxDelayMs: 3000 } });
		const before = (await sandboxCall(ctx.sandbox, 'GET', '/__sandbox/idcheck/deliveries')).deliveries.length;
		const r = await fetch(`${ctx.sandbox.url}/v3/submission?submission_id=${toDelete}&admin_name=${encodeURIComponent(ctx.sandbox.idcheck.admin)}`, { method: 'DELETE', headers: { 'x-api-key': ctx.sandbox.idcheck.apiKey } });
		assert.equal(r.status, 200, `DELETE /v3/submission: ${await r.text()}`);
		ctx.sandbox.idcheck.setStatus(toReject, 'rejected', { comment: 'e2e: rejected after review', commentCode: 'other' });
		ctx.sandbox.idcheck.setStatus(goneFirst, 'rejected', { comment: 'e2e: rejected after review', commentCode: 'other' });
		const deliveries = (await settle()).slice(before);
		await allExecutions();
		const lostFor = (sid) => !deliveries.some((d) => d.submissionId === sid && d.state === 'delivered');
		const now = facesByUser();
		const table = await rows();
		for (const sid of [toDelete, toReject, goneFirst]) {
			if (lostFor(sid)) {
				log(`n8n ${version}: the event for ${sid} was lost: left to the reconcile`);
				continue;
			}
			assert.equal((now.get(sid) || []).length, 0, `${sid}: the face must be removed by the sync workflow`);
			assert.equal(table.filter((x) => x.submissionId === sid).length, 0, `${sid}: the row must be forgotten`);
		}
		log(`n8n ${version}: later events: deleted ${toDelete}, rejected ${toReject}, rejected with face gone ${goneFirst}`);
	});

	step('ID Check sync: forged deliveries (disallowed address 403, forged X-Forwarded-For 403, made-up submission 404, approved for a rejected one enrols nothing)', get, async () => {
		if (!state.scenario) throw new Error('no scenario');
		const guardUrl = `${hookBase()}/webhook/${state.guardPath}`;
		const rejected = state.scenario.find((s) => s.lifecycle === 'rejected').submissionId;
		const approved = state.scenario.find((s) => s.finalStatus === 'approved' && !s.deleted).submissionId;
		const status = (d) => d.attempts[0] && d.attempts[0].status;
		const plain = await ctx.sandbox.idcheck.forge({ url: guardUrl, event: 'approved', submissionId: approved });
		assert.equal(status(plain), 403, `from loopback to the default allow-list: ${JSON.stringify(plain.attempts)}`);
		const xff = await ctx.sandbox.idcheck.forge({ url: guardUrl, event: 'approved', submissionId: approved, sourceAddress: '52.78.194.237' });
		assert.equal(status(xff), 403, `X-Forwarded-For: 52.78.194.237 from loopback must not be believed: ${JSON.stringify(xff.attempts)}`);
		state.madeUp = `forged-${tag}-${crypto.randomBytes(4).toString('hex')}`;
		const madeUp = await ctx.sandbox.idcheck.forge({ url: state.url, event: 'approved', submissionId: state.madeUp });
		assert.equal(status(madeUp), 404, `a made-up submission ID: ${JSON.stringify(madeUp.attempts)}`);
		const forged = await ctx.sandbox.idcheck.forge({ url: state.url, event: 'approved', submissionId: rejected });
		assert.equal(status(forged), 200, `an approved event for a rejected submission is taken (and then routed by ARGOS's state): ${JSON.stringify(forged.attempts)}`);
		state.forgedRejected = rejected;
		// encrypted with another key: taken, and visible on Unreadable Delivery (never dropped)
		const wrongKey = await ctx.sandbox.idcheck.forge({ url: state.url, event: 'approved', submissionId: approved, encryption: 'aes-256-ecb-sha256', key: 'not-the-project-key' });
		assert.equal(status(wrongKey), 200, `an unreadable body is taken: ${JSON.stringify(wrongKey.attempts)}`);
		await allExecutions();
		const recent = await n8nOf().api('GET', `/executions?workflowId=${state.syncId}&includeData=true&limit=5`);
		const ended = (recent.data || []).map((e) => Object.keys((e.data && e.data.resultData && e.data.resultData.runData) || {}));
		assert.ok(ended.some((nodes) => nodes.includes('Unreadable Delivery')), `an execution ending on Unreadable Delivery among ${JSON.stringify(ended)}`);
		assert.equal((facesByUser().get(rejected) || []).length, 0, 'the forged approved must not enrol a rejected submission');
		assert.equal((facesByUser().get(state.madeUp) || []).length, 0);
		const guardRuns = await executionsOf(n8nOf(), state.guardId);
		assert.equal(guardRuns.length, 0, 'a refused delivery must not start the workflow');
	});

	step('ID Check sync: an extra face, the reconcile once, then every submission in its end state (exactly one face or none) and no failed execution', get, async () => {
		const n8n = n8nOf();
		if (!state.scenario) throw new Error('no scenario');
		const t0 = Date.now();
		// an extra face for one enrolled submission: what two adds at the same moment can leave
		const faces = facesByUser();
		const withFace = state.scenario.find((s) => s.finalStatus === 'approved' && !s.deleted && (faces.get(s.submissionId) || []).length === 1 && !Object.values(state.later).includes(s.submissionId));
		const sub = await sandboxCall(ctx.sandbox, 'GET', `/__sandbox/idcheck/submissions/${withFace.submissionId}`);
		const add = await fetch(`${ctx.sandbox.url}/modules/faces`, {
			method: 'POST',
			headers: { 'x-api-key': ctx.sandbox.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ collectionId: COLLECTION, userName: withFace.submissionId, faceImage: ctx.sandbox.sampleImage({ faceKey: sub.faceKey }).toString('base64') }),
		});
		assert.equal(add.status, 200, `adding the extra face: ${await add.text()}`);
		assert.equal(facesByUser().get(withFace.submissionId).length, 2);
		const kept = faces.get(withFace.submissionId)[0].faceId;

		// a face for a rejected submission: what an approved run leaves when the rejection's erasure ran before its add
		const rejectedOne = state.scenario.find((s) => s.lifecycle === 'pendingThenRejected');
		const rejSub = await sandboxCall(ctx.sandbox, 'GET', `/__sandbox/idcheck/submissions/${rejectedOne.submissionId}`);
		const stray = await fetch(`${ctx.sandbox.url}/modules/faces`, {
			method: 'POST',
			headers: { 'x-api-key': ctx.sandbox.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ collectionId: COLLECTION, userName: rejectedOne.submissionId, faceImage: ctx.sandbox.sampleImage({ faceKey: rejSub.faceKey || `stray-${tag}` }).toString('base64') }),
		});
		assert.equal(stray.status, 200, `adding the stray face: ${await stray.text()}`);

		const before = (await executionsOf(n8n, state.reconcileId)).length;
		const r = await fetch(`${hookBase()}/webhook/${state.reconcilePath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		assert.equal(r.status, 200, `reconcile webhook: ${r.status}`);
		let runs;
		for (const until = Date.now() + 120_000; ; await sleep(500)) {
			runs = await executionsOf(n8n, state.reconcileId);
			if (runs.length > before && runs.every((e) => e.stoppedAt)) break;
			if (Date.now() > until) throw new Error('the reconcile did not finish within 120 s');
		}
		const recMs = Date.now() - t0;
		const execs = await allExecutions();

		const all = await submissions();
		const now = facesByUser();
		const table = await rows();
		const wrong = [];
		let approvedCount = 0;
		const duplicates = [];
		for (const s of all) {
			const sid = idOf(s);
			const n = (now.get(sid) || []).length;
			const rowsOf = table.filter((x) => x.submissionId === sid);
			if (shouldHaveFace(s)) {
				approvedCount++;
				// the same person approved twice (ARGOS's duplicate): Skip If Already Enrolled refuses the second one
				// (ENROLLED_UNDER_ANOTHER_NAME, on Enrolment Failed), the person keeps the first submission's face
				const twin = n === 0 && all.some((o) => idOf(o) !== sid && shouldHaveFace(o) && o.faceKey && o.faceKey === s.faceKey && (now.get(idOf(o)) || []).length === 1);
				if (twin) duplicates.push(sid);
				else if (n !== 1) wrong.push(`${sid} (approved) has ${n} faces`);
				else if (rowsOf.length !== 1 || rowsOf[0].faceId !== now.get(sid)[0].faceId) wrong.push(`${sid}: rows ${JSON.stringify(rowsOf)} do not name face ${now.get(sid)[0].faceId}`);
			} else {
				if (n !== 0) wrong.push(`${sid} (${s.status}${s.deleted ? ', deleted' : ''}) has ${n} faces`);
				if (rowsOf.length) wrong.push(`${sid} (${s.status}${s.deleted ? ', deleted' : ''}) still has a row`);
			}
		}
		assert.deepEqual(wrong, [], 'after the reconcile');
		assert.equal((now.get(state.madeUp) || []).length, 0, 'the made-up submission has no face');
		assert.equal(now.get(withFace.submissionId)[0].faceId, kept, 'the oldest face is the one kept');
		assert.equal((now.get(rejectedOne.submissionId) || []).length, 0, 'the stray face of a rejected submission is removed');
		for (const sid of state.lostApproved || []) assert.equal((now.get(sid) || []).length, 1, `${sid}: its approved event was lost, the reconcile enrols it`);
		const bad = execs.filter((e) => ['error', 'crashed', 'canceled'].includes(e.status) || (e.status === undefined && e.finished === false));
		assert.deepEqual(bad.map((e) => `${e.id} ${e.workflowId} ${e.status}`), [], 'executions that did not succeed');
		const statuses = {};
		for (const e of execs) statuses[e.status ?? (e.finished ? 'success' : 'unfinished')] = (statuses[e.status ?? (e.finished ? 'success' : 'unfinished')] || 0) + 1;
		assert.ok(duplicates.every((sid) => !state.scenario.some((x) => x.submissionId === sid)), `a scenario submission counted as a duplicate person: ${duplicates}`);
		log(
			`n8n ${version}: reconcile in ${(recMs / 1000).toFixed(1)} s; ${approvedCount - duplicates.length} approved submissions with one face each` +
				`${duplicates.length ? ` (+ ${duplicates.join(', ')}: the same person as another approved submission, not enrolled twice)` : ''}, ${all.length - approvedCount} others with none; executions ${JSON.stringify(statuses)}`,
		);
	});

	step('ID Check sync: unregistering the webhook URL and turning the faults off', get, async () => {
		await sandboxCall(ctx.sandbox, 'POST', '/__sandbox/idcheck/webhook', { url: null, config: WEBHOOK_FAULTS_OFF });
	});
}

module.exports = { idcheckSyncSteps, SYNC_FILE, RECONCILE_FILE };
