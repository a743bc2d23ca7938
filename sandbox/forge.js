#!/usr/bin/env node
'use strict';

// A webhook delivery ARGOS never sent, for humans poking at a receiver (the Argos ID Check Trigger, a workflow):
// made-up submission ids, hand-written bodies, wrong keys, a forged X-Forwarded-For. It posts directly, so no
// sandbox needs to run; with --sandbox it asks a running sandbox instead, which knows its submissions' real bodies.

const fs = require('node:fs');
const { post, encryptBody, forgedPayload, normaliseHeaders } = require('./webhooks');
const { WEBHOOK_ENCRYPTIONS } = require('./config');
const { IDCHECK_KEY } = require('./idcheckStore');

const USAGE = `Usage: node sandbox/forge.js --url URL (--event E [--submission ID] | --body JSON|@FILE) [options]
  --url URL           receiver to POST to (with --sandbox: optional, default its registered URL)
  --event E           webhook_trigger of a generic body (approved, rejected, delete, …)
  --submission ID     its submission_id (need not exist)
  --body JSON|@FILE   the exact body instead (sent byte for byte)
  --header 'K: V'     an extra header, repeatable (e.g. 'X-Forwarded-For: 52.78.194.237')
  --encryption MODE   ${WEBHOOK_ENCRYPTIONS.join(' | ')} (default off)
  --key TEXT          key text to encrypt with (default the sandbox's ID Check API key)
  --timeout MS        give up after MS milliseconds (default 10000)
  --sandbox URL       send through a running sandbox's POST /__sandbox/idcheck/forge
  --help              this text
Prints the delivery as JSON; exit 0 when the receiver answered 2xx, 1 otherwise, 2 on bad arguments.`;

function parseArgs(argv) {
	const o = { headers: [], encryption: 'off', timeoutMs: 10000 };
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
		switch (arg) {
			case '--url':
				o.url = next();
				break;
			case '--event':
				o.event = next();
				break;
			case '--submission':
				o.submissionId = next();
				break;
			case '--body': {
				const v = next();
				o.body = v.startsWith('@') ? fs.readFileSync(v.slice(1), 'utf8') : v;
				break;
			}
			case '--header':
				o.headers.push(next());
				break;
			case '--encryption':
				o.encryption = next();
				if (!WEBHOOK_ENCRYPTIONS.includes(o.encryption)) throw new Error(`--encryption must be one of ${WEBHOOK_ENCRYPTIONS.join(', ')}`);
				break;
			case '--key':
				o.key = next();
				break;
			case '--timeout':
				o.timeoutMs = Number(next());
				if (!Number.isInteger(o.timeoutMs) || o.timeoutMs < 1) throw new Error('--timeout must be a positive integer');
				break;
			case '--sandbox':
				o.sandbox = next();
				break;
			case '--help':
			case '-h':
				o.help = true;
				break;
			default:
				throw new Error(`unknown option ${arg}`);
		}
	}
	if (o.help) return o;
	if (!o.url && !o.sandbox) throw new Error('--url is required');
	if (o.body === undefined && !o.event) throw new Error('give --event (and --submission) or --body');
	normaliseHeaders(o.headers);
	return o;
}

async function forge(o) {
	if (o.sandbox) {
		const res = await fetch(new URL('/__sandbox/idcheck/forge', o.sandbox), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ url: o.url, body: o.body, event: o.event, submissionId: o.submissionId, headers: o.headers, encryption: o.encryption, key: o.key }),
		});
		const out = await res.json();
		if (res.status !== 200) throw new Error(out.error || `sandbox answered ${res.status}`);
		return out;
	}
	const plain = o.body !== undefined ? o.body : JSON.stringify(forgedPayload(null, o.event, o.submissionId));
	const body = encryptBody(plain, o.key || IDCHECK_KEY, o.encryption);
	const headers = normaliseHeaders(o.headers);
	const out = { url: o.url, headers, body, plain: o.encryption === 'off' ? undefined : plain, status: null, error: null, localAddress: null };
	try {
		const r = await post(o.url, body, { headers, timeoutMs: o.timeoutMs });
		out.status = r.status;
		out.localAddress = r.localAddress;
	} catch (err) {
		out.error = err.code || err.name || 'error';
	}
	out.state = out.status >= 200 && out.status < 300 ? 'delivered' : 'failed';
	return out;
}

async function main(argv) {
	let o;
	try {
		o = parseArgs(argv);
	} catch (err) {
		process.stderr.write(`${err.message}\n${USAGE}\n`);
		return 2;
	}
	if (o.help) {
		process.stdout.write(USAGE + '\n');
		return 0;
	}
	try {
		const out = await forge(o);
		process.stdout.write(JSON.stringify(out, null, 2) + '\n');
		return out.state === 'delivered' ? 0 : 1;
	} catch (err) {
		process.stderr.write(`${err.message}\n`);
		return 1;
	}
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));

module.exports = { parseArgs, forge, main };
