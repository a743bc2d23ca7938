/**
 * bench/run.js writes bench/results.json section by section through bench/lib/results.js: a section that
 * fails (or cannot run) must keep the figures of the last run that measured it, marked stale, instead of
 * blanking them (a failing queue run once replaced the committed queue figures).
 */
const { mergeSections, withoutFigures } = require('../../bench/lib/results');
const committed = require('../../bench/results.json');

const ORDER = ['scaling', 'overhead', 'memory', 'peer', 'queue', 'trigger'];
const figures = (at, value) => ({ at, ran: true, ratio: value, met: true });

describe('bench results: merging a run into results.json', () => {
	it('a section that measured replaces the previous one; sections not run are kept as they were', () => {
		const previous = { date: 'old', summary: [], scaling: figures('t1', 1.2), memory: figures('t1', 1.04) };
		const merged = mergeSections(previous, { scaling: figures('t2', 1.1) }, ORDER);
		expect(merged).toEqual({ scaling: figures('t2', 1.1), memory: figures('t1', 1.04) });
		expect(Object.keys(merged)).toEqual(['scaling', 'memory']);
	});

	it('a section that failed keeps the previous figures, marked stale since this attempt, with its error', () => {
		const previous = { queue: figures('t1', 1.86) };
		const merged = mergeSections(previous, { queue: { at: 't2', failed: true, error: 'a worker died' } }, ORDER);
		expect(merged.queue).toEqual({ ...figures('t1', 1.86), stale: true, staleSince: 't2', error: 'a worker died' });
	});

	it('failing again keeps the first staleSince and the latest error; measuring again clears the mark', () => {
		const stale = mergeSections({ queue: figures('t1', 1.86) }, { queue: { at: 't2', failed: true, error: 'first' } }, ORDER);
		const again = mergeSections(stale, { queue: { at: 't3', failed: true, error: 'second' } }, ORDER);
		expect(again.queue).toEqual({ ...figures('t1', 1.86), stale: true, staleSince: 't2', error: 'second' });
		const fresh = mergeSections(again, { queue: figures('t4', 1.9) }, ORDER);
		expect(fresh.queue).toEqual(figures('t4', 1.9));
	});

	it('a section that could not run (ran: false) keeps the previous figures too, saying why', () => {
		const previous = { peer: figures('t1', 0.29) };
		const merged = mergeSections(previous, { peer: { at: 't2', ran: false, wallRatio: null, reason: 'n8n 2.41.1 is not installed' } }, ORDER);
		expect(merged.peer).toEqual({ ...figures('t1', 0.29), stale: true, staleSince: 't2', error: 'did not run: n8n 2.41.1 is not installed' });
	});

	it('with no earlier figures the failure itself is written, for every section', () => {
		for (const name of ORDER) {
			const failure = { at: 't2', failed: true, error: 'boom' };
			expect(mergeSections({}, { [name]: failure }, ORDER)).toEqual({ [name]: failure });
			const earlierFailure = { [name]: { at: 't1', failed: true, error: 'older' } };
			expect(mergeSections(earlierFailure, { [name]: failure }, ORDER)).toEqual({ [name]: failure });
		}
	});

	it('the figures of the committed results.json survive a run in which every section fails', () => {
		const at = '2099-01-01T00:00:00.000Z';
		const failures = Object.fromEntries(ORDER.map((name) => [name, { at, failed: true, error: `${name} broke` }]));
		const merged = mergeSections(committed, failures, ORDER);
		const measured = ORDER.filter((name) => committed[name] && !withoutFigures(committed[name]));
		expect(measured.length).toBeGreaterThan(0);
		for (const name of measured) {
			const { stale, staleSince, error, ...kept } = merged[name];
			const { stale: _s, staleSince: _ss, error: _e, ...before } = committed[name];
			expect(kept).toEqual(before);
			expect({ stale, staleSince, error }).toEqual({ stale: true, staleSince: committed[name].stale ? committed[name].staleSince : at, error: `${name} broke` });
		}
	});
	it('the trigger section, when measured, carries its ratio from the same run, its spread, the confirm cost and the load averages', () => {
		const t = committed.trigger;
		if (!t || withoutFigures(t)) return;
		const { trigger, webhookNode, triggerConfirm } = t.variants;
		expect(t.ratioToWebhookNode).toBeCloseTo(trigger.deliveriesPerSecond.median / webhookNode.deliveriesPerSecond.median, 2);
		expect(t.met).toBe(t.ratioToWebhookNode >= 0.9);
		expect(t.ratioToWebhookNodePerRep.min).toBeLessThanOrEqual(t.ratioToWebhookNodePerRep.max);
		for (const v of [trigger, webhookNode, triggerConfirm]) {
			expect(v.runs).toHaveLength(t.setup.reps);
			expect(v.deliveriesPerSecond.min).toBeLessThanOrEqual(v.deliveriesPerSecond.median);
			expect(v.deliveriesPerSecond.median).toBeLessThanOrEqual(v.deliveriesPerSecond.max);
			expect(v.executions.byStatus.success).toBe(v.executions.total);
		}
		expect(t.confirm.throughputRatioToConfirmOff).toBeCloseTo(triggerConfirm.deliveriesPerSecond.median / trigger.deliveriesPerSecond.median, 2);
		for (const k of ['median', 'p90', 'min', 'max']) expect(typeof triggerConfirm.responseMs[k]).toBe('number');
		expect(typeof t.loadavg1.before).toBe('number');
		expect(typeof t.loadavg1.after).toBe('number');
	});
});
