/**
 * The creation snapshot's SQL: who a new broadcast is for, and which of its languages have no
 * template. The one-message-a-day rule is the store's (migration 115), not a check here.
 */
import type { Queryable } from '../db';
import { SENDABLE } from './repository';

/**
 * The snapshot, in one statement: every eligible citizen of the segment (active, with a recorded
 * consent, a phone) who has no delivery of the same content and day in another live broadcast
 * (overlapping segments never message a citizen twice), ranked in the fair order: the citizen not
 * reached for longest first (the tier lets only the first ones through, tier-repository.ts).
 * A citizen who already holds the day's awareness message (the store's unique index, migration
 * 115) is left out by ON CONFLICT and counted in `day_taken`.
 */
export async function snapshotRecipients(db: Queryable, broadcastId: number, where: string, params: unknown[]): Promise<number> {
	const n = params.length;
	const rows = await db.query<{ n: number; taken: number }>(
		`WITH b AS (SELECT id, content_key, channel, broadcast_date FROM broadcasts WHERE id = $${n + 1}),
     cand AS (
       SELECT b.id AS broadcast_id, s.id AS subscriber_id, s.language, s.police_station,
              row_number() OVER (ORDER BY s.last_reached_at ASC NULLS FIRST, s.id) AS fair_rank
       FROM subscribers s, b
       WHERE ${where} AND ${SENDABLE} AND s.consent_source IS NOT NULL
         AND NOT EXISTS (
           SELECT 1 FROM deliveries d2 JOIN broadcasts b2 ON b2.id = d2.broadcast_id
           WHERE d2.subscriber_id = s.id AND b2.id <> b.id AND b2.content_key = b.content_key
             AND b2.channel = b.channel AND b2.broadcast_date = b.broadcast_date AND b2.status <> 'cancelled')),
     ins AS (
       INSERT INTO deliveries (broadcast_id, subscriber_id, language, police_station, fair_rank)
       SELECT broadcast_id, subscriber_id, language, police_station, fair_rank FROM cand
       ORDER BY subscriber_id
       ON CONFLICT DO NOTHING
       RETURNING 1)
     SELECT (SELECT count(*) FROM ins)::int AS n, ((SELECT count(*) FROM cand) - (SELECT count(*) FROM ins))::int AS taken`,
		[...params, broadcastId],
	);
	const count = Number(rows[0].n);
	await db.query(`UPDATE broadcasts SET targeted = $2, day_taken = $3, updated_at = now() WHERE id = $1`, [
		broadcastId,
		count,
		Number(rows[0].taken),
	]);
	return count;
}

export async function languagesWithout(
	db: Queryable,
	broadcastId: number,
	languages: string[],
): Promise<{ language: string; count: number }[]> {
	const rows = await db.query<{ language: string; n: number }>(
		`SELECT language, count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND NOT (language = ANY($2::text[])) GROUP BY 1 ORDER BY 1`,
		[broadcastId, languages],
	);
	return rows.map((r) => ({ language: r.language, count: Number(r.n) }));
}
