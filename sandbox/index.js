'use strict';

const { SandboxServer } = require('./server');
const { DEFAULT_CONFIG } = require('./config');
const images = require('./images');
const idcheck = require('./idcheck');

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/i;

/** True for hosts that only this machine can reach; the sandbox holds well-known demo keys. */
function isLoopbackHost(host) {
	return typeof host === 'string' && LOOPBACK.test(host);
}

/**
 * Starts an in-memory ARGOS-compatible Face ID server.
 * @param {import('./index').StartSandboxOptions} [options]
 * @returns {Promise<import('./index').Sandbox>}
 */
async function startSandbox(options = {}) {
	const host = options.host || '127.0.0.1';
	if (!isLoopbackHost(host)) throw new Error(`sandbox host must be a loopback address (127.x, localhost, ::1), got "${host}"`);
	const core = new SandboxServer({ seedPath: options.seedPath, config: options.config, onRequest: options.onRequest });
	const bindHost = host.replace(/^\[|\]$/g, '');
	const port = await core.listen(options.port == null ? 0 : options.port, bindHost);
	const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;

	const active = core.seed.apiKeys.find((k) => k.status === 'active');
	const disabled = core.seed.apiKeys.find((k) => k.status === 'disabled');
	const collections = {};
	for (const c of core.seed.collections) if (c.alias) collections[c.alias] = c.id;

	const seed = idcheck.seedInfo(core);
	let closing = null;
	return {
		url: `http://${urlHost}:${port}`,
		port,
		host: bindHost,
		apiKey: active ? active.key : null,
		disabledApiKey: disabled ? disabled.key : null,
		collections,
		close: () => (closing = closing || core.close()),
		reset: () => core.reset(),
		state: () => core.state(),
		requests: () => core.requests(),
		clearRequests: () => core.clearRequests(),
		addFaults: (ruleOrRules) => core.faultSchedule.add(ruleOrRules),
		clearFaults: () => core.faultSchedule.clear(),
		setRandomFaults: (opts) => core.faultSchedule.setRandom(opts),
		faults: () => core.faultSchedule.list(),
		randomFaults: () => core.faultSchedule.randomInfo(),
		config: () => ({ ...core.config }),
		setConfig: (partial) => core.setConfig(partial),
		addCollection: (c) => {
			const col = core.store.addCollection(c);
			return { id: col.id, status: col.status, liveness: col.liveness };
		},
		addFaces: (collectionId, count, opts) => core.store.addFaces(collectionId, count, opts),
		sampleImage: images.sampleImage,
		// ID Check REST v3: the seed (fixed across resets) and the same controls as /__sandbox/idcheck/*.
		idcheck: {
			apiKey: seed.apiKey,
			admin: seed.admin,
			approvedSubmissionId: seed.approvedSubmissionId,
			rejectedSubmissionId: seed.rejectedSubmissionId,
			pendingSubmissionId: seed.pendingSubmissionId,
			duplicateSubmissionId: seed.duplicateSubmissionId,
			incompleteSubmissionId: seed.incompleteSubmissionId,
			deletedSubmissionId: seed.deletedSubmissionId,
			approvedApplicantId: seed.approvedApplicantId,
			approvedSelfieFaceKey: seed.approvedSelfieFaceKey,
			createSubmission: (o) => core.idcheck.store.snapshot(idcheck.createSubmission(core, o || {})),
			setStatus: (id, status, extra) => core.idcheck.store.snapshot(idcheck.moveSubmission(core, id, { ...extra, status })),
			submission: (id) => {
				const s = core.idcheck.store.get(id);
				return s ? core.idcheck.store.snapshot(s) : null;
			},
			setWebhookUrl: (url) => core.idcheck.webhooks.setUrl(url).url,
			webhookUrl: () => core.idcheck.webhooks.url,
			deliveries: () => core.idcheck.webhooks.list(),
			clearDeliveries: () => core.idcheck.webhooks.clear(),
			settled: (timeoutMs) => core.idcheck.webhooks.settle(timeoutMs),
			pendingDeliveries: () => core.idcheck.webhooks.pending(),
			forge: (o) => core.idcheck.webhooks.forge(o || {}),
			scenario: (o) => idcheck.runScenario(core, o || {}),
		},
	};
}

module.exports = {
	startSandbox,
	sampleImage: images.sampleImage,
	inspectFaceImage: images.inspectFaceImage,
	sniffFormat: images.sniffFormat,
	DEFAULT_CONFIG,
	FACE_TAG: images.FACE_TAG,
	SPOOF_TAG: images.SPOOF_TAG,
	readMarkers: images.readMarkers,
	MARKER_PREFIX: images.MARKER_PREFIX,
	isLoopbackHost,
	sampleIdImage: require('./recognition').sampleIdImage,
};
