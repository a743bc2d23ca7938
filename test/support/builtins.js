'use strict';
/**
 * Node's built-ins for TypeScript tests. Types: builtins.d.ts; see README.md beside it.
 *
 * `n8n-node lint` (strict mode, n8n's default config) applies the n8n Cloud rules to every `.ts` file in the
 * repository, tests included: no imports but n8n-workflow and a short allowlist, no `process`, timers,
 * `__dirname`, no `child_process`, no `console`. Those rules are right for the node, which runs inside n8n;
 * tests need all of them. This file is plain JavaScript, which that config does not lint, and hands them
 * over unchanged: the same module objects `require()` returns, and the globals read at the moment they are
 * used (so jest's fake timers and a replaced console still apply).
 *
 * Never import this from nodes/ or credentials/: it is not part of the package (tsconfig.json compiles only
 * those two folders, and `npm run verify` scans them the way n8n does).
 */
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

const globalNames = [
	'process',
	'console',
	'setTimeout',
	'clearTimeout',
	'setInterval',
	'clearInterval',
	'setImmediate',
	'clearImmediate',
];

module.exports = {
	fs,
	path,
	os: require('os'),
	http: require('http'),
	net: require('net'),
	stream: require('stream'),
	childProcess: require('child_process'),
	REPO_ROOT,
	/** An absolute path from segments relative to the repository root (what tests used __dirname for). */
	repoPath: (...segments) => path.join(REPO_ROOT, ...segments),
};

for (const name of globalNames) {
	Object.defineProperty(module.exports, name, { enumerable: true, get: () => globalThis[name] });
}
