/**
 * The sender's tuning, derived once from the broadcast's paced rate: group size, claim batch,
 * requests in the air, and the intervals of the heartbeat and of the answer flush.
 */
import { DEFAULT_IN_DOUBT_QUIET_SECONDS } from '../../config';
import { DEFAULT_RETRY, type RetryPolicy } from '../outcome';
import { groupSize } from '../pacing';
import type { Broadcast } from '../types';
import type { SenderOptions } from './types';

export interface SenderSettings {
	/** Messages per second this worker paces at (the number's limit × the pacing factor). */
	rate: number;
	/** Rows per slot reservation. */
	groupSize: number;
	claimBatch: number;
	maxInFlight: number;
	heartbeatMs: number;
	deadAfterMs: number;
	flushMs: number;
	progressEveryMs: number;
	policy: RetryPolicy;
	/** Silence before an in-doubt row is resent once (settle.ts). */
	inDoubtQuietMs: number;
}

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function senderSettings(
	b: Pick<Broadcast, 'rateLimitPerSecond' | 'pacingFactor' | 'maxAttempts'>,
	opts: Omit<SenderOptions, 'signal' | 'onProgress' | 'log'> = {},
): SenderSettings {
	const rate = b.rateLimitPerSecond * b.pacingFactor;
	// ~40 ms of sending per group, but at least 8 rows (or a tenth of a second) at low rates: each
	// group costs two round trips, and at 80/s three-row groups would spend the pace on them.
	const group =
		opts.groupMs !== undefined ? groupSize(rate, opts.groupMs) : Math.max(groupSize(rate, 40), Math.min(8, Math.ceil(rate / 10)));
	return {
		rate,
		groupSize: group,
		claimBatch: opts.claimBatch ?? clamp(Math.round(rate * 2), group, 2000),
		maxInFlight: opts.maxInFlight ?? clamp(Math.ceil(rate / 8), 8, 128),
		heartbeatMs: opts.heartbeatMs ?? 1000,
		deadAfterMs: opts.deadAfterMs ?? 15_000,
		flushMs: opts.flushMs ?? 100,
		progressEveryMs: opts.progressEveryMs ?? 5000,
		policy: { ...DEFAULT_RETRY, ...opts.retry, maxAttempts: b.maxAttempts },
		inDoubtQuietMs: opts.inDoubtQuietMs ?? DEFAULT_IN_DOUBT_QUIET_SECONDS * 1000,
	};
}
