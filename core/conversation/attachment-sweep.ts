import type { MediaReader } from '../channels/whatsapp/types';
import type { Db } from '../db';
import { startPeriodicJob, type PeriodicJob } from '../periodic';
import { fetchAttachment, MEDIA_FETCH_RETRY, type FetchOutcome, type MediaFetchRetry } from './attachments';

/**
 * The media sweep: citizens' media the fetch after the webhook's commit did not get (the gateway
 * restarted before it, no credential was configured, Meta's media service stayed down through the
 * quick retries) is fetched again, in rounds (attachments.ts MEDIA_FETCH_ROUNDS), through the same
 * fetchAttachment, until it is fetched, gone (past Meta's 30 days, or Meta no longer knows it) or
 * given up. Runs in the gateway + dashboard process (dashboard/server.ts); several processes on one
 * store are safe: a row is claimed (SKIP LOCKED) and leased before its fetch.
 */
export const MEDIA_SWEEP = {
	/** Attachments per run: each round can take ~15 s of retries, and a run never overlaps the next. */
	batch: 20,
	/** A claimed row is not claimed again for this long: a process that died mid-fetch leaves it to the next. */
	leaseMinutes: 10,
};

export type SweepResult = Record<Exclude<FetchOutcome, 'skipped'> | 'skipped' | 'noCredential', number>;

const CLAIM = `UPDATE inbound_attachments a SET next_fetch_at = $1::timestamptz + make_interval(mins => $2)
  FROM inbound_messages m
 WHERE m.id = a.inbound_message_id AND a.id IN (
   SELECT id FROM inbound_attachments
    WHERE fetch_state IN ('pending', 'failed') AND meta_media_id IS NOT NULL AND next_fetch_at <= $1
    ORDER BY next_fetch_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
 RETURNING a.id, m.phone_number_id`;

/**
 * One run: claims the attachments due at `now` and fetches each with the reader of the business
 * number the citizen wrote to. Without a reader (no credential) nothing is counted against the
 * attachment: it is tried again once the lease ends.
 */
export async function sweepAttachments(
	db: Db,
	mediaFor: (phoneNumberId: string) => MediaReader | null,
	opts: { now?: Date; batch?: number; retry?: MediaFetchRetry } = {},
): Promise<SweepResult> {
	const now = opts.now ?? new Date();
	const out: SweepResult = { fetched: 0, failed: 0, gone: 0, given_up: 0, skipped: 0, noCredential: 0 };
	const claimed = await db.transaction((tx) =>
		tx.query<{ id: number; phone_number_id: string | null }>(CLAIM, [now, MEDIA_SWEEP.leaseMinutes, opts.batch ?? MEDIA_SWEEP.batch]),
	);
	for (const a of claimed) {
		const reader = mediaFor(a.phone_number_id ?? '');
		if (!reader) {
			out.noCredential++;
			continue;
		}
		out[await fetchAttachment(db, reader, Number(a.id), opts.retry ?? MEDIA_FETCH_RETRY, now)]++;
	}
	return out;
}

/** The sweep every `intervalMs`, as the server's other jobs run (core/periodic.ts). */
export function startAttachmentSweep(
	db: Db,
	opts: { intervalMs: number; mediaFor: (phoneNumberId: string) => MediaReader | null; onError?: (e: unknown) => void },
): PeriodicJob {
	return startPeriodicJob(async () => {
		await sweepAttachments(db, opts.mediaFor);
	}, opts);
}
