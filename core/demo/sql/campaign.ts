/**
 * The daily campaign: one approved content item and one WhatsApp broadcast per day, sent from
 * 10:00; per day, deliveries to every citizen subscribed at 10:00 that day and their status
 * events. 2.5 % fail (the codes' classes come from the one WhatsApp error map); of the rest,
 * 80-88 % are read.
 */
import { whatsappAction } from '../../channels/whatsapp/errors';
import { DEMO_PHONE_BASE, DEMO_SOURCE, lit, rnd } from './random';

const categories = ['cyber_fraud', 'women_safety', 'cyber_fraud', 'child_safety', 'traffic', 'cyber_fraud', 'other'];
const failCodes = [131049, 131026, 131000] as const;
const cls = (c: number) => lit(whatsappAction(c));

/** One published content item per day of the window. */
export const CONTENT = `INSERT INTO content (district_id, title, body_hi, body_en, category, target_date, state, content_hash, approved_hash, approved_by, approved_at, created_by, created_at, updated_at)
     SELECT :district, 'Demo awareness message ' || d::date, 'साइबर ठगी से बचें: OTP किसी को न बताएं (' || d::date || ')',
            'Stay safe from cyber fraud: never share your OTP (' || d::date || ')',
            (ARRAY[${categories.map(lit).join(',')}])[1 + (k % 7)], d::date, 'published',
            md5('demo' || d::date), md5('demo' || d::date), 'demo-approver',
            ((d::date - 1)::timestamp + interval '18 hours') AT TIME ZONE :tz, 'demo',
            ((d::date - 1)::timestamp + interval '15 hours') AT TIME ZONE :tz, ((d::date - 1)::timestamp + interval '18 hours') AT TIME ZONE :tz
     FROM generate_series(0, :days - 1) AS k CROSS JOIN LATERAL (SELECT :start::date + k AS d) x
     ORDER BY k`;

/** One completed WhatsApp broadcast per content item, on its day. */
export const BROADCASTS = `INSERT INTO broadcasts (district_id, content_id, content_key, channel, broadcast_date, segment_key, segment, templates, status, created_at, started_at, finished_at)
     SELECT :district, c.id, 'demo:' || c.target_date, 'whatsapp', c.target_date, 'all', '{}',
            '{"hi":{"name":"daily_awareness","params":["demo"]},"en":{"name":"daily_awareness","params":["demo"]}}',
            'completed', (c.target_date::timestamp + interval '9 hours') AT TIME ZONE :tz,
            (c.target_date::timestamp + interval '10 hours') AT TIME ZONE :tz,
            (c.target_date::timestamp + interval '10 hours 11 minutes') AT TIME ZONE :tz
     FROM content c WHERE c.district_id = :district AND c.created_by = 'demo' AND c.target_date BETWEEN :start::date AND :start::date + (:days - 1)
     ORDER BY c.target_date`;

/** One day's deliveries (:broadcast, :day, :k = day index, :starts_at = 10:00 that day). */
export const DELIVERIES = `
    INSERT INTO deliveries (broadcast_id, subscriber_id, language, police_station, state, attempts, wamid, error_code, error_class,
                            sent_at, delivered_at, read_at, failed_at, price_category, billable)
    SELECT :broadcast, s.id, s.language, s.police_station,
           CASE WHEN failed THEN 'failed' WHEN is_read THEN 'read' ELSE 'delivered' END, 1,
           'wamid.DEMO' || lpad(:broadcast::text, 7, '0') || lpad(ci::text, 10, '0'),
           CASE WHEN failed THEN code END,
           CASE WHEN failed THEN CASE code WHEN ${failCodes[0]} THEN ${cls(failCodes[0])} WHEN ${failCodes[1]} THEN ${cls(failCodes[1])} ELSE ${cls(failCodes[2])} END END,
           sent_at, CASE WHEN NOT failed THEN delivered_at END, CASE WHEN is_read THEN read_at END,
           CASE WHEN failed THEN sent_at + interval '4 seconds' END, 'marketing', NOT failed
    FROM (
      SELECT s.id, s.language, s.police_station, x.ci,
             x.u < 0.025 AS failed,
             x.u >= 0.025 AND x.v < (0.80 + CASE WHEN s.language = 'hi' THEN 0.08 ELSE 0 END - CASE WHEN extract(isodow FROM :day::date) = 7 THEN 0.05 ELSE 0 END) AS is_read,
             CASE WHEN x.u < 0.015 THEN ${failCodes[0]} WHEN x.u < 0.021 THEN ${failCodes[1]} ELSE ${failCodes[2]} END AS code,
             :starts_at::timestamptz + x.z * interval '625 seconds' AS sent_at,
             :starts_at::timestamptz + x.z * interval '625 seconds' + (2 + x.w * 30) * interval '1 second' AS delivered_at,
             :starts_at::timestamptz + x.z * interval '625 seconds' + (40 + x.w * 30) * interval '1 second' + (x.t * x.t * x.t) * interval '18 hours' AS read_at
      FROM subscribers s
      CROSS JOIN LATERAL (SELECT substr(s.phone, 4)::bigint - ${DEMO_PHONE_BASE} AS ci) k
      CROSS JOIN LATERAL (SELECT k.ci, ${rnd('k.ci * 4000 + :k', 11)} AS u, ${rnd('k.ci * 4000 + :k', 12)} AS v,
                                 ${rnd('k.ci * 4000 + :k', 13)} AS w, ${rnd('k.ci * 4000 + :k', 14)} AS z, ${rnd('k.ci * 4000 + :k', 15)} AS t) x
      WHERE s.district_id = :district AND s.consent_source = '${DEMO_SOURCE}'
        AND s.created_at < :starts_at::timestamptz AND (s.status_changed_at IS NULL OR s.status <> 'opted_out' OR s.status_changed_at > :starts_at::timestamptz)
    ) s
    ORDER BY s.ci`;

/** One day's status events: one per status each delivery reached. */
export const STATUS_EVENTS = `
    INSERT INTO status_events (district_id, wamid, status, occurred_at, received_at, delivery_id, error_code, error_title,
                               price_category, billable, pricing_model)
    SELECT :district, d.wamid, v.status, v.at, v.at + interval '1 second', d.id,
           CASE WHEN v.status = 'failed' THEN d.error_code END,
           CASE WHEN v.status = 'failed' THEN 'demo failure' END,
           CASE WHEN v.status <> 'failed' THEN 'marketing' END,
           CASE WHEN v.status <> 'failed' THEN NOT (d.state = 'failed') END,
           CASE WHEN v.status <> 'failed' THEN 'PMP' END
    FROM deliveries d
    CROSS JOIN LATERAL (VALUES (1, 'sent', d.sent_at), (2, 'delivered', d.delivered_at), (3, 'read', d.read_at), (4, 'failed', d.failed_at)) AS v(o, status, at)
    WHERE d.broadcast_id = :broadcast AND v.at IS NOT NULL
    ORDER BY d.wamid, v.o`;

/** The day's broadcast counts what it targeted. */
export const TARGETED = `UPDATE broadcasts SET targeted = (SELECT count(*) FROM deliveries WHERE broadcast_id = :broadcast) WHERE id = :broadcast`;
