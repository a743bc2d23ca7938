'use strict';
/*
 * n8n 2.41.1 in queue mode on one machine, everything on 127.0.0.1: PostgreSQL and Redis (throwaway, see
 * postgres.js and redis.js), one main (`n8n start`), one webhook processor (`n8n webhook`) and N workers
 * (`n8n worker --concurrency=C`), sharing the database, the queue and one encryption key.
 *
 * Each n8n process gets its own user folder, and the packed tarball is installed into each one's
 * `.n8n/nodes` the way n8n's community-package installer does: the equivalent of a deployment where every
 * container (or host) has the package in its own image. Nothing is shared on disk between the processes, so
 * the test also proves that nothing of the package's runtime depends on a shared folder.
 *
 * Binary data mode is left unset: n8n 2.x then uses `database` in queue mode (asserted by the callers).
 */
const fs = require('node:fs');
const path = require('node:path');
const { N8nInstance } = require('../../e2e/lib/n8n');
const { installLikeN8n } = require('../../e2e/lib/package');
const { startProcess, sleep } = require('../../e2e/lib/proc');
const { Postgres } = require('./postgres');
const { Redis } = require('./redis');

const ENCRYPTION_KEY = 'argos-queue-shared-encryption-key-0123456789';

/** One n8n process of the cluster: an N8nInstance (env, REST, public API) started with any n8n command. */
class Role extends N8nInstance {
	constructor(o) {
		super(o);
		this.role = o.role;
		this.envFn = o.envFn;
		this.logFile = path.join(o.workDir, `${o.role}.log`);
	}

	/** The e2e instance's environment plus the cluster's (read at each start: every role has its port by then). */
	env() {
		return { ...super.env(), ...this.envFn(this) };
	}

	/** Starts `n8n <args>` and waits until isReady(logSinceStart) resolves true. */
	async startCommand(args, isReady, { timeoutMs = 240_000 } = {}) {
		const started = Date.now();
		fs.appendFileSync(this.logFile, `\n===== n8n ${args.join(' ')} (port ${this.port}, broker ${this.brokerPort}) =====\n`);
		const offset = this.log().length;
		this.proc = startProcess(this.node.bin, [this.n8nBin, ...args], {
			env: this.env(),
			cwd: this.workDir,
			logFile: this.logFile,
			name: `n8n ${this.role}`,
		});
		while (Date.now() - started < timeoutMs) {
			if (this.proc.hasExited()) {
				throw new Error(`n8n ${this.role} exited during start-up (${JSON.stringify(this.proc.exitInfo())}); log: ${this.logFile}`);
			}
			try {
				if (await isReady(this.log().slice(offset))) {
					this.startMs = Date.now() - started;
					return this.startMs;
				}
			} catch {
				// not listening yet
			}
			await sleep(300);
		}
		throw new Error(`n8n ${this.role} not ready within ${timeoutMs / 1000} s; log: ${this.logFile}`);
	}

	/** SIGKILL to the n8n process itself (like `kill -9 <pid>`); its task runner is left to notice. */
	kill9() {
		process.kill(this.proc.pid, 'SIGKILL');
	}
}

async function httpOk(url) {
	const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
	await res.arrayBuffer();
	return res.status === 200;
}

class QueueCluster {
	/**
	 * @param {object} o
	 * @param {string} o.runDir             folder for user folders and logs
	 * @param {{node, n8n}} o.installs      from test/e2e/install-n8n.js (Node 24 + n8n 2.41.1)
	 * @param {string} o.tgz                the packed tarball
	 * @param {number} [o.workers]          number of `n8n worker` processes (default 2)
	 * @param {number} [o.workerConcurrency] `--concurrency` of each worker (default 5, n8n's advised minimum)
	 * @param {boolean} [o.queue]           false: one `n8n start` in regular mode on the same Postgres (no Redis,
	 *                                      no webhook processor, no workers), for comparisons
	 * @param {Record<string,string>} [o.env] extra environment for every n8n process
	 * @param {(msg:string)=>void} [o.log]
	 */
	constructor({ runDir, installs, tgz, workers = 2, workerConcurrency = 5, queue = true, env = {}, log = () => {} }) {
		this.runDir = runDir;
		this.installs = installs;
		this.tgz = tgz;
		this.workerCount = queue ? workers : 0;
		this.workerConcurrency = workerConcurrency;
		this.queue = queue;
		this.extraEnv = env;
		this.log = log;
		this.version = '2.41.1';
		this.workers = [];
		this.timings = {};
		fs.mkdirSync(runDir, { recursive: true });
	}

	sharedEnv() {
		return {
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			...this.pg.n8nEnv(),
			...(this.queue ? { EXECUTIONS_MODE: 'queue', ...this.redis.n8nEnv() } : { EXECUTIONS_MODE: 'regular' }),
			// the production webhook URL the editor shows: the webhook processor's
			WEBHOOK_URL: `${(this.webhook || this.main).baseUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.main.baseUrl}/`,
			...this.extraEnv,
		};
	}

	async role(role, extra = {}) {
		const inst = this.installs.n8n[this.version];
		const r = await new Role({
			role,
			version: this.version,
			n8nBin: inst.bin,
			node: this.installs.node,
			workDir: path.join(this.runDir, role),
			envFn: (self) => ({ ...this.sharedEnv(), ...extra(self) }),
		}).init();
		return r;
	}

	async start() {
		let t = Date.now();
		this.pg = await new Postgres({ logFile: path.join(this.runDir, 'postgres.log') }).start();
		this.timings.postgres = Date.now() - t;
		this.log(`postgres 15 on 127.0.0.1:${this.pg.port} (${this.pg.dir})`);
		if (this.queue) {
			t = Date.now();
			this.redis = await new Redis({ logFile: path.join(this.runDir, 'redis.log'), log: this.log }).start();
			this.timings.redis = Date.now() - t;
			this.log(`${this.redis.version.split(' ').slice(0, 3).join(' ')} on 127.0.0.1:${this.redis.port}${this.redis.installed ? ` (installed in ${(this.redis.installMs / 1000).toFixed(1)} s)` : ''}`);
		}

		this.main = await this.role('main', () => ({}));
		if (this.queue) {
			this.webhook = await this.role('webhook', () => ({}));
			for (let i = 1; i <= this.workerCount; i++) this.workers.push(await this.workerRole(i));
		}
		t = Date.now();
		for (const r of this.all()) await installLikeN8n(r.userFolder, this.tgz, { env: r.env(), logFile: r.logFile });
		this.timings.installPackage = Date.now() - t;

		// main first: it runs the migrations the others rely on
		this.timings.main = await this.startMain();
		this.log(`main ready in ${(this.timings.main / 1000).toFixed(1)} s on ${this.main.baseUrl}`);
		await this.main.setupOwner();
		t = Date.now();
		await Promise.all([
			...(this.webhook ? [this.startWebhook()] : []),
			...this.workers.map((w) => this.startWorker(w)),
		]);
		this.timings.webhookAndWorkers = Date.now() - t;
		if (this.queue) this.log(`webhook processor on ${this.webhook.baseUrl}, ${this.workers.length} worker(s) x concurrency ${this.workerConcurrency}, ready in ${(this.timings.webhookAndWorkers / 1000).toFixed(1)} s`);
		return this;
	}

	async workerRole(i) {
		return this.role(`worker-${i}`, (r) => ({
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(r.port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		}));
	}

	startWebhook() {
		return this.webhook.startCommand(['webhook'], async (log) => {
			return /Webhook listener waiting for requests/.test(log) && (await httpOk(`${this.webhook.baseUrl}/healthz/readiness`));
		});
	}

	startWorker(w) {
		return w.startCommand(['worker', `--concurrency=${this.workerConcurrency}`], async (log) => {
			return /n8n worker is now ready/.test(log) && (await httpOk(`${w.baseUrl}/healthz/readiness`));
		});
	}

	/** Stops and starts main again (its queue recovery runs at start-up), then logs in again. */
	async restartMain() {
		await this.main.stop();
		const ms = await this.startMain();
		await this.main.login();
		return ms;
	}

	startMain() {
		return this.main.startCommand(['start'], async (log) => {
			return /Editor is now accessible via/.test(log) && (await httpOk(`${this.main.baseUrl}/healthz/readiness`));
		});
	}

	/** Replaces a (killed) worker by a new process with the same user folder and ports. */
	async restartWorker(w) {
		if (w.proc) await w.proc.stop(5000);
		w.proc = null;
		return this.startWorker(w);
	}

	all() {
		return [this.main, this.webhook, ...this.workers].filter(Boolean);
	}

	/** The instance that receives production webhooks. */
	get entry() {
		return this.webhook || this.main;
	}

	logs() {
		const files = this.all().map((r) => r.logFile);
		for (const f of ['postgres.log', 'redis.log']) files.push(path.join(this.runDir, f));
		return files.filter((f) => fs.existsSync(f));
	}

	async stop() {
		for (const r of [...this.workers, this.webhook, this.main].filter(Boolean)) {
			try {
				if (r.proc) await r.proc.stop(15_000);
			} catch {
				// keep stopping the others
			}
			r.proc = null;
		}
		if (this.redis) await this.redis.stop();
		if (this.pg) await this.pg.stop();
	}

	removeData() {
		if (this.pg) this.pg.remove();
	}
}

module.exports = { QueueCluster, Role, ENCRYPTION_KEY };
