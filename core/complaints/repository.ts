import type { Queryable, Row } from '../db';
import type { ComplaintCategory } from './categories';
import type { ComplaintStatus } from './status';

/** All SQL of complaints; the service holds the rules. */
export interface Complaint {
	id: number;
	ref: string;
	districtId: number;
	subscriberId: number | null;
	inboundMessageId: number | null;
	/** The effective category: the officer's override when there is one. */
	category: ComplaintCategory;
	detectedCategory: ComplaintCategory;
	categoryOverride: ComplaintCategory | null;
	confidence: number;
	moneyLoss: boolean;
	moneyAmountInr: number | null;
	sensitive: boolean;
	policeStation: string | null;
	language: 'hi' | 'en';
	summary: string | null;
	matchedKeywords: string[] | null;
	status: ComplaintStatus;
	createdAt: Date;
	acknowledgedAt: Date | null;
	forwardedAt: Date | null;
	closedAt: Date | null;
	updatedAt: Date;
	lastMessageAt: Date;
	messageCount: number;
	forwardedTo: string | null;
	statusNote: string | null;
	replyWamid: string | null;
	repliedAt: Date | null;
	/** Where replies go: the first message's sender, else the subscriber's number. */
	citizenPhone: string | null;
	/** The citizen's BSUID (the first message's, else the subscriber's): where replies go when there is no number. */
	citizenUserId: string | null;
}

const SELECT = `
  SELECT c.*, coalesce(im.from_phone, s.phone) AS citizen_phone, coalesce(im.from_user_id, s.wa_user_id) AS citizen_user_id
  FROM complaints c
  LEFT JOIN inbound_messages im ON im.id = c.inbound_message_id
  LEFT JOIN subscribers s ON s.id = c.subscriber_id`;

export function toComplaint(r: Row): Complaint {
	const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
	return {
		id: Number(r.id),
		ref: r.ref as string,
		districtId: Number(r.district_id),
		subscriberId: r.subscriber_id === null ? null : Number(r.subscriber_id),
		inboundMessageId: r.inbound_message_id === null ? null : Number(r.inbound_message_id),
		category: ((r.category_override as string | null) ?? r.category) as ComplaintCategory,
		detectedCategory: r.category as ComplaintCategory,
		categoryOverride: (r.category_override as ComplaintCategory | null) ?? null,
		confidence: Number(r.confidence),
		moneyLoss: r.money_loss as boolean,
		moneyAmountInr: r.money_amount_inr === null ? null : Number(r.money_amount_inr),
		sensitive: r.sensitive as boolean,
		policeStation: (r.police_station as string | null) ?? null,
		language: r.language as 'hi' | 'en',
		summary: (r.summary as string | null) ?? null,
		matchedKeywords: (r.matched_keywords as string[] | null) ?? null,
		status: r.status as ComplaintStatus,
		createdAt: d(r.created_at)!,
		acknowledgedAt: d(r.acknowledged_at),
		forwardedAt: d(r.forwarded_at),
		closedAt: d(r.closed_at),
		updatedAt: d(r.updated_at)!,
		lastMessageAt: d(r.last_message_at)!,
		messageCount: Number(r.message_count),
		forwardedTo: (r.forwarded_to as string | null) ?? null,
		statusNote: (r.status_note as string | null) ?? null,
		replyWamid: (r.reply_wamid as string | null) ?? null,
		repliedAt: d(r.replied_at),
		citizenPhone: (r.citizen_phone as string | null) ?? null,
		citizenUserId: (r.citizen_user_id as string | null) ?? null,
	};
}

export async function findById(db: Queryable, id: number, forUpdate = false): Promise<Complaint | undefined> {
	if (forUpdate) await db.query('SELECT 1 FROM complaints WHERE id = $1 FOR UPDATE', [id]);
	const [r] = await db.query(`${SELECT} WHERE c.id = $1`, [id]);
	return r ? toComplaint(r) : undefined;
}

export async function findByRef(db: Queryable, ref: string, forUpdate = false): Promise<Complaint | undefined> {
	if (forUpdate) await db.query('SELECT 1 FROM complaints WHERE ref = $1 FOR UPDATE', [ref]);
	const [r] = await db.query(`${SELECT} WHERE c.ref = $1`, [ref]);
	return r ? toComplaint(r) : undefined;
}

/** The complaint a message already produced or joined (an n8n retry of the same item). */
export async function findByInbound(db: Queryable, inboundId: number): Promise<{ complaint: Complaint; asFollowUp: boolean } | undefined> {
	const [r] = await db.query(`${SELECT} WHERE c.id = (SELECT complaint_id FROM complaint_messages WHERE inbound_message_id = $1)`, [
		inboundId,
	]);
	if (!r) return undefined;
	const c = toComplaint(r);
	return { complaint: c, asFollowUp: c.inboundMessageId !== inboundId };
}

export async function findOpenForCitizen(
	db: Queryable,
	districtId: number,
	citizenHash: string,
	since: Date,
): Promise<Complaint | undefined> {
	const [r] = await db.query<{ id: number }>(
		`SELECT id FROM complaints WHERE district_id = $1 AND citizen_hash = $2 AND status <> 'closed' AND last_message_at >= $3
     ORDER BY last_message_at DESC LIMIT 1 FOR UPDATE`,
		[districtId, citizenHash, since],
	);
	return r ? findById(db, r.id) : undefined;
}

export interface InboundRef {
	id: number;
	districtId: number;
	fromPhone: string | null;
	fromUserId: string | null;
	body: string | null;
	subscriberId: number | null;
	receivedAt: Date;
}

export async function findInbound(db: Queryable, by: { id?: number; wamid?: string }): Promise<InboundRef | undefined> {
	const [r] = await db.query(
		by.id !== undefined
			? 'SELECT id, district_id, from_phone, from_user_id, body, subscriber_id, received_at FROM inbound_messages WHERE id = $1'
			: 'SELECT id, district_id, from_phone, from_user_id, body, subscriber_id, received_at FROM inbound_messages WHERE wamid = $1',
		[by.id ?? by.wamid],
	);
	if (!r) return undefined;
	return {
		id: Number(r.id),
		districtId: Number(r.district_id),
		fromPhone: (r.from_phone as string | null) ?? null,
		fromUserId: (r.from_user_id as string | null) ?? null,
		body: (r.body as string | null) ?? null,
		subscriberId: r.subscriber_id === null ? null : Number(r.subscriber_id),
		receivedAt: new Date(r.received_at as string),
	};
}

export async function findSubscriber(
	db: Queryable,
	by: { districtId: number; id?: number | null; phone?: string | null; userId?: string | null },
): Promise<{ id: number; language: 'hi' | 'en'; policeStation: string | null; phone: string | null; waUserId: string | null } | undefined> {
	if (by.id == null && !by.phone && !by.userId) return undefined;
	const cols = 'id, language, police_station, phone, wa_user_id';
	const [r] = await db.query(
		by.id != null
			? `SELECT ${cols} FROM subscribers WHERE id = $1`
			: by.phone
				? `SELECT ${cols} FROM subscribers WHERE district_id = $2 AND phone = $1`
				: `SELECT ${cols} FROM subscribers WHERE district_id = $2 AND wa_user_id = $1`,
		by.id != null ? [by.id] : [by.phone ?? by.userId, by.districtId],
	);
	return r
		? {
				id: Number(r.id),
				language: r.language as 'hi' | 'en',
				policeStation: (r.police_station as string | null) ?? null,
				phone: (r.phone as string | null) ?? null,
				waUserId: (r.wa_user_id as string | null) ?? null,
			}
		: undefined;
}

export interface NewComplaint {
	ref: string;
	districtId: number;
	subscriberId: number | null;
	inboundMessageId: number | null;
	category: ComplaintCategory;
	categoryOverride: ComplaintCategory | null;
	confidence: number;
	moneyLoss: boolean;
	moneyAmountInr: number | null;
	sensitive: boolean;
	policeStation: string | null;
	language: 'hi' | 'en';
	summary: string | null;
	matchedKeywords: string[] | null;
	citizenHash: string | null;
	at: Date;
	overrideBy: string | null;
}

export async function insertComplaint(db: Queryable, c: NewComplaint): Promise<number> {
	const [r] = await db.query<{ id: number }>(
		`INSERT INTO complaints (ref, district_id, subscriber_id, inbound_message_id, category, category_override, confidence, money_loss,
                             money_amount_inr, sensitive, police_station, language, summary, matched_keywords, citizen_hash,
                             created_at, updated_at, last_message_at, category_override_by, category_override_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $16, $17, CASE WHEN $6::text IS NULL THEN NULL ELSE $16::timestamptz END)
     RETURNING id`,
		[
			c.ref,
			c.districtId,
			c.subscriberId,
			c.inboundMessageId,
			c.category,
			c.categoryOverride,
			c.confidence,
			c.moneyLoss,
			c.moneyAmountInr,
			c.sensitive,
			c.policeStation,
			c.language,
			c.summary,
			c.matchedKeywords,
			c.citizenHash,
			c.at,
			c.overrideBy,
		],
	);
	return r.id;
}

export async function insertMessage(
	db: Queryable,
	complaintId: number,
	inboundId: number | null,
	body: string | null,
	at: Date,
): Promise<void> {
	await db.query('INSERT INTO complaint_messages (complaint_id, inbound_message_id, body, received_at) VALUES ($1, $2, $3, $4)', [
		complaintId,
		inboundId,
		body,
		at,
	]);
}

/** Least data for women / child reports: no text anywhere, not even in the inbound queue. */
export async function redactSensitive(db: Queryable, complaintId: number): Promise<void> {
	await db.query(`UPDATE complaints SET summary = NULL, matched_keywords = NULL, updated_at = now() WHERE id = $1`, [complaintId]);
	await db.query(`UPDATE complaint_messages SET body = NULL WHERE complaint_id = $1 AND body IS NOT NULL`, [complaintId]);
	await db.query(
		`UPDATE inbound_messages SET body = NULL, payload = '{}' WHERE id IN (SELECT inbound_message_id FROM complaint_messages WHERE complaint_id = $1)
       AND (body IS NOT NULL OR payload <> '{}')`,
		[complaintId],
	);
}

export async function list(
	db: Queryable,
	f: {
		districtId: number;
		status?: ComplaintStatus;
		category?: ComplaintCategory;
		policeStation?: string;
		from?: Date;
		to?: Date;
		includeSensitive: boolean;
		afterId?: number;
		limit: number;
	},
): Promise<Complaint[]> {
	const rows = await db.query(
		`${SELECT}
     WHERE c.district_id = $1 AND ($2::text IS NULL OR c.status = $2) AND ($3::text IS NULL OR coalesce(c.category_override, c.category) = $3)
       AND ($4::text IS NULL OR c.police_station = $4) AND ($5::timestamptz IS NULL OR c.created_at >= $5)
       AND ($6::timestamptz IS NULL OR c.created_at < $6) AND ($7::boolean OR NOT c.sensitive) AND ($8::bigint IS NULL OR c.id < $8)
     ORDER BY c.id DESC LIMIT $9`,
		[
			f.districtId,
			f.status ?? null,
			f.category ?? null,
			f.policeStation ?? null,
			f.from ?? null,
			f.to ?? null,
			f.includeSensitive,
			f.afterId ?? null,
			f.limit,
		],
	);
	return rows.map(toComplaint);
}
