/**
 * Meta's webhook envelopes and their exact bytes. Bodies are written the way Meta writes them
 * (non-ASCII as lowercase \uXXXX, "/" as "\/") and signed over exactly those bytes, so a gateway
 * that parses and re-serialises before verifying fails here as it would against Meta.
 */
import { createHmac } from 'crypto';
import type { PhoneNumberConfig } from './config';

export interface StatusError {
	code: number;
	title: string;
	message: string;
	error_data: { details: string };
	href: string;
}

export interface StatusObject {
	id: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	timestamp: string;
	/** Omitted for a citizen with a username whose number Meta withholds. */
	recipient_id?: string;
	recipient_user_id?: string;
	biz_opaque_callback_data?: string;
	pricing?: { billable: boolean; pricing_model: 'PMP'; type: string; category: string };
	errors?: StatusError[];
}

export interface Envelope {
	object: 'whatsapp_business_account';
	entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown> }[] }[];
}

function metadata(phone: PhoneNumberConfig): { display_phone_number: string; phone_number_id: string } {
	// Meta sends the display number as digits only in webhook metadata.
	return { display_phone_number: phone.displayPhoneNumber.replace(/\D/g, ''), phone_number_id: phone.id };
}

export function statusEnvelope(wabaId: string, phone: PhoneNumberConfig, statuses: StatusObject[]): Envelope {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: metadata(phone), statuses } }],
			},
		],
	};
}

export function inboundEnvelope(
	wabaId: string,
	phone: PhoneNumberConfig,
	contact: { name: string; waId?: string; userId: string; username?: string },
	message: Record<string, unknown>,
): Envelope {
	const profile: Record<string, string> = { name: contact.name };
	if (contact.username) profile.username = contact.username;
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: metadata(phone),
							contacts: [{ profile, ...(contact.waId ? { wa_id: contact.waId } : {}), user_id: contact.userId }],
							messages: [message],
						},
					},
				],
			},
		],
	};
}

export function userPreferencesEnvelope(
	wabaId: string,
	phone: PhoneNumberConfig,
	who: { waId?: string; userId: string },
	value: 'stop' | 'resume',
	timestampS: number,
): Envelope {
	const ids = { ...(who.waId ? { wa_id: who.waId } : {}), user_id: who.userId };
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				changes: [
					{
						field: 'user_preferences',
						value: {
							messaging_product: 'whatsapp',
							metadata: metadata(phone),
							contacts: [ids],
							user_preferences: [
								{
									...ids,
									detail: value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages',
									category: 'marketing_messages',
									value,
									timestamp: timestampS,
								},
							],
						},
					},
				],
			},
		],
	};
}

/**
 * A system message `user_changed_user_id` (Meta, Aug 2026): the citizen's BSUID changed. Like
 * every system message it has no contacts array; the number is there only if Meta shows it.
 */
export function userIdChangeEnvelope(
	wabaId: string,
	phone: PhoneNumberConfig,
	change: { waId?: string; previousUserId: string; userId: string; wamid: string },
	timestampS: number,
): Envelope {
	const message: Record<string, unknown> = {
		...(change.waId ? { from: change.waId } : {}),
		from_user_id: change.userId,
		id: change.wamid,
		timestamp: String(timestampS),
		type: 'system',
		system: {
			body: 'User changed their business-scoped user ID',
			type: 'user_changed_user_id',
			previous_user_id: change.previousUserId,
			user_id: change.userId,
		},
	};
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: metadata(phone), messages: [message] } }],
			},
		],
	};
}

/** Meta's events of the phone_number_quality_update webhook that the sandbox models. */
export type QualityEvent = 'UPGRADE' | 'DOWNGRADE' | 'FLAGGED' | 'UNFLAGGED' | 'THROUGHPUT_UPGRADE';

/**
 * phone_number_quality_update: the number is named by its display digits only (no phone number
 * id). `current_limit` is omitted: Meta removed it in 2026 in favour of
 * max_daily_conversations_per_business, which the sandbox writes as the tier name (TIER_10K).
 */
export function qualityUpdateEnvelope(
	wabaId: string,
	phone: PhoneNumberConfig,
	change: { event: QualityEvent; oldLimit?: string; limit: string },
	timestampS: number,
): Envelope {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				time: timestampS,
				changes: [
					{
						field: 'phone_number_quality_update',
						value: {
							display_phone_number: phone.displayPhoneNumber.replace(/\D/g, ''),
							event: change.event,
							...(change.oldLimit !== undefined ? { old_limit: change.oldLimit } : {}),
							max_daily_conversations_per_business: change.limit,
						},
					},
				],
			},
		],
	};
}

/** JSON the way Meta's servers write it. */
export function serialize(obj: unknown, opts: { escapeUnicode: boolean; escapeSlashes: boolean }): string {
	let s = JSON.stringify(obj);
	if (opts.escapeSlashes) s = s.replace(/\//g, '\\/');
	if (opts.escapeUnicode) {
		s = s.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
	}
	return s;
}

export function sign(body: Buffer | string, appSecret: string): string {
	return 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex');
}
