/**
 * ARGOS ID Check's webhooks (shared/argos-idcheck-api.md §2): ten event types to one URL, no signature,
 * one documented source address, an optional encryption, at-least-once delivery that may be late,
 * duplicated or out of order. What this trigger proves, and what it does not, is in the README's
 * security table. It answers at once: n8n runs the workflow after the answer, so a slow workflow never
 * makes ARGOS deliver again.
 */
import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ArgosApi, normaliseBaseUrl } from '../shared/transport';
import { FaceError } from '../shared/errors';
import { ID_CHECK } from '../ArgosIdCheck/product';
import { getSubmission } from '../ArgosIdCheck/actions/submission/get.operation';
import { normaliseSubmission, stateOf } from '../ArgosIdCheck/submission';
import { claim, release } from './dedupe';
import { decryptEvent, RECIPES, type Recipe } from './decrypt';
import { EVENTS, readEvent } from './event';
import { ARGOS_WEBHOOK_ADDRESS, parseRule } from './source';

const EVENT_LABELS: Record<(typeof EVENTS)[number], string> = {
	created: 'Created (Applicant Started)',
	retry: 'Retry (Another Attempt)',
	submit: 'Submit (Now Pending Review)',
	approved: 'Approved',
	rejected: 'Rejected',
	updated: 'Updated',
	delete: 'Deleted',
	injection: 'Injection',
	aml: 'AML Result',
	aml_monitor: 'AML Monitoring',
};

/** The answer to a delivery the trigger does not take. */
function refuse(this: IWebhookFunctions, status: number, reason: string): IWebhookResponseData {
	this.getResponseObject().status(status).json({ received: false, reason });
	return { noWebhookResponse: true };
}

/** Taken but not emitted (an event not chosen, a re-delivery): ARGOS must not deliver it again. */
function ignore(this: IWebhookFunctions, reason: string): IWebhookResponseData {
	this.getResponseObject().status(200).json({ received: true, emitted: false, reason });
	return { noWebhookResponse: true };
}

/** The body as sent: n8n parsed it when it was JSON; otherwise its raw bytes are read. */
function bodyOf(this: IWebhookFunctions): { parsed?: IDataObject; text: string } {
	const request = this.getRequestObject() as unknown as { rawBody?: Buffer; body?: unknown };
	const data = this.getBodyData() as unknown;
	if (data && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length) return { parsed: data as IDataObject, text: JSON.stringify(data) };
	const text = Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : typeof request.body === 'string' ? request.body : '';
	try {
		const parsed: unknown = JSON.parse(text);
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { parsed: parsed as IDataObject, text };
	} catch {
		// not JSON: reported below
	}
	return { text };
}

/** A body the trigger cannot read reaches the workflow, visibly, with what to check: never dropped. */
function unreadable(this: IWebhookFunctions, code: string, message: string, description: string, text: string): IWebhookResponseData {
	const json = { event: 'unreadable', error: { code, message, description }, body: text.slice(0, 10000), receivedAt: new Date().toISOString() };
	return { workflowData: [[{ json }]] };
}

export class ArgosIdCheckTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Argos ID Check Trigger',
		name: 'argosIdCheckTrigger',
		icon: { light: 'file:argosIdCheckTrigger.svg', dark: 'file:argosIdCheckTrigger.dark.svg' },
		group: ['trigger'],
		// 1.1 from the start, not 1: for a webhook start node whose typeVersion is exactly 1, n8n (1.x and 2.x)
		// evaluates the Webhook node v1's `options.binaryData` expression on every delivery — in 2.x in an
		// isolate of its own — which halved the deliveries this trigger took per second (bench: trigger).
		version: 1.1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when ARGOS ID Check reports a submission event (approved, rejected, deleted…)',
		defaults: { name: 'Argos ID Check Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Needed for Confirm With ARGOS and for encrypted bodies only, so not required: n8n checks, on every
		// execution, that the workflow may use each credential its nodes name (database queries), which costs a
		// workflow that needs none a share of its deliveries per second.
		credentials: [{ name: 'argosIdCheckApi', required: false }],
		// responseData noData: the answer to ARGOS is an empty 200 — never the emitted item (n8n's default for a
		// node that names none would be the text "firstEntryJson").
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'argos-id-check' }],
		properties: [
			{
				displayName:
					'Register this node\'s Production URL in the ARGOS ID Check dashboard (Settings → Access Management → Webhook URL). Its path holds a random ID: keep it private.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'All (Also Events Not Known Yet)', value: '*' },
					...EVENTS.map((value) => ({ name: EVENT_LABELS[value], value })).sort((a, b) => a.name.localeCompare(b.name)),
				],
				default: ['approved', 'delete', 'rejected'],
				description: 'Which ARGOS events start the workflow; others are answered and ignored',
			},
			{
				displayName: 'Confirm With ARGOS',
				name: 'confirm',
				type: 'boolean',
				default: true,
				description:
					'Whether to get the submission from ARGOS (with the credential) before starting the workflow, and output ARGOS\'s current state: a forged or stale event can then never make the workflow act on a state ARGOS does not hold. An event whose submission ARGOS does not know is refused.',
			},
			{
				displayName: 'Allowed Source IPs',
				name: 'allowedIps',
				type: 'string',
				default: ARGOS_WEBHOOK_ADDRESS,
				placeholder: 'e.g. 52.78.194.237, 10.0.0.0/8',
				description:
					'Addresses or CIDR ranges deliveries may come from, comma-separated; empty allows any. Default: the one address ARGOS documents. The address is the one n8n determines: behind a reverse proxy set N8N_PROXY_HOPS, else every delivery comes from the proxy.',
			},
		],
	};

	// ARGOS has no API to register, list or remove a webhook URL (§2.1): it is entered by hand in the
	// dashboard, so activation has nothing to create and the URL is taken as registered.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const allowed = String(this.getNodeParameter('allowedIps', ARGOS_WEBHOOK_ADDRESS) ?? '')
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean);
		if (allowed.length) {
			const rules = allowed.map(parseRule);
			// A typo must not open the door: an entry that is not an address allows nothing.
			const from = String(request.ip ?? request.socket?.remoteAddress ?? '');
			if (!rules.some((rule) => rule?.matches(from))) return refuse.call(this, 403, 'source address not allowed');
		}

		// Read only when needed (an encrypted body, the confirmation): n8n loads and decrypts it on every call.
		let credentials: IDataObject | undefined;
		const credential = async (): Promise<IDataObject | undefined> =>
			(credentials ??= (await this.getCredentials('argosIdCheckApi').catch(() => undefined)) as IDataObject | undefined);
		const { parsed, text } = bodyOf.call(this);
		let body = parsed;
		let decryptedWith: Recipe | undefined;
		if (body && typeof body.data === 'string' && body.webhook_trigger === undefined) {
			const keys = await credential();
			if (!keys)
				return unreadable.call(
					this,
					'WEBHOOK_NOT_DECRYPTED',
					'An encrypted ARGOS webhook arrived, and the trigger has no credential to decrypt it with',
					'"Secure Data Transmission" is on for the ARGOS project. Choose the Argos ID Check API credential on the trigger: it holds the key the bodies are encrypted with.',
					text,
				);
			const { secretKey, apiKey, webhookDecryption } = keys;
			const secret = String(secretKey || apiKey || '');
			const choice = String(webhookDecryption ?? 'auto');
			const recipes = choice === 'auto' ? RECIPES : RECIPES.filter((r) => r === choice);
			const decrypted = decryptEvent(body.data, secret, recipes);
			if (!decrypted)
				return unreadable.call(
					this,
					'WEBHOOK_NOT_DECRYPTED',
					'An encrypted ARGOS webhook could not be decrypted',
					'Check the Argos ID Check API credential: the API key (or the Secret Key, if ARGOS issued your project a separate one) and Webhook Decryption (try "Auto"). The encryption recipe is inferred from ARGOS\'s docs; if none works, turn "Secure Data Transmission" off or ask ARGOS for the recipe.',
					text,
				);
			body = decrypted.body as IDataObject;
			decryptedWith = decrypted.recipe;
		}
		if (!body || typeof body.webhook_trigger !== 'string')
			return unreadable.call(
				this,
				'WEBHOOK_NOT_UNDERSTOOD',
				'A delivery to the ARGOS ID Check webhook is not an ARGOS event',
				'It is not JSON with a webhook_trigger field. If it came from ARGOS, check whether "Secure Data Transmission" is on (then set Webhook Decryption in the credential); otherwise check who else knows this webhook URL.',
				text,
			);

		const event = readEvent(body);
		const events = (this.getNodeParameter('events', ['approved', 'delete', 'rejected']) as string[]) ?? [];
		const wanted = events.includes('*') || events.includes(event.event);
		if (!wanted) return ignore.call(this, `event "${event.event}" not chosen`);
		if (!event.submissionId) return refuse.call(this, 400, 'no submission_id');
		// Remembered per trigger node (and per mode): another workflow fed the same delivery, or the editor's
		// test URL, must not make this one swallow it.
		const scope = `${this.getWorkflow().id ?? ''}\u0000${this.getNode().id}\u0000${this.getMode()}\u0000`;
		const memoryKey = scope + event.eventKey;
		if (!claim(memoryKey)) return ignore.call(this, 'already received');

		const block: IDataObject = {
			// null, not undefined: n8n drops undefined keys when it stores the item, and the block keeps its shape
			event: event.event,
			submissionId: event.submissionId ?? null,
			status: event.claimedStatus ?? null,
			userId: event.userId ?? null,
			email: event.email ?? null,
			customFields: event.customFields,
			occurredAt: event.occurredAt ?? null,
			eventKey: event.eventKey,
			confirmed: false,
			...(decryptedWith && { decryptedWith }),
		};
		if (this.getNodeParameter('confirm', true) as boolean) {
			const keys = await credential();
			const confirmed = keys
				? await confirm.call(this, keys, event.submissionId)
				: {
						// Fail closed: without a credential ARGOS cannot be asked, so nothing is confirmed.
						error: {
							code: 'CREDENTIAL_MISSING',
							message: 'Confirm With ARGOS is on, but the trigger has no Argos ID Check API credential',
							description: 'Choose the credential on the trigger (it asks ARGOS for the submission with it), or turn Confirm With ARGOS off.',
						},
					};
			if (confirmed.refused) {
				release(memoryKey);
				return refuse.call(this, 404, 'submission not known to ARGOS');
			}
			if (confirmed.error) {
				// Not taken as done: a re-delivery may confirm it. The workflow still sees it, marked unconfirmed.
				release(memoryKey);
				Object.assign(block, { status: null, claimedStatus: event.claimedStatus ?? null, error: confirmed.error });
			} else {
				Object.assign(block, { status: confirmed.state ?? null, claimedStatus: event.claimedStatus ?? null, confirmed: true, submission: confirmed.submission });
			}
		}
		const item: INodeExecutionData = { json: { ...block, body } };
		return { workflowData: [[item]] };
	}
}

/**
 * How long the confirmation may take in all, retry and Retry-After included: the answer to ARGOS waits for
 * it, and a delivery not answered in time (the sandbox's default, 10 s) is sent again. Two attempts of
 * CONFIRM_ATTEMPT_SECONDS and the backoff between them fit inside it.
 */
export const CONFIRM_BUDGET_MS = 8000;
const CONFIRM_ATTEMPT_SECONDS = 3.5;

/** An error text without the credential's secrets: ARGOS, a gateway or a proxy may echo the request. */
function withoutSecrets(text: string, secrets: unknown[]): string {
	let out = text;
	for (const secret of secrets) {
		const value = typeof secret === 'string' ? secret.trim() : '';
		if (value.length >= 4) out = out.split(value).join('[API key removed]');
	}
	return out;
}

/** ARGOS's current state of the submission, through the REST API and the credential. */
async function confirm(
	this: IWebhookFunctions,
	credentials: IDataObject,
	submissionId: string,
): Promise<{ refused?: true; error?: IDataObject; state?: string; submission?: IDataObject }> {
	const budget = AbortSignal.timeout(CONFIRM_BUDGET_MS);
	try {
		const api = new ArgosApi(
			this,
			{ product: ID_CHECK, baseUrl: normaliseBaseUrl(credentials.baseUrl, ID_CHECK), timeoutSeconds: CONFIRM_ATTEMPT_SECONDS, maxRetries: 1, signal: budget },
			'get',
		);
		const raw = await getSubmission(api, submissionId);
		const submission = normaliseSubmission(raw);
		return { state: stateOf(raw), submission };
	} catch (error) {
		if (error instanceof FaceError && error.info.code === 'SUBMISSION_NOT_FOUND') return { refused: true };
		const info = budget.aborted
			? { code: 'TIMEOUT', message: `ARGOS did not answer within ${CONFIRM_BUDGET_MS / 1000} s` }
			: error instanceof FaceError
				? error.info
				: { code: 'CONFIRM_FAILED', message: String((error as Error)?.message ?? error) };
		return {
			error: {
				code: 'CONFIRM_FAILED',
				message: withoutSecrets(`ARGOS could not be asked for the submission's state: ${info.message}`, [credentials.apiKey, credentials.secretKey]),
				description:
					'The event was not confirmed, so its status is null: act on it only after a Get (or let the reconcile workflow do it). Check the Argos ID Check API credential and that this server reaches ARGOS.',
				cause: info.code,
			},
		};
	}
}
