'use strict';
/*
 * A throwaway PostgreSQL 15 cluster for one test run: initdb into a fresh folder under the temp dir, the
 * postmaster as a child process on 127.0.0.1 and a free port (its unix socket inside that folder, so it
 * never meets the machine's own cluster), a database and a password-protected role for n8n. Stopped by the
 * caller (fast shutdown, then the process group), and the folder removed.
 *
 * PostgreSQL refuses to run as root: as root, initdb and the postmaster run as the `postgres` user
 * (Debian's postgresql-15 package creates it); as any other user they run as that user.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startProcess, runProcess, freePort, sleep } = require('../../e2e/lib/proc');

const PG_BIN = process.env.ARGOS_PG_BIN || '/usr/lib/postgresql/15/bin';

function pgUser() {
	if (process.getuid() !== 0) return {};
	let uid;
	let gid;
	try {
		uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	} catch {
		throw new Error(
			'running as root but there is no `postgres` user to run PostgreSQL as: install Debian\'s postgresql-15 ' +
				'(apt-get install -y postgresql-15), which creates it',
		);
	}
	return { uid, gid };
}

function checkBinaries() {
	for (const b of ['initdb', 'postgres', 'psql', 'pg_ctl']) {
		if (!fs.existsSync(path.join(PG_BIN, b))) {
			throw new Error(
				`PostgreSQL 15 is missing (${path.join(PG_BIN, b)} not found): install it with ` +
					'`apt-get install -y postgresql-15` (or point ARGOS_PG_BIN at a PostgreSQL 15 bin folder)',
			);
		}
	}
}

class Postgres {
	constructor({ logFile }) {
		this.logFile = logFile;
		this.user = pgUser();
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-queue-pg-'));
		this.dataDir = path.join(this.dir, 'data');
		this.socketDir = path.join(this.dir, 'sock');
		this.database = 'n8n';
		this.role = 'n8n';
		this.password = `pg-${require('node:crypto').randomBytes(9).toString('hex')}`;
		this.proc = null;
	}

	env() {
		const keep = ['PATH', 'LANG', 'LC_ALL'];
		const env = { HOME: this.dir, PGHOST: this.socketDir };
		for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
		return env;
	}

	async run(bin, args, timeoutMs = 120_000) {
		const r = await runProcess(path.join(PG_BIN, bin), args, {
			env: this.env(),
			cwd: this.dir,
			logFile: this.logFile,
			timeoutMs,
			...this.user,
		});
		if (r.code !== 0) {
			throw new Error(`${bin} ${args.join(' ')} exited ${r.code ?? r.signal}; log: ${this.logFile}\n${r.stderr.slice(-1500)}`);
		}
		return r;
	}

	/** initdb, start, create the role and database. Resolves with the connection settings for n8n. */
	async start({ timeoutMs = 60_000 } = {}) {
		checkBinaries();
		const started = Date.now();
		fs.mkdirSync(this.socketDir);
		if (this.user.uid !== undefined) {
			for (const p of [this.dir, this.socketDir]) fs.chownSync(p, this.user.uid, this.user.gid);
		}
		await this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
		this.port = await freePort();
		this.proc = startProcess(
			path.join(PG_BIN, 'postgres'),
			[
				'-D', this.dataDir,
				'-c', 'listen_addresses=127.0.0.1',
				'-c', `port=${this.port}`,
				'-c', `unix_socket_directories=${this.socketDir}`,
				'-c', 'max_connections=100',
				// a throwaway cluster: durability buys nothing here and costs the shared disk
				'-c', 'fsync=off',
				'-c', 'synchronous_commit=off',
				'-c', 'full_page_writes=off',
			],
			{ env: this.env(), cwd: this.dir, logFile: this.logFile, name: 'postgres', ...this.user },
		);
		for (;;) {
			if (this.proc.hasExited()) throw new Error(`postgres exited during start-up (${JSON.stringify(this.proc.exitInfo())}); log: ${this.logFile}`);
			const r = await runProcess(path.join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port)], { env: this.env(), timeoutMs: 10_000 });
			if (r.code === 0) break;
			if (Date.now() - started > timeoutMs) throw new Error(`postgres not ready after ${timeoutMs / 1000} s; log: ${this.logFile}`);
			await sleep(200);
		}
		await this.psql(`CREATE ROLE ${this.role} LOGIN PASSWORD '${this.password}'`, { db: 'postgres' });
		await this.psql(`CREATE DATABASE ${this.database} OWNER ${this.role}`, { db: 'postgres' });
		this.startMs = Date.now() - started;
		return this;
	}

	/** Environment for n8n's database settings. */
	n8nEnv() {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: this.database,
			DB_POSTGRESDB_USER: this.role,
			DB_POSTGRESDB_PASSWORD: this.password,
		};
	}

	/** Runs SQL through psql over the cluster's own unix socket; returns the rows as arrays of strings. */
	async psql(sql, { db = this.database, timeoutMs = 60_000 } = {}) {
		const r = await this.run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-A', '-t', '-F', '\t', '-U', 'postgres', '-p', String(this.port), '-d', db, '-c', sql], timeoutMs);
		return r.stdout
			.split('\n')
			.filter((l) => l.length > 0)
			.map((l) => l.split('\t'));
	}

	/** One JSON value from a query that returns a single json/jsonb column (null when no row). */
	async json(sql) {
		const rows = await this.psql(sql);
		return rows.length ? JSON.parse(rows.map((r) => r[0]).join('\n')) : null;
	}

	async stop() {
		if (this.proc) {
			// SIGINT = fast shutdown (disconnects clients); stop() escalates to the group with SIGTERM/SIGKILL
			if (!this.proc.hasExited()) {
				try {
					process.kill(this.proc.pid, 'SIGINT');
				} catch {
					// already gone
				}
				const until = Date.now() + 15_000;
				while (!this.proc.hasExited() && Date.now() < until) await sleep(100);
			}
			await this.proc.stop(5000);
			this.proc = null;
		}
	}

	remove() {
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

module.exports = { Postgres, PG_BIN };
