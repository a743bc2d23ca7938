/**
 * Types for test/harness/engine.js (hand-written; the implementation is plain CommonJS).
 *
 *   import * as engine from '../harness/engine';          // from a jest TS test
 *   const engine = require('./test/harness/engine');      // from scripts/ or bench/
 */
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	IPinData,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWorkflowSettings,
} from 'n8n-workflow';

export type BinaryMode = 'default' | 'filesystem';

/**
 * A node as it appears in n8n's workflow export; id/typeVersion/position/parameters get defaults.
 * `parameters` is loosely typed (JSON), e.g. fixtureItems' `items` may be an array of objects or a JSON string.
 */
export type WorkflowNodeJson = Pick<INode, 'name' | 'type'> &
	Partial<Omit<INode, 'name' | 'type' | 'parameters'>> & { parameters?: Record<string, unknown> };

/** n8n's workflow export format ({ name, nodes, connections, settings?, pinData? }); `id` defaults. */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: WorkflowNodeJson[];
	connections?: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
	[key: string]: unknown;
}

export interface RegistryOptions {
	/** Root of the package whose BUILT dist is loaded (package.json `n8n` field). Default: the repo root. */
	packageRoot?: string;
	/** Extra node types by full type name, e.g. { 'probe.readImage': new Probe() }. Win over package/stand-ins. */
	extraNodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** Extra credential types by credential name (ICredentialType.name). Win over the package's. */
	extraCredentialTypes?: Record<string, ICredentialType>;
}

export interface RunOptions extends RegistryOptions {
	/**
	 * Test credentials by credential TYPE name, e.g. { argosFacesApi: { apiKey, baseUrl } }. The property defaults of
	 * the credential type are applied (like n8n's applyDefaultsAndOverwrites). A node still needs
	 * `credentials: { argosFacesApi: { id, name } }` in the workflow JSON, as in real n8n.
	 */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** n8n-core binary data mode. Default 'filesystem' (the n8n 2.x default). */
	binaryMode?: BinaryMode;
	/** Base folder for relative paths of readWriteFile's fileSelector and fixtureItems' `file`. Default process.cwd(). */
	filesBaseDir?: string;
	/** Name of the node to start from. Default: workflow.getStartNode() (the trigger). */
	startNode?: string;
	/** Rejects (and cancels the execution) after this long. Default 60000. */
	timeoutMs?: number;
	/** Cancels the execution (as the editor's Stop button does) when this resolves; the run still resolves. */
	cancelOn?: Promise<unknown>;
	/**
	 * Keep this execution's binary files on disk (filesystem mode) so output binaries can still be read after the
	 * run; delete them with run.cleanup() or engine.shutdown(). Default false: deleted right after counting.
	 */
	keepBinaryData?: boolean;
}

export interface EngineRun {
	/** Numeric string, unique per run (also across jest test files sharing a worker process). */
	readonly executionId: string;
	readonly workflowId: string;
	readonly binaryMode: BinaryMode;
	readonly status: ExecutionStatus;
	/** The execution error (message, description, node, httpCode, ...) if the run failed, else undefined. */
	readonly error: ExecutionError | undefined;
	/** The raw IRun from WorkflowExecute. */
	readonly data: IRun;
	/** Items per output index of that node's LAST run; [] if the node did not run. */
	outputs(nodeName: string): INodeExecutionData[][];
	/** Error recorded on that node's last task, if any. */
	nodeError(nodeName: string): ExecutionError | undefined;
	/** All task runs of that node ([] if it did not run). */
	tasks(nodeName: string): ITaskData[];
	/** Names of the nodes that ran. */
	ranNodes(): string[];
	/** JSON.stringify of { run: IRun, logs } (n8n errors via their own toJSON; circular refs replaced). Lazy. */
	readonly serialized: string;
	/** Every log line emitted during the run through n8n's LoggerProxy and DI Logger: "level: message {meta}". */
	readonly logs: string[];
	/** Binary payload files this execution wrote to disk (filesystem mode; .metadata sidecars not counted). */
	readonly binaryFilesWritten: number;
	/** Wall time of runWorkflow, ms. */
	readonly durationMs: number;
	/** Deletes binary files kept with keepBinaryData (no-op otherwise). */
	cleanup(): Promise<void>;
}

export interface LoadedPackage {
	name: string;
	version: string;
	root: string;
	/** By full node type name: `${pkg.name}.${description.name}`. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	/** By credential name. */
	credentialTypes: Record<string, ICredentialType>;
	/** Credential name -> full node type names whose description lists it. */
	supportedNodes: Record<string, string[]>;
}

/** n8n's NodeApiError / other errors as thrown by RoutingNode (diagnostics only). */
export type CredentialTestError = Error & {
	cause?: { code?: string; response?: { status: number; statusText?: string; data?: unknown } };
	httpCode?: string | null;
	description?: string | null;
};

export interface CredentialTestResult extends INodeCredentialTestResult {
	/** Non-enumerable: items RoutingNode returned when the request did not throw (what responseSuccessBody sees). */
	readonly response?: INodeExecutionData[][];
	/** Non-enumerable: the error RoutingNode threw, if any. */
	readonly error?: CredentialTestError;
	/** Non-enumerable: log lines emitted during the test. */
	readonly logs: string[];
}

export interface CredentialTestOptions extends RegistryOptions {
	binaryMode?: BinaryMode;
}

export declare const REPO_ROOT: string;
/** Private N8N_USER_FOLDER of this process (os.tmpdir()/argos-faces-engine-<pid>, or $ARGOS_ENGINE_USER_FOLDER). */
export declare const USER_FOLDER: string;

/** Loads the built package through package.json's `n8n` field, as n8n does. Cached per root. */
export declare function loadPackage(rootDir?: string): LoadedPackage;

/** Runs workflow JSON through n8n-core's WorkflowExecute ('manual' mode). Runs are serialised. */
export declare function runWorkflow(workflow: WorkflowJson | string, options?: RunOptions): Promise<EngineRun>;

export interface WebhookCallOptions extends RegistryOptions {
	/** Test credentials by credential TYPE, as for runWorkflow. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/**
	 * req.body: what n8n parsed. Given alone, rawBody is its JSON (or the string itself) and Content-Type defaults to
	 * application/json. Default: {} (what n8n leaves for a body it does not parse).
	 */
	body?: unknown;
	/** req.rawBody (a string is UTF-8 encoded). Given without `body`, req.body stays {}. */
	rawBody?: string | Buffer;
	/** req.ip: the address n8n/Express computed (N8N_PROXY_HOPS applied). Default '127.0.0.1'. */
	ip?: string;
	/** req.ips. Default []. */
	ips?: string[];
	/** req.socket.remoteAddress. Default: `ip`. */
	remoteAddress?: string;
	/** Request headers (names lower-cased). */
	headers?: Record<string, string>;
	query?: Record<string, string>;
	/** Default 'POST'; must match one of the node's webhooks. */
	method?: string;
	/** The node's webhook description name. Default 'default'. */
	webhookName?: string;
	/** WorkflowExecuteMode of the context: 'webhook' (production URL, default) or 'manual' (test URL). */
	mode?: 'webhook' | 'manual';
	binaryMode?: BinaryMode;
}

export interface WebhookCallResult {
	/**
	 * The HTTP status the caller gets: what the node sent through the response object; else n8n's own answer
	 * (200 {message:'Webhook call received'} without workflowData, 200 {message:'Workflow was started'} for
	 * responseMode onReceived); 500 when webhook() threw; undefined when nobody answered.
	 */
	status: number | undefined;
	/** The response body (json() or send() value, or n8n's default message). */
	json: unknown;
	sent: boolean;
	responseHeaders: Record<string, unknown>;
	/** What webhook() returned: the items that would start an execution (undefined: none). */
	workflowData: INodeExecutionData[][] | undefined;
	noWebhookResponse: boolean;
	webhookResponse: unknown;
	/** What webhook() threw, if it did. */
	error: Error | undefined;
	logs: string[];
}

/**
 * One HTTP delivery to a trigger node's webhook(), through n8n-core's own WebhookContext ('webhook' mode): an
 * Express-like req/res as additionalData.httpRequest/httpResponse, credentials through the harness's
 * credentialsHelper. The workflow is not executed (what it would start is `workflowData`). Serialised with runs.
 */
export declare function callWebhook(workflow: WorkflowJson | string, nodeName: string, options?: WebhookCallOptions): Promise<WebhookCallResult>;

/**
 * Replica of n8n's credential test for a declarative `test` request: n8n-core's RoutingNode + the tester's rules.
 * Resolves { status: 'OK' | 'Error', message } (plus non-enumerable diagnostics).
 */
export declare function testCredential(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
	options?: CredentialTestOptions,
): Promise<CredentialTestResult>;

/** Removes the private user folder (binary files included) and restores n8n's logger. The engine stays usable. */
export declare function shutdown(): Promise<void>;

/** Switches n8n-core's binary data mode (runWorkflow does this from its options). */
export declare function setBinaryMode(mode: BinaryMode): Promise<void>;

/** The n8n modules the engine uses (same copies): n8n-core, n8n-workflow, the DI Container and DI Logger class. */
export declare function modules(): {
	core: typeof import('n8n-core');
	workflow: typeof import('n8n-workflow');
	/** @n8n/di's Container as n8n-core sees it (e.g. Container.get(core.BinaryDataService)). */
	Container: { get<T>(cls: abstract new (...args: never[]) => T): T };
	/** @n8n/backend-common's Logger class. */
	Logger: abstract new (...args: never[]) => unknown;
};
