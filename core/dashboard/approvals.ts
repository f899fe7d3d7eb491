import type { Db, Queryable } from '../db';
import { decide as decideApproval, listPending, resumeExecution, type DecideResult, type Decision, type PendingItem } from '../approvals';
import { parseId } from '../ids';
import type { PageData, Scope } from './types';

/**
 * The approval queue as the dashboard shows it. The queue, the preview and the decision itself
 * belong to core/approvals (one rule for the WhatsApp links and the dashboard); this file adds
 * the "decided on time" share and the state-level view across districts.
 */
export type { PendingItem };

/**
 * The state view's queue is one query over every district: a loop of one query per district
 * waited its turn in the pool twenty times, 6.5 s a request at 50 clients (issue 19 state bench).
 */
export async function pendingQueue(db: Queryable, scope: Scope): Promise<PendingItem[]> {
	return listPending(db, scope.districtId);
}

/** Share of requests of the last 30 days decided before their deadline (expired / escalated = late). */
export async function approvalsPage(db: Queryable, scope: Scope): Promise<PageData & { pending: PendingItem[] }> {
	const [pending, [stats]] = await Promise.all([
		pendingQueue(db, scope),
		db.query<{ due: number; on_time: number; approved: number; rejected: number; changes: number }>(
			`SELECT count(*)::int AS due,
              count(*) FILTER (WHERE decision IN ('approved', 'rejected', 'changes_requested')
                                 AND (deadline_at IS NULL OR decided_at <= deadline_at))::int AS on_time,
              count(*) FILTER (WHERE decision = 'approved')::int AS approved,
              count(*) FILTER (WHERE decision = 'rejected')::int AS rejected,
              count(*) FILTER (WHERE decision = 'changes_requested')::int AS changes
         FROM approvals
        WHERE requested_at > now() - interval '30 days' AND ($1::int IS NULL OR district_id = $1)
          AND decision IS DISTINCT FROM 'voided'
          AND (decision IS NOT NULL OR deadline_at < now())`,
			[scope.districtId],
		),
	]);
	return {
		scope,
		pending,
		cards: {
			pending: pending.length,
			decided_on_time_pct: stats.due ? Math.round((stats.on_time / stats.due) * 1000) / 10 : null,
			approved_30d: stats.approved,
			rejected_30d: stats.rejected,
			changes_30d: stats.changes,
		},
		charts: [
			{
				id: 'decisions_30d',
				kind: 'doughnut',
				labelKind: 'key',
				labels: ['approved', 'rejected', 'changes_requested', 'late_or_expired'],
				series: [{ key: 'decisions', data: [stats.approved, stats.rejected, stats.changes, Math.max(0, stats.due - stats.on_time)] }],
			},
		],
	};
}

export interface DashboardDecision {
	/** As the route received it (URL segment): checked here, the same for the form and the API. */
	approvalId: unknown;
	decision: unknown;
	comment?: unknown;
	/** The content hash the approver was shown (hidden field of the form). */
	seenHash: unknown;
	actor: string;
	/** null = state-level: may decide any district's item. */
	districtId: number | null;
	ip?: string | null;
}

/**
 * A decision from the dashboard: recorded (and audited) by core/approvals, then the waiting n8n
 * execution is resumed in the background; when that call fails the deadline sweep retries it.
 */
export async function decideFromDashboard(db: Db, d: DashboardDecision): Promise<DecideResult> {
	const approvalId = parseId(d.approvalId, 'id');
	const result = await decideApproval(db, {
		approvalId,
		decision: d.decision as Decision, // validated by core/approvals
		comment: typeof d.comment === 'string' ? d.comment : null,
		actor: d.actor,
		ip: d.ip,
		seenHash: typeof d.seenHash === 'string' ? d.seenHash : '',
		via: 'dashboard',
		districtId: d.districtId ?? undefined,
	});
	if (result.resumeUrl) void resumeExecution(result).catch(() => undefined);
	return result;
}
