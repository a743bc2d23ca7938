'use strict';
/*
 * What the queue test and the queue benchmark both do with a running cluster: credentials and the onboarding
 * workflow through n8n's own APIs, the outcome ledger, which worker ran which execution (from the workers'
 * logs: "Worker started execution <id>"), and reading executions back from the database.
 */
const { LEDGER_DDL, LEDGER_TABLE, onboardingWorkflow } = require('./onboarding');

/** The Argos Faces and Postgres credentials, saved through n8n's REST API like the editor does. */
async function createCredentials(cluster, sandbox) {
	const main = cluster.main;
	const argos = await main.restOk('POST', '/rest/credentials', {
		name: 'Argos Faces (sandbox)',
		type: 'argosFacesApi',
		data: { apiKey: sandbox.apiKey, baseUrl: sandbox.url },
	});
	const pg = cluster.pg;
	const postgres = await main.restOk('POST', '/rest/credentials', {
		name: 'Outcome ledger (Postgres)',
		type: 'postgres',
		data: { host: '127.0.0.1', port: pg.port, database: pg.database, user: pg.role, password: pg.password, ssl: 'disable', allowUnauthorizedCerts: false, maxConnections: 5 },
	});
	await pg.psql(LEDGER_DDL);
	await pg.psql(`GRANT ALL ON ${LEDGER_TABLE} TO ${pg.role}`);
	return { argos: { id: argos.id, name: argos.name }, postgres: { id: postgres.id, name: postgres.name } };
}

/** Creates and activates one onboarding workflow (public API). Returns { id, webhookPath }. */
async function deployOnboarding(cluster, { credentials, name, webhookPath, collectionId, skipIfAlreadyEnrolled }) {
	const body = onboardingWorkflow({
		name,
		webhookPath,
		collectionId,
		argosCredential: credentials.argos,
		postgresCredential: credentials.postgres,
		skipIfAlreadyEnrolled,
	});
	const w = await cluster.main.api('POST', '/workflows', body);
	await cluster.main.api('POST', `/workflows/${w.id}/activate`);
	return { id: w.id, webhookPath };
}

/**
 * Waits until the webhook processor knows the path (it reads webhooks from the database). A GET on a
 * POST-only webhook is answered "not registered for GET requests. Did you mean to make a POST request?" once
 * the path is known, so the probe creates no execution.
 */
async function waitWebhookLive(cluster, webhookPath, { timeoutMs = 30_000 } = {}) {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const res = await fetch(`${cluster.entry.baseUrl}/webhook/${webhookPath}`, { method: 'GET', signal: AbortSignal.timeout(5000) });
		const text = await res.text();
		if (/POST request/i.test(text)) return;
		if (Date.now() > until) throw new Error(`webhook ${webhookPath} not live after ${timeoutMs / 1000} s: ${res.status} ${text.slice(0, 200)}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** Ledger rows for submissions whose id starts with prefix: Map(id -> row). */
async function ledger(pg, prefix) {
	const rows = await pg.json(
		`SELECT coalesce(json_agg(t), '[]'::json) FROM (SELECT submission_id, branch, branches, face_id, error_code, execution_id, records FROM ${LEDGER_TABLE} WHERE submission_id LIKE '${prefix.replace(/'/g, "''")}-%') t`,
	);
	return new Map(rows.map((r) => [r.submission_id, r]));
}

/** Execution ids each worker logged as started (and finished) since the given log offsets. */
function workerExecutions(cluster, offsets = {}) {
	const out = {};
	for (const w of cluster.workers) {
		const text = w.log().slice(offsets[w.role] || 0);
		const started = [...text.matchAll(/Worker started execution (\d+) \(job (\d+)\)/g)].map((m) => ({ executionId: m[1], jobId: m[2] }));
		const finished = new Set([...text.matchAll(/Worker finished execution (\d+)/g)].map((m) => m[1]));
		out[w.role] = { started, finished };
	}
	return out;
}

function logOffsets(cluster) {
	return Object.fromEntries(cluster.workers.map((w) => [w.role, w.log().length]));
}

/** Executions of a workflow: [{ id, status, mode, retryOf, retrySuccessId }]. */
async function executions(pg, workflowId) {
	return pg.json(
		`SELECT coalesce(json_agg(t ORDER BY t.id), '[]'::json) FROM (SELECT id::text AS id, status, mode, "retryOf" AS "retryOf", "retrySuccessId" AS "retrySuccessId", "startedAt", "stoppedAt" FROM execution_entity WHERE "workflowId" = '${workflowId}') t`,
	);
}

/** Faces per user name in a sandbox collection: Map(userName -> count). */
function facesByUser(sandbox, collectionId) {
	const col = sandbox.state().collections.find((c) => c.id === collectionId);
	const m = new Map();
	for (const f of col ? col.faces : []) m.set(f.userName, (m.get(f.userName) || 0) + 1);
	return m;
}

module.exports = { createCredentials, deployOnboarding, waitWebhookLive, ledger, workerExecutions, logOffsets, executions, facesByUser };
