/**
 * Re-deliveries of one event, arriving at one process, are emitted once. Memory is bounded: the oldest keys
 * go first. Across processes (queue mode's webhook processors) this does not hold; the workflow's own
 * idempotent steps (Skip If Already Enrolled, a Data Table keyed by submission) keep the end state exact.
 */
const MAX_KEYS = 10000;
const TTL_MS = 24 * 60 * 60 * 1000;

const seen = new Map<string, number>();

/** True the first time a key is claimed within the TTL; the key is then held until released or expired. */
export function claim(key: string, now = Date.now()): boolean {
	const at = seen.get(key);
	if (at !== undefined && now - at < TTL_MS) return false;
	seen.delete(key);
	seen.set(key, now);
	while (seen.size > MAX_KEYS) seen.delete(seen.keys().next().value as string);
	return true;
}

/** An event that could not be emitted after all (e.g. ARGOS could not confirm it) may come again. */
export function release(key: string): void {
	seen.delete(key);
}

export const DEDUPE_LIMITS = { maxKeys: MAX_KEYS, ttlMs: TTL_MS };
