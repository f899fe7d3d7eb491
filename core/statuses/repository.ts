import { ROSTER_EFFECT_CODES, WHATSAPP_ERROR_ACTIONS, whatsappAction } from '../channels/whatsapp/errors';
import { WHATSAPP_NOT_TODAY_CODES } from '../channels/graph/errors';
import type { Queryable } from '../db';
import type { StatusRow } from './rows';

/**
 * All status SQL. One statement per batch: insert the new (wamid, status) rows, move the linked
 * deliveries forward, and report the failures that change a subscriber. One round trip keeps a
 * 3,000 webhooks/s gateway at a few transactions per batch. The rollup days these rows touch are
 * marked dirty by the tables' own triggers (migrations 050 and 065), not here.
 */

/** A failure whose code changes the roster (ROSTER_EFFECT_CODES: not on WhatsApp, stopped marketing). */
export interface DropSignal {
	code: number;
	recipient: string | null;
	district_id: number;
	subscriber_id: number | null;
}

export interface BatchOutcome {
	/** status_events rows inserted (or an inferred delivered replaced by the real one). */
	written: number;
	deliveries: number;
	/** Written rows with no delivery (yet): a broadcast's wamid not stored yet, or not a broadcast message. */
	unlinked: number;
	drops: DropSignal[];
}

/** Meta code → action, from the one table (core/channels/graph/errors.ts); SQL reads it as a JSON map. */
const ERROR_CLASSES = JSON.stringify(WHATSAPP_ERROR_ACTIONS);
const UNKNOWN_CODE_CLASS = whatsappAction(undefined);
/**
 * A message Meta accepted and then did not deliver for the tier or the per-user cap (131048 /
 * 131049) did not reach the citizen: they get their turn back (last_reached_at as before it).
 */
const NOT_TODAY = WHATSAPP_NOT_TODAY_CODES.join(', ');
/** The codes that change the roster, from their one owner (rosterEffectOf); SQL takes them as $4. */
const DROP_CODES = [...ROSTER_EFFECT_CODES];

/**
 * The part shared by a fresh batch and the orphan pass: `src` holds status_events rows
 * (id, district_id, wamid, status, occurred_at, delivery_id, error_code, recipient,
 * price_category, billable) that are new to their delivery.
 *
 * Delivery state moves forward only, by rank: sent 1 < failed 2 < delivered 3 < read 4. A late
 * "delivered" never moves a read message back; a "delivered" after "failed" wins (the message
 * did arrive). Timestamps keep the earliest value seen. Any other state ranks 0: an in-doubt
 * delivery (its sender died with the request in the air) is settled by its first status.
 */
const APPLY = `
agg AS (
  SELECT s.delivery_id,
         min(s.occurred_at) FILTER (WHERE s.status = 'delivered') AS delivered_at,
         min(s.occurred_at) FILTER (WHERE s.status = 'read') AS read_at,
         min(s.occurred_at) FILTER (WHERE s.status = 'failed') AS failed_at,
         max(CASE s.status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 END) AS rank,
         max(s.error_code) FILTER (WHERE s.status = 'failed') AS error_code,
         max(s.price_category) AS price_category,
         bool_or(s.billable) AS billable,
         min(s.wamid) AS wamid,
         min(s.occurred_at) FILTER (WHERE s.status <> 'failed') AS first_ok_at
  FROM src s WHERE s.delivery_id IS NOT NULL GROUP BY s.delivery_id
),
upd AS (
  UPDATE deliveries d SET
    state = CASE WHEN a.rank > (CASE d.state WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)
                 THEN (ARRAY['sent', 'failed', 'delivered', 'read'])[a.rank] ELSE d.state END,
    delivered_at = LEAST(d.delivered_at, a.delivered_at),
    read_at = LEAST(d.read_at, a.read_at),
    failed_at = LEAST(d.failed_at, a.failed_at),
    error_code = coalesce(a.error_code, d.error_code),
    error_class = CASE WHEN a.error_code IS NOT NULL THEN coalesce($2::jsonb ->> a.error_code::text, $3)
                       WHEN d.state IN ('in_doubt', 'pending') THEN NULL ELSE d.error_class END,
    -- A delivery settled by its callback data (in doubt, or put back for its one resend) learns
    -- its wamid and when it went out from the status itself.
    wamid = coalesce(d.wamid, a.wamid),
    sent_at = coalesce(d.sent_at, a.first_ok_at),
    price_category = coalesce(a.price_category, d.price_category),
    billable = coalesce(a.billable, d.billable)
  FROM agg a WHERE d.id = a.delivery_id
  RETURNING d.id
),
unreached AS (
  UPDATE subscribers sb SET last_reached_at = (
    SELECT max(d2.sent_at) FROM deliveries d2
    WHERE d2.subscriber_id = sb.id AND d2.id <> dl.id AND d2.sent_at IS NOT NULL
      AND coalesce(d2.error_code, 0) NOT IN (${NOT_TODAY}))
  FROM agg a JOIN deliveries dl ON dl.id = a.delivery_id
  WHERE sb.id = dl.subscriber_id AND a.rank = 2 AND a.error_code IN (${NOT_TODAY})
  RETURNING sb.id
)
SELECT (SELECT count(*) FROM src)::int AS written,
       (SELECT count(*) FROM upd)::int AS deliveries,
       (SELECT count(*) FROM src WHERE delivery_id IS NULL)::int AS unlinked,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('code', s.error_code, 'recipient', s.recipient,
                                                     'district_id', s.district_id, 'subscriber_id', dl.subscriber_id)), '[]'::jsonb)
        FROM src s LEFT JOIN deliveries dl ON dl.id = s.delivery_id
        WHERE s.status = 'failed' AND s.error_code = ANY($4::int[])) AS drops`;

const RETURN_COLS =
	'se.id, se.district_id, se.wamid, se.status, se.occurred_at, se.delivery_id, se.error_code, se.recipient, se.price_category, se.billable';

/**
 * When a status may be linked to the delivery its callback data names (`d`, status `e`): not while
 * the request is still in flight (the sender records its own answer then; the status waits for
 * the orphan pass), not to a delivery that already has another wamid (a late status of a message
 * that was resent), and only within the district the status came in for.
 */
const REF_LINKABLE = (d: string, e: string) =>
	`${d}.state <> 'in_flight' AND (${d}.wamid IS NULL OR ${d}.wamid = ${e}.wamid)
   AND EXISTS (SELECT 1 FROM broadcasts b WHERE b.id = ${d}.broadcast_id AND b.district_id = ${e}.district_id)`;

const INSERT_BATCH = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
    district_id int, wamid text, status text, occurred_at timestamptz, recipient text, recipient_user_id text, error_code int, error_title text,
    price_category text, billable boolean, pricing_model text, pricing_type text, inferred boolean, delivery_ref bigint)
),
src AS (
  INSERT INTO status_events AS se (district_id, wamid, status, occurred_at, recipient, delivery_id, error_code, error_title,
                                   price_category, billable, pricing_model, pricing_type, inferred, delivery_ref, recipient_user_id)
  SELECT i.district_id, i.wamid, i.status, i.occurred_at, i.recipient, coalesce(dr.id, d.id), i.error_code, i.error_title,
         i.price_category, i.billable, i.pricing_model, i.pricing_type, i.inferred, i.delivery_ref, i.recipient_user_id
  -- The exact delivery by its callback data first, else by wamid.
  FROM input i
  LEFT JOIN deliveries dr ON dr.id = i.delivery_ref AND ${REF_LINKABLE('dr', 'i')}
  LEFT JOIN deliveries d ON d.wamid = i.wamid
  -- Duplicates and replays stop here. Only an inferred "delivered" is replaced, by the real one.
  ON CONFLICT (wamid, status) DO UPDATE SET
    occurred_at = EXCLUDED.occurred_at, inferred = false,
    recipient = coalesce(EXCLUDED.recipient, se.recipient),
    recipient_user_id = coalesce(EXCLUDED.recipient_user_id, se.recipient_user_id),
    price_category = coalesce(EXCLUDED.price_category, se.price_category),
    billable = coalesce(EXCLUDED.billable, se.billable),
    pricing_model = coalesce(EXCLUDED.pricing_model, se.pricing_model),
    pricing_type = coalesce(EXCLUDED.pricing_type, se.pricing_type),
    delivery_id = coalesce(se.delivery_id, EXCLUDED.delivery_id),
    delivery_ref = coalesce(se.delivery_ref, EXCLUDED.delivery_ref)
  WHERE se.inferred AND NOT EXCLUDED.inferred
  RETURNING ${RETURN_COLS}
),
${APPLY}`;

/**
 * Statuses can arrive before the broadcast sender has stored the wamid it got back (Meta's
 * "sent" follows the API answer within milliseconds), or while the request is in flight and the
 * sender then dies (the delivery turns in doubt). Such rows are stored unlinked; this pass links
 * recent ones once the delivery row knows its wamid, or by their callback data once the delivery
 * is no longer in flight, and applies them. Idempotent: the delivery update only moves forward.
 * $5 limits it to one broadcast (the settle pass, core/broadcast/settle.ts), else all.
 */
const LINK_ORPHANS = `
WITH m AS (
  SELECT DISTINCT ON (x.sid) x.sid, x.did FROM (
    SELECT se.id AS sid, d.id AS did FROM status_events se JOIN deliveries d ON d.wamid = se.wamid
    WHERE se.delivery_id IS NULL AND se.received_at > now() - make_interval(secs => $1::int)
      AND ($5::bigint IS NULL OR d.broadcast_id = $5)
    UNION ALL
    SELECT se.id, d.id FROM status_events se JOIN deliveries d ON d.id = se.delivery_ref AND ${REF_LINKABLE('d', 'se')}
    WHERE se.delivery_id IS NULL AND se.delivery_ref IS NOT NULL AND se.received_at > now() - make_interval(secs => $1::int)
      AND ($5::bigint IS NULL OR d.broadcast_id = $5)) x
  ORDER BY x.sid, x.did),
src AS (
  UPDATE status_events se SET delivery_id = m.did
  FROM m WHERE se.id = m.sid AND se.delivery_id IS NULL
  RETURNING ${RETURN_COLS}
),
${APPLY}`;

type OutcomeRow = { written: number; deliveries: number; unlinked: number; drops: unknown };

function outcome(r: OutcomeRow): BatchOutcome {
	const drops = (typeof r.drops === 'string' ? JSON.parse(r.drops) : r.drops) as DropSignal[];
	return { written: Number(r.written), deliveries: Number(r.deliveries), unlinked: Number(r.unlinked), drops };
}

export async function insertStatusBatch(db: Queryable, rows: StatusRow[]): Promise<BatchOutcome> {
	if (rows.length === 0) return { written: 0, deliveries: 0, unlinked: 0, drops: [] };
	const [r] = await db.query<OutcomeRow>(INSERT_BATCH, [JSON.stringify(rows), ERROR_CLASSES, UNKNOWN_CODE_CLASS, DROP_CODES]);
	return outcome(r);
}

export async function linkOrphanStatuses(db: Queryable, withinSeconds = 900, broadcastId: number | null = null): Promise<BatchOutcome> {
	const [r] = await db.query<OutcomeRow>(LINK_ORPHANS, [withinSeconds, ERROR_CLASSES, UNKNOWN_CODE_CLASS, DROP_CODES, broadcastId]);
	return outcome(r);
}
