import { chargedEventSql, rateSql } from './pricing';
import { applyFresh } from './scope';

/**
 * A day has ~150,000 events among millions of deliveries: look each delivery up by its unique
 * wamid (a forced nested loop) rather than let the planner hash the whole deliveries table.
 * A full refresh touches every delivery, where one hash join is the fast way.
 */
const deliveryJoin = (fewDays: boolean) =>
	fewDays
		? `LEFT JOIN LATERAL (SELECT d.police_station, d.language, d.error_class FROM deliveries d WHERE d.wamid = se.wamid LIMIT 1) dl ON true`
		: `LEFT JOIN deliveries dl ON dl.wamid = se.wamid`;

/**
 * The day's events by an index range scan per scope row (OFFSET 0 keeps the planner from
 * flattening the lateral into a hash join over all events); a full refresh reads them all.
 */
const eventsSource = (fewDays: boolean) =>
	fewDays
		? `scope sc CROSS JOIN LATERAL (SELECT * FROM status_events x WHERE x.district_id = sc.district_id AND x.occurred_at >= sc.t0 AND x.occurred_at < sc.t1 OFFSET 0) se`
		: `scope sc JOIN status_events se ON se.district_id = sc.district_id AND se.occurred_at >= sc.t0 AND se.occurred_at < sc.t1`;

/**
 * rollup_whatsapp_daily per (day, district, police station, language), days in the district's
 * time zone. Definitions (the tests compare each with a direct count):
 * - targeted: deliveries (not 'skipped') of WhatsApp broadcasts dated that day;
 * - sent / delivered / read / failed: status events (one per wamid and status) that occurred that
 *   day, plus deliveries the API refused at send time (failed, no wamid) by failed_at;
 *   police station and language come from the delivery (as they were when it was sent);
 * - failed_by_class: failures by action class, from the event's error code through the one
 *   WhatsApp error map (:classes), else the delivery's error_class, else 'unknown';
 * - opt_outs: 'subscriber.opt_out' audit entries that day (history, not current status);
 * - new_subscribers: subscribers created that day (erased rows still count: they existed);
 * - spend_inr: billable messages priced by the dated rate card (core/metrics/pricing.ts), the
 *   unpriced ones as ₹0 here (rollup_broadcast_daily counts them apart).
 */
export const WHATSAPP_ROLLUP_SQL = (scopeCte: string, fewDays = false) => `
WITH ${scopeCte},
parts AS (
  SELECT b.broadcast_date AS day, b.district_id, coalesce(dl.police_station, '') AS ps, coalesce(dl.language, '') AS lang,
         count(*) AS targeted, 0::bigint AS sent, 0::bigint AS delivered, 0::bigint AS read, 0::bigint AS failed, NULL::text AS fclass,
         0::bigint AS opt_outs, 0::bigint AS new_subs, 0::numeric AS spend
  FROM scope sc
  JOIN broadcasts b ON b.district_id = sc.district_id AND b.broadcast_date >= sc.d0 AND b.broadcast_date < sc.d1 AND b.channel = 'whatsapp'
  JOIN deliveries dl ON dl.broadcast_id = b.id AND dl.state <> 'skipped'
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT (se.occurred_at AT TIME ZONE sc.tz)::date, se.district_id, coalesce(dl.police_station, ''), coalesce(dl.language, ''),
         0, count(*) FILTER (WHERE se.status = 'sent'), count(*) FILTER (WHERE se.status = 'delivered'),
         count(*) FILTER (WHERE se.status = 'read'), count(*) FILTER (WHERE se.status = 'failed'),
         CASE WHEN se.status = 'failed' THEN coalesce(:classes::jsonb ->> se.error_code::text, dl.error_class, 'unknown') END,
         0, 0,
         coalesce(sum(CASE WHEN se.billable AND ${chargedEventSql('se')}
                   THEN coalesce(${rateSql('se', '(se.occurred_at AT TIME ZONE sc.tz)::date')}, 0) END), 0)
  FROM ${eventsSource(fewDays)}
  ${deliveryJoin(fewDays)}
  GROUP BY 1, 2, 3, 4, 10
  UNION ALL
  SELECT (dl.failed_at AT TIME ZONE sc.tz)::date, b.district_id, coalesce(dl.police_station, ''), coalesce(dl.language, ''),
         0, 0, 0, 0, count(*), coalesce(dl.error_class, 'unknown'), 0, 0, 0
  FROM scope sc
  JOIN deliveries dl ON dl.state = 'failed' AND dl.wamid IS NULL AND dl.failed_at >= sc.t0 AND dl.failed_at < sc.t1
  JOIN broadcasts b ON b.id = dl.broadcast_id AND b.district_id = sc.district_id AND b.channel = 'whatsapp'
  GROUP BY 1, 2, 3, 4, 10
  UNION ALL
  SELECT (a.at AT TIME ZONE sc.tz)::date, a.district_id, coalesce(s.police_station, ''), coalesce(s.language, ''),
         0, 0, 0, 0, 0, NULL, count(*), 0, 0
  FROM scope sc
  JOIN audit_log a ON a.district_id = sc.district_id AND a.at >= sc.t0 AND a.at < sc.t1 AND a.action = 'subscriber.opt_out'
  LEFT JOIN subscribers s ON s.id::text = a.entity_id
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT (s.created_at AT TIME ZONE sc.tz)::date, s.district_id, coalesce(s.police_station, ''), s.language,
         0, 0, 0, 0, 0, NULL, 0, count(*), 0
  FROM scope sc
  JOIN subscribers s ON s.district_id = sc.district_id AND s.created_at >= sc.t0 AND s.created_at < sc.t1
  GROUP BY 1, 2, 3, 4
),
by_class AS (
  SELECT day, district_id, ps, lang, fclass, sum(targeted) AS targeted, sum(sent) AS sent, sum(delivered) AS delivered, sum(read) AS read,
         sum(failed) AS failed, sum(opt_outs) AS opt_outs, sum(new_subs) AS new_subs, sum(spend) AS spend
  FROM parts GROUP BY 1, 2, 3, 4, 5
),
fresh AS (
  SELECT day, district_id, ps AS police_station, lang AS language,
         sum(targeted)::int AS targeted, sum(sent)::int AS sent, sum(delivered)::int AS delivered, sum(read)::int AS read,
         sum(failed)::int AS failed,
         coalesce(jsonb_object_agg(fclass, failed) FILTER (WHERE fclass IS NOT NULL AND failed > 0), '{}'::jsonb) AS failed_by_class,
         sum(opt_outs)::int AS opt_outs, sum(new_subs)::int AS new_subscribers, round(sum(spend), 2)::numeric(12, 2) AS spend_inr
  FROM by_class GROUP BY 1, 2, 3, 4
)${applyFresh(
	'rollup_whatsapp_daily',
	['day', 'district_id', 'police_station', 'language'],
	['targeted', 'sent', 'delivered', 'read', 'failed', 'failed_by_class', 'opt_outs', 'new_subscribers', 'spend_inr'],
)}`;
