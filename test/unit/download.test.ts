/**
 * The downloader's own redirect loop, against a scripted stand-in for n8n's httpRequest helper (the
 * engine tests run the real one, but cannot have a public first hop without a proxy). Public-looking
 * names here are never contacted: the stand-in answers them.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { FaceError } from '../../nodes/shared/errors';
import type { DownloadSettings } from '../../nodes/shared/transport/download';
import { downloadImage } from '../../nodes/shared/transport/download';
import { stream } from '../support/builtins';

const { Readable } = stream;

type Reply = { status: number; location?: string; body?: string; length?: number } | { error: string; name?: string };

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

function scripted(routes: Record<string, Reply>) {
	const calls: IHttpRequestOptions[] = [];
	const destroyed: string[] = [];
	const fn = {
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				calls.push(options);
				const reply = routes[options.url] ?? { error: 'ECONNREFUSED' };
				if ('error' in reply) throw Object.assign(new Error(`connect ${reply.error} (a message that repeats ${options.url})`), { code: reply.error, name: reply.name ?? 'Error' });
				const body = Readable.from([reply.body === undefined ? JPEG : Buffer.from(reply.body)]);
				const destroy = body.destroy.bind(body);
				body.destroy = (error?: Error) => {
					destroyed.push(options.url);
					return destroy(error);
				};
				const headers: Record<string, string> = {};
				if (reply.location !== undefined) headers.location = reply.location;
				if (reply.length !== undefined) headers['content-length'] = String(reply.length);
				return { statusCode: reply.status, headers, body };
			},
		},
	} as unknown as IExecuteFunctions;
	return { fn, calls, destroyed, requested: () => calls.map((c) => c.url) };
}

const TOOL: Partial<DownloadSettings> = { refusePrivateHosts: true, withholdFailureCause: true };

async function download(fn: IExecuteFunctions, url: string, settings: Partial<DownloadSettings> = {}) {
	return await downloadImage(fn, url, { maxBytes: 1024 * 1024, timeoutSeconds: 5, ...settings });
}

async function failure(fn: IExecuteFunctions, url: string, settings: Partial<DownloadSettings> = {}) {
	try {
		await download(fn, url, settings);
	} catch (error) {
		expect(error).toBeInstanceOf(FaceError);
		return (error as FaceError).info;
	}
	throw new Error(`${url} was downloaded`);
}

describe('redirects are followed by the node, one hop at a time', () => {
	it('relative, root-relative, protocol-relative and absolute Locations resolve against the URL that answered', async () => {
		const s = scripted({
			'http://a.example/dir/x.jpg': { status: 302, location: 'y.jpg' },
			'http://a.example/dir/y.jpg': { status: 301, location: '/z.jpg?v=1' },
			'http://a.example/z.jpg?v=1': { status: 307, location: '//b.example/w.jpg' },
			'http://b.example/w.jpg': { status: 308, location: 'https://c.example/final.jpg' },
			'https://c.example/final.jpg': { status: 303, location: '../img/face.jpg' },
			'https://c.example/img/face.jpg': { status: 200 },
		});
		const result = await download(s.fn, 'http://a.example/dir/x.jpg', TOOL);
		expect(result).toEqual({ buffer: JPEG, host: 'a.example' });
		expect(s.requested()).toEqual([
			'http://a.example/dir/x.jpg',
			'http://a.example/dir/y.jpg',
			'http://a.example/z.jpg?v=1',
			'http://b.example/w.jpg',
			'https://c.example/final.jpg',
			'https://c.example/img/face.jpg',
		]);
		// Every redirect's body is dropped unread (the last one ends by being read); n8n never follows one itself.
		expect(s.destroyed).toEqual(expect.arrayContaining(s.requested().slice(0, 5)));
		for (const call of s.calls) expect(call).toMatchObject({ disableFollowRedirect: true, method: 'GET', encoding: 'stream' });
		for (const call of s.calls) expect(call).not.toHaveProperty('maxRedirects');
	});

	it('five redirects are followed; the sixth fails, after six requests', async () => {
		const chain = (n: number) =>
			Object.fromEntries(Array.from({ length: n }, (_, i) => [`http://a.example/${i}`, { status: 302, location: `/${i + 1}` } as Reply]));
		const five = scripted({ ...chain(5), 'http://a.example/5': { status: 200 } });
		expect((await download(five.fn, 'http://a.example/0')).buffer).toEqual(JPEG);
		const six = scripted({ ...chain(6), 'http://a.example/6': { status: 200 } });
		expect(await failure(six.fn, 'http://a.example/0')).toMatchObject({
			code: 'IMAGE_DOWNLOAD_FAILED',
			message: 'Could not download the image from a.example (more than 5 redirects)',
		});
		expect(six.requested()).toHaveLength(6);
	});

	it.each(['ftp://a.example/face.jpg', 'file:///etc/passwd', 'javascript:alert(1)', 'http://[::1', 'data:image/jpeg;base64,/9j/'])(
		'a redirect to %s fails without being requested',
		async (location) => {
			const s = scripted({ 'http://a.example/x': { status: 302, location } });
			expect((await failure(s.fn, 'http://a.example/x')).message).toBe(
				'Could not download the image from a.example (redirected to an address that is not http or https)',
			);
			expect(s.requested()).toEqual(['http://a.example/x']);
		},
	);

	it('300, 304 and a 3xx without Location are answers, not redirects', async () => {
		for (const reply of [{ status: 300, location: '/y' }, { status: 304, location: '/y' }, { status: 302 }, { status: 302, location: '' }]) {
			const s = scripted({ 'http://a.example/x': reply });
			expect((await failure(s.fn, 'http://a.example/x')).message).toBe(`Could not download the image from a.example (HTTP ${reply.status})`);
			expect(s.requested()).toEqual(['http://a.example/x']);
			expect(s.destroyed).toEqual(['http://a.example/x']);
		}
	});
});

describe('as a tool, every hop is checked before it is requested', () => {
	it.each([
		'http://127.0.0.1/face.jpg',
		'http://localhost:8080/face.jpg',
		'http://[::ffff:127.0.0.1]/face.jpg',
		'http://2130706433/face.jpg',
		'http://169.254.169.254/latest/meta-data/',
		'http://metadata.google.internal/computeMetadata/v1/',
		'http://10.0.0.8/',
		'http://redis:6379/',
	])('a public link redirecting to %s is refused at that hop', async (target) => {
		const s = scripted({
			'https://images.example/a.jpg': { status: 302, location: 'https://cdn.example/b.jpg' },
			'https://cdn.example/b.jpg': { status: 307, location: target },
		});
		expect(await failure(s.fn, 'https://images.example/a.jpg', TOOL)).toMatchObject({ code: 'IMAGE_URL_REFUSED' });
		expect(s.requested()).toEqual(['https://images.example/a.jpg', 'https://cdn.example/b.jpg']);
		expect(s.destroyed).toEqual(s.requested());
	});

	it('a private first link is refused with no request at all', async () => {
		const s = scripted({});
		expect(await failure(s.fn, 'http://0x7f.1/face.jpg', TOOL)).toMatchObject({ code: 'IMAGE_URL_REFUSED' });
		expect(s.calls).toEqual([]);
	});

	it('without the check (outside tool mode, or Allow Private Image Hosts on) the same redirect is followed', async () => {
		const s = scripted({
			'https://images.example/a.jpg': { status: 302, location: 'http://127.0.0.1:8080/face.jpg' },
			'http://127.0.0.1:8080/face.jpg': { status: 200 },
		});
		for (const settings of [{}, { refusePrivateHosts: false, withholdFailureCause: true }]) {
			expect((await download(s.fn, 'https://images.example/a.jpg', settings)).buffer).toEqual(JPEG);
		}
	});
});

describe('as a tool, failures do not say why', () => {
	const routes: Record<string, Reply> = {
		'http://a.example/404': { status: 404 },
		'http://a.example/403': { status: 403 },
		'http://a.example/500': { status: 500 },
		'http://a.example/429': { status: 429 },
		'http://a.example/no-location': { status: 302 },
		'http://a.example/ftp': { status: 302, location: 'ftp://a.example/' },
		'http://a.example/loop': { status: 302, location: '/loop' },
		'http://a.example/reset': { error: 'ECONNRESET' },
		'http://a.example/slow': { error: 'ETIMEDOUT' },
		'http://a.example/nxdomain': { error: 'ENOTFOUND' },
		'http://a.example/ssrf': { error: 'X', name: 'SsrfBlockedIpError' },
		'http://a.example/odd': { error: 'weird lower-case' },
	};
	const urls = [...Object.keys(routes), 'http://a.example/refused'];

	it('every cause gives one identical error, outside tool mode they all differ', async () => {
		const s = scripted(routes);
		const withheld: FaceError['info'][] = [];
		const detailed: FaceError['info'][] = [];
		for (const url of urls) {
			withheld.push(await failure(s.fn, url, TOOL));
			detailed.push(await failure(s.fn, url));
		}
		for (const info of withheld) expect(info).toEqual(withheld[0]);
		expect(withheld[0]).toEqual({
			code: 'IMAGE_DOWNLOAD_FAILED',
			message: 'Could not download the image from this link',
			description: expect.stringMatching(/does not say why/),
			httpStatus: null,
			retryable: false,
			outcomeUnknown: false,
			attempts: 0,
		});
		expect(new Set(detailed.map((i) => i.message)).size).toBe(urls.length);
	});

	it('a body over the size limit is still reported as such: it is a judgement on a delivered 2xx answer', async () => {
		const s = scripted({ 'http://a.example/big': { status: 200, length: 5 * 1024 * 1024 } });
		expect(await failure(s.fn, 'http://a.example/big', TOOL)).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
	});
});
