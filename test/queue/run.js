#!/usr/bin/env node
'use strict';
/*
 * `npm run test:queue`: the packed package in real n8n 2.41.1 in queue mode, on this machine, on 127.0.0.1 only.
 *
 *   PostgreSQL 15 (throwaway cluster) + Redis (installed from Debian when missing and running as root)
 *   n8n main (`n8n start`) + one webhook processor (`n8n webhook`) + two workers (`n8n worker --concurrency=5`)
 *   sharing the database, the queue and one encryption key; binary data mode left at the queue default.
 *   The tarball is installed into every process's own user folder (test/queue/lib/cluster.js says why).
 *
 *   1. every process loads the package; queue mode is on; binary data mode is `database`;
 *   2. a burst of 300 multipart selfie submissions (about 10% bad: PDF, empty file, spoof marker) to the
 *      webhook processor, through Webhook -> Argos Faces Add -> Postgres ledger -> Respond, with bounded client
 *      concurrency: every submission on exactly one branch, every good applicant enrolled exactly once, both
 *      workers ran executions, the bad ones carry the right codes;
 *   3. kill -9 of a worker mid-burst (lib/kill.js): what n8n does, and the duplicates with and without
 *      Skip If Already Enrolled after retrying the crashed executions;
 *   4. examples/idcheck-sync + idcheck-reconcile with every webhook fault (test/e2e/idcheck-sync.js): deliveries to
 *      the webhook processor, executions on the workers, the Data table in PostgreSQL;
 *   5. the API key is in no execution data, no workflow, and no log.
 *
 * Reuses the e2e suite's Node 24 + n8n 2.41.1 install (test/e2e/install-n8n.js) and helpers. Every process it
 * starts is stopped by its process group, also on failure or Ctrl-C. Options (environment):
 * ARGOS_QUEUE_SKIP_BUILD=1 packs the existing dist/; ARGOS_QUEUE_KEEP=1 keeps the run folder after a pass;
 * ARGOS_QUEUE_BURST=N changes the burst size (default 300).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');

const { ensureInstalls } = require('../e2e/install-n8n');
const { buildAndPack, REPO } = require('../e2e/lib/package');
const { stopAll, liveProcesses } = require('../e2e/lib/proc');
const { QueueCluster } = require('./lib/cluster');
const { makeSubmissions, postBurst } = require('./lib/onboarding');
const sc = require('./lib/scenarios');
const { workerKillExperiment } = require('./lib/kill');

const VERSION = '2.41.1';
const BURST = Number(process.env.ARGOS_QUEUE_BURST || 300);
const WORKER_CONCURRENCY = 5;
const CLIENT_CONCURRENCY = 12;
const RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-queue-'));
const PACKAGE_NAME = require(path.join(REPO, 'package.json')).name;
const NODE_TYPE = `${PACKAGE_NAME}.argosFaces`;
const timings = {};
const figures = {};
let failures = 0;
const suiteStart = Date.now();

function log(msg) {
	process.stderr.write(`[queue ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const ctx = {};

function step(name, fn) {
	return it(name, async () => {
		const started = Date.now();
		try {
			await fn();
		} catch (err) {
			failures++;
			err.message = `while ${name}: ${err.message}\n  logs: ${RUN_DIR}`;
			throw err;
		} finally {
			timings[name] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
		}
	});
}

before(async () => {
	let t = Date.now();
	log(`run folder: ${RUN_DIR}`);
	ctx.installs = await ensureInstalls({ versions: [VERSION], log: (m) => log(`install: ${m}`) });
	timings['installs (ensure)'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
	t = Date.now();
	ctx.pack = await buildAndPack(path.join(RUN_DIR, 'pack'), {
		logFile: path.join(RUN_DIR, 'build.log'),
		skipBuild: process.env.ARGOS_QUEUE_SKIP_BUILD === '1',
	});
	timings['build + pack'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
	const sandbox = require(path.join(REPO, 'sandbox'));
	ctx.sampleImage = sandbox.sampleImage;
	ctx.sandbox = await sandbox.startSandbox({ config: { latencyMs: 100 } });
	log(`sandbox at ${ctx.sandbox.url}`);
	t = Date.now();
	ctx.cluster = new QueueCluster({
		runDir: path.join(RUN_DIR, 'cluster'),
		installs: ctx.installs,
		tgz: ctx.pack.tgz,
		workers: 2,
		workerConcurrency: WORKER_CONCURRENCY,
		// a dead worker's jobs are noticed after 20-30 s instead of n8n's default 60-90 s (lock 60 s, check
		// every 30 s): same behaviour, shorter test
		env: { QUEUE_WORKER_LOCK_DURATION: '20000', QUEUE_WORKER_LOCK_RENEW_TIME: '5000', QUEUE_WORKER_STALLED_INTERVAL: '10000' },
		log,
	});
	await ctx.cluster.start();
	timings['cluster start'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
	ctx.credentials = await sc.createCredentials(ctx.cluster, ctx.sandbox);
});

after(async () => {
	if (ctx.sandbox) await ctx.sandbox.close();
	if (ctx.cluster) {
		await ctx.cluster.stop();
		// the database files are not needed to read a failure (postgres.log is in the run folder)
		ctx.cluster.removeData();
	}
	const left = liveProcesses();
	if (left.length) log(`stopping processes still running: ${JSON.stringify(left)}`);
	await stopAll();
	timings.total = `${((Date.now() - suiteStart) / 1000).toFixed(1)} s`;
	const out = { date: new Date().toISOString(), n8n: VERSION, timings, figures };
	fs.writeFileSync(path.join(RUN_DIR, 'queue-results.json'), JSON.stringify(out, null, 2));
	log(`figures: ${JSON.stringify(figures, null, 2)}`);
	log(`timings: ${JSON.stringify(timings, null, 2)}`);
	if (failures > 0 || process.env.ARGOS_QUEUE_KEEP === '1') {
		log(`logs and run data kept in ${RUN_DIR}`);
	} else {
		fs.rmSync(RUN_DIR, { recursive: true, force: true });
	}
});

describe(`n8n ${VERSION} in queue mode (main + webhook processor + 2 workers, PostgreSQL 15, Redis)`, () => {
	step('every process runs in queue mode and loads the package; binary data mode is left unset', async () => {
		const c = ctx.cluster;
		for (const r of c.all()) {
			const env = r.env();
			assert.equal(env.EXECUTIONS_MODE, 'queue', `${r.role} is not in queue mode`);
			assert.equal(env.N8N_DEFAULT_BINARY_DATA_MODE, undefined, `${r.role}: the binary data mode must be left to n8n's queue default`);
			assert.equal(env.DB_TYPE, 'postgresdb');
			for (const k of ['DB_POSTGRESDB_HOST', 'QUEUE_BULL_REDIS_HOST', 'N8N_LISTEN_ADDRESS']) assert.equal(env[k], '127.0.0.1', `${r.role} ${k}`);
			const text = r.log();
			assert.doesNotMatch(text, /Class could not be found|Unrecognized node type/i, `${r.role}: ${r.logFile}`);
			assert.doesNotMatch(text, new RegExp(`(Error|Failed)[^\\n]*${PACKAGE_NAME}`, 'i'), `${r.role} reports an error about the package: ${r.logFile}`);
			const pkg = path.join(r.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME, 'package.json');
			assert.ok(fs.existsSync(pkg), `${r.role}: the package is not installed in its own user folder`);
		}
		assert.equal(new Set(c.all().map((r) => r.env().N8N_ENCRYPTION_KEY)).size, 1, 'one encryption key for every process');
		for (const w of c.workers) assert.match(w.log(), new RegExp(`Concurrency: ${WORKER_CONCURRENCY}`), `${w.role} concurrency`);
		const types = await (await fetch(`${c.main.baseUrl}/types/nodes.json`, { headers: { cookie: c.main.cookie, 'browser-id': 'argos-e2e-browser' } })).json();
		assert.ok(types.some((t) => t.name === NODE_TYPE), `main does not serve ${NODE_TYPE}`);
	});

	step(`a burst of ${BURST} multipart selfie submissions through the webhook processor to two workers`, async () => {
		const { cluster, sandbox } = ctx;
		sandbox.setConfig({ latencyMs: 100 });
		sandbox.addCollection({ id: 'col_queue_burst', liveness: true });
		const workflow = await sc.deployOnboarding(cluster, {
			credentials: ctx.credentials,
			name: 'Onboarding (queue burst)',
			webhookPath: 'onboarding-burst',
			collectionId: 'col_queue_burst',
		});
		ctx.burstWorkflow = workflow;
		await sc.waitWebhookLive(cluster, workflow.webhookPath);
		const subs = makeSubmissions(BURST, { prefix: 'burst', sampleImage: ctx.sampleImage });
		const offsets = sc.logOffsets(cluster);
		const { results, ms } = await postBurst(cluster.entry.baseUrl, workflow.webhookPath, subs, { concurrency: CLIENT_CONCURRENCY, timeoutMs: 120_000 });
		const perWorker = Object.fromEntries(Object.entries(sc.workerExecutions(cluster, offsets)).map(([k, v]) => [k, v.started.length]));
		const kinds = {};
		for (const s of subs) kinds[s.kind] = (kinds[s.kind] || 0) + 1;
		figures.burst = { submissions: BURST, kinds, clientConcurrency: CLIENT_CONCURRENCY, workerConcurrency: WORKER_CONCURRENCY, sandboxLatencyMs: 100, seconds: ms / 1000, perSecond: Math.round((BURST / ms) * 10000) / 10, executionsPerWorker: perWorker };
		log(`burst: ${BURST} in ${(ms / 1000).toFixed(1)} s; executions per worker ${JSON.stringify(perWorker)}`);

		// the callers' answers
		const wrong = [];
		for (let i = 0; i < subs.length; i++) {
			const s = subs[i];
			const r = results[i];
			if (r.status !== s.expect.status) wrong.push(`${s.id} (${s.kind}) answered ${r.status ?? r.error}: ${JSON.stringify(r.json ?? r.text).slice(0, 200)}`);
			else if (s.kind === 'good' && !(r.json && r.json.faceId && r.json.userName === s.userName)) wrong.push(`${s.id}: no faceId for ${s.userName}`);
			else if (s.kind !== 'good' && String(r.json && r.json.error && r.json.error.code) !== s.expect.code) wrong.push(`${s.id} (${s.kind}): code ${JSON.stringify(r.json && r.json.error)}, expected ${s.expect.code}`);
		}
		assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} submissions got a wrong answer`);

		// every submission on exactly one branch, recorded once by the worker that ran it
		const ledger = await sc.ledger(cluster.pg, 'burst');
		assert.equal(ledger.size, BURST, `ledger rows: ${ledger.size} of ${BURST}`);
		for (let i = 0; i < subs.length; i++) {
			const s = subs[i];
			const row = ledger.get(s.id);
			assert.ok(row, `${s.id} has no ledger row`);
			assert.equal(row.records, 1, `${s.id} was recorded ${row.records} times (${row.branches})`);
			assert.equal(row.branch, s.expect.branch, `${s.id} (${s.kind}) on ${row.branch}`);
			if (s.kind === 'good') assert.equal(row.face_id, results[i].json.faceId, `${s.id}: ledger and answer disagree`);
			else assert.equal(row.error_code, s.expect.code, `${s.id} (${s.kind}) error code`);
		}

		// every good applicant enrolled exactly once, no bad one enrolled
		const faces = sc.facesByUser(sandbox, 'col_queue_burst');
		for (const s of subs) assert.equal(faces.get(s.userName) || 0, s.kind === 'good' ? 1 : 0, `${s.id} (${s.kind}) has ${faces.get(s.userName) || 0} faces`);

		// both workers did the work; every execution finished as a success (Failed is a branch, not an error)
		const execs = await sc.executions(cluster.pg, workflow.id);
		assert.equal(execs.length, BURST, `executions: ${execs.length}`);
		const notOk = execs.filter((e) => e.status !== 'success');
		assert.deepEqual(notOk.slice(0, 5), [], `${notOk.length} executions did not succeed`);
		const ran = Object.values(perWorker).reduce((a, b) => a + b, 0);
		assert.equal(ran, BURST, `the workers logged ${ran} started executions for ${BURST} submissions`);
		for (const [w, n] of Object.entries(perWorker)) assert.ok(n >= BURST * 0.2, `${w} ran only ${n} of ${BURST} executions`);
	});

	step('binary data is stored in the database (the queue-mode default), never on disk', async () => {
		const { cluster } = ctx;
		const good = Math.round(BURST * 0.9);
		const [[count]] = await cluster.pg.psql(`SELECT count(*) FROM binary_data WHERE "sourceType" = 'execution'`);
		assert.ok(Number(count) >= good, `binary_data holds ${count} execution files, expected at least ${good}`);
		const [[refs]] = await cluster.pg.psql(
			`SELECT count(*) FROM execution_data d JOIN execution_entity e ON e.id = d."executionId" WHERE e."workflowId" = '${ctx.burstWorkflow.id}' AND d.data ~ 'database:[0-9a-f-]{36}'`,
		);
		assert.equal(Number(refs), BURST, `${refs} of ${BURST} stored executions reference their upload as a database binary`);
		for (const r of cluster.all()) {
			const storage = path.join(r.userFolder, '.n8n', 'storage');
			const files = [];
			const walk = (d) => {
				for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
					if (e.isDirectory()) walk(path.join(d, e.name));
					else files.push(path.join(d, e.name));
				}
			};
			walk(storage);
			assert.deepEqual(files.filter((f) => /workflows/.test(f)).slice(0, 3), [], `${r.role} wrote binary files to disk`);
		}
		figures.binaryDataMode = { mode: 'database', executionFilesInDatabase: Number(count) };
	});

	step('kill -9 of a worker mid-burst: what n8n does, duplicates with and without Skip If Already Enrolled', async () => {
		const res = await workerKillExperiment({
			cluster: ctx.cluster,
			sandbox: ctx.sandbox,
			credentials: ctx.credentials,
			sampleImage: ctx.sampleImage,
			log,
		});
		figures.workerKill = res;
		log(`worker kill: ${JSON.stringify(res, null, 2)}`);
		const { plain, skip } = res.variants;
		// n8n: the dead worker's executions are failed as stalled, never run again by another worker
		assert.equal(res.n8n.stalledJobsLoggedByEnqueuer, res.n8n.heldExecutions, 'every held job should be failed as stalled');
		assert.equal(res.n8n.reRunByAnotherWorker, 0, "another worker re-ran a dead worker's execution by itself");
		for (const [name, v] of Object.entries(res.variants)) {
			assert.ok(v.heldAtKill >= 1, `${name}: the victim held ${v.heldAtKill} executions`);
			assert.equal(v.ledgerRowsBeforeRetry, v.submissions - v.heldAtKill, `${name}: only the held submissions lack an outcome`);
			assert.equal(v.resubmitted, v.heldAtKill, `${name}: the callers of exactly the held executions got a failure`);
			assert.equal(v.ledgerRowsAfterResubmit, v.submissions, `${name}: every submission has an outcome after the re-submission`);
			assert.equal(v.ledgerRowsRecordedTwice, 0, `${name}: a submission was recorded twice`);
			assert.deepEqual(Object.keys(v.ledgerBranches), ['success'], `${name}: branches ${JSON.stringify(v.ledgerBranches)}`);
			assert.equal(v.applicantsNotEnrolled, 0, `${name}: applicants not enrolled`);
		}
		// the experiment must have caught adds in flight, or it proves nothing
		assert.ok(plain.abortedAddsCarriedOut >= 1, 'no add was in flight at the sandbox when the worker died (plain)');
		assert.ok(skip.abortedAddsCarriedOut >= 1, 'no add was in flight at the sandbox when the worker died (skip)');
		// without Skip If Already Enrolled: every add the dead worker had in flight becomes a duplicate
		assert.equal(plain.duplicates, plain.abortedAddsCarriedOut, 'plain: duplicates = adds carried out for the dead worker');
		// with it: every applicant exactly once
		assert.equal(skip.duplicates, 0, 'skip: duplicates');
		assert.equal(skip.applicantsEnrolledExactlyOnce, skip.submissions, 'skip: every applicant enrolled exactly once');
	});

	// examples/idcheck-sync + idcheck-reconcile (test/e2e/idcheck-sync.js): deliveries to the webhook processor (where
	// the trigger's dedupe lives: one process), executions on the workers, the Data table in PostgreSQL.
	step('ID Check sync (queue): noting where the workers\' logs stand', async () => {
		ctx.syncOffsets = sc.logOffsets(ctx.cluster);
		const [[n]] = await ctx.cluster.pg.psql('SELECT count(*) FROM execution_entity');
		ctx.syncExecBefore = Number(n);
	});
	require('../e2e/idcheck-sync').idcheckSyncSteps({
		step: (name, _get, fn) => step(name, fn),
		get: () => Object.assign(ctx.cluster.main, { ready: true }),
		ctx: Object.assign(ctx, { tagSuffix: '-queue' }),
		version: VERSION,
		log,
		entryUrl: () => ctx.cluster.entry.baseUrl,
	});
	step('ID Check sync (queue): every execution ran on a worker, every running worker took part', async () => {
		if (!ctx.syncOffsets) throw new Error('offsets not noted');
		const [[n]] = await ctx.cluster.pg.psql('SELECT count(*) FROM execution_entity');
		const created = Number(n) - ctx.syncExecBefore;
		const per = sc.workerExecutions(ctx.cluster, ctx.syncOffsets);
		const started = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, v.started.length]));
		const total = Object.values(started).reduce((a, b) => a + b, 0);
		figures.idcheckSync = { executions: created, startedPerWorker: started };
		log(`ID Check sync: ${created} executions, started per worker ${JSON.stringify(started)}`);
		assert.ok(created >= 50, `only ${created} executions`);
		assert.equal(total, created, 'every execution was started by a worker (none on main or the webhook processor)');
		// the worker-kill step leaves its victim dead: only the workers still running must have taken part
		for (const w of ctx.cluster.workers.filter((x) => x.proc && !x.proc.hasExited())) assert.ok(started[w.role] >= 1, `${w.role} ran none of the ${created} executions`);
	});

	step('the API key is in no execution data, no workflow and no log', async () => {
		const { cluster, sandbox } = ctx;
		// the key goes into SQL hex-encoded, so that the psql command lines in the logs do not contain it
		const key = `convert_from(decode('${Buffer.from(sandbox.apiKey).toString('hex')}', 'hex'), 'UTF8')`;
		const [[inData]] = await cluster.pg.psql(`SELECT count(*) FROM execution_data WHERE strpos(data, ${key}) > 0 OR strpos("workflowData"::text, ${key}) > 0`);
		assert.equal(Number(inData), 0, 'the API key is in stored execution data');
		const [[inWorkflows]] = await cluster.pg.psql(`SELECT count(*) FROM workflow_entity WHERE strpos(nodes::text, ${key}) > 0`);
		assert.equal(Number(inWorkflows), 0, 'the API key is in a workflow');
		const [[inCreds]] = await cluster.pg.psql(`SELECT count(*) FROM credentials_entity WHERE strpos(data, ${key}) > 0`);
		assert.equal(Number(inCreds), 0, 'the credential is stored unencrypted');
		// the same query finds what is there (the collection id of the burst), so a 0 above means absent
		const probe = `convert_from(decode('${Buffer.from('col_queue_burst').toString('hex')}', 'hex'), 'UTF8')`;
		const [[control]] = await cluster.pg.psql(`SELECT count(*) FROM execution_data WHERE strpos(data, ${probe}) > 0 OR strpos("workflowData"::text, ${probe}) > 0`);
		assert.ok(Number(control) >= BURST, `the search finds the collection id in only ${control} executions`);
		const [[execCount]] = await cluster.pg.psql('SELECT count(*) FROM execution_data');
		assert.ok(Number(execCount) >= BURST, `only ${execCount} executions were checked`);
		for (const f of cluster.logs()) {
			assert.ok(!fs.readFileSync(f, 'utf8').includes(sandbox.apiKey), `the API key is in ${f}`);
		}
	});
});

process.on('exit', (code) => {
	// also after Ctrl-C (proc.js has killed the processes by then): no database files left in the temp dir
	if (ctx.cluster && ctx.cluster.pg) ctx.cluster.pg.remove();
	if (code !== 0 || failures > 0) process.stderr.write(`\nqueue: logs kept in ${RUN_DIR}\n`);
});
