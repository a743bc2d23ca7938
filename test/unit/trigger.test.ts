/**
 * The ID Check trigger's pure parts: who may deliver (source.ts), what an event says and its key (event.ts),
 * the encrypted body (decrypt.ts, with the §2.8 test vector) and the bounded re-delivery memory (dedupe.ts).
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

import { decryptEvent, RECIPES } from '../../nodes/ArgosIdCheckTrigger/decrypt';
import { claim, DEDUPE_LIMITS, release } from '../../nodes/ArgosIdCheckTrigger/dedupe';
import { readEvent } from '../../nodes/ArgosIdCheckTrigger/event';
import { ARGOS_WEBHOOK_ADDRESS, parseRule } from '../../nodes/ArgosIdCheckTrigger/source';

// shared/argos-idcheck-api.md §2.8 (ours, not ARGOS's)
const VECTOR = {
	apiKey: 'EXAMPLE-ARGOS-API-KEY-0000000000000000000',
	derivedHex: '21e842db41f67ce446ff234901e214acdc38225415d2d6bec7b963ed4af59bdf',
	plain: '{"webhook_trigger":"approved","submission_id":"sub_test_0001","kyc_result":{"status":"approved"}}',
	data: 'R3IAiiKZnax95C7T2/1HKTbrGUhph3gAiaXzzDvY6A4CwTSwzvdLxfi64By1c9mPSmgRNn04K4gcKVJfnhCebLoaYQ/wUfMBiw/KgpSDfUtg9KKrnrvZP9tso4OzArrFL7I6gsp6FrGEO97Tr1xSTw==',
};

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function gcm(plain: string, secret: string): string {
	const nonce = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', sha(secret), nonce);
	const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

function ecb(plain: string, key: Buffer, encoding: 'base64' | 'hex'): string {
	const cipher = createCipheriv('aes-256-ecb', key, null);
	return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString(encoding);
}

describe('source.ts: allowed addresses', () => {
	const allows = (rule: string, address: string) => !!parseRule(rule)?.matches(address);

	it('the default is the one documented ARGOS address, and only it', () => {
		expect(ARGOS_WEBHOOK_ADDRESS).toBe('52.78.194.237');
		expect(allows(ARGOS_WEBHOOK_ADDRESS, '52.78.194.237')).toBe(true);
		expect(allows(ARGOS_WEBHOOK_ADDRESS, '52.78.194.238')).toBe(false);
		expect(allows(ARGOS_WEBHOOK_ADDRESS, '127.0.0.1')).toBe(false);
	});

	it.each([
		['10.0.0.0/8', '10.255.1.2', true],
		['10.0.0.0/8', '11.0.0.1', false],
		['192.168.1.0/24', '192.168.1.254', true],
		['192.168.1.0/24', '192.168.2.1', false],
		['0.0.0.0/0', '8.8.8.8', true],
		['52.78.194.237', '::ffff:52.78.194.237', true],
		['::ffff:52.78.194.237', '52.78.194.237', true],
		['10.0.0.0/8', '::ffff:10.1.2.3', true],
		['2001:db8::/32', '2001:db8:1::5', true],
		['2001:db8::/32', '2001:db9::5', false],
		['2001:db8::1', '2001:db8:0:0:0:0:0:1', true],
		['::1', '::1', true],
		['::1', '127.0.0.1', false],
		['fe80::/10', 'fe80::1%eth0', true],
	])('%s vs %s → %s', (rule, address, expected) => {
		expect(allows(rule, address)).toBe(expected);
	});

	it.each(['52.78.194', '52.78.194.256', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', 'example.com', '2001:db8::/129', '*', ''])(
		'malformed entry %j is no rule',
		(entry) => {
			expect(parseRule(entry)).toBeUndefined();
		},
	);

	it('a non-address never matches', () => {
		expect(allows('0.0.0.0/0', '')).toBe(false);
		expect(allows('0.0.0.0/0', 'localhost')).toBe(false);
	});
});

describe('event.ts: readEvent', () => {
	it('reads the documented approved shape into the normalised block', () => {
		const e = readEvent({
			webhook_trigger: 'approved',
			submission_id: 's1',
			kyc_result: { status: 'approved', updated_at: '2025-01-01T00:00:00Z' },
			email: 'a@example.com',
			userid: 'u1',
			cf: { cf1: 'x', cf2: '', cf3: 7 },
		});
		expect(e).toMatchObject({
			event: 'approved',
			submissionId: 's1',
			claimedStatus: 'approved',
			userId: 'u1',
			email: 'a@example.com',
			customFields: { cf1: 'x', cf3: '7' },
			occurredAt: '2025-01-01T00:00:00Z',
		});
		expect(e.eventKey).toMatch(/^[0-9a-f]{32}$/);
	});

	it('claims a status from updated.data.kyc_result, from the decision itself, deleted for delete', () => {
		expect(readEvent({ webhook_trigger: 'updated', submission_id: 's', data: { kyc_result: 'rejected' } }).claimedStatus).toBe('rejected');
		expect(readEvent({ webhook_trigger: 'rejected', submission_id: 's' }).claimedStatus).toBe('rejected');
		expect(readEvent({ webhook_trigger: 'delete', submission_id: 's', delete_time: 't' })).toMatchObject({ claimedStatus: 'deleted', occurredAt: 't' });
		expect(readEvent({ webhook_trigger: 'aml', submission_id: 's' }).claimedStatus).toBeUndefined();
	});

	it('an unknown or missing trigger does not throw', () => {
		expect(readEvent({ webhook_trigger: 'brand_new', submission_id: 's' }).event).toBe('brand_new');
		expect(readEvent({}).event).toBe('unknown');
		expect(readEvent({}).submissionId).toBeUndefined();
	});

	it('same body, keys in another order → same key', () => {
		const a = readEvent({ webhook_trigger: 'aml', submission_id: 's', aml_result: { currentstatus: 'x', risk_level_summary: 'LOW' }, email: 'e' });
		const b = readEvent({ email: 'e', aml_result: { risk_level_summary: 'LOW', currentstatus: 'x' }, submission_id: 's', webhook_trigger: 'aml' });
		expect(a.eventKey).toBe(b.eventKey);
	});

	it('a new event of the same submission → another key', () => {
		const key = (body: Record<string, unknown>) => readEvent(body).eventKey;
		const base = { webhook_trigger: 'approved', submission_id: 's', kyc_result: { status: 'approved', updated_at: 't1' } };
		expect(key(base)).not.toBe(key({ ...base, kyc_result: { status: 'approved', updated_at: 't2' } }));
		expect(key(base)).not.toBe(key({ ...base, webhook_trigger: 'rejected' }));
		expect(key({ webhook_trigger: 'updated', submission_id: 's', update_time: 'a' })).not.toBe(key({ webhook_trigger: 'updated', submission_id: 's', update_time: 'b' }));
		expect(key({ webhook_trigger: 'delete', submission_id: 's', delete_time: 'a' })).not.toBe(key({ webhook_trigger: 'delete', submission_id: 's', delete_time: 'b' }));
		expect(key({ webhook_trigger: 'retry', submission_id: 's', attempts: 1 })).not.toBe(key({ webhook_trigger: 'retry', submission_id: 's', attempts: 2 }));
		expect(key({ webhook_trigger: 'approved', submission_id: 's1', kyc_result: { updated_at: 't' } })).not.toBe(
			key({ webhook_trigger: 'approved', submission_id: 's2', kyc_result: { updated_at: 't' } }),
		);
	});
});

describe('decrypt.ts: the inferred recipes', () => {
	it('the §2.8 key derivation is SHA-256 of the key', () => {
		expect(sha(VECTOR.apiKey).toString('hex')).toBe(VECTOR.derivedHex);
	});

	it('the §2.8 test vector decrypts with auto and with the pinned recipe', () => {
		for (const allowed of [RECIPES, ['ecb-sha256-base64'] as const]) {
			const out = decryptEvent(VECTOR.data, VECTOR.apiKey, allowed);
			expect(out?.recipe).toBe('ecb-sha256-base64');
			expect(out?.body).toEqual(JSON.parse(VECTOR.plain));
		}
	});

	it('a pinned recipe that does not match reads nothing; a wrong key reads nothing', () => {
		expect(decryptEvent(VECTOR.data, VECTOR.apiKey, ['ecb-raw32-base64', 'ecb-sha256-hex', 'gcm-sha256-base64'])).toBeUndefined();
		expect(decryptEvent(VECTOR.data, 'another-key', RECIPES)).toBeUndefined();
	});

	it('every other recipe is read by auto', () => {
		const secret = 'a-project-api-key-of-forty-characters-xx';
		expect(decryptEvent(gcm(VECTOR.plain, secret), secret, RECIPES)?.recipe).toBe('gcm-sha256-base64');
		expect(decryptEvent(ecb(VECTOR.plain, sha(secret), 'hex'), secret, RECIPES)?.recipe).toBe('ecb-sha256-hex');
		expect(decryptEvent(ecb(VECTOR.plain, Buffer.from(secret).subarray(0, 32), 'base64'), secret, RECIPES)?.recipe).toBe('ecb-raw32-base64');
	});

	it('a tampered GCM body is refused (the tag is checked)', () => {
		const secret = 'k';
		const bytes = Buffer.from(gcm(VECTOR.plain, secret), 'base64');
		bytes[14] ^= 1;
		expect(decryptEvent(bytes.toString('base64'), secret, RECIPES)).toBeUndefined();
	});

	it('JSON that is not an ARGOS event does not count', () => {
		expect(decryptEvent(ecb('{"hello":1}', sha('k'), 'base64'), 'k', RECIPES)).toBeUndefined();
		expect(decryptEvent(ecb('not json', sha('k'), 'base64'), 'k', RECIPES)).toBeUndefined();
		expect(decryptEvent('', 'k', RECIPES)).toBeUndefined();
		expect(decryptEvent('!!!', 'k', RECIPES)).toBeUndefined();
	});
});

describe('dedupe.ts: bounded memory of claimed keys', () => {
	it('a key is claimed once, again after release or after the TTL', () => {
		const key = `unit-${Math.random()}`;
		expect(claim(key, 1000)).toBe(true);
		expect(claim(key, 1001)).toBe(false);
		release(key);
		expect(claim(key, 1002)).toBe(true);
		expect(claim(key, 1002 + DEDUPE_LIMITS.ttlMs)).toBe(true);
	});

	it(`more than ${DEDUPE_LIMITS.maxKeys} keys evict the oldest first`, () => {
		const prefix = `evict-${Math.random()}-`;
		const now = 5_000_000;
		for (let i = 0; i <= DEDUPE_LIMITS.maxKeys; i++) expect(claim(`${prefix}${i}`, now)).toBe(true);
		// key 0 was evicted (memory holds maxKeys), so it is new again; the newest is still held
		expect(claim(`${prefix}${DEDUPE_LIMITS.maxKeys}`, now)).toBe(false);
		expect(claim(`${prefix}0`, now)).toBe(true);
		// re-claiming key 0 evicted key 1, the next oldest; key 2 is still held
		expect(claim(`${prefix}2`, now)).toBe(false);
		expect(claim(`${prefix}1`, now)).toBe(true);
	});
});
