#!/usr/bin/env node
'use strict';
/*
 * `npm run demo:idcheck` (= npm run build && node scripts/demo-idcheck.js): ARGOS ID Check → Face ID, on the
 * local sandbox, no setup.
 *
 *   1. starts the ARGOS sandbox (sandbox/) on a free loopback port, in memory, and a local receiver for its
 *      ID Check webhooks;
 *   2. runs examples/idcheck-enrol.workflow.json, unchanged, through n8n-core's real engine in this process
 *      (test/harness/engine.js), from its Manual Trigger: approved submissions → Get with the selfie → Face Add
 *      (User Name = submission ID, Skip If Already Enrolled) → Data table; then once more (nothing enrolled twice);
 *   3. runs the same file from its Form Trigger with the approved seed submission's ID: Data table → Delete face →
 *      ID Check Delete (Admin Name) → row removed;
 *   4. checks in the sandbox what happened (faces, submission status, the "delete" webhook) and prints it.
 *
 * The Data table node needs n8n's database, which n8n-core alone does not have: here it is an in-memory stand-in
 * (scripts/lib/idcheck-standins.js, as are Filter, If and the Form Trigger). The real Data table node runs the same
 * file in real n8n in the e2e suite (test/e2e/idcheck.js).
 *
 * Exit codes: 0 as expected, 1 unexpected outcome or error, 130 interrupted.
 */
const fs = require('fs');
const http = require('http');
const path = require('path');

const { createOutput, paragraph } = require('./lib/demo-output');
const { idcheckExampleStandins } = require('./lib/idcheck-standins');

const REPO = path.resolve(__dirname, '..');
const WORKFLOW_FILE = path.join(REPO, 'examples', 'idcheck-enrol.workflow.json');
const BUILT_NODE = path.join(REPO, 'dist', 'nodes', 'ArgosIdCheck', 'ArgosIdCheck.node.js');
const ENROL_TRIGGER = 'Enrol Approved Applicants';
const ERASE_TRIGGER = 'Erasure Request';
const HARD_TIMEOUT_MS = 90_000;

const { demoLifecycle } = require('./lib/demo-lifecycle');

const out = createOutput();
const { paint } = out;
const started = Date.now();
const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

class DemoFailure extends Error {}

const { cleanups, cleanup, finish } = demoLifecycle({ timeoutMs: HARD_TIMEOUT_MS });

/** A local endpoint for the sandbox's ID Check webhooks: answers 200 and keeps what it got. */
function startReceiver() {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			try {
				received.push(JSON.parse(body));
			} catch {
				received.push({ unparsed: body });
			}
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ url: `http://127.0.0.1:${server.address().port}/argos-idcheck-webhook`, received, close: () => new Promise((r) => server.close(r)) }),
		),
	);
}

const waitFor = async (fn, ms = 5000) => {
	for (const until = Date.now() + ms; ; ) {
		const v = fn();
		if (v || Date.now() > until) return v;
		await new Promise((r) => setTimeout(r, 50));
	}
};

async function main() {
	if (!fs.existsSync(BUILT_NODE)) {
		throw new DemoFailure(`the nodes are not built (${path.relative(REPO, BUILT_NODE)} is missing): run \`npm run demo:idcheck\`, which builds first`);
	}
	const workflow = JSON.parse(fs.readFileSync(WORKFLOW_FILE, 'utf8'));
	const problems = [];
	const expect = (ok, what) => {
		if (!ok) problems.push(what);
		return ok;
	};

	out.write();
	out.write(`${paint.bold('Argos ID Check demo')}${paint.dim(' — approved applicants enrolled, then one erased, in n8n\'s engine, on the local ARGOS sandbox')}`);
	out.write();
	const fact = (label, value) => out.write(`  ${paint.dim(label.padEnd(12))}${value}`);

	const { startSandbox } = require('../sandbox');
	const sandbox = await startSandbox({ host: '127.0.0.1', port: 0 });
	cleanups.push(() => sandbox.close());
	const receiver = await startReceiver();
	cleanups.push(() => receiver.close());
	sandbox.idcheck.setWebhookUrl(receiver.url);
	const ic = sandbox.idcheck;
	fact('sandbox', `${sandbox.url}  ${paint.dim(`(in memory; Face ID key ${sandbox.apiKey}, ID Check key ${ic.apiKey})`)}`);

	const loading = Date.now();
	const engine = require('../test/harness/engine');
	cleanups.push(() => engine.shutdown());
	engine.modules();
	engine.loadPackage();
	const coreVersion = require(require.resolve('n8n-core/package.json', { paths: [REPO] })).version;
	fact('n8n engine', `n8n-core ${coreVersion} in this process  ${paint.dim(`(loaded in ${seconds(Date.now() - loading)})`)}`);
	fact('workflow', path.relative(REPO, WORKFLOW_FILE));
	fact('data table', `${paint.yellow('in-memory stand-in')} ${paint.dim('(the real Data table node needs n8n\'s database; it runs this file in the e2e suite)')}`);
	out.write();

	const tables = new Map();
	let formAnswer = {};
	const credentials = {
		argosIdCheckApi: { apiKey: ic.apiKey, baseUrl: sandbox.url },
		argosFacesApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.url },
	};
	const run = async (startNode) => {
		const r = await engine.runWorkflow(workflow, {
			startNode,
			credentials,
			binaryMode: 'filesystem',
			extraNodeTypes: idcheckExampleStandins(engine, { tables, formAnswer: () => formAnswer }),
			timeoutMs: 30_000,
		});
		if (r.status !== 'success') {
			const e = r.error;
			throw new DemoFailure(`the run from "${startNode}" ended with status "${r.status}": ${e ? `${e.message}${e.description ? ` — ${e.description}` : ''}` : 'no error recorded'}`);
		}
		return r;
	};
	const items = (r, node, output = 0) => (r.outputs(node)[output] ?? []).map((i) => i.json);
	const facesInDemo = () => sandbox.state().collections.find((c) => c.id === 'col_demo').faces;
	const rows = () => [...tables.values()].flat();

	// ---- enrol
	const enrol = await run(ENROL_TRIGGER);
	const listed = items(enrol, 'Get Submissions');
	const approved = items(enrol, 'Approved Only');
	const enrolled = items(enrol, 'Enrol Face');
	out.write(`${paint.bold('1. Enrol')}  ${paint.dim(`from "${ENROL_TRIGGER}" (${seconds(enrol.durationMs)})`)}`);
	out.write(`  Get Submissions listed ${listed.length}: ${listed.map((s) => `${s.submissionId} ${paint.dim(s.status)}`).join(', ')}`);
	out.write(`  Approved Only kept ${approved.length}; Get Selfie downloaded the selfie of each (binary "selfie")`);
	for (const f of enrolled) out.write(`  ${paint.green('✓')} ${f.userName.padEnd(20)} → faceId ${paint.bold(f.faceId)} in ${f.collectionId}`);
	for (const f of items(enrol, 'Enrol Face', 1)) out.write(`  ${paint.yellow('✗')} ${f.submissionId} → ${f.error && f.error.code}: ${f.error && f.error.message}`);
	for (const n of ['Listing Submissions Failed', 'Getting Selfie Failed', 'Enrolment Failed']) expect(items(enrol, n).length === 0, `nothing should reach "${n}"`);
	out.write(`  Data table rows: ${rows().map((r) => `${r.submissionId} ↔ ${r.faceId}`).join(', ')}`);
	expect(approved.length >= 1 && approved.every((s) => s.status === 'approved'), 'Approved Only keeps approved submissions only');
	expect(enrolled.some((f) => f.userName === ic.approvedSubmissionId), `${ic.approvedSubmissionId} is enrolled`);
	const faceId = (enrolled.find((f) => f.userName === ic.approvedSubmissionId) || {}).faceId;
	const face = facesInDemo().find((f) => f.faceId === faceId);
	expect(face && face.userName === ic.approvedSubmissionId && face.faceKey === ic.approvedSelfieFaceKey, 'the sandbox holds the face, under the submission ID, from the approved selfie');
	expect(rows().length === enrolled.length, 'one Data table row per enrolled submission');

	// ---- again: Skip If Already Enrolled
	const facesBefore = facesInDemo().length;
	const again = await run(ENROL_TRIGGER);
	const againFaces = items(again, 'Enrol Face');
	const same = againFaces.every((f) => enrolled.some((e) => e.userName === f.userName && e.faceId === f.faceId));
	out.write();
	out.write(`${paint.bold('2. Enrol again')}  ${paint.dim(`(${seconds(again.durationMs)})`)}`);
	out.write(`  Skip If Already Enrolled: ${againFaces.length} submission(s), ${same ? 'the same faceIds' : paint.yellow('new faceIds')}; ` +
		`faces in col_demo ${facesBefore} → ${facesInDemo().length}; Data table rows ${rows().length} (upserted, not added)`);
	expect(same && facesInDemo().length === facesBefore && rows().length === enrolled.length, 'running again enrols nobody twice and adds no row');

	// ---- erase
	formAnswer = { 'Submission ID': ic.approvedSubmissionId };
	const erase = await run(ERASE_TRIGGER);
	const looked = items(erase, 'Look Up Face');
	const delFace = items(erase, 'Delete Face');
	const delSub = items(erase, 'Delete Submission');
	out.write();
	out.write(`${paint.bold('3. Erase')}  ${paint.dim(`from "${ERASE_TRIGGER}" with Submission ID ${ic.approvedSubmissionId} (${seconds(erase.durationMs)})`)}`);
	out.write(`  Look Up Face       → ${looked.map((r) => `faceId ${r.faceId}`).join(', ') || 'no row'}`);
	out.write(`  Delete Face        → ${delFace.map((d) => (d.deleted ? `deleted ${d.faceId}` : JSON.stringify(d))).join(', ') || 'not run'}`);
	out.write(`  Delete Submission  → ${delSub.map((d) => JSON.stringify(d).slice(0, 120)).join(', ') || 'not run'}`);
	out.write(`  Forget Row         → ${items(erase, 'Forget Row').filter((r) => r.submissionId).length} row(s) removed`);
	for (const n of ['Deleting Face Failed', 'Deleting Submission Failed']) expect(items(erase, n).length === 0, `nothing should reach "${n}"`);
	const gone = !facesInDemo().some((f) => f.faceId === faceId);
	const sub = ic.submission(ic.approvedSubmissionId);
	const delivery = await waitFor(() => receiver.received.find((p) => JSON.stringify(p).includes(ic.approvedSubmissionId) && /delete/i.test(JSON.stringify(p))));
	const left = rows().filter((r) => r.submissionId === ic.approvedSubmissionId).length;
	out.write();
	out.write(`${paint.bold('In the sandbox afterwards')}`);
	out.write(`  face ${faceId}: ${gone ? paint.green('gone from col_demo') : paint.red('still enrolled')}`);
	out.write(`  submission ${ic.approvedSubmissionId}: ${sub && sub.deleted ? paint.green(`deleted${sub.status ? ` (ARGOS keeps its status, ${sub.status})` : ''}`) : paint.red('not deleted')}` +
		`${sub && !sub.images.selfieImage ? paint.dim(' (images and personal data wiped)') : ''}`);
	out.write(`  "delete" webhook: ${delivery ? paint.green(`received by the local receiver`) + paint.dim(` (${JSON.stringify(delivery).slice(0, 100)}…)`) : paint.red('not received')}`);
	out.write(`  Data table: ${left === 0 ? paint.green('no row for it') : paint.red(`${left} row(s) left`)}; ${rows().length} other row(s) kept`);
	expect(gone, 'the face is deleted');
	expect(sub && sub.deleted === true, 'the submission is deleted');
	expect(!!delivery, 'the delete webhook is sent (Admin Name set)');
	expect(left === 0, 'the row is removed');
	if (problems.length) throw new DemoFailure(`the demo did not behave as expected:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

main().then(
	async () => {
		await cleanup();
		out.write();
		const done = `Done in ${seconds(Date.now() - started)}; sandbox stopped. The Data table was an in-memory stand-in here. To run the workflow in your own n8n: examples/README.md`;
		for (const line of paragraph(done, { width: out.width, style: paint.dim })) out.write(line);
		await finish(0);
	},
	async (error) => {
		await cleanup();
		const message = error instanceof DemoFailure ? error.message : error && error.stack ? error.stack : String(error);
		process.stderr.write(`\n${createOutput(process.stderr).paint.red('demo FAILED')}: ${message}\n`);
		await finish(1);
	},
);
