#!/usr/bin/env node
'use strict';
/*
 * Screenshots of the real n8n editor (2.41.1) with the Argos Faces node, taken with Debian's Chromium
 * driven by playwright-core:
 *   canvas.png      the full onboarding example after a run: four Argos Faces nodes with their Success and Failed branches
 *   parameters.png  the parameter panel of its Face Compare node (node details view) after that run
 *   form.png, form-enrolled.png, form-rejected.png
 *                   the form onboarding example as the applicant sees it: the form filled in, and the
 *                   ending page after a real submission of a JPEG selfie, then of a PDF
 *
 * `npm run screenshot` sets everything up itself (installs, pack, sandbox, n8n 2.41.1 with the tarball,
 * the demo workflow, the form workflow) and writes docs/images/. `npm run test:e2e` calls takeScreenshots()
 * and takeFormScreenshots() on its running 2.41.1 instance and writes into its run folder instead. Options: --out=<dir>, ARGOS_E2E_SKIP_BUILD=1.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];
const DEMO_WORKFLOW_ID = 'argosOnboardingDemo';

function ensureChromium(log) {
	if (fs.existsSync(CHROMIUM)) return;
	log('installing Debian chromium (apt-get install -y chromium)');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	let r = spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env });
	if (r.status !== 0) {
		spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
		r = spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env });
	}
	if (r.status !== 0 || !fs.existsSync(CHROMIUM)) throw new Error('could not install chromium with apt-get');
}

/** Debian's Chromium, headless, with a fresh profile (removed by the caller: userDataDir). */
async function launchChromium(viewport, log) {
	ensureChromium(log);
	const { chromium } = require('playwright-core');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'argos-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	return { context, userDataDir };
}

async function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** Closes toasts, banners and pop-ups that would cover the canvas. */
async function tidy(page) {
	await page.keyboard.press('Escape').catch(() => {});
	await page
		.evaluate(() => {
			for (const el of document.querySelectorAll('.el-notification, [data-test-id="banners"], .el-overlay, [role="tooltip"]')) {
				el.remove();
			}
		})
		.catch(() => {});
}

/** Signs in as the e2e owner. */
async function signIn(page, baseUrl) {
	const { OWNER } = require('./lib/n8n');
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	const email = page.locator('input[name="emailOrLdapLoginId"], input[name="email"], input[type="email"]').first();
	await email.waitFor();
	await email.fill(OWNER.email);
	await page.locator('input[name="password"], input[type="password"]').first().fill(OWNER.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((u) => !/\/signin/.test(u.pathname), { timeout: 60_000 });
}

/**
 * Logs into the editor of a running n8n (owner set up), opens the demo workflow, runs it, and saves
 * canvas.png and parameters.png into outDir. Returns { canvas, parameters } file paths.
 */
async function takeScreenshots({ n8n, outDir, log = () => {}, workflowId = DEMO_WORKFLOW_ID, nodeName = 'Argos Faces' }) {
	fs.mkdirSync(outDir, { recursive: true });
	const { context, userDataDir } = await launchChromium({ width: 1440, height: 860 }, log);
	const shots = { canvas: path.join(outDir, 'canvas.png'), parameters: path.join(outDir, 'parameters.png') };
	try {
		const page = context.pages()[0] || (await context.newPage());
		page.setDefaultTimeout(60_000);

		log('signing in');
		await signIn(page, n8n.baseUrl);

		log(`opening workflow ${workflowId}`);
		await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
		const argosNode = page.locator('[data-test-id="canvas-node"]', { hasText: nodeName }).first();
		await argosNode.waitFor({ timeout: 90_000 });
		await sleep(1000);
		await tidy(page);

		log('running the workflow from the editor');
		const run = page.waitForResponse(
			(r) => r.request().method() === 'POST' && /\/rest\/workflows\/[^/]+\/run/.test(new URL(r.url()).pathname),
			{ timeout: 60_000 },
		);
		await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		const res = await run;
		if (!res.ok()) throw new Error(`the editor's run request answered ${res.status()}`);
		// the run is done when the last nodes show their status
		await argosNode.locator('[data-test-id="canvas-node-status-success"]').first().waitFor({ timeout: 90_000 });
		await sleep(1500);
		await tidy(page);
		// zoom to fit
		await page.locator('[data-test-id="zoom-to-fit"]').first().click({ timeout: 5000 }).catch(() => page.keyboard.press('1'));
		await sleep(800);
		await tidy(page);
		await page.mouse.move(5, 5);
		await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
		await sleep(300);
		await page.screenshot({ path: shots.canvas });
		log(`saved ${shots.canvas}`);

		log('opening the Argos Faces node');
		await argosNode.dblclick();
		const ndv = page.locator('[data-test-id="ndv"]').first();
		await ndv.waitFor({ timeout: 30_000 });
		const params = page.locator('[data-test-id="node-parameters"]').first();
		await params.waitFor({ timeout: 30_000 });
		await sleep(1200);
		await page.mouse.move(5, 5);
		// the parameter panel and the output beside it; the input panel (which shows the local folder the
		// pictures were read from) is left out
		const ndvBox = await ndv.boundingBox();
		const paramBox = await params.boundingBox();
		const clip =
			ndvBox && paramBox
				? {
						x: Math.max(0, paramBox.x - 16),
						y: ndvBox.y,
						width: ndvBox.x + ndvBox.width - Math.max(0, paramBox.x - 16),
						height: ndvBox.height,
					}
				: undefined;
		await page.screenshot({ path: shots.parameters, clip });
		log(`saved ${shots.parameters}`);
		return shots;
	} catch (err) {
		const page = context.pages()[0];
		if (page) {
			const fail = path.join(outDir, 'failure.png');
			await page.screenshot({ path: fail }).catch(() => {});
			err.message += ` (browser screenshot at the failure: ${fail})`;
		}
		throw err;
	} finally {
		await context.close().catch(() => {});
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

/**
 * The applicant's view of the form onboarding example (examples/form-onboarding.workflow.json), active in
 * a running n8n: the form filled in (form.png), then, each after a real submission through the page's own
 * script, the "Enrolled" ending (form-enrolled.png) and the rejection ending (form-rejected.png).
 * enrol / reject: { email, file }. Returns the three file paths.
 */
async function takeFormScreenshots({ formUrl, outDir, enrol, reject, log = () => {} }) {
	fs.mkdirSync(outDir, { recursive: true });
	const { context, userDataDir } = await launchChromium({ width: 760, height: 720 }, log);
	// the page's cards and footer, not the empty rest of the viewport
	const shoot = async (page, file) => {
		const bottom = await page.evaluate(() =>
			Math.max(...[...document.querySelectorAll('.card, .n8n-link')].filter((e) => e.offsetParent).map((e) => e.getBoundingClientRect().bottom)),
		);
		const height = Number.isFinite(bottom) ? Math.min(720, Math.ceil(bottom) + 24) : 720;
		await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 760, height } });
		log(`saved ${file}`);
	};
	const shots = {
		form: path.join(outDir, 'form.png'),
		enrolled: path.join(outDir, 'form-enrolled.png'),
		rejected: path.join(outDir, 'form-rejected.png'),
	};
	let page;
	try {
		const submit = async (applicant, formShot) => {
			page = await context.newPage();
			page.setDefaultTimeout(60_000);
			await page.goto(formUrl, { waitUntil: 'domcontentloaded' });
			await page.getByLabel('Email').fill(applicant.email);
			await page.getByLabel('Selfie').setInputFiles(applicant.file);
			await page.mouse.move(0, 0);
			if (formShot) await shoot(page, formShot);
			// the ending page resumes the run on load and then polls; it is done when the status says so
			const finished = page.waitForResponse(
				async (r) => /\/n8n-execution-status/.test(r.url()) && (await r.text().catch(() => '')).trim() === 'success',
				{ timeout: 90_000 },
			);
			await page.locator('#submit-btn').click();
			await page.waitForURL(/\/form-waiting\//, { timeout: 90_000 });
			await finished;
			await page.locator('h1').first().waitFor();
			await sleep(300);
			return page;
		};

		log(`submitting ${path.basename(enrol.file)} in the form`);
		await submit(enrol, shots.form);
		const title = (await page.locator('h1').first().textContent()).trim();
		if (title !== 'Enrolled') throw new Error(`expected the "Enrolled" ending, the page says "${title}"`);
		await shoot(page, shots.enrolled);
		await page.close();

		log(`submitting ${path.basename(reject.file)} in the form`);
		await submit(reject);
		const rejected = (await page.locator('h1').first().textContent()).trim();
		if (rejected === 'Enrolled') throw new Error(`${path.basename(reject.file)} was enrolled`);
		await shoot(page, shots.rejected);
		return shots;
	} catch (err) {
		if (page && !page.isClosed()) {
			const fail = path.join(outDir, 'form-failure.png');
			await page.screenshot({ path: fail }).catch(() => {});
			err.message += ` (browser screenshot at the failure: ${fail})`;
		}
		throw err;
	} finally {
		await context.close().catch(() => {});
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

module.exports = { takeScreenshots, takeFormScreenshots, launchChromium, signIn, tidy, sleep, CHROMIUM, CHROMIUM_ARGS };

// ---------- standalone: npm run screenshot ----------
async function main() {
	const { REPO } = require('./lib/package');
	const { withRealN8n } = require('./lib/standalone');
	const outArg = process.argv.find((a) => a.startsWith('--out='));
	const outDir = outArg ? path.resolve(outArg.slice(6)) : path.join(REPO, 'docs', 'images');
	const log = (m) => process.stderr.write(`[screenshot ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
	const t0 = Date.now();
	await withRealN8n({ log, skipBuild: process.env.ARGOS_E2E_SKIP_BUILD === '1', prefix: 'argos-screenshot-' }, async ({ n8n, sandbox, workflow }) => {
		const t1 = Date.now();
		// The canvas shows the full onboarding example as committed; the parameter panel its Face Compare node.
		const shots = await takeScreenshots({ n8n, outDir, log, workflowId: workflow.id, nodeName: 'Selfie vs ID Portrait' });
		const form = require('./form');
		const { formUrl } = await form.activateForm(n8n, sandbox);
		const applicants = form.APPLICANTS;
		Object.assign(shots, await takeFormScreenshots({ formUrl, outDir, log, enrol: applicants.jpeg, reject: applicants.pdf }));
		log(`browser part ${((Date.now() - t1) / 1000).toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		for (const f of Object.values(shots)) log(`wrote ${path.relative(process.cwd(), f)} (${fs.statSync(f).size} bytes)`);
	});
}

if (require.main === module) {
	main().catch((err) => {
		process.stderr.write(`screenshot FAILED: ${err.stack || err.message}\n`);
		process.exit(1);
	});
}
