import { audit } from '../audit';
import { attachmentOf, insertAttachment } from '../conversation/attachments';
import { classifyMessage, COMPLAINT_KINDS } from '../conversation/classify';
import { converse, type ConversationAction } from '../conversation/service';
import type { Db, Queryable } from '../db';
import type { Keyword } from '../gateway/keywords';
import type { InboundMessage, PreferenceEvent } from '../gateway/payload';
import { MitanError } from '../errors';
import { resolveCitizen } from '../identity';
import { maskPhone, phoneFromWaId } from '../phone';
import { applyRosterChange, describeCause } from '../roster/effects';
import { isStaffNumber } from '../staff';
import { insertDeadLetter } from './dead-letters';
import { insertInbound, newerChoiceExists, notifyInbound } from './repository';
import { Repairs, safeJson, safeOptionalText, safeText } from './safe-form';

/**
 * Citizens' messages and Meta's user_preferences, each in its own transaction, so one message
 * PostgreSQL refuses cannot keep the others (a STOP among them) from being stored:
 * - text PostgreSQL cannot hold is stored in a safe form (safe-form.ts), and the delivery's bytes
 *   kept in the dead-letter table; a message still refused as data is dead-lettered instead of
 *   stored, and the delivery is acknowledged (Meta would retry it for days, failing each time);
 * - stored once by wamid (a replay changes nothing and confirms nothing twice);
 * - a whole-message STOP / START keyword opts the citizen out / back in at once, through the
 *   roster's own rules and audit, and asks for a bilingual confirmation after the commit;
 * - Meta's "Stop promotions" / resume does the same, without a confirmation (WhatsApp's own UI
 *   already told the citizen). It is stored as an inbound_messages row of type
 *   'user_preferences' with wamid 'user_preferences:<wa_id>:<unix s>:<value>', which makes it
 *   replay-safe and lets a late event be recognised as older than a newer choice;
 * - every other message is classified first (core/conversation/classify.ts): only complaints
 *   (words, or media: a voice note, a screenshot, a location) are queued for the Mitan Trigger
 *   node (NOTIFY at commit), with their media rows; reactions, thanks, staff numbers are recorded;
 *   greetings, menu and button replies, JOIN, MY DATA, DELETE MY DATA are answered by the
 *   conversation (core/conversation/service.ts) after the commit.
 *
 * START from a number not on the roster is not a subscription (there is no consent record, no
 * police station): it is the start of joining (asked to confirm the notice, like JOIN).
 */
export interface RoutedMessage extends InboundMessage {
	districtId: number;
}

export interface RoutedPreference extends PreferenceEvent {
	districtId: number;
}

export interface Confirmation {
	/** The number, or the BSUID when Meta withheld it (the request builder sends `recipient`). */
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
	/** Messages repaired or refused, kept in inbound_dead_letters. */
	deadLetters: number;
	confirmations: Confirmation[];
	/** What the conversation sends or does after the commit. */
	actions: ConversationAction[];
}

const emptyOutcome = (): InboundOutcome => ({
	stored: 0,
	replays: 0,
	queued: 0,
	optOuts: 0,
	optIns: 0,
	stale: 0,
	deadLetters: 0,
	confirmations: [],
	actions: [],
});

function merge(out: InboundOutcome, part: InboundOutcome): void {
	for (const k of ['stored', 'replays', 'queued', 'optOuts', 'optIns', 'stale', 'deadLetters'] as const) out[k] += part[k];
	out.confirmations.push(...part.confirmations);
	out.actions.push(...part.actions);
}

/**
 * An error that retrying the same bytes can never cure: PostgreSQL refused the data itself
 * (SQLSTATE class 22 data exception, class 54 program limit) or serialising it overflowed the
 * stack. Anything else (connection lost, deadlock, disk full) is transient: Meta's retry may succeed.
 */
export function isDataRefusal(e: unknown): boolean {
	if (e instanceof RangeError) return true;
	const code = (e as { code?: unknown } | null)?.code;
	return typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code);
}

/** `delivery`: the webhook body as Meta signed it, kept with any dead letter. */
export async function handleInbound(
	db: Db,
	messages: RoutedMessage[],
	preferences: RoutedPreference[],
	delivery?: Buffer,
): Promise<InboundOutcome> {
	const out = emptyOutcome();
	for (const m of messages) await isolatedMessage(db, m, delivery, out);
	for (const p of preferences) {
		const part = emptyOutcome();
		const repairs = new Repairs();
		const safe = { ...p, category: safeOptionalText(p.category, repairs) };
		await db.transaction((tx) => onePreference(db, tx, safe, part));
		merge(out, part);
	}
	return out;
}

async function isolatedMessage(db: Db, m: RoutedMessage, delivery: Buffer | undefined, out: InboundOutcome): Promise<void> {
	const repairs = new Repairs();
	const safe: RoutedMessage = {
		...m,
		wamid: safeText(m.wamid, repairs),
		from: m.from === null ? null : safeText(m.from, repairs),
		fromUserId: m.fromUserId ? safeText(m.fromUserId, repairs) : null,
		username: safeOptionalText(m.username ?? null, repairs),
		type: safeText(m.type, repairs),
		body: safeOptionalText(m.body, repairs),
		contactName: safeOptionalText(m.contactName, repairs),
		raw: safeJson(m.raw, repairs) as Record<string, unknown>,
	};
	const letter = (stored: boolean, reason: string) => ({
		districtId: m.districtId,
		wamid: safe.wamid,
		// A BSUID-only citizen's letter is filed under the BSUID (erasure finds it by either).
		fromPhone: safe.from ? phoneFromWaId(safe.from) : (safe.fromUserId ?? null),
		reason,
		stored,
		raw: delivery ?? Buffer.from(JSON.stringify(safe.raw), 'utf8'),
	});
	const part = emptyOutcome();
	try {
		await db.transaction(async (tx) => {
			await oneMessage(db, tx, safe, part);
			if (repairs.any && part.stored > 0) {
				await insertDeadLetter(tx, letter(true, `repaired: ${repairs.list().join(', ')}`));
				part.deadLetters++;
			}
		});
	} catch (e) {
		if (!isDataRefusal(e)) throw e;
		const why = safeText(`refused: ${(e as { code?: string }).code ?? (e as Error).name} ${(e as Error).message}`, new Repairs());
		await db.transaction((tx) => insertDeadLetter(tx, letter(false, why.slice(0, 300))));
		out.deadLetters++;
		return;
	}
	merge(out, part);
}

async function oneMessage(db: Db, tx: Queryable, m: RoutedMessage, out: InboundOutcome): Promise<void> {
	const fromPhone = m.from ? phoneFromWaId(m.from) : null;
	const fromUserId = m.fromUserId ?? null;
	// Who wrote, by number, BSUID or both (linking them when both come): core/identity.ts.
	const subscriber = await resolveCitizen(tx, m.districtId, { waId: m.from, userId: fromUserId, username: m.username });
	const address = (fromPhone ?? fromUserId) as string;
	const c = classifyMessage(m, fromPhone !== null && (await isStaffNumber(tx, m.districtId, fromPhone)));
	let keyword: Keyword | null = c.kind === 'stop' || c.kind === 'start' ? c.kind : c.replyId === 'menu.stop' ? 'stop' : null;
	if (keyword === 'start' && !subscriber) {
		keyword = null;
		// With a number: the start of joining (the notice, then consent). Known by a BSUID only:
		// queued as before for the registration workflow (core/identity.ts registers by BSUID).
		if (fromPhone) c.kind = 'join';
	}
	const queued = COMPLAINT_KINDS.has(c.kind) || (c.kind === 'start' && !keyword);
	const id = await insertInbound(tx, {
		districtId: m.districtId,
		wamid: m.wamid,
		subscriberId: subscriber?.id ?? null,
		fromPhone,
		fromUserId,
		type: m.type,
		body: m.body,
		payload: { message: m.raw, contact: { name: m.contactName, ...(m.username ? { username: m.username } : {}) } },
		sentAt: m.sentAt,
		phoneNumberId: m.phoneNumberId,
		keyword,
		queueState: queued ? 'queued' : 'done',
		conversationKind: c.kind,
	});
	if (id === null) {
		out.replays++;
		return;
	}
	out.stored++;
	if (queued) {
		const a = attachmentOf(m.type, m.raw);
		if (a) {
			const aid = await insertAttachment(tx, m.districtId, id, a);
			if (a.metaMediaId)
				out.actions.push({ kind: 'fetch_media', phoneNumberId: m.phoneNumberId, districtId: m.districtId, attachmentIds: [aid] });
		}
		await notifyInbound(tx, id);
		out.queued++;
		return;
	}
	if (!keyword) {
		try {
			out.actions.push(...(await converse(db, tx, m, c, address)));
		} catch (e) {
			// What the citizen sent cannot be acted on (a rule refused it before any write): the
			// message stays stored and the refusal on record; Meta must not retry it for days.
			if (!(e instanceof MitanError) || e.action !== 'fix_input') throw e;
			await audit(tx, {
				districtId: m.districtId,
				actor: 'system:gateway',
				action: 'citizen.conversation_refused',
				entity: 'phone',
				entityId: maskPhone(address),
				details: { kind: c.kind, code: e.code },
			});
		}
		return;
	}
	const who = { fromPhone, fromUserId, subscriberId: subscriber?.id ?? null };
	if (await newerChoiceExists(tx, m.districtId, who, m.sentAt, m.wamid)) {
		out.stale++;
		return;
	}
	const cause = { kind: 'keyword', keyword, citizenPhone: address, messageType: m.type } as const;
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
			entityId: maskPhone(address),
			details: { source: by.source },
		});
	}
	out.confirmations.push({ to: address, keyword, phoneNumberId: m.phoneNumberId, districtId: m.districtId });
}

async function onePreference(db: Db, tx: Queryable, p: RoutedPreference, out: InboundOutcome): Promise<void> {
	const fromPhone = p.waId ? phoneFromWaId(p.waId) : null;
	const fromUserId = p.userId ?? null;
	const keyword: Keyword = p.value === 'stop' ? 'stop' : 'start';
	const wamid = `user_preferences:${p.waId ?? fromUserId}:${Math.floor(Date.parse(p.occurredAt) / 1000)}:${p.value}`;
	const subscriber = await resolveCitizen(tx, p.districtId, { waId: p.waId, userId: fromUserId });
	const id = await insertInbound(tx, {
		districtId: p.districtId,
		wamid,
		subscriberId: subscriber?.id ?? null,
		fromPhone,
		fromUserId,
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
	if (await newerChoiceExists(tx, p.districtId, { fromPhone, fromUserId, subscriberId: subscriber.id }, p.occurredAt, wamid)) {
		out.stale++;
		return;
	}
	const target = { districtId: p.districtId, subscriberId: subscriber.id, phone: subscriber.phone };
	const cause = { kind: 'preference', value: p.value, category: p.category, citizenPhone: (fromPhone ?? fromUserId) as string } as const;
	if (keyword === 'stop' && subscriber.status !== 'opted_out') {
		if (await applyRosterChange(db, tx, target, 'opt_out', cause)) out.optOuts++;
	} else if (keyword === 'start' && subscriber.status === 'opted_out') {
		if (await applyRosterChange(db, tx, target, 'opt_in', cause)) out.optIns++;
	}
}
