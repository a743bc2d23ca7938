'use strict';
/*
 * A throwaway Redis for one test run: `redis-server` on 127.0.0.1 and a free port, no persistence, as a
 * child process in its own process group (stopped by the caller). When redis-server is missing and this
 * runs as root, it is installed from Debian (`apt-get install -y redis-server`, after `apt-get update`
 * if the first attempt fails); otherwise the error says what to install.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startProcess, runProcess, freePort, sleep } = require('../../e2e/lib/proc');

function which(bin) {
	for (const dir of (process.env.PATH || '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
		const p = path.join(dir, bin);
		try {
			fs.accessSync(p, fs.constants.X_OK);
			return p;
		} catch {
			// next
		}
	}
	return undefined;
}

/** Finds redis-server, installing Debian's package when possible. Returns { bin, installed, ms }. */
async function ensureRedis({ log, logFile }) {
	const found = which('redis-server');
	if (found) return { bin: found, installed: false, ms: 0 };
	const root = process.getuid && process.getuid() === 0;
	if (!root || !which('apt-get')) {
		throw new Error(
			'redis-server is not installed. Install it first (Debian/Ubuntu: `sudo apt-get install -y redis-server`), ' +
				'or run `npm run test:queue` as root so it can install it itself.',
		);
	}
	const started = Date.now();
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () =>
		runProcess('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { env, logFile, timeoutMs: 600_000 });
	log('redis-server missing: apt-get install -y redis-server');
	let r = await install();
	if (r.code !== 0) {
		log('apt-get install failed; apt-get update, then again');
		const u = await runProcess('apt-get', ['update'], { env, logFile, timeoutMs: 600_000 });
		if (u.code !== 0) throw new Error(`apt-get update failed (exit ${u.code}); log: ${logFile}`);
		r = await install();
	}
	const bin = which('redis-server');
	if (r.code !== 0 || !bin) {
		throw new Error(`apt-get install -y redis-server failed (exit ${r.code}); log: ${logFile}. Install redis-server by hand.`);
	}
	return { bin, installed: true, ms: Date.now() - started };
}

/** One Redis command over RESP; resolves with the raw reply text. */
function redisCommand(port, ...args) {
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host: '127.0.0.1', port });
		const chunks = [];
		sock.setTimeout(5000, () => sock.destroy(new Error('redis: timeout')));
		sock.on('error', reject);
		sock.on('data', (d) => {
			chunks.push(d);
			const text = Buffer.concat(chunks).toString('utf8');
			// one reply: simple string/error/integer line, or a bulk string of the announced length
			const m = /^\$(-?\d+)\r\n/.exec(text);
			if ((m && (Number(m[1]) < 0 || text.length >= m[0].length + Number(m[1]) + 2)) || (!m && text.endsWith('\r\n'))) {
				sock.end();
				resolve(text);
			}
		});
		sock.write(args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).reduce((s, a) => s + a, `*${args.length}\r\n`));
	});
}

class Redis {
	constructor({ logFile, log = () => {} }) {
		this.logFile = logFile;
		this.log = log;
		this.proc = null;
	}

	async start({ timeoutMs = 30_000 } = {}) {
		const { bin, installed, ms } = await ensureRedis({ log: this.log, logFile: this.logFile });
		this.installed = installed;
		this.installMs = ms;
		this.version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
		const started = Date.now();
		this.port = await freePort();
		this.proc = startProcess(
			bin,
			['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--daemonize', 'no'],
			{ env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: path.dirname(this.logFile), logFile: this.logFile, name: 'redis-server' },
		);
		for (;;) {
			if (this.proc.hasExited()) throw new Error(`redis-server exited during start-up; log: ${this.logFile}`);
			try {
				if ((await redisCommand(this.port, 'PING')).startsWith('+PONG')) break;
			} catch {
				// not listening yet
			}
			if (Date.now() - started > timeoutMs) throw new Error(`redis-server not answering after ${timeoutMs / 1000} s; log: ${this.logFile}`);
			await sleep(100);
		}
		this.startMs = Date.now() - started;
		return this;
	}

	n8nEnv() {
		return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(this.port) };
	}

	command(...args) {
		return redisCommand(this.port, ...args);
	}

	async stop() {
		if (this.proc) {
			await this.proc.stop(5000);
			this.proc = null;
		}
	}
}

module.exports = { Redis, ensureRedis, redisCommand };
