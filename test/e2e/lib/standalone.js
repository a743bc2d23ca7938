'use strict';
/*
 * For the browser scripts run on their own (npm run screenshot, node test/e2e/editor.js): a real n8n 2.41.1
 * with a packed tarball installed as n8n installs it, the sandbox, and the full onboarding example imported
 * with its credential. Everything is stopped afterwards; the run folder is kept only when `work` failed.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

async function withRealN8n({ log, repo, skipBuild = false, prefix = 'argos-standalone-' }, work) {
	const { ensureInstalls } = require('../install-n8n');
	const { buildAndPack, installLikeN8n, REPO } = require('./package');
	const { N8nInstance } = require('./n8n');
	const { importFullOnboarding } = require('../verify');
	const { stopAll } = require('./proc');
	const wf = require('./workflows');
	const runDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	let sandbox;
	let n8n;
	let ok = false;
	try {
		const version = '2.41.1';
		const installs = await ensureInstalls({ versions: [version], log });
		const pack = await buildAndPack(path.join(runDir, 'pack'), { logFile: path.join(runDir, 'build.log'), skipBuild, repo: repo ?? REPO });
		const { startSandbox } = require(path.join(REPO, 'sandbox'));
		sandbox = await startSandbox();
		n8n = await new N8nInstance({
			version,
			n8nBin: installs.n8n[version].bin,
			node: installs.node,
			workDir: runDir,
			extraEnv: { N8N_RESTRICT_FILE_ACCESS_TO: wf.IMAGES_DIR },
		}).init();
		await installLikeN8n(n8n.userFolder, pack.tgz, { env: n8n.env(), logFile: n8n.logFile });
		const workflow = await importFullOnboarding(n8n, sandbox, path.join(repo ?? REPO, 'examples', 'full-onboarding.workflow.json'));
		log('starting n8n');
		await n8n.start();
		await n8n.setupOwner();
		const result = await work({ n8n, sandbox, workflow });
		ok = true;
		return result;
	} finally {
		if (n8n) await n8n.stop().catch(() => {});
		if (sandbox) await sandbox.close().catch(() => {});
		await stopAll();
		if (ok) fs.rmSync(runDir, { recursive: true, force: true });
		else log(`logs kept in ${runDir}`);
	}
}

module.exports = { withRealN8n };
