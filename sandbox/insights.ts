/**
 * Insights metric catalogues as of Graph v25 (Meta's Page and Instagram insights references, as
 * of 2026: `impressions`-style metrics are gone, `views` replaced them) and deterministic values.
 * The catalogues matter more than the numbers: one deprecated or unknown metric fails the WHOLE
 * call with (#100), as Meta does, which is the breakage clients must survive.
 */
import { GraphError } from './errors';
import { hashString } from './prng';

export const FB_PAGE_METRICS = new Set([
	'page_media_view',
	'page_total_media_view_unique',
	'page_post_engagements',
	'page_total_actions',
	'page_daily_follows',
	'page_daily_follows_unique',
	'page_daily_unfollows_unique',
	'page_follows',
	'page_video_views',
	'page_views_total',
]);

export const FB_POST_METRICS = new Set([
	'post_media_view',
	'post_total_media_view_unique',
	'post_clicks',
	'post_reactions_by_type_total',
	'post_reactions_like_total',
]);

export const IG_MEDIA_METRICS = new Set([
	'views',
	'reach',
	'likes',
	'comments',
	'shares',
	'saved',
	'total_interactions',
	'profile_visits',
	'follows',
]);
export const IG_USER_METRICS = new Set([
	'views',
	'reach',
	'accounts_engaged',
	'total_interactions',
	'follower_count',
	'profile_views',
	'likes',
	'comments',
	'shares',
	'saves',
]);
/** Instagram user metrics Meta serves only as metric_type=total_value. */
const IG_TOTAL_VALUE_ONLY = new Set([
	'views',
	'accounts_engaged',
	'total_interactions',
	'likes',
	'comments',
	'shares',
	'saves',
	'profile_views',
]);

const IG_DEPRECATED = new Set(['impressions', 'plays', 'clips_replays_count', 'ig_reels_aggregated_all_plays_count', 'video_views']);

export function parseMetrics(param: unknown): string[] {
	const list = typeof param === 'string' ? param.split(',') : Array.isArray(param) ? param.map(String) : [];
	const out = list.map((m) => m.trim()).filter(Boolean);
	if (!out.length) throw new GraphError(400, 100, '(#100) The parameter metric is required');
	return out;
}

export function checkFacebookMetrics(metrics: string[], allowed: Set<string>): void {
	for (const m of metrics) {
		if (!allowed.has(m)) throw new GraphError(400, 100, '(#100) The value must be a valid insights metric');
	}
}

export function checkInstagramMetrics(metrics: string[], allowed: Set<string>, metricType: unknown): void {
	for (const m of metrics) {
		if (m === 'impressions') {
			throw new GraphError(
				400,
				100,
				'(#100) Starting from version v22.0 and above, the impressions metric is no longer supported. Please use the views metric instead.',
			);
		}
		if (IG_DEPRECATED.has(m)) throw new GraphError(400, 100, `(#100) The ${m} metric is no longer supported.`);
		if (!allowed.has(m)) throw new GraphError(400, 100, `(#100) metric[0] must be one of the following values: ${[...allowed].join(', ')}`);
	}
	if (allowed === IG_USER_METRICS && metricType !== 'total_value') {
		const needs = metrics.filter((m) => IG_TOTAL_VALUE_ONLY.has(m));
		if (needs.length) {
			throw new GraphError(
				400,
				100,
				`(#100) The following metrics (${needs.join(', ')}) should be specified with parameter metric_type=total_value`,
			);
		}
	}
}

/** A stable value per object and metric that grows with the object's age (hours). */
export function metricValue(objectId: string, metric: string, ageHours: number): number {
	const base = (hashString(`${objectId}:${metric}`) % 900) + 100;
	return Math.round(base * Math.min(1 + ageHours / 24, 30));
}

const title = (m: string): string => m.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/** Graph's insights shape: one entry per metric, a values[] series with end_time. */
export function seriesInsights(objectId: string, metrics: string[], period: string, nowMs: number, ageHours: number): unknown {
	const endTime = new Date(Math.floor(nowMs / 86_400_000) * 86_400_000 + 7 * 3600_000).toISOString().replace('.000Z', '+0000');
	return {
		data: metrics.map((m) => ({
			name: m,
			period,
			values: [{ value: metricValue(objectId, m, ageHours), end_time: endTime }],
			title: title(m),
			description: `Sandbox value for ${m}`,
			id: `${objectId}/insights/${m}/${period}`,
		})),
		paging: { previous: 'https://graph.facebook.com/sandbox/previous', next: 'https://graph.facebook.com/sandbox/next' },
	};
}

export function lifetimeInsights(objectId: string, metrics: string[], ageHours: number): unknown {
	return {
		data: metrics.map((m) => ({
			name: m,
			period: 'lifetime',
			values: [{ value: metricValue(objectId, m, ageHours) }],
			title: title(m),
			description: `Sandbox value for ${m}`,
			id: `${objectId}/insights/${m}/lifetime`,
		})),
	};
}

export function totalValueInsights(objectId: string, metrics: string[], period: string, ageHours: number): unknown {
	return {
		data: metrics.map((m) => ({
			name: m,
			period,
			title: title(m),
			description: `Sandbox value for ${m}`,
			total_value: { value: metricValue(objectId, m, ageHours) },
			id: `${objectId}/insights/${m}/${period}`,
		})),
	};
}
