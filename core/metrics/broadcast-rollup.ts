import { chargedEventSql, rateSql } from './pricing';
import { applyFresh } from './scope';

/**
 * rollup_broadcast_daily per (event day, district, broadcast, pricing category): what each
 * broadcast reached and cost, day by day, so "today's broadcast so far" and "spend of a
 * broadcast / a month" are sums over a few rollup rows, never a scan of deliveries.
 * - broadcast_id: the broadcast of the event's delivery (by wamid); 0 for a message that is not
 *   a broadcast's (a reply to a complaint, an approval request);
 * - sent / delivered / read / failed: status events that occurred that day (as in
 *   rollup_whatsapp_daily), plus the broadcast's sends the API refused (failed, no wamid);
 * - billable / free / unpriced / spend_inr: the pricing rule of core/metrics/pricing.ts, on the
 *   one event a message is charged on; spend at the rate in force on that day (wa_rate_card).
 * Refreshed with the 'whatsapp' kind: the same dirty days (the event's day) cover it.
 */
const deliveryJoin = (fewDays: boolean) =>
	fewDays
		? `LEFT JOIN LATERAL (SELECT d.broadcast_id FROM deliveries d WHERE d.wamid = se.wamid LIMIT 1) dl ON true`
		: `LEFT JOIN deliveries dl ON dl.wamid = se.wamid`;

const eventsSource = (fewDays: boolean) =>
	fewDays
		? `scope sc CROSS JOIN LATERAL (SELECT * FROM status_events x WHERE x.district_id = sc.district_id AND x.occurred_at >= sc.t0 AND x.occurred_at < sc.t1 OFFSET 0) se`
		: `scope sc JOIN status_events se ON se.district_id = sc.district_id AND se.occurred_at >= sc.t0 AND se.occurred_at < sc.t1`;

export const BROADCAST_ROLLUP_SQL = (scopeCte: string, fewDays = false) => `
WITH ${scopeCte},
events AS MATERIALIZED (
  SELECT (se.occurred_at AT TIME ZONE sc.tz)::date AS day, se.district_id, coalesce(dl.broadcast_id, 0) AS broadcast_id,
         se.price_category, se.status, se.billable, se.billable IS NOT NULL AND ${chargedEventSql('se')} AS charged
  FROM ${eventsSource(fewDays)}
  ${deliveryJoin(fewDays)}
),
priced AS MATERIALIZED (
  SELECT e.*, coalesce(e.price_category, '') AS category, CASE WHEN e.charged THEN ${rateSql('e', 'e.day')} END AS rate FROM events e
),
parts AS (
  SELECT day, district_id, broadcast_id, category,
         count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'delivered') AS delivered,
         count(*) FILTER (WHERE status = 'read') AS read, count(*) FILTER (WHERE status = 'failed') AS failed,
         count(*) FILTER (WHERE charged AND billable) AS billable, count(*) FILTER (WHERE charged AND NOT billable) AS free,
         count(*) FILTER (WHERE charged AND billable AND rate IS NULL) AS unpriced,
         coalesce(sum(rate) FILTER (WHERE charged AND billable), 0) AS spend
  FROM priced GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT (dl.failed_at AT TIME ZONE sc.tz)::date, b.district_id, b.id, '', 0, 0, 0, count(*), 0, 0, 0, 0
  FROM scope sc
  JOIN deliveries dl ON dl.state = 'failed' AND dl.wamid IS NULL AND dl.failed_at >= sc.t0 AND dl.failed_at < sc.t1
  JOIN broadcasts b ON b.id = dl.broadcast_id AND b.district_id = sc.district_id AND b.channel = 'whatsapp'
  GROUP BY 1, 2, 3
),
fresh AS (
  SELECT day, district_id, broadcast_id, category, sum(sent)::int AS sent, sum(delivered)::int AS delivered, sum(read)::int AS read,
         sum(failed)::int AS failed, sum(billable)::int AS billable, sum(free)::int AS free, sum(unpriced)::int AS unpriced,
         sum(spend)::numeric(14, 4) AS spend_inr
  FROM parts GROUP BY 1, 2, 3, 4
)${applyFresh(
	'rollup_broadcast_daily',
	['day', 'district_id', 'broadcast_id', 'category'],
	['sent', 'delivered', 'read', 'failed', 'billable', 'free', 'unpriced', 'spend_inr'],
)}`;
