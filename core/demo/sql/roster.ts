/** The demo's citizens: who joined when, at which station, in which language, and who opted out. */
import { stationSlots } from '../stations';
import { DEMO_SOURCE, lit, rnd } from './random';

const slots = stationSlots();
const stationArr = `ARRAY[${slots.map((s) => lit(s.name)).join(',')}]`;
const blockArr = `ARRAY[${slots.map((s) => lit(s.block)).join(',')}]`;

/** 80 % joined before the window, 20 % during it; 3 % opt out (after a broadcast). */
export const SUBSCRIBERS = `INSERT INTO subscribers (district_id, phone, wa_id, name, language, police_station, block, tags, status, status_reason,
                              status_changed_at, consent_source, consent_at, created_at, updated_at)
     SELECT :district, '+91' || (:phone_base::bigint + i), '91' || (:phone_base::bigint + i), 'Demo citizen ' || i,
            CASE WHEN r_lang < 0.72 THEN 'hi' ELSE 'en' END,
            (${stationArr})[1 + floor(r_station * 20)::int], (${blockArr})[1 + floor(r_station * 20)::int],
            '{demo}', CASE WHEN opt_day IS NULL THEN 'active' ELSE 'opted_out' END,
            CASE WHEN opt_day IS NULL THEN NULL ELSE 'STOP' END,
            CASE WHEN opt_day IS NULL THEN NULL ELSE ((:start::date + opt_day)::timestamp + interval '20 hours' + r_time * interval '3 hours') AT TIME ZONE :tz END,
            '${DEMO_SOURCE}', created_at, created_at, created_at
     FROM (
       SELECT *, CASE WHEN r_opt < 0.03 THEN greatest(join_day, 0) + floor(r_optday * (:days - greatest(join_day, 0)))::int END AS opt_day,
              (:start::date + join_day)::timestamp
                + interval '8 hours' + r_time * interval '12 hours' AS local_created
       FROM (
         SELECT i, ${rnd('i', 1)} AS r_station, ${rnd('i', 2)} AS r_lang, ${rnd('i', 5)} AS r_time, ${rnd('i', 6)} AS r_opt, ${rnd('i', 7)} AS r_optday,
                CASE WHEN ${rnd('i', 3)} < 0.8 THEN -1 - floor(${rnd('i', 4)} * 300)::int ELSE floor(${rnd('i', 4)} * :days)::int END AS join_day
         FROM generate_series(1, :citizens) AS i
       ) g
     ) h
     CROSS JOIN LATERAL (SELECT local_created AT TIME ZONE :tz AS created_at) c
     ORDER BY i`;

/** Opt-outs are history in the audit log (the rollups count them from there). */
export const OPT_OUTS = `INSERT INTO audit_log (district_id, at, actor, action, entity, entity_id, details)
     SELECT :district, s.status_changed_at, 'citizen:demo', 'subscriber.opt_out', 'subscriber', s.id::text,
            jsonb_build_object('reason', 'STOP', 'source', 'demo')
     FROM subscribers s WHERE s.district_id = :district AND s.consent_source = '${DEMO_SOURCE}' AND s.status = 'opted_out'
     ORDER BY s.status_changed_at`;
