import type { Queryable } from '../db';
import { eachDay } from './dates';
import { spendByMonth, spendInRange } from './spend';
import type { Chart, DateRange, PageData, Scope } from './types';

/** Reach: WhatsApp delivered/read and social views per day, WhatsApp reach per police station, and what it cost. Rollups only. */
export async function reachPage(db: Queryable, scope: Scope, range: DateRange): Promise<PageData> {
	const days = eachDay(range);
	const idx = new Map(days.map((d, i) => [d, i]));
	const zeros = () => days.map(() => 0);
	const [wa, social, stations, spend, spendMonths] = await Promise.all([
		db.query<{ day: string; delivered: number; read: number; sent: number }>(
			`SELECT day, sum(delivered)::int AS delivered, sum(read)::int AS read, sum(sent)::int AS sent
         FROM rollup_whatsapp_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3)
        GROUP BY day`,
			[range.from, range.to, scope.districtId],
		),
		db.query<{ day: string; channel: string; views: number; posts: number }>(
			`SELECT day, channel, sum(views)::bigint AS views, sum(posts)::int AS posts
         FROM rollup_social_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3)
        GROUP BY day, channel`,
			[range.from, range.to, scope.districtId],
		),
		db.query<{ station: string; delivered: number; read: number }>(
			`SELECT police_station AS station, sum(delivered)::int AS delivered, sum(read)::int AS read
         FROM rollup_whatsapp_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3)
        GROUP BY police_station
        ORDER BY sum(delivered) DESC, police_station
        LIMIT 25`,
			[range.from, range.to, scope.districtId],
		),
		spendInRange(db, scope, range),
		spendByMonth(db, scope, range.to),
	]);
	const delivered = zeros();
	const read = zeros();
	let sent = 0;
	for (const r of wa) {
		const i = idx.get(r.day);
		if (i === undefined) continue;
		delivered[i] = r.delivered;
		read[i] = r.read;
		sent += r.sent;
	}
	const views: Record<string, number[]> = { facebook: zeros(), instagram: zeros(), x: zeros() };
	let posts = 0;
	for (const r of social) {
		const i = idx.get(r.day);
		if (i === undefined || !views[r.channel]) continue;
		views[r.channel][i] = Number(r.views);
		posts += r.posts;
	}
	const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
	const totalDelivered = sum(delivered);
	const charts: Chart[] = [
		{
			id: 'whatsapp_daily',
			kind: 'line',
			labelKind: 'day',
			labels: days,
			series: [
				{ key: 'delivered', data: delivered },
				{ key: 'read', data: read },
			],
		},
		{
			id: 'social_daily',
			kind: 'line',
			labelKind: 'day',
			labels: days,
			series: [
				{ key: 'facebook_views', data: views.facebook },
				{ key: 'instagram_views', data: views.instagram },
				{ key: 'x_impressions', data: views.x },
			],
		},
		{
			id: 'reach_by_station',
			kind: 'bar',
			labelKind: 'text',
			horizontal: true,
			labels: stations.map((s) => s.station || '—'),
			series: [
				{ key: 'delivered', data: stations.map((s) => s.delivered) },
				{ key: 'read', data: stations.map((s) => s.read) },
			],
		},
		spend.byBroadcast,
		spendMonths,
	];
	return {
		range,
		scope,
		cards: {
			wa_sent: sent,
			wa_delivered: totalDelivered,
			wa_read: sum(read),
			read_rate: totalDelivered ? Math.round((sum(read) / totalDelivered) * 1000) / 10 : null,
			facebook_views: sum(views.facebook),
			instagram_views: sum(views.instagram),
			x_impressions: sum(views.x),
			social_posts: posts,
			...spend.cards,
		},
		charts,
	};
}
