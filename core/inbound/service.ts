import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { matchKeyword, type Keyword } from '../gateway/keywords';
import type { InboundMessage, PreferenceEvent } from '../gateway/payload';
import { e164FromWaId, maskPhone, phoneFromWaId } from '../phone';
import { applyRosterChange, describeCause } from '../roster/effects';
import { insertInbound, lockSubscriber, newerChoiceExists, notifyInbound } from './repository';

/**
 * Citizens' messages and Meta's user_preferences, in one transaction per webhook call:
 * - stored once by wamid (a replay changes nothing and confirms nothing twice);
 * - a whole-message STOP / START keyword opts the citizen out / back in at once, through the
 *   roster's own rules and audit, and asks for a bilingual confirmation after the commit;
 * - Meta's "Stop promotions" / resume does the same, without a confirmation (WhatsApp's own UI
 *   already told the citizen). It is stored as an inbound_messages row of type
 *   'user_preferences' with wamid 'user_preferences:<wa_id>:<unix s>:<value>', which makes it
 *   replay-safe and lets a late event be recognised as older than a newer choice;
 * - every other message is queued for the Mitan Trigger node (NOTIFY at commit).
 *
 * START from a number not on the roster is not a subscription (there is no consent record, no
 * police station): it is queued like any message, so a workflow can register the citizen.
 */
export interface RoutedMessage extends InboundMessage {
	districtId: number;
}

export interface RoutedPreference extends PreferenceEvent {
	districtId: number;
}

export interface Confirmation {
	to: string;
	keyword: Keyword;
	phoneNumberId: string;
	districtId: number;
}

export interface InboundOutcome {
	stored: number;
	replays: number;
	queued: number;
	optOuts: number;
	optIns: number;
	/** Late STOP / START / preference that an already stored newer choice overrides. */
	stale: number;
	confirmations: Confirmation[];
}

/** Types whose words can be a keyword (a quick-reply button "रोकें" counts like typing it). */
const KEYWORD_TYPES = new Set(['text', 'button', 'interactive']);

export async function handleInbound(db: Db, messages: RoutedMessage[], preferences: RoutedPreference[]): Promise<InboundOutcome> {
	const out: InboundOutcome = { stored: 0, replays: 0, queued: 0, optOuts: 0, optIns: 0, stale: 0, confirmations: [] };
	if (messages.length === 0 && preferences.length === 0) return out;
	await db.transaction(async (tx) => {
		for (const m of messages) await oneMessage(db, tx, m, out);
		for (const p of preferences) await onePreference(db, tx, p, out);
	});
	return out;
}

async function oneMessage(db: Db, tx: Queryable, m: RoutedMessage, out: InboundOutcome): Promise<void> {
	const e164 = e164FromWaId(m.from);
	const fromPhone = e164 ?? phoneFromWaId(m.from);
	const subscriber = e164 ? await lockSubscriber(tx, m.districtId, e164) : undefined;
	let keyword = KEYWORD_TYPES.has(m.type) ? matchKeyword(m.body) : null;
	if (keyword === 'start' && !subscriber) keyword = null;
	const id = await insertInbound(tx, {
		districtId: m.districtId,
		wamid: m.wamid,
		subscriberId: subscriber?.id ?? null,
		fromPhone,
		type: m.type,
		body: m.body,
		payload: { message: m.raw, contact: { name: m.contactName } },
		sentAt: m.sentAt,
		phoneNumberId: m.phoneNumberId,
		keyword,
		queueState: keyword ? 'done' : 'queued',
	});
	if (id === null) {
		out.replays++;
		return;
	}
	out.stored++;
	if (!keyword) {
		await notifyInbound(tx, id);
		out.queued++;
		return;
	}
	if (await newerChoiceExists(tx, m.districtId, fromPhone, m.sentAt, m.wamid)) {
		out.stale++;
		return;
	}
	const cause = { kind: 'keyword', keyword, citizenPhone: fromPhone, messageType: m.type } as const;
	if (subscriber && subscriber.status !== 'erased') {
		const target = { districtId: m.districtId, subscriberId: subscriber.id, phone: subscriber.phone };
		if (keyword === 'stop') {
			if (subscriber.status !== 'opted_out' && (await applyRosterChange(db, tx, target, 'opt_out', cause))) out.optOuts++;
		} else if (subscriber.status === 'opted_out' && (await applyRosterChange(db, tx, target, 'opt_in', cause))) out.optIns++;
	} else {
		// Not on the roster: nothing to change, but the request is on record and confirmed.
		const { by } = describeCause(cause);
		await audit(tx, {
			districtId: m.districtId,
			actor: by.actor,
			action: 'citizen.stop_unknown_number',
			entity: 'phone',
			entityId: maskPhone(fromPhone),
			details: { source: by.source },
		});
	}
	out.confirmations.push({ to: fromPhone, keyword, phoneNumberId: m.phoneNumberId, districtId: m.districtId });
}

async function onePreference(db: Db, tx: Queryable, p: RoutedPreference, out: InboundOutcome): Promise<void> {
	const e164 = e164FromWaId(p.waId);
	const fromPhone = e164 ?? phoneFromWaId(p.waId);
	const keyword: Keyword = p.value === 'stop' ? 'stop' : 'start';
	const wamid = `user_preferences:${p.waId}:${Math.floor(Date.parse(p.occurredAt) / 1000)}:${p.value}`;
	const subscriber = e164 ? await lockSubscriber(tx, p.districtId, e164) : undefined;
	const id = await insertInbound(tx, {
		districtId: p.districtId,
		wamid,
		subscriberId: subscriber?.id ?? null,
		fromPhone,
		type: 'user_preferences',
		body: p.value,
		payload: { category: p.category, value: p.value },
		sentAt: p.occurredAt,
		phoneNumberId: p.phoneNumberId,
		keyword,
		queueState: 'done',
	});
	if (id === null) {
		out.replays++;
		return;
	}
	out.stored++;
	if (!subscriber || subscriber.status === 'erased') return;
	if (await newerChoiceExists(tx, p.districtId, fromPhone, p.occurredAt, wamid)) {
		out.stale++;
		return;
	}
	const target = { districtId: p.districtId, subscriberId: subscriber.id, phone: subscriber.phone };
	const cause = { kind: 'preference', value: p.value, category: p.category, citizenPhone: fromPhone } as const;
	if (keyword === 'stop' && subscriber.status !== 'opted_out') {
		if (await applyRosterChange(db, tx, target, 'opt_out', cause)) out.optOuts++;
	} else if (keyword === 'start' && subscriber.status === 'opted_out') {
		if (await applyRosterChange(db, tx, target, 'opt_in', cause)) out.optIns++;
	}
}
