import { applyFresh } from './scope';

/**
 * rollup_social_daily per (day, district, channel). social_metrics holds one snapshot a day of
 * each post's LIFETIME figures (core/publishing/insights.ts), so a day's views and reach are each
 * post's increase since its previous snapshot (the first snapshot counts whole). Summed over
 * days they give back the latest lifetime figures. posts = posts published that day.
 * Reach is unique accounts per post: the daily increase is an approximation, and adding posts'
 * reach counts an account once per post.
 */
export const SOCIAL_ROLLUP_SQL = (scopeCte: string) => `
WITH ${scopeCte},
parts AS (
  SELECT (p.published_at AT TIME ZONE sc.tz)::date AS day, p.district_id, p.channel, count(*) AS posts, 0::bigint AS views, 0::bigint AS reach
  FROM scope sc
  JOIN social_posts p ON p.district_id = sc.district_id AND p.state = 'published' AND p.published_at >= sc.t0 AND p.published_at < sc.t1
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT m.day, p.district_id, p.channel, 0,
         coalesce(sum(m.value - coalesce(prev.value, 0)) FILTER (WHERE m.metric = 'views'), 0),
         coalesce(sum(m.value - coalesce(prev.value, 0)) FILTER (WHERE m.metric = 'reach'), 0)
  FROM scope sc
  JOIN social_posts p ON p.district_id = sc.district_id
  JOIN social_metrics m ON m.post_id = p.id AND m.metric IN ('views', 'reach') AND m.day >= sc.d0 AND m.day < sc.d1
  LEFT JOIN LATERAL (
    SELECT q.value FROM social_metrics q WHERE q.post_id = m.post_id AND q.metric = m.metric AND q.day < m.day ORDER BY q.day DESC LIMIT 1
  ) prev ON true
  GROUP BY 1, 2, 3
),
fresh AS (
  SELECT day, district_id, channel, sum(posts)::int AS posts, sum(views)::bigint AS views, sum(reach)::bigint AS reach
  FROM parts GROUP BY 1, 2, 3
)${applyFresh('rollup_social_daily', ['day', 'district_id', 'channel'], ['posts', 'views', 'reach'])}`;
