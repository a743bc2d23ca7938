'use strict';
/* Workflows and credentials the e2e suite imports into real n8n. */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { REPO } = require('./package');

const NODE_TYPE = 'n8n-nodes-argos-faces.argosFaces';
const CRED_TYPE = 'argosFacesApi';
const IMAGES_DIR = path.join(REPO, 'examples', 'images');
const ONBOARDING_FILE = path.join(REPO, 'examples', 'onboarding.workflow.json');
const DEFAULT_GLOB = '*.{jpg,jpeg,png,webp,pdf}';

/**
 * Webhook (multipart selfie, binary) -> Argos Faces Add -> Respond on each branch:
 * Success answers 200 with the item, Failed answers 422 with the item (error object inside).
 */
function webhookAddWorkflow({ name, webhookPath, collectionId, credential }) {
	return {
		name,
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Selfie Upload',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'responseNode', options: {} },
			},
			{
				id: crypto.randomUUID(),
				name: 'Argos Faces',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					resource: 'face',
					operation: 'add',
					collectionId,
					userName: '={{ $json.body.userName }}',
					imageSource: 'binary',
					binaryPropertyName: 'data',
				},
				credentials: { [CRED_TYPE]: { id: credential.id, name: credential.name } },
			},
			{
				id: crypto.randomUUID(),
				name: 'Respond Enrolled',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.1,
				position: [520, -100],
				parameters: { respondWith: 'firstIncomingItem', options: { responseCode: 200 } },
			},
			{
				id: crypto.randomUUID(),
				name: 'Respond Rejected',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.1,
				position: [520, 100],
				parameters: { respondWith: 'firstIncomingItem', options: { responseCode: 422 } },
			},
		],
		connections: {
			'Selfie Upload': { main: [[{ node: 'Argos Faces', type: 'main', index: 0 }]] },
			'Argos Faces': {
				main: [
					[{ node: 'Respond Enrolled', type: 'main', index: 0 }],
					[{ node: 'Respond Rejected', type: 'main', index: 0 }],
				],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The spec of examples/onboarding.workflow.json, used when that file is not there yet:
 * Manual Trigger -> Read/Write Files from Disk (examples/images/*) -> Argos Faces Add -> Success / Failed.
 */
function onboardingSpecWorkflow({ collectionId, credential }) {
	return {
		id: 'argosOnboardingDemo',
		name: 'Argos Faces onboarding demo',
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: crypto.randomUUID(),
				name: 'Read Applicant Selfies',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'read', fileSelector: `examples/images/${DEFAULT_GLOB}`, options: {} },
			},
			{
				id: crypto.randomUUID(),
				name: 'Argos Faces',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'face',
					operation: 'add',
					collectionId,
					userName: '={{ $json.fileName }}',
					imageSource: 'binary',
					binaryPropertyName: 'data',
				},
				credentials: { [CRED_TYPE]: { id: credential.id, name: credential.name } },
			},
			{
				id: crypto.randomUUID(),
				name: 'Enrolled',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [680, -100],
				parameters: {},
			},
			{
				id: crypto.randomUUID(),
				name: 'Needs Review',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [680, 100],
				parameters: {},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Read Applicant Selfies', type: 'main', index: 0 }]] },
			'Read Applicant Selfies': { main: [[{ node: 'Argos Faces', type: 'main', index: 0 }]] },
			'Argos Faces': {
				main: [[{ node: 'Enrolled', type: 'main', index: 0 }], [{ node: 'Needs Review', type: 'main', index: 0 }]],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The onboarding demo workflow ready for import: examples/onboarding.workflow.json when it exists (else
 * the spec above), with its file path made absolute (n8n runs in another folder), its credential
 * reference pointing at `credential`, and an id. Returns { workflow, source, argosNodeName, readNodeName }.
 */
function onboardingWorkflow({ collectionId, credential }) {
	let workflow;
	let source;
	if (fs.existsSync(ONBOARDING_FILE)) {
		workflow = JSON.parse(fs.readFileSync(ONBOARDING_FILE, 'utf8'));
		source = path.relative(REPO, ONBOARDING_FILE);
	} else {
		workflow = onboardingSpecWorkflow({ collectionId, credential });
		source = 'the spec in test/e2e/lib/workflows.js (examples/onboarding.workflow.json does not exist yet)';
	}
	workflow.id = workflow.id || 'argosOnboardingDemo';
	const argos = workflow.nodes.filter((n) => n.type === NODE_TYPE);
	if (argos.length === 0) throw new Error(`${source} has no ${NODE_TYPE} node`);
	for (const n of argos) {
		n.credentials = { ...(n.credentials || {}), [CRED_TYPE]: { id: credential.id, name: credential.name } };
	}
	const read = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.readWriteFile');
	if (read) {
		const sel = String(read.parameters.fileSelector || '');
		const at = sel.indexOf('examples/images/');
		const pattern = at >= 0 ? sel.slice(at + 'examples/images/'.length) : DEFAULT_GLOB;
		read.parameters.fileSelector = `${IMAGES_DIR}/${pattern.replace(/^=/, '')}`;
	}
	return { workflow, source, argosNodeName: argos[0].name, readNodeName: read && read.name };
}

/** What the sandbox should do with a file: 'success' (a supported, live image) or 'failed'. */
function expectedOutcome(buf) {
	const jpeg = buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
	const png = buf.length > 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	const webp = buf.length > 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP';
	if (!(jpeg || png || webp)) return 'failed';
	return buf.includes('ARGOS-SANDBOX:SPOOF') ? 'failed' : 'success';
}

module.exports = {
	NODE_TYPE,
	CRED_TYPE,
	IMAGES_DIR,
	ONBOARDING_FILE,
	webhookAddWorkflow,
	onboardingWorkflow,
	expectedOutcome,
};
