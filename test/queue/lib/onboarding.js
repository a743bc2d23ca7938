'use strict';
/*
 * The onboarding workflow of the queue-mode test, its outcome ledger, the applicants and the burst client.
 *
 * Workflow: Webhook (multipart: fields submissionId, userName; file `data`) -> Argos Faces Add ->
 *   Success -> Postgres "Record Enrolled" -> Respond 200 (the Add output)
 *   Failed  -> Postgres "Record Rejected" -> Respond 422 (the Failed item: error code, description)
 * The ledger is a table in the same PostgreSQL, written by n8n's own Postgres node on the worker that ran the
 * execution. Its key is the submission: a second write for the same submission (a re-run) is counted in
 * `records` and its branch appended to `branches`, never lost.
 */
const crypto = require('node:crypto');

const LEDGER_TABLE = 'argos_outcomes';

const LEDGER_DDL = `
CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
	submission_id text PRIMARY KEY,
	branch text NOT NULL,
	branches text NOT NULL,
	face_id text,
	error_code text,
	execution_id text,
	records integer NOT NULL DEFAULT 1,
	recorded_at timestamptz NOT NULL DEFAULT now()
)`;

const LEDGER_INSERT =
	`INSERT INTO ${LEDGER_TABLE} (submission_id, branch, branches, face_id, error_code, execution_id) ` +
	'VALUES ($1, $2, $2, $3, $4, $5) ' +
	`ON CONFLICT (submission_id) DO UPDATE SET records = ${LEDGER_TABLE}.records + 1, ` +
	`branches = ${LEDGER_TABLE}.branches || ',' || EXCLUDED.branch`;

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position, parameters, ...extra };
}

/**
 * @param {object} o
 * @param {string} o.name
 * @param {string} o.webhookPath
 * @param {string} o.collectionId
 * @param {{id:string,name:string}} o.argosCredential
 * @param {{id:string,name:string}} o.postgresCredential
 * @param {boolean} [o.skipIfAlreadyEnrolled]
 */
function onboardingWorkflow({ name, webhookPath, collectionId, argosCredential, postgresCredential, skipIfAlreadyEnrolled = false }) {
	const submission = "$('Selfie Upload').item.json.body.submissionId";
	const pg = (nodeName, y, values) =>
		node(
			nodeName,
			'n8n-nodes-base.postgres',
			2.6,
			[520, y],
			{ operation: 'executeQuery', query: LEDGER_INSERT, options: { queryReplacement: `={{ ${values} }}` } },
			{ credentials: { postgres: postgresCredential } },
		);
	const respond = (nodeName, y, code) =>
		node(nodeName, 'n8n-nodes-base.respondToWebhook', 1.1, [780, y], {
			respondWith: 'json',
			responseBody: "={{ JSON.stringify($('Argos Faces').item.json) }}",
			options: { responseCode: code },
		});
	return {
		name,
		nodes: [
			node(
				'Selfie Upload',
				'n8n-nodes-base.webhook',
				2,
				[0, 0],
				{ httpMethod: 'POST', path: webhookPath, responseMode: 'responseNode', options: {} },
				{ webhookId: crypto.randomUUID() },
			),
			node(
				'Argos Faces',
				'n8n-nodes-argos-faces.argosFaces',
				1,
				[260, 0],
				{
					resource: 'face',
					operation: 'add',
					collectionId,
					userName: '={{ $json.body.userName }}',
					imageSource: 'binary',
					binaryPropertyName: 'data',
					options: skipIfAlreadyEnrolled ? { skipIfAlreadyEnrolled: true } : {},
				},
				{ credentials: { argosFacesApi: argosCredential } },
			),
			pg('Record Enrolled', -120, `[ ${submission}, 'success', $json.faceId ?? null, null, $execution.id ]`),
			pg('Record Rejected', 120, `[ ${submission}, 'failed', null, String($json.error?.code ?? 'NONE'), $execution.id ]`),
			respond('Respond Enrolled', -120, 200),
			respond('Respond Rejected', 120, 422),
		],
		connections: {
			'Selfie Upload': { main: [[{ node: 'Argos Faces', type: 'main', index: 0 }]] },
			'Argos Faces': {
				main: [[{ node: 'Record Enrolled', type: 'main', index: 0 }], [{ node: 'Record Rejected', type: 'main', index: 0 }]],
			},
			'Record Enrolled': { main: [[{ node: 'Respond Enrolled', type: 'main', index: 0 }]] },
			'Record Rejected': { main: [[{ node: 'Respond Rejected', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const PDF = Buffer.from(
	'%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
		'trailer << /Root 1 0 R >>\n%%EOF\n',
	'latin1',
);

/** What each kind of submission must end as. */
const EXPECT = {
	good: { branch: 'success', status: 200 },
	pdf: { branch: 'failed', status: 422, code: 'IMAGE_UNSUPPORTED_FORMAT' },
	empty: { branch: 'failed', status: 422, code: 'IMAGE_EMPTY' },
	spoof: { branch: 'failed', status: 422, code: '6015' },
};

/**
 * n submissions, one selfie each. Every 10th is bad, cycling PDF, empty file, spoof marker (so about 10%).
 * Each good applicant has their own face (a face key in the JPEG) and user name.
 */
function makeSubmissions(n, { prefix, sampleImage, imageBytes = 24_000, bad = true }) {
	const kinds = ['pdf', 'empty', 'spoof'];
	const out = [];
	for (let i = 0; i < n; i++) {
		const id = `${prefix}-${String(i + 1).padStart(4, '0')}`;
		const kind = bad && i % 10 === 9 ? kinds[Math.floor(i / 10) % kinds.length] : 'good';
		let file;
		let mime = 'image/jpeg';
		let filename = `${id}.jpg`;
		if (kind === 'pdf') {
			file = PDF;
			mime = 'application/pdf';
			filename = `${id}.pdf`;
		} else if (kind === 'empty') {
			file = Buffer.alloc(0);
		} else {
			file = sampleImage({ format: 'jpeg', faceKey: id, spoof: kind === 'spoof', sizeBytes: imageBytes });
		}
		out.push({ id, userName: `${id}@applicants.example`, kind, file, mime, filename, expect: EXPECT[kind] });
	}
	return out;
}

function formData(s) {
	const fd = new FormData();
	fd.append('submissionId', s.id);
	fd.append('userName', s.userName);
	fd.append('data', new Blob([s.file], { type: s.mime }), s.filename);
	return fd;
}

/**
 * Posts every submission to the webhook with at most `concurrency` in flight; a request that gets no answer
 * within timeoutMs is recorded as such (never retried: a webhook post is a write).
 * Returns { results: [{ id, status, json, ms, error }], ms }.
 */
async function postBurst(baseUrl, webhookPath, submissions, { concurrency = 10, timeoutMs = 120_000, onResult } = {}) {
	const results = new Array(submissions.length);
	let next = 0;
	const started = Date.now();
	const lane = async () => {
		while (next < submissions.length) {
			const i = next++;
			const s = submissions[i];
			const t = Date.now();
			try {
				const res = await fetch(`${baseUrl}/webhook/${webhookPath}`, {
					method: 'POST',
					body: formData(s),
					signal: AbortSignal.timeout(timeoutMs),
				});
				const text = await res.text();
				let json;
				try {
					json = JSON.parse(text);
				} catch {
					json = undefined;
				}
				results[i] = { id: s.id, status: res.status, json, text: json ? undefined : text.slice(0, 300), ms: Date.now() - t };
			} catch (error) {
				results[i] = { id: s.id, status: null, error: error.name === 'TimeoutError' ? 'no answer (client timeout)' : String(error.message || error), ms: Date.now() - t };
			}
			if (onResult) onResult(results[i]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, submissions.length) }, lane));
	return { results, ms: Date.now() - started };
}

module.exports = { LEDGER_TABLE, LEDGER_DDL, onboardingWorkflow, makeSubmissions, postBurst, EXPECT };
