import type { Queryable } from '../db';

/** All inbound_messages SQL: storing citizens' messages once, and the queue the trigger claims from. */

export const INBOUND_CHANNEL = 'mitan_inbound';

export interface SubscriberLock {
	id: number;
	status: string;
	phone: string | null;
}

/** The subscriber a message is from, locked so two STOP / START for one citizen apply in turn. */
export async function lockSubscriber(db: Queryable, districtId: number, phone: string): Promise<SubscriberLock | undefined> {
	const [s] = await db.query<SubscriberLock & Record<string, unknown>>(
		'SELECT id, status, phone FROM subscribers WHERE district_id = $1 AND phone = $2 FOR UPDATE',
		[districtId, phone],
	);
	return s;
}

export interface InboundRow {
	districtId: number;
	wamid: string;
	subscriberId: number | null;
	fromPhone: string;
	type: string;
	body: string | null;
	payload: Record<string, unknown>;
	sentAt: string | null;
	phoneNumberId: string;
	keyword: 'stop' | 'start' | null;
	/** 'queued' for the trigger; 'done' when the gateway handled it itself (keywords, preferences). */
	queueState: 'queued' | 'done';
}

/** Inserts once by wamid; returns the new id, or null when the wamid was already stored (a replay). */
export async function insertInbound(db: Queryable, r: InboundRow): Promise<number | null> {
	const [row] = await db.query<{ id: number }>(
		`INSERT INTO inbound_messages (district_id, wamid, subscriber_id, from_phone, type, body, payload, sent_at,
                                   queue_state, keyword, phone_number_id, handled_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, CASE WHEN $9 = 'done' THEN now() END)
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
	fromPhone: string,
	sentAt: string | null,
	wamid: string,
): Promise<boolean> {
	if (!sentAt) return false;
	const [r] = await db.query(
		`SELECT 1 FROM inbound_messages
     WHERE district_id = $1 AND from_phone = $2 AND keyword IS NOT NULL AND sent_at > $3 AND wamid <> $4 LIMIT 1`,
		[districtId, fromPhone, sentAt, wamid],
	);
	return !!r;
}

export async function notifyInbound(db: Queryable, id: number): Promise<void> {
	// Inside the transaction: PostgreSQL delivers it at commit, so a listener never sees an uncommitted row.
	await db.query('SELECT pg_notify($1, $2)', [INBOUND_CHANNEL, String(id)]);
}
