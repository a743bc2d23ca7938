'use strict';

// Behaviour switches. Most exist because the ARGOS docs contradict themselves and a client must cope with
// every documented variant; the defaults follow the newest English docs unless argos-face-api.md says otherwise.
const DEFAULT_CONFIG = Object.freeze({
	latencyMs: 0,
	searchShape: 'B',
	errorCodeAs: 'number',
	totalCountAs: 'string',
	addLivenessScoreAt: 'option',
	maxImageBytes: 5 * 1024 * 1024,
	maxBodyBytes: 16 * 1024 * 1024,
	livenessThreshold: 50,
	similarityThreshold: 80,
	pageSize: 50,
	termMinLength: 5,
	hangMaxMs: 120000,
	logLimit: 10000,
});

const nonNegativeInt = (v) => Number.isInteger(v) && v >= 0;
const positiveInt = (v) => Number.isInteger(v) && v > 0;
const score = (v) => typeof v === 'number' && v >= 0 && v <= 100;

const RULES = {
	latencyMs: [nonNegativeInt, 'a non-negative integer'],
	searchShape: [(v) => v === 'A' || v === 'B', "'A' or 'B'"],
	errorCodeAs: [(v) => v === 'number' || v === 'string', "'number' or 'string'"],
	totalCountAs: [(v) => v === 'number' || v === 'string', "'number' or 'string'"],
	addLivenessScoreAt: [(v) => v === 'option' || v === 'top', "'option' or 'top'"],
	maxImageBytes: [positiveInt, 'a positive integer'],
	maxBodyBytes: [positiveInt, 'a positive integer'],
	livenessThreshold: [score, 'a number 0..100'],
	similarityThreshold: [score, 'a number 0..100'],
	pageSize: [positiveInt, 'a positive integer'],
	termMinLength: [nonNegativeInt, 'a non-negative integer'],
	hangMaxMs: [positiveInt, 'a positive integer'],
	logLimit: [positiveInt, 'a positive integer'],
};

/** Returns a new config; throws a TypeError naming the first bad key, so admin callers see their typo. */
function mergeConfig(base, partial) {
	if (partial == null) return { ...base };
	if (typeof partial !== 'object' || Array.isArray(partial)) throw new TypeError('config must be an object');
	const next = { ...base };
	for (const [key, raw] of Object.entries(partial)) {
		const rule = RULES[key];
		if (!rule) throw new TypeError(`unknown config key "${key}" (known: ${Object.keys(RULES).join(', ')})`);
		const value = key === 'searchShape' && typeof raw === 'string' ? raw.toUpperCase() : raw;
		if (!rule[0](value)) throw new TypeError(`config.${key} must be ${rule[1]}, got ${JSON.stringify(raw)}`);
		next[key] = value;
	}
	return next;
}

module.exports = { DEFAULT_CONFIG, mergeConfig };
