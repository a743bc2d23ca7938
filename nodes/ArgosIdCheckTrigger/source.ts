/**
 * Whether a delivery comes from an allowed address. The address is the one n8n itself determined for the
 * request (Express's req.ip, which honours N8N_PROXY_HOPS): behind a proxy it is the address that proxy
 * saw, and an X-Forwarded-For header written by the sender is never believed beyond those hops.
 */
import { parseIpv4, parseIpv6 } from '../shared/transport/privateHost';

export const ARGOS_WEBHOOK_ADDRESS = '52.78.194.237';

/** An address as bits: IPv4 as 32, IPv6 (and IPv4 mapped into it, "::ffff:1.2.3.4") resolved to IPv4 first. */
function bitsOf(address: string): { family: 4 | 6; value: bigint } | undefined {
	const text = address.trim().replace(/^\[|\]$/g, '');
	const v4 = parseIpv4(text);
	if (v4 !== undefined) return { family: 4, value: BigInt(v4) };
	const v6 = parseIpv6(text.replace(/%.*$/, ''));
	if (!v6) return undefined;
	if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff) return { family: 4, value: (BigInt(v6[6]) << 16n) + BigInt(v6[7]) };
	return { family: 6, value: v6.reduce((acc, g) => (acc << 16n) + BigInt(g), 0n) };
}

export interface AllowRule {
	text: string;
	matches(address: string): boolean;
}

/** One entry: an address or a CIDR range, IPv4 or IPv6. Undefined when it is neither. */
export function parseRule(entry: string): AllowRule | undefined {
	const text = entry.trim();
	const [addr, bitsText, extra] = text.split('/');
	const base = bitsOf(addr);
	if (!base || extra !== undefined) return undefined;
	const max = base.family === 4 ? 32 : 128;
	const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
	if (!(bits >= 0 && bits <= max)) return undefined;
	const shift = BigInt(max - bits);
	return {
		text,
		matches: (address) => {
			const got = bitsOf(address);
			return !!got && got.family === base.family && got.value >> shift === base.value >> shift;
		},
	};
}
