import { auditTrail } from '../audit';
import type { Queryable } from '../db';
import type { ReplyPurpose } from './desk-repository';

/**
 * The whole thread of a case, oldest first: the citizen's messages (and the media in them), every
 * message sent to the citizen (the intake's acknowledgement and follow-up answers, the desk's
 * replies and notices) with its delivery state, officers' notes, and the case's audited steps.
 * Read-only; the service decides who may see it.
 */
export interface ThreadAttachment {
	id: number;
	kind: 'audio' | 'image' | 'document' | 'video' | 'sticker' | 'location';
	mimeType: string | null;
	byteSize: number | null;
	caption: string | null;
	fileName: string | null;
	latitude: number | null;
	longitude: number | null;
	/** pending / fetched / failed / erased: only 'fetched' has bytes to play or show. */
	fetchState: string;
}

export type ThreadItem =
	| { kind: 'message'; at: Date; body: string | null; type: string | null; attachments: ThreadAttachment[] }
	| {
			kind: 'reply';
			at: Date;
			purpose: ReplyPurpose;
			via: 'text' | 'template';
			body: string | null;
			by: string;
			/** The latest delivery status Meta reported (sent / delivered / read / failed), or the refusal. */
			delivery: string | null;
			error: string | null;
	  }
	| { kind: 'note'; at: Date; body: string; by: string }
	| { kind: 'step'; at: Date; action: string; by: string; details: Record<string, unknown> };

/** The newest status of each wamid, and the error when it failed. */
async function deliveries(db: Queryable, wamids: string[]): Promise<Map<string, { status: string; error: string | null }>> {
	if (wamids.length === 0) return new Map();
	const rows = await db.query<{ wamid: string; status: string; error_code: number | null; error_title: string | null }>(
		`SELECT DISTINCT ON (wamid) wamid, status, error_code, error_title FROM status_events WHERE wamid = ANY($1::text[])
      ORDER BY wamid, CASE status WHEN 'failed' THEN 4 WHEN 'read' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END DESC`,
		[wamids],
	);
	return new Map(
		rows.map((r) => [r.wamid, { status: r.status, error: r.error_code === null ? null : `${r.error_code} ${r.error_title ?? ''}`.trim() }]),
	);
}

export async function threadOf(
	db: Queryable,
	c: { id: number; ref: string; replyWamid: string | null; repliedAt: Date | null },
): Promise<ThreadItem[]> {
	const [messages, atts, replies, notes, steps] = await Promise.all([
		db.query(
			`SELECT cm.inbound_message_id, cm.body, cm.received_at, im.type FROM complaint_messages cm
         LEFT JOIN inbound_messages im ON im.id = cm.inbound_message_id
        WHERE cm.complaint_id = $1 ORDER BY cm.received_at, cm.id`,
			[c.id],
		),
		db.query(
			`SELECT a.id, a.inbound_message_id, a.kind, a.mime_type, a.byte_size, a.caption, a.file_name, a.latitude, a.longitude, a.fetch_state
         FROM inbound_attachments a JOIN complaint_messages cm ON cm.inbound_message_id = a.inbound_message_id
        WHERE cm.complaint_id = $1 ORDER BY a.id`,
			[c.id],
		),
		db.query('SELECT * FROM complaint_replies WHERE complaint_id = $1 ORDER BY id', [c.id]),
		db.query('SELECT * FROM complaint_notes WHERE complaint_id = $1 ORDER BY id', [c.id]),
		auditTrail(db, 'complaint', c.ref),
	]);
	const wamids = [...replies.map((r) => r.wamid as string | null), c.replyWamid].filter((w): w is string => !!w);
	const state = await deliveries(db, wamids);
	const byMessage = new Map<number, ThreadAttachment[]>();
	for (const a of atts) {
		const list = byMessage.get(Number(a.inbound_message_id)) ?? [];
		list.push({
			id: Number(a.id),
			kind: a.kind as ThreadAttachment['kind'],
			mimeType: (a.mime_type as string | null) ?? null,
			byteSize: a.byte_size === null ? null : Number(a.byte_size),
			caption: (a.caption as string | null) ?? null,
			fileName: (a.file_name as string | null) ?? null,
			latitude: a.latitude === null ? null : Number(a.latitude),
			longitude: a.longitude === null ? null : Number(a.longitude),
			fetchState: a.fetch_state as string,
		});
		byMessage.set(Number(a.inbound_message_id), list);
	}
	const items: ThreadItem[] = [
		...messages.map((m): ThreadItem => ({
			kind: 'message',
			at: new Date(m.received_at as string),
			body: (m.body as string | null) ?? null,
			type: (m.type as string | null) ?? null,
			attachments: m.inbound_message_id === null ? [] : (byMessage.get(Number(m.inbound_message_id)) ?? []),
		})),
		...replies.map((r): ThreadItem => {
			const d = r.wamid ? state.get(r.wamid as string) : undefined;
			return {
				kind: 'reply',
				at: new Date(r.created_at as string),
				purpose: r.purpose as ReplyPurpose,
				via: r.kind as 'text' | 'template',
				body: (r.body as string | null) ?? null,
				by: r.sent_by as string,
				delivery: r.wamid ? (d?.status ?? 'accepted') : null,
				error: r.error_code ? `${r.error_code}: ${String(r.error_message ?? '')}` : (d?.error ?? null),
			};
		}),
		...notes.map((n): ThreadItem => ({
			kind: 'note',
			at: new Date(n.created_at as string),
			body: n.body as string,
			by: n.author as string,
		})),
		...steps.map((s): ThreadItem => ({ kind: 'step', at: new Date(s.at), action: s.action, by: s.actor, details: s.details ?? {} })),
	];
	// An acknowledgement kept only as reply_wamid (rows written straight, e.g. the demo district's).
	if (c.replyWamid && c.repliedAt && !replies.some((r) => r.wamid === c.replyWamid)) {
		const d = state.get(c.replyWamid);
		items.push({
			kind: 'reply',
			at: c.repliedAt,
			purpose: 'ack',
			via: 'text',
			body: null,
			by: 'system',
			delivery: d?.status ?? 'accepted',
			error: d?.error ?? null,
		});
	}
	// Stable order: by time, then the citizen's message before what answered it.
	const rank = { message: 0, reply: 1, step: 2, note: 3 } as const;
	return items.sort((a, b) => a.at.getTime() - b.at.getTime() || rank[a.kind] - rank[b.kind]);
}

/** The bytes of one attachment of this complaint (undefined when it is not this complaint's or has none). */
export async function attachmentBytes(
	db: Queryable,
	complaintId: number,
	attachmentId: number,
): Promise<{ mimeType: string; bytes: Buffer; sha256: string | null } | undefined> {
	const [r] = await db.query(
		`SELECT a.mime_type, a.bytes, a.sha256 FROM inbound_attachments a JOIN complaint_messages cm ON cm.inbound_message_id = a.inbound_message_id
      WHERE cm.complaint_id = $1 AND a.id = $2 AND a.bytes IS NOT NULL AND a.fetch_state = 'fetched'`,
		[complaintId, attachmentId],
	);
	if (!r) return undefined;
	return {
		mimeType: (r.mime_type as string | null) ?? 'application/octet-stream',
		bytes: Buffer.from(r.bytes as Uint8Array),
		sha256: (r.sha256 as string | null) ?? null,
	};
}
