'use strict';
/*
 * One real n8n instance for the e2e suite: a private user folder, temp dir, HTTP port and task-runner
 * broker port; CLI commands (import, execute) and `n8n start` driven over REST and the public API.
 * Every process runs on Node 24 and is stopped by its process group (see proc.js).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { startProcess, runProcess, freePorts, sleep } = require('./proc');

const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'Passw0rd-E2E-test' };
const BROWSER_ID = 'argos-e2e-browser';

// n8n 2.x modules that call out to n8n's own services (unreachable here) or are not needed.
const V2_DISABLED_MODULES = [
	'mcp-registry',
	'agents',
	'agent-evals',
	'instance-ai',
	'chat-hub',
	'insights',
	'workflow-builder',
	'promotions',
	'instance-registry',
];


/** The body as JSON, or undefined when it is not JSON (an HTML error page, an empty body). */
function parseJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

class N8nInstance {
	/**
	 * @param {object} o
	 * @param {string} o.version       e.g. '2.41.1'
	 * @param {string} o.n8nBin        path to node_modules/n8n/bin/n8n
	 * @param {{bin:string, binDir:string}} o.node  Node 24
	 * @param {string} o.workDir       a fresh folder for this instance (user folder, tmp, logs)
	 * @param {Record<string,string>} [o.extraEnv]
	 */
	constructor({ version, n8nBin, node, workDir, extraEnv = {} }) {
		this.version = version;
		this.major = Number(version.split('.')[0]);
		this.n8nBin = n8nBin;
		this.node = node;
		this.workDir = workDir;
		this.userFolder = path.join(workDir, 'user');
		this.tmpDir = path.join(workDir, 'tmp');
		this.logFile = path.join(workDir, `n8n-${version}.log`);
		this.extraEnv = extraEnv;
		this.proc = null;
		this.cookie = null;
		this.apiKey = null;
		fs.mkdirSync(this.userFolder, { recursive: true });
		fs.mkdirSync(this.tmpDir, { recursive: true });
	}

	async init() {
		[this.port, this.brokerPort] = await freePorts(2);
		this.baseUrl = `http://127.0.0.1:${this.port}`;
		return this;
	}

	env() {
		const keep = ['HOME', 'LANG', 'LC_ALL', 'TERM', 'USER', 'LOGNAME', 'SHELL'];
		const env = {};
		for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
		Object.assign(env, {
			PATH: `${this.node.binDir}${path.delimiter}${process.env.PATH}`,
			TMPDIR: this.tmpDir,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'argos-e2e-encryption-key-0123456789',
			N8N_USER_MANAGEMENT_JWT_SECRET: 'argos-e2e-jwt-secret',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			DB_SQLITE_POOL_SIZE: '2',
			NODE_ENV: 'production',
		});
		if (this.major >= 2) env.N8N_DISABLED_MODULES = V2_DISABLED_MODULES.join(',');
		return { ...env, ...this.extraEnv };
	}

	/** Runs an n8n CLI command to completion (output also goes to the log file). */
	async cli(args, { timeoutMs = 180_000 } = {}) {
		return runProcess(this.node.bin, [this.n8nBin, ...args], {
			env: this.env(),
			cwd: this.workDir,
			logFile: this.logFile,
			timeoutMs,
		});
	}

	async cliOk(args, opts) {
		const r = await this.cli(args, opts);
		if (r.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited ${r.code ?? r.signal}${r.timedOut ? ' (timeout)' : ''}; log: ${this.logFile}\n` +
					`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-25).join('\n'),
			);
		}
		return r;
	}

	/** `n8n start`; resolves when REST answers, n8n reports ready and has printed its editor URL. */
	async start({ timeoutMs = 180_000 } = {}) {
		const started = Date.now();
		fs.appendFileSync(this.logFile, `\n===== n8n start (port ${this.port}, broker ${this.brokerPort}) =====\n`);
		// Only this start's lines count: the log file also holds earlier runs of this instance.
		const logOffset = this.log().length;
		this.proc = startProcess(this.node.bin, [this.n8nBin, 'start'], {
			env: this.env(),
			cwd: this.workDir,
			logFile: this.logFile,
			name: `n8n ${this.version}`,
		});
		while (Date.now() - started < timeoutMs) {
			if (this.proc.hasExited()) {
				const info = this.proc.exitInfo();
				throw new Error(`n8n ${this.version} exited during start-up (${JSON.stringify(info)}); log: ${this.logFile}`);
			}
			try {
				const res = await fetch(`${this.baseUrl}/rest/settings`, { signal: AbortSignal.timeout(2000) });
				await res.arrayBuffer();
				// /rest/settings may answer before every REST route is mounted (seen with 1.x and 2.x:
				// "Cannot POST /rest/owner/setup"); the editor line is printed once start-up is complete
				// While migrating, /rest/settings can also answer 200 "n8n is starting up"; readiness is 200 only once done.
				const ready = await fetch(`${this.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
				await ready.arrayBuffer();
				if (res.status === 200 && ready.status === 200 && /Editor is now accessible via/.test(this.log().slice(logOffset))) {
					this.startMs = Date.now() - started;
					return this.startMs;
				}
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		throw new Error(`n8n ${this.version} did not serve /rest/settings within ${timeoutMs / 1000} s; log: ${this.logFile}`);
	}

	async stop() {
		if (this.proc) {
			await this.proc.stop();
			this.proc = null;
		}
	}

	log() {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	// ---------- HTTP ----------

	/** REST call with the owner's session cookie. Returns { status, body, text, headers }. */
	async rest(method, urlPath, body, { headers = {}, raw = false } = {}) {
		const h = { 'browser-id': BROWSER_ID, ...headers };
		if (this.cookie) h.cookie = this.cookie;
		let payload;
		if (body !== undefined && !(body instanceof FormData)) {
			h['content-type'] = 'application/json';
			payload = JSON.stringify(body);
		} else payload = body;
		const res = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers: h,
			body: payload,
			redirect: 'manual',
			signal: AbortSignal.timeout(60_000),
		});
		const setCookie = res.headers.getSetCookie ? res.headers.getSetCookie() : [];
		for (const c of setCookie) {
			const m = /^(n8n-auth=[^;]*)/.exec(c);
			if (m) this.cookie = m[1];
		}
		if (raw) return res;
		const text = await res.text();
		const parsed = parseJson(text);
		return { status: res.status, body: parsed, text, headers: res.headers };
	}

	async restOk(method, urlPath, body) {
		const r = await this.rest(method, urlPath, body);
		if (r.status < 200 || r.status >= 300) {
			throw new Error(`${method} ${urlPath} -> ${r.status}: ${r.text.slice(0, 500)} (log: ${this.logFile})`);
		}
		return r.body && 'data' in r.body ? r.body.data : r.body;
	}

	/** Public API (/api/v1) with the API key. */
	async api(method, urlPath, body) {
		const res = await fetch(`${this.baseUrl}/api/v1${urlPath}`, {
			method,
			headers: { 'X-N8N-API-KEY': this.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
			signal: AbortSignal.timeout(60_000),
		});
		const text = await res.text();
		const parsed = parseJson(text);
		if (res.status < 200 || res.status >= 300) {
			throw new Error(`public API ${method} ${urlPath} -> ${res.status}: ${text.slice(0, 500)} (log: ${this.logFile})`);
		}
		return parsed;
	}

	/** Owner account, login cookie and a public-API key with every scope. */
	async setupOwner() {
		let setup = await this.rest('POST', '/rest/owner/setup', OWNER);
		for (const until = Date.now() + 30_000; setup.status === 404 && Date.now() < until; ) {
			await sleep(500);
			setup = await this.rest('POST', '/rest/owner/setup', OWNER);
		}
		if (setup.status !== 200) {
			throw new Error(`POST /rest/owner/setup -> ${setup.status}: ${setup.text.slice(0, 300)} (log: ${this.logFile})`);
		}
		await this.login();
		const scopes = await this.restOk('GET', '/rest/api-keys/scopes');
		const key = await this.restOk('POST', '/rest/api-keys', { label: 'argos-e2e', scopes, expiresAt: null });
		this.apiKey = key.rawApiKey ?? key.apiKey;
		if (!this.apiKey) throw new Error(`no API key in ${JSON.stringify(key).slice(0, 300)}`);
	}

	async login() {
		this.cookie = null;
		const r = await this.rest('POST', '/rest/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		if (r.status !== 200 || !this.cookie) {
			throw new Error(`POST /rest/login -> ${r.status}: ${r.text.slice(0, 300)} (log: ${this.logFile})`);
		}
	}

	/** Polls a production webhook until it is registered (the first calls after activation may 404). */
	async callWebhook(webhookPath, init, { timeoutMs = 20_000 } = {}) {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const body = typeof init.body === 'function' ? init.body() : init.body;
			const res = await fetch(`${this.baseUrl}/webhook/${webhookPath}`, {
				...init,
				body,
				signal: AbortSignal.timeout(60_000),
			});
			const text = await res.text();
			if (res.status === 404 && /not registered/i.test(text) && Date.now() < until) {
				await sleep(250);
				continue;
			}
			let json;
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
			return { status: res.status, text, json, headers: res.headers };
		}
	}
}

/** The JSON that `n8n execute --rawOutput` prints after its log lines. */
function parseRawOutput(stdout) {
	const lines = stdout.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (lines[i] !== '{') continue;
		const candidate = lines.slice(i).join('\n');
		// the JSON ends at the last closing brace; trailing log lines may follow
		for (let end = candidate.lastIndexOf('}'); end > 0; end = candidate.lastIndexOf('}', end - 1)) {
			try {
				return JSON.parse(candidate.slice(0, end + 1));
			} catch {
				// try a shorter prefix
			}
		}
	}
	throw new Error(`no JSON run data in the output of n8n execute:\n${stdout.slice(-2000)}`);
}

const newId = (prefix) => `${prefix}${crypto.randomBytes(6).toString('hex')}`;

module.exports = { N8nInstance, parseRawOutput, newId, OWNER };
