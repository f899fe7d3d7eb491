/**
 * Meta's customer-service window: free-form messages reach a citizen only within 24 hours of
 * their last message to the business; after that only an approved template does (else 131047).
 * Staff alike: an approval request to an Additional SP who has not written today must be a
 * template. A `user_preferences` event (the stop / resume setting) is not a message and opens
 * nothing.
 */
import type { Queryable } from '../../db';

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
