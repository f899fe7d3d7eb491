/**
 * Who may ask the gateway to ingest an image: whoever holds the Mitan Database credential. The
 * caller (the Mitan Publish node) writes a one-time ticket for one content id, the gateway redeems
 * it (this file is in core/publishing, not core/media, so the node bundle stays free of sharp). No extra secret to configure, share or rotate: the database credential already is the key
 * to everything ingest could touch. See migration 095.
 */
import { createHash, randomBytes } from 'crypto';
import type { Queryable } from '../db';

export const INGEST_TICKET_HEADER = 'x-mitan-ingest-ticket';
const TICKET_TTL_SECONDS = 300;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueIngestTicket(db: Queryable, contentId: number): Promise<string> {
	const token = randomBytes(32).toString('base64url');
	await db.query('DELETE FROM media_ingest_tickets WHERE expires_at < now()');
	await db.query(
		`INSERT INTO media_ingest_tickets (token_hash, content_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
		[hashOf(token), contentId, TICKET_TTL_SECONDS],
	);
	return token;
}

/** True once for a live ticket of that content; the ticket is gone afterwards. */
export async function redeemIngestTicket(db: Queryable, token: string, contentId: number): Promise<boolean> {
	if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
	const rows = await db.query(
		'DELETE FROM media_ingest_tickets WHERE token_hash = $1 AND content_id = $2 AND expires_at > now() RETURNING content_id',
		[hashOf(token), contentId],
	);
	return rows.length === 1;
}
