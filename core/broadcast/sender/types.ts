/** The sender's public shapes, and the few it passes between its parts. */
import type { WhatsAppSender } from '../../channels/whatsapp/types';
import type { ErrorAction } from '../../errors';
import type { RetryPolicy } from '../outcome';
import type { LimitsSource, TierPlan } from '../tier';
import type { BroadcastProgress } from '../types';

export interface SenderOptions {
	workerId?: string;
	/** Requests in the air at most (default: rate / 8, between 8 and 128: 125 ms of latency at full pace). */
	maxInFlight?: number;
	/** Rows claimed per round trip (default: 2 s of sending, at most 2,000). */
	claimBatch?: number;
	/** Sending time covered by one reservation (default 40 ms: ~25 statements/s at 1,000/s). */
	groupMs?: number;
	heartbeatMs?: number;
	/** A worker silent this long is dead (default 15 s). */
	deadAfterMs?: number;
	/** Answers are written at least this often (default 100 ms). */
	flushMs?: number;
	signal?: AbortSignal;
	onProgress?: (p: BroadcastProgress) => void;
	progressEveryMs?: number;
	retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>;
	/**
	 * How long an in-doubt row must stay silent (no status webhook) before it is resent once
	 * (default MITAN_IN_DOUBT_QUIET_SECONDS' default, 15 minutes; core/broadcast/settle.ts).
	 */
	inDoubtQuietMs?: number;
	log?: SenderLog;
}

export type SenderLog = (event: string, details?: Record<string, unknown>) => void;

export type SenderOutcome = 'completed' | 'paused' | 'stopped' | 'cancelled' | 'aborted' | 'superseded';

/** Why the whole campaign stopped (token, account block, content): from the answer that said so. */
export interface CampaignStop {
	code: string;
	action: ErrorAction;
	reason: string;
}

/** Why this worker's loop ends; the first reason wins. */
export interface Halt {
	kind: SenderOutcome;
	stop?: CampaignStop;
}

/** What this worker did. */
export interface SenderStats {
	requests: number;
	sent: number;
	failed: number;
	retried: number;
	inDoubt: number;
	skipped: number;
}

/** Where this worker's time went (ms): for benchmarks and tuning. */
export interface SenderTiming {
	groups: number;
	markMs: number;
	claimMs: number;
	pacedMs: number;
	fullMs: number;
	/** Groups that fell more than MAX_LATE_MS behind their slots and took fresh ones. */
	rescheduled: number;
}

export interface SenderResult extends SenderStats {
	/** In-doubt rows this run settled from statuses, and resent after their quiet window. */
	settled: { byStatus: number; byRecipient: number; resent: number; left: number };
	broadcastId: number;
	workerId: string;
	outcome: SenderOutcome;
	stop?: CampaignStop;
	/** The tier this run worked under: held back today, what Meta said about the number. */
	tier: TierPlan;
	progress: BroadcastProgress;
	timing: SenderTiming;
}

export interface SenderClient extends WhatsAppSender, LimitsSource {
	readonly phoneNumberId: string;
}
