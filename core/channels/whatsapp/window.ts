/**
 * Meta's customer-service window: free-form messages reach a citizen only within 24 hours of
 * their last message to the business; after that only an approved template does (else 131047).
 * Staff alike: an approval request to an Additional SP who has not written today must be a
 * template. A `user_preferences` event (the stop / resume setting) is not a message and opens
 * nothing.
 */
import type { Queryable } from '../../db';
import { MitanError } from '../../errors';
import { maskPhone } from '../../phone';

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3_600_000;

export function isWindowOpen(lastInboundAt: Date | null, now: Date = new Date()): boolean {
	return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < CUSTOMER_SERVICE_WINDOW_MS;
}

/** Who the window is asked about: a number (E.164), a BSUID, or both (a citizen known by either). */
export type WindowParty = string | { phone?: string | null; userId?: string | null };

/** When the party last wrote to the district's number (Meta counts from the message's own time), or null. */
export async function lastMessageFrom(db: Queryable, districtId: number, who: WindowParty): Promise<Date | null> {
	const { phone = null, userId = null } = typeof who === 'string' ? { phone: who } : who;
	if (!phone && !userId) return null;
	const [row] = await db.query<{ at: Date | string | null }>(
		`SELECT max(COALESCE(sent_at, received_at)) AS at
       FROM inbound_messages
      WHERE district_id = $1 AND (from_phone = $2 OR from_user_id = $3) AND type <> 'user_preferences'`,
		[districtId, phone, userId],
	);
	return row?.at ? new Date(row.at) : null;
}

/** Whether free text reaches the party now. */
export async function serviceWindowOpen(db: Queryable, districtId: number, who: WindowParty, now = new Date()): Promise<boolean> {
	return isWindowOpen(await lastMessageFrom(db, districtId, who), now);
}

/**
 * How a message may travel, as its sender asks for it: 'template' always the approved template;
 * 'text' free text inside the window, else the template; 'textOnly' free text inside the window,
 * else refused before anything is sent.
 */
export type WindowPolicy = 'text' | 'template' | 'textOnly';

/**
 * The one choice every sender of free text to staff makes (the approval request, Mitan Notify's
 * alerts): whether free text reaches `who` now, or the template must go. Outside the window
 * 'textOnly' throws WHATSAPP_WINDOW_CLOSED: Meta would accept the text and then drop it (131047).
 */
export async function messageKindNow(
	db: Queryable,
	districtId: number,
	who: WindowParty,
	policy: WindowPolicy,
	now = new Date(),
): Promise<'text' | 'template'> {
	if (policy === 'template') return 'template';
	const last = await lastMessageFrom(db, districtId, who);
	if (isWindowOpen(last, now)) return 'text';
	if (policy === 'text') return 'template';
	const phone = typeof who === 'string' ? who : (who.phone ?? who.userId ?? null);
	const since = last ? `they last wrote at ${last.toISOString()}` : 'they have never written to the number';
	throw new MitanError(
		'WHATSAPP_WINDOW_CLOSED',
		`free text to ${maskPhone(phone)} not sent: the 24-hour window is closed (${since}), so WhatsApp would drop it with error 131047. Send the approved utility template instead, or wait until they write to the number / 24 घंटे की अवधि बंद है (त्रुटि 131047): मुक्त पाठ नहीं पहुँचेगा, स्वीकृत यूटिलिटी टेम्पलेट भेजें`,
		{ field: 'messageType', metaCode: 131047, lastInboundAt: last?.toISOString() ?? null },
	);
}
