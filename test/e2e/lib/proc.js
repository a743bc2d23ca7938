'use strict';
/*
 * Child processes for the e2e suite. Every process is started in its own process group (detached) so
 * that it and its children (n8n's task runner, npm's scripts) can be stopped together by the group id,
 * and every one is tracked so nothing survives the run: stopped explicitly, on a failure, on SIGINT/
 * SIGTERM, and as a last resort with SIGKILL when this process exits.
 */
const fs = require('node:fs');
const net = require('node:net');
const { spawn } = require('node:child_process');

/** @type {Set<{pid:number,name:string,exited:boolean}>} */
const live = new Set();

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		try {
			process.kill(pid, signal);
			return true;
		} catch {
			return false;
		}
	}
}

function groupAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

let hooksInstalled = false;
function installHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const p of live) killGroup(p.pid, 'SIGKILL');
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(sig, () => {
			process.stderr.write(`\n${sig}: stopping ${live.size} child process group(s)\n`);
			for (const p of live) killGroup(p.pid, 'SIGKILL');
			process.exit(130);
		});
	}
}

/**
 * Starts a long-running process. Output (stdout and stderr) is appended to logFile. uid/gid (optional,
 * needs root) run it as another user, e.g. PostgreSQL, which refuses to run as root.
 * Returns a handle: { pid, name, logFile, exited: Promise<{code,signal}>, hasExited(), stop() }.
 */
function startProcess(cmd, args, { env, cwd, logFile, name, uid, gid }) {
	installHooks();
	const fd = fs.openSync(logFile, 'a');
	const child = spawn(cmd, args, { env, cwd, uid, gid, detached: true, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	const rec = { pid: child.pid, name, exited: false };
	live.add(rec);
	let exitInfo;
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			rec.exited = true;
			exitInfo = { code, signal };
			resolve(exitInfo);
		});
		child.on('error', (err) => {
			rec.exited = true;
			exitInfo = { code: null, signal: null, error: err };
			resolve(exitInfo);
		});
	});
	return {
		pid: child.pid,
		name,
		logFile,
		exited,
		hasExited: () => rec.exited,
		exitInfo: () => exitInfo,
		/** SIGTERM to the group, SIGKILL after graceMs; resolves once the leader and the group are gone. */
		async stop(graceMs = 10_000) {
			if (!rec.exited) killGroup(child.pid, 'SIGTERM');
			const t = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
			await exited;
			clearTimeout(t);
			// children of the leader (e.g. the task runner) may outlive it briefly
			const until = Date.now() + graceMs;
			while (groupAlive(child.pid) && Date.now() < until) await sleep(100);
			if (groupAlive(child.pid)) killGroup(child.pid, 'SIGKILL');
			live.delete(rec);
		},
	};
}

/**
 * Runs a command to completion (its own process group, killed on timeout).
 * Resolves { code, signal, stdout, stderr, ms }; output is also appended to logFile when given.
 */
function runProcess(cmd, args, { env, cwd, logFile, timeoutMs = 300_000, input, uid, gid } = {}) {
	installHooks();
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(cmd, args, { env, cwd, uid, gid, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
		const rec = { pid: child.pid, name: `${cmd} ${args[0] ?? ''}`, exited: false };
		live.add(rec);
		const out = [];
		const err = [];
		child.stdout.on('data', (d) => out.push(d));
		child.stderr.on('data', (d) => err.push(d));
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			live.delete(rec);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			rec.exited = true;
			if (groupAlive(child.pid)) killGroup(child.pid, 'SIGKILL');
			live.delete(rec);
			const stdout = Buffer.concat(out).toString('utf8');
			const stderr = Buffer.concat(err).toString('utf8');
			if (logFile) {
				fs.appendFileSync(
					logFile,
					`\n$ ${cmd} ${args.join(' ')}\n${stdout}${stderr ? `\n[stderr]\n${stderr}` : ''}\n[exit ${code ?? signal}${
						timedOut ? ', killed after timeout' : ''
					}]\n`,
				);
			}
			resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
		});
	});
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Several distinct free ports. */
async function freePorts(n) {
	const ports = new Set();
	while (ports.size < n) ports.add(await freePort());
	return [...ports];
}

function liveProcesses() {
	return [...live].map((p) => ({ pid: p.pid, name: p.name }));
}

async function stopAll() {
	for (const p of live) killGroup(p.pid, 'SIGTERM');
	const until = Date.now() + 5000;
	while ([...live].some((p) => groupAlive(p.pid)) && Date.now() < until) await sleep(100);
	for (const p of live) killGroup(p.pid, 'SIGKILL');
	live.clear();
}

module.exports = { startProcess, runProcess, freePort, freePorts, sleep, stopAll, liveProcesses };
