'use strict';
/*
 * How bench/run.js folds one run into bench/results.json, section by section (scaling, overhead, memory,
 * peer, queue, trigger):
 *
 * - a section that ran and measured replaces the previous one;
 * - a section that produced no figures this time (it threw: `failed: true, error`; or it could not run:
 *   `ran: false, reason`) keeps the previous figures, marked `stale: true`, with `staleSince` (when the
 *   first attempt since those figures failed) and `error` (what the latest attempt said). Its `at` stays the
 *   time the figures were measured. With no previous figures the failure itself is written;
 * - a section this run did not attempt is kept as it was.
 */

/** True when a section's result carries no figures: it threw, or it reported that it could not run. */
function withoutFigures(section) {
	return Boolean(section && (section.failed || section.ran === false));
}

/** What the latest attempt said, for `error`. */
function attemptError(section) {
	if (section.failed) return section.error === undefined ? 'failed' : String(section.error);
	return `did not run: ${section.reason === undefined ? 'no reason given' : String(section.reason)}`;
}

/**
 * @param {object} previous   the sections of the previous results.json ({} when there is none)
 * @param {object} current    this run's sections, by name, each with its `at`
 * @param {string[]} order    the section names, in the order results.json lists them
 * @returns {object}          the sections to write, in `order`
 */
function mergeSections(previous, current, order) {
	const merged = {};
	for (const name of order) {
		const before = previous[name];
		const now = current[name];
		if (!now) {
			if (before) merged[name] = before;
		} else if (!withoutFigures(now) || !before || withoutFigures(before)) {
			merged[name] = now;
		} else {
			merged[name] = { ...before, stale: true, staleSince: before.stale ? before.staleSince : now.at, error: attemptError(now) };
		}
	}
	return merged;
}

module.exports = { mergeSections, withoutFigures };
