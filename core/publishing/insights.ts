/**
 * Pulls insights for recently published posts (the reach workflow) and stores them in
 * social_metrics as a daily snapshot of each post's lifetime figures; marks the days the social
 * rollup must recompute. A network or a metric that fails is reported, never fatal to the rest.
 */
import type { Db } from '../db';
import { districtTimeZone } from '../districts';
import { MitanError } from '../errors';
import { createPublisher, postChannels, withCredentials, type PublisherOptions, type SocialCredentials } from '../channels/registry';
import type { SocialChannel } from '../channels/types';
import type { Problem } from '../problem';
import { todayIn } from '../time';
import { listRecentPublished } from './posts';

export interface MetricsPullOptions {
	/** Posts published in the last N days (default 7; X serves private metrics for 30). */
	days?: number;
	channels?: SocialChannel[];
	districtId?: number;
	timezone?: string;
	publisherOptions?: PublisherOptions;
}

export interface PostMetrics {
	postId: number;
	channel: SocialChannel;
	externalId: string;
	metrics: Record<string, number>;
	problems: Problem[];
	error?: { code: string; action: string; message: string };
}

export interface MetricsPullResult {
	day: string;
	posts: number;
	written: number;
	failedPosts: number;
	results: PostMetrics[];
}

export async function fetchMetricsForRecentPosts(
	db: Db,
	creds: SocialCredentials,
	opts: MetricsPullOptions = {},
): Promise<MetricsPullResult> {
	const days = opts.days ?? 7;
	if (!Number.isFinite(days) || days <= 0 || days > 90)
		throw new MitanError('METRICS_DAYS_INVALID', `days must be between 1 and 90 (got ${days})`, { field: 'days' });
	const day = todayIn(opts.timezone ?? (await districtTimeZone(db, opts.districtId)));
	const channels = withCredentials(opts.channels ?? postChannels(), creds);
	const posts = channels.length ? await listRecentPublished(db, { days, channels, districtId: opts.districtId }) : [];
	const publishers = new Map(channels.map((c) => [c, createPublisher(c, creds, opts.publisherOptions)]));
	const results: PostMetrics[] = [];
	const rows: { post_id: number; metric: string; value: number }[] = [];
	for (const p of posts) {
		const r: PostMetrics = { postId: p.id, channel: p.channel, externalId: p.external_id!, metrics: {}, problems: [] };
		try {
			const m = await publishers.get(p.channel)!.fetchMetrics(p.external_id!);
			r.metrics = m.metrics;
			r.problems = m.problems;
			for (const [metric, value] of Object.entries(m.metrics)) rows.push({ post_id: p.id, metric, value: Math.round(value) });
		} catch (e) {
			const err = e instanceof MitanError ? e : new MitanError('SOCIAL_METRICS_FAILED', (e as Error).message);
			r.error = { code: err.code, action: err.action, message: err.message };
		}
		results.push(r);
	}
	if (rows.length) {
		await db.transaction(async (tx) => {
			await tx.query(
				`INSERT INTO social_metrics (post_id, day, metric, value, fetched_at)
         SELECT r.post_id, $2::date, r.metric, r.value, now() FROM jsonb_to_recordset($1::jsonb) AS r(post_id bigint, metric text, value bigint)
         ON CONFLICT (post_id, day, metric) DO UPDATE SET value = EXCLUDED.value, fetched_at = now()`,
				[JSON.stringify(rows), day],
			);
		});
	}
	// The days whose figures changed are marked dirty by social_metrics' own trigger (migration 050).
	return { day, posts: posts.length, written: rows.length, failedPosts: results.filter((r) => r.error).length, results };
}
