/**
 * The SQL of the messaging tier: what Meta says about each sending number (whatsapp_numbers),
 * the day's allowance applied to a broadcast in the fair order, and coverage.
 */
import { WHATSAPP_NOT_TODAY_CODES } from '../channels/graph/errors';
import type { NumberLimits } from '../channels/whatsapp/limits';
import type { MessagingTier } from '../channels/whatsapp/rules';
import type { Queryable } from '../db';

/**
 * Deliveries that reached the citizen (or may have): WhatsApp accepted the message, or it is in
 * the air / in doubt. A refusal for the tier (131048) or the per-user cap (131049) did not
 * (WHATSAPP_NOT_TODAY_CODES, core/channels/graph/errors.ts).
 * Aliased d.
 */
export const REACHED = `(d.state IN ('in_flight', 'sent', 'delivered', 'read', 'in_doubt')
  OR (d.state = 'failed' AND d.wamid IS NOT NULL AND coalesce(d.error_code, 0) NOT IN (${WHATSAPP_NOT_TODAY_CODES.join(', ')})))`;

/** Why a delivery is not sent today: the tier's allowance is used up (state skipped). */
export const HELD_FOR_TIER = 'held_for_tier';

export interface StoredNumber extends NumberLimits {
	phoneNumberId: string;
	districtId: number;
	source: string;
	lastEvent: string | null;
	checkedAt: Date;
}

const toStored = (r: Record<string, unknown>): StoredNumber => ({
	phoneNumberId: String(r.phone_number_id),
	districtId: Number(r.district_id),
	...(r.display_phone_number ? { displayPhoneNumber: String(r.display_phone_number) } : {}),
	...(r.messaging_tier ? { tier: r.messaging_tier as MessagingTier } : {}),
	...(r.quality_rating ? { qualityRating: String(r.quality_rating) } : {}),
	...(r.throughput_level ? { throughputLevel: String(r.throughput_level) } : {}),
	...(r.throughput_per_second !== null && r.throughput_per_second !== undefined
		? { throughputPerSecond: Number(r.throughput_per_second) }
		: {}),
	source: String(r.source),
	lastEvent: (r.last_event as string | null) ?? null,
	checkedAt: r.checked_at as Date,
});

const COLS = `phone_number_id, district_id, display_phone_number, messaging_tier, quality_rating, throughput_level,
  throughput_per_second, source, last_event, checked_at`;

/** What the Graph API answered before a broadcast: replaces what was known (a field Meta left out keeps its value). */
export async function saveNumberLimits(
	db: Queryable,
	n: { phoneNumberId: string; districtId: number; limits: NumberLimits },
): Promise<StoredNumber> {
	const l = n.limits;
	const [r] = await db.query(
		`INSERT INTO whatsapp_numbers (phone_number_id, district_id, display_phone_number, messaging_tier, quality_rating,
       throughput_level, throughput_per_second, source, checked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'graph', now())
     ON CONFLICT (phone_number_id) DO UPDATE SET
       display_phone_number = coalesce(EXCLUDED.display_phone_number, whatsapp_numbers.display_phone_number),
       messaging_tier = coalesce(EXCLUDED.messaging_tier, whatsapp_numbers.messaging_tier),
       quality_rating = coalesce(EXCLUDED.quality_rating, whatsapp_numbers.quality_rating),
       throughput_level = coalesce(EXCLUDED.throughput_level, whatsapp_numbers.throughput_level),
       throughput_per_second = coalesce(EXCLUDED.throughput_per_second, whatsapp_numbers.throughput_per_second),
       source = 'graph', checked_at = now()
     RETURNING ${COLS}`,
		[
			n.phoneNumberId,
			n.districtId,
			l.displayPhoneNumber ?? null,
			l.tier ?? null,
			l.qualityRating ?? null,
			l.throughputLevel ?? null,
			l.throughputPerSecond ?? null,
		],
	);
	return toStored(r);
}

/**
 * A phone_number_quality_update names the number by its display digits only. The tier belongs to
 * the portfolio, so it goes to every number of the district that shares it; throughput to that
 * number only. Returns the numbers updated (none when the number was never read before a broadcast).
 */
/**
 * Applies one phone_number_quality_update: once (a repeat of the same event is recorded and
 * skipped) and never over a newer event (Meta delivers at least once and out of order).
 */
export async function applyQualityUpdate(
	db: Queryable,
	display: string,
	limits: NumberLimits,
	event: string | null,
	occurredAt: string | null = null,
): Promise<number> {
	const rows = await db.query(
		`WITH fresh AS (
       INSERT INTO whatsapp_quality_events (display_phone_number, occurred_at, event, tier, throughput_level)
       VALUES ($1, coalesce($6::timestamptz, now()), coalesce($5, ''), coalesce($2, ''), coalesce($3, ''))
       ON CONFLICT DO NOTHING RETURNING occurred_at),
     hit AS (SELECT phone_number_id, district_id FROM whatsapp_numbers WHERE display_phone_number = $1)
     UPDATE whatsapp_numbers w SET
       messaging_tier = coalesce($2, w.messaging_tier),
       throughput_level = CASE WHEN w.phone_number_id IN (SELECT phone_number_id FROM hit) THEN coalesce($3, w.throughput_level) ELSE w.throughput_level END,
       throughput_per_second = CASE WHEN w.phone_number_id IN (SELECT phone_number_id FROM hit)
                                    THEN coalesce($4, w.throughput_per_second) ELSE w.throughput_per_second END,
       source = 'webhook', last_event = $5, checked_at = now(), event_at = (SELECT occurred_at FROM fresh)
     WHERE EXISTS (SELECT 1 FROM fresh)
       AND (w.event_at IS NULL OR w.event_at <= (SELECT occurred_at FROM fresh))
       AND (w.phone_number_id IN (SELECT phone_number_id FROM hit)
            OR ($2::text IS NOT NULL AND w.district_id IN (SELECT district_id FROM hit)))
     RETURNING w.phone_number_id`,
		[display, limits.tier ?? null, limits.throughputLevel ?? null, limits.throughputPerSecond ?? null, event, occurredAt],
	);
	return rows.length;
}

export async function findNumber(db: Queryable, phoneNumberId: string): Promise<StoredNumber | undefined> {
	const [r] = await db.query(`SELECT ${COLS} FROM whatsapp_numbers WHERE phone_number_id = $1`, [phoneNumberId]);
	return r ? toStored(r) : undefined;
}

export async function listNumbers(db: Queryable, districtId: number): Promise<StoredNumber[]> {
	const rows = await db.query(`SELECT ${COLS} FROM whatsapp_numbers WHERE district_id = $1 ORDER BY phone_number_id`, [districtId]);
	return rows.map(toStored);
}

/** Sets the broadcast's pace to what Meta says the number allows (the operator's 80 / 1,000 was a guess). */
export async function setBroadcastRate(db: Queryable, broadcastId: number, perSecond: number): Promise<void> {
	await db.query(`UPDATE broadcasts SET rate_limit_per_second = $2, updated_at = now() WHERE id = $1`, [broadcastId, perSecond]);
}

export interface TierApplied {
	/** Distinct citizens already reached on the broadcast's day by any broadcast of the district. */
	used: number;
	/** Rows that may still be sent today. */
	allowance: number;
	/** Rows now held back for the tier (this call and before). */
	held: number;
}

/**
 * Keeps at most `limit - used` rows of the broadcast sendable, in its fair order (fair_rank, id),
 * and holds the rest (state skipped, class held_for_tier). Rerun on every start and resume, it
 * is idempotent, and a raised tier gives held rows back. The day is the broadcast's date in the
 * district's calendar, the day Meta's rolling 24 hours cover for a loop that runs at a fixed hour.
 */
export async function applyTierAllowance(db: Queryable, broadcastId: number, limit: number): Promise<TierApplied> {
	const [r] = await db.query<{ used: number; allowance: number; held: number }>(
		`WITH b AS (SELECT id, district_id, broadcast_date FROM broadcasts WHERE id = $1),
     used AS (
       SELECT count(DISTINCT d.subscriber_id)::int AS n
       FROM b JOIN broadcasts b2 ON b2.district_id = b.district_id AND b2.broadcast_date = b.broadcast_date
       JOIN deliveries d ON d.broadcast_id = b2.id
       WHERE ${REACHED}),
     allow AS (SELECT greatest(0, $2::bigint - (SELECT n FROM used)) AS n),
     ranked AS (
       SELECT d.id, d.state, row_number() OVER (ORDER BY d.fair_rank, d.id) AS k
       FROM deliveries d
       WHERE d.broadcast_id = $1 AND (d.state = 'pending' OR (d.state = 'skipped' AND d.error_class = '${HELD_FOR_TIER}'))),
     hold AS (
       UPDATE deliveries d SET state = 'skipped', error_class = '${HELD_FOR_TIER}', claimed_by = NULL
       FROM ranked r WHERE d.id = r.id AND r.state = 'pending' AND d.state = 'pending' AND r.k > (SELECT n FROM allow)
       RETURNING d.id),
     back AS (
       UPDATE deliveries d SET state = 'pending', error_class = NULL, next_attempt_at = NULL
       FROM ranked r WHERE d.id = r.id AND r.state = 'skipped' AND d.state = 'skipped' AND r.k <= (SELECT n FROM allow)
       RETURNING d.id)
     SELECT (SELECT n FROM used) AS used, (SELECT least(n, 2147483647) FROM allow)::int AS allowance,
            ((SELECT count(*) FROM ranked WHERE state = 'skipped') + (SELECT count(*) FROM hold) - (SELECT count(*) FROM back))::int AS held`,
		[broadcastId, Number.isFinite(limit) ? limit : 2_147_483_647],
	);
	return { used: Number(r.used), allowance: Number(r.allowance), held: Number(r.held) };
}

export interface Coverage {
	/** Active citizens of the district with a phone or a BSUID (both can be sent to). */
	roster: number;
	reachedLast7Days: number;
	/** reachedLast7Days / roster (0 for an empty roster), 4 decimals. */
	share: number;
}

/** Coverage: the share of the roster reached in the last 7 days (what the tier's turns achieve). */
export async function coverage(db: Queryable, districtId: number): Promise<Coverage> {
	const [r] = await db.query<{ roster: number; reached: number }>(
		// "With a phone or a BSUID" is every active citizen (CHECK subscribers_identity: only an erased
		// row has neither), so the predicate is status alone and the partial index subscribers_last_reached
		// answers it from the index: at 50,000 citizens a district, 2 ms instead of 430 ms of heap reads.
		`SELECT count(*)::int AS roster, count(*) FILTER (WHERE last_reached_at > now() - interval '7 days')::int AS reached
     FROM subscribers WHERE district_id = $1 AND status = 'active'`,
		[districtId],
	);
	const roster = Number(r.roster);
	const reached = Number(r.reached);
	return { roster, reachedLast7Days: reached, share: roster === 0 ? 0 : Math.round((reached / roster) * 10_000) / 10_000 };
}
