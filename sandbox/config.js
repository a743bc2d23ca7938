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
	// Face Liveness / Face Compare / ID Liveness (verify.js, argos-verify-api.md)
	compareShape: 'current',
	compareOldScale: 1,
	compareThreshold: 0.8,
	compareConfidences: true,
	documentImageField: 'any',
	verifyKeyErrors: 'errorCode',
	verifyDataUrls: 'reject',
	workspaceAvailable: true,
	// Global ID OCR (recognition.js): 'ko' answers the ko page's documentInfo/personalInfo shape.
	recognitionShape: 'data',
	ipAllowList: null,
	// ID Check REST v3 (idcheck.js, argos-idcheck-api.md §3)
	idcheckSharedKey: false,
	idcheckCursorField: 'nextPage_key',
	idcheckImageBody: 'raw',
	idcheckPatchMessage: 'Data Processing Success.',
	idcheckDeleteShape: 'new',
	idcheckErrorShape: 'documented',
	idcheckReviewer: 'Client',
	idcheckApprovedShape: 'current',
	idcheckWebhookCommentAs: 'string',
	idcheckWebhookRetryDelaysMs: Object.freeze([1000, 5000, 25000]),
	idcheckWebhookTimeoutMs: 10000,
	// Webhook faults (webhooks.js): all off by default, so a plain run delivers each event once, at once, in order.
	idcheckWebhookSeed: 1,
	idcheckWebhookDuplicates: 0,
	idcheckWebhookDuplicateRate: 1,
	idcheckWebhookMaxDelayMs: 0,
	idcheckWebhookReorderWindowMs: 0,
	idcheckWebhookLossRate: 0,
	idcheckWebhookEncryption: 'off',
	idcheckWebhookSecretKey: null,
});

const WEBHOOK_ENCRYPTIONS = Object.freeze(['off', 'aes-256-ecb-sha256', 'aes-256-ecb-raw32', 'aes-256-ecb-sha256-hex', 'aes-256-gcm']);

const nonNegativeInt = (v) => Number.isInteger(v) && v >= 0;
const positiveInt = (v) => Number.isInteger(v) && v > 0;
const rate = (v) => typeof v === 'number' && v >= 0 && v <= 1;
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
	compareShape: [(v) => v === 'current' || v === 'old', "'current' or 'old'"],
	compareOldScale: [(v) => v === 1 || v === 100, '1 or 100'],
	compareThreshold: [(v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number 0..1'],
	compareConfidences: [(v) => typeof v === 'boolean', 'true or false'],
	documentImageField: [(v) => v === 'any' || v === 'image' || v === 'idImage', "'any', 'image' or 'idImage'"],
	verifyKeyErrors: [(v) => v === 'errorCode' || v === 'gateway', "'errorCode' or 'gateway'"],
	verifyDataUrls: [(v) => v === 'reject' || v === 'accept', "'reject' or 'accept'"],
	workspaceAvailable: [(v) => typeof v === 'boolean', 'true or false'],
	idcheckSharedKey: [(v) => typeof v === 'boolean', 'true or false'],
	idcheckCursorField: [(v) => v === 'nextPage_key' || v === 'LastEvaluatedKey', "'nextPage_key' or 'LastEvaluatedKey'"],
	idcheckImageBody: [(v) => v === 'raw' || v === 'base64', "'raw' or 'base64'"],
	idcheckPatchMessage: [(v) => v === 'Data Processing Success.' || v === 'success to edit.', "'Data Processing Success.' or 'success to edit.'"],
	idcheckDeleteShape: [(v) => v === 'new' || v === 'old', "'new' or 'old'"],
	idcheckErrorShape: [(v) => ['documented', 'errorCode', 'message', 'errorMessage', 'traceId'].includes(v), "'documented', 'errorCode', 'message', 'errorMessage' or 'traceId'"],
	idcheckReviewer: [(v) => v === 'Client' || v === 'system', "'Client' or 'system'"],
	idcheckApprovedShape: [(v) => v === 'current' || v === 'legacy', "'current' or 'legacy'"],
	idcheckWebhookCommentAs: [(v) => v === 'string' || v === 'array', "'string' or 'array'"],
	idcheckWebhookRetryDelaysMs: [(v) => Array.isArray(v) && v.length <= 10 && v.every(nonNegativeInt), 'an array of at most 10 non-negative integers'],
	idcheckWebhookTimeoutMs: [positiveInt, 'a positive integer'],
	idcheckWebhookSeed: [(v) => nonNegativeInt(v) || (typeof v === 'string' && v.length > 0), 'a non-negative integer or a non-empty string'],
	idcheckWebhookDuplicates: [(v) => Number.isInteger(v) && v >= 0 && v <= 5, 'an integer 0..5'],
	idcheckWebhookDuplicateRate: [rate, 'a number 0..1'],
	idcheckWebhookMaxDelayMs: [(v) => nonNegativeInt(v) && v <= 600000, 'an integer 0..600000'],
	idcheckWebhookReorderWindowMs: [(v) => nonNegativeInt(v) && v <= 600000, 'an integer 0..600000'],
	idcheckWebhookLossRate: [rate, 'a number 0..1'],
	idcheckWebhookEncryption: [(v) => WEBHOOK_ENCRYPTIONS.includes(v), WEBHOOK_ENCRYPTIONS.map((e) => `'${e}'`).join(', ')],
	idcheckWebhookSecretKey: [(v) => v === null || (typeof v === 'string' && v.length > 0), 'null or a non-empty string'],
	recognitionShape: [(v) => v === 'data' || v === 'ko', "'data' or 'ko'"],
	ipAllowList: [(v) => v === null || (Array.isArray(v) && v.every((a) => typeof a === 'string' && a.length > 0)), 'null or an array of IP address strings'],
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
		next[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
	}
	return next;
}

module.exports = { DEFAULT_CONFIG, mergeConfig, WEBHOOK_ENCRYPTIONS };
