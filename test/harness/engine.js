'use strict';
/**
 * In-process n8n engine harness (plain CommonJS: usable from jest TS tests, scripts/ and bench/).
 *
 * Runs workflow JSON through n8n-core's real WorkflowExecute (no n8n server, no DB), with:
 * - the BUILT package loaded through its package.json `n8n` field the way n8n loads community packages,
 * - stand-in n8n-nodes-base nodes (standins.js) and optional extra node types,
 * - test credentials by credential TYPE, applied through the credential type's own `authenticate`
 *   (credentials.js),
 * - n8n-core's real BinaryDataService in 'filesystem' (n8n 2.x default) or 'default' (in-memory) mode.
 *
 * n8n-core is required lazily, once per process (about 1-1.5 s); later runs take milliseconds.
 * Everything n8n writes goes to a private N8N_USER_FOLDER under os.tmpdir(), removed by shutdown().
 * Runs are serialised (one at a time) because the binary data mode and the log capture are process-global.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { createStandins } = require('./standins');
const credentialsLib = require('./credentials');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const USER_FOLDER =
	process.env.ARGOS_ENGINE_USER_FOLDER || path.join(os.tmpdir(), `argos-faces-engine-${process.pid}`);
const ENCRYPTION_KEY = 'argos-faces-engine-harness-encryption-key';
const DEFAULT_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// n8n modules (lazy, once per process)

let n8n = null;

function n8nModules() {
	if (n8n) return n8n;
	// Must be set before n8n-core (and its @n8n/config classes) are loaded/instantiated. Overwritten on purpose:
	// a user's own N8N_USER_FOLDER must never receive the harness's config/encryption key.
	process.env.N8N_USER_FOLDER = USER_FOLDER;
	process.env.N8N_ENCRYPTION_KEY = ENCRYPTION_KEY;
	// n8n's DI Logger prints node errors to stdout unless silent; the harness captures logs itself.
	process.env.N8N_LOG_LEVEL = process.env.ARGOS_ENGINE_N8N_LOG_LEVEL || 'silent';
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
	process.env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';
	fs.mkdirSync(USER_FOLDER, { recursive: true });

	const corePath = require.resolve('n8n-core', { paths: [REPO_ROOT] });
	// One copy of each: the Container, n8n-workflow and the Logger must be the ones n8n-core itself uses.
	const fromCore = (id) => require(require.resolve(id, { paths: [path.dirname(corePath)] }));
	const core = require(corePath);
	const workflow = fromCore('n8n-workflow');
	const { Container } = fromCore('@n8n/di');
	const { Logger } = fromCore('@n8n/backend-common');
	n8n = { core, workflow, Container, Logger };
	installLogCapture();
	return n8n;
}

// ---------------------------------------------------------------------------------------------------------------
// Log capture: LoggerProxy (n8n-workflow, used by WorkflowExecute) + the DI Logger (node contexts' this.logger)

let currentLogs = null; // string[] while a run is active
let originalLoggerLog = null;

function safeJson(value) {
	const seen = new WeakSet();
	try {
		return JSON.stringify(value, (key, v) => {
			if (v instanceof Error) {
				return { name: v.name, message: v.message, ...v };
			}
			if (typeof v === 'bigint') return v.toString();
			if (v && typeof v === 'object') {
				if (seen.has(v)) return '[Circular]';
				seen.add(v);
			}
			return v;
		});
	} catch (error) {
		return `[unserialisable: ${error.message}]`;
	}
}

function recordLog(level, message, meta) {
	if (!currentLogs) return;
	const metaText = meta && typeof meta === 'object' && Object.keys(meta).length > 0 ? ` ${safeJson(meta)}` : '';
	currentLogs.push(`${level}: ${typeof message === 'string' ? message : safeJson(message)}${metaText}`);
}

const collectingLogger = {
	error: (message, meta) => recordLog('error', message, meta),
	warn: (message, meta) => recordLog('warn', message, meta),
	info: (message, meta) => recordLog('info', message, meta),
	debug: (message, meta) => recordLog('debug', message, meta),
};

function installLogCapture() {
	const { Logger } = n8n;
	if (!originalLoggerLog) {
		originalLoggerLog = Logger.prototype.log;
		// Every DI Logger (root and scoped) funnels through log(level, message, metadata).
		Logger.prototype.log = function harnessCapture(level, message, metadata) {
			recordLog(level, message, metadata);
		};
	}
	// The DI Logger re-points LoggerProxy at itself when first constructed; re-init before every run as well.
	n8n.workflow.LoggerProxy.init(collectingLogger);
}

function uninstallLogCapture() {
	if (n8n && originalLoggerLog) {
		n8n.Logger.prototype.log = originalLoggerLog;
		originalLoggerLog = null;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Binary data mode

let binaryMode = null; // 'default' | 'filesystem' once initialised
let selfCheckCounter = 0;

function storagePath() {
	return path.join(USER_FOLDER, '.n8n', 'storage');
}

async function setBinaryMode(mode) {
	if (mode !== 'default' && mode !== 'filesystem') {
		throw new Error(`binaryMode must be 'default' or 'filesystem', got ${JSON.stringify(mode)}`);
	}
	if (binaryMode === mode) return;
	const { core, Container } = n8nModules();
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const config = Container.get(core.BinaryDataConfig);
	config.mode = mode;
	config.localStoragePath = storagePath();
	const service = Container.get(core.BinaryDataService);
	await service.init(); // without init() 'filesystem' silently stores in memory (binary-modes.md trap 1)
	installLogCapture();
	if (mode === 'filesystem') await assertFilesystemStorage(service);
	binaryMode = mode;
}

/** Proves that filesystem mode really writes to disk and reads the bytes back (not the in-memory fallback). */
async function assertFilesystemStorage(service) {
	const location = { type: 'execution', workflowId: 'harness-selfcheck', executionId: `check-${++selfCheckCounter}` };
	const payload = Buffer.from(`argos-harness-selfcheck-${Date.now()}`);
	const stored = await service.store(location, payload, { mimeType: 'text/plain', fileName: 'check.txt', data: '' });
	const problems = [];
	if (!stored.id || !stored.id.startsWith('filesystem')) problems.push(`binary has no filesystem id (id=${stored.id})`);
	if (stored.id) {
		const file = service.getPath(stored.id);
		if (!fs.existsSync(file)) problems.push(`file ${file} does not exist`);
		const back = await service.getAsBuffer(stored);
		if (!back.equals(payload)) problems.push('bytes read back differ');
	}
	await service.deleteMany([location]);
	fs.rmSync(path.join(storagePath(), 'workflows', 'harness-selfcheck'), { recursive: true, force: true });
	if (problems.length) {
		throw new Error(`[engine harness] binary data 'filesystem' mode does not store on disk: ${problems.join('; ')}`);
	}
}

function countFiles(dir) {
	let count = 0;
	let entries;
	try {
		entries = fs.readdirSync(dir, { withFileTypes: true });
	} catch {
		return 0;
	}
	for (const entry of entries) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) count += countFiles(full);
		else if (!entry.name.endsWith('.metadata')) count += 1;
	}
	return count;
}

// ---------------------------------------------------------------------------------------------------------------
// Package loading (as n8n loads a community package: package.json `n8n` field, class named like the file)

const packageCache = new Map();

function readPackageJson(rootDir) {
	const file = path.join(rootDir, 'package.json');
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function loadClass(rootDir, relPath, kind) {
	const file = path.resolve(rootDir, relPath);
	if (!fs.existsSync(file)) {
		throw new Error(`[engine harness] ${kind} file ${relPath} (from package.json "n8n") does not exist: run \`npm run build\``);
	}
	// n8n: the class name is the file name up to the first dot (ArgosFaces.node.js -> ArgosFaces)
	const className = path.basename(file).split('.')[0];
	const mod = require(file);
	const Cls = mod[className];
	if (typeof Cls !== 'function') {
		throw new Error(`[engine harness] ${relPath} does not export a class named "${className}" (n8n: "Class could not be found")`);
	}
	return new Cls();
}

function loadPackage(rootDir = REPO_ROOT) {
	const root = path.resolve(rootDir);
	if (packageCache.has(root)) return packageCache.get(root);
	const pkgJson = readPackageJson(root);
	const field = pkgJson.n8n;
	if (!field || typeof field !== 'object') throw new Error(`[engine harness] ${root}/package.json has no "n8n" field`);
	const nodeTypes = {};
	const credentialTypes = {};
	const supportedNodes = {};
	for (const rel of field.credentials ?? []) {
		const cred = loadClass(root, rel, 'credential');
		credentialTypes[cred.name] = cred;
	}
	for (const rel of field.nodes ?? []) {
		const node = loadClass(root, rel, 'node');
		const type = `${pkgJson.name}.${node.description.name}`;
		nodeTypes[type] = node;
		const versions = node.nodeVersions ? Object.values(node.nodeVersions) : [node];
		for (const version of versions) {
			for (const cred of version.description.credentials ?? []) {
				supportedNodes[cred.name] = supportedNodes[cred.name] ?? [];
				if (!supportedNodes[cred.name].includes(type)) supportedNodes[cred.name].push(type);
			}
		}
	}
	const pkg = { name: pkgJson.name, version: pkgJson.version, root, nodeTypes, credentialTypes, supportedNodes };
	packageCache.set(root, pkg);
	return pkg;
}

// ---------------------------------------------------------------------------------------------------------------
// Serialisation queue

let queue = Promise.resolve();
function serialised(fn) {
	const result = queue.then(fn, fn);
	queue = result.then(
		() => undefined,
		() => undefined,
	);
	return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Additional data

const noSecrets = {
	hasProvider: () => false,
	hasSecret: () => false,
	getSecret: () => undefined,
	listSecrets: () => [],
	listProviders: () => [],
};

function baseAdditionalData({ credentialsHelper, executionId, hooks, workflowId }) {
	const base = 'http://localhost:5678';
	return {
		credentialsHelper,
		executionId,
		hooks,
		workflowId,
		userId: 'harness-user',
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formTestBaseUrl: `${base}/form-test`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		webhookBaseUrl: `${base}/webhook`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		currentNodeExecutionIndex: 0,
		currentNodeParameters: undefined,
		externalSecretsProxy: noSecrets,
		executeWorkflow: async () => {
			throw new Error('[engine harness] sub-workflow execution is not available');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('[engine harness] no task runner (Code node) is available');
		},
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Registries for one run

function usesPackage(pkgName, wf, credentialNames, extraCredentialTypes) {
	if (wf.nodes.some((n) => typeof n.type === 'string' && n.type.startsWith(`${pkgName}.`))) return true;
	return credentialNames.some((name) => !Object.prototype.hasOwnProperty.call(extraCredentialTypes, name));
}

function buildRegistries(options, wf, credentialNames) {
	const { workflow } = n8nModules();
	const extraNodeTypes = options.extraNodeTypes ?? {};
	const extraCredentialTypes = options.extraCredentialTypes ?? {};
	const root = path.resolve(options.packageRoot ?? REPO_ROOT);
	let pkg = null;
	const pkgName = readPackageJson(root).name;
	if (usesPackage(pkgName, wf, credentialNames, extraCredentialTypes)) pkg = loadPackage(root);

	const nodeRegistry = {
		...createStandins({ workflow, filesBaseDir: options.filesBaseDir ?? process.cwd() }),
		...(pkg ? pkg.nodeTypes : {}),
		...extraNodeTypes,
	};
	const supportedNodes = { ...(pkg ? pkg.supportedNodes : {}) };
	for (const [type, node] of Object.entries(extraNodeTypes)) {
		const versions = node.nodeVersions ? Object.values(node.nodeVersions) : [node];
		for (const version of versions) {
			for (const cred of version.description.credentials ?? []) {
				supportedNodes[cred.name] = [...(supportedNodes[cred.name] ?? []), type];
			}
		}
	}
	const credentialTypes = credentialsLib.createCredentialTypes(
		{ ...(pkg ? pkg.credentialTypes : {}), ...extraCredentialTypes },
		supportedNodes,
	);
	const nodeTypes = {
		getKnownTypes: () => ({}),
		getByName: (type) => nodeRegistry[type],
		getByNameAndVersion: (type, version) => {
			const nodeType = nodeRegistry[type];
			if (!nodeType) throw new Error(`[engine harness] Unrecognized node type: ${type}`);
			return workflow.NodeHelpers.getVersionedNodeType(nodeType, version);
		},
	};
	return { nodeRegistry, nodeTypes, credentialTypes, pkg };
}

// ---------------------------------------------------------------------------------------------------------------
// runWorkflow

// Numeric like n8n's execution ids, and unique even when jest re-loads this module in the same worker process
// (same pid, same user folder) for another test file.
let executionCounter = Date.now() * 1000;
const keptLocations = [];

function nameToUuid(text) {
	const h = crypto.createHash('sha256').update(text).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function normaliseWorkflow(input) {
	const wf = typeof input === 'string' ? JSON.parse(input) : JSON.parse(JSON.stringify(input));
	if (!wf || !Array.isArray(wf.nodes)) throw new Error('[engine harness] workflow JSON needs a "nodes" array');
	wf.connections = wf.connections ?? {};
	wf.id = wf.id ?? 'argos-harness-workflow';
	wf.name = wf.name ?? 'Harness workflow';
	wf.settings = wf.settings ?? {};
	wf.nodes = wf.nodes.map((node) => ({
		...node,
		// Stable across calls (as in a saved workflow): state keyed by node id (a trigger's memory) must persist.
		id: node.id ?? nameToUuid(`${wf.id}/${node.name}`),
		typeVersion: node.typeVersion ?? 1,
		position: node.position ?? [0, 0],
		parameters: node.parameters ?? {},
	}));
	return wf;
}

function lastTask(irun, nodeName) {
	const tasks = irun.data.resultData.runData[nodeName];
	return tasks && tasks.length ? tasks[tasks.length - 1] : undefined;
}

async function runWorkflowNow(input, options) {
	const started = process.hrtime.bigint();
	const { core, workflow: W, Container } = n8nModules();
	const mode = options.binaryMode ?? 'filesystem';
	await setBinaryMode(mode);

	const wf = normaliseWorkflow(input);
	const store = JSON.parse(JSON.stringify(options.credentials ?? {}));
	const { nodeTypes, nodeRegistry, credentialTypes } = buildRegistries(options, wf, Object.keys(store));
	for (const node of wf.nodes) {
		if (!nodeRegistry[node.type]) {
			throw new Error(
				`[engine harness] Unrecognized node type "${node.type}" (node "${node.name}"). Known: ${Object.keys(nodeRegistry).join(', ')}`,
			);
		}
	}

	const executionId = String(++executionCounter);
	const workflow = new W.Workflow({
		id: wf.id,
		name: wf.name,
		nodes: wf.nodes,
		connections: wf.connections,
		active: false,
		nodeTypes,
		staticData: wf.staticData ?? {},
		settings: wf.settings,
		pinData: wf.pinData,
	});

	const startNode = options.startNode ? workflow.getNode(options.startNode) : workflow.getStartNode();
	if (!startNode) {
		throw new Error(
			`[engine harness] no start node${options.startNode ? ` named "${options.startNode}"` : ''} (add a Manual Trigger)`,
		);
	}

	const hooks = new core.ExecutionLifecycleHooks('manual', executionId, {
		id: wf.id,
		name: wf.name,
		nodes: wf.nodes,
		connections: wf.connections,
		settings: wf.settings,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	let hookRun;
	hooks.addHandler('workflowExecuteAfter', (run) => {
		hookRun = run;
	});

	const credentialsHelper = credentialsLib.createCredentialsHelper(n8n, credentialTypes, store);
	const additionalData = baseAdditionalData({ credentialsHelper, executionId, hooks, workflowId: wf.id });

	const runExecutionData = W.createRunExecutionData({
		resultData: { runData: {}, pinData: wf.pinData },
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});

	const logs = [];
	currentLogs = logs;
	installLogCapture();
	let irun;
	const execution = new core.WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	let timer;
	// Cancels like the editor's Stop button; the run then settles with whatever the engine recorded.
	if (options.cancelOn) options.cancelOn.then(() => execution.cancel());
	const settled = options.cancelOn ? execution.catch(() => undefined) : execution;
	try {
		irun = await Promise.race([
			settled,
			new Promise((_, reject) => {
				timer = setTimeout(() => {
					if (typeof execution.cancel === 'function') execution.cancel();
					reject(
						new Error(
							`[engine harness] workflow "${wf.name}" did not finish within ${timeoutMs} ms (a trigger that never emits?)`,
						),
					);
				}, timeoutMs);
			}),
		]);
	} finally {
		clearTimeout(timer);
		currentLogs = null;
	}
	irun = irun ?? hookRun;

	// Binary files of this execution: count, then delete (unless kept)
	const executionDir = path.join(storagePath(), 'workflows', wf.id, 'executions', executionId);
	const binaryFilesWritten = mode === 'filesystem' ? countFiles(executionDir) : 0;
	const location = { type: 'execution', workflowId: wf.id, executionId };
	const kept = { location, executionDir };
	const cleanup = async () => {
		const index = keptLocations.indexOf(kept);
		if (index === -1) return;
		keptLocations.splice(index, 1);
		await serialisedCleanup(location, executionDir);
	};
	if (mode === 'filesystem' && options.keepBinaryData) keptLocations.push(kept);
	else await cleanupNow(location, executionDir);

	const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
	let serialized;
	const result = {
		executionId,
		workflowId: wf.id,
		binaryMode: mode,
		status: irun.status,
		error: irun.data.resultData.error,
		data: irun,
		logs,
		binaryFilesWritten,
		durationMs,
		outputs(nodeName) {
			const task = lastTask(irun, nodeName);
			if (!task || !task.data || !task.data.main) return [];
			return task.data.main.map((items) => items ?? []);
		},
		nodeError(nodeName) {
			const task = lastTask(irun, nodeName);
			return task ? task.error : undefined;
		},
		tasks(nodeName) {
			return irun.data.resultData.runData[nodeName] ?? [];
		},
		ranNodes() {
			return Object.keys(irun.data.resultData.runData);
		},
		cleanup,
	};
	Object.defineProperty(result, 'serialized', {
		enumerable: true,
		get() {
			if (serialized === undefined) serialized = serialiseRun(irun, logs);
			return serialized;
		},
	});
	return result;
}

async function cleanupNow(location, executionDir) {
	const { core, Container } = n8nModules();
	await Container.get(core.BinaryDataService).deleteMany([location]);
	fs.rmSync(executionDir, { recursive: true, force: true });
}

function serialisedCleanup(location, executionDir) {
	return serialised(async () => {
		// deleteMany acts through the CURRENT mode's manager; switch back if needed
		await setBinaryMode('filesystem');
		await cleanupNow(location, executionDir);
	});
}

/**
 * JSON of the IRun + logs, the way n8n persists/pushes it: JSON.stringify (so n8n errors go through their own
 * toJSON), circular references replaced. Errors without a toJSON get name/message/stack + own enumerable props.
 */
function serialiseRun(irun, logs) {
	const seen = new WeakSet();
	return JSON.stringify({ run: irun, logs }, function replacer(key, value) {
		if (typeof value === 'bigint') return value.toString();
		if (value instanceof Error && typeof value.toJSON !== 'function') {
			return { name: value.name, message: value.message, stack: value.stack, ...value };
		}
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[Circular]';
			seen.add(value);
		}
		return value;
	});
}

function runWorkflow(workflowJson, options = {}) {
	return serialised(() => runWorkflowNow(workflowJson, options));
}

// ---------------------------------------------------------------------------------------------------------------
// callWebhook: one HTTP delivery to a trigger's webhook(), through n8n-core's own WebhookContext

/** A minimal Express-like request, as n8n hands it to WebhookContext (additionalData.httpRequest). */
function fakeRequest(options) {
	const headers = {};
	for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
	let rawBody;
	let body;
	if (options.rawBody !== undefined) {
		rawBody = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(String(options.rawBody), 'utf8');
		// n8n parses the body by its Content-Type; a body given raw only stays unparsed ({}), unless `body` says.
		body = options.body !== undefined ? options.body : {};
	} else if (options.body !== undefined) {
		body = options.body;
		rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
		if (headers['content-type'] === undefined && typeof body !== 'string') headers['content-type'] = 'application/json';
	} else {
		body = {};
		rawBody = Buffer.alloc(0);
	}
	const ip = options.ip ?? '127.0.0.1';
	return {
		method: options.method ?? 'POST',
		url: options.url ?? '/webhook/harness',
		ip,
		ips: options.ips ?? [],
		headers,
		body,
		rawBody,
		params: {},
		query: options.query ?? {},
		socket: { remoteAddress: options.remoteAddress ?? ip },
		get: (name) => headers[String(name).toLowerCase()],
		header: (name) => headers[String(name).toLowerCase()],
	};
}

/** A minimal Express-like response: status().json() / send() / end(), recorded. */
function fakeResponse() {
	const res = {
		statusCode: 200,
		headersSent: false,
		sent: false,
		body: undefined,
		responseHeaders: {},
		status(code) {
			res.statusCode = code;
			return res;
		},
		setHeader(name, value) {
			res.responseHeaders[String(name).toLowerCase()] = value;
			return res;
		},
		set(name, value) {
			return res.setHeader(name, value);
		},
		header(name, value) {
			return res.setHeader(name, value);
		},
		json(value) {
			if (res.sent) throw new Error('[engine harness] the webhook answered twice');
			res.responseHeaders['content-type'] = 'application/json';
			res.body = value;
			res.sent = res.headersSent = true;
			return res;
		},
		send(value) {
			if (res.sent) throw new Error('[engine harness] the webhook answered twice');
			res.body = value;
			res.sent = res.headersSent = true;
			return res;
		},
		end(value) {
			return res.send(value);
		},
	};
	return res;
}

async function callWebhookNow(input, nodeName, options) {
	const { core, workflow: W } = n8nModules();
	await setBinaryMode(options.binaryMode ?? 'filesystem');
	const wf = normaliseWorkflow(input);
	const store = JSON.parse(JSON.stringify(options.credentials ?? {}));
	const { nodeTypes, nodeRegistry, credentialTypes } = buildRegistries(options, wf, Object.keys(store));
	for (const node of wf.nodes) {
		if (!nodeRegistry[node.type]) throw new Error(`[engine harness] Unrecognized node type "${node.type}" (node "${node.name}")`);
	}
	const workflow = new W.Workflow({
		id: wf.id,
		name: wf.name,
		nodes: wf.nodes,
		connections: wf.connections,
		active: true,
		nodeTypes,
		staticData: wf.staticData ?? {},
		settings: wf.settings,
		pinData: wf.pinData,
	});
	const node = workflow.getNode(nodeName);
	if (!node) throw new Error(`[engine harness] no node named "${nodeName}"`);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (typeof nodeType.webhook !== 'function') throw new Error(`[engine harness] node "${nodeName}" has no webhook()`);

	const credentialsHelper = credentialsLib.createCredentialsHelper(n8n, credentialTypes, store);
	// As in n8n's executeWebhook: no execution exists yet while webhook() runs.
	const additionalData = baseAdditionalData({ credentialsHelper, executionId: undefined, hooks: undefined, workflowId: wf.id });
	const method = options.method ?? 'POST';
	const webhookName = options.webhookName ?? 'default';
	// IWebhookData as n8n's WebhookService.getNodeWebhooks builds it (that function lives in n8n's CLI, not here).
	const description = (nodeType.description.webhooks ?? []).find(
		(w) => w.name === webhookName && String(w.httpMethod).replace(/^=/, '') === method,
	);
	if (!description) throw new Error(`[engine harness] node "${nodeName}" has no "${webhookName}" webhook for ${method}`);
	const webhookId = node.webhookId ?? 'harness-webhook-id';
	const webhookData = {
		httpMethod: method,
		node: node.name,
		path: `${webhookId}/${String(description.path).replace(/^=/, '')}`,
		webhookDescription: description,
		workflowId: wf.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId,
		isTest: (options.mode ?? 'webhook') === 'manual',
	};

	const req = fakeRequest({ ...options, method });
	const res = fakeResponse();
	additionalData.httpRequest = req;
	additionalData.httpResponse = res;
	const mode = options.mode ?? 'webhook';

	const logs = [];
	currentLogs = logs;
	installLogCapture();
	const closeFunctions = [];
	let result;
	let thrown;
	try {
		const context = new core.WebhookContext(workflow, node, additionalData, mode, webhookData, closeFunctions, null);
		result = await nodeType.webhook.call(context);
	} catch (error) {
		thrown = error;
	} finally {
		currentLogs = null;
		for (const close of closeFunctions) await close();
	}
	if (thrown) {
		// n8n answers a webhook() that throws with a 500; the harness returns the error itself.
		return { status: 500, json: undefined, sent: true, workflowData: undefined, noWebhookResponse: false, error: thrown, logs };
	}
	result = result ?? {};
	let status;
	let json;
	let sent = res.sent;
	if (res.sent) {
		status = res.statusCode;
		json = res.body;
	} else if (result.noWebhookResponse) {
		// n8n leaves the answer to the node: here it gave none (a real client would wait).
		status = undefined;
	} else if (result.workflowData === undefined) {
		status = 200;
		json = result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' };
		sent = true;
	} else if ((webhookData.webhookDescription.responseMode ?? 'onReceived') === 'onReceived') {
		status = 200;
		json = { message: 'Workflow was started' };
		sent = true;
	}
	return {
		status,
		json,
		sent,
		responseHeaders: res.responseHeaders,
		workflowData: result.workflowData,
		noWebhookResponse: result.noWebhookResponse === true,
		webhookResponse: result.webhookResponse,
		error: undefined,
		logs,
	};
}

function callWebhook(workflowJson, nodeName, options = {}) {
	return serialised(() => callWebhookNow(workflowJson, nodeName, options));
}

// ---------------------------------------------------------------------------------------------------------------
// testCredential (replica of n8n's CredentialsTester for declarative `test` requests)

async function testCredentialNow(typeName, data, options) {
	n8nModules();
	await setBinaryMode(options.binaryMode ?? binaryMode ?? 'filesystem');
	const fakeWf = { nodes: [] };
	const { credentialTypes, nodeRegistry } = buildRegistries(options, fakeWf, [typeName]);
	const additionalData = baseAdditionalData({ credentialsHelper: null, executionId: undefined, hooks: undefined });
	const logs = [];
	currentLogs = logs;
	installLogCapture();
	let thrown;
	let response;
	let result;
	try {
		let resolved;
		try {
			resolved = credentialsLib.applyDefaults(n8n, credentialTypes, typeName, { ...data }, {
				additionalData,
				mode: 'internal',
			});
		} catch (error) {
			result = { status: 'Error', message: String(error.message) };
		}
		if (!result) {
			const store = { [typeName]: resolved };
			additionalData.credentialsHelper = credentialsLib.createCredentialsHelper(n8n, credentialTypes, store);
			result = await credentialsLib.runCredentialTest(n8n, {
				credentialTypes,
				typeName,
				data: resolved,
				additionalData,
				noOpType: nodeRegistry['n8n-nodes-base.noOp'],
				onError: (error) => {
					thrown = error;
				},
				onResponse: (items) => {
					response = items;
				},
			});
		}
	} finally {
		currentLogs = null;
	}
	// Diagnostics stay non-enumerable so `toEqual({ status, message })` keeps working.
	Object.defineProperties(result, {
		response: { value: response, enumerable: false },
		error: { value: thrown, enumerable: false },
		logs: { value: logs, enumerable: false },
	});
	return result;
}

function testCredential(typeName, data, options = {}) {
	return serialised(() => testCredentialNow(typeName, data ?? {}, options));
}

// ---------------------------------------------------------------------------------------------------------------
// shutdown

async function shutdown() {
	return serialised(async () => {
		if (!n8n) return;
		keptLocations.length = 0; // their files go with the user folder
		fs.rmSync(USER_FOLDER, { recursive: true, force: true });
		binaryMode = null; // a later run re-initialises (and recreates the folders)
		uninstallLogCapture(); // re-installed by the next run
	});
}

/** n8n's modules, the same copies the engine uses: { core, workflow, Container, Logger }. */
function modules() {
	return n8nModules();
}

module.exports = {
	REPO_ROOT,
	USER_FOLDER,
	loadPackage,
	runWorkflow,
	callWebhook,
	testCredential,
	shutdown,
	setBinaryMode: (mode) => serialised(() => setBinaryMode(mode)),
	modules,
};
