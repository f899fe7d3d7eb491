import type { Queryable } from '../db';
import { clockTimeIn, isoWeekStart, monthStart, todayIn } from '../time';
import type { AsOf, PageData, Scope } from './types';

/**
 * How fresh the figures are. Every change to a source row marks its day dirty in the same
 * transaction (migrations 050, 065) and keeps the first mark's time; the refresher applies and
 * clears them. So the rollups include every event before the oldest mark still pending, and
 * everything up to now when none is: that instant is what "as of hh:mm" says.
 */
export async function figuresAsOf(db: Queryable, scope: Scope, timeZone: string, now: Date = new Date()): Promise<AsOf> {
	const [r] = await db.query<{ oldest: Date | null }>(
		`SELECT min(marked_at) AS oldest FROM rollup_dirty_days WHERE ($1::int IS NULL OR district_id = $1)`,
		[scope.districtId],
	);
	const at = r.oldest && new Date(r.oldest) < now ? new Date(r.oldest) : now;
	return { at: at.toISOString(), time: clockTimeIn(timeZone, at), day: todayIn(timeZone, at) };
}

/**
 * Marks in each chart the period still under way, so it is drawn as "so far" rather than as a
 * fall: the label of today (day charts), of this week (week charts, Monday-based) or this month.
 */
export function markPartial(page: PageData, today: string): PageData {
	const current: Record<string, string> = { day: today, week: isoWeekStart(today), month: monthStart(today) };
	for (const c of page.charts) {
		const label = current[c.labelKind];
		if (label === undefined) continue;
		const i = c.labels.findIndex((l) => l >= label);
		if (i >= 0) c.partialFrom = i;
	}
	return page;
}
