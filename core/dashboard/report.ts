import type { Queryable } from '../db';
import { complaintsPage } from './complaints';
import { reachPage } from './reach';
import { rosterPage } from './roster';
import type { DateRange, PageData, Scope } from './types';

/** The printable monthly report: the same rollup queries as the pages, over one calendar month. */
export interface MonthlyReport {
	month: string;
	range: DateRange;
	scope: Scope;
	reach: PageData;
	complaints: PageData;
	roster: PageData;
	approvals: { requested: number; approved: number; rejected: number; changes: number; onTimePct: number | null };
}

export async function monthlyReport(db: Queryable, scope: Scope, range: DateRange & { month: string }): Promise<MonthlyReport> {
	const r: DateRange = { from: range.from, to: range.to, days: range.days };
	const [reach, complaints, roster, [a]] = await Promise.all([
		reachPage(db, scope, r),
		complaintsPage(db, scope, r),
		rosterPage(db, scope, r),
		db.query<{ requested: number; approved: number; rejected: number; changes: number; due: number; on_time: number }>(
			`SELECT count(*)::int AS requested,
              count(*) FILTER (WHERE decision = 'approved')::int AS approved,
              count(*) FILTER (WHERE decision = 'rejected')::int AS rejected,
              count(*) FILTER (WHERE decision = 'changes_requested')::int AS changes,
              count(*) FILTER (WHERE decision IS NOT NULL OR deadline_at < now())::int AS due,
              count(*) FILTER (WHERE decision IN ('approved', 'rejected', 'changes_requested')
                                 AND (deadline_at IS NULL OR decided_at <= deadline_at))::int AS on_time
         FROM approvals a JOIN districts d ON d.id = a.district_id
        WHERE (a.requested_at AT TIME ZONE d.timezone)::date BETWEEN $1 AND $2 AND ($3::int IS NULL OR a.district_id = $3)`,
			[r.from, r.to, scope.districtId],
		),
	]);
	return {
		month: range.month,
		range: r,
		scope,
		reach,
		complaints,
		roster,
		approvals: {
			requested: a.requested,
			approved: a.approved,
			rejected: a.rejected,
			changes: a.changes,
			onTimePct: a.due ? Math.round((a.on_time / a.due) * 1000) / 10 : null,
		},
	};
}
