'use strict';
/*
 * e2e steps for the verify checks (Face Liveness → Check, Face Compare → Compare, ID Document → Check Liveness)
 * in real n8n, hooked into run.js's per-version suite with `verifySteps(...)`:
 *
 *   - one workflow with three production webhooks, one per check; each receives a multipart upload with two
 *     files, `selfie` and `idPhoto` (n8n names each binary after its form field), runs its check and answers
 *     200 with the Success item or 422 with the Failed item;
 *   - per check one applicant who passes and one who does not (examples/images/applicants/), and the sandbox's
 *     request log shows that the check received exactly the uploaded file(s);
 *   - the same three checks with Image Source → URL, the images served by a loopback HTTP server started here,
 *     when the packed node offers that source (it arrives with the `image` branch); without it those steps are
 *     reported as skipped, saying why.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const crypto = require('node:crypto');
const assert = require('node:assert/strict');
const { after } = require('node:test');

const { REPO } = require('./lib/package');
const { parseRawOutput } = require('./lib/n8n');

const NODE_TYPE = 'n8n-nodes-argos-faces.argosFaces';
const CRED_TYPE = 'argosFacesApi';
const APPLICANTS = path.join(REPO, 'examples', 'images', 'applicants');
const FULL_ONBOARDING = path.join(REPO, 'examples', 'full-onboarding.workflow.json');
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const file = (name) => path.join(APPLICANTS, name);

/** Per check: its node parameters (binary source), who passes, who fails and with which code. */
const CHECKS = {
	liveness: {
		parameters: { resource: 'faceLiveness', operation: 'check', imageSource: 'binary', binaryPropertyName: 'selfie', options: {} },
		path: '/modules/liveness',
		pass: 'eileen',
		fail: ['carl', 'LIVENESS_BELOW_THRESHOLD'],
		images: ['selfie'],
		sent: (a) => ({ faceImage: a.selfie }),
	},
	compare: {
		parameters: {
			resource: 'faceCompare',
			operation: 'compare',
			imageSource: 'binary',
			binaryPropertyName: 'selfie',
			targetImageSource: 'binary',
			targetBinaryPropertyName: 'idPhoto',
			options: {},
		},
		path: '/modules/compare',
		pass: 'eileen',
		fail: ['dana', 'FACES_DO_NOT_MATCH'],
		images: ['selfie', 'idPhoto'],
		sent: (a) => ({ originFace: a.selfie, targetFace: a.idPhoto }),
	},
	document: {
		parameters: { resource: 'idDocument', operation: 'checkLiveness', imageSource: 'binary', binaryPropertyName: 'idPhoto', options: {} },
		path: '/modules/document',
		pass: 'eileen',
		fail: ['grace', 'DOCUMENT_SUSPECTED'],
		images: ['idPhoto'],
		sent: (a) => ({ idImage: a.idPhoto }),
	},
};

function applicant(name) {
	const selfie = fs.readFileSync(file(`${name}-selfie.jpg`));
	const idPhoto = fs.readFileSync(file(`${name}-id.jpg`));
	return { name, files: { selfie, idPhoto }, selfie: sha256(selfie), idPhoto: sha256(idPhoto) };
}

/** Webhook (one per check) → the check → Respond 200 (Success) / 422 (Failed). */
function verifyWorkflow({ name, paths, credential, parametersFor, checks = Object.keys(CHECKS) }) {
	const nodes = [];
	const connections = {};
	const respond = (nodeName, code, y) => ({
		id: crypto.randomUUID(),
		name: nodeName,
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.1,
		position: [560, y],
		parameters: { respondWith: 'firstIncomingItem', options: { responseCode: code } },
	});
	checks.forEach((check, i) => {
		const hook = `Upload (${check})`;
		const argos = `Argos ${check}`;
		nodes.push(
			{
				id: crypto.randomUUID(),
				name: hook,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, i * 200],
				webhookId: crypto.randomUUID(),
				parameters: { httpMethod: 'POST', path: paths[check], responseMode: 'responseNode', options: {} },
			},
			{
				id: crypto.randomUUID(),
				name: argos,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [280, i * 200],
				parameters: parametersFor(check),
				credentials: { [CRED_TYPE]: { id: credential.id, name: credential.name } },
			},
		);
		connections[hook] = { main: [[{ node: argos, type: 'main', index: 0 }]] };
		connections[argos] = {
			main: [[{ node: 'Respond Passed', type: 'main', index: 0 }], [{ node: 'Respond Failed', type: 'main', index: 0 }]],
		};
	});
	nodes.push(respond('Respond Passed', 200, 100), respond('Respond Failed', 422, 300));
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** A loopback HTTP server for the URL source: GET /<file name> from examples/images/applicants/. */
async function startImageHost() {
	const requests = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, headers: req.headers });
		const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
		if (!/^[a-z]+-(selfie|id)\.jpg$/.test(name)) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			return;
		}
		const body = fs.readFileSync(file(name));
		res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}

/**
 * The URL parameter of each image of a check, read from the node type n8n serves (so the steps follow the node's
 * own names): { source, url } per image, or null when the node has no URL source for this resource.
 */
function urlParameters(nodeType, resource, operation) {
	const props = nodeType.properties ?? [];
	// by operation too: ID Document has Check Liveness and Read (OCR), each with its own image parameters
	const shown = (p) =>
		(p.displayOptions?.show?.resource ?? []).includes(resource) &&
		(!operation || !p.displayOptions?.show?.operation || p.displayOptions.show.operation.includes(operation));
	const pairs = [];
	for (const p of props) {
		if (!shown(p) || p.type !== 'options' || !/ImageSource$|^imageSource$/.test(p.name)) continue;
		if (!(p.options ?? []).some((o) => o.value === 'url')) return null;
		const url = props.find((q) => shown(q) && q.displayOptions?.show?.[p.name]?.includes('url') && q.type === 'string');
		if (!url) return null;
		pairs.push({ source: p.name, url: url.name });
	}
	return pairs.length ? pairs : null;
}

function multipart(a) {
	const fd = new FormData();
	fd.append('selfie', new Blob([a.files.selfie], { type: 'image/jpeg' }), `${a.name}-selfie.jpg`);
	fd.append('idPhoto', new Blob([a.files.idPhoto], { type: 'image/jpeg' }), `${a.name}-id.jpg`);
	return fd;
}

/** The images a check request carried (field → sha256), from the sandbox's request log. */
function sentImages(entry) {
	return Object.fromEntries(Object.entries(entry.body?.images ?? {}).map(([field, img]) => [field, img && img.sha256]));
}

/**
 * Registers the verify steps in the calling describe() of run.js.
 * @param {{ step: Function, get: () => any, ctx: { sandbox: any }, version: string, log: Function }} hooks
 */
function verifySteps({ step, get, ctx, version, log }) {
	const tag = version.replace(/\./g, '-');
	const state = { binaryPaths: null, urlPaths: null, urlSkip: {}, host: null };

	async function saveCredential(n8n, name) {
		const saved = await n8n.restOk('POST', '/rest/credentials', {
			name,
			type: CRED_TYPE,
			data: { apiKey: ctx.sandbox.apiKey, baseUrl: ctx.sandbox.url },
		});
		assert.ok(saved && saved.id, `no id in the saved credential: ${JSON.stringify(saved).slice(0, 300)}`);
		return saved;
	}

	async function activate(n8n, workflow) {
		const w = await n8n.api('POST', '/workflows', workflow);
		await n8n.api('POST', `/workflows/${w.id}/activate`);
		return w.id;
	}

	/** Calls one check's webhook for one applicant and checks the answer and what reached the sandbox. */
	async function callCheck(n8n, paths, check, who, { init, expectCode }) {
		const spec = CHECKS[check];
		const a = applicant(who);
		const before = ctx.sandbox.requests().length;
		const res = await n8n.callWebhook(paths[check], init(a));
		const item = Array.isArray(res.json) ? res.json[0] : res.json;
		const detail = item && typeof item === 'object' ? JSON.stringify(item.error ?? item).slice(0, 800) : res.text.slice(0, 500);
		const calls = ctx.sandbox.requests().slice(before).filter((r) => r.path === spec.path);
		if (expectCode) {
			assert.equal(res.status, 422, `${check} of ${who}: webhook answered ${res.status}: ${detail}`);
			assert.equal(item?.error?.code, expectCode, `${check} of ${who}: ${detail}`);
			assert.equal(item.error.httpStatus, 200, 'a check that ran and did not pass carries ARGOS\'s 200');
			assert.ok(typeof item.error.description === 'string' && item.error.description.length > 20, 'error.description missing');
		} else {
			assert.equal(res.status, 200, `${check} of ${who}: webhook answered ${res.status}: ${detail}`);
			assert.equal(item?.passed, true, `${check} of ${who}: ${detail}`);
		}
		assert.equal(calls.length, 1, `${check} of ${who}: the sandbox saw ${calls.length} ${spec.path} requests`);
		assert.deepEqual(sentImages(calls[0]), spec.sent(a), `${check} of ${who}: the sandbox did not receive the uploaded file(s)`);
		assert.doesNotMatch(res.text, new RegExp(ctx.sandbox.apiKey), 'the API key is in the webhook answer');
		return item;
	}

	step('verify checks: activating a webhook workflow per check (two files: selfie + idPhoto)', get, async () => {
		const n8n = get();
		if (!n8n.ready) throw new Error('n8n did not start');
		const credential = await saveCredential(n8n, 'Argos Faces sandbox (verify)');
		const paths = Object.fromEntries(Object.keys(CHECKS).map((c) => [c, `argos-verify-${c}-${tag}`]));
		await activate(n8n, verifyWorkflow({ name: 'Argos Faces verify (e2e, files)', paths, credential, parametersFor: (c) => CHECKS[c].parameters }));
		state.binaryPaths = paths;
	});

	for (const check of Object.keys(CHECKS)) {
		const { pass, fail } = CHECKS[check];
		step(`verify checks: ${check} from a two-file webhook -> Success (${pass}) and Failed ${fail[1]} (${fail[0]})`, get, async () => {
			if (!state.binaryPaths) throw new Error('the verify webhook workflow was not activated');
			const n8n = get();
			const init = (a) => ({ method: 'POST', body: () => multipart(a) });
			const ok = await callCheck(n8n, state.binaryPaths, check, pass, { init });
			const no = await callCheck(n8n, state.binaryPaths, check, fail[0], { init, expectCode: fail[1] });
			log(`n8n ${version}: ${check} (files): ${pass} passed ${JSON.stringify(summary(ok))}, ${fail[0]} failed ${no.error.code}`);
		});
	}

	step('verify checks: activating the same checks with Image Source -> URL (loopback image host)', get, async (t) => {
		const n8n = get();
		if (!n8n.ready || !n8n.types) throw new Error('n8n did not start or did not serve the node type');
		const names = {};
		for (const check of Object.keys(CHECKS)) {
			const found = urlParameters(n8n.types.node, CHECKS[check].parameters.resource, CHECKS[check].parameters.operation);
			if (found) names[check] = found;
			else state.urlSkip[check] = `the packed node has no Image Source -> URL for every image of ${CHECKS[check].parameters.resource} (the URL source comes with the image branch)`;
		}
		const checks = Object.keys(names);
		if (checks.length === 0) {
			t.skip('the packed node has no Image Source -> URL (it comes with the image branch)');
			return;
		}
		state.host = await startImageHost();
		const credential = await saveCredential(n8n, 'Argos Faces sandbox (verify, URL)');
		const paths = Object.fromEntries(checks.map((c) => [c, `argos-verify-url-${c}-${tag}`]));
		// Each image parameter gets a URL from the JSON body: the selfie and the ID photo, in the order of the binary set-up.
		const parametersFor = (check) => {
			const p = { ...CHECKS[check].parameters };
			const fields = [p.binaryPropertyName, p.targetBinaryPropertyName].filter(Boolean);
			names[check].forEach(({ source, url }, i) => {
				p[source] = 'url';
				p[url] = `={{ $json.body.${fields[i]}Url }}`;
			});
			return p;
		};
		await activate(n8n, verifyWorkflow({ name: 'Argos Faces verify (e2e, URLs)', paths, credential, parametersFor, checks }));
		state.urlPaths = paths;
	});

	for (const check of Object.keys(CHECKS)) {
		const { pass, fail } = CHECKS[check];
		step(`verify checks: ${check} from image URLs on loopback -> Success (${pass}) and Failed ${fail[1]} (${fail[0]})`, get, async (t) => {
			if (state.urlSkip[check]) {
				t.skip(state.urlSkip[check]);
				return;
			}
			if (!state.urlPaths) throw new Error('the URL workflow was not activated');
			const n8n = get();
			const init = (a) => ({
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ selfieUrl: `${state.host.url}/${a.name}-selfie.jpg`, idPhotoUrl: `${state.host.url}/${a.name}-id.jpg` }),
			});
			const seen = state.host.requests.length;
			const ok = await callCheck(n8n, state.urlPaths, check, pass, { init });
			const no = await callCheck(n8n, state.urlPaths, check, fail[0], { init, expectCode: fail[1] });
			const fetched = state.host.requests.slice(seen).map((r) => r.url);
			const wanted = (who) => CHECKS[check].images.map((i) => `/${who}-${i === 'selfie' ? 'selfie' : 'id'}.jpg`);
			assert.deepEqual(fetched.sort(), [...wanted(pass), ...wanted(fail[0])].sort(), 'the image host did not serve exactly the images of the check');
			for (const r of state.host.requests) assert.equal(r.headers['x-api-key'], undefined, 'the ARGOS key was sent to the image host');
			log(`n8n ${version}: ${check} (URLs): ${pass} passed ${JSON.stringify(summary(ok))}, ${fail[0]} failed ${no.error.code}`);
		});
	}

	// Stopped when this version's suite ends, also after a failure.
	after(async () => {
		if (state.host) await state.host.close();
		state.host = null;
	});
}

/** Where each applicant of examples/full-onboarding.workflow.json ends: node → [file name, error code] per item. */
const FULL_ONBOARDING_ENDS = {
	Enrolled: [['eileen', undefined]],
	'Liveness Check Failed': [
		['carl-selfie.jpg', 'LIVENESS_BELOW_THRESHOLD'],
		['henry-selfie.pdf', 'IMAGE_UNSUPPORTED_FORMAT'],
	],
	'Face Compare Failed': [['dana-selfie.jpg', 'FACES_DO_NOT_MATCH']],
	'ID Document Check Failed': [['grace-selfie.jpg', 'DOCUMENT_SUSPECTED']],
};

/**
 * Registers, in run.js's per-version suite (before `n8n start`: the CLI and the server share the user folder),
 * a CLI run of examples/full-onboarding.workflow.json as committed — real Read/Write Files, real Merge, the
 * four Argos Faces nodes and its credential reference — with only its relative file paths made absolute.
 */
/**
 * Imports examples/full-onboarding.workflow.json as committed into an n8n (CLI), with its file paths made
 * absolute and its credential pointing at the sandbox. Returns the workflow.
 */
async function importFullOnboarding(n8n, sandbox, file = FULL_ONBOARDING) {
	const workflow = JSON.parse(fs.readFileSync(file, 'utf8').split('examples/images/applicants/').join(`${APPLICANTS}/`));
	const reference = workflow.nodes.find((n) => n.type === NODE_TYPE).credentials[CRED_TYPE];
	const credFile = path.join(n8n.workDir, 'full-onboarding.credentials.json');
	const data = { apiKey: sandbox.apiKey, baseUrl: sandbox.url };
	fs.writeFileSync(credFile, JSON.stringify([{ id: reference.id, name: reference.name, type: CRED_TYPE, data }]));
	await n8n.cliOk(['import:credentials', `--input=${credFile}`]);
	const wfFile = path.join(n8n.workDir, 'full-onboarding.workflow.json');
	fs.writeFileSync(wfFile, JSON.stringify(workflow));
	await n8n.cliOk(['import:workflow', `--input=${wfFile}`]);
	return workflow;
}

function fullOnboardingStep({ step, get, ctx, version, log }) {
	step('running examples/full-onboarding.workflow.json with the CLI (Read/Write Files, Merge, four Argos Faces nodes in one line)', get, async () => {
		const n8n = get();
		const workflow = await importFullOnboarding(n8n, ctx.sandbox);

		const before = ctx.sandbox.requests().length;
		const r = await n8n.cliOk(['execute', `--id=${workflow.id}`, '--rawOutput'], { timeoutMs: 240_000 });
		const run = parseRawOutput(r.stdout);
		assert.ok(!run.data.resultData.error, `the execution failed: ${JSON.stringify(run.data.resultData.error)}`);
		const runData = run.data.resultData.runData;
		const ended = {};
		for (const node of Object.keys(FULL_ONBOARDING_ENDS)) {
			const items = runData[node]?.[0]?.data?.main?.[0] ?? [];
			// A Failed item keeps the files it came with (the checks pass them on): the selfie names the applicant.
			ended[node] = items.map((i) => [i.json.error ? i.binary?.selfie?.fileName : i.json.userName, i.json.error?.code]);
		}
		assert.deepEqual(ended, FULL_ONBOARDING_ENDS, `where the applicants ended (nodes that ran: ${Object.keys(runData).join(', ')})`);
		assert.equal(runData['Enrolment Failed'], undefined, 'nobody should end on Enrolment Failed');
		const posts = ctx.sandbox.requests().slice(before).filter((q) => q.method === 'POST');
		const count = (p) => posts.filter((q) => q.path === p).length;
		assert.deepEqual(
			[count('/modules/liveness'), count('/modules/compare'), count('/modules/document'), count('/modules/faces')],
			[4, 3, 2, 1],
			'liveness, compare, document and add requests',
		);
		// Every compare request carried a selfie and the ID of the same person (Merge paired them, the checks passed them on).
		for (const q of posts.filter((p) => p.path === '/modules/compare')) {
			const sent = sentImages(q);
			const who = ['dana', 'eileen', 'grace'].find((n) => applicant(n).selfie === sent.originFace);
			assert.ok(who && applicant(who).idPhoto === sent.targetFace, `a compare request paired files of different applicants: ${JSON.stringify(sent)}`);
		}
		log(`n8n ${version}: full onboarding (CLI): ${JSON.stringify(ended)}`);
	});
}

const summary = (o) => ({ score: o.score, similarity: o.similarity, scores: o.scores, threshold: o.threshold });

module.exports = { verifySteps, fullOnboardingStep, importFullOnboarding, verifyWorkflow, urlParameters, startImageHost, CHECKS };
