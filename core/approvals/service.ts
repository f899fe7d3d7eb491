import { randomBytes } from 'crypto';
import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { maskPhone, normalisePhone } from '../phone';
import { contentHash } from '../content/hash';
import { selectContent, setState } from '../content/repository';
import { allowedFrom, nextState, type ContentEvent } from '../content/state';
import type { Content } from '../content/types';
import { validateDraft } from '../content/validate';
import { buildPreview, type ContentPreview } from './preview';
import { claimDue, insertApproval, markResumed, pendingRows, recordOutcome, selectApproval, voidOpenApprovals } from './repository';
import {
	DECISIONS,
	OUTPUT_OF,
	type Approval,
	type ApprovalLinks,
	type Decision,
	type EscalateTo,
	type MessageOptions,
	type OnDeadline,
} from './types';

/**
 * The approval service: request, decide, escalate, expire, resume, and the dashboard's queue.
 * Used by the Mitan Approval node (links on WhatsApp) and by the dashboard (buttons); both end in
 * the same `decide`, so the rules (one decision per link set, bound to the exact content hash,
 * recorded in the audit log with who, when and from where) hold whichever way the approver decides.
 *
 * Every audit entry of an approval is filed under entity 'content' and the content id, so
 * `auditTrail(db, 'content', id)` reads as the whole story: created, requested, reminded,
 * escalated, decided, published.
 */

/** 144 random bits, URL-safe: one per link set. */
export function newNonce(): string {
	return randomBytes(18).toString('base64url');
}

function phoneOrThrow(raw: string, field: string): string {
	const p = normalisePhone(raw);
	if (!p.ok) throw new MitanError('APPROVER_PHONE_INVALID', `${field} "${raw}": ${p.message}`, { field });
	return p.e164;
}

function approverLabel(name: string | null | undefined, phone: string): string {
	return name && name.trim() !== '' ? name.trim() : maskPhone(phone);
}

async function lockContent(tx: Queryable, contentId: number, districtId?: number): Promise<Content> {
	const c = await selectContent(tx, contentId, { forUpdate: true });
	if (!c || (districtId !== undefined && c.districtId !== districtId)) {
		throw new MitanError(
			'CONTENT_NOT_FOUND',
			`no content with id ${contentId}${districtId !== undefined ? ` in district ${districtId}` : ''}`,
			{ contentId },
		);
	}
	// The stored hash must still describe the stored text: a direct SQL edit would not update it.
	if (contentHash(c) !== c.contentHash) {
		throw new MitanError(
			'CONTENT_TAMPERED',
			`content ${contentId} was changed outside Police Mitan (its text no longer matches its hash): save it again through the dashboard`,
			{ contentId },
		);
	}
	return c;
}

export interface RequestInput {
	contentId: number;
	districtId?: number;
	approverPhone: string;
	approverName?: string | null;
	deadlineAt?: Date | null;
	remindAt?: Date | null;
	onDeadline?: OnDeadline;
	escalateTo?: EscalateTo | null;
	executionId?: string | null;
	workflowId?: string | null;
	/** From newNonce(); the signed links carry it. */
	nonce: string;
	links: ApprovalLinks;
	messageOptions?: MessageOptions;
	actor: string;
	ip?: string | null;
}

export interface RequestResult {
	approval: Approval;
	content: Content;
	preview: ContentPreview;
}

/** Puts content up for approval (draft → pending) and records the request. */
export async function requestApproval(db: Db, input: RequestInput, now = new Date()): Promise<RequestResult> {
	const approverPhone = phoneOrThrow(input.approverPhone, 'approver phone');
	const onDeadline = input.onDeadline ?? 'reject';
	let escalateTo: EscalateTo | null = null;
	if (onDeadline === 'escalate') {
		if (!input.escalateTo?.phone)
			throw new MitanError('ESCALATION_MISSING', 'on deadline "escalate" needs a second approver\'s phone (escalate to)', {
				field: 'escalateTo.phone',
			});
		if (!input.deadlineAt) throw new MitanError('ESCALATION_MISSING', 'on deadline "escalate" needs a deadline', { field: 'deadline' });
		if (!Number.isFinite(input.escalateTo.windowMinutes) || input.escalateTo.windowMinutes <= 0) {
			throw new MitanError(
				'DEADLINE_INVALID',
				`the second approver's time must be a positive number of minutes, got ${input.escalateTo.windowMinutes}`,
				{ field: 'escalateTo.windowMinutes' },
			);
		}
		escalateTo = {
			name: input.escalateTo.name ?? null,
			phone: phoneOrThrow(input.escalateTo.phone, 'escalate-to phone'),
			windowMinutes: input.escalateTo.windowMinutes,
		};
	}
	if (input.deadlineAt && !(input.deadlineAt.getTime() > now.getTime())) {
		throw new MitanError('DEADLINE_INVALID', `the deadline ${input.deadlineAt.toISOString()} is not in the future`, {
			field: 'deadline',
		});
	}
	if (!input.links.approve || !input.links.reject || !input.links.changes) {
		throw new MitanError('APPROVAL_LINKS_MISSING', 'an approval request needs approve, reject and request-changes links');
	}
	return db.transaction(async (tx) => {
		const content = await lockContent(tx, input.contentId, input.districtId);
		// What is approved must be publishable as it is: check every channel's rules now.
		validateDraft({
			title: content.title,
			bodyHi: content.bodyHi,
			bodyEn: content.bodyEn,
			imageUrl: content.imageUrl,
			category: content.category,
			targetDate: content.targetDate,
			variants: content.variants,
		});
		const event: ContentEvent = content.state === 'pending' ? 'resubmit' : 'submit';
		const to = nextState(content.state, event, content.id);
		const superseded = await voidOpenApprovals(tx, content.id);
		for (const a of superseded) {
			await audit(tx, {
				districtId: content.districtId,
				actor: input.actor,
				action: 'approval.voided',
				entity: 'content',
				entityId: content.id,
				ip: input.ip,
				contentHash: a.contentHash,
				details: { reason: 'superseded_by_new_request', approvalId: a.id, level: a.level },
			});
		}
		const moved = await setState(tx, content.id, allowedFrom(event), to, content.contentHash);
		if (!moved) throw new MitanError('CONTENT_CHANGED', `content ${content.id} changed while approval was being requested`);
		const approval = await insertApproval(tx, {
			contentId: content.id,
			districtId: content.districtId,
			contentHash: content.contentHash,
			level: 1,
			approver: approverLabel(input.approverName, approverPhone),
			approverName: input.approverName?.trim() || null,
			approverPhone,
			deadlineAt: input.deadlineAt ?? null,
			remindAt: input.remindAt ?? null,
			onDeadline,
			escalateTo,
			executionId: input.executionId ?? null,
			workflowId: input.workflowId ?? null,
			nonce: input.nonce,
			links: input.links,
			escalatedFrom: null,
			messageOptions: input.messageOptions ?? {},
		});
		await audit(tx, {
			districtId: content.districtId,
			actor: input.actor,
			action: 'approval.requested',
			entity: 'content',
			entityId: content.id,
			ip: input.ip,
			contentHash: content.contentHash,
			details: {
				approvalId: approval.id,
				level: 1,
				approver: approval.approver,
				approverPhone: maskPhone(approverPhone),
				deadlineAt: approval.deadlineAt?.toISOString() ?? null,
				onDeadline,
				escalateTo: escalateTo
					? { name: escalateTo.name, phone: maskPhone(escalateTo.phone), windowMinutes: escalateTo.windowMinutes }
					: null,
				executionId: approval.executionId,
				workflowId: approval.workflowId,
			},
		});
		return { approval, content: moved, preview: buildPreview(moved) };
	});
}

export interface DecideInput {
	/** One of approvalId (dashboard) or nonce (signed link). */
	approvalId?: number;
	nonce?: string;
	decision: Decision;
	comment?: string | null;
	/** Who decided: 'user:<login>' from the dashboard session, 'approver:<name>' from a link. */
	actor: string;
	ip?: string | null;
	/** The content hash the approver was shown: the decision binds to it. */
	seenHash: string;
	via: 'link' | 'dashboard';
	/** The dashboard passes the session's district: approvals of other districts are not found. */
	districtId?: number;
	/** The caller resumes the n8n execution itself in this request (the webhook does). */
	resumedNow?: boolean;
}

export interface DecideResult {
	approval: Approval;
	content: Content;
	/** Output of the Mitan Approval node this decision leaves by: 0 approved, 1 rejected, 2 changes. */
	output: 0 | 1 | 2;
	/**
	 * For decisions taken outside n8n (dashboard): POST here to resume the waiting execution
	 * (`resumeExecution`). The deadline sweep retries it when that call fails.
	 */
	resumeUrl: string | null;
}

const EVENT_OF: Record<Decision, ContentEvent> = { approved: 'approve', rejected: 'reject', changes_requested: 'request_changes' };
export const MAX_COMMENT = 2000;

/** Records the approver's decision, once, for the exact content they saw. */
export async function decide(db: Db, input: DecideInput): Promise<DecideResult> {
	if (!DECISIONS.includes(input.decision))
		throw new MitanError('DECISION_INVALID', `"${String(input.decision)}" is not a decision (one of ${DECISIONS.join(', ')})`, {
			field: 'decision',
		});
	const comment = typeof input.comment === 'string' && input.comment.trim() !== '' ? input.comment.trim() : null;
	if (input.decision === 'changes_requested' && !comment) {
		throw new MitanError(
			'COMMENT_REQUIRED',
			'say what must change: a comment is required to request changes / बदलाव बताने के लिए टिप्पणी लिखें',
			{ field: 'comment' },
		);
	}
	if (comment && [...comment].length > MAX_COMMENT)
		throw new MitanError('COMMENT_TOO_LONG', `the comment is ${[...comment].length} characters; at most ${MAX_COMMENT}`, {
			field: 'comment',
		});
	if (input.approvalId === undefined && input.nonce === undefined)
		throw new MitanError('APPROVAL_KEY_MISSING', 'decide needs an approval id or a link nonce');
	return db.transaction(async (tx) => {
		const a = await selectApproval(tx, { id: input.approvalId, nonce: input.nonce }, { forUpdate: true });
		if (!a || (input.districtId !== undefined && a.districtId !== input.districtId)) {
			throw new MitanError('APPROVAL_NOT_FOUND', 'no such approval request (the link is wrong or was never issued)');
		}
		if (a.decision !== null) {
			throw new MitanError(
				'APPROVAL_ALREADY_DECIDED',
				`this request was already ${a.decision.replace('_', ' ')}${a.decidedBy ? ` by ${a.decidedBy}` : ''}${a.decidedAt ? ` at ${a.decidedAt.toISOString()}` : ''}: a link works once`,
				{ approvalId: a.id, decision: a.decision, decidedBy: a.decidedBy, decidedAt: a.decidedAt?.toISOString() ?? null },
			);
		}
		if (input.seenHash !== a.contentHash) {
			throw new MitanError(
				'APPROVAL_HASH_MISMATCH',
				`the text you saw (hash ${String(input.seenHash).slice(0, 12)}) is not the text this request is for (hash ${a.contentHash.slice(0, 12)}): reload and check it again`,
				{ approvalId: a.id, seenHash: input.seenHash, contentHash: a.contentHash },
			);
		}
		const content = await lockContent(tx, a.contentId);
		if (content.contentHash !== a.contentHash) {
			// update() voids open requests in the same transaction as the edit; this is the backstop.
			throw new MitanError(
				'APPROVAL_VOID',
				`content ${a.contentId} was edited after this request was sent: the request is void, a new one will follow`,
				{ approvalId: a.id },
			);
		}
		const event = EVENT_OF[input.decision];
		const to = nextState(content.state, event, content.id);
		const moved = await setState(
			tx,
			content.id,
			allowedFrom(event),
			to,
			a.contentHash,
			input.decision === 'approved' ? { by: input.actor } : undefined,
		);
		if (!moved) throw new MitanError('CONTENT_CHANGED', `content ${content.id} changed while the decision was being recorded`);
		const decided = await recordOutcome(tx, a.id, {
			decision: input.decision,
			comment,
			by: input.actor,
			ip: input.ip,
			via: input.via,
			resumed: input.resumedNow,
		});
		if (!decided)
			throw new MitanError('APPROVAL_ALREADY_DECIDED', 'this request was decided a moment ago: a link works once', {
				approvalId: a.id,
			});
		await audit(tx, {
			districtId: a.districtId,
			actor: input.actor,
			action: 'approval.decided',
			entity: 'content',
			entityId: a.contentId,
			ip: input.ip,
			contentHash: a.contentHash,
			details: { approvalId: a.id, level: a.level, decision: input.decision, comment, via: input.via, executionId: a.executionId },
		});
		return {
			approval: decided,
			content: moved,
			output: OUTPUT_OF[input.decision] as 0 | 1 | 2,
			resumeUrl: input.resumedNow ? null : (a.links.settle ?? null),
		};
	});
}

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

/** Claims the single resume of a decided row (webhook). Undefined: it was resumed already (replay). */
export async function claimResume(db: Db, approvalId: number, actor: string, ip?: string | null): Promise<Approval | undefined> {
	return db.transaction(async (tx) => {
		const a = await markResumed(tx, approvalId);
		if (a)
			await audit(tx, {
				districtId: a.districtId,
				actor,
				action: 'approval.resumed',
				entity: 'content',
				entityId: a.contentId,
				ip,
				contentHash: a.contentHash,
				details: { approvalId: a.id, decision: a.decision, executionId: a.executionId },
			});
		return a;
	});
}

export async function getApproval(db: Queryable, by: { id?: number; nonce?: string }): Promise<Approval | undefined> {
	return selectApproval(db, by);
}

/** A refused link (bad signature, replay, wrong hash, not due): kept for the security record. */
export async function recordRefusal(
	db: Queryable,
	r: { approval?: Approval; reason: string; ip?: string | null; actor?: string; details?: Record<string, unknown> },
): Promise<void> {
	await audit(db, {
		districtId: r.approval?.districtId ?? null,
		actor: r.actor ?? 'anonymous',
		action: 'approval.refused',
		entity: 'content',
		entityId: r.approval?.contentId ?? null,
		ip: r.ip,
		contentHash: r.approval?.contentHash ?? null,
		details: { reason: r.reason, approvalId: r.approval?.id ?? null, ...(r.details ?? {}) },
	});
}

/** The approver opened the decision page (who saw what, when, from where). */
export async function recordView(db: Queryable, a: Approval, ip?: string | null, userAgent?: string | null): Promise<void> {
	await audit(db, {
		districtId: a.districtId,
		actor: `approver:${a.approver}`,
		action: 'approval.viewed',
		entity: 'content',
		entityId: a.contentId,
		ip,
		contentHash: a.contentHash,
		details: { approvalId: a.id, level: a.level, userAgent: userAgent ? userAgent.slice(0, 200) : null },
	});
}

export async function recordReminder(db: Queryable, a: Approval, wamid: string | null): Promise<void> {
	await audit(db, {
		districtId: a.districtId,
		actor: 'system:deadline',
		action: 'approval.reminded',
		entity: 'content',
		entityId: a.contentId,
		contentHash: a.contentHash,
		details: { approvalId: a.id, level: a.level, approver: a.approver, approverPhone: maskPhone(a.approverPhone), wamid },
	});
}

export async function recordPreviewSent(db: Queryable, a: Approval, wamid: string, kind: 'request' | 'escalation'): Promise<void> {
	await db.query('UPDATE approvals SET preview_wamid = $2 WHERE id = $1', [a.id, wamid]);
	await audit(db, {
		districtId: a.districtId,
		actor: 'system:approval',
		action: 'approval.preview_sent',
		entity: 'content',
		entityId: a.contentId,
		contentHash: a.contentHash,
		details: { approvalId: a.id, level: a.level, kind, approverPhone: maskPhone(a.approverPhone), wamid },
	});
}

/**
 * The preview could not be sent: nobody can decide, so the request is void at once (and not left
 * for the deadline sweep) and the content goes back to draft.
 */
export async function failRequest(db: Db, a: Approval, reason: string): Promise<void> {
	await db.transaction(async (tx) => {
		const done = await tx.query(
			`UPDATE approvals SET decision = 'voided', decided_at = now(), decided_by = 'system:approval', decided_via = 'send_failed', resumed_at = now() WHERE id = $1 AND decision IS NULL RETURNING id`,
			[a.id],
		);
		if (done.length === 0) return;
		await setState(tx, a.contentId, allowedFrom('expire'), 'draft', a.contentHash);
		await audit(tx, {
			districtId: a.districtId,
			actor: 'system:approval',
			action: 'approval.send_failed',
			entity: 'content',
			entityId: a.contentId,
			contentHash: a.contentHash,
			details: { approvalId: a.id, level: a.level, reason: reason.slice(0, 500) },
		});
	});
}

export interface PendingItem {
	approvalId: number;
	level: number;
	approver: string;
	approverPhoneMasked: string;
	requestedAt: Date;
	deadlineAt: Date | null;
	overdue: boolean;
	onDeadline: OnDeadline;
	escalatedFrom: number | null;
	contentHash: string;
	content: Content;
	/** Exactly what will be published, per channel. */
	preview: ContentPreview;
}

/** The dashboard's approval queue: open requests of a district, soonest deadline first. */
export async function listPending(db: Queryable, districtId: number, now = new Date()): Promise<PendingItem[]> {
	const rows = await pendingRows(db, districtId);
	const out: PendingItem[] = [];
	for (const a of rows) {
		const content = await selectContent(db, a.contentId);
		if (!content) continue;
		out.push({
			approvalId: a.id,
			level: a.level,
			approver: a.approver,
			approverPhoneMasked: maskPhone(a.approverPhone),
			requestedAt: a.requestedAt,
			deadlineAt: a.deadlineAt,
			overdue: a.deadlineAt !== null && a.deadlineAt.getTime() <= now.getTime(),
			onDeadline: a.onDeadline,
			escalatedFrom: a.escalatedFrom,
			contentHash: a.contentHash,
			content,
			preview: buildPreview(content),
		});
	}
	return out;
}

/** Work for the deadline sweep (see claimDue). */
export function claimDueWork(db: Queryable, now = new Date(), limit = 50): Promise<{ remind: Approval[]; settle: Approval[] }> {
	return claimDue(db, now, limit);
}

/**
 * After a dashboard decision: wakes the waiting n8n execution through the settle link. A failure
 * is not fatal (the decision is recorded; the deadline sweep retries), so it returns the status.
 */
export async function resumeExecution(
	result: Pick<DecideResult, 'resumeUrl'>,
	fetchImpl: typeof fetch = fetch,
): Promise<{ ok: boolean; status: number | null; error?: string }> {
	if (!result.resumeUrl) return { ok: false, status: null, error: 'no waiting execution to resume' };
	try {
		const r = await fetchImpl(result.resumeUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'via=dashboard',
		});
		return { ok: r.ok, status: r.status };
	} catch (e) {
		return { ok: false, status: null, error: (e as Error).message };
	}
}
