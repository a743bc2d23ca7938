#!/usr/bin/env node
'use strict';
/*
 * `npm run demo` (= npm run build && node scripts/demo.js): the project's main job, on the local sandbox.
 *
 *   1. starts the ARGOS sandbox (sandbox/) on a free loopback port, in memory;
 *   2. runs examples/onboarding.workflow.json through n8n-core's real engine, in this process
 *      (test/harness/engine.js): Manual Trigger → Read/Write Files from Disk → Argos Faces Add → Enrolled /
 *      Needs attention. The applicants are the files in examples/images/ plus one oversized photo generated here
 *      (nothing that large is committed); the workflow reads them from a scratch copy of that folder;
 *   3. prints who was enrolled (faceId, metaFaceId) and who needs attention (error code, message and what to do);
 *   4. searches the collection with a second selfie of an enrolled applicant (astronaut.webp, not part of the
 *      onboarding run) and prints the match;
 *   5. stops the sandbox, removes its scratch files and exits: 0 when every applicant ended where expected and the
 *      search found the enrolled face, 1 (with the reason) otherwise.
 *
 * Exit codes: 0 as expected, 1 unexpected outcome or error, 130 interrupted.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const { createOutput, paragraph, table, formatBytes } = require('./lib/demo-output');
const { writeOversizedPng } = require('./lib/demo-oversized-png');

const REPO = path.resolve(__dirname, '..');
const WORKFLOW_FILE = path.join(REPO, 'examples', 'onboarding.workflow.json');
const IMAGES_DIR = path.join(REPO, 'examples', 'images');
const BUILT_NODE = path.join(REPO, 'dist', 'nodes', 'ArgosFaces', 'ArgosFaces.node.js');
const NODE_TYPE = 'n8n-nodes-argos-faces.argosFaces';
const READ_TYPE = 'n8n-nodes-base.readWriteFile';
const CREDENTIAL_TYPE = 'argosFacesApi';
const OVERSIZED_FILE = 'oversized-photo.png';
const SEARCH_FILE = 'astronaut.webp';
const SEARCH_EXPECTS = 'astronaut.jpg'; // the enrolled selfie of the same person
/** Where each applicant file must end: 'enrolled', or the error code on the Failed output. */
const EXPECTED = {
	'astronaut.jpg': 'enrolled',
	'cameraman.jpg': 'enrolled',
	[OVERSIZED_FILE]: 'IMAGE_TOO_LARGE',
	'not-a-photo.pdf': 'IMAGE_UNSUPPORTED_FORMAT',
	'spoof-screen-photo.jpg': 6015,
};
const HARD_TIMEOUT_MS = 60_000;

const out = createOutput();
const { paint } = out;
const started = Date.now();
const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

class DemoFailure extends Error {}

// Everything the demo started, stopped in reverse order (also on failure and Ctrl+C).
const cleanups = [];
let cleaning = null;
function cleanup() {
	cleaning ??= (async () => {
		for (const fn of cleanups.reverse()) {
			try {
				await fn();
			} catch (error) {
				process.stderr.write(`demo: cleanup step failed: ${error.message}\n`);
			}
		}
	})();
	return cleaning;
}

function finish(code) {
	process.exitCode = code;
	return cleanup().then(() => {
		// Everything is closed, so Node exits by itself; this unref'd timer only fires if something still holds it.
		setTimeout(() => {
			process.stderr.write('demo: something kept the process alive after cleanup; exiting anyway\n');
			process.exit(code);
		}, 3000).unref();
	});
}

// `npm run demo | head`: the reader went away; stop what was started instead of crashing on EPIPE.
process.stdout.on('error', async (error) => {
	if (error.code !== 'EPIPE') throw error;
	await cleanup();
	process.stderr.write('demo: stdout was closed before the demo finished; stopped\n');
	process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.once(signal, async () => {
		process.stderr.write(`\ndemo: ${signal}, stopping the sandbox\n`);
		await cleanup();
		process.exit(130);
	});
}
setTimeout(() => {
	process.stderr.write(`demo: FAILED — still running after ${HARD_TIMEOUT_MS / 1000} s, giving up\n`);
	finish(1);
}, HARD_TIMEOUT_MS).unref();

function readWorkflow() {
	let workflow;
	try {
		workflow = JSON.parse(fs.readFileSync(WORKFLOW_FILE, 'utf8'));
	} catch (error) {
		throw new DemoFailure(`cannot read ${path.relative(REPO, WORKFLOW_FILE)}: ${error.message}`);
	}
	const argos = workflow.nodes.find((n) => n.type === NODE_TYPE);
	const read = workflow.nodes.find((n) => n.type === READ_TYPE);
	if (!argos || !read) throw new DemoFailure(`${path.relative(REPO, WORKFLOW_FILE)} needs a ${READ_TYPE} and a ${NODE_TYPE} node`);
	const branches = (workflow.connections[argos.name]?.main ?? []).map((targets) => targets?.[0]?.node);
	return {
		workflow,
		argos,
		read,
		collectionId: argos.parameters.collectionId,
		branchNames: [branches[0] ?? 'Success', branches[1] ?? 'Failed'],
	};
}

/** The applicant folder the workflow reads: examples/images/ copied, plus the generated oversized photo. */
function prepareApplicants(workDir) {
	const dir = path.join(workDir, 'examples', 'images');
	fs.mkdirSync(dir, { recursive: true });
	for (const name of fs.readdirSync(IMAGES_DIR)) {
		const from = path.join(IMAGES_DIR, name);
		if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(dir, name));
	}
	writeOversizedPng(path.join(dir, OVERSIZED_FILE));
	return dir;
}

/** Manual Trigger → Read/Write Files (one file) → Argos Faces Search, built like the onboarding workflow. */
function searchWorkflow({ collectionId, credentials, fileSelector }) {
	return {
		name: 'Argos Faces: search demo',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				name: 'Read Second Selfie',
				type: READ_TYPE,
				typeVersion: 1.1,
				position: [220, 0],
				parameters: { operation: 'read', fileSelector, options: {} },
			},
			{
				name: 'Search Face',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'face',
					operation: 'search',
					collectionId,
					requestName: "={{ 'demo search: ' + $json.fileName }}",
					imageSource: 'binary',
					binaryPropertyName: 'data',
					options: {},
				},
				credentials,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Read Second Selfie', type: 'main', index: 0 }]] },
			'Read Second Selfie': { main: [[{ node: 'Search Face', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function runFailure(label, run) {
	const error = run.error;
	const detail = error ? `${error.message}${error.description ? ` — ${error.description}` : ''}` : 'no error recorded';
	return new DemoFailure(`the ${label} run ended with status "${run.status}": ${detail}`);
}

async function main() {
	if (!fs.existsSync(BUILT_NODE)) {
		const missing = path.relative(REPO, BUILT_NODE);
		throw new DemoFailure(`the node is not built (${missing} is missing): run \`npm run demo\`, which builds first, or \`npm run build\``);
	}
	const { workflow, argos, read, collectionId, branchNames } = readWorkflow();

	out.write(); // after npm's and gulp's lines
	out.write(`${paint.bold('Argos Faces demo')}${paint.dim(" — the onboarding workflow in n8n's engine, on the local ARGOS sandbox")}`);
	out.write();
	const fact = (label, value) => out.write(`  ${paint.dim(label.padEnd(12))}${value}`);

	const { startSandbox } = require('../sandbox');
	const sandbox = await startSandbox({ host: '127.0.0.1', port: 0 });
	cleanups.push(() => sandbox.close());
	const collection = sandbox.state().collections.find((c) => c.id === collectionId);
	fact('sandbox', `${sandbox.url}  ${paint.dim(`(in memory, API key ${sandbox.apiKey})`)}`);

	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-faces-demo-'));
	cleanups.push(() => fs.rmSync(workDir, { recursive: true, force: true }));
	prepareApplicants(workDir);

	// n8n-core takes a few seconds to load; load it (and the built node) now, so the run times below are the runs'.
	const loading = Date.now();
	const engine = require('../test/harness/engine');
	cleanups.push(() => engine.shutdown());
	engine.modules();
	engine.loadPackage();
	const coreVersion = require(require.resolve('n8n-core/package.json', { paths: [REPO] })).version;
	fact('n8n engine', `n8n-core ${coreVersion} in this process  ${paint.dim(`(loaded in ${seconds(Date.now() - loading)})`)}`);
	fact('workflow', path.relative(REPO, WORKFLOW_FILE));
	fact('collection', `${collectionId}${collection ? paint.dim(`  (liveness check ${collection.liveness ? 'on' : 'off'})`) : ''}`);
	fact('applicants', `${read.parameters.fileSelector}  ${paint.dim(`+ ${OVERSIZED_FILE}, generated by the demo`)}`);
	out.write();
	const credentials = { [CREDENTIAL_TYPE]: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } };

	// 1. Onboarding: the committed workflow, unchanged; relative paths resolve in the scratch copy.
	const runOptions = { credentials, filesBaseDir: workDir, binaryMode: 'filesystem', timeoutMs: 30_000 };
	const onboarding = await engine.runWorkflow(workflow, runOptions);
	if (onboarding.status !== 'success') throw runFailure('onboarding', onboarding);
	const files = onboarding.outputs(read.name)[0] ?? [];
	const [success = [], failed = []] = onboarding.outputs(argos.name);
	const fileOf = (item) => files[item.pairedItem?.item ?? -1]?.json ?? {};
	const results = [
		...success.map((item) => ({ file: fileOf(item), ok: item.json })),
		...failed.map((item) => ({ file: fileOf(item), error: item.json.error })),
	].sort((a, b) => String(a.file.fileName).localeCompare(String(b.file.fileName)));

	out.write(
		`${paint.bold('Onboarding')}  ${files.length} applicants → ${argos.name} → ` +
			`${paint.green(`${branchNames[0]} ${success.length}`)}, ${paint.yellow(`${branchNames[1]} ${failed.length}`)}  ${paint.dim(`(${seconds(onboarding.durationMs)})`)}`,
	);
	out.write();
	const rows = results.map(({ file, ok, error }) => {
		const who = [
			{ text: ok ? ok.userName : String(file.fileName ?? '?').split('.')[0], style: paint.bold },
			{ text: String(file.fileName), style: paint.dim },
			{ text: formatBytes(fileBytes(workDir, file.fileName)), style: paint.dim },
		];
		if (ok) {
			const details = [`faceId      ${ok.faceId}`, `metaFaceId  ${ok.metaFaceId ?? '—'}`];
			if (ok.liveness?.score !== undefined) {
				details.push({ text: `liveness    ${ok.liveness.score} (threshold ${ok.liveness.threshold ?? '?'})`, style: paint.dim });
			}
			return [who, [{ text: `✓ ${branchNames[0]}`, style: paint.green }], details];
		}
		return [
			who,
			[{ text: `✗ ${branchNames[1]}`, style: paint.yellow }],
			[
				{ text: `error ${error.code}`, style: paint.bold },
				{ text: error.message },
				{ text: `→ ${error.description}`, hang: 2 },
			],
		];
	});
	const headers = ['APPLICANT', 'BRANCH', 'FACE ID  /  ERROR AND WHAT TO DO'];
	for (const line of table({ headers, rows, width: out.width, paint })) out.write(line);
	out.write();

	// 2. Search with the other selfie of an enrolled applicant.
	const search = await engine.runWorkflow(
		searchWorkflow({ collectionId, credentials: argos.credentials, fileSelector: `examples/images/${SEARCH_FILE}` }),
		runOptions,
	);
	if (search.status !== 'success') throw runFailure('search', search);
	const [found = [], searchFailed = []] = search.outputs('Search Face');
	const enrolledSame = success.find((item) => fileOf(item).fileName === SEARCH_EXPECTS)?.json;
	const searchBytes = fs.statSync(path.join(IMAGES_DIR, SEARCH_FILE)).size;
	out.write(`${paint.bold('Search')}  ${SEARCH_FILE} → Search Face in ${collectionId}  ${paint.dim(`(${seconds(search.durationMs)})`)}`);
	for (const line of paragraph(
		`${SEARCH_FILE} (${formatBytes(searchBytes)}) is another selfie of the applicant enrolled from ${SEARCH_EXPECTS}; it was not part of the onboarding run.`,
		{ width: out.width, style: paint.dim },
	)) {
		out.write(line);
	}
	out.write();
	const result = found[0]?.json;
	const best = result?.bestMatch;
	if (best) {
		const same = enrolledSame && best.faceId === enrolledSame.faceId;
		out.write(`  ${paint.green('✓ match')}   faceId      ${paint.bold(best.faceId)}`);
		out.write(`            userName    ${paint.bold(best.userName ?? '—')}`);
		out.write(`            similarity  ${paint.bold(best.similarity ?? '—')}${result.matches.length > 1 ? paint.dim(`  (best of ${result.matches.length} matches)`) : ''}`);
		if (same) out.write(paint.dim(`            = the faceId Add returned for ${SEARCH_EXPECTS}: the same person, found from another file`));
	} else if (result) {
		out.write(`  ${paint.yellow('✗ no match')}  matched: false`);
	} else {
		const error = searchFailed[0]?.json?.error;
		out.write(`  ${paint.red('✗ search failed')}  ${error ? `${error.code}: ${error.message}` : 'no item on either output'}`);
	}
	out.write();

	// What the sandbox saw: local checks never reach ARGOS.
	const requests = sandbox.requests();
	const adds = requests.filter((r) => r.path.endsWith('/faces') && r.method === 'POST');
	const searches = requests.filter((r) => r.path.endsWith('/search'));
	const localOnly = failed.filter((item) => item.json.error.httpStatus === null).map((item) => fileOf(item).fileName);
	const summary =
		`ARGOS requests: ${adds.length} add (${adds.filter((r) => r.status === 200).length} enrolled), ${searches.length} search.` +
		(localOnly.length ? ` Never sent: ${localOnly.join(', ')} — the node checks format and size before any request.` : '');
	for (const line of paragraph(summary, { width: out.width, style: paint.dim })) out.write(line);

	// Did the demo behave as expected?
	const problems = [];
	const byFile = new Map(results.map((r) => [r.file.fileName, r]));
	for (const [fileName, expected] of Object.entries(EXPECTED)) {
		const r = byFile.get(fileName);
		const got = !r ? 'not read by the workflow' : r.ok ? 'enrolled' : r.error.code;
		if (got === expected) continue;
		const wanted = expected === 'enrolled' ? 'to be enrolled' : `error ${expected}`;
		problems.push(`${fileName}: expected ${wanted}, got ${r && !r.ok ? `error ${got} (${r.error.message})` : got}`);
	}
	if (files.length !== success.length + failed.length) {
		problems.push(`${files.length} files read but ${success.length + failed.length} items came out of ${argos.name}`);
	}
	const branchItems = (name) => onboarding.outputs(name)[0]?.length ?? 0;
	if (branchItems(branchNames[0]) !== success.length || branchItems(branchNames[1]) !== failed.length) {
		problems.push(`the branch nodes "${branchNames[0]}" / "${branchNames[1]}" did not receive the Success / Failed items`);
	}
	if (!best) problems.push(`the search with ${SEARCH_FILE} found no match`);
	else if (!enrolledSame || best.faceId !== enrolledSame.faceId) {
		problems.push(`the search with ${SEARCH_FILE} matched ${best.faceId}, not the faceId enrolled for ${SEARCH_EXPECTS}`);
	}

	if (problems.length) {
		throw new DemoFailure(`the demo did not behave as expected:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
	}
}

function fileBytes(dir, name) {
	try {
		return fs.statSync(path.join(dir, 'examples', 'images', String(name))).size;
	} catch {
		return 0;
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
