/**
 * This worker's share of the broadcast: rows claimed in batches with FOR UPDATE SKIP LOCKED
 * (repository.claim), so any number of workers share it without sending a row twice. The next
 * batch is fetched while the current one is sent; at most one batch (≤ 2 s of sending) is held,
 * so memory does not grow with the roster.
 */
import type { Queryable } from '../../db';
import * as repo from '../repository';
import { clamp } from './settings';

export class ClaimQueue {
	private rows: repo.ClaimedRow[] = [];
	private next: Promise<repo.ClaimedRow[]> | null = null;

	constructor(
		private readonly db: Queryable,
		private readonly broadcastId: number,
		private readonly workerId: string,
		private readonly batch: number,
	) {}

	get length(): number {
		return this.rows.length;
	}

	/** Starts the next claim unless one is on its way. */
	prefetch(): void {
		if (!this.next) this.next = repo.claim(this.db, this.broadcastId, this.workerId, this.batch);
	}

	/** Down to a quarter of a batch: the next claim starts, so the pace never waits for one. */
	prefetchIfLow(): void {
		if (this.rows.length <= this.batch / 4) this.prefetch();
	}

	/** Waits for the claim on its way (starting one if none) and queues its rows; returns how many came. */
	async refill(): Promise<number> {
		const rows = await this.arrival();
		this.rows.push(...rows);
		return rows.length;
	}

	/** The next n rows, in id order. */
	take(n: number): repo.ClaimedRow[] {
		return this.rows.splice(0, n);
	}

	/** Rows taken but not sent go back to the front. */
	putBack(rows: repo.ClaimedRow[]): void {
		this.rows.unshift(...rows);
	}

	/** Shutdown: waits for a claim still on its way (its rows are released with the others, never sent). */
	async settle(): Promise<void> {
		if (this.next) await this.arrival().catch(() => [] as repo.ClaimedRow[]);
	}

	private async arrival(): Promise<repo.ClaimedRow[]> {
		this.prefetch();
		const rows = await this.next!;
		this.next = null;
		return rows;
	}
}

/**
 * How long to wait when nothing is claimable now: until the earliest retry is due (a little
 * after), else half a heartbeat (the rest is held by other workers, who may die).
 */
export function idleWaitMs(left: repo.WorkLeft, heartbeatMs: number): number {
	return left.claimable > 0 && left.nextDueInMs !== null ? clamp(left.nextDueInMs + 5, 5, heartbeatMs) : heartbeatMs / 2;
}
