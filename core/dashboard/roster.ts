import type { Db, Queryable } from '../db';
import { eachDay } from './dates';
import type { Chart, DateRange, PageData, Scope } from './types';

/**
 * Roster composition comes from rollup_roster_snapshot (one grouped scan of subscribers,
 * refreshed at most every SNAPSHOT_MAX_AGE_SECONDS), growth and opt-outs per day from
 * rollup_whatsapp_daily: a chart never scans the roster itself.
 */
export const SNAPSHOT_MAX_AGE_SECONDS = 600;
/** Any constant: it only has to be the same in every process refreshing one database. */
const ROSTER_SNAPSHOT_LOCK = 77_0600_0001;

/** Rebuilds the snapshot for every district in one transaction (readers see old or new, never half). */
export async function refreshRosterSnapshot(db: Db): Promise<number> {
	return db.transaction(async (tx) => {
		// Two app processes refreshing at once take turns instead of colliding on the primary key.
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ROSTER_SNAPSHOT_LOCK]);
		await tx.query('DELETE FROM rollup_roster_snapshot');
		const rows = await tx.query<{ n: number }>(
			`WITH ins AS (
         INSERT INTO rollup_roster_snapshot (district_id, police_station, language, consent_source, status, subscribers)
         SELECT district_id, COALESCE(police_station, ''), COALESCE(language, ''), COALESCE(consent_source, ''), status, count(*)
           FROM subscribers GROUP BY 1, 2, 3, 4, 5
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
		);
		return rows[0].n;
	});
}

let refreshing: Promise<unknown> | undefined;
/** Refreshes a missing or stale snapshot once per process at a time; concurrent readers wait for the same refresh. */
export async function ensureRosterSnapshot(db: Db): Promise<void> {
	const [r] = await db.query<{ age: number | null }>(
		'SELECT extract(epoch FROM now() - max(refreshed_at))::float8 AS age FROM rollup_roster_snapshot',
	);
	if (r.age !== null && r.age < SNAPSHOT_MAX_AGE_SECONDS) return;
	refreshing ??= refreshRosterSnapshot(db).finally(() => {
		refreshing = undefined;
	});
	await refreshing;
}

export async function rosterTotals(
	db: Queryable,
	scope: Scope,
): Promise<{ active: number; opted_out: number; invalid: number; erased: number }> {
	const rows = await db.query<{ status: string; n: number }>(
		`SELECT status, sum(subscribers)::int AS n FROM rollup_roster_snapshot
      WHERE ($1::int IS NULL OR district_id = $1) GROUP BY status`,
		[scope.districtId],
	);
	const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
	return { active: by.active ?? 0, opted_out: by.opted_out ?? 0, invalid: by.invalid ?? 0, erased: by.erased ?? 0 };
}

export async function rosterPage(db: Queryable, scope: Scope, range: DateRange): Promise<PageData> {
	const days = eachDay(range);
	const idx = new Map(days.map((d, i) => [d, i]));
	const [daily, langs, sources, stations, totals] = await Promise.all([
		db.query<{ day: string; new_subscribers: number; opt_outs: number }>(
			`SELECT day, sum(new_subscribers)::int AS new_subscribers, sum(opt_outs)::int AS opt_outs
         FROM rollup_whatsapp_daily
        WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3) GROUP BY day`,
			[range.from, range.to, scope.districtId],
		),
		db.query<{ k: string; n: number }>(
			`SELECT language AS k, sum(subscribers)::int AS n FROM rollup_roster_snapshot
        WHERE status = 'active' AND ($1::int IS NULL OR district_id = $1) GROUP BY 1 ORDER BY 2 DESC`,
			[scope.districtId],
		),
		db.query<{ k: string; n: number }>(
			`SELECT consent_source AS k, sum(subscribers)::int AS n FROM rollup_roster_snapshot
        WHERE status = 'active' AND ($1::int IS NULL OR district_id = $1) GROUP BY 1 ORDER BY 2 DESC LIMIT 12`,
			[scope.districtId],
		),
		db.query<{ k: string; n: number }>(
			`SELECT police_station AS k, sum(subscribers)::int AS n FROM rollup_roster_snapshot
        WHERE status = 'active' AND ($1::int IS NULL OR district_id = $1) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 25`,
			[scope.districtId],
		),
		rosterTotals(db, scope),
	]);
	const added = days.map(() => 0);
	const optOuts = days.map(() => 0);
	for (const r of daily) {
		const i = idx.get(r.day);
		if (i === undefined) continue;
		added[i] = r.new_subscribers;
		optOuts[i] = r.opt_outs;
	}
	// Active roster at the end of each day, walked back from today's snapshot by each day's net change.
	const size = days.map(() => 0);
	let running = totals.active;
	for (let i = days.length - 1; i >= 0; i--) {
		size[i] = Math.max(0, running);
		running -= added[i] - optOuts[i];
	}
	const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
	const charts: Chart[] = [
		{ id: 'roster_size', kind: 'line', labelKind: 'day', labels: days, series: [{ key: 'active_subscribers', data: size }] },
		{
			id: 'roster_daily',
			kind: 'bar',
			labelKind: 'day',
			labels: days,
			series: [
				{ key: 'new_subscribers', data: added },
				{ key: 'opt_outs', data: optOuts },
			],
		},
		{
			id: 'languages',
			kind: 'doughnut',
			labelKind: 'key',
			labels: langs.map((l) => l.k || 'unknown'),
			series: [{ key: 'subscribers', data: langs.map((l) => l.n) }],
		},
		{
			id: 'consent_sources',
			kind: 'bar',
			labelKind: 'key',
			horizontal: true,
			labels: sources.map((s) => s.k || 'unknown'),
			series: [{ key: 'subscribers', data: sources.map((s) => s.n) }],
		},
		{
			id: 'roster_by_station',
			kind: 'bar',
			labelKind: 'text',
			horizontal: true,
			labels: stations.map((s) => s.k || '—'),
			series: [{ key: 'subscribers', data: stations.map((s) => s.n) }],
		},
	];
	return {
		range,
		scope,
		cards: {
			roster_active: totals.active,
			roster_opted_out: totals.opted_out,
			roster_invalid: totals.invalid,
			new_in_range: sum(added),
			opt_outs_in_range: sum(optOuts),
		},
		charts,
	};
}
