/**
 * One ARGOS ID Check webhook body, read from any of its documented shapes (shared/argos-idcheck-api.md
 * §2.3), where every field is optional: the normalised block and the key that tells re-deliveries of one
 * event from a new event of the same submission.
 */
import { createHash } from 'node:crypto';

type Body = Record<string, unknown>;

export const EVENTS = ['created', 'retry', 'submit', 'approved', 'rejected', 'updated', 'delete', 'injection', 'aml', 'aml_monitor'] as const;

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
const object = (value: unknown): Body | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : undefined);

export interface WebhookEvent {
	event: string;
	submissionId?: string;
	/** The status the webhook claims (kyc_result.status, data.kyc_result, or the event itself for decisions). */
	claimedStatus?: string;
	userId?: string;
	email?: string;
	customFields: Record<string, string>;
	occurredAt?: string;
	eventKey: string;
}

/** Keys sorted, so two deliveries of one body give one key whatever their key order. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	const obj = object(value);
	if (obj) return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
	return JSON.stringify(value) ?? 'null';
}

export function readEvent(body: Body): WebhookEvent {
	const event = text(body.webhook_trigger) ?? 'unknown';
	const kyc = object(body.kyc_result);
	const data = object(body.data);
	const cf = object(body.cf) ?? {};
	const customFields: Record<string, string> = {};
	for (const name of ['cf1', 'cf2', 'cf3']) {
		const value = text(cf[name]);
		if (value !== undefined) customFields[name] = value;
	}
	const claimedStatus =
		text(kyc?.status) ?? text(data?.kyc_result) ?? (event === 'approved' || event === 'rejected' ? event : event === 'delete' ? 'deleted' : undefined);
	// When it happened, as far as the body says: the decision, the edit or the deletion time, else the attempt.
	const occurredAt = text(kyc?.updated_at) ?? text(kyc?.update_at) ?? text(body.update_time) ?? text(body.delete_time) ?? text(kyc?.kyc_result_at);
	const submissionId = text(body.submission_id) ?? text(body.submissionId);
	// The documented fields that tell one event of a submission from the next (§2.5, [INFERRED]); when the
	// body has none of them, the whole body does: a re-delivery is the same body.
	const distinct = occurredAt ?? text(body.attempts);
	const material = distinct !== undefined ? `${submissionId}\u0000${event}\u0000${distinct}` : canonical(body);
	return {
		event,
		submissionId,
		claimedStatus,
		userId: text(body.userid) ?? text(body.userId),
		email: text(body.email),
		customFields,
		occurredAt,
		eventKey: createHash('sha256').update(material).digest('hex').slice(0, 32),
	};
}
