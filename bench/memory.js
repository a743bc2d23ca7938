'use strict';
/*
 * 3. Memory flat in N. 1 MB JPEGs in filesystem binary mode, N = 100 and N = 400, concurrency 8, each run in
 * its own child process (bench/memory-child.js) so peaks never mix. Reported: peak RSS at 400 / peak RSS at 100,
 * where peak RSS is the child's getrusage maxRSS -- the whole process: n8n-core, the fixture node that stores
 * the N images, and the Argos Faces run. Nothing is subtracted. Shown beside it: the RSS sampled every 5 ms
 * during the Argos Faces phase alone, and the RSS at the moment the Argos phase started.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ensureImages, mb, round, load, log, table, median } = require('./lib/common');

const DEFAULTS = { sizes: [100, 400], concurrency: 8, imageBytes: 1048576, distinctImages: 40, reps: 2, binaryMode: 'filesystem', latencyMs: 50 };

function child(args) {
	return new Promise((resolve, reject) => {
		const p = spawn(process.execPath, [path.join(__dirname, 'memory-child.js'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		p.stdout.on('data', (d) => (out += d));
		p.on('error', reject);
		p.on('close', (code) => {
			if (code !== 0) return reject(new Error(`memory child (n=${args.n}) exited ${code}`));
			try {
				resolve(JSON.parse(out.trim().split('\n').pop()));
			} catch (e) {
				reject(new Error(`memory child output: ${out.slice(-500)}`));
			}
		});
	});
}

async function memory(sandbox, opts = {}) {
	const o = { ...DEFAULTS, ...opts };
	const { files } = ensureImages('1mb', o.distinctImages, o.imageBytes);
	// 1 MB is under the sandbox's 5 MB maxImageBytes and the node's 10 MB maxImageSizeMb: no limit to raise
	const started = Date.now();
	const loadBefore = load();
	const runs = {};
	for (let rep = 0; rep < o.reps; rep++) {
		// alternate the order so a drift of the machine does not favour one size
		const order = rep % 2 ? [...o.sizes].reverse() : o.sizes;
		for (const n of order) {
			await sandbox.reset({ latencyMs: o.latencyMs });
			const r = await child({ n, concurrency: o.concurrency, files, sandbox: { url: sandbox.url, apiKey: sandbox.apiKey }, collectionId: sandbox.collections.demo, binaryMode: o.binaryMode });
			const seen = await sandbox.requests();
			if (r.success !== n || seen.posts !== n + 2) throw new Error(`memory n=${n}: ${r.success} enrolled, ${r.failed} failed (${JSON.stringify(r.firstError)}); sandbox saw ${seen.posts} adds`);
			r.sandboxMaxInFlight = seen.maxInFlight;
			(runs[n] = runs[n] || []).push(r);
			log(`memory n=${n} rep ${rep + 1}/${o.reps}: peak RSS ${mb(r.peakRss)} MB (at Argos start ${mb(r.atArgosStart.rss)} MB, Argos-phase sampled peak ${mb(r.sampledPeak.argosPhase)} MB), node ${r.nodeMs} ms`);
		}
	}
	const [small, large] = o.sizes;
	const med = (n, f) => median(runs[n].map(f));
	const peak = (n) => med(n, (r) => r.peakRss);
	const argosPeak = (n) => med(n, (r) => r.sampledPeak.argosPhase);
	const growth = (n) => med(n, (r) => r.sampledPeak.argosPhase - r.atArgosStart.rss);
	const ratio = peak(large) / peak(small);
	return {
		peakGrowthRatio: round(ratio),
		target: 'peakGrowthRatio <= 1.25',
		met: ratio <= 1.25,
		argosPhasePeakRatio: round(argosPeak(large) / argosPeak(small)),
		peakRssMb: { [small]: mb(peak(small)), [large]: mb(peak(large)) },
		argosPhaseSampledPeakMb: { [small]: mb(argosPeak(small)), [large]: mb(argosPeak(large)) },
		argosPhaseRiseOverStartMb: { [small]: mb(growth(small)), [large]: mb(growth(large)) },
		runs: Object.fromEntries(
			Object.entries(runs).map(([n, rs]) => [
				n,
				rs.map((r) => ({
					peakRssMb: mb(r.peakRss),
					rssAtStartMb: mb(r.rssAtStart),
					afterWarmUpRssMb: mb(r.afterWarmUp.rss),
					atArgosStartRssMb: mb(r.atArgosStart.rss),
					maxRssBeforeArgosMb: mb(r.atArgosStart.maxRss),
					sampledPeakFixturePhaseMb: mb(r.sampledPeak.fixturePhase),
					sampledPeakArgosPhaseMb: mb(r.sampledPeak.argosPhase),
					nodeMs: r.nodeMs,
					binaryFilesWritten: r.binaryFilesWritten,
					sandboxMaxInFlight: r.sandboxMaxInFlight,
				})),
			]),
		),
		measure:
			`median over ${o.reps} child processes per N of getrusage maxRSS (whole process, raw, nothing subtracted); ` +
			'argosPhase* = RSS sampled every 5 ms from the moment Argos Faces starts',
		setup: {
			sizes: o.sizes,
			concurrency: o.concurrency,
			imageBytes: o.imageBytes,
			distinctImages: `${o.distinctImages} distinct files, cycled`,
			image: 'sandbox sampleImage JPEG: a real decodable 8x8 baseline JPEG padded with COM segments',
			binaryMode: o.binaryMode,
			latencyMs: o.latencyMs,
		},
		loadavg1: { before: loadBefore, after: load() },
		durationS: round((Date.now() - started) / 1000, 1),
	};
}

function print(res) {
	const rows = Object.entries(res.runs).map(([n, rs]) => [
		n,
		rs.map((r) => r.peakRssMb).join(' / '),
		res.peakRssMb[n],
		rs.map((r) => r.atArgosStartRssMb).join(' / '),
		res.argosPhaseSampledPeakMb[n],
		rs.map((r) => r.sampledPeakFixturePhaseMb).join(' / '),
	]);
	return table(['N', 'peak RSS MB (runs)', 'median', 'RSS at Argos start', 'Argos-phase peak', 'fixture-phase peak'], rows);
}

module.exports = { memory, print, DEFAULTS };
