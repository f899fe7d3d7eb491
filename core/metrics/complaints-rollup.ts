import type { Queryable } from '../db';
import { applyFresh } from './scope';

/** How long a complaint may stay open before the desk counts it overdue (the queue's "open > 48 h"). */
export const OVERDUE_HOURS = 48;

/**
 * rollup_complaints_daily per (day, district, category, police station). The category is the
 * effective one (a manual override wins). opened / money_loss / ack_* describe the complaints
 * OPENED that day (their time to acknowledge, in seconds: count, sum and median); closed counts
 * complaints closed that day. first_response_* is the first reply an officer sent from the desk
 * (core/complaints/desk.ts), over_48h the complaints of that day not closed within 48 hours
 * (still open ones count once they are 48 hours old: markAgedComplaintDays makes their day dirty
 * when they cross the line, so the figure is not frozen at the last change).
 */
export const COMPLAINTS_ROLLUP_SQL = (scopeCte: string) => `
WITH ${scopeCte},
parts AS (
  SELECT (c.created_at AT TIME ZONE sc.tz)::date AS day, c.district_id, coalesce(c.category_override, c.category) AS category,
         coalesce(c.police_station, '') AS ps, count(*) AS opened, 0::bigint AS closed,
         count(*) FILTER (WHERE c.money_loss) AS money_loss, count(c.acknowledged_at) AS ack_count,
         coalesce(sum(round(extract(epoch FROM c.acknowledged_at - c.created_at)))::bigint, 0) AS ack_sum,
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.acknowledged_at - c.created_at)))::int AS ack_median,
         count(c.first_response_at) AS fr_count,
         coalesce(sum(round(extract(epoch FROM c.first_response_at - c.created_at)))::bigint, 0) AS fr_sum,
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.first_response_at - c.created_at)))::int AS fr_median,
         count(*) FILTER (WHERE coalesce(c.closed_at, now()) - c.created_at > interval '${OVERDUE_HOURS} hours') AS over_48h
  FROM scope sc
  JOIN complaints c ON c.district_id = sc.district_id AND c.created_at >= sc.t0 AND c.created_at < sc.t1
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT (c.closed_at AT TIME ZONE sc.tz)::date, c.district_id, coalesce(c.category_override, c.category), coalesce(c.police_station, ''),
         0, count(*), 0, 0, 0, NULL, 0, 0, NULL, 0
  FROM scope sc
  JOIN complaints c ON c.district_id = sc.district_id AND c.closed_at >= sc.t0 AND c.closed_at < sc.t1
  GROUP BY 1, 2, 3, 4
),
fresh AS (
  SELECT day, district_id, category, ps AS police_station, sum(opened)::int AS opened, sum(closed)::int AS closed,
         sum(money_loss)::int AS money_loss, sum(ack_count)::int AS ack_count, sum(ack_sum)::bigint AS ack_seconds_sum,
         max(ack_median) AS ack_seconds_median, sum(fr_count)::int AS first_response_count,
         sum(fr_sum)::bigint AS first_response_seconds_sum, max(fr_median) AS first_response_seconds_median,
         sum(over_48h)::int AS over_48h
  FROM parts GROUP BY 1, 2, 3, 4
)${applyFresh(
	'rollup_complaints_daily',
	['day', 'district_id', 'category', 'police_station'],
	[
		'opened',
		'closed',
		'money_loss',
		'ack_count',
		'ack_seconds_sum',
		'ack_seconds_median',
		'first_response_count',
		'first_response_seconds_sum',
		'first_response_seconds_median',
		'over_48h',
	],
)}`;

/**
 * Marks dirty the opening days of open complaints that became overdue since `since` (the last
 * run of the server's periodic job): nothing else changes their row at that moment.
 */
export async function markAgedComplaintDays(db: Queryable, since: Date, now: Date = new Date()): Promise<number> {
	const h = OVERDUE_HOURS * 3_600_000;
	const rows = await db.query(
		`INSERT INTO rollup_dirty_days (day, district_id, kind)
     SELECT DISTINCT (c.created_at AT TIME ZONE d.timezone)::date, c.district_id, 'complaints'
       FROM complaints c JOIN districts d ON d.id = c.district_id
      WHERE c.closed_at IS NULL AND c.created_at > $1 AND c.created_at <= $2
     ON CONFLICT DO NOTHING RETURNING 1`,
		[new Date(since.getTime() - h), new Date(now.getTime() - h)],
	);
	return rows.length;
}
