/**
 * The host check of the tool's image links, on hostnames as the WHATWG URL parser hands them over.
 * Pure: no name is resolved and nothing is contacted.
 */
import { privateHostKind } from '../../nodes/shared/transport/privateHost';

const kindOf = (url: string) => privateHostKind(new URL(url).hostname);

describe('the URL parser normalises odd spellings first, and the check relies on it', () => {
	it.each([
		['http://2130706433/', '127.0.0.1'],
		['http://0x7f000001/', '127.0.0.1'],
		['http://0x7f.1/', '127.0.0.1'],
		['http://0177.0.0.1/', '127.0.0.1'],
		['http://017700000001/', '127.0.0.1'],
		['http://127.1/', '127.0.0.1'],
		['http://127.0.1/', '127.0.0.1'],
		['http://127.0.0.1./', '127.0.0.1'],
		['http://%31%32%37.0.0.1/', '127.0.0.1'],
		['http://１２７.０.０.１/', '127.0.0.1'],
		['http://0/', '0.0.0.0'],
		['http://3232235777/', '192.168.1.1'],
		['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254'],
		['http://LOCALHOST/', 'localhost'],
		['http://ｌｏｃａｌｈｏｓｔ/', 'localhost'],
		['http://%6c%6fcalhost/', 'localhost'],
		['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
		['http://[0:0:0:0:0:0:0:1]/', '[::1]'],
		['http://user:pass@10.0.0.1:8080/x', '10.0.0.1'],
		['http://public.example@127.0.0.1/', '127.0.0.1'],
	])('%s has hostname %s, refused', (url, hostname) => {
		expect(new URL(url).hostname).toBe(hostname);
		expect(kindOf(url)).toBeDefined();
	});
});

describe('IPv4', () => {
	it.each([
		// [address, kind] at the edges of each block, with its public neighbours below.
		['0.0.0.0', 'unspecified'],
		['0.255.255.255', 'unspecified'],
		['10.0.0.0', 'private'],
		['10.255.255.255', 'private'],
		['100.64.0.0', 'shared address space'],
		['100.127.255.255', 'shared address space'],
		['127.0.0.1', 'loopback'],
		['127.255.255.254', 'loopback'],
		['169.254.0.1', 'link-local'],
		['169.254.255.255', 'link-local'],
		['172.16.0.0', 'private'],
		['172.31.255.255', 'private'],
		['192.0.0.8', 'reserved'],
		['192.0.2.1', 'reserved'],
		['192.88.99.1', 'reserved'],
		['192.168.0.0', 'private'],
		['192.168.255.255', 'private'],
		['198.18.0.0', 'reserved'],
		['198.19.255.255', 'reserved'],
		['198.51.100.7', 'reserved'],
		['203.0.113.7', 'reserved'],
		['224.0.0.1', 'multicast'],
		['239.255.255.250', 'multicast'],
		['240.0.0.1', 'reserved'],
		['255.255.255.254', 'reserved'],
		['255.255.255.255', 'broadcast'],
		['169.254.169.254', 'cloud metadata'],
		['100.100.100.200', 'cloud metadata'],
		['192.0.0.192', 'cloud metadata'],
	])('%s is %s', (address, kind) => {
		expect(kindOf(`http://${address}/`)).toBe(kind);
	});

	it.each([
		'1.1.1.1',
		'8.8.8.8',
		'9.255.255.255',
		'11.0.0.0',
		'100.63.255.255',
		'100.128.0.0',
		'126.255.255.255',
		'128.0.0.0',
		'169.253.255.255',
		'169.255.0.0',
		'172.15.255.255',
		'172.32.0.0',
		'192.0.1.0',
		'192.0.3.0',
		'192.167.255.255',
		'192.169.0.0',
		'198.17.255.255',
		'198.20.0.0',
		'223.255.255.255',
	])('%s is public', (address) => {
		expect(kindOf(`http://${address}/`)).toBeUndefined();
	});
});

describe('IPv6', () => {
	it.each([
		['::', 'unspecified'],
		['::1', 'loopback'],
		['::ffff:127.0.0.1', 'loopback'],
		['::ffff:7f00:1', 'loopback'],
		['::ffff:10.1.2.3', 'private'],
		['::ffff:192.168.0.1', 'private'],
		['::ffff:169.254.169.254', 'cloud metadata'],
		['::ffff:0.0.0.0', 'unspecified'],
		['::ffff:0:127.0.0.1', 'loopback'],
		['::127.0.0.1', 'reserved'],
		['::8.8.8.8', 'reserved'],
		['64:ff9b::127.0.0.1', 'loopback'],
		['64:ff9b::10.0.0.1', 'private'],
		['64:ff9b::169.254.169.254', 'cloud metadata'],
		['64:ff9b:1::1', 'private'],
		['2002:7f00:1::', 'loopback'],
		['2002:c0a8:101::1', 'private'],
		['fe80::1', 'link-local'],
		['febf:ffff::1', 'link-local'],
		['fec0::1', 'private'],
		['fc00::1', 'unique-local'],
		['fdff:ffff::1', 'unique-local'],
		['fd00:ec2::254', 'cloud metadata'],
		['fd00:ec2::253', 'unique-local'],
		['ff02::1', 'multicast'],
		['ff05::1:3', 'multicast'],
		['100::1', 'reserved'],
		['2001::1', 'reserved'],
		['2001:1ff::1', 'reserved'],
		['2001:db8::1', 'reserved'],
		['3fff::1', 'reserved'],
		['4000::1', 'reserved'],
		['5f00::1', 'reserved'],
	])('[%s] is %s', (address, kind) => {
		expect(kindOf(`http://[${address}]/`)).toBe(kind);
	});

	it.each(['2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001::200e', '2001:200::1', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1'])(
		'[%s] is public',
		(address) => {
			expect(kindOf(`http://[${address}]/`)).toBeUndefined();
		},
	);

	it('also reads forms the URL parser would have rewritten, and refuses what it cannot read', () => {
		expect(privateHostKind('[::FFFF:127.0.0.1]')).toBe('loopback');
		expect(privateHostKind('[0:0:0:0:0:ffff:a00:1]')).toBe('private');
		expect(privateHostKind('[not-an-address]')).toBe('reserved');
		expect(privateHostKind('[1::2::3]')).toBe('reserved');
		expect(privateHostKind('[1:2:3:4:5:6:7:8:9]')).toBe('reserved');
	});
});

describe('names (never resolved)', () => {
	it.each([
		'localhost',
		'localhost.',
		'app.localhost',
		'a.b.localhost',
		'printer.local',
		'k8s-svc.default.svc.cluster.local',
		'metadata.google.internal',
		'db.internal',
		'nas.home.arpa',
		'localhost.localdomain',
		'router.lan',
		'wiki.corp',
		'files.intranet',
		'nas.home',
		'vault.private',
		'redis.default.svc',
		'redis',
		'redis.',
		'postgres',
		'metadata',
		'a..b',
	])('%s is a local name', (name) => {
		expect(kindOf(`http://${name}/`)).toBe('local name');
	});

	it.each(['images.example.com', 'example.com', 'cdn.jsdelivr.net', 'localhost.example.com', 'mylocal.com', 'local.com', 'internal.example.org', 'files.typeform.com', 'xn--bcher-kva.example'])(
		'%s is public',
		(name) => {
			expect(kindOf(`https://${name}/`)).toBeUndefined();
		},
	);

	it('a public name that resolves to a private address is not caught here (only n8n\'s N8N_SSRF_PROTECTION_ENABLED can)', () => {
		expect(kindOf('http://127.0.0.1.nip.io/')).toBeUndefined();
		expect(kindOf('http://localtest.me/')).toBeUndefined();
	});
});
