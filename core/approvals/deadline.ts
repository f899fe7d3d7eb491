import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { httpStatusOf, MitanError } from '../errors';
import { maskPhone } from '../phone';
import { selectContent, setState } from '../content/repository';
import { allowedFrom } from '../content/state';
import type { Content } from '../content/types';
import { lockContent } from './content-lock';
import { claimResume, type DecideResult } from './decide';
import { recordPreviewSent, recordRefusal, recordReminder } from './events';
import { approvalMessage, type ApproverMessenger } from './message';
import { buildPreview, type ContentPreview } from './preview';
import { approverLabel, newNonce } from './request';
import { claimDue, insertApproval, recordOutcome, selectApproval } from './repository';
import type { Approval, ApprovalLinks } from './types';

/**
 * Deadlines: reminders before, then at the deadline escalation to the second approver or expiry,
 * and the resume of decisions taken outside n8n. The sweep (Mitan Approval "Settle Due") claims
 * the work; the waiting execution's own settle link does it (settle), so the decision leaves by
 * the node that waited for it.
 */

/** What a "settle" call (deadline sweep, dashboard) should do with a row right now. */
export type SettlePlan = 'resume' | 'escalate' | 'expire' | 'not_due' | 'already_resumed';

export function planSettle(a: Approval, now = new Date()): SettlePlan {
	if (a.resumedAt) return 'already_resumed';
	if (a.decision === 'escalated') return 'already_resumed';
	if (a.decision !== null) return 'resume';
	if (!a.deadlineAt || a.deadlineAt.getTime() > now.getTime()) return 'not_due';
	return a.onDeadline === 'escalate' && a.escalateTo ? 'escalate' : 'expire';
}

/** Nobody decided in time and there is nobody to escalate to: the content goes back to draft. */
export async function expire(db: Db, approvalId: number, now = new Date()): Promise<DecideResult> {
	return db.transaction(async (tx) => {
		const a = await selectApproval(tx, { id: approvalId }, { forUpdate: true });
		if (!a) throw new MitanError('APPROVAL_NOT_FOUND', `no approval ${approvalId}`);
		if (planSettle(a, now) !== 'expire')
			throw new MitanError(
				'APPROVAL_NOT_DUE',
				`approval ${approvalId} cannot expire now (${a.decision ?? 'open'}, deadline ${a.deadlineAt?.toISOString() ?? 'none'})`,
				{ approvalId },
			);
		const expired = await recordOutcome(tx, a.id, { decision: 'expired', by: 'system:deadline', via: 'deadline', resumed: true });
		if (!expired) throw new MitanError('APPROVAL_ALREADY_DECIDED', `approval ${approvalId} was decided a moment ago`, { approvalId });
		// Only if the content is still the text that was waiting; an edit already moved it on.
		const moved = await setState(tx, a.contentId, allowedFrom('expire'), 'draft', a.contentHash);
		const content = moved ?? (await selectContent(tx, a.contentId))!;
		await audit(tx, {
			districtId: a.districtId,
			actor: 'system:deadline',
			action: 'approval.expired',
			entity: 'content',
			entityId: a.contentId,
			contentHash: a.contentHash,
			details: { approvalId: a.id, level: a.level, deadlineAt: a.deadlineAt?.toISOString() ?? null, approver: a.approver },
		});
		return { approval: expired, content, output: 1, resumeUrl: null };
	});
}

/**
 * The deadline passed and a second approver is configured: this level is closed as 'escalated'
 * and a new link set (level + 1, `nonce` / `links` signed by the caller) goes to the second
 * approver. The content stays pending; the n8n execution keeps waiting.
 */
export async function escalate(
	db: Db,
	approvalId: number,
	next: { nonce: string; links: ApprovalLinks },
	now = new Date(),
): Promise<{ from: Approval; to: Approval; preview: ContentPreview }> {
	return db.transaction(async (tx) => {
		const a = await selectApproval(tx, { id: approvalId }, { forUpdate: true });
		if (!a) throw new MitanError('APPROVAL_NOT_FOUND', `no approval ${approvalId}`);
		if (planSettle(a, now) !== 'escalate' || !a.escalateTo)
			throw new MitanError('APPROVAL_NOT_DUE', `approval ${approvalId} cannot be escalated now`, { approvalId });
		const content = await lockContent(tx, a.contentId);
		const from = (await recordOutcome(tx, a.id, { decision: 'escalated', by: 'system:deadline', via: 'deadline', resumed: true }))!;
		const to = await insertApproval(tx, {
			contentId: a.contentId,
			districtId: a.districtId,
			contentHash: a.contentHash,
			level: a.level + 1,
			approver: approverLabel(a.escalateTo.name, a.escalateTo.phone),
			approverName: a.escalateTo.name ?? null,
			approverPhone: a.escalateTo.phone,
			deadlineAt: new Date(now.getTime() + a.escalateTo.windowMinutes * 60_000),
			remindAt: null,
			// The last level has nobody above it: its deadline rejects.
			onDeadline: 'reject',
			escalateTo: null,
			executionId: a.executionId,
			workflowId: a.workflowId,
			nonce: next.nonce,
			links: next.links,
			escalatedFrom: a.id,
			messageOptions: a.messageOptions,
		});
		await audit(tx, {
			districtId: a.districtId,
			actor: 'system:deadline',
			action: 'approval.escalated',
			entity: 'content',
			entityId: a.contentId,
			contentHash: a.contentHash,
			details: {
				fromApprovalId: a.id,
				fromLevel: a.level,
				fromApprover: a.approver,
				toApprovalId: to.id,
				toLevel: to.level,
				toApprover: to.approver,
				toPhone: maskPhone(to.approverPhone),
				deadlineAt: to.deadlineAt?.toISOString() ?? null,
			},
		});
		return { from, to, preview: buildPreview(content) };
	});
}

/** Work for the deadline sweep (see claimDue). */
export function claimDueWork(db: Queryable, now = new Date(), limit = 50): Promise<{ remind: Approval[]; settle: Approval[] }> {
	return claimDue(db, now, limit);
}

/** One thing the sweep did: a reminder sent, or a settle link posted (with n8n's answer). */
export interface SweepOutcome {
	action: 'remind' | SettlePlan;
	approval: Approval;
	wamid?: string | null;
	/** HTTP status n8n answered the settle link with. */
	status?: number;
	/** Why this one failed; the others still ran. */
	error?: unknown;
}

/**
 * The deadline sweep. Rows are claimed with SKIP LOCKED, so several workers (queue mode) never
 * remind or settle the same request twice. Settling POSTs the request's signed settle link
 * (`postSettleLink`, through n8n's HTTP helper): the waiting execution's own node then escalates,
 * rejects, or resumes a recorded decision. One failure never stops the rest.
 */
export async function runDeadlineSweep(
	db: Db,
	ports: { send: ApproverMessenger; postSettleLink: (url: string) => Promise<number> },
	opts: { limit?: number; now?: Date } = {},
): Promise<SweepOutcome[]> {
	const now = opts.now ?? new Date();
	const { remind, settle } = await claimDueWork(db, now, opts.limit ?? 50);
	const out: SweepOutcome[] = [];
	for (const a of remind) {
		const o: SweepOutcome = { action: 'remind', approval: a };
		try {
			const content = await selectContent(db, a.contentId);
			o.wamid = content
				? await ports.send(a.approverPhone!, await approvalMessage(db, a, buildPreview(content), { reminder: true }))
				: null;
			await recordReminder(db, a, o.wamid);
		} catch (e) {
			o.error = e;
		}
		out.push(o);
	}
	for (const a of settle) {
		const o: SweepOutcome = { action: planSettle(a, now), approval: a };
		try {
			o.status = await ports.postSettleLink(a.links.settle!);
		} catch (e) {
			o.error = e;
		}
		out.push(o);
	}
	return out;
}

/** What the settle link answers (JSON), and the decision to resume the execution with, if any. */
export interface SettleAnswer {
	status: number;
	body: Record<string, unknown>;
	resume?: { approval: Approval; content: Content | undefined };
}

/**
 * The settle link was posted (by the sweep, or the dashboard after a decision): do what is due
 * now. Escalation signs a new link set (`signLinks`, n8n's signer) for the second approver on the
 * same waiting execution and sends it; when that send fails the level-2 request stands and its
 * own deadline will reject it.
 */
export async function settle(
	db: Db,
	a: Approval,
	ports: { signLinks: (nonce: string) => Required<ApprovalLinks>; send: ApproverMessenger },
	ip: string | null,
): Promise<SettleAnswer> {
	const plan = planSettle(a);
	const notNow = (reason: 'not_due' | 'already_resumed'): SettleAnswer => ({
		status: httpStatusOf(new MitanError(reason === 'not_due' ? 'APPROVAL_NOT_DUE' : 'APPROVAL_ALREADY_RESUMED', reason)),
		body: { settled: false, reason, approvalId: a.id },
	});
	if (plan === 'not_due' || plan === 'already_resumed') return notNow(plan);
	if (plan === 'resume') {
		const claimed = await claimResume(db, a.id, 'system:settle', ip);
		if (!claimed) return notNow('already_resumed');
		return {
			status: 200,
			body: { settled: true, action: 'resume', decision: claimed.decision, approvalId: a.id },
			resume: { approval: claimed, content: await selectContent(db, a.contentId) },
		};
	}
	if (plan === 'expire') {
		const r = await expire(db, a.id);
		return {
			status: 200,
			body: { settled: true, action: 'expire', approvalId: a.id },
			resume: { approval: r.approval, content: r.content },
		};
	}
	const nonce = newNonce();
	const { to, preview } = await escalate(db, a.id, { nonce, links: ports.signLinks(nonce) });
	try {
		const wamid = await ports.send(to.approverPhone!, await approvalMessage(db, to, preview));
		await recordPreviewSent(db, to, wamid, 'escalation');
	} catch (e) {
		await recordRefusal(db, {
			approval: to,
			reason: 'escalation_send_failed',
			ip,
			actor: 'system:deadline',
			details: { error: (e as Error).message.slice(0, 300) },
		});
	}
	return { status: 200, body: { settled: true, action: 'escalate', approvalId: a.id, escalatedTo: to.id, level: to.level } };
}
