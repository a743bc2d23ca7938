/** A loopback image host for the URL source tests: serves fixtures and misbehaves on request. */
import { fs, http, path } from '../support/builtins';
import { IMAGES } from './helpers';

const { createServer } = http;
const { readFileSync } = fs;
const { join } = path;

export interface ImageHost {
	url: string;
	/** Every request the host received: method, path with query, headers. */
	requests: Array<{ method?: string; url?: string; headers: import('http').IncomingHttpHeaders }>;
	/** Bytes of body the /endless route managed to write before the client hung up. */
	endlessBytesWritten: () => number;
	/** Serves these bytes at this path from now on (e.g. sandbox sample images with markers). */
	serve: (path: string, bytes: Buffer, type?: string) => string;
	close: () => Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
/** /endless gives up here even if the client never hangs up, so a broken test cannot run forever. */
export const ENDLESS_LIMIT = 64 * 1024 * 1024;

export async function startImageHost(): Promise<ImageHost> {
	const requests: ImageHost['requests'] = [];
	const served = new Map<string, { bytes: Buffer; type: string }>();
	let endlessWritten = 0;
	const sockets = new Set<import('net').Socket>();
	const server: import('http').Server = createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, headers: req.headers });
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const file = (name: string, type: string, cut?: number) => {
			const bytes = readFileSync(join(IMAGES, name));
			const body = cut === undefined ? bytes : bytes.subarray(0, cut);
			res.writeHead(200, { 'content-type': type, 'content-length': body.length });
			res.end(body);
		};
		const own = served.get(path);
		if (own) {
			res.writeHead(200, { 'content-type': own.type, 'content-length': own.bytes.length });
			return res.end(own.bytes);
		}
		if (path === '/face.jpg') return file('face.jpg', 'image/jpeg');
		if (path === '/face.png') return file('face.png', 'image/png');
		if (path === '/notes') return file('notes.txt', 'image/jpeg');
		if (path === '/cut.jpg') return file('face.jpg', 'image/jpeg', 4000);
		if (path === '/redirect') {
			res.writeHead(302, { location: '/face.jpg' });
			return res.end();
		}
		if (path === '/loop') {
			res.writeHead(302, { location: '/loop' });
			return res.end();
		}
		if (path === '/declared-huge') {
			res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 500 * 1024 * 1024 });
			return res.write(readFileSync(join(IMAGES, 'face.jpg')).subarray(0, 100));
		}
		if (path === '/endless') {
			// A JPEG start, then filler without a length, written only as fast as the client reads.
			res.writeHead(200, { 'content-type': 'image/jpeg' });
			const write = (): void => {
				while (endlessWritten < ENDLESS_LIMIT && !res.destroyed) {
					endlessWritten += CHUNK.length;
					if (!res.write(endlessWritten === CHUNK.length ? Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), CHUNK.subarray(3)]) : CHUNK)) {
						res.once('drain', write);
						return;
					}
				}
				res.end();
			};
			return write();
		}
		if (path === '/stall') {
			res.writeHead(200, { 'content-type': 'image/jpeg' });
			return res.write(readFileSync(join(IMAGES, 'face.jpg')).subarray(0, 100));
		}
		res.writeHead(404, { 'content-type': 'text/plain' });
		res.end('not here');
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as import('net').AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		endlessBytesWritten: () => endlessWritten,
		serve: (path, bytes, type = 'image/jpeg') => {
			served.set(path, { bytes, type });
			return `http://127.0.0.1:${port}${path}`;
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
