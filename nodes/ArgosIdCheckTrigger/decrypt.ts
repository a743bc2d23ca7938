/**
 * ARGOS's "Secure Data Transmission" webhooks arrive as {"data": "<ciphertext>"}. ARGOS does not publish
 * the recipe (shared/argos-idcheck-api.md §2.8): AES-256, a key "generated using the API key", ECB or GCM.
 * These recipes are inferred; a body is accepted only if one of them yields JSON with a webhook_trigger.
 */
import { createDecipheriv, createHash } from 'node:crypto';

export const RECIPES = ['ecb-sha256-base64', 'ecb-raw32-base64', 'ecb-sha256-hex', 'gcm-sha256-base64'] as const;
export type Recipe = (typeof RECIPES)[number];

function keyFor(recipe: Recipe, secret: string): Buffer | undefined {
	if (recipe.includes('raw32')) {
		const raw = Buffer.from(secret, 'utf8');
		return raw.length >= 32 ? raw.subarray(0, 32) : undefined;
	}
	return createHash('sha256').update(secret, 'utf8').digest();
}

function attempt(recipe: Recipe, secret: string, data: string): string | undefined {
	const key = keyFor(recipe, secret);
	if (!key) return undefined;
	const hex = recipe.endsWith('-hex');
	if (hex ? !/^(?:[0-9a-f]{2})+$/i.test(data) : !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined;
	const bytes = Buffer.from(data, hex ? 'hex' : 'base64');
	try {
		if (recipe.startsWith('gcm')) {
			if (bytes.length < 12 + 16 + 1) return undefined;
			const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
			decipher.setAuthTag(bytes.subarray(bytes.length - 16));
			return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
		}
		if (bytes.length === 0 || bytes.length % 16 !== 0) return undefined;
		const decipher = createDecipheriv('aes-256-ecb', key, null);
		return Buffer.concat([decipher.update(bytes), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

export interface Decrypted {
	body: Record<string, unknown>;
	recipe: Recipe;
}

/** The event inside an encrypted body, or undefined when no allowed recipe reads it. */
export function decryptEvent(data: string, secret: string, allowed: readonly Recipe[]): Decrypted | undefined {
	const text = data.trim();
	for (const recipe of allowed) {
		const plain = attempt(recipe, secret, text);
		if (plain === undefined) continue;
		let parsed: unknown;
		try {
			parsed = JSON.parse(plain);
		} catch {
			continue;
		}
		// ECB has no integrity: a wrong key "decrypts" to garbage, so only an ARGOS event counts.
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && typeof (parsed as Record<string, unknown>).webhook_trigger === 'string')
			return { body: parsed as Record<string, unknown>, recipe };
	}
	return undefined;
}
