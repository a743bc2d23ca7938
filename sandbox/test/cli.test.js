'use strict';

const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const CLI = path.join(__dirname, '..', 'cli.js');

function startCli(args) {
	const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	const ready = new Promise((resolve, reject) => {
		child.stdout.on('data', (d) => {
			out += d;
			if (out.includes('Press Ctrl+C')) resolve(out);
		});
		child.on('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
	});
	return { child, ready, output: () => out };
}

const exited = (child) => new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

test('prints what a user needs, serves add/list/search/delete, stops on SIGTERM', async () => {
	const { child, ready, output } = startCli(['--port', '0', '--latency', '5', '--search-shape', 'A']);
	const banner = await ready;
	const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)[1];
	const key = /Demo API key:\s+(\S+)/.exec(banner)[1];
	expect(banner).toMatch(/Disabled API key.*: \S+/);
	for (const id of ['col_demo', 'col_onboarding', 'col_deleted', 'col_no_liveness']) expect(banner).toContain(id);
	expect(banner).toContain(`curl -s '${url}/modules/faces?collectionId=col_onboarding&page=1' -H 'x-api-key: ${key}'`);

	const h = { 'x-api-key': key, 'content-type': 'application/json' };
	const body = await (await fetch(`${url}/__sandbox/sample-image?face=cli&collectionId=col_demo&userName=cli`)).json();
	const added = await (await fetch(`${url}/modules/faces`, { method: 'POST', headers: h, body: JSON.stringify(body) })).json();
	expect(added.faceId).toMatch(/^face_/);
	const listed = await (await fetch(`${url}/modules/faces?collectionId=col_demo&page=1`, { headers: h })).json();
	expect(listed.totalCount).toBe('1');
	const found = await (await fetch(`${url}/modules/search`, { method: 'POST', headers: h, body: JSON.stringify({ ...body, requestName: 'q' }) })).json();
	expect(found.faceIdList).toEqual([added.faceId]);
	const gone = await fetch(`${url}/modules/faces?collectionId=col_demo&faceId=${added.faceId}`, { method: 'DELETE', headers: h });
	expect(gone.status).toBe(200);
	const config = await (await fetch(`${url}/__sandbox/config`)).json();
	expect(config).toMatchObject({ latencyMs: 5, searchShape: 'A' });

	await new Promise((r) => setTimeout(r, 50));
	expect(output()).toMatch(/#1 POST \/modules\/faces -> 200 added/);
	const done = exited(child);
	child.kill('SIGTERM');
	expect(await done).toEqual({ code: 0, signal: null });
});

test('SIGINT also stops it cleanly', async () => {
	const { child, ready } = startCli(['--port', '0', '--quiet']);
	await ready;
	const done = exited(child);
	child.kill('SIGINT');
	expect((await done).code).toBe(0);
});

test.each([
	[['--host', '0.0.0.0'], /loopback/],
	[['--host', '192.168.1.2'], /loopback/],
	[['--port', 'abc'], /--port/],
	[['--search-shape', 'C'], /search-shape/],
	[['--what'], /unknown option/],
	[['--seed', '/nonexistent/seed.json'], /cannot start/],
])('refuses %j', (args, message) => {
	const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10000 });
	expect(r.status).not.toBe(0);
	expect(r.stderr).toMatch(message);
});

test('--help', () => {
	const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
	expect(r.status).toBe(0);
	expect(r.stdout).toMatch(/--search-shape A\|B/);
});
