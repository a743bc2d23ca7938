/**
 * Whether an image link's host is this machine, a private network or a local name — judged from the
 * URL's text alone. As an AI-agent tool the link comes from the model, and text the model read can
 * steer it towards internal services (cloud metadata, databases, admin pages).
 *
 * Names are not resolved: node code makes no DNS lookups, and an answer here could differ from the one
 * n8n gets when it connects. A public-looking name that resolves to a private address is therefore only
 * stopped by n8n's own N8N_SSRF_PROTECTION_ENABLED, which checks the address it actually connects to.
 *
 * Input is a WHATWG `URL.hostname`: the parser has already turned 2130706433, 0x7f.1, 0177.0.0.1 and
 * 127.1 into 127.0.0.1, lower-cased names, mapped full-width characters and compressed IPv6.
 */

export type PrivateHostKind =
	| 'loopback'
	| 'private'
	| 'shared address space'
	| 'link-local'
	| 'unique-local'
	| 'unspecified'
	| 'multicast'
	| 'broadcast'
	| 'reserved'
	| 'cloud metadata'
	| 'local name';

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** Metadata services answer with credentials; named apart although their blocks are refused anyway. */
const METADATA_V4 = new Set([
	v4(169, 254, 169, 254), // AWS, Azure, GCP, OpenStack, Oracle…
	v4(100, 100, 100, 200), // Alibaba Cloud
	v4(192, 0, 0, 192), // Oracle Cloud (older)
	// Azure's WireServer and guest-agent plugin: platform-internal, although in public address space.
	v4(168, 63, 129, 16),
]);

/** IANA's IPv4 special-purpose blocks that a public image host can never be in. */
const V4_BLOCKS: Array<[base: number, bits: number, kind: PrivateHostKind]> = [
	[v4(0, 0, 0, 0), 8, 'unspecified'],
	[v4(10, 0, 0, 0), 8, 'private'],
	[v4(100, 64, 0, 0), 10, 'shared address space'],
	[v4(127, 0, 0, 0), 8, 'loopback'],
	[v4(169, 254, 0, 0), 16, 'link-local'],
	[v4(172, 16, 0, 0), 12, 'private'],
	[v4(192, 0, 0, 0), 24, 'reserved'],
	[v4(192, 0, 2, 0), 24, 'reserved'],
	[v4(192, 88, 99, 0), 24, 'reserved'],
	[v4(192, 168, 0, 0), 16, 'private'],
	[v4(198, 18, 0, 0), 15, 'reserved'],
	[v4(198, 51, 100, 0), 24, 'reserved'],
	[v4(203, 0, 113, 0), 24, 'reserved'],
	[v4(224, 0, 0, 0), 4, 'multicast'],
	[v4(240, 0, 0, 0), 4, 'reserved'],
];

export function ipv4Kind(address: number): PrivateHostKind | undefined {
	if (METADATA_V4.has(address)) return 'cloud metadata';
	if (address === 0xffffffff) return 'broadcast';
	for (const [base, bits, kind] of V4_BLOCKS) if ((address ^ base) >>> (32 - bits) === 0) return kind;
	return undefined;
}

/** a.b.c.d with four decimal parts 0–255, as the URL parser writes every IPv4 host. */
export function parseIpv4(text: string): number | undefined {
	const parts = text.split('.');
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
	const [a, b, c, d] = parts.map(Number);
	return v4(a, b, c, d);
}

/** Eight 16-bit groups; takes `::` and a dotted IPv4 tail, though the URL parser never writes the tail. */
export function parseIpv6(text: string): number[] | undefined {
	let hex = text;
	if (text.includes('.')) {
		const lastColon = text.lastIndexOf(':');
		const address = parseIpv4(text.slice(lastColon + 1));
		if (address === undefined) return undefined;
		hex = `${text.slice(0, lastColon + 1)}${(address >>> 16).toString(16)}:${(address & 0xffff).toString(16)}`;
	}
	const halves = hex.split('::');
	if (halves.length > 2) return undefined;
	const groups = (part: string) => (part === '' ? [] : part.split(':'));
	const left = groups(halves[0]);
	const right = halves.length === 2 ? groups(halves[1]) : [];
	if (![...left, ...right].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
	const missing = 8 - left.length - right.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
	return [...left, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right].map((g) => parseInt(g, 16));
}

const METADATA_V6 = [[0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]]; // AWS (IPv6 endpoint)

/**
 * Only global unicast (2000::/3) outside its documentation and protocol blocks is public. Addresses
 * that carry an IPv4 address — mapped, translated, NAT64, 6to4 — are judged by the one they carry.
 */
export function ipv6Kind(g: number[]): PrivateHostKind | undefined {
	const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
	const embedded = (hi: number, lo: number) => ipv4Kind(((g[hi] << 16) | g[lo]) >>> 0);
	if (METADATA_V6.some((m) => m.every((x, i) => x === g[i]))) return 'cloud metadata';
	if (zero(0, 8)) return 'unspecified';
	if (zero(0, 7) && g[7] === 1) return 'loopback';
	if (zero(0, 5) && g[5] === 0xffff) return embedded(6, 7); // ::ffff:a.b.c.d, IPv4-mapped
	if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return embedded(6, 7); // ::ffff:0:a.b.c.d, IPv4-translated
	// ::a.b.c.d (IPv4-compatible, deprecated) and the rest of ::/8: nothing public lives there.
	if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return embedded(6, 7); // NAT64 64:ff9b::/96
	if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private'; // local-use NAT64 64:ff9b:1::/48
	if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local';
	if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
	if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // site-local, deprecated
	if ((g[0] & 0xff00) === 0xff00) return 'multicast';
	if (g[0] === 0x2002) return embedded(1, 2); // 6to4
	if ((g[0] & 0xe000) !== 0x2000) return 'reserved';
	if (g[0] === 0x2001 && g[1] < 0x200) return 'reserved'; // 2001::/23 protocol assignments (Teredo, benchmarking…)
	if (g[0] === 0x2001 && g[1] === 0xdb8) return 'reserved'; // documentation
	if (g[0] === 0x3fff && g[1] < 0x1000) return 'reserved'; // documentation 3fff::/20
	return undefined;
}

/**
 * Top-level names that never resolve publicly: RFC 6761/6762/8375 and ICANN's .internal, plus the
 * private TLDs RFC 6762 Appendix G found in use, `localdomain` (/etc/hosts) and Kubernetes' `svc`.
 */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa', 'localdomain', 'lan', 'home', 'corp', 'intranet', 'private', 'svc'];

function nameKind(hostname: string): PrivateHostKind | undefined {
	// "localhost." is the same name as "localhost" to a resolver.
	const name = hostname.replace(/\.$/, '');
	// One label ("redis", "postgres", "metadata") is resolved through the search domains: a service
	// name in Docker or Kubernetes, never a public host.
	if (!name.includes('.')) return 'local name';
	if (name.split('.').some((label) => label === '')) return 'local name';
	if (LOCAL_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) return 'local name';
	return undefined;
}

/** Why the host may not be fetched by the tool, or undefined when it looks public. */
export function privateHostKind(hostname: string): PrivateHostKind | undefined {
	const host = hostname.toLowerCase();
	if (host.startsWith('[') && host.endsWith(']')) {
		const groups = parseIpv6(host.slice(1, -1));
		return groups ? ipv6Kind(groups) : 'reserved';
	}
	const address = parseIpv4(host);
	if (address !== undefined) return ipv4Kind(address);
	return nameKind(host);
}
