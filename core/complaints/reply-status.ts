import type { Queryable } from '../db';

/**
 * The reply a citizen was promised, followed past WhatsApp's acceptance: the status webhooks of
 * its wamid (complaints.reply_wamid) move complaints.reply_state forward (sent → delivered →
 * read) and a failed status (131047: the 24-hour window had closed; 131026 ...) marks it failed
 * with its code, so the complaint shows the citizen was not told instead of "acknowledged".
 * Statuses arrive repeated and out of order: a state never moves back, and failed is final.
 */
export async function applyReplyStatuses(
	db: Queryable,
	statuses: { wamid: string; status: string; errorCode: number | null; occurredAt: string; priceCategory?: string | null }[],
): Promise<number> {
	// A reply is free-form (category "service") or a utility template: the daily broadcast's
	// delivered / read statuses (marketing, thousands a minute) are never a complaint's reply, so
	// they cost no query here. Failed ones carry no pricing and are all looked at.
	const relevant = statuses.filter(
		(s) =>
			s.status === 'failed' ||
			((s.status === 'delivered' || s.status === 'read') && s.priceCategory !== 'marketing' && s.priceCategory !== 'authentication'),
	);
	if (relevant.length === 0) return 0;
	const rows = await db.query(
		`WITH s AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(wamid text, status text, code integer, at timestamptz)
     ), best AS (
       SELECT DISTINCT ON (wamid) wamid, status, code, at FROM s
       ORDER BY wamid, CASE status WHEN 'failed' THEN 3 WHEN 'read' THEN 2 ELSE 1 END DESC, at DESC
     )
     UPDATE complaints c SET reply_state = b.status,
            reply_error_code = CASE WHEN b.status = 'failed' THEN b.code END,
            reply_failed_at = CASE WHEN b.status = 'failed' THEN b.at END,
            updated_at = now()
     FROM best b
     WHERE c.reply_wamid = b.wamid
       AND c.reply_state IS DISTINCT FROM 'failed'
       AND (b.status = 'failed' OR c.reply_state IS NULL OR c.reply_state = 'sent' OR (c.reply_state = 'delivered' AND b.status = 'read'))
     RETURNING c.id`,
		[JSON.stringify(relevant.map((s) => ({ wamid: s.wamid, status: s.status, code: s.errorCode, at: s.occurredAt })))],
	);
	return rows.length;
}
