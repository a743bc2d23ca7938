'use strict';
/*
 * A worker dies mid-burst: the experiment behind the README's advice, shared by `npm run test:queue` and
 * `npm run bench queue`.
 *
 * Two onboarding workflows run side by side on the same cluster, each on its own sandbox collection: "plain"
 * (Add as configured by default) and "skip" (Add with Skip If Already Enrolled). Every add request is held
 * `addLatencyMs` by the sandbox (searches answer at once), so executions spend their time waiting for ARGOS to
 * answer an add. Their submissions are posted interleaved; once the victim worker holds at least
 * `minHeldEach` executions of each workflow that are past their start (their add is at the sandbox), it gets
 * SIGKILL. Then it records:
 *   1. what n8n does: the dead worker's Bull job keeps its lock until it expires; a surviving worker's
 *      stalled-job check then fails it (n8n 2.x sets Bull's maxStalledCount to 0: a stalled job is never run
 *      again); the process that enqueued it (the webhook processor) marks the execution failed, overwriting
 *      its stored data with the error, and answers the waiting caller;
 *   2. what n8n's own retry (public API) makes of those executions;
 *   3. the re-run that does happen: each caller whose submission failed posts it again; then the faces per
 *      applicant in the sandbox, and the outcome ledger.
 */
const { postBurst, makeSubmissions } = require('./onboarding');
const sc = require('./scenarios');
const { sleep } = require('../../e2e/lib/proc');

function byWorkflow(rows) {
	return new Map(rows.map((r) => [r.id, r.workflowId]));
}

async function workflowOf(pg, ids) {
	if (!ids.length) return new Map();
	const rows = await pg.json(
		`SELECT coalesce(json_agg(t), '[]'::json) FROM (SELECT id::text AS id, "workflowId" AS "workflowId", status FROM execution_entity WHERE id IN (${ids.map(Number).join(',')})) t`,
	);
	return byWorkflow(rows);
}

async function statuses(pg, ids) {
	if (!ids.length) return {};
	const rows = await pg.json(
		`SELECT coalesce(json_agg(t), '[]'::json) FROM (SELECT id::text AS id, status FROM execution_entity WHERE id IN (${ids.map(Number).join(',')})) t`,
	);
	return Object.fromEntries(rows.map((r) => [r.id, r.status]));
}

/**
 * @returns { victim, settings, n8n: what n8n did with the held executions, retried: n8n's retry of each,
 *   variants: { plain, skip }: held executions, adds carried out for the dead worker, the callers' answers,
 *   re-submissions, duplicates and applicants enrolled exactly once, the outcome ledger }
 */
async function workerKillExperiment({ cluster, sandbox, credentials, sampleImage, perVariant = 20, addLatencyMs = 5000, minHeldEach = 1, clientTimeoutMs = 180_000, log = () => {} }) {
	const victim = cluster.workers[0];
	const started = Date.now();
	const variants = {
		plain: { skip: false, collectionId: 'col_kill_plain' },
		skip: { skip: true, collectionId: 'col_kill_skip' },
	};
	for (const [name, v] of Object.entries(variants)) {
		sandbox.addCollection({ id: v.collectionId, liveness: true });
		v.workflow = await sc.deployOnboarding(cluster, {
			credentials,
			name: `Onboarding (${name}, worker kill)`,
			webhookPath: `onboarding-kill-${name}`,
			collectionId: v.collectionId,
			skipIfAlreadyEnrolled: v.skip,
		});
		await sc.waitWebhookLive(cluster, v.workflow.webhookPath);
		v.submissions = makeSubmissions(perVariant, { prefix: `kill-${name}`, sampleImage, bad: false });
	}
	const wfName = new Map(Object.entries(variants).map(([name, v]) => [v.workflow.id, name]));

	const latencyBefore = sandbox.config().latencyMs;
	sandbox.clearFaults();
	sandbox.setConfig({ latencyMs: 0 });
	sandbox.addFaults({ match: { method: 'POST', path: '/modules/faces' }, action: 'delay', latencyMs: addLatencyMs, count: -1 });
	const seqBefore = sandbox.requests().reduce((m, r) => Math.max(m, r.seq), 0);

	const offsets = sc.logOffsets(cluster);
	const bursts = Object.entries(variants).map(([, v]) =>
		postBurst(cluster.entry.baseUrl, v.workflow.webhookPath, v.submissions, { concurrency: 6, timeoutMs: clientTimeoutMs }),
	);

	// wait until the victim holds enough executions of both workflows, each past its start
	const firstSeen = new Map();
	let held = [];
	const waitUntil = Date.now() + 90_000;
	for (;;) {
		const mine = sc.workerExecutions(cluster, offsets)[victim.role];
		const open = mine.started.filter((s) => !mine.finished.has(s.executionId));
		const now = Date.now();
		for (const s of open) if (!firstSeen.has(s.executionId)) firstSeen.set(s.executionId, now);
		// half an add's latency after the worker said it started: well inside the add on a loaded machine too
		const ripe = open.filter((s) => now - firstSeen.get(s.executionId) >= addLatencyMs / 2);
		const wf = await workflowOf(cluster.pg, ripe.map((s) => s.executionId));
		const count = { plain: 0, skip: 0 };
		for (const s of ripe) count[wfName.get(wf.get(s.executionId))] = (count[wfName.get(wf.get(s.executionId))] || 0) + 1;
		if (count.plain >= minHeldEach && count.skip >= minHeldEach) {
			held = open.map((s) => ({ ...s, variant: wfName.get(wf.get(s.executionId)) }));
			break;
		}
		if (now > waitUntil) throw new Error(`the victim worker never held ${minHeldEach} executions of each workflow (held: ${JSON.stringify(count)})`);
		await sleep(100);
	}
	// executions that started but were not yet ripe are held too: their variant comes from the database
	const heldWf = await workflowOf(cluster.pg, held.map((h) => h.executionId));
	held = held.map((h) => ({ ...h, variant: wfName.get(heldWf.get(h.executionId)) }));
	const killedAt = Date.now();
	victim.kill9();
	log(`kill -9 ${victim.role} (pid ${victim.proc.pid}) holding executions ${held.map((h) => `${h.executionId}(${h.variant})`).join(', ')}`);
	const heldIds = held.map((h) => h.executionId);

	// 1. n8n's side: the process that enqueued each job (here the webhook processor) waits for it; once the dead
	// worker's lock expires, a surviving worker's stalled-job check fails the job ("job stalled more than
	// maxStalledCount": n8n sets maxStalledCount to 0, so it is never re-queued), and the enqueuing process
	// marks the execution as failed and answers its caller. The bursts end when every caller has an answer.
	const burstResults = await Promise.all(bursts);
	const lastAnswerS = Math.round((Date.now() - killedAt) / 1000);
	const answers = {};
	Object.keys(variants).forEach((name, i) => {
		answers[name] = burstResults[i].results;
	});
	const webhookLog = cluster.entry.log();
	const stalledLogged = heldIds.filter((id) => webhookLog.includes(`job stalled more than maxStalledCount (execution ${id})`));
	const heldStatus = await statuses(cluster.pg, heldIds);
	const heldData = await cluster.pg.json(
		`SELECT coalesce(json_agg(t), '[]'::json) FROM (SELECT d."executionId"::text AS id, d.data LIKE '%Argos Faces%' AS "argosNodeInData", ` +
			`d.data LIKE '%failed to be processed too many times%' AS "stalledError" FROM execution_data d WHERE d."executionId" IN (${heldIds.map(Number).join(',')})) t`,
	);
	const survivorsStarted = new Set(
		Object.entries(sc.workerExecutions(cluster, offsets))
			.filter(([role]) => role !== victim.role)
			.flatMap(([, w]) => w.started.map((s) => s.executionId)),
	);

	// what the sandbox saw: adds that were in flight when the worker died were still carried out
	const requests = sandbox.requests().filter((r) => r.seq > seqBefore);
	const figures = {};
	for (const [name, v] of Object.entries(variants)) {
		const mine = held.filter((h) => h.variant === name);
		const aborted = requests.filter(
			(r) => r.method === 'POST' && r.path === '/modules/faces' && r.clientAborted && r.outcome === 'added' && r.body && r.body.collectionId === v.collectionId,
		);
		const facesBefore = sc.facesByUser(sandbox, v.collectionId);
		const ledgerBefore = await sc.ledger(cluster.pg, `kill-${name}`);
		const failedCallers = answers[name].filter((a) => a.status !== 200);
		figures[name] = {
			skipIfAlreadyEnrolled: v.skip,
			submissions: v.submissions.length,
			heldAtKill: mine.length,
			heldExecutionIds: mine.map((h) => h.executionId),
			abortedAddsCarriedOut: aborted.length,
			enrolledBeforeRetry: [...facesBefore.values()].reduce((a, b) => a + b, 0),
			ledgerRowsBeforeRetry: ledgerBefore.size,
			callerAnswers: countBy(answers[name].map((a) => (a.status === null ? a.error : String(a.status)))),
			failedCallerAnswerAfterS: failedCallers.length ? Math.round(Math.max(...failedCallers.map((a) => a.ms)) / 100) / 10 : null,
			failedCallerBody: failedCallers.length ? JSON.stringify(failedCallers[0].json ?? failedCallers[0].text ?? failedCallers[0].error).slice(0, 200) : null,
		};
		v.failedSubmissions = v.submissions.filter((s, i) => answers[name][i].status !== 200);
	}

	// 2. n8n's own retry of the failed executions (public API), as an operator would try first
	const retried = [];
	for (const h of held) {
		const t = Date.now();
		let outcome;
		try {
			const r = await cluster.main.api('POST', `/executions/${h.executionId}/retry`, { loadWorkflow: false });
			outcome = { id: r && r.id, status: r && r.status };
		} catch (error) {
			outcome = { error: String(error.message).slice(0, 300) };
		}
		retried.push({ executionId: h.executionId, variant: h.variant, ...outcome, ms: Date.now() - t });
	}
	for (const [name, v] of Object.entries(variants)) {
		const ledgerAfterN8nRetry = await sc.ledger(cluster.pg, `kill-${name}`);
		figures[name].n8nRetry = countBy(retried.filter((r) => r.variant === name).map((r) => (r.error ? `refused: ${r.error.replace(/^public API [^:]*: /, '').slice(0, 120)}` : r.status)));
		figures[name].n8nRetryRecordedOutcomes = ledgerAfterN8nRetry.size - figures[name].ledgerRowsBeforeRetry;
	}

	// 3. what re-runs them for real: each caller whose submission failed posts it again
	for (const [name, v] of Object.entries(variants)) {
		const again = await postBurst(cluster.entry.baseUrl, v.workflow.webhookPath, v.failedSubmissions, { concurrency: 6, timeoutMs: clientTimeoutMs });
		figures[name].resubmitted = v.failedSubmissions.length;
		figures[name].resubmitAnswers = countBy(again.results.map((a) => (a.status === null ? a.error : String(a.status))));
		const users = new Set(v.submissions.map((s) => s.userName));
		const faces = sc.facesByUser(sandbox, v.collectionId);
		const ledgerAfter = await sc.ledger(cluster.pg, `kill-${name}`);
		let duplicates = 0;
		let exactlyOnce = 0;
		for (const u of users) {
			const c = faces.get(u) || 0;
			if (c === 1) exactlyOnce++;
			if (c > 1) duplicates += c - 1;
		}
		Object.assign(figures[name], {
			duplicates,
			applicantsEnrolledExactlyOnce: exactlyOnce,
			applicantsNotEnrolled: [...users].filter((u) => !faces.get(u)).length,
			ledgerRowsAfterResubmit: ledgerAfter.size,
			ledgerRowsRecordedTwice: [...ledgerAfter.values()].filter((r) => r.records !== 1).length,
			ledgerBranches: countBy([...ledgerAfter.values()].map((r) => r.branches)),
		});
	}

	sandbox.clearFaults();
	sandbox.setConfig({ latencyMs: latencyBefore });
	return {
		victim: victim.role,
		settings: {
			workers: cluster.workers.length,
			workerConcurrency: cluster.workerConcurrency,
			addLatencyMs,
			perVariant,
			clientTimeoutMs,
			lockDurationMs: Number(cluster.extraEnv.QUEUE_WORKER_LOCK_DURATION || 60000),
			stalledIntervalMs: Number(cluster.extraEnv.QUEUE_WORKER_STALLED_INTERVAL || 30000),
		},
		n8n: {
			heldExecutions: heldIds.length,
			stalledJobsLoggedByEnqueuer: stalledLogged.length,
			heldExecutionStatus: countBy(Object.values(heldStatus)),
			heldStoredDataKeepsInput: heldData.filter((d) => d.argosNodeInData).length,
			heldStoredDataIsStalledError: heldData.filter((d) => d.stalledError).length,
			reRunByAnotherWorker: held.filter((h) => survivorsStarted.has(h.executionId)).length,
			secondsFromKillToLastAnswer: lastAnswerS,
		},
		retried,
		variants: figures,
		durationS: Math.round((Date.now() - started) / 1000),
	};
}

function countBy(values) {
	const m = {};
	for (const v of values) m[v] = (m[v] || 0) + 1;
	return m;
}

module.exports = { workerKillExperiment };
