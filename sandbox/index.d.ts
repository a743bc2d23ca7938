/// <reference types="node" />
// Types for the local ARGOS-compatible Face ID sandbox (sandbox/index.js). See sandbox/README.md.

export type SearchShape = 'A' | 'B';

export interface SandboxConfig {
	/** Delay before every /modules response, in ms (default 0). */
	latencyMs: number;
	/** Search response shape (default 'B'). */
	searchShape: SearchShape;
	/** How errorCode is sent (default 'number'). */
	errorCodeAs: 'number' | 'string';
	/** How totalCount is sent by Get list (default 'string'). */
	totalCountAs: 'number' | 'string';
	/** Where Add puts livenessScore (default 'option'). */
	addLivenessScoreAt: 'option' | 'top';
	/** Largest decoded image accepted, bytes (default 5 MiB); larger -> 6016 / 6036. */
	maxImageBytes: number;
	/** Largest raw request body, bytes (default 16 MiB); larger -> HTTP 413 HTML page. */
	maxBodyBytes: number;
	/** Liveness threshold echoed as liveNess_threshold (default 50). */
	livenessThreshold: number;
	/** Similarity threshold echoed as policy_similarity (default 80). */
	similarityThreshold: number;
	/** Faces per list page (default 50). */
	pageSize: number;
	/** Shortest accepted term (default 5). */
	termMinLength: number;
	/** A 'hang' fault destroys the socket after this many ms (default 120000). */
	hangMaxMs: number;
	/** Request log keeps at most this many entries, dropping the oldest (default 10000). */
	logLimit: number;
	/** Face Compare response shape: 'current' (result.similarity {score, threshold, isMatch}) or 'old' (result.faceMatch). */
	compareShape: 'current' | 'old';
	/** Scale of the old shape's similarity and confidences: 1 (0..1, default) or 100 (0..100). */
	compareOldScale: 1 | 100;
	/** Face Compare threshold 0..1, echoed as similarity.threshold (default 0.8). */
	compareThreshold: number;
	/** false: Face Compare leaves out each face's confidence, in both shapes (default true). */
	compareConfidences: boolean;
	/** ID Liveness image field: 'any' (default: image, else idImage), or insist on 'image' / 'idImage'. */
	documentImageField: 'any' | 'image' | 'idImage';
	/** Key errors on the verify endpoints: 'errorCode' (6039/6040, default) or 'gateway' (403 {message:'Forbidden'}). */
	verifyKeyErrors: 'errorCode' | 'gateway';
	/** Data-URL images on the verify endpoints: 'reject' (default, L says raw base64) or 'accept'. */
	verifyDataUrls: 'reject' | 'accept';
	/** false: Face Compare and ID Liveness answer 1001 Workspace is unavailable (default true). */
	workspaceAvailable: boolean;
	recognitionShape: 'data' | 'ko';
	/** Gateway allow-list of client IPs; others get 403 explicit deny on every /modules path. null = off (default). */
	ipAllowList: readonly string[] | null;
	/** true: the Face ID demo key is also valid on /v3 (one key for both products); default false. */
	idcheckSharedKey: boolean;
	/** Field carrying the GET /v3/submission cursor (default 'nextPage_key'). */
	idcheckCursorField: 'nextPage_key' | 'LastEvaluatedKey';
	/** GET /v3/image body: raw image bytes (default) or base64 text. */
	idcheckImageBody: 'raw' | 'base64';
	/** PATCH /v3/submission success message (default 'Data Processing Success.'). */
	idcheckPatchMessage: 'Data Processing Success.' | 'success to edit.';
	/** DELETE bodies: 'new' ({message, statusCode}) or 'old' ({errorCode} errors, no statusCode). */
	idcheckDeleteShape: 'new' | 'old';
	/** 'documented' (default): each endpoint's own error shape; else force one shape on every /v3 400. */
	idcheckErrorShape: 'documented' | 'errorCode' | 'message' | 'errorMessage' | 'traceId';
	/** Project reviewer; 'system' makes review answer 'This submission cannot be reviewed by client'. */
	idcheckReviewer: 'Client' | 'system';
	/** approved webhook body: 'current' (snake_case) or 'legacy' (camelCase fullName, issuingCountry…). */
	idcheckApprovedShape: 'current' | 'legacy';
	/** rejected webhook kyc_result.comment/commentCode as a string (default) or an array. */
	idcheckWebhookCommentAs: 'string' | 'array';
	/** Delays before each webhook retry, ms (default [1000, 5000, 25000]). */
	idcheckWebhookRetryDelaysMs: readonly number[];
	/** A webhook attempt without an answer by then is a failure (default 10000). */
	idcheckWebhookTimeoutMs: number;
	/** Seed of every webhook fault draw (default 1); the draws restart at each URL registration and seed change. */
	idcheckWebhookSeed: number | string;
	/** Extra byte-identical copies sent of an event (0..5, default 0). */
	idcheckWebhookDuplicates: number;
	/** Fraction of events that get those copies (0..1, default 1). */
	idcheckWebhookDuplicateRate: number;
	/** Each send (original or copy) waits a seeded 0..max ms (default 0). */
	idcheckWebhookMaxDelayMs: number;
	/** >0: sends are held until the window the first of them opened closes, then released shuffled (default 0). */
	idcheckWebhookReorderWindowMs: number;
	/** Fraction of events never sent, recorded as lost (0..1, default 0). */
	idcheckWebhookLossRate: number;
	/** Webhook body encryption (§2.8); anything but 'off' sends {"data":"…"} (default 'off'). */
	idcheckWebhookEncryption: IdcheckWebhookEncryption;
	/** Key text to encrypt with instead of the ID Check API key (a Liveform secretKey); default null. */
	idcheckWebhookSecretKey: string | null;
}

/**
 * 'aes-256-ecb-sha256': key SHA-256(UTF-8 key), AES-256-ECB, PKCS#7, base64 (the §2.8 default);
 * 'aes-256-ecb-raw32': key = first 32 bytes of the key; 'aes-256-ecb-sha256-hex': the default, hex;
 * 'aes-256-gcm': SHA-256 key, base64(nonce(12) ‖ ciphertext ‖ tag(16)).
 */
export type IdcheckWebhookEncryption = 'off' | 'aes-256-ecb-sha256' | 'aes-256-ecb-raw32' | 'aes-256-ecb-sha256-hex' | 'aes-256-gcm';

export type IdcheckStatus = 'incomplete' | 'pending' | 'approved' | 'rejected';
export type IdcheckImageType = 'idImage' | 'idBackImage' | 'selfieImage' | 'addressImage';

export interface IdcheckCreateOptions {
	submissionId?: string;
	status?: IdcheckStatus;
	userid?: string;
	email?: string;
	firstName?: string;
	lastName?: string;
	fullName?: string;
	gender?: string;
	dateOfBirth?: string;
	nationality?: string;
	idType?: string;
	issuingCountry?: string;
	cf1?: string;
	cf2?: string;
	cf3?: string;
	tokenId?: string;
	/** Face key embedded in the selfie and the ID front (default idcheck-<id>). */
	faceKey?: string;
	/** Default ['idImage', 'idBackImage', 'selfieImage']. */
	images?: IdcheckImageType[];
	comment?: string | string[];
	commentCode?: string | string[];
}

/** The wire submission plus sandbox fields (status, faceKey, images as sizes and hashes). */
export interface IdcheckSnapshot {
	submission_id: string;
	status: IdcheckStatus;
	faceKey: string;
	images: Partial<Record<IdcheckImageType, { bytes: number; sha256: string }>>;
	[field: string]: unknown;
}

/** One send (an original, a copy, a lost event or a forged delivery). */
export interface IdcheckDelivery {
	id: number;
	event: string | null;
	submissionId: string | null;
	url: string;
	/** Emission number of the event (copies share it); null for forged deliveries. */
	eventSeq: number | null;
	/** The plain §2.3 body; null for a forged raw string body. */
	payload: Record<string, unknown> | null;
	/** The exact text sent (encrypted when encryption is on); null when encryption itself failed. */
	body: string | null;
	encryption: IdcheckWebhookEncryption;
	createdAt: string;
	/** held: waiting in the reorder window; lost: never sent. */
	state: 'held' | 'pending' | 'delivered' | 'failed' | 'lost';
	/** Id of the original this is a byte-identical copy of; null for originals. */
	duplicateOf: number | null;
	lost: boolean;
	delayMs: number;
	/** Released at another position than emitted within its reorder window. */
	reordered: boolean;
	heldMs: number;
	/** Release order across all sends (null until released). */
	releaseSeq: number | null;
	forged: boolean;
	/** Extra headers sent (forged deliveries only). */
	headers: Record<string, string>;
	/** Why nothing could be sent (e.g. a raw32 key shorter than 32 bytes). */
	error: string | null;
	attempts: { at: string; status: number | null; error: string | null; durationMs: number | null; localAddress?: string | null }[];
}

export type IdcheckLifecycle =
	| 'approved'
	| 'rejected'
	| 'pendingThenApproved'
	| 'pendingThenRejected'
	| 'approvedThenDeleted'
	| 'rejectedThenDeleted'
	| 'retryThenApproved'
	| 'approvedThenUpdated'
	| 'incomplete';

export interface IdcheckScenarioOptions {
	/** 1..1000, default 10. */
	count?: number;
	/** Shuffles which submission gets which lifecycle (default 1). */
	seed?: number | string;
	/** Weights; counts are allocated exactly by largest remainder (default: every lifecycle weight 1). */
	mix?: Partial<Record<IdcheckLifecycle, number>>;
}

export interface IdcheckScenarioResult {
	seed: number | string;
	count: number;
	counts: Partial<Record<IdcheckLifecycle, number>>;
	eventCount: number;
	submissions: { submissionId: string; lifecycle: IdcheckLifecycle; events: string[]; finalStatus: IdcheckStatus; deleted: boolean }[];
}

export interface IdcheckForgeOptions {
	/** Default: the registered webhook URL. */
	url?: string;
	/** Sent as is (a string byte for byte, an object as JSON); else event (+ submissionId) builds one. */
	body?: string | Record<string, unknown>;
	event?: string;
	submissionId?: string;
	/** 'Name: value' lines or an object. */
	headers?: string[] | Record<string, string>;
	/** Sent as X-Forwarded-For: the TCP source is always this machine. */
	sourceAddress?: string;
	/** Default 'off'. */
	encryption?: IdcheckWebhookEncryption;
	/** Key text for encryption (default the project's key as configured). */
	key?: string;
}

export interface SandboxIdcheck {
	apiKey: string;
	admin: string;
	approvedSubmissionId: string;
	rejectedSubmissionId: string;
	pendingSubmissionId: string;
	duplicateSubmissionId: string;
	incompleteSubmissionId: string;
	deletedSubmissionId: string;
	approvedApplicantId: string;
	approvedSelfieFaceKey: string;
	createSubmission(o?: IdcheckCreateOptions): IdcheckSnapshot;
	setStatus(id: string, status: IdcheckStatus, extra?: { reviewer?: string; comment?: string | string[]; commentCode?: string | string[] }): IdcheckSnapshot;
	submission(id: string): IdcheckSnapshot | null;
	setWebhookUrl(url: string | null): string | null;
	webhookUrl(): string | null;
	deliveries(): IdcheckDelivery[];
	clearDeliveries(): void;
	/** Resolves true once no send is held, waiting or retrying; false after timeoutMs (default 30000). */
	settled(timeoutMs?: number): Promise<boolean>;
	pendingDeliveries(): number;
	/** One send, no retries; resolves with its delivery record. */
	forge(o: IdcheckForgeOptions): Promise<IdcheckDelivery>;
	/** Creates count submissions and drives each through its lifecycle, firing every webhook. */
	scenario(o?: IdcheckScenarioOptions): IdcheckScenarioResult;
}

export type FaultAction = 'status' | 'reset' | 'hang' | 'malformed' | 'html' | 'delay' | 'cut';

export interface FaultAnswer {
	action: FaultAction;
	/** 'before' (default): request not processed. 'after': processed, then the response is replaced. */
	when?: 'before' | 'after';
	/** HTTP status for status (default 500), malformed (default 200), html (default 502), cut (default: the real answer's with 'after', 200 with 'before'). */
	status?: number;
	errorCode?: number | string;
	message?: string;
	/** Sent verbatim as the Retry-After header (number = seconds, string e.g. an HTTP date). */
	retryAfter?: number | string;
	/** Delay before this fault answers (overrides config.latencyMs); required for 'delay'. */
	latencyMs?: number;
	/** 'cut' only: 'length' (default, Content-Length of the whole body) or 'chunked' (no terminating chunk). */
	transfer?: 'length' | 'chunked';
	/** 'cut' only: body bytes sent before the socket ends (default half; capped at the body length - 1). */
	bodyBytes?: number;
}

export interface RandomFaultAction extends FaultAnswer {
	/** Relative weight when the random schedule picks an action (default 1). */
	weight?: number;
}

export interface FaultMatch {
	/** e.g. 'POST' (case-insensitive). */
	method?: string;
	/** '/modules/faces', '/faces' (shorthand), or a prefix ending in '*'. */
	path?: string;
}

export interface FaultRule extends FaultAnswer {
	match?: FaultMatch;
	/** Let this many matching requests through first, counted from when the rule is added (default 0). */
	skip?: number;
	/** Fire this many times (default 1, -1 = forever). */
	count?: number;
}

export interface ActiveFaultRule extends Required<Pick<FaultRule, 'action' | 'when' | 'skip' | 'count'>> {
	id: number;
	match: FaultMatch;
	fired: number;
	status?: number;
	errorCode?: number | string;
	message?: string;
	retryAfter?: number | string;
	latencyMs?: number;
	transfer?: 'length' | 'chunked';
	bodyBytes?: number;
}

export interface RandomFaultOptions {
	seed?: number | string;
	/** Probability 0..1 that a matching request gets a fault. 0 or null options disable the schedule. */
	rate: number;
	actions: RandomFaultAction[];
	match?: FaultMatch;
}

export interface RandomFaultInfo {
	seed: number | string;
	rate: number;
	match: FaultMatch;
	/** Every action with its weight filled in. */
	actions: (RandomFaultAction & { weight: number })[];
	decisions: number;
	fired: number;
}

export interface LoggedFault {
	action: FaultAction;
	status: number | null;
	when: 'before' | 'after';
	source: 'rule' | 'random';
	ruleId?: number;
	/** For when:'after': what the real processing would have answered. */
	replaced?: { status: number; errorCode: number | null };
}

export interface RequestLogEntry {
	seq: number;
	startedAt: string;
	durationMs: number | null;
	method: string;
	path: string;
	query: { collectionId: string | null; page: string | null; term: string | null; faceId: string | null };
	body:
		| null
		| { invalidJson: true; rawBytes: number }
		| { tooLarge: true }
		| {
				collectionId: string | null;
				userName: string | null;
				requestName: string | null;
				imageForm: 'base64' | 'dataUrl' | null;
				imageBytes: number | null;
				imageSha256: string | null;
				imageFormat: 'jpeg' | 'png' | 'webp' | null;
				rawBytes: number;
				/** Verify endpoints only: each image field sent (null when not a non-empty string). */
				images?: Record<string, { form: 'base64' | 'dataUrl'; bytes: number | null; sha256: string | null; format: 'jpeg' | 'png' | 'webp' | 'bmp' | null } | null>;
				/** ID Liveness: the pipelines field as sent (sr/pc/ps picked out of an object). */
				pipelines?: unknown;
				/** Verify endpoints: whether callbackUrl was in the body. */
				callbackUrl?: boolean;
		  };
	apiKey: 'missing' | 'valid' | 'rejected';
	/** HTTP status sent; null for reset, hang and client aborts. */
	status: number | null;
	errorCode: number | string | null;
	fault: LoggedFault | null;
	outcome: 'added' | 'listed' | 'deleted' | 'searched' | 'checked' | 'rejected' | 'not_found' | 'fault' | 'error' | null;
	faceId?: string;
	matches?: number;
	count?: number;
	livenessScore?: number | null;
	/** Face Compare: the 0..1 score and the match decision. */
	similarity?: number;
	isMatch?: boolean;
	/** ID Liveness: the score of each pipeline asked for. */
	documentScores?: { sr?: number; pc?: number; ps?: number };
	clientAborted?: true;
}

export interface SandboxFace {
	faceId: string;
	metaFaceId: string;
	userName: string;
	createdAt: string;
	imageSha256: string | null;
	faceKey: string;
}

export interface SandboxCollection {
	id: string;
	status: 'active' | 'deleted';
	liveness: boolean;
	faces: SandboxFace[];
}

export interface SandboxState {
	config: SandboxConfig;
	collections: SandboxCollection[];
}

export interface StartSandboxOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Loopback only: 127.x, localhost or ::1 (default 127.0.0.1). */
	host?: string;
	/** Seed file (default sandbox/seed.json). */
	seedPath?: string;
	/** Initial config; reset() returns to it. */
	config?: Partial<SandboxConfig>;
	/** Called with a copy of each /modules log entry when it is recorded. */
	onRequest?: (entry: RequestLogEntry) => void;
}

export interface SampleImageOptions {
	format?: 'jpeg' | 'png' | 'webp';
	/** Embeds ARGOS-SANDBOX:FACE=<faceKey>; images with the same key match each other. */
	faceKey?: string;
	/** Embeds ARGOS-SANDBOX:SPOOF: fails liveness. */
	spoof?: boolean;
	label?: string;
	/** Pad the file to (about) this many bytes. */
	sizeBytes?: number;
	/** ARGOS-SANDBOX:LIVENESS=<n>: Face Liveness answers exactly this score (0..100). */
	livenessScore?: number;
	/** ARGOS-SANDBOX:SIMILARITY=<n>: Face Compare answers n/100 (0..100; the origin image's wins). */
	similarity?: number;
	/** ARGOS-SANDBOX:SR=/PC=/PS=<n>: ID Liveness answers exactly these pipeline scores (0..100). */
	documentScores?: { sr?: number; pc?: number; ps?: number };
	/** ARGOS-SANDBOX:UNREADABLE: no face / no document found (1017, 1009, compare isAvailable false). */
	unreadable?: boolean;
	/** ARGOS-SANDBOX:SCREEN_REPLAY / PAPER_PRINTED / PORTRAIT_REPLACED: that ID Liveness pipeline scores 5..30. */
	screenReplay?: boolean;
	paperPrinted?: boolean;
	portraitReplaced?: boolean;
}

export interface ImageMarkers {
	liveness: number | null;
	similarity: number | null;
	sr: number | null;
	pc: number | null;
	ps: number | null;
	unreadable: boolean;
	screenReplay: boolean;
	paperPrinted: boolean;
	portraitReplaced: boolean;
}

export interface Sandbox {
	/** e.g. 'http://127.0.0.1:PORT' — without /modules. */
	url: string;
	port: number;
	host: string;
	/** The active demo key from the seed. */
	apiKey: string;
	/** A key that exists but is disabled (-> 6040). */
	disabledApiKey: string;
	collections: { demo: string; onboarding: string; deleted: string; noLiveness: string; [alias: string]: string };
	close(): Promise<void>;
	reset(): void;
	state(): SandboxState;
	requests(): RequestLogEntry[];
	clearRequests(): void;
	addFaults(ruleOrRules: FaultRule | FaultRule[]): ActiveFaultRule[];
	clearFaults(): void;
	setRandomFaults(opts: RandomFaultOptions | null): RandomFaultInfo | null;
	faults(): ActiveFaultRule[];
	randomFaults(): RandomFaultInfo | null;
	config(): SandboxConfig;
	setConfig(partial: Partial<SandboxConfig>): SandboxConfig;
	addCollection(c: { id: string; status?: 'active' | 'deleted'; liveness?: boolean }): { id: string; status: 'active' | 'deleted'; liveness: boolean };
	addFaces(collectionId: string, count: number, opts?: { userNamePrefix?: string }): SandboxFace[];
	sampleImage(opts?: SampleImageOptions): Buffer;
	/** ID Check REST v3: seed ids and controls. */
	idcheck: SandboxIdcheck;
}

export interface ImageInfo {
	present: boolean;
	form: 'base64' | 'dataUrl' | null;
	decodable: boolean;
	bytes: number | null;
	sha256: string | null;
	format: 'jpeg' | 'png' | 'webp' | null;
	faceKey: string | null;
	spoof: boolean;
}

export function startSandbox(options?: StartSandboxOptions): Promise<Sandbox>;
export function sampleImage(opts?: SampleImageOptions): Buffer;
export function inspectFaceImage(faceImage: unknown): ImageInfo;
export function sniffFormat(buf: Buffer): 'jpeg' | 'png' | 'webp' | null;
export function isLoopbackHost(host: string): boolean;
/** The verify markers found in an image's bytes. */
export function readMarkers(buf: Buffer): ImageMarkers;
export const MARKER_PREFIX: string;
export const DEFAULT_CONFIG: Readonly<SandboxConfig>;
export const FACE_TAG: string;
export const SPOOF_TAG: string;

/** Global ID OCR: an ID image whose /modules/recognition answer is chosen (see sandbox/README.md). */
export interface SampleIdImageOptions {
	format?: 'jpeg' | 'png' | 'bmp';
	/** The fields read: fullName, firstName, middleName, lastName, gender, nationality, birthDate, number, issueDate, expireDate, address, authority. */
	ocr?: Record<string, string | null>;
	/** Every raw field's score (default 90). */
	score?: number;
	/** Per field; null sends that raw field without a score. */
	scores?: Record<string, number | null>;
	/** ARGOS-SANDBOX:UNREADABLE: as a back image, 1012. */
	unreadable?: boolean;
	/** jpeg/png only: pad to about this many bytes. */
	sizeBytes?: number;
}
export function sampleIdImage(opts?: SampleIdImageOptions): Buffer;
