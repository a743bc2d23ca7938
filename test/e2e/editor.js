#!/usr/bin/env node
'use strict';
/*
 * What a new user meets in the real n8n 2.41.1 editor, driven in Debian's Chromium by playwright-core the way
 * screenshot.js drives it, each check with a screenshot into outDir:
 *   node-search.png        the node panel finds Argos Faces by "liveness" (and by compare, id document, selfie,
 *                          face match, kyc); where it ranks for "face" is reported
 *   credential-http.png    a credential with plain http:// to another machine: the dialog's details give the reason
 *   failed-item.png        the full onboarding example after a run: a Failed item in the output panel, its error
 *                          reading code, message, description, applicantMessage first and naming the file (image)
 *   executions-filter.png  the Executions list filtered by the custom data the node records (argos_failed)
 *
 * `npm run test:e2e` calls editorChecks() on its 2.41.1 instance. Standalone, `node test/e2e/editor.js
 * [--out=<dir>] [--package=<checkout>] [--observe]` starts its own n8n with the tarball packed from this
 * repository (or from another checkout, e.g. an older commit, to take "before" pictures); --observe takes
 * the pictures and reports what it saw without asserting.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { launchChromium, signIn, sleep, tidy } = require('./screenshot');

const SEARCH_TERMS = ['liveness', 'compare', 'id document', 'selfie', 'face match', 'kyc'];
const NODE = 'Argos Faces';

/** The node panel's search field (the test id sits on the input or on its wrapper, by n8n version). */
const searchBar = (page) => page.locator('input[data-test-id="node-creator-search-bar"], [data-test-id="node-creator-search-bar"] input').first();

/** The node creator's results for a term, in order, without the duplicates its nested lists repeat. */
async function searchNodes(page, term) {
	await searchBar(page).fill(term);
	await sleep(1000);
	const names = await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
	return names.map((n) => n.trim()).filter((n, i, all) => n && all.indexOf(n) === i);
}

async function nodeSearch(page, { baseUrl, outDir, observe, log }) {
	await page.goto(`${baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="node-creator-plus-button"]').first().waitFor({ timeout: 60_000 });
	await sleep(1000);
	await tidy(page);
	await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
	await searchBar(page).waitFor();
	const ranks = {};
	for (const term of [...SEARCH_TERMS, 'face']) {
		const names = await searchNodes(page, term);
		ranks[term] = names.indexOf(NODE) + 1;
		if (term === 'liveness') await page.screenshot({ path: path.join(outDir, 'node-search.png'), clip: { x: 1030, y: 60, width: 410, height: 420 } });
	}
	log(`node panel: rank of ${NODE} per term ${JSON.stringify(ranks)}`);
	if (!observe) for (const term of SEARCH_TERMS) assert.equal(ranks[term] > 0, true, `"${term}" must find ${NODE}: ${JSON.stringify(ranks)}`);
	await page.keyboard.press('Escape');
	return ranks;
}

async function credentialDialog(page, { baseUrl, sandbox, outDir, observe, log }) {
	await page.goto(`${baseUrl}/home/credentials`, { waitUntil: 'domcontentloaded' });
	await page.getByText('Create credential', { exact: true }).first().waitFor({ timeout: 60_000 });
	await sleep(800);
	await tidy(page);
	await page.getByText('Create credential', { exact: true }).first().click();
	await page.locator('[data-test-id="new-credential-type-select"] input').first().fill('Argos Faces');
	await sleep(600);
	await page.locator('[data-test-id="new-credential-type-select-option"]').first().click();
	await page.locator('[data-test-id="new-credential-type-button"]').click();
	await page.locator('[data-test-id="parameter-input-apiKey"] input').fill('key-for-the-editor-check');
	// [::ffff:127.0.0.1] reaches the sandbox but is not on the loopback allow-list: it stands for another machine.
	await page.locator('[data-test-id="parameter-input-baseUrl"] input').fill(`http://[::ffff:127.0.0.1]:${sandbox.port}`);
	const before = sandbox.requests().length;
	await page.locator('[data-test-id="credential-save-button"]').click();
	const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
	await dialog.getByText('More details').first().click({ timeout: 30_000 });
	await sleep(800);
	const text = await dialog.innerText();
	await page.mouse.move(5, 5);
	await page.screenshot({ path: path.join(outDir, 'credential-http.png') });
	const reason = /plain http:\/\/ to a host that is not this machine/.test(text);
	log(`credential dialog: gives the reason for plain http: ${reason}`);
	if (!observe) {
		assert.ok(reason, `the dialog must say why: ${text.slice(0, 400)}`);
		assert.equal(sandbox.requests().length, before, 'nothing may be sent');
	}
	await page.keyboard.press('Escape');
}

async function failedItem(page, { baseUrl, workflowId, outDir, observe, log }) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 90_000 });
	await sleep(1000);
	await tidy(page);
	const run = page.waitForResponse((r) => r.request().method() === 'POST' && /\/rest\/workflows\/[^/]+\/run/.test(new URL(r.url()).pathname), {
		timeout: 60_000,
	});
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	await run;
	// The Failed branch of the first check (named "Selfie Not Live" before the branches were named by check).
	const branch = page.locator('[data-test-id="canvas-node"]', { hasText: /Liveness Check Failed|Selfie Not Live/ }).first();
	await branch.locator('[data-test-id="canvas-node-status-success"]').first().waitFor({ timeout: 90_000 });
	await sleep(800);
	await tidy(page);
	await branch.dblclick();
	const output = page.locator('[data-test-id="output-panel"]').first();
	await output.waitFor({ timeout: 30_000 });
	await output.locator('[data-test-id="radio-button-json"]').first().click();
	await sleep(1200);
	await page.mouse.move(5, 5);
	const text = await output.innerText();
	const box = await output.boundingBox();
	await page.screenshot({ path: path.join(outDir, 'failed-item.png'), ...(box && { clip: box }) });
	// The JSON view wraps long values over several lines: compare without white space.
	const compact = text.replace(/\s+/g, '');
	const at = (key) => compact.indexOf(`"${key}":`);
	const first = ['code', 'message', 'description', 'applicantMessage', 'httpStatus'].every((key, i, keys) => i === 0 || at(keys[i - 1]) < at(key));
	const names = compact.includes('"image":{"source":"binary","property":"selfie","fileName":"carl-selfie.jpg"}');
	const misleading = compact.includes('carl-id.jpg');
	log(`output panel: error fields first ${first}, error.image names carl-selfie.jpg ${names}, the ID's file name shown ${misleading}`);
	if (!observe) {
		assert.ok(first, `the error must read code, message, description, applicantMessage first:\n${text.slice(0, 800)}`);
		assert.ok(names, `error.image must name the selfie's property and file:\n${text.slice(0, 1600)}`);
		assert.ok(!misleading, 'no field may name the ID photo beside a selfie error');
	}
	await page.keyboard.press('Escape');
}

async function executionsFilter(page, { baseUrl, workflowId, outDir, observe, log, n8n }) {
	// What the run recorded, as n8n stores it (the public API gives an execution's data, custom data included).
	const list = await n8n.api('GET', `/executions?workflowId=${encodeURIComponent(workflowId)}&limit=1&includeData=true`);
	const recorded = JSON.stringify(list).match(/"argos_failed"[^}]*/)?.[0] ?? 'nothing';
	log(`custom data of the latest run: ${recorded}`);
	if (!observe) assert.match(recorded, /"argos_failed"/, 'the run must record argos_failed');

	await page.goto(`${baseUrl}/workflow/${workflowId}/executions`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="executions-filter-button"]').first().waitFor({ timeout: 60_000 });
	await sleep(1000);
	await tidy(page);
	await page.locator('[data-test-id="executions-filter-button"]').first().click();
	const key = page.locator('[data-test-id="execution-filter-saved-data-key-input"] input, input[data-test-id="execution-filter-saved-data-key-input"]').first();
	await key.waitFor();
	// "Highlighted data" is a filter of n8n's paid plans: in the community edition the field is disabled.
	const filterable = await key.isEnabled();
	if (filterable) {
		await key.fill('argos_failed');
		await page.locator('[data-test-id="execution-filter-saved-data-value-input"] input, input[data-test-id="execution-filter-saved-data-value-input"]').first().fill('4');
		await sleep(2500);
	}
	await key.hover().catch(() => {});
	await sleep(800);
	await page.screenshot({ path: path.join(outDir, 'executions-filter.png') });
	const listed = await page.locator('[data-test-id="current-executions-list"] [data-test-id^="execution-details-"]').count();
	log(`executions list: the Highlighted data filter is ${filterable ? `available, ${listed} execution(s) with argos_failed = 4` : 'not available on this plan (community edition)'}`);
	if (!observe && filterable) assert.ok(listed >= 1, 'the run with four rejected applicants must be found by its custom data');
	await page.keyboard.press('Escape');
}

/** Every editor check on a running n8n 2.x with the package installed and the full onboarding imported. */
async function editorChecks({ n8n, sandbox, workflowId, outDir, log = () => {}, observe = false }) {
	fs.mkdirSync(outDir, { recursive: true });
	const { context, userDataDir } = await launchChromium({ width: 1440, height: 860 }, log);
	const page = context.pages()[0] || (await context.newPage());
	page.setDefaultTimeout(60_000);
	const args = { baseUrl: n8n.baseUrl, sandbox, workflowId, outDir, observe, log, n8n };
	try {
		await signIn(page, n8n.baseUrl);
		const ranks = await nodeSearch(page, args);
		await credentialDialog(page, args);
		await failedItem(page, args);
		await executionsFilter(page, args);
		return { ranks };
	} catch (err) {
		await page.screenshot({ path: path.join(outDir, 'editor-failure.png') }).catch(() => {});
		err.message += ` (browser screenshot at the failure: ${path.join(outDir, 'editor-failure.png')})`;
		throw err;
	} finally {
		await context.close().catch(() => {});
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

module.exports = { editorChecks };

// ---------- standalone ----------
async function main() {
	const { REPO } = require('./lib/package');
	const { withRealN8n } = require('./lib/standalone');
	const arg = (name) => (process.argv.find((a) => a.startsWith(`--${name}=`)) ?? '').slice(name.length + 3) || undefined;
	const outDir = path.resolve(arg('out') ?? path.join(REPO, 'docs', 'images'));
	const repo = path.resolve(arg('package') ?? REPO);
	const observe = process.argv.includes('--observe');
	const log = (m) => process.stderr.write(`[editor ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
	await withRealN8n({ log, repo, prefix: 'argos-editor-' }, async ({ n8n, sandbox, workflow }) => {
		await editorChecks({ n8n, sandbox, workflowId: workflow.id, outDir, log, observe });
		log(`pictures in ${outDir}`);
	});
}

if (require.main === module) {
	main().catch((err) => {
		process.stderr.write(`editor FAILED: ${err.stack || err.message}\n`);
		process.exit(1);
	});
}
