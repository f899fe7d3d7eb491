import { applyFresh } from './scope';

/**
 * rollup_complaints_daily per (day, district, category, police station). The category is the
 * effective one (a manual override wins). opened / money_loss / ack_* describe the complaints
 * OPENED that day (their time to acknowledge, in seconds: count, sum and median); closed counts
 * complaints closed that day.
 */
export const COMPLAINTS_ROLLUP_SQL = (scopeCte: string) => `
WITH ${scopeCte},
parts AS (
  SELECT (c.created_at AT TIME ZONE sc.tz)::date AS day, c.district_id, coalesce(c.category_override, c.category) AS category,
         coalesce(c.police_station, '') AS ps, count(*) AS opened, 0::bigint AS closed,
         count(*) FILTER (WHERE c.money_loss) AS money_loss, count(c.acknowledged_at) AS ack_count,
         coalesce(sum(round(extract(epoch FROM c.acknowledged_at - c.created_at)))::bigint, 0) AS ack_sum,
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.acknowledged_at - c.created_at)))::int AS ack_median
  FROM scope sc
  JOIN complaints c ON c.district_id = sc.district_id AND c.created_at >= sc.t0 AND c.created_at < sc.t1
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT (c.closed_at AT TIME ZONE sc.tz)::date, c.district_id, coalesce(c.category_override, c.category), coalesce(c.police_station, ''),
         0, count(*), 0, 0, 0, NULL
  FROM scope sc
  JOIN complaints c ON c.district_id = sc.district_id AND c.closed_at >= sc.t0 AND c.closed_at < sc.t1
  GROUP BY 1, 2, 3, 4
),
fresh AS (
  SELECT day, district_id, category, ps AS police_station, sum(opened)::int AS opened, sum(closed)::int AS closed,
         sum(money_loss)::int AS money_loss, sum(ack_count)::int AS ack_count, sum(ack_sum)::bigint AS ack_seconds_sum,
         max(ack_median) AS ack_seconds_median
  FROM parts GROUP BY 1, 2, 3, 4
)${applyFresh(
	'rollup_complaints_daily',
	['day', 'district_id', 'category', 'police_station'],
	['opened', 'closed', 'money_loss', 'ack_count', 'ack_seconds_sum', 'ack_seconds_median'],
)}`;
