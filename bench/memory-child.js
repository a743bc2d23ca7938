'use strict';
/*
 * One memory measurement in a fresh process (bench/memory.js starts one per N, so peaks never mix):
 * Manual Trigger -> Fixture Items (N x 1 MB JPEG, stored by prepareBinaryData in the chosen binary mode)
 * -> Mark (a pass-through node that notes when the Argos phase starts) -> Argos Faces Add.
 * Prints one JSON line: process peak RSS (getrusage maxRSS), the RSS sampled every few ms in each phase,
 * and the outcome counts. The sandbox runs in another process (bench/lib/sandbox-child.js).
 *
 * Usage: node bench/memory-child.js '<json: { n, concurrency, files, sandbox: {url, apiKey}, collectionId, binaryMode }>'
 */
const v8 = require('node:v8');
const { fixtureItems, workflow, run } = require('./lib/engine');

const args = JSON.parse(process.argv[2]);
const SAMPLE_MS = 5;

const maxRss = () => process.resourceUsage().maxRSS * 1024;
const phases = { idle: 0, fixture: 0, node: 0 };
let phase = 'idle';
let samples = 0;
const sample = () => {
	const rss = process.memoryUsage.rss();
	if (rss > phases[phase]) phases[phase] = rss;
	samples++;
};

const mark = {
	description: {
		displayName: 'Mark',
		name: 'mark',
		group: ['transform'],
		version: 1,
		description: 'Notes the moment the next node starts (bench only)',
		defaults: { name: 'Mark' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute() {
		sample();
		marks.atMark = { rss: process.memoryUsage.rss(), maxRss: maxRss(), heapUsed: process.memoryUsage().heapUsed };
		phase = 'node';
		return [this.getInputData()];
	},
};
const marks = {};

async function main() {
	const sandbox = args.sandbox;
	const files = Array.from({ length: args.n }, (_, i) => args.files[i % args.files.length]);
	const wf = (items, prefix) =>
		workflow({
			items: fixtureItems(items, prefix),
			collectionId: args.collectionId,
			options: { concurrency: args.concurrency },
			between: [{ name: 'Mark', type: 'argosBench.mark' }],
		});
	const extraNodeTypes = { 'argosBench.mark': mark };

	const rssAtStart = process.memoryUsage.rss();
	// warm-up: loads n8n-core and the node (two items)
	await run(wf(files.slice(0, 2), `warm-${args.n}`), { sandbox, binaryMode: args.binaryMode, extraNodeTypes });
	const afterWarmUp = { rss: process.memoryUsage.rss(), maxRss: maxRss() };

	phase = 'fixture';
	const timer = setInterval(sample, SAMPLE_MS);
	const t0 = Date.now();
	const r = await run(wf(files, `mem-${args.n}`), { sandbox, binaryMode: args.binaryMode, extraNodeTypes });
	clearInterval(timer);
	sample();
	const heap = v8.getHeapStatistics();
	process.stdout.write(
		JSON.stringify({
			n: args.n,
			concurrency: args.concurrency,
			binaryMode: args.binaryMode,
			success: r.success,
			failed: r.failed,
			firstError: r.firstError,
			nodeMs: r.nodeMs,
			wallMs: Date.now() - t0,
			binaryFilesWritten: r.run.binaryFilesWritten,
			peakRss: maxRss(),
			rssAtStart,
			afterWarmUp,
			atArgosStart: marks.atMark,
			sampledPeak: { fixturePhase: phases.fixture, argosPhase: phases.node },
			samples,
			heapTotalAtEnd: heap.total_heap_size,
			externalAtEnd: process.memoryUsage().external,
		}) + '\n',
	);
	await require('./lib/engine').getEngine().shutdown();
}

main().catch((e) => {
	process.stderr.write(`${e.stack || e}\n`);
	process.exit(1);
});
