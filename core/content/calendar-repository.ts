/** SQL of the content calendar: the last decision with a reason, and what went out with its reach. */
import type { Queryable } from '../db';

export interface DecisionReason {
	contentId: number;
	decision: string;
	comment: string | null;
}

/** The newest rejection or change request of each content, with the approver's comment. */
export async function lastRefusals(db: Queryable, contentIds: number[]): Promise<DecisionReason[]> {
	if (!contentIds.length) return [];
	const rows = await db.query<{ content_id: string | number; decision: string; comment: string | null }>(
		`SELECT DISTINCT ON (content_id) content_id, decision, comment FROM approvals
     WHERE content_id = ANY($1::bigint[]) AND decision IN ('rejected', 'changes_requested')
     ORDER BY content_id, decided_at DESC NULLS LAST, id DESC`,
		[contentIds],
	);
	return rows.map((r) => ({ contentId: Number(r.content_id), decision: r.decision, comment: r.comment }));
}

export interface SentRecord {
	contentId: number;
	channel: string;
	day: string | null;
	status: string;
	/** WhatsApp: messages accepted by Meta; a post: 1. */
	sent: number;
	/** WhatsApp: delivered (or read); a post: its latest reach (or impressions on X); null when not known yet. */
	reach: number | null;
	url: string | null;
}

/**
 * The broadcasts and posts of these contents. Deliveries are counted per broadcast of a day in
 * the 14-day window only (at most a few contents), never across the roster's history.
 */
export async function sentRecords(db: Queryable, contentIds: number[]): Promise<SentRecord[]> {
	if (!contentIds.length) return [];
	const wa = await db.query<{ content_id: string | number; day: string; status: string; sent: number; reach: number }>(
		`SELECT b.content_id, b.broadcast_date::text AS day, b.status,
            count(d.id) FILTER (WHERE d.state IN ('sent', 'delivered', 'read'))::int AS sent,
            count(d.id) FILTER (WHERE d.state IN ('delivered', 'read'))::int AS reach
       FROM broadcasts b LEFT JOIN deliveries d ON d.broadcast_id = b.id
      WHERE b.content_id = ANY($1::bigint[])
      GROUP BY b.id`,
		[contentIds],
	);
	const posts = await db.query<{
		content_id: string | number;
		channel: string;
		state: string;
		url: string | null;
		reach: string | number | null;
	}>(
		`SELECT p.content_id, p.channel, p.state, p.url,
            (SELECT max(m.value) FROM social_metrics m WHERE m.post_id = p.id AND m.metric IN ('reach', 'impressions')) AS reach
       FROM social_posts p WHERE p.content_id = ANY($1::bigint[])`,
		[contentIds],
	);
	return [
		...wa.map((r) => ({
			contentId: Number(r.content_id),
			channel: 'whatsapp',
			day: r.day,
			status: r.status,
			sent: r.sent,
			reach: r.reach,
			url: null,
		})),
		...posts.map((r) => ({
			contentId: Number(r.content_id),
			channel: r.channel,
			day: null,
			status: r.state,
			sent: r.state === 'published' ? 1 : 0,
			reach: r.reach === null ? null : Number(r.reach),
			url: r.url,
		})),
	];
}
