import type { Queryable } from '../db';

/** All inbound_messages SQL: storing citizens' messages once, and the queue the trigger claims from. */

export const INBOUND_CHANNEL = 'mitan_inbound';

export interface InboundRow {
	districtId: number;
	wamid: string;
	subscriberId: number | null;
	/** E.164 (or a foreign wa_id with a plus); null when Meta withheld the number. */
	fromPhone: string | null;
	/** The BSUID, when Meta sent it. */
	fromUserId: string | null;
	type: string;
	body: string | null;
	payload: Record<string, unknown>;
	sentAt: string | null;
	phoneNumberId: string;
	keyword: 'stop' | 'start' | null;
	/** 'queued' for the trigger; 'done' when the gateway handled it itself (keywords, preferences). */
	queueState: 'queued' | 'done';
	/** What the conversation made of it (core/conversation/classify.ts); null for preferences. */
	conversationKind?: string | null;
}

/** Inserts once by wamid; returns the new id, or null when the wamid was already stored (a replay). */
export async function insertInbound(db: Queryable, r: InboundRow): Promise<number | null> {
	const [row] = await db.query<{ id: number }>(
		`INSERT INTO inbound_messages (district_id, wamid, subscriber_id, from_phone, type, body, payload, sent_at,
                                   queue_state, keyword, phone_number_id, handled_at, from_user_id, conversation_kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, CASE WHEN $9 = 'done' THEN now() END, $12, $13)
     ON CONFLICT (wamid) DO NOTHING
     RETURNING id`,
		[
			r.districtId,
			r.wamid,
			r.subscriberId,
			r.fromPhone,
			r.type,
			r.body,
			JSON.stringify(r.payload),
			r.sentAt,
			r.queueState,
			r.keyword,
			r.phoneNumberId,
			r.fromUserId,
			r.conversationKind ?? null,
		],
	);
	return row ? row.id : null;
}

/**
 * Whether a newer STOP / START / preference from this citizen was already stored: then this one
 * arrived late (Meta does not keep order) and must not undo the newer choice.
 */
export async function newerChoiceExists(
	db: Queryable,
	districtId: number,
	who: { fromPhone: string | null; fromUserId: string | null; subscriberId: number | null },
	sentAt: string | null,
	wamid: string,
): Promise<boolean> {
	if (!sentAt) return false;
	// The same citizen by any identifier: the number, the BSUID, or the roster row they resolve to.
	const [r] = await db.query(
		`SELECT 1 FROM inbound_messages
     WHERE district_id = $1 AND (from_phone = $2 OR from_user_id = $5 OR subscriber_id = $6)
       AND keyword IS NOT NULL AND sent_at > $3 AND wamid <> $4 LIMIT 1`,
		[districtId, who.fromPhone, sentAt, wamid, who.fromUserId, who.subscriberId],
	);
	return !!r;
}

export async function notifyInbound(db: Queryable, id: number): Promise<void> {
	// Inside the transaction: PostgreSQL delivers it at commit, so a listener never sees an uncommitted row.
	await db.query('SELECT pg_notify($1, $2)', [INBOUND_CHANNEL, String(id)]);
}
