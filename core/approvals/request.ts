import { randomBytes } from 'crypto';
import { audit } from '../audit';
import type { Db } from '../db';
import { MitanError } from '../errors';
import { maskPhone, normaliseStaffPhone } from '../phone';
import { setState } from '../content/repository';
import { allowedFrom, nextState, type ContentEvent } from '../content/state';
import type { Content } from '../content/types';
import { validateDraft } from '../content/validate';
import { wallTimeToDate } from '../time';
import { lockContent } from './content-lock';
import { recordPreviewSent } from './events';
import { approvalMessage, type ApproverMessenger } from './message';
import { buildPreview, type ContentPreview } from './preview';
import { insertApproval, markSendFailed, voidOpenApprovals } from './repository';
import type { Approval, ApprovalLinks, EscalateTo, MessageOptions, OnDeadline } from './types';

/** Putting content up for approval: the request row, its deadline, and the preview sent to the approver. */

/** 144 random bits, URL-safe: one per link set. */
export function newNonce(): string {
	return randomBytes(18).toString('base64url');
}

function phoneOrThrow(raw: string, field: string): string {
	const p = normaliseStaffPhone(raw);
	if (!p.ok) throw new MitanError('APPROVER_PHONE_INVALID', `${field} "${raw}": ${p.message}`, { field });
	return p.e164;
}

/** How an approver is named on pages and in the audit log: the name, else the masked phone. */
export function approverLabel(name: string | null | undefined, phone: string): string {
	return name && name.trim() !== '' ? name.trim() : maskPhone(phone);
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** A deadline as the Mitan Approval node's parameters describe it. */
export type DeadlineSpec =
	| { type: 'none' }
	| { type: 'afterTimeInterval'; amount: number; unit: string }
	| { type: 'atSpecifiedTime'; at: string; timeZone: string };

/**
 * The deadline and the reminder time of a request. A clock time without an offset is a wall time
 * in `timeZone` (n8n's dateTime parameter: the workflow's zone). A reminder that would fall in the
 * past is dropped, not sent at once.
 */
export function deadlineFrom(
	spec: DeadlineSpec,
	remindBeforeMinutes: number,
	now: Date,
): { deadlineAt: Date | null; remindAt: Date | null } {
	if (spec.type === 'none') return { deadlineAt: null, remindAt: null };
	let deadlineAt: Date | undefined;
	if (spec.type === 'afterTimeInterval') {
		const ms = UNIT_MS[spec.unit as keyof typeof UNIT_MS];
		if (!Number.isFinite(spec.amount) || spec.amount <= 0 || !ms)
			throw new MitanError('DEADLINE_INVALID', `Deadline: "${spec.amount} ${spec.unit}" is not a positive time interval`, {
				field: 'deadlineAmount',
			});
		deadlineAt = new Date(now.getTime() + spec.amount * ms);
	} else {
		deadlineAt = wallTimeToDate(spec.at, spec.timeZone);
		if (!deadlineAt)
			throw new MitanError('DEADLINE_INVALID', `Deadline Time: "${spec.at}" is not a date and time`, { field: 'deadlineAt' });
	}
	const remindAt = remindBeforeMinutes > 0 ? new Date(deadlineAt.getTime() - remindBeforeMinutes * 60_000) : null;
	return { deadlineAt, remindAt: remindAt && remindAt.getTime() > now.getTime() ? remindAt : null };
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

function checkEscalation(input: RequestInput, onDeadline: OnDeadline): EscalateTo | null {
	if (onDeadline !== 'escalate') return null;
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
	return {
		name: input.escalateTo.name ?? null,
		phone: phoneOrThrow(input.escalateTo.phone, 'escalate-to phone'),
		windowMinutes: input.escalateTo.windowMinutes,
	};
}

/** Puts content up for approval (draft → pending) and records the request. */
export async function requestApproval(db: Db, input: RequestInput, now = new Date()): Promise<RequestResult> {
	if (!Number.isInteger(input.contentId) || input.contentId <= 0)
		throw new MitanError('CONTENT_ID_INVALID', `Content ID: "${String(input.contentId)}" is not a content id`, { field: 'contentId' });
	const approverPhone = phoneOrThrow(input.approverPhone, 'approver phone');
	const onDeadline = input.onDeadline ?? 'reject';
	const escalateTo = checkEscalation(input, onDeadline);
	if (input.deadlineAt && !(input.deadlineAt.getTime() > now.getTime())) {
		throw new MitanError('DEADLINE_INVALID', `the deadline ${input.deadlineAt.toISOString()} is not in the future`, { field: 'deadline' });
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
			channels: content.channels,
		});
		const event: ContentEvent = content.state === 'pending' ? 'resubmit' : 'submit';
		const to = nextState(content.state, event, content.id);
		for (const a of await voidOpenApprovals(tx, content.id)) {
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

/**
 * The preview could not be sent: nobody can decide, so the request is void at once (and not left
 * for the deadline sweep) and the content goes back to draft.
 */
export async function failRequest(db: Db, a: Approval, reason: string): Promise<void> {
	await db.transaction(async (tx) => {
		if (!(await markSendFailed(tx, a.id))) return;
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

/**
 * The whole request: recorded, then the preview and links sent to the approver through `send`
 * (the caller's WhatsApp credential). When the send fails the request is void at once and the
 * error is raised.
 */
export async function requestAndSend(db: Db, input: RequestInput, send: ApproverMessenger, now = new Date()): Promise<RequestResult> {
	const r = await requestApproval(db, input, now);
	try {
		const wamid = await send(r.approval.approverPhone!, await approvalMessage(db, r.approval, r.preview));
		await recordPreviewSent(db, r.approval, wamid, 'request');
	} catch (e) {
		await failRequest(db, r.approval, (e as Error).message);
		throw e;
	}
	return r;
}
