/**
 * Every SQL statement of the broadcast: creation snapshot, claiming, marking in flight,
 * recording outcomes, completion and progress. Bulk writes pass one JSON parameter.
 */
import { sendAddress } from '../identity';
import type { Queryable, Row } from '../db';
import type { Broadcast, BroadcastProgress, BroadcastSegment, BroadcastStatus, BroadcastTemplates, EmergencyOverride } from './types';
import { MitanError } from '../errors';
import { WHATSAPP_NOT_TODAY_CODES } from '../channels/graph/errors';
import { coverage, HELD_FOR_TIER } from './tier-repository';

const COLS = `id, district_id, content_id, content_key, channel, broadcast_date::text AS broadcast_date, segment_key, segment, templates,
  status, stop_code, stop_reason, targeted, phone_number_id, rate_limit_per_second, pacing_factor, max_attempts,
  override_by, override_reason, day_taken, created_at, started_at, finished_at`;

export function toBroadcast(r: Row): Broadcast {
	return {
		id: Number(r.id),
		districtId: Number(r.district_id),
		contentId: r.content_id === null ? null : Number(r.content_id),
		contentKey: String(r.content_key),
		channel: String(r.channel),
		date: String(r.broadcast_date),
		segmentKey: String(r.segment_key),
		segment: r.segment as BroadcastSegment,
		templates: r.templates as BroadcastTemplates,
		status: r.status as BroadcastStatus,
		stopCode: (r.stop_code as string | null) ?? null,
		stopReason: (r.stop_reason as string | null) ?? null,
		targeted: Number(r.targeted),
		phoneNumberId: (r.phone_number_id as string | null) ?? null,
		rateLimitPerSecond: Number(r.rate_limit_per_second),
		pacingFactor: Number(r.pacing_factor),
		maxAttempts: Number(r.max_attempts),
		override: r.override_by ? { by: String(r.override_by), reason: String(r.override_reason) } : null,
		dayTaken: Number(r.day_taken ?? 0),
		createdAt: r.created_at as Date,
		startedAt: (r.started_at as Date | null) ?? null,
		finishedAt: (r.finished_at as Date | null) ?? null,
	};
}

/**
 * Who may be sent a broadcast message now (subscribers aliased s): an active citizen with a
 * number or a BSUID (sent with `recipient`, core/identity.ts sendAddress). Checked at the snapshot and again just before each group leaves (a STOP since wins).
 */
export const SENDABLE = `s.status = 'active' AND (s.phone IS NOT NULL OR s.wa_user_id IS NOT NULL)`;

export async function findBroadcast(db: Queryable, id: number): Promise<Broadcast | undefined> {
	const [r] = await db.query(`SELECT ${COLS} FROM broadcasts WHERE id = $1`, [id]);
	return r ? toBroadcast(r) : undefined;
}

export interface InsertBroadcast {
	districtId: number;
	contentId: number | null;
	contentKey: string;
	date: string;
	segmentKey: string;
	segment: BroadcastSegment;
	templates: BroadcastTemplates;
	phoneNumberId: string | null;
	rateLimitPerSecond: number;
	pacingFactor: number;
	maxAttempts: number;
	createdBy: string | null;
	override: EmergencyOverride | null;
}

/** Inserts the broadcast unless its key exists; returns the new id, or undefined. */
export async function insertBroadcast(db: Queryable, b: InsertBroadcast): Promise<number | undefined> {
	const [r] = await db.query<{ id: number }>(
		`INSERT INTO broadcasts (district_id, content_id, content_key, channel, broadcast_date, segment_key, segment, templates,
       phone_number_id, rate_limit_per_second, pacing_factor, max_attempts, created_by, override_by, override_reason)
     VALUES ($1, $2, $3, 'whatsapp', $4::date, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (district_id, content_key, channel, broadcast_date, segment_key) DO NOTHING
     RETURNING id`,
		[
			b.districtId,
			b.contentId,
			b.contentKey,
			b.date,
			b.segmentKey,
			JSON.stringify(b.segment),
			JSON.stringify(b.templates),
			b.phoneNumberId,
			b.rateLimitPerSecond,
			b.pacingFactor,
			b.maxAttempts,
			b.createdBy,
			b.override?.by ?? null,
			b.override?.reason ?? null,
		],
	);
	return r ? Number(r.id) : undefined;
}

export type BroadcastKey = { districtId: number; contentKey: string; date: string; segmentKey: string }; // per district: migration 136
export async function findByKey(db: Queryable, k: BroadcastKey): Promise<Broadcast | undefined> {
	const [r] = await db.query(
		`SELECT ${COLS} FROM broadcasts WHERE district_id = $4 AND content_key = $1 AND channel = 'whatsapp' AND broadcast_date = $2::date AND segment_key = $3`,
		[k.contentKey, k.date, k.segmentKey, k.districtId],
	);
	return r ? toBroadcast(r) : undefined;
}

/** Moves a broadcast between statuses; returns the row when the transition applied. */
export async function transition(
	db: Queryable,
	id: number,
	from: BroadcastStatus[],
	to: BroadcastStatus,
	extra: { stopCode?: string | null; stopReason?: string | null } = {},
): Promise<Broadcast | undefined> {
	const [r] = await db.query(
		`UPDATE broadcasts SET status = $3,
       stop_code = $4, stop_reason = $5,
       started_at = CASE WHEN $3 = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
       finished_at = CASE WHEN $3 IN ('completed', 'cancelled') THEN now() ELSE NULL END,
       updated_at = now()
     WHERE id = $1 AND status = ANY($2::text[])
     RETURNING ${COLS}`,
		[id, from, to, extra.stopCode ?? null, extra.stopReason ?? null],
	);
	return r ? toBroadcast(r) : undefined;
}

/** Completes a running broadcast once nothing is pending or in flight. */
export async function completeIfDone(db: Queryable, id: number): Promise<boolean> {
	const rows = await db.query(
		`UPDATE broadcasts SET status = 'completed', finished_at = now(), updated_at = now(), stop_code = NULL, stop_reason = NULL
     WHERE id = $1 AND status = 'running'
       AND NOT EXISTS (SELECT 1 FROM deliveries WHERE broadcast_id = $1 AND state IN ('pending', 'in_flight'))
     RETURNING id`,
		[id],
	);
	return rows.length > 0;
}

export interface ClaimedRow {
	id: number;
	subscriberId: number;
	language: string;
	phone: string;
	/** Where the message goes: the number, else the BSUID (the request builder picks `to` / `recipient`). */
	address: string;
	/** Place in the fair order (the citizen not reached for longest first). */
	rank: number;
}

/** Claims up to `limit` due pending rows, in the fair order for one worker; SKIP LOCKED lets workers share a broadcast. */
export async function claim(db: Queryable, broadcastId: number, workerId: string, limit: number): Promise<ClaimedRow[]> {
	const rows = await db.query(
		`WITH c AS (
       SELECT id FROM deliveries
       WHERE broadcast_id = $1 AND state = 'pending' AND claimed_by IS NULL
         AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       ORDER BY fair_rank, id LIMIT $3
       FOR UPDATE SKIP LOCKED)
     UPDATE deliveries d SET claimed_by = $2, claimed_at = now()
     FROM c, subscribers s
     WHERE d.id = c.id AND s.id = d.subscriber_id
     RETURNING d.id, d.subscriber_id, d.language, coalesce(s.phone, '') AS phone, s.wa_user_id, d.fair_rank`,
		[broadcastId, workerId, limit],
	);
	return rows
		.map((r) => ({
			id: Number(r.id),
			subscriberId: Number(r.subscriber_id),
			language: String(r.language),
			phone: String(r.phone),
			address: sendAddress({ phone: r.phone as string, waUserId: r.wa_user_id as string | null }) ?? '',
			rank: Number(r.fair_rank),
		}))
		.sort((a, b) => a.rank - b.rank || a.id - b.id);
}

export interface MarkResult {
	/** Rows now in flight: id → attempt number. */
	sending: Map<number, number>;
	/** Rows skipped because the citizen is no longer active (STOP mid-broadcast, erased, invalid). */
	skipped: number[];
}

/**
 * The last step before the requests leave, in one statement: re-checks each citizen's status
 * (a STOP that landed since the claim wins) and marks the rest in flight.
 */
export async function markInFlight(db: Queryable, ids: number[], workerId: string): Promise<MarkResult> {
	const [r] = await db.query<{ skipped: number[] | null; sending: [number, number][] | null }>(
		`WITH sk AS (
       UPDATE deliveries d SET state = 'skipped', error_class = 'not_active', claimed_by = NULL
       FROM subscribers s
       WHERE d.id = ANY($1::bigint[]) AND d.state = 'pending' AND d.claimed_by = $2 AND s.id = d.subscriber_id
         AND NOT (${SENDABLE})
       RETURNING d.id),
     m AS (
       UPDATE deliveries d SET state = 'in_flight', attempts = d.attempts + 1, sending_at = clock_timestamp()
       FROM subscribers s
       WHERE d.id = ANY($1::bigint[]) AND d.state = 'pending' AND d.claimed_by = $2 AND s.id = d.subscriber_id
         AND ${SENDABLE}
       RETURNING d.id, d.attempts)
     SELECT (SELECT json_agg(id) FROM sk) AS skipped, (SELECT json_agg(json_build_array(id, attempts)) FROM m) AS sending`,
		[ids, workerId],
	);
	const sending = new Map<number, number>();
	for (const [id, attempts] of r?.sending ?? []) sending.set(Number(id), Number(attempts));
	return { sending, skipped: (r?.skipped ?? []).map(Number) };
}

export interface Reservation {
	/** First reserved slot, relative to the database clock at the end of the statement (ms, may be negative). */
	firstSlotInMs: number;
	/** Gap between two slots (ms). */
	intervalMs: number;
}

/** Reserves n consecutive send slots on the shared pacing row (see pacing.ts). */
export async function reserveSlots(db: Queryable, bucketKey: string, n: number): Promise<Reservation> {
	const [r] = await db.query<{ first_ms: number; interval_ms: number }>(
		`WITH r AS (
       UPDATE send_rate_limits
       SET next_free_at = greatest(next_free_at, clock_timestamp() - burst_seconds * interval '1 second')
                          + ($2::float8 / rate_per_second) * interval '1 second',
           updated_at = clock_timestamp()
       WHERE key = $1
       RETURNING next_free_at, rate_per_second)
     SELECT (extract(epoch FROM (next_free_at - clock_timestamp())) * 1000 - $2::float8 * 1000.0 / rate_per_second)::float8 AS first_ms,
            (1000.0 / rate_per_second)::float8 AS interval_ms
     FROM r`,
		[bucketKey, n],
	);
	if (!r) throw new MitanError('PACING_ROW_MISSING', `pacing row "${bucketKey}" is missing`);
	return { firstSlotInMs: Number(r.first_ms), intervalMs: Number(r.interval_ms) };
}

export interface OutcomeRow {
	id: number;
	state: 'sent' | 'failed' | 'in_doubt' | 'pending';
	wamid?: string | null;
	error_code?: number | null;
	error_class?: string | null;
	/** Added to attempts (−1 gives back an attempt that a campaign stop interrupted). */
	attempts_delta?: number;
	next_attempt_at?: string | null;
	/** When the answer came (ISO). */
	at: string;
}

/**
 * Records outcomes in one statement; only rows still in flight for this worker change. A message
 * WhatsApp accepted moves its citizen to the back of the fair order (last_reached_at).
 */
export async function recordOutcomes(db: Queryable, workerId: string, rows: OutcomeRow[]): Promise<number> {
	if (rows.length === 0) return 0;
	const out = await db.query(
		`WITH u AS (UPDATE deliveries d SET
       state = r.state,
       wamid = coalesce(r.wamid, d.wamid),
       error_code = r.error_code,
       error_class = r.error_class,
       attempts = greatest(0, d.attempts + coalesce(r.attempts_delta, 0)),
       next_attempt_at = r.next_attempt_at,
       sent_at = CASE WHEN r.state = 'sent' THEN r.at ELSE d.sent_at END,
       failed_at = CASE WHEN r.state = 'failed' THEN r.at ELSE d.failed_at END,
       claimed_by = CASE WHEN r.state = 'pending' THEN NULL ELSE d.claimed_by END
     FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, state text, wamid text, error_code integer, error_class text,
                                             attempts_delta integer, next_attempt_at timestamptz, at timestamptz)
     WHERE d.id = r.id AND d.state = 'in_flight' AND d.claimed_by = $2
     RETURNING d.id, d.subscriber_id, d.state, d.sent_at),
     reached AS (
       UPDATE subscribers s SET last_reached_at = u.sent_at
       FROM u WHERE u.state = 'sent' AND s.id = u.subscriber_id AND (s.last_reached_at IS NULL OR s.last_reached_at < u.sent_at)
       RETURNING 1)
     SELECT (SELECT count(*) FROM u)::int AS n, (SELECT count(*) FROM reached)::int AS reached`,
		[JSON.stringify(rows), workerId],
	);
	return Number(out[0].n);
}

/** Gives back claimed rows that were never sent (pause, stop, shutdown). */
export async function releaseClaims(db: Queryable, workerId: string, ids?: number[]): Promise<number> {
	const rows = await db.query(
		`UPDATE deliveries SET claimed_by = NULL, claimed_at = NULL
     WHERE claimed_by = $1 AND state = 'pending' ${ids ? 'AND id = ANY($2::bigint[])' : ''} RETURNING id`,
		ids ? [workerId, ids] : [workerId],
	);
	return rows.length;
}

export interface WorkLeft {
	pending: number;
	inFlight: number;
	/** ms until the earliest scheduled retry is due (0 if one is due now); null when none. */
	nextDueInMs: number | null;
	claimable: number;
}

export async function workLeft(db: Queryable, broadcastId: number): Promise<WorkLeft> {
	const [r] = await db.query<{ pending: number; in_flight: number; claimable: number; next_ms: number | null }>(
		`SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
            count(*) FILTER (WHERE state = 'in_flight')::int AS in_flight,
            count(*) FILTER (WHERE state = 'pending' AND claimed_by IS NULL)::int AS claimable,
            (extract(epoch FROM (min(next_attempt_at) FILTER (WHERE state = 'pending' AND claimed_by IS NULL) - now())) * 1000)::float8 AS next_ms
     FROM deliveries WHERE broadcast_id = $1 AND state IN ('pending', 'in_flight')`,
		[broadcastId],
	);
	return {
		pending: Number(r.pending),
		inFlight: Number(r.in_flight),
		claimable: Number(r.claimable),
		nextDueInMs: r.next_ms === null ? null : Math.max(0, Number(r.next_ms)),
	};
}

export async function progress(db: Queryable, b: Broadcast): Promise<BroadcastProgress> {
	const rows = await db.query<{ state: string; error_class: string | null; not_today: number | null; n: number }>(
		`SELECT state, error_class, CASE WHEN error_code IN (${WHATSAPP_NOT_TODAY_CODES.join(', ')}) THEN error_code END AS not_today, count(*)::int AS n
     FROM deliveries WHERE broadcast_id = $1 GROUP BY 1, 2, 3`,
		[b.id],
	);
	const [rate] = await db.query<{ n: number; workers: number }>(
		`SELECT (SELECT count(*)::int FROM deliveries WHERE broadcast_id = $1 AND sent_at > now() - interval '10 seconds') AS n,
            (SELECT count(*)::int FROM broadcast_workers WHERE broadcast_id = $1 AND stopped_at IS NULL) AS workers`,
		[b.id],
	);
	const by: Record<string, number> = {};
	const failedByClass: Record<string, number> = {};
	const apart = { heldForTier: 0, tierRefused: 0, marketingCapped: 0 };
	for (const r of rows) {
		by[r.state] = (by[r.state] ?? 0) + Number(r.n);
		if (r.state === 'skipped' && r.error_class === HELD_FOR_TIER) apart.heldForTier += Number(r.n);
		if (Number(r.not_today) === 131048) apart.tierRefused += Number(r.n);
		if (Number(r.not_today) === 131049) apart.marketingCapped += Number(r.n);
		if (r.state === 'failed') failedByClass[r.error_class ?? 'unknown'] = (failedByClass[r.error_class ?? 'unknown'] ?? 0) + Number(r.n);
	}
	const pending = by.pending ?? 0;
	const inFlight = by.in_flight ?? 0;
	const remaining = pending + inFlight;
	const currentRate = Math.round((Number(rate.n) / 10) * 10) / 10;
	const pace = currentRate > 0 ? currentRate : b.rateLimitPerSecond * b.pacingFactor;
	return {
		broadcastId: b.id,
		status: b.status,
		stopCode: b.stopCode,
		stopReason: b.stopReason,
		targeted: b.targeted,
		override: b.override,
		dayTaken: b.dayTaken,
		pending,
		inFlight,
		sent: (by.sent ?? 0) + (by.delivered ?? 0) + (by.read ?? 0),
		delivered: (by.delivered ?? 0) + (by.read ?? 0),
		read: by.read ?? 0,
		failed: by.failed ?? 0,
		failedByClass,
		inDoubt: by.in_doubt ?? 0,
		skipped: by.skipped ?? 0,
		...apart,
		coverage: await coverage(db, b.districtId),
		remaining,
		currentRate,
		etaSeconds: remaining === 0 ? null : Math.ceil(remaining / pace),
		liveWorkers: Number(rate.workers),
	};
}
