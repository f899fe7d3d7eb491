import { audit } from '../audit';
import type { Queryable } from '../db';
import { maskPhone } from '../phone';
import { setPreviewWamid } from './repository';
import type { Approval } from './types';

/**
 * The audit events of an approval that no state change carries: a refused link, a viewed page,
 * a reminder, the preview sent. Every entry of an approval is filed under entity 'content' and
 * the content id, so `auditTrail(db, 'content', id)` reads as the whole story: created,
 * requested, reminded, escalated, decided, published. Phones are masked (the log outlives erasure).
 */

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
	await setPreviewWamid(db, a.id, wamid);
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
