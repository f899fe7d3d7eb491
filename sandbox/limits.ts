/**
 * WhatsApp's limits, measured the way Meta describes them and kept cheap enough to run at
 * thousands of checks per second:
 * - throughput per phone number: a fixed window aligned on the clock second (count <= limit);
 * - pair limit: one accepted message per business number and recipient per N seconds;
 * - daily unique business-initiated recipients (tier), shared by the portfolio;
 * - per-citizen marketing count per day (for the optional marketing cap).
 * Memory bound: the pair map holds only recipients messaged in the last N seconds (swept), the
 * daily maps one number per distinct recipient of the current day (cleared when the day turns).
 */
import type { MessagingTier } from './config';

export interface SecondStat {
	/** Unix second. */
	second: number;
	accepted: number;
	rejected: number;
}

/** One fixed one-second window per phone number, plus the last two minutes of history. */
export class ThroughputWindow {
	private second = -1;
	private accepted = 0;
	private rejected = 0;
	readonly history: SecondStat[] = [];
	peakPerSecond = 0;
	totalRejected = 0;
	totalAccepted = 0;
	firstAcceptMs = 0;
	lastAcceptMs = 0;

	/** Takes a slot if the current second still has one. */
	tryTake(nowMs: number, limit: number): boolean {
		const sec = Math.floor(nowMs / 1000);
		if (sec !== this.second) this.roll(sec);
		if (this.accepted >= limit) {
			this.rejected++;
			this.totalRejected++;
			return false;
		}
		this.accepted++;
		this.totalAccepted++;
		if (this.accepted > this.peakPerSecond) this.peakPerSecond = this.accepted;
		if (this.firstAcceptMs === 0) this.firstAcceptMs = nowMs;
		this.lastAcceptMs = nowMs;
		return true;
	}

	private roll(sec: number): void {
		if (this.second >= 0) {
			this.history.push({ second: this.second, accepted: this.accepted, rejected: this.rejected });
			if (this.history.length > 120) this.history.shift();
		}
		this.second = sec;
		this.accepted = 0;
		this.rejected = 0;
	}

	/** The current (incomplete) second last, so a caller sees the live figure too. */
	snapshot(): SecondStat[] {
		const live = this.second >= 0 ? [{ second: this.second, accepted: this.accepted, rejected: this.rejected }] : [];
		return [...this.history, ...live];
	}
}

export class PairLimiter {
	private last = new Map<string, number>();
	private sweepAt = 4096;

	/** True if this pair had an accepted message less than `windowMs` ago. */
	blocked(key: string, nowMs: number, windowMs: number): boolean {
		const prev = this.last.get(key);
		return prev !== undefined && nowMs - prev < windowMs;
	}

	/** Records an accepted message for the pair. */
	record(key: string, nowMs: number, windowMs: number): void {
		this.last.set(key, nowMs);
		if (this.last.size > this.sweepAt) this.sweep(nowMs, windowMs);
	}

	/** Only recipients messaged in the last window matter; the rest can go. */
	private sweep(nowMs: number, windowMs: number): void {
		for (const [k, t] of this.last) if (nowMs - t >= windowMs) this.last.delete(k);
		this.sweepAt = Math.max(4096, this.last.size * 2);
	}

	get size(): number {
		return this.last.size;
	}

	clear(): void {
		this.last.clear();
		this.sweepAt = 4096;
	}
}

export const TIER_LIMITS: Record<MessagingTier, number> = {
	TIER_250: 250,
	TIER_2K: 2_000,
	TIER_10K: 10_000,
	TIER_100K: 100_000,
	TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

/** Per-day counters keyed by recipient; the whole object is replaced when the day turns. */
export class DailyRecipients {
	/** Recipients that used a slot of the messaging tier today. */
	readonly businessInitiated = new Set<string>();
	/** Marketing templates accepted per recipient today. */
	readonly marketing = new Map<string, number>();

	constructor(readonly day: string) {}

	/** Whether a business-initiated message to `waId` fits in the tier (and takes the slot). */
	takeTierSlot(waId: string, tier: MessagingTier): boolean {
		if (this.businessInitiated.has(waId)) return true;
		if (this.businessInitiated.size >= TIER_LIMITS[tier]) return false;
		this.businessInitiated.add(waId);
		return true;
	}

	/** Counts a marketing message; returns how many this recipient has had today including it. */
	countMarketing(waId: string): number {
		const n = (this.marketing.get(waId) ?? 0) + 1;
		this.marketing.set(waId, n);
		return n;
	}
}
