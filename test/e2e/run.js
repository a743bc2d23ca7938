#!/usr/bin/env node
'use strict';
/*
 * `npm run test:e2e`: the packed tarball of this repository in real n8n, on 2.41.1 and 1.123.81.
 *
 *   1. installs both n8n versions and Node 24 into a cache outside the repo (install-n8n.js; minutes
 *      the first time, seconds afterwards);
 *   2. `npm run build` + `npm pack`; the tarball is installed into each n8n's user folder the way n8n's
 *      community-package installer does;
 *   3. starts the sandbox (sandbox/), then for each version:
 *      - CLI: import:credentials + import:workflow + execute --id of the onboarding demo workflow,
 *        counting the items on Success and Failed;
 *      - `n8n start`: node and credential types loaded, icons served, credential test through n8n's
 *        REST endpoint (valid and disabled key), a webhook workflow with a multipart selfie upload
 *        (Success path and Failed path);
 *      - on 2.41.1 also the editor screenshots (test/e2e/screenshot.js) into the run folder;
 *      - the ID Check examples (idcheck.js, idcheck-sync.js: the trigger at its production URL under every
 *        webhook fault, forged deliveries, the reconcile).
 *
 * Runs on the machine's Node (20+); n8n runs on Node 24. Every process it starts is stopped by its
 * process group, also on failure. Logs stay in the run folder, printed at the end (kept on failure or
 * with ARGOS_E2E_KEEP=1). Options (environment): ARGOS_E2E_VERSIONS=2.41.1,1.123.81 to choose versions,
 * ARGOS_E2E_SKIP_BUILD=1 to pack the existing dist/, ARGOS_E2E_SCREENSHOTS=0 to skip the browser.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');

const { ensureInstalls, N8N_VERSIONS } = require('./install-n8n');
const { buildAndPack, installLikeN8n, REPO } = require('./lib/package');
const { N8nInstance, parseRawOutput, newId } = require('./lib/n8n');
const { stopAll, liveProcesses } = require('./lib/proc');
const wf = require('./lib/workflows');

const VERSIONS = (process.env.ARGOS_E2E_VERSIONS || N8N_VERSIONS.join(','))
	.split(',')
	.map((v) => v.trim())
	.filter(Boolean);
const PACKAGE_NAME = require(path.join(REPO, 'package.json')).name;
const RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-e2e-'));
const timings = {};
let failures = 0;

function log(msg) {
	process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const ctx = { installs: null, pack: null, sandbox: null };

/** A test that names what it was doing and where the n8n log is when it fails. */
function step(name, inst, fn) {
	return it(name, async (t) => {
		const started = Date.now();
		try {
			await fn(t);
		} catch (err) {
			failures++;
			const where = inst && inst() ? `\n  n8n log kept at: ${inst().logFile}` : '';
			err.message = `while ${name}: ${err.message}${where}`;
			throw err;
		} finally {
			const who = inst && inst() ? `n8n ${inst().version}: ` : '';
			timings[`${who}${name}`] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
		}
	});
}

before(async () => {
	let t = Date.now();
	log(`run folder: ${RUN_DIR}`);
	ctx.installs = await ensureInstalls({ versions: VERSIONS, log: (m) => log(`install: ${m}`) });
	timings['installs (ensure)'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;

	t = Date.now();
	ctx.pack = await buildAndPack(path.join(RUN_DIR, 'pack'), {
		logFile: path.join(RUN_DIR, 'build.log'),
		skipBuild: process.env.ARGOS_E2E_SKIP_BUILD === '1',
	});
	timings['build + pack'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
	log(`packed ${path.basename(ctx.pack.tgz)} (${ctx.pack.files.length} files)`);

	const { startSandbox } = require(path.join(REPO, 'sandbox'));
	ctx.sandbox = await startSandbox();
	log(`sandbox at ${ctx.sandbox.url}`);
});

after(async () => {
	if (ctx.sandbox) await ctx.sandbox.close();
	const left = liveProcesses();
	if (left.length) log(`stopping processes still running: ${JSON.stringify(left)}`);
	await stopAll();
	log(`timings: ${JSON.stringify(timings, null, 2)}`);
	if (failures > 0 || process.env.ARGOS_E2E_KEEP === '1') {
		log(`logs and run data kept in ${RUN_DIR}`);
	} else {
		fs.rmSync(RUN_DIR, { recursive: true, force: true });
	}
});

for (const version of VERSIONS) {
	describe(`n8n ${version} with the packed tarball`, () => {
		/** @type {N8nInstance} */
		let n8n;
		const get = () => n8n;
		let suiteStart;
		let credential;
		let onboardingId;
		let onboardingNode;

		before(async () => {
			suiteStart = Date.now();
			const inst = ctx.installs.n8n[version];
			n8n = await new N8nInstance({
				version,
				n8nBin: inst.bin,
				node: ctx.installs.node,
				workDir: fs.mkdtempSync(path.join(RUN_DIR, `n8n-${version}-`)),
				extraEnv: { N8N_RESTRICT_FILE_ACCESS_TO: wf.IMAGES_DIR },
			}).init();
			credential = { id: newId('argosCred'), name: 'Argos Faces sandbox' };
			log(`n8n ${version}: user folder ${n8n.userFolder}, port ${n8n.port}, log ${n8n.logFile}`);
		});

		after(async () => {
			if (n8n) await n8n.stop();
			timings[`suite n8n ${version}`] = `${((Date.now() - suiteStart) / 1000).toFixed(1)} s`;
		});

		step('installing the tarball into .n8n/nodes like the community-package installer', get, async () => {
			const pkgDir = await installLikeN8n(n8n.userFolder, ctx.pack.tgz, {
				env: n8n.env(),
				logFile: n8n.logFile,
			});
			const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
			assert.equal(pkg.name, PACKAGE_NAME);
			assert.equal(pkg.peerDependencies, undefined, 'peerDependencies must be stripped like n8n does');
			for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
				assert.ok(fs.existsSync(path.join(pkgDir, f)), `${f} (named in package.json "n8n") is missing from the tarball`);
			}
			assert.ok(!fs.existsSync(path.join(pkgDir, 'node_modules', 'n8n-workflow')), 'n8n-workflow must not be installed');
		});

		step('running the onboarding demo with the CLI (import:credentials, import:workflow, execute --id)', get, async () => {
			const credFile = path.join(n8n.workDir, 'credentials.json');
			fs.writeFileSync(
				credFile,
				JSON.stringify([
					{
						id: credential.id,
						name: credential.name,
						type: wf.CRED_TYPE,
						data: { apiKey: ctx.sandbox.apiKey, baseUrl: ctx.sandbox.url },
					},
				]),
			);
			await n8n.cliOk(['import:credentials', `--input=${credFile}`]);

			const { workflow, source, argosNodeName, readNodeName } = wf.onboardingWorkflow({
				collectionId: ctx.sandbox.collections.onboarding,
				credential,
			});
			log(`n8n ${version}: onboarding workflow from ${source}`);
			onboardingId = workflow.id;
			onboardingNode = argosNodeName;
			const wfFile = path.join(n8n.workDir, 'onboarding.workflow.json');
			fs.writeFileSync(wfFile, JSON.stringify(workflow, null, 2));
			await n8n.cliOk(['import:workflow', `--input=${wfFile}`]);

			const before = ctx.sandbox.requests().length;
			const r = await n8n.cliOk(['execute', `--id=${workflow.id}`, '--rawOutput'], { timeoutMs: 240_000 });
			timings[`n8n ${version} CLI execute`] = `${(r.ms / 1000).toFixed(1)} s`;
			const run = parseRawOutput(r.stdout);
			const runData = run.data.resultData.runData;
			const lastError = run.data.resultData.error;
			assert.ok(!lastError, `the execution failed: ${JSON.stringify(lastError)}`);
			assert.ok(runData[argosNodeName], `node "${argosNodeName}" did not run; ran: ${Object.keys(runData).join(', ')}`);
			const main = runData[argosNodeName][0].data.main;
			const success = main[0] || [];
			const failed = main[1] || [];

			// what the workflow read, and what each file should give
			const readItems = readNodeName ? runData[readNodeName][0].data.main[0] : [];
			assert.ok(readItems.length >= 4, `expected the applicant pictures to be read, got ${readItems.length} items`);
			let expectSuccess = 0;
			for (const item of readItems) {
				const file = path.join(wf.IMAGES_DIR, item.json.fileName);
				if (wf.expectedOutcome(fs.readFileSync(file)) === 'success') expectSuccess++;
			}
			const expectFailed = readItems.length - expectSuccess;
			assert.equal(success.length, expectSuccess, `items on Success (read ${readItems.map((i) => i.json.fileName).join(', ')})`);
			assert.equal(failed.length, expectFailed, 'items on Failed');
			for (const item of success) assert.ok(item.json.faceId, `a Success item without faceId: ${JSON.stringify(item.json).slice(0, 300)}`);
			for (const item of failed) assert.ok(item.json.error && item.json.error.code, `a Failed item without error.code: ${JSON.stringify(item.json).slice(0, 300)}`);
			const codes = failed.map((i) => i.json.error.code);
			assert.ok(codes.includes(6015), `the spoof picture should fail liveness (6015); codes: ${codes.join(', ')}`);
			const sent = ctx.sandbox.requests().slice(before).filter((q) => q.method === 'POST');
			assert.ok(sent.length >= expectSuccess, `the sandbox saw ${sent.length} add requests`);
			log(`n8n ${version}: CLI run: Success ${success.length}, Failed ${failed.length} (codes ${codes.join(', ')})`);
		});

		require('./verify').fullOnboardingStep({ step, get, ctx, version, log });

		step('starting n8n and logging in as owner', get, async () => {
			const ms = await n8n.start();
			timings[`n8n ${version} start`] = `${(ms / 1000).toFixed(1)} s`;
			await n8n.setupOwner();
			n8n.ready = true;
		});

		step('loading the node and credential types (no load errors)', get, async () => {
			if (!n8n.ready) throw new Error('n8n did not start');
			const logText = n8n.log();
			assert.doesNotMatch(logText, /Class could not be found/i);
			assert.doesNotMatch(logText, new RegExp(`(Error|Failed)[^\\n]*${PACKAGE_NAME}`, 'i'));
			const nodeTypes = await fetchJson(`${n8n.baseUrl}/types/nodes.json`, n8n);
			const node = nodeTypes.find((t) => t.name === wf.NODE_TYPE);
			assert.ok(node, `${wf.NODE_TYPE} is not among the ${nodeTypes.length} node types n8n serves`);
			assert.deepEqual(node.outputNames, ['Success', 'Failed']);
			const credTypes = await fetchJson(`${n8n.baseUrl}/types/credentials.json`, n8n);
			const cred = credTypes.find((t) => t.name === wf.CRED_TYPE);
			assert.ok(cred, `${wf.CRED_TYPE} is not among the credential types`);
			n8n.types = { node, cred };
		});

		step('serving the node and credential icons without absolute paths', get, async () => {
			if (!n8n.types) throw new Error('types not loaded');
			for (const [what, t] of Object.entries(n8n.types)) {
				const urls = iconUrls(t);
				assert.ok(urls.length > 0, `${what} type has no iconUrl: ${JSON.stringify(t.icon ?? t.iconUrl)}`);
				for (const u of urls) {
					assert.ok(!u.includes(n8n.userFolder) && !/CUSTOM\/\//.test(u) && !u.startsWith('/'), `${what} icon URL exposes a path: ${u}`);
					const res = await fetch(`${n8n.baseUrl}/${u}`);
					const body = await res.text();
					assert.equal(res.status, 200, `GET /${u}`);
					assert.match(body, /<svg[\s>]/, `GET /${u} is not an SVG`);
				}
			}
		});

		step('testing the credential through n8n (valid key -> success)', get, async () => {
			if (!n8n.ready) throw new Error('n8n did not start');
			const data = { apiKey: ctx.sandbox.apiKey, baseUrl: ctx.sandbox.url };
			const res = await credentialTest(n8n, 'Argos Faces (valid key)', data);
			assert.equal(res.status, 'OK', `credential test answered ${JSON.stringify(res)}`);
		});

		step('testing the credential through n8n (disabled key -> rejected)', get, async () => {
			if (!n8n.ready) throw new Error('n8n did not start');
			const data = { apiKey: ctx.sandbox.disabledApiKey, baseUrl: ctx.sandbox.url };
			const res = await credentialTest(n8n, 'Argos Faces (disabled key)', data);
			assert.equal(res.status, 'Error', `credential test answered ${JSON.stringify(res)}`);
			assert.match(res.message, /reject/i, 'the message should say the key was rejected');
		});

		step('testing the credential through n8n (plain http to another machine -> that reason, nothing sent)', get, async () => {
			if (!n8n.ready) throw new Error('n8n did not start');
			// [::ffff:127.0.0.1] reaches the sandbox but is not on the loopback allow-list: it stands for another machine.
			const data = { apiKey: ctx.sandbox.apiKey, baseUrl: `http://[::ffff:127.0.0.1]:${ctx.sandbox.port}` };
			const before = ctx.sandbox.requests().length;
			const res = await credentialTest(n8n, 'Argos Faces (plain http)', data);
			assert.equal(res.status, 'Error', `credential test answered ${JSON.stringify(res)}`);
			assert.match(res.message, /plain http:\/\/ to a host that is not this machine/, `the test must give the real reason: ${res.message}`);
			assert.equal(ctx.sandbox.requests().length, before, 'nothing may be sent');
		});

		let webhookPath;
		step('saving a credential (REST) and activating the webhook workflow (public API)', get, async () => {
			if (!n8n.ready) throw new Error('n8n did not start');
			const created = await createCredential(n8n, 'Argos Faces sandbox (webhook)', {
				apiKey: ctx.sandbox.apiKey,
				baseUrl: ctx.sandbox.url,
			});
			webhookPath = `argos-add-${version.replace(/\./g, '-')}`;
			const body = wf.webhookAddWorkflow({
				name: 'Argos Faces webhook (e2e)',
				webhookPath,
				collectionId: ctx.sandbox.collections.demo,
				credential: { id: created.id, name: created.name },
			});
			const w = await n8n.api('POST', '/workflows', body);
			await n8n.api('POST', `/workflows/${w.id}/activate`);
			n8n.webhookWorkflowId = w.id;
		});

		step('posting a selfie to the webhook -> Argos Faces Add -> Success (faceId)', get, async () => {
			if (!webhookPath) throw new Error('the webhook workflow was not activated');
			const file = path.join(wf.IMAGES_DIR, 'astronaut.jpg');
			const res = await n8n.callWebhook(webhookPath, {
				method: 'POST',
				body: () => multipart(file, 'image/jpeg', { userName: 'eileen.collins@example.com' }),
			});
			assert.equal(res.status, 200, `webhook answered ${res.status}: ${res.text.slice(0, 500)}`);
			const item = Array.isArray(res.json) ? res.json[0] : res.json;
			assert.ok(item && typeof item.faceId === 'string' && item.faceId.length > 0, `no faceId in ${res.text.slice(0, 500)}`);
			assert.equal(item.userName, 'eileen.collins@example.com');
			const face = ctx.sandbox
				.state()
				.collections.find((c) => c.id === ctx.sandbox.collections.demo)
				.faces.find((f) => f.faceId === item.faceId);
			assert.ok(face, 'the sandbox does not hold the returned faceId');
			assert.equal(face.faceKey, 'eileen-collins', 'the sandbox did not receive the uploaded picture');

			// each version's default binary data mode: 2.x keeps the upload on disk (filesystem-v2) and
			// the node must read it through n8n's helpers; 1.x keeps it in memory (base64 in the item)
			const stored = binaryFiles(n8n.userFolder, n8n.webhookWorkflowId);
			const uploaded = sha256(fs.readFileSync(file));
			if (n8n.major >= 2) {
				// n8n removes its temp copies while the execution finishes: a file listed a moment ago may be gone.
				const still = (f) => {
					try {
						return fs.readFileSync(f);
					} catch {
						return Buffer.alloc(0);
					}
				};
				assert.ok(
					stored.some((f) => sha256(still(f)) === uploaded),
					`n8n ${version} should have stored the upload in filesystem mode under .n8n/storage (found ${stored.length} files)`,
				);
			} else {
				assert.equal(stored.length, 0, `n8n ${version} should keep binaries in memory by default`);
			}
		});

		step('posting a spoof selfie to the webhook -> Failed (error 6015 with its description)', get, async () => {
			if (!webhookPath) throw new Error('the webhook workflow was not activated');
			const file = path.join(wf.IMAGES_DIR, 'spoof-screen-photo.jpg');
			const res = await n8n.callWebhook(webhookPath, {
				method: 'POST',
				body: () => multipart(file, 'image/jpeg', { userName: 'spoofer@example.com' }),
			});
			assert.equal(res.status, 422, `webhook answered ${res.status}: ${res.text.slice(0, 500)}`);
			const item = Array.isArray(res.json) ? res.json[0] : res.json;
			assert.ok(item && item.error, `no error object in ${res.text.slice(0, 500)}`);
			assert.equal(item.error.code, 6015);
			assert.ok(typeof item.error.description === 'string' && item.error.description.length > 20, 'error.description missing');
			assert.match(item.error.description, /selfie|photo|camera|retake/i);
		});

		require('./verify').verifySteps({ step, get, ctx, version, log });

		if (version.startsWith('2.') && process.env.ARGOS_E2E_SCREENSHOTS !== '0') {
			step('taking the editor screenshots (canvas after a run, parameter panel)', get, async () => {
				if (!n8n.ready) throw new Error('n8n did not start');
				const { takeScreenshots } = require('./screenshot');
				const outDir = path.join(RUN_DIR, 'screenshots');
				const t = Date.now();
				if (!onboardingId) throw new Error('the onboarding workflow was not imported');
				const shots = await takeScreenshots({
					n8n,
					workflowId: onboardingId,
					nodeName: onboardingNode,
					outDir,
					log: (m) => log(`screenshot: ${m}`),
				});
				timings['screenshots'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
				for (const f of Object.values(shots)) assert.ok(fs.statSync(f).size > 10_000, `${f} looks empty`);
				log(`screenshots in ${outDir}`);
			});
		}

		if (version.startsWith('2.') && process.env.ARGOS_E2E_SCREENSHOTS !== '0') {
			step('the editor as a new user meets it: node panel search, the credential dialog, a Failed item, the Executions filter', get, async () => {
				if (!n8n.ready) throw new Error('n8n did not start');
				// Imported (with its credential) by the full onboarding step before n8n started.
				const workflow = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', 'full-onboarding.workflow.json'), 'utf8'));
				const outDir = path.join(RUN_DIR, 'editor');
				const t = Date.now();
				await require('./editor').editorChecks({ n8n, sandbox: ctx.sandbox, workflowId: workflow.id, outDir, log: (m) => log(`editor: ${m}`) });
				timings['editor'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
			});
		}

		require('./form').formSteps({ version, get, step, ctx, log, runDir: RUN_DIR });

		// Argos ID Check, ID Document → Read (OCR) and examples/idcheck-enrol.workflow.json with the real Data table node.
		require('./idcheck').idcheckSteps({ step, get, ctx, version, log });

		// examples/idcheck-sync + idcheck-reconcile at their production URLs, every webhook fault, forged deliveries.
		require('./idcheck-sync').idcheckSyncSteps({ step, get, ctx, version, log });

		// n8n 2.x's `database` binary data mode (the queue-mode default) in a single process: the upload lives in
		// the binary_data table, the item only holds a "database:<id>" reference, and the node must read it
		// through n8n's helpers. Same user folder and workflows, restarted with the mode set.
		if (version.startsWith('2.')) {
			let dbModeStart;
			step('restarting n8n with N8N_DEFAULT_BINARY_DATA_MODE=database', get, async () => {
				if (!webhookPath) throw new Error('the webhook workflow was not activated');
				await n8n.stop();
				n8n.extraEnv.N8N_DEFAULT_BINARY_DATA_MODE = 'database';
				const ms = await n8n.start();
				timings[`n8n ${version} start (database binary mode)`] = `${(ms / 1000).toFixed(1)} s`;
				await n8n.login();
				const list = await n8n.api('GET', `/executions?workflowId=${n8n.webhookWorkflowId}&limit=50`);
				dbModeStart = { lastId: Math.max(0, ...(list.data || []).map((e) => Number(e.id))) };
			});

			step('database binary mode: webhook selfie -> Success, stored in the database, not on disk', get, async () => {
				if (!dbModeStart) throw new Error('n8n did not restart in database mode');
				const file = path.join(wf.IMAGES_DIR, 'astronaut.jpg');
				const filesBefore = binaryFiles(n8n.userFolder, n8n.webhookWorkflowId).length;
				const res = await n8n.callWebhook(webhookPath, {
					method: 'POST',
					body: () => multipart(file, 'image/jpeg', { userName: 'db-mode.applicant@example.com' }),
				});
				assert.equal(res.status, 200, `webhook answered ${res.status}: ${res.text.slice(0, 500)}`);
				const item = Array.isArray(res.json) ? res.json[0] : res.json;
				assert.ok(item && item.faceId, `no faceId in ${res.text.slice(0, 500)}`);
				const face = ctx.sandbox
					.state()
					.collections.find((c) => c.id === ctx.sandbox.collections.demo)
					.faces.find((f) => f.faceId === item.faceId);
				assert.ok(face, 'the sandbox does not hold the returned faceId');
				assert.equal(face.imageSha256, sha256(fs.readFileSync(file)), 'the sandbox did not receive the uploaded bytes');
				const { id, binary } = await uploadedBinary(n8n, dbModeStart.lastId);
				dbModeStart.lastId = id;
				assert.match(String(binary.id), /^database:/, `the upload should be stored in database mode, got id ${binary.id}`);
				assert.equal(binaryFiles(n8n.userFolder, n8n.webhookWorkflowId).length, filesBefore, 'database mode wrote a binary file to disk');
			});

			step('database binary mode: spoof selfie -> Failed (6015)', get, async () => {
				if (!dbModeStart) throw new Error('n8n did not restart in database mode');
				const res = await n8n.callWebhook(webhookPath, {
					method: 'POST',
					body: () => multipart(path.join(wf.IMAGES_DIR, 'spoof-screen-photo.jpg'), 'image/jpeg', { userName: 'db-mode.spoofer@example.com' }),
				});
				assert.equal(res.status, 422, `webhook answered ${res.status}: ${res.text.slice(0, 500)}`);
				const item = Array.isArray(res.json) ? res.json[0] : res.json;
				assert.equal(item && item.error && item.error.code, 6015, `expected error 6015 in ${res.text.slice(0, 500)}`);
				const { binary } = await uploadedBinary(n8n, dbModeStart.lastId);
				assert.match(String(binary.id), /^database:/, `the upload should be stored in database mode, got id ${binary.id}`);
			});
		}
	});
}

/**
 * The uploaded selfie's binary metadata in the newest finished webhook execution with an id above `afterId`,
 * read back through the public API (execution data as n8n stored it). The webhook answers from its Respond
 * node before n8n has saved the execution, so this waits (bounded) for it. Returns { id, binary }.
 */
async function uploadedBinary(n8n, afterId = 0) {
	const until = Date.now() + 20_000;
	for (;;) {
		const list = await n8n.api('GET', `/executions?workflowId=${n8n.webhookWorkflowId}&includeData=true&limit=10`);
		const newest = (list.data || [])
			.filter((e) => Number(e.id) > afterId && e.finished !== undefined && e.stoppedAt)
			.sort((a, b) => Number(b.id) - Number(a.id))[0];
		if (newest) {
			const run = newest.data.resultData.runData['Selfie Upload'];
			const binary = run && run[0].data.main[0][0].binary && run[0].data.main[0][0].binary.data;
			assert.ok(binary, `execution ${newest.id} has no uploaded binary: ${JSON.stringify(run).slice(0, 300)}`);
			return { id: Number(newest.id), binary };
		}
		if (Date.now() > until) throw new Error(`no finished execution of the webhook workflow after id ${afterId} within 20 s`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

// ---------- helpers ----------

async function fetchJson(url, n8n) {
	const res = await fetch(url, { headers: n8n.cookie ? { cookie: n8n.cookie, 'browser-id': 'argos-e2e-browser' } : {} });
	const text = await res.text();
	assert.equal(res.status, 200, `GET ${url} -> ${res.status}: ${text.slice(0, 200)}`);
	return JSON.parse(text);
}

function iconUrls(type) {
	const u = type.iconUrl;
	if (!u) return [];
	if (typeof u === 'string') return [u];
	return [u.light, u.dark].filter(Boolean);
}

/**
 * Saves a credential the way the editor does (POST /rest/credentials). The public API's
 * POST /api/v1/credentials is not used: on 1.123.81 it validates `data` against a schema that also
 * requires the `allowedDomains` field n8n 1.x adds to every credential with an `authenticate` block.
 */
async function createCredential(n8n, name, data) {
	const saved = await n8n.restOk('POST', '/rest/credentials', { name, type: wf.CRED_TYPE, data });
	assert.ok(saved && saved.id, `no id in the saved credential: ${JSON.stringify(saved).slice(0, 300)}`);
	return saved;
}

/**
 * n8n's own credential test, as the editor runs it when a credential is saved: the credential is stored
 * (public API), then POST /rest/credentials/test with its id and data. Returns { status, message }.
 */
async function credentialTest(n8n, name, data) {
	const saved = await createCredential(n8n, name, data);
	const r = await n8n.rest('POST', '/rest/credentials/test', {
		credentials: { id: saved.id, name, type: wf.CRED_TYPE, data },
	});
	if (r.status !== 200) throw new Error(`POST /rest/credentials/test -> ${r.status}: ${r.text.slice(0, 300)}`);
	return r.body.data ?? r.body;
}

const sha256 = (buf) => require('node:crypto').createHash('sha256').update(buf).digest('hex');

/** Binary data files n8n stored on disk for a workflow's executions (2.x: .n8n/storage/workflows/<id>/...). */
function binaryFiles(userFolder, workflowId) {
	const out = [];
	const roots = [
		path.join(userFolder, '.n8n', 'storage', 'workflows', String(workflowId)),
		path.join(userFolder, '.n8n', 'binaryData', 'workflows', String(workflowId)),
	];
	const walk = (dir) => {
		let entries = [];
		try {
			entries = fs.readdirSync(dir, { withFileTypes: true });
		} catch {
			return;
		}
		for (const e of entries) {
			const p = path.join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else if (!e.name.endsWith('.metadata')) out.push(p);
		}
	};
	roots.forEach(walk);
	return out;
}

function multipart(file, type, fields) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) fd.append(k, v);
	fd.append('data', new Blob([fs.readFileSync(file)], { type }), path.basename(file));
	return fd;
}

process.on('exit', (code) => {
	if (code !== 0 || failures > 0) process.stderr.write(`\ne2e: logs kept in ${RUN_DIR}\n`);
});
