#!/usr/bin/env node
'use strict';
/*
 * The form onboarding example (examples/form-onboarding.workflow.json) in real n8n, as an applicant uses it:
 * the workflow is activated, its production form is fetched and submitted over HTTP the way the form page's
 * own script does it (lib/form-client.js), and the page the applicant ends on is read:
 *
 *   JPEG, PNG       -> "Enrolled" ending, with the faceId the sandbox stored for that e-mail
 *   HEIC, PDF       -> the rejection ending, showing the Argos Faces node's message for the applicant
 *   a spoof         -> the rejection ending after ARGOS (the sandbox) fails its liveness check (6015)
 *   two files       -> (a variant with Multiple Files on) the rejection ending, nothing enrolled
 *   one file        -> (same variant) "Enrolled"
 *
 * The Argos Faces node stays at its defaults (Input Binary Field `data`); the Form Trigger names the upload
 * after the field label (`Selfie`, or `Selfie_0`, `Selfie_1` with several files).
 *
 * `npm run test:e2e` runs these steps inside each version's suite (run.js calls formSteps()). Alone:
 * `node test/e2e/form.js` sets up its own n8n per version (same options: ARGOS_E2E_VERSIONS,
 * ARGOS_E2E_SKIP_BUILD, ARGOS_E2E_SCREENSHOTS, ARGOS_E2E_KEEP).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const assert = require('node:assert/strict');

const { REPO } = require('./lib/package');
const { openForm, submitForm } = require('./lib/form-client');
const { sleep } = require('./lib/proc');

const NODE_TYPE = 'n8n-nodes-argos-faces.argosFaces';
const CRED_TYPE = 'argosFacesApi';
const FORM_TRIGGER = 'n8n-nodes-base.formTrigger';
const FORM_NODE = 'n8n-nodes-base.form';
const EXAMPLE_FILE = path.join(REPO, 'examples', 'form-onboarding.workflow.json');
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'images');
const EXAMPLES = path.join(REPO, 'examples', 'images');

const APPLICANTS = {
	jpeg: { file: path.join(EXAMPLES, 'astronaut.jpg'), email: 'eileen.collins@example.com', faceKey: 'eileen-collins' },
	png: { file: path.join(FIXTURES, 'face.png'), email: 'png.applicant@example.com', faceKey: 'fixture-astronaut' },
	heic: { file: path.join(FIXTURES, 'photo.heic'), email: 'iphone.applicant@example.com' },
	pdf: { file: path.join(EXAMPLES, 'not-a-photo.pdf'), email: 'pdf.applicant@example.com' },
	spoof: { file: path.join(EXAMPLES, 'spoof-screen-photo.jpg'), email: 'screen.photo@example.com' },
	second: { file: path.join(EXAMPLES, 'cameraman.jpg'), email: 'two.files@example.com' },
};

/** The example as a file, with the checks that it is what the README promises. */
function readExample() {
	const wf = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));
	const trigger = wf.nodes.find((n) => n.type === FORM_TRIGGER);
	const argos = wf.nodes.find((n) => n.type === NODE_TYPE);
	const endings = wf.nodes.filter((n) => n.type === FORM_NODE);
	assert.ok(trigger && argos && endings.length === 2, `${EXAMPLE_FILE}: expected a Form Trigger, Argos Faces and two Form nodes`);
	return { wf, trigger, argos, endings };
}

/**
 * The example ready for the public API: only the fields it accepts, the credential pointing at `credential`,
 * and for a variant another path and name (Multiple Files on when `multipleFiles`).
 */
function formWorkflow({ credential, variant, typeVersions = {} }) {
	const { wf } = readExample();
	const copy = JSON.parse(JSON.stringify(wf));
	for (const n of copy.nodes) {
		if (n.type === NODE_TYPE) n.credentials = { [CRED_TYPE]: { id: credential.id, name: credential.name } };
		if (typeVersions[n.type] !== undefined) n.typeVersion = typeVersions[n.type];
		if (variant && n.type === FORM_TRIGGER) {
			n.parameters.options.path += `-${variant.suffix}`;
			n.webhookId = crypto.randomUUID();
			if (variant.multipleFiles !== undefined) {
				n.parameters.formFields.values.find((f) => f.fieldType === 'file').multipleFiles = variant.multipleFiles;
			}
		}
		if (variant) n.id = crypto.randomUUID();
	}
	const trigger = copy.nodes.find((n) => n.type === FORM_TRIGGER);
	return {
		body: {
			name: variant ? `${copy.name} (${variant.suffix})` : copy.name,
			nodes: copy.nodes,
			connections: copy.connections,
			settings: copy.settings,
		},
		path: trigger.parameters.options.path,
		triggerName: trigger.name,
		argosNodeName: copy.nodes.find((n) => n.type === NODE_TYPE).name,
	};
}

/** Saves a credential the way the editor does (see run.js for why not the public API). */
async function saveCredential(n8n, sandbox, name) {
	const saved = await n8n.restOk('POST', '/rest/credentials', {
		name,
		type: CRED_TYPE,
		data: { apiKey: sandbox.apiKey, baseUrl: sandbox.url },
	});
	assert.ok(saved && saved.id, `no id in the saved credential: ${JSON.stringify(saved).slice(0, 300)}`);
	return { id: saved.id, name: saved.name };
}

/**
 * Creates and activates the workflow; returns { id, formUrl, ... }. typeVersions: { nodeType: version } to
 * replace the example's (n8n 1.x does not know the Form Trigger and Form versions 2.41.1 writes).
 */
async function activateForm(n8n, sandbox, variant, typeVersions) {
	const credential = await saveCredential(n8n, sandbox, `Argos Faces sandbox (form${variant ? ` ${variant.suffix}` : ''})`);
	const spec = formWorkflow({ credential, variant, typeVersions });
	const created = await n8n.api('POST', '/workflows', spec.body);
	await n8n.api('POST', `/workflows/${created.id}/activate`);
	return { ...spec, id: created.id, formUrl: `${n8n.baseUrl}/form/${spec.path}` };
}

/** The run data of one execution (public API), retried briefly: the last save may lag the status by a moment. */
async function executionRunData(n8n, executionId) {
	const until = Date.now() + 15_000;
	for (;;) {
		const e = await n8n.api('GET', `/executions/${encodeURIComponent(executionId)}?includeData=true`);
		const runData = e && e.data && e.data.resultData && e.data.resultData.runData;
		if ((runData && e.finished !== false && e.status !== 'waiting') || Date.now() > until) {
			assert.ok(runData, `execution ${executionId} has no run data: ${JSON.stringify(e).slice(0, 500)}`);
			return { execution: e, runData };
		}
		await sleep(250);
	}
}

function argosOutputs(runData, nodeName) {
	assert.ok(runData[nodeName], `node "${nodeName}" did not run; ran: ${Object.keys(runData).join(', ')}`);
	const main = runData[nodeName][0].data.main;
	return { success: main[0] || [], failed: main[1] || [] };
}

const sandboxAdds = (sandbox) => sandbox.requests().filter((q) => q.method === 'POST' && /\/modules\/faces\/?$/.test(q.path)).length;

function facesIn(sandbox, collectionId) {
	const col = sandbox.state().collections.find((c) => c.id === collectionId);
	assert.ok(col, `the sandbox has no collection ${collectionId}`);
	return col.faces;
}

const describeOutcome = (r) =>
	JSON.stringify({
		post: r.post && { status: r.post.status, body: r.post.body.slice(0, 300) },
		statuses: r.statuses,
		ending: r.ending && { status: r.ending.status, title: r.ending.title, message: r.ending.message },
		finalStatus: r.finalStatus,
		sent: r.sent,
	});

/**
 * Registers the form steps on a running n8n (owner set up, package installed). Called from run.js inside
 * each version's describe(); `step(name, get, fn)` is run.js's test wrapper.
 */
function formSteps({ version, get, step, ctx, log = () => {}, runDir }) {
	const state = {};
	const collectionId = readExample().argos.parameters.collectionId;

	step('reading which Form Trigger and Form versions this n8n ships', get, async () => {
		const n8n = get();
		if (!n8n.ready) throw new Error('n8n did not start');
		const res = await fetch(`${n8n.baseUrl}/types/nodes.json`, { headers: { cookie: n8n.cookie, 'browser-id': 'argos-e2e-browser' } });
		assert.equal(res.status, 200, 'GET /types/nodes.json');
		const types = await res.json();
		const versionsOf = (name) => types.filter((t) => t.name === name).flatMap((t) => [].concat(t.version)).sort((a, b) => a - b);
		const { trigger, endings } = readExample();
		state.typeVersions = {};
		state.unknown = [];
		for (const [type, wanted] of [
			[FORM_TRIGGER, trigger.typeVersion],
			[FORM_NODE, endings[0].typeVersion],
		]) {
			const shipped = versionsOf(type);
			assert.ok(shipped.length > 0, `n8n ${version} does not serve ${type}`);
			if (!shipped.includes(wanted)) {
				state.typeVersions[type] = shipped[shipped.length - 1];
				state.unknown.push(`${type} ${wanted} (ships ${shipped.join(', ')})`);
			}
		}
		if (state.unknown.length) log(`n8n ${version}: the example's ${state.unknown.join('; ')}: the other steps use ${JSON.stringify(state.typeVersions)}`);
	});

	step('activating the example file unchanged (refused only where this n8n lacks its node versions)', get, async () => {
		const n8n = get();
		if (!state.typeVersions) throw new Error('the node versions were not read');
		const { argos } = readExample();
		// the point of the example: nothing about the image is configured on the node
		for (const p of ['imageSource', 'binaryPropertyName']) {
			assert.ok(!(p in argos.parameters), `the example sets ${p}; it must use the node's default`);
		}
		assert.ok(ctx.sandbox.state().collections.some((c) => c.id === collectionId), `the sandbox has no ${collectionId}`);
		if (state.unknown.length === 0) {
			state.single = await activateForm(n8n, ctx.sandbox);
		} else {
			// what a 1.x user gets from the file as it is: the import is accepted, the activation is not
			await assert.rejects(activateForm(n8n, ctx.sandbox, { suffix: 'as-is' }), (err) => {
				log(`n8n ${version}: the example as it is: ${err.message.split(' (log:')[0]}`);
				return /activate -> 400/.test(err.message);
			});
			state.single = await activateForm(n8n, ctx.sandbox, undefined, state.typeVersions);
		}
		log(`n8n ${version}: form at ${state.single.formUrl}`);
	});

	step('the form page as served: Email, and one Selfie file of type .jpg,.jpeg,.png,.webp', get, async () => {
		if (!state.single) throw new Error('the form workflow was not activated');
		const form = await openForm(state.single.formUrl);
		assert.equal(form.title, 'Enrol your face');
		assert.deepEqual(Object.keys(form.labels), ['Email', 'Selfie']);
		const email = form.controls.find((c) => c.id === form.labels.Email);
		const selfie = form.controls.find((c) => c.id === form.labels.Selfie);
		assert.equal(email.type, 'email');
		assert.equal(selfie.type, 'file');
		assert.equal(selfie.attrs.accept, '.jpg,.jpeg,.png,.webp');
		assert.ok(!('multiple' in selfie.attrs), 'the Selfie field must take a single file');
		assert.ok(form.useResponseData, 'with Form endings after it, the page must wait for the workflow (useResponseData)');
		state.single.form = form;
	});

	const enrolled = (label, applicant) =>
		step(`submitting a ${label} selfie -> the "Enrolled" ending with its faceId`, get, async () => {
			if (!state.single || !state.single.form) throw new Error('the form page was not read');
			const n8n = get();
			const form = await openForm(state.single.formUrl);
			const r = await submitForm(form, { Email: applicant.email, Selfie: [applicant.file] });
			const seen = describeOutcome(r);
			assert.equal(r.finalStatus, 'success', seen);
			assert.ok(r.ending, `no ending page: ${seen}`);
			assert.equal(r.ending.title, 'Enrolled', seen);
			const faceId = (/\bface_[0-9a-f]{16}\b/.exec(r.ending.message) || [])[0];
			assert.ok(faceId, `no faceId on the Enrolled page: ${seen}`);
			assert.ok(r.ending.message.includes(applicant.email), `the page does not name ${applicant.email}: ${seen}`);
			const face = facesIn(ctx.sandbox, collectionId).find((f) => f.faceId === faceId);
			assert.ok(face, `the sandbox does not hold ${faceId}`);
			assert.equal(face.userName, applicant.email);
			assert.equal(face.faceKey, applicant.faceKey, 'the sandbox did not receive the uploaded picture');
			const { runData } = await executionRunData(n8n, r.executionId);
			const out = argosOutputs(runData, state.single.argosNodeName);
			assert.equal(out.success.length, 1);
			assert.equal(out.failed.length, 0);
			log(`n8n ${version}: ${label} -> Enrolled ${faceId}; image ${JSON.stringify(out.success[0].json.image ?? null)}`);
		});

	// reachesArgos: the sandbox judges the picture (liveness); otherwise the node must refuse it unsent
	const rejected = (label, applicant, expectCode, { reachesArgos = false } = {}) =>
		step(`submitting a ${label} -> the rejection ending with the node's message for the applicant`, get, async () => {
			if (!state.single || !state.single.form) throw new Error('the form page was not read');
			const n8n = get();
			const addsBefore = sandboxAdds(ctx.sandbox);
			const form = await openForm(state.single.formUrl);
			const r = await submitForm(form, { Email: applicant.email, Selfie: [applicant.file] });
			const seen = describeOutcome(r);
			assert.equal(r.finalStatus, 'success', seen);
			assert.ok(r.ending, `no ending page: ${seen}`);
			assert.equal(r.ending.title, 'We could not enrol your selfie', seen);
			const { runData } = await executionRunData(n8n, r.executionId);
			const out = argosOutputs(runData, state.single.argosNodeName);
			assert.equal(out.success.length, 0, 'nothing may be enrolled');
			assert.equal(out.failed.length, 1);
			const error = out.failed[0].json.error;
			assert.equal(error.code, expectCode, `error: ${JSON.stringify(error)}`);
			const shown = error.applicantMessage || error.message;
			assert.ok(shown && shown.length > 10, `no message for the applicant: ${JSON.stringify(error)}`);
			assert.ok(r.ending.message.startsWith(shown), `the page must show the node's applicant message (or its message): ${r.ending.message}`);
			assert.deepEqual(r.ending.links, [{ href: '/form/argos-faces-enrol', text: 'Send another photo' }], 'the rejection page leads back to the form');
			assert.equal(
				sandboxAdds(ctx.sandbox),
				addsBefore + (reachesArgos ? 1 : 0),
				reachesArgos ? 'one add request, not repeated' : 'the node must reject the file before any request',
			);
			log(`n8n ${version}: ${label} -> "${r.ending.title}": ${r.ending.message}`);
		});

	enrolled('JPEG', APPLICANTS.jpeg);
	enrolled('PNG', APPLICANTS.png);
	rejected('HEIC photo', APPLICANTS.heic, 'IMAGE_UNSUPPORTED_FORMAT');
	rejected('PDF', APPLICANTS.pdf, 'IMAGE_UNSUPPORTED_FORMAT');
	rejected('photo of a screen (fails liveness)', APPLICANTS.spoof, 6015, { reachesArgos: true });

	step('a variant with Multiple Files on: two files -> the rejection ending naming both, nothing enrolled', get, async () => {
		const n8n = get();
		if (!n8n.ready) throw new Error('n8n did not start');
		state.multi = await activateForm(n8n, ctx.sandbox, { suffix: 'multi', multipleFiles: true }, state.typeVersions);
		const form = await openForm(state.multi.formUrl);
		const selfie = form.controls.find((c) => c.id === form.labels.Selfie);
		assert.ok('multiple' in selfie.attrs, 'the variant must allow several files');
		const addsBefore = sandboxAdds(ctx.sandbox);
		const facesBefore = facesIn(ctx.sandbox, collectionId).length;
		const r = await submitForm(form, { Email: APPLICANTS.second.email, Selfie: [APPLICANTS.jpeg.file, APPLICANTS.second.file] });
		const seen = describeOutcome(r);
		assert.equal(r.sent.filter((s) => s.fileName).length, 2, `two files must be posted: ${seen}`);
		assert.equal(r.finalStatus, 'success', seen);
		assert.ok(r.ending, `no ending page: ${seen}`);
		assert.equal(r.ending.title, 'We could not enrol your selfie', `two files must not enrol one of them silently: ${seen}`);
		const { runData } = await executionRunData(n8n, r.executionId);
		const submitted = runData[state.multi.triggerName][0].data.main[0][0];
		assert.deepEqual(Object.keys(submitted.binary).sort(), ['Selfie_0', 'Selfie_1'], 'n8n names the two uploads');
		const out = argosOutputs(runData, state.multi.argosNodeName);
		assert.equal(out.success.length, 0);
		assert.equal(out.failed.length, 1);
		const error = out.failed[0].json.error;
		assert.match(`${error.message} ${error.description ?? ''}`, /Selfie_0/, `the error must name the candidates: ${JSON.stringify(error)}`);
		assert.match(`${error.message} ${error.description ?? ''}`, /Selfie_1/, `the error must name the candidates: ${JSON.stringify(error)}`);
		assert.ok(r.ending.message.startsWith(error.applicantMessage || error.message), `the page must show the node's applicant message: ${r.ending.message}`);
		assert.deepEqual(r.ending.links, [{ href: '/form/argos-faces-enrol', text: 'Send another photo' }], 'the rejection page leads back to the form');
		assert.equal(sandboxAdds(ctx.sandbox), addsBefore, 'no add request for an ambiguous submission');
		assert.equal(facesIn(ctx.sandbox, collectionId).length, facesBefore);
		log(`n8n ${version}: two files -> "${r.ending.title}": ${r.ending.message} (${error.code})`);
	});

	step('the same variant with one file (named Selfie_0) -> "Enrolled"', get, async () => {
		if (!state.multi) throw new Error('the multiple-files variant was not activated');
		const n8n = get();
		const form = await openForm(state.multi.formUrl);
		const r = await submitForm(form, { Email: APPLICANTS.second.email, Selfie: [APPLICANTS.second.file] });
		const seen = describeOutcome(r);
		assert.equal(r.finalStatus, 'success', seen);
		assert.equal(r.ending && r.ending.title, 'Enrolled', seen);
		const { runData } = await executionRunData(n8n, r.executionId);
		const out = argosOutputs(runData, state.multi.argosNodeName);
		assert.equal(out.success.length, 1, seen);
		const faceId = out.success[0].json.faceId;
		assert.ok(r.ending.message.includes(faceId), `the page should show ${faceId}: ${seen}`);
		assert.equal(facesIn(ctx.sandbox, collectionId).find((f) => f.faceId === faceId).faceKey, 'cameraman');
	});

	if (version.startsWith('2.') && process.env.ARGOS_E2E_SCREENSHOTS !== '0') {
		step('the form and both ending pages in Chromium (screenshots)', get, async () => {
			if (!state.single) throw new Error('the form workflow was not activated');
			const { takeFormScreenshots } = require('./screenshot');
			const outDir = path.join(runDir, 'screenshots');
			const shots = await takeFormScreenshots({
				formUrl: state.single.formUrl,
				outDir,
				enrol: APPLICANTS.jpeg,
				reject: APPLICANTS.pdf,
				log: (m) => log(`screenshot: ${m}`),
			});
			for (const f of Object.values(shots)) assert.ok(fs.statSync(f).size > 5_000, `${f} looks empty`);
			log(`form screenshots in ${outDir}`);
		});
	}
}

module.exports = { formSteps, activateForm, readExample, APPLICANTS, EXAMPLE_FILE };

// ---------- standalone: node test/e2e/form.js ----------
if (require.main === module) {
	const os = require('node:os');
	const { describe, it, before, after } = require('node:test');
	const { ensureInstalls, N8N_VERSIONS } = require('./install-n8n');
	const { buildAndPack, installLikeN8n } = require('./lib/package');
	const { N8nInstance } = require('./lib/n8n');
	const { stopAll } = require('./lib/proc');
	const { IMAGES_DIR } = require('./lib/workflows');

	const versions = (process.env.ARGOS_E2E_VERSIONS || N8N_VERSIONS.join(',')).split(',').map((v) => v.trim()).filter(Boolean);
	const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-e2e-form-'));
	const log = (m) => process.stderr.write(`[e2e-form ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
	const ctx = {};
	let failures = 0;
	const step = (name, inst, fn) =>
		it(name, async () => {
			try {
				await fn();
			} catch (err) {
				failures++;
				if (inst && inst()) err.message = `while ${name}: ${err.message}\n  n8n log kept at: ${inst().logFile}`;
				throw err;
			}
		});

	before(async () => {
		log(`run folder: ${runDir}`);
		ctx.installs = await ensureInstalls({ versions, log: (m) => log(`install: ${m}`) });
		ctx.pack = await buildAndPack(path.join(runDir, 'pack'), {
			logFile: path.join(runDir, 'build.log'),
			skipBuild: process.env.ARGOS_E2E_SKIP_BUILD === '1',
		});
		ctx.sandbox = await require(path.join(REPO, 'sandbox')).startSandbox();
	});
	after(async () => {
		if (ctx.sandbox) await ctx.sandbox.close();
		await stopAll();
		if (failures > 0 || process.env.ARGOS_E2E_KEEP === '1') log(`logs kept in ${runDir}`);
		else fs.rmSync(runDir, { recursive: true, force: true });
	});

	for (const version of versions) {
		describe(`n8n ${version}: the form onboarding example`, () => {
			let n8n;
			const get = () => n8n;
			before(async () => {
				n8n = await new N8nInstance({
					version,
					n8nBin: ctx.installs.n8n[version].bin,
					node: ctx.installs.node,
					workDir: fs.mkdtempSync(path.join(runDir, `n8n-${version}-`)),
					extraEnv: { N8N_RESTRICT_FILE_ACCESS_TO: IMAGES_DIR },
				}).init();
				await installLikeN8n(n8n.userFolder, ctx.pack.tgz, { env: n8n.env(), logFile: n8n.logFile });
				await n8n.start();
				await n8n.setupOwner();
				n8n.ready = true;
				log(`n8n ${version} on ${n8n.baseUrl}, log ${n8n.logFile}`);
			});
			after(async () => {
				if (n8n) await n8n.stop();
			});
			formSteps({ version, get, step, ctx, log, runDir });
		});
	}
}
