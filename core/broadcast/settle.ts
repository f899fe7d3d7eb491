/**
 * Nobody left in doubt (issue 16 §4). A delivery is in doubt when its sender died with the
 * request in the air: WhatsApp may or may not have the message. This file owns how such rows
 * end:
 * 1. a status webhook settles it: every broadcast message carries its delivery's id as
 *    biz_opaque_callback_data (core/statuses/callback.ts), Meta echoes it, and the statuses path
 *    links the status to that exact delivery (sent / delivered / read → accepted with its
 *    wamid; failed → failed with the code). Statuses that came while the row was still in
 *    flight are linked here (core/statuses/writer.ts linkStatuses, limited to the broadcast);
 * 2. statuses without callback data (sent before it existed) fall back to the old rule: a
 *    marketing status for the same citizen after the request went out, whose wamid no delivery
 *    owns;
 * 3. a row still silent after the quiet window (long enough for Meta's webhooks: default 15
 *    minutes, MITAN_IN_DOUBT_QUIET_SECONDS in core/config.ts) is put back to be sent once more,
 *    and only on the broadcast's own day in the district's zone (core/time.ts): a message late
 *    by a day is worse than none. A row resent once is never resent again.
 *
 * Who runs it: the broadcast sender, the one process that can send (sender/loop.ts). It links
 * at every start (a resume after a crash) and, once nothing else is left to send, waits for the
 * silent rows' quiet windows, resends them and only then completes the broadcast.
 */
import type { Db } from '../db';
import { districtTimeZone } from '../districts';
import { linkStatuses } from '../statuses/writer';
import { todayIn } from '../time';
import type { Broadcast } from './types';

export interface SettleOptions {
	/** How long an in-doubt row must have been silent before it is resent (ms). */
	quietMs: number;
	/** false: only settle from statuses (a start); true: also resend the silent ones (the end). */
	resend: boolean;
	now?: Date;
}

export interface SettleResult {
	/** In-doubt rows settled by a status matched by callback data (or a wamid). */
	byStatus: number;
	/** In-doubt rows settled by the old recipient-and-time rule (statuses without callback data). */
	byRecipient: number;
	/** Silent rows put back to be sent once more. */
	resent: number;
	/** Silent rows still inside their quiet window (ms until the first one's ends, or null). */
	waiting: number;
	nextQuietEndInMs: number | null;
	/** Rows left in doubt for good: another day's broadcast, or already resent once. */
	left: number;
}

/** The old rule, for statuses without callback data only: see the file comment, point 2. */
const SETTLE_BY_RECIPIENT = `
UPDATE deliveries d SET state = CASE WHEN x.status = 'failed' THEN 'failed' ELSE 'sent' END,
  wamid = x.wamid, error_code = x.error_code,
  error_class = CASE WHEN x.status = 'failed' THEN 'failed_async' ELSE NULL END,
  sent_at = CASE WHEN x.status = 'failed' THEN d.sent_at ELSE x.occurred_at END,
  failed_at = CASE WHEN x.status = 'failed' THEN x.occurred_at ELSE d.failed_at END
FROM (
  SELECT DISTINCT ON (d2.id) d2.id, e.wamid, e.status, e.occurred_at, e.error_code
  FROM deliveries d2
  JOIN subscribers s ON s.id = d2.subscriber_id
  JOIN status_events e ON (e.recipient = s.wa_id OR '+' || e.recipient = s.phone OR e.recipient = s.phone)
  WHERE d2.broadcast_id = $1 AND d2.state = 'in_doubt'
    AND e.delivery_ref IS NULL AND e.delivery_id IS NULL AND e.price_category = 'marketing'
    AND e.occurred_at >= coalesce(d2.sending_at, d2.claimed_at) - interval '5 seconds'
    AND NOT EXISTS (SELECT 1 FROM deliveries d3 WHERE d3.wamid = e.wamid)
  ORDER BY d2.id, e.occurred_at, e.wamid) x
WHERE d.id = x.id AND d.state = 'in_doubt'
RETURNING d.id`;

/** Statuses of this broadcast's deliveries kept unlinked (in flight when they came) may be up to this old. */
const LINK_WITHIN_SECONDS = 2 * 86_400;

export async function settleBroadcast(
	db: Db,
	b: Pick<Broadcast, 'id' | 'districtId' | 'date'>,
	opts: SettleOptions,
): Promise<SettleResult> {
	const [before] = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND state = 'in_doubt'`,
		[b.id],
	);
	const out: SettleResult = { byStatus: 0, byRecipient: 0, resent: 0, waiting: 0, nextQuietEndInMs: null, left: 0 };
	if (Number(before.n) === 0) return out;
	await linkStatuses(db, { withinSeconds: LINK_WITHIN_SECONDS, broadcastId: b.id });
	const [mid] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND state = 'in_doubt'`, [
		b.id,
	]);
	out.byStatus = Number(before.n) - Number(mid.n);
	out.byRecipient = (await db.query(SETTLE_BY_RECIPIENT, [b.id])).length;

	const now = opts.now ?? new Date();
	const today = todayIn(await districtTimeZone(db, b.districtId), now);
	const sameDay = b.date === today;
	if (opts.resend && sameDay) {
		const rows = await db.query(
			`UPDATE deliveries d SET state = 'pending', claimed_by = NULL, claimed_at = NULL, next_attempt_at = NULL,
         error_class = 'resend_in_doubt', doubt_resent_at = $3
       WHERE d.broadcast_id = $1 AND d.state = 'in_doubt' AND d.doubt_resent_at IS NULL
         AND coalesce(d.sending_at, d.claimed_at, $3) <= $3::timestamptz - $2 * interval '1 millisecond'
       RETURNING d.id`,
			[b.id, opts.quietMs, now.toISOString()],
		);
		out.resent = rows.length;
	}
	const [rest] = await db.query<{ waiting: number; left: number; next_ms: number | null }>(
		`SELECT count(*) FILTER (WHERE $2 AND doubt_resent_at IS NULL)::int AS waiting,
            count(*) FILTER (WHERE NOT $2 OR doubt_resent_at IS NOT NULL)::int AS left,
            (extract(epoch FROM (min(coalesce(sending_at, claimed_at, $4)) FILTER (WHERE $2 AND doubt_resent_at IS NULL)
                                 + $3 * interval '1 millisecond' - $4::timestamptz)) * 1000)::float8 AS next_ms
     FROM deliveries WHERE broadcast_id = $1 AND state = 'in_doubt'`,
		[b.id, sameDay, opts.quietMs, now.toISOString()],
	);
	out.waiting = Number(rest.waiting);
	out.left = Number(rest.left);
	out.nextQuietEndInMs = rest.next_ms === null ? null : Math.max(0, Number(rest.next_ms));
	return out;
}
