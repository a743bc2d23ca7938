#!/usr/bin/env node
'use strict';
/*
 * `npm run bench` (= npm run build && node bench/run.js): the performance benchmarks of the Argos Faces node.
 *
 *   node bench/run.js                     all six: scaling, overhead, memory, peer, queue, trigger
 *   node bench/run.js scaling memory      only those (the other sections of bench/results.json are kept)
 *   options: --reps=N (repetitions of every benchmark), --install (peer, trigger: install n8n 2.41.1 if missing, ~8 min),
 *            --wait-quiet=S (wait up to S seconds for the 1-minute load average to fall below the core count)
 *
 * Prints a table per benchmark and a summary, and writes bench/results.json. Every ratio is computed from
 * figures measured in the same run. All traffic stays on 127.0.0.1 (the sandbox and, for peer, n8n).
 * See bench/README.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { REPO, BENCH, WORK, log, startSandboxProcess, machineInfo, load, table, sleep, round } = require('./lib/common');
const { mergeSections } = require('./lib/results');

const BENCHMARKS = {
	scaling: require('./scaling'),
	overhead: require('./overhead'),
	memory: require('./memory'),
	peer: require('./peer'),
	queue: require('./queue'),
	trigger: require('./trigger'),
};
const RESULTS = path.join(BENCH, 'results.json');

function parseArgs(argv) {
	const o = { names: [], reps: undefined, install: false, waitQuiet: 0 };
	for (const a of argv) {
		if (a === '--install') o.install = true;
		else if (a.startsWith('--reps=')) o.reps = Number(a.slice(7));
		else if (a.startsWith('--wait-quiet=')) o.waitQuiet = Number(a.slice(13));
		else if (a === '--help' || a === '-h') o.help = true;
		else if (BENCHMARKS[a]) o.names.push(a);
		else throw new Error(`unknown argument "${a}" (benchmarks: ${Object.keys(BENCHMARKS).join(', ')})`);
	}
	if (!o.names.length) o.names = Object.keys(BENCHMARKS);
	return o;
}

function gitRev() {
	try {
		const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--', 'nodes', 'credentials'], { cwd: REPO, encoding: 'utf8' }).trim();
		return dirty ? `${rev} (+ uncommitted changes in nodes/ or credentials/)` : rev;
	} catch {
		return null;
	}
}

async function waitQuiet(seconds) {
	const cores = os.cpus().length;
	const until = Date.now() + seconds * 1000;
	while (load() >= cores && Date.now() < until) await sleep(5000);
}

/** A stale section's rows say so: its figures are from an earlier run; the attempts since have failed. */
function staleNote(section) {
	return section && section.stale ? ` (STALE: measured ${String(section.at).slice(0, 10)})` : '';
}

function summaryRows(results) {
	const rows = [];
	for (const name of Object.keys(BENCHMARKS)) {
		const b = results[name];
		if (b && b.failed) rows.push([name, 'FAILED', '', String(b.error).slice(0, 120)]);
	}
	const s = results.scaling && !results.scaling.failed && results.scaling;
	if (s) rows.push([`scaling: node time / ideal at C=8${staleNote(s)}`, s.ratioAtC8, '<= 1.2', s.met ? 'yes' : 'NO']);
	const o = results.overhead && !results.overhead.failed && results.overhead;
	if (o) rows.push([`overhead: node / bare loop throughput (C=${o.setup.concurrency})${staleNote(o)}`, o.ratioToBareLoop, '>= 0.5', o.met ? 'yes' : 'NO']);
	const m = results.memory && !results.memory.failed && results.memory;
	if (m) rows.push([`memory: peak RSS N=400 / N=100${staleNote(m)}`, m.peakGrowthRatio, '<= 1.25', m.met ? 'yes' : 'NO']);
	const p = results.peer && !results.peer.failed && results.peer;
	if (p && p.ran) {
		rows.push([`peer: wall Argos / Extract+HTTP${staleNote(p)}`, p.wallRatio, '<= 1', p.met.wall ? 'yes' : 'NO']);
		rows.push([`peer: peak RSS Argos / Extract+HTTP${staleNote(p)}`, p.peakRssRatio, '< 1', p.met.memory ? 'yes' : 'NO']);
	} else if (p) rows.push(['peer comparison', 'did not run', '', p.reason]);
	const q = results.queue && !results.queue.failed && results.queue;
	if (q && q.ran) {
		for (const [c, r] of Object.entries(q.byWorkerConcurrency || {})) {
			const headline = Number(c) === q.workerConcurrency;
			rows.push([`queue: items/s 2 workers / 1 worker (--concurrency=${c} each)${staleNote(q)}`, r.throughputRatio2v1, headline ? '>= 1.6' : '', headline ? (q.met ? 'yes' : 'NO') : 'info']);
		}
		if (q.overhead && q.overhead.perItemMs !== undefined) rows.push([`queue: round trip per item vs single process (ms)${staleNote(q)}`, `+${q.overhead.perItemMs}`, '', 'info']);
		if (q.workerKill) rows.push([`queue: duplicates after a worker kill, without / with Skip If Already Enrolled${staleNote(q)}`, `${q.workerKill.plain.duplicates} / ${q.workerKill.skip.duplicates}`, '- / 0', q.workerKill.skip.duplicates === 0 ? 'yes' : 'NO']);
	} else if (q) rows.push(['queue', 'did not run', '', q.reason]);
	const t = results.trigger && !results.trigger.failed && results.trigger;
	if (t && t.ran) {
		rows.push([`trigger: deliveries/s Argos ID Check Trigger / Webhook node (C=${t.setup.concurrency})${staleNote(t)}`, t.ratioToWebhookNode, '>= 0.9', t.met ? 'yes' : 'NO']);
		rows.push([`trigger: deliveries/s Confirm With ARGOS on / off${staleNote(t)}`, t.confirm.throughputRatioToConfirmOff, '', 'info']);
		if (t.diagnostic) rows.push([`trigger: deliveries/s trigger / Webhook node with Header Auth (diagnostic)${staleNote(t)}`, t.diagnostic.ratioToWebhookNodeWithCredential, '', 'info']);
	} else if (t) rows.push(['trigger', 'did not run', '', t.reason]);
	return rows;
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (opts.help) {
		process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0] + '*/\n');
		return;
	}
	fs.mkdirSync(WORK, { recursive: true });
	if (!fs.existsSync(path.join(REPO, 'dist', 'nodes', 'ArgosFaces', 'ArgosFaces.node.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
	if (opts.waitQuiet > 0) await waitQuiet(opts.waitQuiet);
	const snapshot = require('./lib/engine').snapshotPackage();
	log(`package loaded from a snapshot of dist/: ${path.relative(REPO, snapshot)}`);

	const started = Date.now();
	const previous = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
	const results = {};
	const machine = machineInfo();
	log(`benchmarks: ${opts.names.join(', ')}; ${machine.cores} cores, load ${load()}`);

	const sandbox = await startSandboxProcess();
	const printed = [];
	try {
		for (const name of opts.names) {
			const b = BENCHMARKS[name];
			const bOpts = { ...(opts.reps ? { reps: opts.reps } : {}), ...(name === 'peer' || name === 'trigger' ? { install: opts.install } : {}) };
			log(`--- ${name} ---`);
			const at = new Date().toISOString();
			try {
				results[name] = { at, ...(await b[name](sandbox, bOpts)) };
			} catch (error) {
				log(`${name} FAILED: ${error.stack || error}`);
				results[name] = { at, failed: true, error: String(error.message || error) };
				process.exitCode = 1;
				continue;
			}
			const text = `${name}\n${b.print(results[name])}`;
			printed.push(text);
			process.stdout.write(`\n${text}\n`);
		}
	} finally {
		await sandbox.close();
		if (opts.names.some((n) => n !== 'peer' && n !== 'queue' && n !== 'trigger')) await require('./lib/engine').getEngine().shutdown();
	}

	// sections not run this time are kept from an earlier run (each carries its own `at`); a section that
	// failed or could not run keeps its earlier figures, marked stale (lib/results.js)
	const out = {
		date: new Date().toISOString(),
		machine: { ...machine, loadavgAtEnd: os.loadavg().map((x) => round(x, 2)) },
		commit: gitRev(),
		...mergeSections(previous, results, Object.keys(BENCHMARKS)),
	};
	const rows = summaryRows(out);
	out.summary = rows.map(([metric, value, target, met]) => ({ metric, value, target, met }));
	fs.writeFileSync(RESULTS, JSON.stringify(out, null, 2) + '\n');
	const kept = Object.keys(BENCHMARKS).filter((k) => out[k] && !results[k]);
	const stale = Object.keys(BENCHMARKS).filter((k) => results[k] && out[k] && out[k].stale);
	const keptNote =
		(kept.length ? `; ${kept.join(', ')} kept from the run of ${previous.date}` : '') +
		(stale.length ? `; ${stale.join(', ')} produced no figures this time: earlier figures kept, marked stale` : '');
	process.stdout.write(`\nsummary (${((Date.now() - started) / 1000).toFixed(0)} s${keptNote})\n`);
	process.stdout.write(table(['metric', 'value', 'target', 'met'], rows) + '\n');
	process.stdout.write(`\nwritten: ${path.relative(process.cwd(), RESULTS)}\n`);
}

main().then(
	// nothing may keep the process alive after the results are written (a stray timer or socket would hang `npm run bench`)
	() => process.exit(process.exitCode || 0),
	(error) => {
		process.stderr.write(`${error.stack || error}\n`);
		process.exit(1);
	},
);
