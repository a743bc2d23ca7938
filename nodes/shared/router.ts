/**
 * Runs the chosen operation for every item and sorts the outcomes onto the Success and Failed outputs.
 *
 * The node throws (failing the execution) only for a problem that dooms every item — a rejected key,
 * an unusable Base URL, a typed-in parameter that is wrong — and only while nothing has succeeded in
 * this run: once a face was added, failing the execution would hide its faceId. With any "continue"
 * error setting on it never throws. Every input item ends on exactly one output, paired to its input.
 *
 * As an AI-agent tool (n8n's `<type>Tool` variant) only the first output reaches the agent, so there the
 * Failed items join the Success ones on it, each with its `error` (code, message, what to do), and the
 * node never throws: an empty answer would read as success to the agent.
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FaceErrorInfo } from './errors';
import { FaceError, localError } from './errors';
import type { ApiSettings, Product } from './transport';
import { ArgosApi, normaliseBaseUrl } from './transport';
import { readInteger, WithFiles } from './descriptions';
import { runPool } from './pool';

/** One operation file: runs one item and returns its Success outputs, or throws a FaceError. */
export type OperationModule = {
	execute: (this: IExecuteFunctions, itemIndex: number, api: ArgosApi) => Promise<IDataObject[] | WithFiles>;
	/** Success items keep the input item's files (the checks: Liveness → Compare → Document → Add chain). */
	passesFilesOn?: boolean;
};

/** A node's resources, each a module exporting its operations by value. */
export type Resources = Record<string, object>;

function operationOf(resources: Resources, resource: string, operation: string): OperationModule | undefined {
	const found = (resources[resource] as Record<string, unknown> | undefined)?.[operation] as Partial<OperationModule> | undefined;
	return typeof found?.execute === 'function' ? (found as OperationModule) : undefined;
}

type Outcome = { ok: IDataObject[]; kept?: IBinaryKeyData } | { failed: FaceErrorInfo };

function asFaceError(error: unknown, attempts: number): FaceError {
	if (error instanceof FaceError) return error;
	// Expression and parameter errors n8n raised for this item only.
	const { message, description } = error as { message?: string; description?: string };
	const info = localError('INVALID_INPUT', { reason: String(message ?? error), description: description ?? undefined }).info;
	return new FaceError({ ...info, attempts });
}

/**
 * ARGOS, a gateway or a proxy may echo the request in an error's text, key included: the key is cut out of
 * every text of the error before it reaches an item, the execution's error or a log.
 */
function withoutKey<T>(value: T, key: string): T {
	if (key.length < 4) return value;
	const scrub = (v: unknown): unknown => {
		if (typeof v === 'string') return v.split(key).join('[API key removed]');
		if (Array.isArray(v)) return v.map(scrub);
		if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
			return Object.fromEntries(Object.entries(v as IDataObject).map(([k, x]) => [k, scrub(x)]));
		return v;
	};
	return scrub(value) as T;
}

function toNodeError(this: IExecuteFunctions, error: FaceError, itemIndex: number, key = ''): Error {
	const info = withoutKey(error.info, key);
	const options = { message: info.message, description: info.description, itemIndex };
	if (info.httpStatus === null) return new NodeOperationError(this.getNode(), info.message, options);
	return new NodeApiError(this.getNode(), { ...info } as unknown as JsonObject, { ...options, httpCode: String(info.httpStatus) });
}

/** The execute() of a node: one product, its resources. */
export function makeRouter(product: Product, resources: Resources) {
	return async function (this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this, product, resources);
	};
}

async function router(this: IExecuteFunctions, product: Product, resources: Resources): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operationOf(resources, resource, operation);
	if (!run) throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}" of resource "${resource}"`);
	const asTool = this.getNode().type.endsWith('Tool');
	const continueOnFail = this.continueOnFail() || asTool;
	const outcomes: Array<Outcome | undefined> = new Array(items.length);

	let settings: Pick<ApiSettings, 'product' | 'baseUrl' | 'signal'>;
	let concurrency: number;
	let key = '';
	try {
		const credentials = await this.getCredentials(product.credentialType);
		key = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
		const baseUrl = normaliseBaseUrl(credentials.baseUrl, product);
		settings = { product, baseUrl, signal: this.getExecutionCancelSignal?.() };
		// The pool is shaped once per run, so Concurrency is read from the first item.
		concurrency = readInteger.call(this, 0, 'options.concurrency', 'Concurrency', { min: 1, max: 32, fallback: 4 });
	} catch (error) {
		if (!(error instanceof FaceError) || (error.fatal && !continueOnFail)) throw error instanceof FaceError ? toNodeError.call(this, error, 0) : error;
		const all = items.map((item, i) => failedItem(item, i, error.info));
		recordFailures.call(this, items.map(() => error.info.code));
		return asTool ? [all] : [[], all];
	}

	let succeeded = false;
	let fatal: { error: FaceError; itemIndex: number } | undefined;
	const work = async (i: number) => {
		let api: ArgosApi | undefined;
		try {
			api = new ArgosApi(this, { ...settings, ...requestLimits.call(this, i) }, operation);
			const result = await run.execute.call(this, i, api);
			outcomes[i] = result instanceof WithFiles ? { ok: result.json, kept: result.binary } : { ok: result };
			succeeded = true;
		} catch (caught) {
			const attempts = api?.attempts ?? 0;
			const error = asFaceError(caught, attempts);
			// A write that may have happened is as good as a success here: failing the execution would hide it.
			if (error.info.outcomeUnknown) succeeded = true;
			if (error.fatal && !succeeded && !continueOnFail) fatal ??= { error, itemIndex: i };
			outcomes[i] = { failed: withoutKey({ ...error.info, attempts }, key) };
		}
	};
	const all = items.map((_, i) => i);
	await runPool(all, concurrency, work, () => fatal === undefined && !settings.signal?.aborted);
	if (fatal && !succeeded) throw toNodeError.call(this, fatal.error, fatal.itemIndex, key);
	// A fatal error paused the run but an item in flight succeeded: finish the rest normally.
	const rest = all.filter((i) => outcomes[i] === undefined && !settings.signal?.aborted);
	if (rest.length) await runPool(rest, concurrency, work);

	const success: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	const filesOn = run.passesFilesOn === true;
	items.forEach((item, i) => {
		const outcome = outcomes[i] ?? { failed: localError('CANCELLED', undefined).info };
		// What a check downloaded and judged replaces a file of the same name: it is what goes on.
		// (An operation that fetches files, such as ID Check's Get with images, adds them without the input's.)
		const kept = 'ok' in outcome ? outcome.kept : undefined;
		const outFiles = { ...(filesOn ? item.binary : undefined), ...kept };
		const binary = Object.keys(outFiles).length ? { binary: outFiles } : {};
		// The combined binary mode keeps the files in json._files: they go on with the json.
		const files = filesOn && item.json._files !== undefined ? { _files: item.json._files } : {};
		if ('ok' in outcome) for (const json of outcome.ok) success.push({ json: { ...json, ...files }, ...binary, pairedItem: { item: i } });
		else (asTool ? success : failed).push(failedItem(item, i, outcome.failed));
	});
	recordFailures.call(
		this,
		outcomes.map((o) => (o && 'failed' in o ? o.failed.code : o ? undefined : 'CANCELLED')).filter((c): c is string | number => c !== undefined),
	);
	return asTool ? [success] : [success, failed];
}

/**
 * Every execution ends "Succeeded" when applicants are only rejected, so the run records how many items
 * went to Failed and with which codes as n8n's execution custom data (`argos_failed`, `argos_failed_codes`),
 * added up over every Argos Faces node of the execution: the Executions list can then be filtered by it.
 */
function recordFailures(this: IExecuteFunctions, codes: Array<string | number>): void {
	if (!codes.length) return;
	try {
		const data = this.customData;
		const counts = new Map<string, number>();
		for (const entry of String(data.get('argos_failed_codes') ?? '').split(' ').filter(Boolean)) {
			const [code, n] = entry.split(':');
			counts.set(code, Number(n) || 0);
		}
		for (const code of codes) counts.set(String(code), (counts.get(String(code)) ?? 0) + 1);
		data.set('argos_failed', String(Number(data.get('argos_failed') ?? 0) + codes.length));
		data.set('argos_failed_codes', [...counts].map(([code, n]) => `${code}:${n}`).join(' '));
	} catch {
		// Contexts without execution data (n8n versions before custom data): the items still say it all.
	}
}

/** Retries and timeout may differ per item (expressions), and are checked per item before anything is sent. */
function requestLimits(this: IExecuteFunctions, itemIndex: number): Pick<ApiSettings, 'maxRetries' | 'timeoutSeconds'> {
	return {
		maxRetries: readInteger.call(this, itemIndex, 'options.maxRetries', 'Max Retries', { min: 0, max: 10, fallback: 3 }),
		timeoutSeconds: readInteger.call(this, itemIndex, 'options.timeout', 'Timeout (Seconds)', { min: 1, max: 600, fallback: 30 }),
	};
}

/**
 * The input item as it came (json and binary), plus the error, so a retry branch has everything. The
 * error reads the same way every time: code, message, description and the applicant's sentence first.
 */
function failedItem(item: INodeExecutionData, itemIndex: number, info: FaceErrorInfo): INodeExecutionData {
	const { code, message, description, applicantMessage, apiMessage, ...rest } = info;
	const error = { code, message, description, ...(applicantMessage !== undefined && { applicantMessage }), ...rest, ...(apiMessage !== undefined && { apiMessage }), itemIndex };
	return {
		json: { ...item.json, error },
		...(item.binary && { binary: item.binary }),
		pairedItem: { item: itemIndex },
	};
}
