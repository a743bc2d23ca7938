#!/usr/bin/env node
'use strict';
/*
 * `npm run demo` (= npm run build && node scripts/demo.js): the whole onboarding, on the local sandbox.
 *
 *   1. starts the ARGOS sandbox (sandbox/) on a free loopback port, in memory;
 *   2. runs examples/full-onboarding.workflow.json, unchanged, through n8n-core's real engine in this process
 *      (test/harness/engine.js): every applicant (a selfie and an ID photo in examples/images/applicants/) goes
 *      Face Liveness → Face Compare → ID Document → Add, and ends on Enrolled or on the Failed branch of the
 *      check that stopped them;
 *   3. prints where each applicant ended and why (the applicant-facing reason when the error has one), with the
 *      scores of the checks they passed;
 *   4. stops the sandbox and exits: 0 when every applicant ended where expected, 1 (with the reason) otherwise.
 *
 * Exit codes: 0 as expected, 1 unexpected outcome or error, 130 interrupted.
 */
const fs = require('fs');
const path = require('path');

const { createOutput, paragraph, table } = require('./lib/demo-output');
const { exampleStandins } = require('./lib/merge-standin');
const { readOnboarding, applicantOutcomes, formatPassed } = require('./lib/demo-onboarding');

const REPO = path.resolve(__dirname, '..');
const WORKFLOW_FILE = path.join(REPO, 'examples', 'full-onboarding.workflow.json');
const BUILT_NODE = path.join(REPO, 'dist', 'nodes', 'ArgosFaces', 'ArgosFaces.node.js');
const CREDENTIAL_TYPE = 'argosFacesApi';
/** Where each applicant must end: 'enrolled', or [the check that stops them, the error code]. */
const EXPECTED = {
	eileen: 'enrolled',
	carl: ['faceLiveness', 'LIVENESS_BELOW_THRESHOLD'],
	dana: ['faceCompare', 'FACES_DO_NOT_MATCH'],
	grace: ['idDocument', 'DOCUMENT_SUSPECTED'],
	henry: ['faceLiveness', 'IMAGE_UNSUPPORTED_FORMAT'],
};
const HARD_TIMEOUT_MS = 60_000;

const { demoLifecycle } = require('./lib/demo-lifecycle');

const out = createOutput();
const { paint } = out;
const started = Date.now();
const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

class DemoFailure extends Error {}

const { cleanups, cleanup, finish } = demoLifecycle({ timeoutMs: HARD_TIMEOUT_MS });

function runFailure(run) {
	const error = run.error;
	const detail = error ? `${error.message}${error.description ? ` — ${error.description}` : ''}` : 'no error recorded';
	return new DemoFailure(`the onboarding run ended with status "${run.status}": ${detail}`);
}

async function main() {
	if (!fs.existsSync(BUILT_NODE)) {
		const missing = path.relative(REPO, BUILT_NODE);
		throw new DemoFailure(`the node is not built (${missing} is missing): run \`npm run demo\`, which builds first, or \`npm run build\``);
	}
	let onboarding;
	try {
		onboarding = readOnboarding(JSON.parse(fs.readFileSync(WORKFLOW_FILE, 'utf8')));
	} catch (error) {
		throw new DemoFailure(`cannot use ${path.relative(REPO, WORKFLOW_FILE)}: ${error.message}`);
	}
	const { workflow, checks, selfieSelector } = onboarding;

	out.write(); // after npm's and gulp's lines
	out.write(`${paint.bold('Argos Faces demo')}${paint.dim(" — the whole onboarding in n8n's engine, on the local ARGOS sandbox")}`);
	out.write();
	const fact = (label, value) => out.write(`  ${paint.dim(label.padEnd(12))}${value}`);

	const { startSandbox } = require('../sandbox');
	const sandbox = await startSandbox({ host: '127.0.0.1', port: 0 });
	cleanups.push(() => sandbox.close());
	fact('sandbox', `${sandbox.url}  ${paint.dim(`(in memory, API key ${sandbox.apiKey})`)}`);

	// n8n-core takes a few seconds to load; load it (and the built node) now, so the run time below is the run's.
	const loading = Date.now();
	const engine = require('../test/harness/engine');
	cleanups.push(() => engine.shutdown());
	engine.modules();
	engine.loadPackage();
	const coreVersion = require(require.resolve('n8n-core/package.json', { paths: [REPO] })).version;
	fact('n8n engine', `n8n-core ${coreVersion} in this process  ${paint.dim(`(loaded in ${seconds(Date.now() - loading)})`)}`);
	fact('workflow', path.relative(REPO, WORKFLOW_FILE));
	fact('applicants', `${selfieSelector}  ${paint.dim('(each with <name>-id.jpg next to it)')}`);
	out.write();

	const run = await engine.runWorkflow(workflow, {
		credentials: { [CREDENTIAL_TYPE]: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } },
		filesBaseDir: REPO,
		binaryMode: 'filesystem',
		extraNodeTypes: exampleStandins(engine),
		timeoutMs: 30_000,
	});
	if (run.status !== 'success') throw runFailure(run);
	const folder = path.join(REPO, path.dirname(selfieSelector));
	const listFiles = (name) => fs.readdirSync(folder).filter((f) => f.startsWith(`${name}-`)).sort((a, b) => b.localeCompare(a));
	const applicants = applicantOutcomes(onboarding, run, { listFiles });
	const enrolled = applicants.filter((a) => a.enrolled).length;

	out.write(
		`${paint.bold('Onboarding')}  ${applicants.length} applicants → ${checks.map((c) => c.name).join(' → ')}  ` +
			`${paint.dim(`(${seconds(run.durationMs)})`)}`,
	);
	out.write(`  ${paint.green(`${enrolled} enrolled`)}, ${paint.yellow(`${applicants.length - enrolled} stopped`)}`);
	out.write();
	const rows = applicants.map((a) => {
		const who = [{ text: a.name, style: paint.bold }, ...a.files.map((f) => ({ text: f, style: paint.dim }))];
		const passed = a.passed.map((p) => ({ text: `✓ ${formatPassed(p)}`, style: paint.dim, hang: 2 }));
		if (a.enrolled) {
			return [
				who,
				[{ text: `✓ ${a.endedAt}`, style: paint.green }],
				[`faceId      ${a.result.faceId}`, `metaFaceId  ${a.result.metaFaceId ?? '—'}`, ...passed],
			];
		}
		const e = a.error;
		const reason = e.applicantMessage ?? e.message;
		return [
			who,
			[{ text: `✗ ${a.endedAt}`, style: paint.yellow }, { text: `  at ${a.stoppedBy}`, style: paint.dim }],
			[
				{ text: `${e.code}${e.httpStatus === null ? '    (nothing sent)' : ''}`, style: paint.bold },
				{ text: `“${reason}”`, hang: 1 },
				...(reason !== e.message ? [{ text: e.message, style: paint.dim }] : []),
				...passed,
			],
		];
	});
	const headers = ['APPLICANT', 'ENDED AT', 'WHY  (stopped: the reason for the applicant; ✓ checks passed)'];
	for (const line of table({ headers, rows, width: out.width, paint })) out.write(line);
	out.write();

	// What the sandbox saw: local checks never reach ARGOS.
	const requests = sandbox.requests();
	const count = (suffix) => requests.filter((r) => r.method === 'POST' && r.path === `/modules/${suffix}`).length;
	const summary =
		`ARGOS requests: ${count('liveness')} liveness, ${count('compare')} compare, ${count('document')} document, ${count('faces')} add.` +
		' Each check is only asked for the applicants who passed the one before.';
	for (const line of paragraph(summary, { width: out.width, style: paint.dim })) out.write(line);

	// Did the demo behave as expected?
	const problems = [];
	const byName = new Map(applicants.map((a) => [a.name, a]));
	for (const [name, expected] of Object.entries(EXPECTED)) {
		const a = byName.get(name);
		if (!a) {
			problems.push(`${name}: not read by the workflow`);
			continue;
		}
		const got = a.enrolled ? 'enrolled' : `${a.stoppedByResource} ${a.error.code}`;
		const want = expected === 'enrolled' ? 'enrolled' : expected.join(' ');
		if (got !== want) problems.push(`${name}: expected ${want}, got ${got}${a.error ? ` (${a.error.message})` : ''}`);
	}
	for (const a of applicants) if (!(a.name in EXPECTED)) problems.push(`${a.name}: an applicant the demo does not know`);
	if (problems.length) {
		throw new DemoFailure(`the demo did not behave as expected:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
	}
}

main().then(
	async () => {
		await cleanup();
		out.write();
		const done = `Done in ${seconds(Date.now() - started)}; sandbox stopped. To run the workflow in your own n8n: examples/README.md`;
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
