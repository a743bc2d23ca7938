'use strict';

const ACTIONS = ['status', 'reset', 'hang', 'malformed', 'html', 'delay', 'cut'];
const TRANSFERS = ['length', 'chunked'];

// mulberry32: tiny, seedable, and good enough to spread faults; the point is replayability, not quality.
function mulberry32(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function seedToInt(seed) {
	if (typeof seed === 'number' && Number.isFinite(seed)) return seed >>> 0;
	let h = 2166136261;
	for (const ch of String(seed)) h = Math.imul(h ^ ch.codePointAt(0), 16777619);
	return h >>> 0;
}

function normalisePath(p) {
	if (typeof p !== 'string' || !p) throw new TypeError('match.path must be a non-empty string');
	// Accept '/faces' or 'faces' as shorthand for '/modules/faces'; ID Check paths are always written in full.
	if (p.startsWith('/modules') || p === '/v3' || p.startsWith('/v3/') || p === '*') return p;
	return '/modules' + (p.startsWith('/') ? p : '/' + p);
}

function normaliseMatch(match) {
	if (match == null) return {};
	if (typeof match !== 'object') throw new TypeError('match must be an object');
	const out = {};
	if (match.method != null) out.method = String(match.method).toUpperCase();
	if (match.path != null) out.path = normalisePath(match.path);
	return out;
}

function matches(match, method, path) {
	if (match.method && match.method !== method) return false;
	if (match.path && match.path !== '*') {
		if (match.path.endsWith('*')) return path.startsWith(match.path.slice(0, -1));
		return match.path === path;
	}
	return true;
}

function normaliseAction(rule) {
	if (!rule || typeof rule !== 'object') throw new TypeError('a fault rule must be an object');
	if (!ACTIONS.includes(rule.action)) throw new TypeError(`fault action must be one of ${ACTIONS.join(', ')}`);
	const when = rule.when == null ? 'before' : rule.when;
	if (when !== 'before' && when !== 'after') throw new TypeError("fault when must be 'before' or 'after'");
	const out = { action: rule.action, when };
	if (rule.status != null) {
		if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) throw new TypeError('fault status must be an HTTP status 100..599');
		out.status = rule.status;
	} else if (rule.action === 'status') {
		out.status = 500;
	} else if (rule.action === 'malformed') {
		out.status = 200;
	} else if (rule.action === 'html') {
		out.status = 502;
	}
	// 'cut' has no fixed default status: 'after' sends the real answer's status, 'before' 200.
	if (rule.action === 'cut') {
		const transfer = rule.transfer == null ? 'length' : rule.transfer;
		if (!TRANSFERS.includes(transfer)) throw new TypeError("fault transfer must be 'length' or 'chunked'");
		out.transfer = transfer;
		if (rule.bodyBytes != null) {
			if (!Number.isInteger(rule.bodyBytes) || rule.bodyBytes < 0) throw new TypeError('fault bodyBytes must be a non-negative integer');
			out.bodyBytes = rule.bodyBytes;
		}
	} else if (rule.transfer != null || rule.bodyBytes != null) {
		throw new TypeError("transfer and bodyBytes only apply to the 'cut' action");
	}
	if (rule.errorCode != null) out.errorCode = rule.errorCode;
	if (rule.message != null) out.message = String(rule.message);
	if (rule.retryAfter != null) {
		if (typeof rule.retryAfter !== 'number' && typeof rule.retryAfter !== 'string') throw new TypeError('retryAfter must be a number or a string');
		out.retryAfter = rule.retryAfter;
	}
	if (rule.latencyMs != null) {
		if (!Number.isInteger(rule.latencyMs) || rule.latencyMs < 0) throw new TypeError('fault latencyMs must be a non-negative integer');
		out.latencyMs = rule.latencyMs;
	} else if (rule.action === 'delay') {
		throw new TypeError("a 'delay' fault needs latencyMs");
	}
	return out;
}

/**
 * Ordered fault rules plus an optional seeded random schedule. Decisions are taken when a request arrives,
 * so the sequence depends only on arrival order, not on how long bodies take to stream.
 */
class FaultSchedule {
	constructor() {
		this.rules = [];
		this.random = null;
		this.nextId = 1;
	}

	add(ruleOrRules) {
		const list = Array.isArray(ruleOrRules) ? ruleOrRules : [ruleOrRules];
		// Validate everything first so a bad batch adds nothing.
		const prepared = list.map((r) => {
			const skip = r.skip == null ? 0 : r.skip;
			const count = r.count == null ? 1 : r.count;
			if (!Number.isInteger(skip) || skip < 0) throw new TypeError('fault skip must be a non-negative integer');
			if (!Number.isInteger(count) || (count < 1 && count !== -1)) throw new TypeError('fault count must be a positive integer or -1 (forever)');
			if (r.weight != null) throw new TypeError('weight only applies to the actions of a random schedule');
			return { id: 0, match: normaliseMatch(r.match), skip, count, fired: 0, ...normaliseAction(r) };
		});
		for (const p of prepared) {
			p.id = this.nextId++;
			this.rules.push(p);
		}
		return prepared.map((p) => ({ ...p, match: { ...p.match } }));
	}

	clear() {
		this.rules = [];
		this.random = null;
	}

	setRandom(opts) {
		if (opts == null || opts.rate === 0) {
			this.random = null;
			return null;
		}
		const rate = opts.rate;
		if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new TypeError('random rate must be a number 0..1');
		if (!Array.isArray(opts.actions) || opts.actions.length === 0) throw new TypeError('random actions must be a non-empty array');
		const actions = opts.actions.map((a) => {
			const weight = a && a.weight != null ? a.weight : 1;
			if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) throw new TypeError('random action weight must be a positive number');
			return { ...normaliseAction(a), weight };
		});
		const seed = opts.seed == null ? 1 : opts.seed;
		const totalWeight = actions.reduce((sum, a) => sum + a.weight, 0);
		this.random = { seed, rate, actions, totalWeight, match: normaliseMatch(opts.match), rng: mulberry32(seedToInt(seed)), decisions: 0, fired: 0 };
		return this.randomInfo();
	}

	randomInfo() {
		if (!this.random) return null;
		const { seed, rate, actions, match, decisions, fired } = this.random;
		return { seed, rate, actions: actions.map((a) => ({ ...a })), match: { ...match }, decisions, fired };
	}

	list() {
		return this.rules.map((r) => ({ ...r, match: { ...r.match } }));
	}

	/** Returns the fault for this request ({...action, source, ruleId?}) or null. Mutates counters. */
	decide(method, path) {
		let chosen = null;
		// Every matching rule counts the request against its own skip, so `skip: N` always means "the (N+1)th
		// matching request since the rule was added", whatever other rules do. Among rules whose skip is used
		// up, the earliest added fires; the others keep waiting.
		for (const r of this.rules) {
			if (!matches(r.match, method, path)) continue;
			if (r.skip > 0) r.skip--;
			else if (!chosen) chosen = r;
		}
		if (chosen) {
			chosen.fired++;
			if (chosen.count > 0 && --chosen.count === 0) this.rules.splice(this.rules.indexOf(chosen), 1);
			const { id, match, skip, count, fired, ...action } = chosen;
			return { ...action, source: 'rule', ruleId: id };
		}
		const rnd = this.random;
		if (rnd && matches(rnd.match, method, path)) {
			rnd.decisions++;
			if (rnd.rng() < rnd.rate) {
				// With every weight 1 this picks the same index as floor(draw * n), so existing seeds replay unchanged.
				let draw = rnd.rng() * rnd.totalWeight;
				let pick = rnd.actions.length - 1;
				for (let i = 0; i < rnd.actions.length; i++) {
					if (draw < rnd.actions[i].weight) {
						pick = i;
						break;
					}
					draw -= rnd.actions[i].weight;
				}
				const { weight, ...action } = rnd.actions[pick];
				rnd.fired++;
				return { ...action, source: 'random' };
			}
		}
		return null;
	}
}

module.exports = { FaultSchedule, mulberry32, seedToInt, ACTIONS };
