import type { Queryable } from '../db';
import { maskPhone } from '../phone';

/**
 * The dead-letter table: the exact bytes of a webhook delivery holding a message that PostgreSQL
 * could not take as sent (repaired and stored, or refused). Staff read it through GET /api/dead-letters.
 */
export interface DeadLetterRow {
	districtId: number;
	wamid: string;
	fromPhone: string | null;
	reason: string;
	stored: boolean;
	raw: Buffer;
}

export async function insertDeadLetter(db: Queryable, r: DeadLetterRow): Promise<void> {
	await db.query(
		`INSERT INTO inbound_dead_letters (district_id, wamid, from_phone, reason, stored, raw_base64)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (wamid) DO NOTHING`,
		[r.districtId, r.wamid, r.fromPhone, r.reason, r.stored, r.raw.toString('base64')],
	);
}

export interface DeadLetter {
	id: number;
	districtId: number;
	wamid: string;
	/** Masked: the list is for seeing what went wrong, not for contacting the citizen. */
	from: string | null;
	reason: string;
	stored: boolean;
	receivedAt: string;
	rawBase64: string;
}

export const DEAD_LETTER_PAGE = 50;

/** The count and the newest DEAD_LETTER_PAGE dead letters of a district (null: every district). */
export async function listDeadLetters(db: Queryable, districtId: number | null): Promise<{ count: number; items: DeadLetter[] }> {
	const [c] = await db.query<{ n: number }>(
		'SELECT count(*)::int AS n FROM inbound_dead_letters WHERE $1::int IS NULL OR district_id = $1',
		[districtId],
	);
	const rows = await db.query<{
		id: number;
		district_id: number;
		wamid: string;
		from_phone: string | null;
		reason: string;
		stored: boolean;
		received_at: Date;
		raw_base64: string;
	}>(
		`SELECT id, district_id, wamid, from_phone, reason, stored, received_at, raw_base64 FROM inbound_dead_letters
     WHERE $1::int IS NULL OR district_id = $1 ORDER BY id DESC LIMIT ${DEAD_LETTER_PAGE}`,
		[districtId],
	);
	return {
		count: c.n,
		items: rows.map((r) => ({
			id: Number(r.id),
			districtId: r.district_id,
			wamid: r.wamid,
			from: r.from_phone ? maskPhone(r.from_phone) : null,
			reason: r.reason,
			stored: r.stored,
			receivedAt: new Date(r.received_at).toISOString(),
			rawBase64: r.raw_base64,
		})),
	};
}

/**
 * DPDP erasure: every dead letter from the number, and every one whose bytes name it (a delivery
 * carries other citizens' messages and wa_ids too), is deleted: raw bytes cannot be anonymised in place.
 */
export async function eraseDeadLettersOf(db: Queryable, e164: string): Promise<number> {
	const rows = await db.query(
		`DELETE FROM inbound_dead_letters
     WHERE from_phone = $1 OR position(convert_to($2, 'UTF8') IN decode(raw_base64, 'base64')) > 0 RETURNING id`,
		[e164, e164.replace(/^\+/, '')],
	);
	return rows.length;
}

/** DPDP erasure by a WhatsApp user id (BSUID): every dead letter whose bytes name it is deleted. */
export async function eraseDeadLettersNaming(db: Queryable, userId: string): Promise<number> {
	const rows = await db.query(
		`DELETE FROM inbound_dead_letters WHERE position(convert_to($1, 'UTF8') IN decode(raw_base64, 'base64')) > 0 RETURNING id`,
		[userId],
	);
	return rows.length;
}

/**
 * Retention: at most `limit` dead letters received before `cutoff` are deleted, for the same
 * reason as on erasure (a delivery's bytes hold every message and wa_id it carried).
 */
export async function deleteDeadLettersBefore(db: Queryable, cutoff: Date, limit: number): Promise<number> {
	const rows = await db.query(
		`DELETE FROM inbound_dead_letters WHERE id IN (SELECT id FROM inbound_dead_letters WHERE received_at < $1 LIMIT ${Number(limit)}) RETURNING id`,
		[cutoff],
	);
	return rows.length;
}
