import type { Queryable } from '../db';
import { canSee, canSeeSensitive, type Viewer } from '../complaints/visibility';
import { maskPhone } from '../phone';
import { eachWeek } from './dates';
import type { Chart, DateRange, PageData, Scope } from './types';

/** Complaints per category per week, by police station, opened vs closed, time to acknowledge. Rollups only. */

/**
 * The median of several days' medians weighted by their counts: the rollup keeps a median per
 * (day, category, station), not every sample, so this is the closest exact-from-rollup figure.
 */
export function weightedMedian(pairs: Array<{ median: number | null; count: number }>): number | null {
	const xs = pairs.filter((p) => p.median !== null && p.count > 0).sort((a, b) => (a.median as number) - (b.median as number));
	const total = xs.reduce((s, p) => s + p.count, 0);
	if (total === 0) return null;
	let seen = 0;
	for (const p of xs) {
		seen += p.count;
		if (seen * 2 >= total) return p.median;
	}
	return null;
}

export async function complaintsPage(db: Queryable, scope: Scope, range: DateRange): Promise<PageData> {
	const weeks = eachWeek(range);
	const wIdx = new Map(weeks.map((w, i) => [w, i]));
	const [byWeekCat, byStation, acks, firsts] = await Promise.all([
		db.query<{ week: string; category: string; opened: number; closed: number; money_loss: number; over_48h: number }>(
			`SELECT date_trunc('week', day)::date AS week, category, sum(opened)::int AS opened, sum(closed)::int AS closed,
              sum(money_loss)::int AS money_loss, sum(over_48h)::int AS over_48h
         FROM rollup_complaints_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3)
        GROUP BY 1, 2`,
			[range.from, range.to, scope.districtId],
		),
		db.query<{ station: string; opened: number; closed: number }>(
			`SELECT police_station AS station, sum(opened)::int AS opened, sum(closed)::int AS closed
         FROM rollup_complaints_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3)
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 25`,
			[range.from, range.to, scope.districtId],
		),
		// The week is computed in SQL: formatting thousands of dates in JavaScript costs more than the query.
		// Equal medians of a week are summed there too (weightedMedian's answer is the same): at state
		// scale a month is tens of thousands of rollup rows, and each one sent to JavaScript costs.
		db.query<{ week: string; median: number; count: number }>(
			`SELECT date_trunc('week', day)::date AS week, ack_seconds_median AS median, sum(ack_count)::int AS count
         FROM rollup_complaints_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3) AND ack_count > 0 AND ack_seconds_median IS NOT NULL
        GROUP BY 1, 2`,
			[range.from, range.to, scope.districtId],
		),
		// The first reply an officer sent from the desk (the automatic acknowledgement is ack_*).
		db.query<{ week: string; median: number; count: number }>(
			`SELECT date_trunc('week', day)::date AS week, first_response_seconds_median AS median, sum(first_response_count)::int AS count
         FROM rollup_complaints_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3) AND first_response_count > 0
          AND first_response_seconds_median IS NOT NULL
        GROUP BY 1, 2`,
			[range.from, range.to, scope.districtId],
		),
	]);
	const categories = [...new Set(byWeekCat.map((r) => r.category))].sort();
	const perCat = new Map(categories.map((c) => [c, weeks.map(() => 0)]));
	const opened = weeks.map(() => 0);
	const closed = weeks.map(() => 0);
	const over48 = weeks.map(() => 0);
	let moneyLoss = 0;
	for (const r of byWeekCat) {
		const i = wIdx.get(r.week);
		if (i === undefined) continue;
		perCat.get(r.category)![i] += r.opened;
		opened[i] += r.opened;
		closed[i] += r.closed;
		over48[i] += r.over_48h;
		moneyLoss += r.money_loss;
	}
	const ackByWeek = weeks.map(() => [] as Array<{ median: number; count: number }>);
	for (const a of acks) {
		const i = wIdx.get(a.week);
		if (i !== undefined) ackByWeek[i].push(a);
	}
	const firstByWeek = weeks.map(() => [] as Array<{ median: number; count: number }>);
	for (const a of firsts) {
		const i = wIdx.get(a.week);
		if (i !== undefined) firstByWeek[i].push(a);
	}
	const minutes = (sec: number | null) => (sec === null ? null : Math.round((sec / 60) * 10) / 10);
	const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
	// A week cut by the start of the range is labelled by its first day inside the range.
	const labels = weeks.map((w) => (w < range.from ? range.from : w));
	const charts: Chart[] = [
		{
			id: 'complaints_by_category',
			kind: 'bar',
			labelKind: 'week',
			stacked: true,
			labels,
			series: categories.map((c) => ({ key: c, data: perCat.get(c)! })),
		},
		{
			id: 'complaints_open_closed',
			kind: 'bar',
			labelKind: 'week',
			labels,
			series: [
				{ key: 'opened', data: opened },
				{ key: 'closed', data: closed },
				{ key: 'complaints_over_48h', data: over48 },
			],
		},
		{
			id: 'complaints_by_station',
			kind: 'bar',
			labelKind: 'text',
			horizontal: true,
			labels: byStation.map((s) => s.station || '—'),
			series: [
				{ key: 'opened', data: byStation.map((s) => s.opened) },
				{ key: 'closed', data: byStation.map((s) => s.closed) },
			],
		},
		{
			id: 'ack_median',
			kind: 'line',
			labelKind: 'week',
			unit: 'seconds',
			labels,
			series: [
				{ key: 'median_ack_minutes', data: ackByWeek.map((p) => Math.round(((weightedMedian(p) ?? 0) / 60) * 10) / 10) },
				{ key: 'median_first_response_minutes', data: firstByWeek.map((p) => minutes(weightedMedian(p)) ?? 0) },
			],
		},
	];
	const medianAll = weightedMedian(acks);
	return {
		range,
		scope,
		cards: {
			complaints_opened: sum(opened),
			complaints_closed: sum(closed),
			complaints_backlog: Math.max(0, sum(opened) - sum(closed)),
			money_loss: moneyLoss,
			median_ack_minutes: medianAll === null ? null : Math.round((medianAll / 60) * 10) / 10,
			median_first_response_minutes: minutes(weightedMedian(firsts)),
			complaints_over_48h: sum(over48),
		},
		charts,
	};
}

export interface RecentComplaint {
	ref: string;
	createdAt: Date;
	category: string;
	policeStation: string | null;
	status: string;
	sensitive: boolean;
	moneyLoss: boolean | null;
	summary: string | null;
	phone: string | null;
}

/**
 * The newest complaints (a small live list, LIMIT-bounded on complaints_by_day). Phone numbers are
 * always masked. Women / child complaints are listed only to whom core/complaints/visibility.ts
 * allows them: for anyone else even their reference, category and station would point at a person
 * in a small station area, so they are left out in SQL (the LIMIT still fills with visible rows).
 */
export async function recentComplaints(db: Queryable, scope: Scope, viewer: Viewer, limit = 12): Promise<RecentComplaint[]> {
	const rows = await db.query<{
		ref: string;
		created_at: Date;
		category: string;
		category_override: string | null;
		police_station: string | null;
		status: string;
		sensitive: boolean;
		money_loss: boolean;
		summary: string | null;
		phone: string | null;
	}>(
		`SELECT c.ref, c.created_at, c.category, c.category_override, c.police_station, c.status, c.sensitive, c.money_loss, c.summary,
              coalesce(s.phone, s.wa_user_id) AS phone
       FROM complaints c LEFT JOIN subscribers s ON s.id = c.subscriber_id
      WHERE ($1::int IS NULL OR c.district_id = $1) AND ($3::boolean OR NOT c.sensitive)
      ORDER BY c.created_at DESC LIMIT $2`,
		[scope.districtId, limit, canSeeSensitive(viewer)],
	);
	// canSee() again per row: the SQL filter is the fast path, the rule stays the one owner's.
	return rows
		.filter((r) => canSee(viewer, { sensitive: r.sensitive }))
		.map((r) => ({
			ref: r.ref,
			createdAt: r.created_at,
			category: r.category_override ?? r.category,
			policeStation: r.police_station,
			status: r.status,
			sensitive: r.sensitive,
			moneyLoss: r.money_loss,
			summary: r.summary,
			// The number, else the BSUID: either masked the same way (core/phone.ts).
			phone: maskPhone(r.phone),
		}));
}
