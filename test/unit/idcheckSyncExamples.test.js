'use strict';
/*
 * examples/idcheck-sync.workflow.json and idcheck-reconcile.workflow.json, read as files: what the README promises
 * about their shape. What they do is run in real n8n by test/e2e/idcheck-sync.js (npm run test:e2e, test:queue).
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.join(__dirname, '..', '..');
const load = (f) => JSON.parse(fs.readFileSync(path.join(REPO, 'examples', f), 'utf8'));
const sync = load('idcheck-sync.workflow.json');
const reconcile = load('idcheck-reconcile.workflow.json');
const PKG = 'n8n-nodes-argos-faces.';

const byName = (wf) => new Map(wf.nodes.map((n) => [n.name, n]));
const outputsOf = (wf, name) => (wf.connections[name] && wf.connections[name].main) || [];

describe.each([
	['idcheck-sync', sync],
	['idcheck-reconcile', reconcile],
])('%s', (_label, wf) => {
	it('has no Code node and every connection names a node of the workflow', () => {
		const names = byName(wf);
		expect(wf.nodes.filter((n) => /code|function/i.test(n.type))).toEqual([]);
		for (const [from, c] of Object.entries(wf.connections)) {
			expect(names.has(from)).toBe(true);
			for (const out of c.main) for (const t of out) expect(names.has(t.node)).toBe(true);
		}
	});

	it('wires both outputs (Success and Failed) of every Argos node to a node', () => {
		for (const n of wf.nodes.filter((x) => x.type.startsWith(PKG) && !x.type.endsWith('Trigger'))) {
			const outs = outputsOf(wf, n.name);
			expect([n.name, outs.length]).toEqual([n.name, 2]);
			for (const o of outs) expect([n.name, o.length > 0]).toEqual([n.name, true]);
		}
	});

	it('adds with Skip If Already Enrolled, User Name = the submission ID, selfie only', () => {
		const adds = wf.nodes.filter((n) => n.type === `${PKG}argosFaces` && n.parameters.operation === 'add');
		expect(adds.length).toBeGreaterThan(0);
		for (const a of adds) {
			expect(a.parameters.options.skipIfAlreadyEnrolled).toBe(true);
			expect(a.parameters.userName).toBe('={{ $json.submissionId }}');
		}
		for (const g of wf.nodes.filter((n) => n.type === `${PKG}argosIdCheck` && n.parameters.operation === 'get')) expect(g.parameters.images).toEqual(['selfieImage']);
	});

	it('keeps one Data table row per submission (Upsert matched on submissionId)', () => {
		for (const u of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.dataTable' && n.parameters.operation === 'upsert')) {
			expect(u.parameters.filters.conditions.map((c) => c.keyName)).toEqual(['submissionId']);
		}
	});
});

describe('idcheck-sync', () => {
	const trigger = sync.nodes.find((n) => n.type === `${PKG}argosIdCheckTrigger`);
	it('starts from the trigger with Confirm With ARGOS on, the documented source address, a webhook ID', () => {
		expect(trigger.parameters.confirm).toBe(true);
		expect(trigger.parameters.allowedIps).toBe('52.78.194.237');
		expect(trigger.parameters.events.sort()).toEqual(['approved', 'delete', 'rejected']);
		expect(trigger.webhookId).toMatch(/^[0-9a-f-]{36}$/);
	});
	it('routes every confirmed state, unconfirmed and unreadable deliveries to a node', () => {
		const sw = byName(sync).get('Route on ARGOS State');
		expect(sw.parameters.rules.values.map((r) => r.outputKey)).toEqual(['Unreadable', 'Not Confirmed', 'Approved', 'Rejected', 'Deleted']);
		expect(sw.parameters.options.fallbackOutput).toBe('extra');
		const outs = outputsOf(sync, sw.name).map((o) => o.map((t) => t.node));
		expect(outs).toEqual([['Unreadable Delivery'], ['Needs Reconcile'], ['Get Selfie'], ['Look Up Face'], ['Look Up Face'], ['Nothing to Do Yet']]);
	});
	it('forgets the row when the face is already gone, and only then', () => {
		expect(outputsOf(sync, 'Remove Face')[1].map((t) => t.node)).toEqual(['Face Already Gone?']);
		expect(outputsOf(sync, 'Face Already Gone?').map((o) => o.map((t) => t.node))).toEqual([['Forget Row'], ['Face Not Removed']]);
	});
});

describe('idcheck-reconcile', () => {
	it('runs on a schedule, lists every submission and the faces once', () => {
		const names = byName(reconcile);
		expect(names.get('Every Hour').type).toBe('n8n-nodes-base.scheduleTrigger');
		expect(names.get('Get Submissions').parameters.returnAll).toBe(true);
		expect(names.get('List Faces').executeOnce).toBe(true);
		expect(names.get('List Faces').parameters.returnAll).toBe(true);
	});
	it('deletes the extras: Compare Datasets "In A only" of all faces (A) against the first per submission (B)', () => {
		expect(outputsOf(reconcile, 'Oldest First')[0].map((t) => `${t.node}:${t.index}`).sort()).toEqual(['Extra Faces:0', 'First Face per Submission:0']);
		expect(outputsOf(reconcile, 'First Face per Submission')[0].map((t) => `${t.node}:${t.index}`)).toEqual(['Extra Faces:1']);
		expect(outputsOf(reconcile, 'Extra Faces').map((o) => o.map((t) => t.node))).toEqual([['Delete Extra Face'], ['Keep Submission ↔ Kept Face']]);
	});
});
