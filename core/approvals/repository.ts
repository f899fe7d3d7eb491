import type { Queryable } from '../db';
import type { Approval, ApprovalLinks, Decision, EscalateTo, MessageOptions, OnDeadline, Outcome } from './types';

/** SQL for the approvals table; nothing else writes it. */
interface ApprovalRow {
	id: number;
	content_id: number;
	district_id: number;
	content_hash: string;
	level: number;
	approver: string;
	approver_name: string | null;
	approver_phone: string | null;
	requested_at: Date;
	deadline_at: Date | null;
	decision: Outcome | null;
	comment: string | null;
	decided_by: string | null;
	decided_at: Date | null;
	decided_ip: string | null;
	decided_via: string | null;
	execution_id: string | null;
	workflow_id: string | null;
	nonce: string | null;
	on_deadline: OnDeadline;
	escalate_to: EscalateTo | null;
	links: ApprovalLinks;
	remind_at: Date | null;
	reminded_at: Date | null;
	settle_fired_at: Date | null;
	resumed_at: Date | null;
	escalated_from: number | null;
	preview_wamid: string | null;
	message_options: MessageOptions;
	[k: string]: unknown;
}

export function toApproval(r: ApprovalRow): Approval {
	return {
		id: Number(r.id),
		contentId: Number(r.content_id),
		districtId: r.district_id,
		contentHash: r.content_hash,
		level: r.level,
		approver: r.approver,
		approverName: r.approver_name,
		approverPhone: r.approver_phone,
		requestedAt: r.requested_at,
		deadlineAt: r.deadline_at,
		decision: r.decision,
		comment: r.comment,
		decidedBy: r.decided_by,
		decidedAt: r.decided_at,
		decidedIp: r.decided_ip,
		decidedVia: r.decided_via,
		executionId: r.execution_id,
		workflowId: r.workflow_id,
		nonce: r.nonce,
		onDeadline: r.on_deadline,
		escalateTo: r.escalate_to,
		links: r.links ?? {},
		remindAt: r.remind_at,
		remindedAt: r.reminded_at,
		settleFiredAt: r.settle_fired_at,
		resumedAt: r.resumed_at,
		escalatedFrom: r.escalated_from === null ? null : Number(r.escalated_from),
		previewWamid: r.preview_wamid,
		messageOptions: r.message_options ?? {},
	};
}

export interface NewApproval {
	contentId: number;
	districtId: number;
	contentHash: string;
	level: number;
	approver: string;
	approverName: string | null;
	approverPhone: string;
	deadlineAt: Date | null;
	remindAt: Date | null;
	onDeadline: OnDeadline;
	escalateTo: EscalateTo | null;
	executionId: string | null;
	workflowId: string | null;
	nonce: string;
	links: ApprovalLinks;
	escalatedFrom: number | null;
	messageOptions: MessageOptions;
}

export async function insertApproval(db: Queryable, a: NewApproval): Promise<Approval> {
	const [r] = await db.query<ApprovalRow>(
		`INSERT INTO approvals (content_id, district_id, content_hash, level, approver, approver_name, approver_phone, deadline_at, remind_at,
       on_deadline, escalate_to, execution_id, workflow_id, nonce, links, escalated_from, message_options)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15::jsonb, $16, $17::jsonb) RETURNING *`,
		[
			a.contentId,
			a.districtId,
			a.contentHash,
			a.level,
			a.approver,
			a.approverName,
			a.approverPhone,
			a.deadlineAt,
			a.remindAt,
			a.onDeadline,
			a.escalateTo ? JSON.stringify(a.escalateTo) : null,
			a.executionId,
			a.workflowId,
			a.nonce,
			JSON.stringify(a.links),
			a.escalatedFrom,
			JSON.stringify(a.messageOptions),
		],
	);
	return toApproval(r);
}

export async function selectApproval(
	db: Queryable,
	by: { id?: number; nonce?: string },
	opts: { forUpdate?: boolean } = {},
): Promise<Approval | undefined> {
	const lock = opts.forUpdate ? ' FOR UPDATE' : '';
	const [r] =
		by.nonce !== undefined
			? await db.query<ApprovalRow>(`SELECT * FROM approvals WHERE nonce = $1${lock}`, [by.nonce])
			: await db.query<ApprovalRow>(`SELECT * FROM approvals WHERE id = $1${lock}`, [by.id]);
	return r ? toApproval(r) : undefined;
}

export async function approvalsOfContent(db: Queryable, contentId: number): Promise<Approval[]> {
	const rows = await db.query<ApprovalRow>('SELECT * FROM approvals WHERE content_id = $1 ORDER BY id', [contentId]);
	return rows.map(toApproval);
}

/** Records an outcome on an undecided row only; undefined when someone got there first (a replay). */
export async function recordOutcome(
	db: Queryable,
	id: number,
	o: { decision: Outcome; comment?: string | null; by: string; ip?: string | null; via: string; resumed?: boolean },
): Promise<Approval | undefined> {
	const [r] = await db.query<ApprovalRow>(
		`UPDATE approvals SET decision = $2, comment = $3, decided_by = $4, decided_ip = $5, decided_via = $6, decided_at = now(),
       resumed_at = CASE WHEN $7 THEN now() ELSE resumed_at END
     WHERE id = $1 AND decision IS NULL RETURNING *`,
		[id, o.decision, o.comment ?? null, o.by, o.ip ?? null, o.via, o.resumed === true],
	);
	return r ? toApproval(r) : undefined;
}

/** Claims the one resume of a decided row; undefined when it was resumed already. */
export async function markResumed(db: Queryable, id: number): Promise<Approval | undefined> {
	const [r] = await db.query<ApprovalRow>(
		'UPDATE approvals SET resumed_at = now() WHERE id = $1 AND decision IS NOT NULL AND resumed_at IS NULL RETURNING *',
		[id],
	);
	return r ? toApproval(r) : undefined;
}

/** The wamid of the preview sent for a request (the status webhooks tell whether it arrived). */
export async function setPreviewWamid(db: Queryable, id: number, wamid: string): Promise<void> {
	await db.query('UPDATE approvals SET preview_wamid = $2 WHERE id = $1', [id, wamid]);
}

/** The preview never reached the approver: the open request is void at once. False: decided meanwhile. */
export async function markSendFailed(db: Queryable, id: number): Promise<boolean> {
	const done = await db.query(
		`UPDATE approvals SET decision = 'voided', decided_at = now(), decided_by = 'system:approval', decided_via = 'send_failed', resumed_at = now()
     WHERE id = $1 AND decision IS NULL RETURNING id`,
		[id],
	);
	return done.length > 0;
}

/** An edit makes every open request for the old text void. Returns the rows voided. */
export async function voidOpenApprovals(db: Queryable, contentId: number): Promise<Approval[]> {
	const rows = await db.query<ApprovalRow>(
		`UPDATE approvals SET decision = 'voided', decided_at = now(), decided_by = 'system:content-edit', decided_via = 'edit'
     WHERE content_id = $1 AND decision IS NULL RETURNING *`,
		[contentId],
	);
	return rows.map(toApproval);
}

/** Open requests of a district, or of every district (null: the state view), soonest deadline first. */
export async function pendingRows(db: Queryable, districtId: number | null): Promise<Approval[]> {
	const rows = await db.query<ApprovalRow>(
		'SELECT * FROM approvals WHERE ($1::int IS NULL OR district_id = $1) AND decision IS NULL ORDER BY deadline_at NULLS LAST, id',
		[districtId],
	);
	return rows.map(toApproval);
}

/**
 * Claims work for the deadline sweep, safely with several n8n workers: rows to remind, rows past
 * their deadline, and decided rows whose execution was never resumed (a dashboard decision whose
 * call to n8n failed, an edit that voided a request). A claimed settle is retried after 5 minutes.
 */
export async function claimDue(db: Queryable, now: Date, limit: number): Promise<{ remind: Approval[]; settle: Approval[] }> {
	const remind = await db.query<ApprovalRow>(
		`UPDATE approvals SET reminded_at = $1 WHERE id IN (
       SELECT id FROM approvals WHERE decision IS NULL AND remind_at <= $1 AND reminded_at IS NULL
         AND (deadline_at IS NULL OR deadline_at > $1) ORDER BY remind_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
		[now, limit],
	);
	const settle = await db.query<ApprovalRow>(
		`UPDATE approvals SET settle_fired_at = $1 WHERE id IN (
       SELECT id FROM approvals WHERE links->>'settle' IS NOT NULL AND resumed_at IS NULL
         AND (settle_fired_at IS NULL OR settle_fired_at < $1::timestamptz - interval '5 minutes')
         AND ((decision IS NULL AND deadline_at <= $1) OR (decision IS NOT NULL AND decision <> 'escalated'))
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
		[now, limit],
	);
	return { remind: remind.map(toApproval), settle: settle.map(toApproval) };
}

export type { Decision };
