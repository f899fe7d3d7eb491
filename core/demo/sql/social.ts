/** One post a day on each network; cumulative insight snapshots for the seven days after. */
import { rnd } from './random';

/** Facebook, Instagram and X posts of each day's content. */
export const SOCIAL_POSTS = `INSERT INTO social_posts (district_id, content_id, content_key, channel, state, external_id, url, attempts, created_at, published_at)
     SELECT :district, c.id, 'demo:' || c.target_date, ch.channel, 'published', ch.channel || '_demo_' || to_char(c.target_date, 'YYYYMMDD'),
            'https://example.org/demo/' || ch.channel || '/' || to_char(c.target_date, 'YYYYMMDD'), 1,
            (c.target_date::timestamp + interval '10 hours') AT TIME ZONE :tz,
            (c.target_date::timestamp + interval '10 hours 5 minutes') AT TIME ZONE :tz
     FROM content c CROSS JOIN (VALUES ('facebook'), ('instagram'), ('x')) AS ch(channel)
     WHERE c.district_id = :district AND c.created_by = 'demo' AND c.target_date BETWEEN :start::date AND :start::date + (:days - 1)
     ORDER BY c.target_date, ch.channel`;

/** Views, reach and likes, growing towards each post's total. */
export const SOCIAL_METRICS = `INSERT INTO social_metrics (post_id, day, metric, value, fetched_at)
     SELECT p.id, p.day + t, m.metric, round(total * m.share * (1 - power(0.5, t + 1)))::bigint,
            ((p.day + t)::timestamp + interval '23 hours') AT TIME ZONE :tz
     FROM (
       SELECT sp.id, (sp.published_at AT TIME ZONE :tz)::date AS day,
              CASE sp.channel WHEN 'facebook' THEN 2000 + 6000 * r WHEN 'instagram' THEN 1000 + 4000 * r ELSE 300 + 1700 * r END AS total
       FROM social_posts sp
       CROSS JOIN LATERAL (SELECT ${rnd("((sp.published_at AT TIME ZONE :tz)::date - :start::date) * 10 + CASE sp.channel WHEN 'facebook' THEN 1 WHEN 'instagram' THEN 2 ELSE 3 END", 41)} AS r) x
       WHERE sp.district_id = :district AND sp.content_key LIKE 'demo:%'
     ) p
     CROSS JOIN generate_series(0, 6) AS t
     CROSS JOIN (VALUES ('views', 1.0), ('reach', 0.62), ('likes', 0.04)) AS m(metric, share)
     WHERE p.day + t <= :start::date + (:days - 1)
     ORDER BY p.id, t, m.metric`;
