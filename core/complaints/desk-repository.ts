import type { Queryable } from '../db';
import type { ComplaintCategory } from './categories';
import type { ComplaintStatus } from './status';

/** The desk's SQL: the queue, the thread of a case, and what officers write. The service holds the rules. */

export type AgeFilter = 'under_24h' | '24_48h' | 'over_48h';

export interface QueueFilter {
	districtId: number | null;
	status?: ComplaintStatus | 'open';
	category?: ComplaintCategory;
	policeStation?: string;
	moneyLoss?: boolean;
	age?: AgeFilter;
	/** Only cases whose latest message to the citizen failed (true), or any (undefined). */
	replyFailed?: boolean;
	includeSensitive: boolean;
	offset: number;
	limit: number;
}

export interface QueueRow {
	id: number;
	ref: string;
	createdAt: Date;
	category: ComplaintCategory;
	policeStation: string | null;
	assignedOfficer: string | null;
	status: ComplaintStatus;
	moneyLoss: boolean;
	sensitive: boolean;
	summary: string | null;
	phone: string | null;
	firstResponseAt: Date | null;
	closedAt: Date | null;
	messageCount: number;
	/** The latest message to the citizen did not reach them (LAST_REPLY_FAILED). */
	replyFailed: boolean;
}

const AGE_SQL: Record<AgeFilter, string> = {
	under_24h: `c.created_at > now() - interval '24 hours'`,
	'24_48h': `c.created_at <= now() - interval '24 hours' AND c.created_at > now() - interval '48 hours'`,
	over_48h: `c.created_at <= now() - interval '48 hours'`,
};

/**
 * Open cases first in the order they move (new, acknowledged, forwarded), money lost before the
 * rest (1930 can still freeze it), oldest first within each; closed ones last, newest first.
 */
const ORDER = `CASE c.status WHEN 'new' THEN 0 WHEN 'acknowledged' THEN 1 WHEN 'forwarded' THEN 2 ELSE 3 END,
  CASE WHEN c.status = 'closed' THEN 0 ELSE (NOT c.money_loss)::int END,
  CASE WHEN c.status = 'closed' THEN -extract(epoch FROM c.closed_at) ELSE extract(epoch FROM c.created_at) END, c.id`;

/**
 * Whether a case's newest message to the citizen did not reach them: refused at once (error_code)
 * or failed afterwards by Meta's status webhook (any 'failed' event outranks the rest, as in
 * thread.ts). The status only moves forward, so this is what tells an officer "acknowledged" is
 * not true for the citizen. The queue's flag, its filter and the case page all read this one rule.
 */
const LAST_REPLY_FAILED = `coalesce((SELECT cr.error_code IS NOT NULL
     OR EXISTS (SELECT 1 FROM status_events se WHERE se.wamid = cr.wamid AND se.status = 'failed')
   FROM complaint_replies cr WHERE cr.complaint_id = c.id ORDER BY cr.created_at DESC, cr.id DESC LIMIT 1), false)`;

export async function queue(db: Queryable, f: QueueFilter): Promise<{ rows: QueueRow[]; total: number }> {
	const where = [
		'($1::int IS NULL OR c.district_id = $1)',
		// $2 is named in both forms: PostgreSQL must learn its type even when "open" leaves it NULL.
		f.status === 'open' ? `(c.status <> 'closed' AND $2::text IS NULL)` : '($2::text IS NULL OR c.status = $2)',
		'($3::text IS NULL OR coalesce(c.category_override, c.category) = $3)',
		'($4::text IS NULL OR c.police_station = $4)',
		'($5::boolean IS NULL OR c.money_loss = $5)',
		'($6::boolean OR NOT c.sensitive)',
		`($7::boolean IS NULL OR ${LAST_REPLY_FAILED} = $7)`,
		f.age ? AGE_SQL[f.age] : 'true',
	].join(' AND ');
	const params = [
		f.districtId,
		f.status === 'open' ? null : (f.status ?? null),
		f.category ?? null,
		f.policeStation ?? null,
		f.moneyLoss ?? null,
		f.includeSensitive,
		f.replyFailed ?? null,
	];
	const [rows, [count]] = await Promise.all([
		db.query(
			`SELECT c.id, c.ref, c.created_at, coalesce(c.category_override, c.category) AS category, c.police_station, c.assigned_officer,
              c.status, c.money_loss, c.sensitive, c.summary, coalesce(im.from_phone, s.phone, im.from_user_id, s.wa_user_id) AS phone, c.first_response_at,
              c.closed_at, c.message_count, ${LAST_REPLY_FAILED} AS reply_failed
         FROM complaints c
         LEFT JOIN inbound_messages im ON im.id = c.inbound_message_id
         LEFT JOIN subscribers s ON s.id = c.subscriber_id
        WHERE ${where} ORDER BY ${ORDER} OFFSET $8 LIMIT $9`,
			[...params, f.offset, f.limit],
		),
		db.query<{ n: number }>(`SELECT count(*)::int AS n FROM complaints c WHERE ${where}`, params),
	]);
	return {
		total: Number(count.n),
		rows: rows.map((r) => ({
			id: Number(r.id),
			ref: r.ref as string,
			createdAt: new Date(r.created_at as string),
			category: r.category as ComplaintCategory,
			policeStation: (r.police_station as string | null) ?? null,
			assignedOfficer: (r.assigned_officer as string | null) ?? null,
			status: r.status as ComplaintStatus,
			moneyLoss: r.money_loss as boolean,
			sensitive: r.sensitive as boolean,
			summary: (r.summary as string | null) ?? null,
			phone: (r.phone as string | null) ?? null,
			firstResponseAt: r.first_response_at ? new Date(r.first_response_at as string) : null,
			closedAt: r.closed_at ? new Date(r.closed_at as string) : null,
			messageCount: Number(r.message_count),
			replyFailed: r.reply_failed === true,
		})),
	};
}

/** The stations complaints name, for the queue's filter. */
export async function stations(db: Queryable, districtId: number | null): Promise<string[]> {
	const rows = await db.query<{ ps: string }>(
		`SELECT DISTINCT police_station AS ps FROM complaints WHERE ($1::int IS NULL OR district_id = $1) AND police_station IS NOT NULL ORDER BY 1 LIMIT 200`,
		[districtId],
	);
	return rows.map((r) => r.ps);
}

export interface DeskFields {
	assignedOfficer: string | null;
	assignedAt: Date | null;
	ncrpAck: string | null;
	outcome: string | null;
	firstResponseAt: Date | null;
	/** The latest message to the citizen did not reach them (LAST_REPLY_FAILED). */
	lastReplyFailed: boolean;
}

export async function deskFields(db: Queryable, id: number): Promise<DeskFields> {
	const [r] = await db.query(
		`SELECT assigned_officer, assigned_at, ncrp_ack, outcome, first_response_at, ${LAST_REPLY_FAILED} AS last_reply_failed
       FROM complaints c WHERE c.id = $1`,
		[id],
	);
	const d = (v: unknown) => (v ? new Date(v as string) : null);
	return {
		assignedOfficer: (r?.assigned_officer as string | null) ?? null,
		assignedAt: d(r?.assigned_at),
		ncrpAck: (r?.ncrp_ack as string | null) ?? null,
		outcome: (r?.outcome as string | null) ?? null,
		firstResponseAt: d(r?.first_response_at),
		lastReplyFailed: r?.last_reply_failed === true,
	};
}

export async function assign(db: Queryable, id: number, to: { policeStation?: string; officer?: string }, by: string): Promise<void> {
	await db.query(
		`UPDATE complaints SET police_station = coalesce($2, police_station), assigned_officer = coalesce($3, assigned_officer),
            assigned_at = now(), assigned_by = $4, updated_at = now() WHERE id = $1`,
		[id, to.policeStation ?? null, to.officer ?? null, by],
	);
}

export async function setNcrpAck(db: Queryable, id: number, ack: string): Promise<void> {
	await db.query('UPDATE complaints SET ncrp_ack = $2, updated_at = now() WHERE id = $1', [id, ack]);
}

export async function setOutcome(db: Queryable, id: number, outcome: string): Promise<void> {
	await db.query('UPDATE complaints SET outcome = $2, updated_at = now() WHERE id = $1', [id, outcome]);
}

export async function insertNote(db: Queryable, id: number, author: string, body: string): Promise<number> {
	const [r] = await db.query<{ id: number }>('INSERT INTO complaint_notes (complaint_id, author, body) VALUES ($1, $2, $3) RETURNING id', [
		id,
		author,
		body,
	]);
	return Number(r.id);
}

/** The messages the intake sends by itself (the acknowledgement, the answer to a follow-up): not an officer's response. */
export const AUTOMATIC_PURPOSES = ['ack', 'follow_up'] as const;
export type ReplyPurpose = (typeof AUTOMATIC_PURPOSES)[number] | 'reply' | 'forwarded' | 'closed';

export interface NewReply {
	complaintId: number;
	purpose: ReplyPurpose;
	kind: 'text' | 'template';
	template: string | null;
	body: string | null;
	wamid: string | null;
	errorCode: string | null;
	errorMessage: string | null;
	sentBy: string;
}

/** A message sent (wamid) or refused (error): the first one an officer sent also stamps first_response_at. */
export async function insertReply(db: Queryable, r: NewReply): Promise<number> {
	const [row] = await db.query<{ id: number }>(
		`INSERT INTO complaint_replies (complaint_id, purpose, kind, template, body, wamid, error_code, error_message, sent_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		[r.complaintId, r.purpose, r.kind, r.template, r.body, r.wamid, r.errorCode, r.errorMessage, r.sentBy],
	);
	if (r.wamid && !(AUTOMATIC_PURPOSES as readonly string[]).includes(r.purpose))
		await db.query(`UPDATE complaints SET first_response_at = now(), updated_at = now() WHERE id = $1 AND first_response_at IS NULL`, [
			r.complaintId,
		]);
	return Number(row.id);
}
