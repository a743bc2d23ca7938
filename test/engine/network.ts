/**
 * Two stand-ins for the network beyond this machine, for the SSRF tests. This machine may contact
 * loopback addresses only, so:
 *
 * - `installTripwire` records every outgoing TCP connection the process starts (n8n-core runs in this
 *   process) and stops any to a non-loopback address or a name other than localhost before it is made —
 *   no DNS query, no packet. A test can then say "nothing was contacted at all", and code that would
 *   reach out (the node before its fix) fails the test instead of touching another network.
 * - `startFakeInternet` is an HTTP proxy on loopback that answers itself for a few public-looking names.
 *   With HTTP_PROXY pointing at it, n8n's own environment-proxy support sends those requests here, so a
 *   "public" first hop exists without leaving the machine, and its redirects are real HTTP redirects.
 */
import { fs, http, net, path, process } from '../support/builtins';
import { IMAGES } from './helpers';

const { createServer } = http;
const { isIP, Socket } = net;
const { readFileSync } = fs;
const { join } = path;

export interface Tripwire {
	/** host:port of every connection started, allowed or stopped, since the last `clear()`. */
	attempts: string[];
	/** The ones stopped because they would have left loopback. */
	stopped: string[];
	clear: () => void;
	restore: () => void;
}

const isLoopback = (host: string) =>
	host === 'localhost' ||
	(isIP(host) === 4 && (host.startsWith('127.') || host === '0.0.0.0')) ||
	(isIP(host) === 6 && /^(::1|::|::ffff:127\.[\d.]+|::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4})$/i.test(host));

export function installTripwire(): Tripwire {
	const original = Socket.prototype.connect;
	const wire: Tripwire = {
		attempts: [],
		stopped: [],
		clear: () => {
			wire.attempts.length = 0;
			wire.stopped.length = 0;
		},
		restore: () => {
			Socket.prototype.connect = original;
		},
	};
	Socket.prototype.connect = function (this: import('net').Socket, ...args: unknown[]) {
		// net.connect passes its normalised [options, callback] array as the first argument.
		const first = Array.isArray(args[0]) ? args[0][0] : args[0];
		const options = (typeof first === 'object' && first !== null ? first : { port: first, host: args[1] }) as { host?: unknown; port?: unknown; path?: unknown };
		if (typeof options.path === 'string') return original.apply(this, args as never);
		const host = typeof options.host === 'string' ? options.host.replace(/^\[|\]$/g, '') : 'localhost';
		const target = `${host}:${String(options.port)}`;
		wire.attempts.push(target);
		if (isLoopback(host)) return original.apply(this, args as never);
		wire.stopped.push(target);
		process.nextTick(() => this.destroy(Object.assign(new Error(`tripwire: ${target} is not on loopback`), { code: 'ETRIPWIRE' })));
		return this;
	} as typeof original;
	return wire;
}

export interface FakeInternet {
	/** http://127.0.0.1:PORT, for HTTP_PROXY. */
	proxyUrl: string;
	/** Every request that reached it, as absolute URLs. */
	requests: string[];
	close: () => Promise<void>;
}

/** Names the fake internet answers for; anything else sent to it would have left the machine. */
export const PUBLIC_HOSTS = ['images.example', 'cdn.example'];

/**
 * Routes, on any of PUBLIC_HOSTS: /face.jpg (`face`, by default a real photo), /relative (302 to /face.jpg),
 * /to?url=<link> (302 to that link), /status/<n> (that status). Anything else: 502.
 */
export async function startFakeInternet(face: Buffer = readFileSync(join(IMAGES, 'face.jpg'))): Promise<FakeInternet> {
	const requests: string[] = [];
	const server = createServer((req, res) => {
		requests.push(req.url ?? '');
		let url: URL;
		try {
			url = new URL(req.url ?? '');
		} catch {
			res.writeHead(400).end();
			return;
		}
		if (!PUBLIC_HOSTS.includes(url.hostname)) {
			res.writeHead(502).end();
			return;
		}
		if (url.pathname === '/face.jpg') {
			res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': face.length });
			res.end(face);
		} else if (url.pathname === '/relative') {
			res.writeHead(302, { location: '/face.jpg' }).end('moved');
		} else if (url.pathname === '/to') {
			res.writeHead(302, { location: url.searchParams.get('url') ?? '' }).end('moved');
		} else if (url.pathname.startsWith('/status/')) {
			res.writeHead(Number(url.pathname.slice('/status/'.length)) || 500).end('status page');
		} else {
			res.writeHead(404).end('not here');
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as import('net').AddressInfo;
	return {
		proxyUrl: `http://127.0.0.1:${port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const;

/** Sends n8n's plain-http requests to the fake internet, except those to loopback. Returns the undo. */
export function useFakeInternet(internet: FakeInternet): () => void {
	const saved = PROXY_VARIABLES.map((name) => [name, process.env[name]] as const);
	process.env.HTTP_PROXY = process.env.http_proxy = internet.proxyUrl;
	process.env.NO_PROXY = process.env.no_proxy = '127.0.0.1,localhost';
	return () => {
		for (const [name, value] of saved) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
	};
}
