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
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when ARGOS ID Check reports a submission event (approved, rejected, deleted…)',
		defaults: { name: 'Argos ID Check Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'argosIdCheckApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'argos-id-check' }],
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

		const credentials = await this.getCredentials('argosIdCheckApi');
		const { parsed, text } = bodyOf.call(this);
		let body = parsed;
		let decryptedWith: Recipe | undefined;
		if (body && typeof body.data === 'string' && body.webhook_trigger === undefined) {
			const secret = String(credentials.secretKey || credentials.apiKey || '');
			const choice = String(credentials.webhookDecryption ?? 'auto');
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
			const confirmed = await confirm.call(this, credentials.baseUrl, event.submissionId);
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

/** ARGOS's current state of the submission, through the REST API and the credential. */
async function confirm(
	this: IWebhookFunctions,
	baseUrl: unknown,
	submissionId: string,
): Promise<{ refused?: true; error?: IDataObject; state?: string; submission?: IDataObject }> {
	try {
		const api = new ArgosApi(this, { product: ID_CHECK, baseUrl: normaliseBaseUrl(baseUrl, ID_CHECK), timeoutSeconds: 10, maxRetries: 1 }, 'get');
		const raw = await getSubmission(api, submissionId);
		const submission = normaliseSubmission(raw);
		return { state: stateOf(raw), submission };
	} catch (error) {
		if (error instanceof FaceError && error.info.code === 'SUBMISSION_NOT_FOUND') return { refused: true };
		const info = error instanceof FaceError ? error.info : { code: 'CONFIRM_FAILED', message: String((error as Error)?.message ?? error) };
		return {
			error: {
				code: 'CONFIRM_FAILED',
				message: `ARGOS could not be asked for the submission's state: ${info.message}`,
				description:
					'The event was not confirmed, so its status is null: act on it only after a Get (or let the reconcile workflow do it). Check the Argos ID Check API credential and that this server reaches ARGOS.',
				cause: info.code,
			},
		};
	}
}
