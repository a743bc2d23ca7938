'use strict';

const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { DEFAULT_CONFIG, mergeConfig } = require('./config');
const { Store, loadSeed } = require('./store');
const { FaultSchedule } = require('./faults');
const { inspectFaceImage } = require('./images');
const { handleModules } = require('./modules');
const { ROUTES: VERIFY_ROUTES, logVerifyBody } = require('./verify');
const { ROUTES: RECOGNITION_ROUTES, logRecognitionBody } = require('./recognition');
const { handleAdmin } = require('./admin');
const idcheck = require('./idcheck');
const { IdcheckStore } = require('./idcheckStore');
const { WebhookDispatcher } = require('./webhooks');

const JSON_TYPE = 'application/json; charset=utf-8';
// After a 413 the rest of an oversized body is read and dropped (never buffered) for at most this long,
// so the client gets to read the 413 instead of a reset mid-upload, as gateways with lingering close do.
const LINGER_MS = 10000;

function splitUrl(rawUrl) {
	const q = rawUrl.indexOf('?');
	let path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
	try {
		path = decodeURIComponent(path);
	} catch {
		// keep the raw path: a bad escape just means no route matches
	}
	if (path.length > 1) path = path.replace(/\/+$/, '');
	return { path: path || '/', params: new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '') };
}

function pickQuery(params) {
	const get = (k) => (params.has(k) ? params.get(k) : null);
	return { collectionId: get('collectionId'), page: get('page'), term: get('term'), faceId: get('faceId') };
}

function sendJson(res, status, obj, headers) {
	if (res.destroyed || res.writableEnded) return;
	const body = Buffer.from(JSON.stringify(obj));
	res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': body.length, ...headers });
	res.end(body);
}

function sendRaw(res, status, type, body, headers) {
	if (res.destroyed || res.writableEnded) return;
	const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
	res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, ...headers });
	res.end(buf);
}

/**
 * The 'cut' fault: a real status line and headers, part of the body, then the connection ends without the rest.
 * Written straight to the socket so the bytes on the wire are exactly these, whatever Node's http layer would do.
 * Chunked: complete chunks of the part, but never the terminating zero-length chunk.
 */
function cutResponse(socket, status, body, fault, headers) {
	const sent = Math.min(fault.bodyBytes ?? Math.floor(body.length / 2), body.length - 1);
	const part = body.subarray(0, Math.max(sent, 0));
	const lines = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Unknown'}`, `Date: ${new Date().toUTCString()}`, `Content-Type: ${JSON_TYPE}`, 'Connection: keep-alive'];
	for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
	let payload = part;
	if (fault.transfer === 'chunked') {
		lines.push('Transfer-Encoding: chunked');
		payload = part.length ? Buffer.concat([Buffer.from(part.length.toString(16) + '\r\n'), part, Buffer.from('\r\n')]) : Buffer.alloc(0);
	} else {
		lines.push(`Content-Length: ${body.length}`);
	}
	if (socket.destroyed) return;
	socket.end(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), payload]), () => socket.destroy());
}

function htmlPage(status) {
	const title = `${status} ${http.STATUS_CODES[status] || 'Error'}`;
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>argos-sandbox-gateway</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * Streams the body, keeping at most `limit` bytes. Oversized bodies are detected from Content-Length up
 * front or while streaming (chunked uploads), and the remainder is drained without being stored.
 */
function readBody(req, limit, cb) {
	let done = false;
	const finish = (err, buf) => {
		if (done) return;
		done = true;
		cb(err, buf);
	};
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > limit) {
		req.resume();
		return finish({ tooLarge: true });
	}
	const chunks = [];
	let size = 0;
	req.on('data', (chunk) => {
		if (done) return;
		size += chunk.length;
		if (size > limit) {
			chunks.length = 0;
			return finish({ tooLarge: true });
		}
		chunks.push(chunk);
	});
	req.on('end', () => finish(null, Buffer.concat(chunks, size)));
	req.on('error', () => finish({ aborted: true }));
	req.on('close', () => finish({ aborted: true }));
}

function parsePostBody(buf) {
	if (!buf || buf.length === 0) return { body: null, invalidJson: true };
	try {
		const v = JSON.parse(buf.toString('utf8'));
		if (v && typeof v === 'object' && !Array.isArray(v)) return { body: v, invalidJson: false };
	} catch {
		// fall through: invalid JSON is an ordinary 400, not a crash
	}
	return { body: null, invalidJson: true };
}

const NO_IMAGE = Object.freeze({ present: false, form: null, decodable: false, bytes: null, sha256: null, format: null, faceKey: null, spoof: false });

class SandboxServer {
	constructor({ seedPath, config, onRequest } = {}) {
		this.seedPath = seedPath;
		this.seed = loadSeed(seedPath);
		this.baseConfig = mergeConfig(DEFAULT_CONFIG, config);
		this.config = { ...this.baseConfig };
		this.onRequest = typeof onRequest === 'function' ? onRequest : null;
		this.timers = new Set();
		this.faultSchedule = new FaultSchedule();
		this.resetState();
		this.server = http.createServer({ keepAlive: true }, (req, res) => this.dispatch(req, res));
		this.server.keepAliveTimeout = 5000;
		// Only our own hang fault may keep a request open; Node's defaults would cut a hang at 300 s anyway.
		this.server.requestTimeout = 0;
	}

	resetState() {
		this.store = new Store(this.seed);
		this.keys = new Map(this.seed.apiKeys.map((k) => [k.key, k.status]));
		this.log = [];
		this.seq = 0;
		// A reset also forgets the webhook URL and stops the old dispatcher's pending retries.
		if (this.idcheck) this.idcheck.webhooks.close();
		this.idcheck = { store: new IdcheckStore(), webhooks: new WebhookDispatcher(this) };
	}

	reset() {
		this.resetState();
		this.faultSchedule.clear();
		this.config = { ...this.baseConfig };
	}

	setConfig(partial) {
		this.config = mergeConfig(this.config, partial);
		return { ...this.config };
	}

	state() {
		return { config: { ...this.config }, collections: this.store.snapshot() };
	}

	requests(sinceSeq) {
		const list = sinceSeq ? this.log.filter((e) => e.seq > sinceSeq) : this.log;
		return structuredClone(list).sort((a, b) => a.seq - b.seq);
	}

	clearRequests() {
		this.log = [];
	}

	keyState(header) {
		if (header == null || header === '') return 'missing';
		return this.keys.get(header) === 'active' ? 'valid' : 'rejected';
	}

	/** setTimeout that close() can cancel; unref'd so a forgotten sandbox cannot keep a test run alive by timers. */
	later(ms, fn) {
		if (!(ms > 0)) {
			fn();
			return null;
		}
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		t.unref();
		this.timers.add(t);
		return t;
	}

	cancel(t) {
		if (t) {
			clearTimeout(t);
			this.timers.delete(t);
		}
	}

	listen(port, host) {
		return new Promise((resolve, reject) => {
			const onError = (err) => reject(err);
			this.server.once('error', onError);
			this.server.listen(port, host, () => {
				this.server.off('error', onError);
				resolve(this.server.address().port);
			});
		});
	}

	close() {
		this.idcheck.webhooks.close();
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		return new Promise((resolve) => {
			if (!this.server.listening) return resolve();
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	dispatch(req, res) {
		let url;
		try {
			url = splitUrl(req.url || '/');
		} catch {
			url = { path: '/', params: new URLSearchParams() };
		}
		try {
			if (url.path === '/modules' || url.path.startsWith('/modules/')) return this.handleModulesRequest(req, res, url);
			if (idcheck.isIdcheckPath(url.path)) return this.handleModulesRequest(req, res, url, idcheck);
			if (url.path === '/__sandbox' || url.path.startsWith('/__sandbox/')) return this.handleAdminRequest(req, res, url);
			req.resume();
			sendJson(res, 404, { message: `Not Found: ${req.method} ${url.path}. ARGOS endpoints live under /modules and /v3, the sandbox admin under /__sandbox.` });
		} catch (err) {
			// A bug must cost one request, never the process that every test depends on.
			sendJson(res, 500, { message: `Sandbox internal error: ${err.message}` });
		}
	}

	handleAdminRequest(req, res, url) {
		readBody(req, this.config.maxBodyBytes, (err, buf) => {
			if (err && err.tooLarge) return sendRaw(res, 413, 'text/html', htmlPage(413));
			if (err) return;
			const failed = (e) => ({ status: e.status || (e instanceof TypeError || e instanceof SyntaxError || e instanceof RangeError ? 400 : 500), body: { error: e.message } });
			const send = (out) => (out.raw ? sendRaw(res, out.status, out.type, out.raw) : sendJson(res, out.status, out.body));
			let out;
			try {
				const admin = idcheck.isIdcheckAdminPath(url.path) ? idcheck.handleIdcheckAdmin : handleAdmin;
				out = admin(this, { method: req.method, path: url.path, params: url.params, buf });
			} catch (e) {
				out = failed(e);
			}
			// A few controls wait (settled deliveries, a forged send); the rest answer at once.
			if (out && typeof out.then === 'function') return out.then(send, (e) => send(failed(e)));
			send(out);
		});
	}

	/** api: null for /modules; the idcheck module for /v3, which brings its own key check, handler and log fields. */
	handleModulesRequest(req, res, url, api = null) {
		const t0 = performance.now();
		// Taken on arrival: a client that leaves during the latency takes its socket's address with it.
		const remoteAddress = req.socket.remoteAddress;
		const method = req.method;
		const path = url.path;
		const entry = {
			seq: ++this.seq,
			startedAt: new Date().toISOString(),
			durationMs: null,
			method,
			path,
			query: api ? Object.fromEntries(url.params) : pickQuery(url.params),
			body: null,
			apiKey: api ? api.keyState(this, req.headers['x-api-key']) : this.keyState(req.headers['x-api-key']),
			status: null,
			errorCode: null,
			fault: null,
			outcome: null,
		};
		// Decided on arrival so a seeded random schedule replays identically for the same arrival order.
		// A body already declared too large never reaches the API, so it must not use up a fault either.
		const declared = Number(req.headers['content-length']);
		const fault = declared > this.config.maxBodyBytes ? null : this.faultSchedule.decide(method, path);
		if (fault) entry.fault = { action: fault.action, status: fault.status ?? null, when: fault.when, source: fault.source, ...(fault.ruleId ? { ruleId: fault.ruleId } : {}) };

		let logged = false;
		let serverClosing = false;
		let hangTimer = null;
		const stamp = () => {
			entry.durationMs = Math.round((performance.now() - t0) * 10) / 10;
		};
		const record = (status) => {
			if (logged) return;
			logged = true;
			entry.status = status;
			stamp();
			this.log.push(entry);
			// Long benchmark runs must not grow memory without bound; the oldest entries go first.
			if (this.log.length > this.config.logLimit) this.log.splice(0, this.log.length - this.config.logLimit);
			if (this.onRequest) {
				try {
					this.onRequest(structuredClone(entry));
				} catch {
					// observers must not break the server
				}
			}
		};
		res.on('finish', () => record(res.statusCode));
		res.on('close', () => {
			this.cancel(hangTimer);
			if (logged) {
				// A hung request was logged when it started hanging; its duration ends now.
				if (entry.fault && entry.fault.action === 'hang') stamp();
				return;
			}
			if (!serverClosing) entry.clientAborted = true;
			record(null);
		});

		const applyFault = (result) => {
			const headers = {};
			if (fault.retryAfter != null) headers['Retry-After'] = String(fault.retryAfter);
			if (result) entry.fault.replaced = { status: result.status, errorCode: result.errorCode };
			entry.errorCode = null;
			switch (fault.action) {
				case 'reset': {
					serverClosing = true;
					const s = req.socket;
					if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
					else s.destroy();
					return;
				}
				case 'hang':
					record(null);
					hangTimer = this.later(this.config.hangMaxMs, () => {
						serverClosing = true;
						req.socket.destroy();
					});
					return;
				case 'malformed': {
					const full = result && result.raw ? result.raw.toString('latin1') : JSON.stringify(result ? this.wireBody(result.body) : api ? { Items: [] } : { message: 'Face added successfully', faceId: 'face_0000000000000000' });
					return sendRaw(res, fault.status, JSON_TYPE, full.slice(0, Math.max(1, Math.floor(full.length / 2))), headers);
				}
				case 'html':
					return sendRaw(res, fault.status, 'text/html; charset=utf-8', htmlPage(fault.status), headers);
				case 'cut': {
					const status = fault.status ?? (result ? result.status : 200);
					entry.fault.status = status;
					const body = result ? this.wireBody(result.body) : status >= 400 ? { message: http.STATUS_CODES[status] || 'Error' } : api ? { Items: [] } : { message: 'Face added successfully', faceId: 'face_0000000000000000' };
					serverClosing = true;
					record(status);
					return cutResponse(req.socket, status, result && result.raw ? result.raw : Buffer.from(JSON.stringify(body)), fault, headers);
				}
				default: {
					const body = { message: fault.message || http.STATUS_CODES[fault.status] || 'Error' };
					if (fault.errorCode != null) {
						body.errorCode = fault.errorCode;
						entry.errorCode = Number.isFinite(Number(fault.errorCode)) ? Number(fault.errorCode) : fault.errorCode;
					}
					return sendJson(res, fault.status, this.wireBody(body), headers);
				}
			}
		};

		readBody(req, this.config.maxBodyBytes, (err, buf) => {
			if (err && err.aborted) return; // the 'close' handler logs it
			if (err && err.tooLarge) {
				entry.outcome = 'rejected';
				entry.body = { tooLarge: true };
				entry.fault = null;
				// Lingering close: drain what the client is still sending, then give up on it.
				const linger = this.later(LINGER_MS, () => req.socket.destroy());
				req.on('end', () => this.cancel(linger));
				res.on('close', () => this.cancel(linger));
				return sendRaw(res, 413, 'text/html; charset=utf-8', htmlPage(413));
			}
			let parsed = { body: null, invalidJson: false };
			let img = NO_IMAGE;
			if (api) {
				entry.body = api.logBody(method, buf, req.headers);
			} else if (method === 'POST') {
				parsed = parsePostBody(buf);
				img = parsed.body ? inspectFaceImage(parsed.body.faceImage) : NO_IMAGE;
				entry.body = this.logBody(parsed, img, buf.length);
				if (parsed.body && VERIFY_ROUTES[path]) Object.assign(entry.body, logVerifyBody(this, parsed.body));
				if (parsed.body && RECOGNITION_ROUTES[path]) Object.assign(entry.body, logRecognitionBody(this, parsed.body));
			}
			const delay = fault && fault.latencyMs != null ? fault.latencyMs : this.config.latencyMs;
			// The request is processed even if the client gave up while waiting: a real server would not know.
			this.later(delay, () => {
				if (fault && fault.action !== 'delay' && fault.when === 'before') {
					entry.outcome = 'fault';
					return applyFault(null);
				}
				let result;
				try {
					result = api
						? api.handleIdcheck(this, { method, path, params: url.params, buf, headers: req.headers, apiKey: entry.apiKey, remoteAddress })
						: handleModules(this, { method, path, query: entry.query, body: parsed.body, img, apiKey: entry.apiKey, remoteAddress });
				} catch (e) {
					result = { status: 500, errorCode: null, body: { message: `Sandbox internal error: ${e.message}` }, outcome: 'error' };
				}
				entry.outcome = result.outcome;
				entry.errorCode = result.errorCode ?? null;
				if (result.faceId) entry.faceId = result.faceId;
				if (result.matches != null) entry.matches = result.matches;
				if (result.count != null) entry.count = result.count;
				if (result.livenessScore !== undefined) entry.livenessScore = result.livenessScore;
				if (result.log) Object.assign(entry, result.log);
				if (fault && fault.action !== 'delay' && fault.when === 'after') return applyFault(result);
				if (result.raw) return sendRaw(res, result.status, result.type, result.raw, result.headers);
				sendJson(res, result.status, this.wireBody(result.body), result.headers);
			});
		});
	}

	/** errorCode is a number unless config says to send it as the string one ARGOS doc page types it as. */
	wireBody(body) {
		if (body && body.errorCode != null && this.config.errorCodeAs === 'string') return { ...body, errorCode: String(body.errorCode) };
		return body;
	}

	// Only the fields a test needs to assert on; never the key, never the image itself.
	logBody(parsed, img, rawBytes) {
		if (!parsed.body) return { invalidJson: true, rawBytes };
		const b = parsed.body;
		const s = (v) => (typeof v === 'string' ? v : v == null ? null : String(v));
		return {
			collectionId: s(b.collectionId),
			userName: s(b.userName),
			requestName: s(b.requestName),
			imageForm: img.form,
			imageBytes: img.bytes,
			imageSha256: img.sha256,
			imageFormat: img.format,
			rawBytes,
		};
	}
}

module.exports = { SandboxServer, htmlPage };
