/**
 * Shared pacing for one sending phone number, across every worker and process.
 *
 * Virtual scheduling (GCRA-style) rather than a refilling bucket: the row holds the next free
 * send slot; a worker reserves n slots with one UPDATE (repository.reserveSlots), a few groups
 * ahead of sending them, and fires each request at its slot. Reserving
 * never fails, so workers never spin on an empty bucket; the row lock serialises reservations, so
 * two workers' slots never overlap and the combined rate holds.
 *
 * State lives in Postgres, the project's one store (works on PGlite too): Redis would be a
 * second store to run and secure, for what costs one small UPDATE per group of ~40 ms of sends
 * (about 25 statements/s at 1,000 msg/s).
 */
import type { Queryable } from '../db';

export function bucketKeyFor(phoneNumberId: string): string {
	return `whatsapp:${phoneNumberId}`;
}

/** Creates the pacing row or sets its rate (the latest broadcast started on the number wins). */
export async function configurePacing(db: Queryable, key: string, ratePerSecond: number, burstSeconds = 0.02): Promise<void> {
	await db.query(
		`INSERT INTO send_rate_limits (key, rate_per_second, burst_seconds) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET rate_per_second = EXCLUDED.rate_per_second, burst_seconds = EXCLUDED.burst_seconds, updated_at = now()`,
		[key, ratePerSecond, burstSeconds],
	);
}

/** Slots per reservation: about `groupMs` of sending, at least one. */
export function groupSize(ratePerSecond: number, groupMs: number): number {
	return Math.max(1, Math.round((ratePerSecond * groupMs) / 1000));
}
