#!/usr/bin/env node
'use strict';

// `npm run sandbox [-- --port N --latency MS --search-shape A|B --seed FILE --host H --quiet]`

const path = require('node:path');
const { startSandbox, isLoopbackHost } = require('./index');

const USAGE = `Usage: node sandbox/cli.js [options]
  --port N            port to listen on (default 8787, 0 = any free port)
  --host H            loopback address to bind (default 127.0.0.1; others are refused)
  --latency MS        delay every /modules response by MS milliseconds
  --search-shape A|B  search response shape (default B)
  --seed FILE         seed file (default sandbox/seed.json)
  --quiet             do not print one line per request
  --help              this text`;

function parseArgs(argv) {
	const opts = { port: 8787, host: '127.0.0.1', config: {}, quiet: false };
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		const next = () => {
			if (value !== undefined) return value;
			if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
			return argv[++i];
		};
		const int = (name, v) => {
			if (!/^[0-9]+$/.test(v)) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
			return Number(v);
		};
		switch (arg) {
			case '--port':
				opts.port = int('--port', next());
				if (opts.port > 65535) throw new Error('--port must be 0..65535');
				break;
			case '--host':
				opts.host = next();
				if (!isLoopbackHost(opts.host)) throw new Error(`--host must be a loopback address (127.0.0.1, localhost, ::1): the sandbox serves well-known demo keys. Got "${opts.host}"`);
				break;
			case '--latency':
				opts.config.latencyMs = int('--latency', next());
				break;
			case '--search-shape': {
				const s = next().toUpperCase();
				if (s !== 'A' && s !== 'B') throw new Error('--search-shape must be A or B');
				opts.config.searchShape = s;
				break;
			}
			case '--seed':
				opts.seedPath = path.resolve(next());
				break;
			case '--quiet':
				opts.quiet = true;
				break;
			case '--help':
			case '-h':
				opts.help = true;
				break;
			default:
				throw new Error(`unknown option "${argv[i]}"`);
		}
	}
	return opts;
}

function banner(sb) {
	const st = sb.state();
	const cols = st.collections.map((c) => {
		const notes = [c.status, c.liveness ? 'liveness on' : 'liveness off', `${c.faces.length} face${c.faces.length === 1 ? '' : 's'}`];
		return `    ${c.id.padEnd(18)} ${notes.join(', ')}`;
	});
	const u = sb.url;
	return [
		`ARGOS Face ID sandbox listening on ${u}`,
		'',
		`  Base URL (n8n credential):  ${u}`,
		`  Endpoints:                  ${u}/modules/faces  ${u}/modules/search`,
		`  Verify endpoints:           ${u}/modules/liveness  ${u}/modules/compare  ${u}/modules/document`,
		`  Demo API key:               ${sb.apiKey}`,
		`  Disabled API key (-> 6040): ${sb.disabledApiKey}`,
		`  Search shape / latency:     ${st.config.searchShape} / ${st.config.latencyMs} ms`,
		'  Collections:',
		...cols,
		`  Admin:                      ${u}/__sandbox/state  (see sandbox/README.md)`,
		'',
		'Try it:',
		`  curl -s '${u}/modules/faces?collectionId=col_onboarding&page=1' -H 'x-api-key: ${sb.apiKey}'`,
		`  curl -s '${u}/__sandbox/sample-image?face=dave&collectionId=col_demo&userName=dave' \\`,
		`    | curl -s -X POST '${u}/modules/faces' -H 'x-api-key: ${sb.apiKey}' -H 'content-type: application/json' -d @-`,
		'',
		'Press Ctrl+C to stop.',
	].join('\n');
}

async function main() {
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (err) {
		process.stderr.write(`sandbox: ${err.message}\n\n${USAGE}\n`);
		process.exit(2);
	}
	if (opts.help) {
		process.stdout.write(USAGE + '\n');
		return;
	}
	const onRequest = opts.quiet
		? undefined
		: (e) => {
				const code = e.errorCode != null ? ` ${e.errorCode}` : '';
				const fault = e.fault ? ` [fault ${e.fault.action}${e.fault.status ? ' ' + e.fault.status : ''} ${e.fault.when}]` : '';
				process.stdout.write(`#${e.seq} ${e.method} ${e.path} -> ${e.status ?? '-'}${code} ${e.outcome ?? ''}${fault} ${e.durationMs}ms\n`);
			};
	let sb;
	try {
		sb = await startSandbox({ port: opts.port, host: opts.host, seedPath: opts.seedPath, config: opts.config, onRequest });
	} catch (err) {
		process.stderr.write(`sandbox: cannot start: ${err.message}\n`);
		process.exit(1);
	}
	let stopping = false;
	const stop = (signal) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal}: stopping sandbox\n`);
		sb.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	// Printed last: whoever waits for the banner may signal us right away.
	process.stdout.write(banner(sb) + '\n');
}

main();
