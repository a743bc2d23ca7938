'use strict';
/*
 * The Argos ID Check node, ID Document → Read (OCR) and examples/idcheck-enrol.workflow.json in real n8n
 * (called from run.js, per version, after n8n started and the owner logged in). Steps, all named "ID Check: …":
 *
 *   - credential test through n8n's REST endpoint: the sandbox's ID Check key → OK, a wrong key → Error;
 *   - the example file: imported through the public API unchanged but for credential and Data table ids, every node
 *     type it uses (at its typeVersion) is among the types this n8n serves;
 *   - a Data table "argos_face_enrolments" created through n8n's REST API (1.x: /rest/projects/:id/data-tables;
 *     2.x has the same route, used for both);
 *   - the example's enrol path with the REAL Data table node: the example plus one Webhook node wired to
 *     "Get Submissions" (a Manual Trigger cannot be called in an active workflow), activated, called: a fresh approved
 *     submission (created in the sandbox for this version) is enrolled into col_demo under its submission ID with its
 *     selfie's face; its row submissionId ↔ faceId is in the Data table; called again, nothing is enrolled twice
 *     (Skip If Already Enrolled) and no row is added;
 *   - the example's erasure path through its real Form Trigger (the form is opened and submitted like a browser):
 *     the face is gone from col_demo, the sandbox shows the submission deleted and a "delete" webhook delivery for
 *     it (Admin Name set), the row is gone;
 *   - ID Document → Read (OCR) on a sandbox ID image posted to a webhook: Success with the fields the image carries.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const assert = require('node:assert/strict');

const { REPO } = require('./lib/package');
const { openForm, submitForm } = require('./lib/form-client');

const EXAMPLE_FILE = path.join(REPO, 'examples', 'idcheck-enrol.workflow.json');
const FACES_TYPE = 'n8n-nodes-argos-faces.argosFaces';
const IDC_TYPE = 'n8n-nodes-argos-faces.argosIdCheck';
const IDC_CRED = 'argosIdCheckApi';
const FACES_CRED = 'argosFacesApi';
const TABLE_NAME = 'argos_face_enrolments';
const COLLECTION = 'col_demo';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function saveCredential(n8n, name, type, data) {
	const saved = await n8n.restOk('POST', '/rest/credentials', { name, type, data });
	assert.ok(saved && saved.id, `no id in the saved credential: ${JSON.stringify(saved).slice(0, 300)}`);
	return { id: saved.id, name: saved.name ?? name };
}

/** A local endpoint for the sandbox's ID Check webhooks (answers 200). */
function startReceiver() {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push(body);
			res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ url: `http://127.0.0.1:${server.address().port}/idcheck-hook`, received, close: () => new Promise((r) => server.close(r)) }),
		),
	);
}

/** The example with this n8n's credential and Data table ids. */
function exampleFor({ idcCred, facesCred, tableId }) {
	const wf = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));
	for (const n of wf.nodes) {
		if (n.credentials && n.credentials[IDC_CRED]) n.credentials = { [IDC_CRED]: idcCred };
		if (n.credentials && n.credentials[FACES_CRED]) n.credentials = { [FACES_CRED]: facesCred };
		if (n.type === 'n8n-nodes-base.dataTable' && tableId) {
			n.parameters.dataTableId = { ...n.parameters.dataTableId, value: tableId };
		}
	}
	return wf;
}

function idcheckSteps({ step, get, ctx, version, log = () => {} }) {
	const state = {};
	const ready = () => {
		const n8n = get();
		if (!n8n || !n8n.ready) throw new Error('n8n did not start');
		return n8n;
	};
	const tag = version.replace(/\./g, '-');

	step('ID Check: testing the ID Check credential through n8n (seeded key -> OK, wrong key -> Error)', get, async () => {
		const n8n = ready();
		const test = async (name, apiKey) => {
			const data = { apiKey, baseUrl: ctx.sandbox.url };
			const saved = await saveCredential(n8n, name, IDC_CRED, data);
			const r = await n8n.rest('POST', '/rest/credentials/test', { credentials: { id: saved.id, name, type: IDC_CRED, data } });
			assert.equal(r.status, 200, `POST /rest/credentials/test -> ${r.status}: ${r.text.slice(0, 300)}`);
			return r.body.data ?? r.body;
		};
		const ok = await test('Argos ID Check (valid key)', ctx.sandbox.idcheck.apiKey);
		assert.equal(ok.status, 'OK', `valid key: ${JSON.stringify(ok)}`);
		const bad = await test('Argos ID Check (wrong key)', 'not-the-idcheck-key');
		assert.equal(bad.status, 'Error', `wrong key: ${JSON.stringify(bad)}`);
		const face = await test('Argos ID Check (Face ID key)', ctx.sandbox.apiKey);
		assert.equal(face.status, 'Error', `the Face ID key is another project's: ${JSON.stringify(face)}`);
		log(`n8n ${version}: ID Check credential test: valid ${ok.status}, wrong key ${bad.status} (${bad.message})`);
	});

	step('ID Check: importing examples/idcheck-enrol.workflow.json; every node type it uses is known', get, async () => {
		const n8n = ready();
		state.idcCred = await saveCredential(n8n, 'Argos ID Check sandbox', IDC_CRED, { apiKey: ctx.sandbox.idcheck.apiKey, baseUrl: ctx.sandbox.url });
		state.facesCred = await saveCredential(n8n, 'Argos Faces sandbox (ID Check)', FACES_CRED, { apiKey: ctx.sandbox.apiKey, baseUrl: ctx.sandbox.url });
		const wf = exampleFor({ idcCred: state.idcCred, facesCred: state.facesCred });
		const created = await n8n.api('POST', '/workflows', { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings });
		const back = await n8n.api('GET', `/workflows/${created.id}`);
		assert.equal(back.nodes.length, wf.nodes.length, 'every node imported');
		const res = await fetch(`${n8n.baseUrl}/types/nodes.json`, { headers: { cookie: n8n.cookie, 'browser-id': 'argos-e2e-browser' } });
		assert.equal(res.status, 200);
		const types = await res.json();
		const known = new Map();
		for (const t of types) {
			for (const v of [t.version].flat()) known.set(`${t.name}@${v}`, true);
		}
		const unknown = wf.nodes.filter((n) => !known.has(`${n.type}@${n.typeVersion}`)).map((n) => `${n.name} (${n.type}@${n.typeVersion})`);
		assert.deepEqual(unknown, [], `node types/versions this n8n does not know: ${unknown.join(', ')}`);
	});

	step('ID Check: creating the Data table argos_face_enrolments through n8n\'s REST API', get, async () => {
		const n8n = ready();
		const project = await n8n.restOk('GET', '/rest/projects/personal');
		assert.ok(project && project.id, `no personal project: ${JSON.stringify(project).slice(0, 200)}`);
		state.projectId = project.id;
		const columns = ['submissionId', 'faceId', 'collectionId'].map((name) => ({ name, type: 'string' }));
		const table = await n8n.restOk('POST', `/rest/projects/${project.id}/data-tables`, { name: `${TABLE_NAME}_${tag}`, columns });
		assert.ok(table && table.id, `no id in the created data table: ${JSON.stringify(table).slice(0, 300)}`);
		state.tableId = table.id;
		log(`n8n ${version}: data table ${table.id}`);
	});

	const rows = async () => {
		const n8n = get();
		const r = await n8n.restOk('GET', `/rest/projects/${state.projectId}/data-tables/${state.tableId}/rows?take=100`);
		return r.data ?? r;
	};
	const facesOf = (userName) => {
		const col = ctx.sandbox.state().collections.find((c) => c.id === COLLECTION);
		return col.faces.filter((f) => f.userName === userName);
	};

	step('ID Check: the example\'s enrol path with the real Data table node (Get Many → Filter → Get with selfie → Add → Upsert), twice', get, async () => {
		const n8n = ready();
		if (!state.tableId) throw new Error('no data table');
		state.submission = ctx.sandbox.idcheck.createSubmission({ status: 'approved', faceKey: `e2e-idcheck-${tag}`, fullName: 'E2E Applicant', email: `e2e-${tag}@example.com` });
		const sid = state.submission.submission_id ?? state.submission.submissionId;
		assert.ok(sid, `no submission id in ${JSON.stringify(state.submission).slice(0, 200)}`);
		state.sid = sid;
		const wf = exampleFor({ idcCred: state.idcCred, facesCred: state.facesCred, tableId: state.tableId });
		state.webhookPath = `argos-idcheck-enrol-${tag}`;
		state.formPath = `${wf.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger').parameters.options.path}-${tag}`;
		for (const n of wf.nodes) if (n.type === 'n8n-nodes-base.formTrigger') n.parameters.options.path = state.formPath;
		wf.nodes.push({
			id: crypto.randomUUID(),
			name: 'E2E Enrol Call',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, -200],
			webhookId: crypto.randomUUID(),
			parameters: { httpMethod: 'POST', path: state.webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		});
		wf.connections['E2E Enrol Call'] = { main: [[{ node: 'Get Submissions', type: 'main', index: 0 }]] };
		const created = await n8n.api('POST', '/workflows', { name: `${wf.name} (e2e)`, nodes: wf.nodes, connections: wf.connections, settings: wf.settings });
		await n8n.api('POST', `/workflows/${created.id}/activate`);
		state.workflowId = created.id;

		const call = async () => {
			const res = await n8n.callWebhook(state.webhookPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, { timeoutMs: 30_000 });
			assert.equal(res.status, 200, `enrol webhook answered ${res.status}: ${res.text.slice(0, 500)}`);
			return [res.json].flat();
		};
		const first = await call();
		const mine = facesOf(sid);
		assert.equal(mine.length, 1, `one face under userName ${sid} in ${COLLECTION}; found ${mine.length}`);
		assert.equal(mine[0].faceKey, `e2e-idcheck-${tag}`, 'the face enrolled is the submission\'s selfie');
		const row = (await rows()).filter((r) => r.submissionId === sid);
		assert.equal(row.length, 1, `one Data table row for ${sid}: ${JSON.stringify(row)}`);
		assert.equal(row[0].faceId, mine[0].faceId, 'the row keeps the faceId the sandbox holds');
		assert.equal(row[0].collectionId, COLLECTION);
		assert.ok(first.some((r) => r.submissionId === sid && r.faceId === mine[0].faceId), `the run ended on Enrolled with the row: ${JSON.stringify(first).slice(0, 400)}`);
		state.faceId = mine[0].faceId;
		const rowCount = (await rows()).length;
		const addsBefore = ctx.sandbox.requests().filter((q) => q.method === 'POST' && /\/modules\/faces\/?$/.test(q.path)).length;

		await call();
		assert.equal(facesOf(sid).length, 1, 'Add again (Skip If Already Enrolled) must not enrol twice');
		assert.equal(facesOf(sid)[0].faceId, state.faceId);
		assert.equal((await rows()).length, rowCount, 'Upsert must not add a row the second time');
		const addsAfter = ctx.sandbox.requests().filter((q) => q.method === 'POST' && /\/modules\/faces\/?$/.test(q.path)).length;
		assert.equal(addsAfter, addsBefore, 'no add request the second time');
		log(`n8n ${version}: enrolled ${sid} -> ${state.faceId}; ${rowCount} row(s); second run added nothing`);
	});

	step('ID Check: the example\'s erasure path through its Form Trigger (Data table → Delete face → ID Check Delete with Admin Name → Delete row)', get, async () => {
		const n8n = ready();
		if (!state.faceId) throw new Error('nothing was enrolled');
		const receiver = await startReceiver();
		ctx.sandbox.idcheck.setWebhookUrl(receiver.url);
		try {
			const form = await openForm(`${n8n.baseUrl}/form/${state.formPath}`);
			const r = await submitForm(form, { 'Submission ID': state.sid });
			assert.ok(r.post.status < 400, `form POST -> ${r.post.status}: ${JSON.stringify(r.post.body).slice(0, 300)}`);
			const until = Date.now() + 30_000;
			const done = () => {
				const sub = ctx.sandbox.idcheck.submission(state.sid);
				return sub && sub.deleted && facesOf(state.sid).length === 0;
			};
			while (!done() && Date.now() < until) await sleep(250);
			assert.equal(facesOf(state.sid).length, 0, 'the face must be deleted from the collection');
			assert.ok(!ctx.sandbox.state().collections.find((c) => c.id === COLLECTION).faces.some((f) => f.faceId === state.faceId), 'faceId gone');
			const sub = ctx.sandbox.idcheck.submission(state.sid);
			assert.equal(sub.deleted, true, `the sandbox must show the submission deleted: ${JSON.stringify(sub).slice(0, 300)}`);
			let delivery;
			for (const end = Date.now() + 10_000; !delivery && Date.now() < end; await sleep(200)) {
				delivery = ctx.sandbox.idcheck.deliveries().find((d) => d.event === 'delete' && d.submissionId === state.sid);
			}
			assert.ok(delivery, `a "delete" webhook delivery for ${state.sid}: ${JSON.stringify(ctx.sandbox.idcheck.deliveries().slice(-3))}`);
			assert.equal(delivery.payload.account_email, 'admin@example.com', 'the Admin Name of the example');
			let left;
			for (const end = Date.now() + 10_000; Date.now() < end; await sleep(250)) {
				left = (await rows()).filter((x) => x.submissionId === state.sid);
				if (left.length === 0) break;
			}
			assert.equal(left.length, 0, 'the row must be removed');
			log(`n8n ${version}: erased ${state.sid}: face gone, submission deleted, delete webhook ${delivery.state}, row removed`);
		} finally {
			ctx.sandbox.idcheck.setWebhookUrl(null);
			await receiver.close();
		}
	});

	step('ID Check: ID Document → Read (OCR) on a sandbox ID image -> Success with the fields', get, async () => {
		const n8n = ready();
		const cred = state.facesCred ?? (await saveCredential(n8n, 'Argos Faces sandbox (OCR)', FACES_CRED, { apiKey: ctx.sandbox.apiKey, baseUrl: ctx.sandbox.url }));
		const webhookPath = `argos-ocr-${tag}`;
		const body = {
			name: 'Argos ID Document OCR (e2e)',
			nodes: [
				{ id: crypto.randomUUID(), name: 'ID Upload', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: crypto.randomUUID(), parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'responseNode', options: {} } },
				{
					id: crypto.randomUUID(),
					name: 'Read ID',
					type: FACES_TYPE,
					typeVersion: 1,
					position: [260, 0],
					parameters: { resource: 'idDocument', operation: 'read', imageSource: 'binary', binaryPropertyName: 'data', issuingCountry: 'USA', idType: 'drivers_license', options: {} },
					credentials: { [FACES_CRED]: cred },
				},
				{ id: crypto.randomUUID(), name: 'Read', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [520, -100], parameters: { respondWith: 'firstIncomingItem', options: { responseCode: 200 } } },
				{ id: crypto.randomUUID(), name: 'Not Read', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [520, 100], parameters: { respondWith: 'firstIncomingItem', options: { responseCode: 422 } } },
			],
			connections: {
				'ID Upload': { main: [[{ node: 'Read ID', type: 'main', index: 0 }]] },
				'Read ID': { main: [[{ node: 'Read', type: 'main', index: 0 }], [{ node: 'Not Read', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const w = await n8n.api('POST', '/workflows', body);
		await n8n.api('POST', `/workflows/${w.id}/activate`);
		const ocr = { fullName: 'JANE Q SAMPLE', birthDate: '1990-04-12', number: 'D1234567', expireDate: '2031-04-12' };
		const image = ctx.sandbox.sampleIdImage ? ctx.sandbox.sampleIdImage({ ocr, score: 93 }) : require(path.join(REPO, 'sandbox')).sampleIdImage({ ocr, score: 93 });
		const res = await n8n.callWebhook(webhookPath, {
			method: 'POST',
			body: () => {
				const fd = new FormData();
				fd.append('data', new Blob([image], { type: 'image/jpeg' }), 'id-front.jpg');
				return fd;
			},
		});
		assert.equal(res.status, 200, `OCR webhook answered ${res.status}: ${res.text.slice(0, 500)}`);
		const item = [res.json].flat()[0];
		assert.equal(item.fullName && item.fullName.value, ocr.fullName, `fullName in ${res.text.slice(0, 400)}`);
		assert.equal(item.birthDate && item.birthDate.value, ocr.birthDate);
		assert.equal(item.idNumber && item.idNumber.value, ocr.number);
		assert.equal(item.expireDate && item.expireDate.value, ocr.expireDate);
		assert.equal(item.fullName.score, 93);
		log(`n8n ${version}: OCR read ${item.fullName.value} / ${item.idNumber.value}`);
	});
}

module.exports = { idcheckSteps, EXAMPLE_FILE };
