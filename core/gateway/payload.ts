import { limitsFromQualityUpdate, type NumberLimits } from '../channels/whatsapp/limits';
import { WHATSAPP_LIMITS } from '../channels/whatsapp/text';
import { MitanError } from '../errors';
import { isUserId } from '../phone';
import { isTemplateField, parseTemplateChange, type TemplateEvent } from './template-events';

/**
 * Meta's webhook envelope → typed events. The whole body is checked before anything is
 * written: one malformed part rejects the POST (400, naming the field), so a payload is never
 * half-stored. Parts that are well-formed but not ours (another `object`, a field we do not
 * subscribe to, a status we do not track) are ignored and counted, not refused: Meta would
 * otherwise retry them for seven days.
 */
export type TrackedStatus = 'sent' | 'delivered' | 'read' | 'failed';
const TRACKED: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);

export interface StatusEvent {
	phoneNumberId: string;
	wamid: string;
	status: TrackedStatus;
	occurredAt: string; // ISO
	/** wa_id digits; Meta omits them for a citizen with a username (and often on failed statuses). */
	recipient: string | null;
	/** The citizen's business-scoped user id (recipient_user_id), when Meta sends it. */
	recipientUserId?: string | null;
	errorCode: number | null;
	errorTitle: string | null;
	priceCategory: string | null;
	billable: boolean | null;
	pricingModel: string | null;
	pricingType: string | null;
	/** biz_opaque_callback_data as the sender set it (broadcasts: the delivery, core/statuses/callback.ts). */
	callbackData?: string | null;
}

export interface InboundMessage {
	phoneNumberId: string;
	wamid: string;
	/** wa_id digits as Meta sends them (no '+'); null when Meta withheld the number (a username, no message in 30 days). */
	from: string | null;
	/** messages[].from_user_id / contacts[].user_id: the BSUID (at least one of from, fromUserId is there). */
	fromUserId?: string | null;
	/** contacts[].profile.username: display only. */
	username?: string | null;
	type: string;
	/** The words a citizen wrote: text body, button / list title, media caption. */
	body: string | null;
	sentAt: string | null;
	contactName: string | null;
	raw: Record<string, unknown>;
}

export interface PreferenceEvent {
	phoneNumberId: string;
	/** wa_id digits, or null when only the BSUID is given. */
	waId: string | null;
	userId: string | null;
	value: 'stop' | 'resume';
	category: string | null;
	occurredAt: string;
}

/** phone_number_quality_update: Meta re-rated a number (tier, quality, throughput). */
export interface QualityUpdateEvent {
	/** Digits: the webhook names the number by its display number only. */
	displayPhoneNumber: string;
	event: string | null;
	limits: NumberLimits;
	/** The entry's time (ISO): a repeated or late event must not undo a newer one. */
	occurredAt: string | null;
}

/** A system message `user_changed_user_id`: the citizen's BSUID changed (Meta names the old one). */
export interface UserIdChange {
	phoneNumberId: string;
	previousUserId: string;
	userId: string;
	/** wa_id digits when Meta still shares the number. */
	waId: string | null;
	occurredAt: string;
}

export interface ParsedWebhook {
	statuses: StatusEvent[];
	messages: InboundMessage[];
	userIdChanges: UserIdChange[];
	preferences: PreferenceEvent[];
	qualityUpdates: QualityUpdateEvent[];
	/** Template status, quality and category changes (template-events.ts). */
	templateEvents: TemplateEvent[];
	/** reason → count of parts deliberately not processed. */
	ignored: Record<string, number>;
}

type Obj = Record<string, unknown>;

function bad(field: string, problem: string): MitanError {
	return new MitanError('WEBHOOK_MALFORMED', `webhook body: ${field} ${problem}`, { field });
}

function isObj(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, field: string): Obj {
	if (!isObj(v)) throw bad(field, 'must be an object');
	return v;
}

function arr(v: unknown, field: string): unknown[] {
	if (!Array.isArray(v)) throw bad(field, 'must be an array');
	return v;
}

function str(v: unknown, field: string, max = 512): string {
	if (typeof v !== 'string' || v.trim() === '') throw bad(field, 'must be a non-empty string');
	if (v.length > max) throw bad(field, `is longer than ${max} characters`);
	return v;
}

/** Message texts are cut at WhatsApp's free-text limit (Meta sends no longer ones). */
function optStr(v: unknown, field: string, max: number = WHATSAPP_LIMITS.freeText): string | null {
	if (v === undefined || v === null) return null;
	if (typeof v !== 'string') throw bad(field, 'must be a string');
	return v.length > max ? v.slice(0, max) : v;
}

/** Meta timestamps are unix seconds, as a string (sometimes a number). */
function unixTime(v: unknown, field: string): string {
	const s = typeof v === 'number' ? String(v) : v;
	if (typeof s !== 'string' || !/^\d{1,12}$/.test(s)) throw bad(field, 'must be unix seconds');
	return new Date(Number(s) * 1000).toISOString();
}

function digits(v: unknown, field: string): string {
	const s = str(v, field, 64);
	if (!/^\d{6,20}$/.test(s)) throw bad(field, 'must be a phone number in digits');
	return s;
}

/** A business-scoped user id (IN.1502…), as core/phone.ts defines its shape. */
function userId(v: unknown, field: string): string {
	const s = str(v, field, 140);
	if (!isUserId(s)) throw bad(field, 'must be a WhatsApp user id (two capital letters, a dot, letters and digits)');
	return s;
}

const optUserId = (v: unknown, field: string): string | null => (v === undefined || v === null ? null : userId(v, field));
const optDigits = (v: unknown, field: string): string | null => (v === undefined || v === null ? null : digits(v, field));

function bump(ignored: Record<string, number>, reason: string, n = 1): void {
	ignored[reason] = (ignored[reason] ?? 0) + n;
}

export function parseWebhookJson(raw: Buffer): unknown {
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch (e) {
		throw new MitanError('WEBHOOK_NOT_JSON', `webhook body is not JSON: ${(e as Error).message}`, { field: 'body' });
	}
}

export function parseWebhook(body: unknown): ParsedWebhook {
	const out: ParsedWebhook = {
		statuses: [],
		messages: [],
		userIdChanges: [],
		preferences: [],
		qualityUpdates: [],
		templateEvents: [],
		ignored: {},
	};
	const root = obj(body, 'body');
	if (root.object !== 'whatsapp_business_account') {
		bump(out.ignored, `object:${typeof root.object === 'string' ? root.object.slice(0, 40) : 'missing'}`);
		return out;
	}
	const entries = arr(root.entry, 'entry');
	entries.forEach((e, ei) => {
		const entry = obj(e, `entry[${ei}]`);
		const changes = arr(entry.changes, `entry[${ei}].changes`);
		changes.forEach((c, ci) => {
			const at = `entry[${ei}].changes[${ci}]`;
			const change = obj(c, at);
			const field = str(change.field, `${at}.field`, 100);
			if (field === 'phone_number_quality_update') {
				const time = entry.time === undefined ? null : unixTime(entry.time, `entry[${ei}].time`);
				parseQualityUpdate(obj(change.value, `${at}.value`), `${at}.value`, time, out);
				return;
			}
			if (isTemplateField(field)) {
				const time = entry.time === undefined ? null : unixTime(entry.time, `entry[${ei}].time`);
				out.templateEvents.push(parseTemplateChange(field, change.value, `${at}.value`, time));
				return;
			}
			if (field !== 'messages' && field !== 'user_preferences') {
				bump(out.ignored, `field:${field}`);
				return;
			}
			const value = obj(change.value, `${at}.value`);
			const metadata = obj(value.metadata, `${at}.value.metadata`);
			const phoneNumberId = digits(metadata.phone_number_id, `${at}.value.metadata.phone_number_id`);
			if (field === 'user_preferences') {
				parsePreferences(value, `${at}.value`, phoneNumberId, out);
				return;
			}
			if (value.statuses !== undefined) parseStatuses(value.statuses, `${at}.value.statuses`, phoneNumberId, out);
			if (value.messages !== undefined) parseMessages(value, `${at}.value`, phoneNumberId, out);
			if (value.errors !== undefined) bump(out.ignored, 'value.errors', arr(value.errors, `${at}.value.errors`).length);
		});
	});
	return out;
}

function parseStatuses(v: unknown, at: string, phoneNumberId: string, out: ParsedWebhook): void {
	arr(v, at).forEach((s, i) => {
		const f = `${at}[${i}]`;
		const st = obj(s, f);
		const status = str(st.status, `${f}.status`, 40);
		const wamid = str(st.id, `${f}.id`);
		const occurredAt = unixTime(st.timestamp, `${f}.timestamp`);
		if (!TRACKED.has(status)) {
			// Meta also sends e.g. "deleted" and "warning"; they say nothing about reach.
			bump(out.ignored, `status:${status.slice(0, 40)}`);
			return;
		}
		let errorCode: number | null = null;
		let errorTitle: string | null = null;
		if (st.errors !== undefined) {
			const errs = arr(st.errors, `${f}.errors`);
			if (errs.length > 0) {
				const e0 = obj(errs[0], `${f}.errors[0]`);
				if (typeof e0.code !== 'number' || !Number.isInteger(e0.code)) throw bad(`${f}.errors[0].code`, 'must be an integer');
				errorCode = e0.code;
				errorTitle = optStr(e0.title, `${f}.errors[0].title`, 500) ?? optStr(e0.message, `${f}.errors[0].message`, 500);
			}
		}
		if (status === 'failed' && errorCode === null) throw bad(`${f}.errors`, 'must hold the error code of a failed status');
		let pricing: Obj | null = null;
		if (st.pricing !== undefined && st.pricing !== null) pricing = obj(st.pricing, `${f}.pricing`);
		if (pricing && pricing.billable !== undefined && typeof pricing.billable !== 'boolean')
			throw bad(`${f}.pricing.billable`, 'must be true or false');
		out.statuses.push({
			phoneNumberId,
			wamid,
			status: status as TrackedStatus,
			occurredAt,
			recipient: optDigits(st.recipient_id, `${f}.recipient_id`),
			recipientUserId: optUserId(st.recipient_user_id, `${f}.recipient_user_id`),
			errorCode,
			errorTitle,
			priceCategory: pricing ? optStr(pricing.category, `${f}.pricing.category`, 40) : null,
			billable: pricing && typeof pricing.billable === 'boolean' ? pricing.billable : null,
			pricingModel: pricing ? optStr(pricing.pricing_model, `${f}.pricing.pricing_model`, 40) : null,
			pricingType: pricing ? optStr(pricing.type, `${f}.pricing.type`, 60) : null,
			callbackData: optStr(st.biz_opaque_callback_data, `${f}.biz_opaque_callback_data`, 512),
		});
	});
}

/** The words of a message, whatever its type, for keyword matching and the complaint flow. */
function bodyOf(m: Obj): string | null {
	const pick = (o: unknown, ...keys: string[]): string | null => {
		let cur: unknown = o;
		for (const k of keys) cur = isObj(cur) ? cur[k] : undefined;
		return typeof cur === 'string' ? cur : null;
	};
	switch (m.type) {
		case 'text':
			return pick(m, 'text', 'body');
		case 'button':
			return pick(m, 'button', 'text') ?? pick(m, 'button', 'payload');
		case 'interactive':
			return pick(m, 'interactive', 'button_reply', 'title') ?? pick(m, 'interactive', 'list_reply', 'title');
		case 'image':
		case 'video':
		case 'document':
			return pick(m, m.type, 'caption');
		case 'reaction':
			return pick(m, 'reaction', 'emoji');
		default:
			return null;
	}
}

function parseMessages(value: Obj, at: string, phoneNumberId: string, out: ParsedWebhook): void {
	// Each contact is named by wa_id, user_id or both; a message finds its contact by either.
	const contacts = new Map<string, { name: string | null; username: string | null; userId: string | null }>();
	if (value.contacts !== undefined) {
		arr(value.contacts, `${at}.contacts`).forEach((c, i) => {
			const f = `${at}.contacts[${i}]`;
			const contact = obj(c, f);
			const profile = isObj(contact.profile) ? contact.profile : {};
			const info = {
				name: typeof profile.name === 'string' && profile.name ? profile.name.slice(0, 200) : null,
				username: typeof profile.username === 'string' && profile.username ? profile.username.slice(0, 100) : null,
				userId: optUserId(contact.user_id, `${f}.user_id`),
			};
			if (typeof contact.wa_id === 'string') contacts.set(contact.wa_id, info);
			if (info.userId) contacts.set(info.userId, info);
		});
	}
	arr(value.messages, `${at}.messages`).forEach((x, i) => {
		const f = `${at}.messages[${i}]`;
		const m = obj(x, f);
		const from = optDigits(m.from, `${f}.from`);
		const type = str(m.type, `${f}.type`, 40);
		let fromUserId = optUserId(m.from_user_id, `${f}.from_user_id`);
		const contact = (from ? contacts.get(from) : undefined) ?? (fromUserId ? contacts.get(fromUserId) : undefined);
		fromUserId ??= contact?.userId ?? null;
		if (type === 'system' && parseSystem(m, f, phoneNumberId, from, out)) return;
		if (!from && !fromUserId) throw bad(`${f}.from`, 'must be a phone number in digits (or from_user_id a WhatsApp user id)');
		if (type === 'text' && !(isObj(m.text) && typeof m.text.body === 'string')) throw bad(`${f}.text.body`, 'must be a string');
		out.messages.push({
			phoneNumberId,
			wamid: str(m.id, `${f}.id`),
			from,
			fromUserId,
			username: contact?.username ?? null,
			type,
			body: bodyOf(m),
			sentAt: m.timestamp === undefined ? null : unixTime(m.timestamp, `${f}.timestamp`),
			contactName: contact?.name ?? null,
			raw: m,
		});
	});
}

/**
 * System messages about the citizen's identity. `user_changed_user_id` (Meta's form of the
 * BSUID change since Aug 2026) is an identity event, not a message: true when handled here.
 * Others (user_changed_number) stay messages for the queue, as before.
 */
function parseSystem(m: Obj, f: string, phoneNumberId: string, from: string | null, out: ParsedWebhook): boolean {
	const sys = obj(m.system, `${f}.system`);
	if (sys.type !== 'user_changed_user_id') return false;
	out.userIdChanges.push({
		phoneNumberId,
		previousUserId: userId(sys.previous_user_id, `${f}.system.previous_user_id`),
		userId: userId(sys.user_id ?? m.from_user_id, `${f}.system.user_id`),
		waId: from,
		occurredAt: unixTime(m.timestamp, `${f}.timestamp`),
	});
	return true;
}

function parsePreferences(value: Obj, at: string, phoneNumberId: string, out: ParsedWebhook): void {
	arr(value.user_preferences, `${at}.user_preferences`).forEach((x, i) => {
		const f = `${at}.user_preferences[${i}]`;
		const p = obj(x, f);
		const v = str(p.value, `${f}.value`, 40);
		const waId = optDigits(p.wa_id, `${f}.wa_id`);
		const userIdOf = optUserId(p.user_id, `${f}.user_id`);
		if (!waId && !userIdOf) throw bad(`${f}.wa_id`, 'must be a phone number in digits (or user_id a WhatsApp user id)');
		const occurredAt = unixTime(p.timestamp, `${f}.timestamp`);
		if (v !== 'stop' && v !== 'resume') {
			bump(out.ignored, `preference:${v.slice(0, 40)}`);
			return;
		}
		out.preferences.push({
			phoneNumberId,
			waId,
			userId: userIdOf,
			value: v,
			category: optStr(p.category, `${f}.category`, 60),
			occurredAt,
		});
	});
}

function parseQualityUpdate(value: Obj, at: string, occurredAt: string | null, out: ParsedWebhook): void {
	const displayPhoneNumber = digits(value.display_phone_number, `${at}.display_phone_number`);
	const { event, ...limits } = limitsFromQualityUpdate(value);
	if (!limits.tier && !limits.throughputLevel) {
		// A quality-only event (FLAGGED, UNFLAGGED) without a limit we know: nothing to store.
		bump(out.ignored, `quality_update:${(event ?? 'none').slice(0, 40)}`);
		return;
	}
	out.qualityUpdates.push({ displayPhoneNumber, event: event ?? null, limits, occurredAt });
}
