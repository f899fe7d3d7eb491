import { awarenessTemplates } from '../channels/whatsapp/awareness-template';
import type { Content } from '../content/types';
import type { Queryable } from '../db';

/**
 * Binds an approval to the WhatsApp templates its text becomes (issue 15 item 5): in the
 * decision's transaction, the hash of both languages' creation payloads is kept with the content;
 * submitAwarenessTemplates sends only payloads that hash to it. Content not meant for WhatsApp
 * has none.
 */
export async function recordApprovedTemplates(tx: Queryable, c: Content): Promise<string | null> {
	const hash = c.channels && !c.channels.includes('whatsapp') ? null : awarenessTemplates(c).hash;
	await tx.query(`UPDATE content SET approved_template_hash = $2 WHERE id = $1`, [c.id, hash]);
	return hash;
}
