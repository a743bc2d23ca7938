'use strict';
/*
 * Workflows for the in-process n8n engine harness (test/harness/engine.js: n8n-core's real WorkflowExecute
 * with the BUILT package from dist/): Manual Trigger -> Fixture Items (binaries stored through
 * prepareBinaryData in the chosen binary mode) -> Argos Faces "Add" (or a No-Op, for the baseline).
 */
const path = require('node:path');
const { REPO, NODE_TYPE, NODE_NAME } = require('./common');

let engine;
/** The harness, loaded once (about 1.5 s for n8n-core). */
function getEngine() {
	engine = engine || require(path.join(REPO, 'test', 'harness', 'engine'));
	return engine;
}

/** One fixture item per file: json.name = a unique user name, binary.data = the file. */
function fixtureItems(files, prefix) {
	return files.map((file, i) => ({
		json: { name: `${prefix}-${String(i).padStart(4, '0')}` },
		binary: { data: { file, mimeType: 'image/jpeg' } },
	}));
}

/**
 * Start -> Items -> target. target 'argos' = Argos Faces Add with the given options; 'noop' = the baseline
 * (same items, a node that only passes them on). `between` inserts extra nodes (e.g. a marker) before the target.
 */
function workflow({ items, target = 'argos', collectionId, options = {}, between = [] }) {
	const chain = ['Start', 'Items', ...between.map((n) => n.name), target === 'argos' ? NODE_NAME : 'Baseline'];
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {}, position: [0, 0] },
		{ name: 'Items', type: 'argosTest.fixtureItems', parameters: { items }, position: [200, 0] },
		...between.map((n, i) => ({ position: [300 + i * 50, 0], parameters: {}, ...n })),
	];
	if (target === 'argos') {
		nodes.push({
			name: NODE_NAME,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [400, 0],
			parameters: {
				resource: 'face',
				operation: 'add',
				collectionId,
				userName: '={{ $json.name }}',
				imageSource: 'binary',
				binaryPropertyName: 'data',
				options,
			},
			credentials: { argosFacesApi: { id: 'bench-cred', name: 'Argos Faces (bench sandbox)' } },
		});
	} else {
		nodes.push({ name: 'Baseline', type: 'n8n-nodes-base.noOp', parameters: {}, position: [400, 0] });
	}
	const connections = {};
	for (let i = 0; i < chain.length - 1; i++) connections[chain[i]] = { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] };
	return { name: `bench ${target}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

/**
 * Copies package.json and dist/ to bench/.work/pkg and makes every later run (this process and the memory child
 * processes, through the environment) load the package from there: other people rebuild dist/ in this shared
 * tree (`npm run clean` deletes it first), and a benchmark must not load half a build.
 */
function snapshotPackage() {
	const fs = require('node:fs');
	const { WORK } = require('./common');
	const dest = path.join(WORK, 'pkg');
	fs.rmSync(dest, { recursive: true, force: true });
	fs.mkdirSync(dest, { recursive: true });
	fs.copyFileSync(path.join(REPO, 'package.json'), path.join(dest, 'package.json'));
	fs.cpSync(path.join(REPO, 'dist'), path.join(dest, 'dist'), { recursive: true });
	process.env.ARGOS_BENCH_PACKAGE_ROOT = dest;
	return dest;
}

/** Runs a workflow; returns the run plus the Argos/Baseline task's executionTime and output counts. */
async function run(wf, { sandbox, binaryMode = 'filesystem', timeoutMs = 300_000, extraNodeTypes } = {}) {
	const e = getEngine();
	const r = await e.runWorkflow(wf, {
		credentials: { argosFacesApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.url } },
		binaryMode,
		timeoutMs,
		extraNodeTypes,
		packageRoot: process.env.ARGOS_BENCH_PACKAGE_ROOT || REPO,
	});
	if (r.status !== 'success') throw new Error(`workflow ${wf.name} ended ${r.status}: ${r.error && r.error.message}`);
	const name = wf.nodes[wf.nodes.length - 1].name;
	const task = r.tasks(name)[0];
	const [success = [], failed = []] = r.outputs(name);
	return {
		run: r,
		/** n8n-core's own measure of the node's run (runNode start to end), ms. */
		nodeMs: task.executionTime,
		/** Wall time of the whole runWorkflow call (trigger, fixture items, target, harness bookkeeping), ms. */
		wallMs: r.durationMs,
		success: success.length,
		failed: failed.length,
		firstError: failed[0] && failed[0].json.error,
	};
}

module.exports = { getEngine, fixtureItems, workflow, run, snapshotPackage };
