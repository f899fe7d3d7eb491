/**
 * Answers are recorded in batches, by one flush at a time; the loop never waits for one unless
 * it must. A crash therefore loses at most the answers of the last ~100 ms, whose rows stay
 * "in flight" and become "in doubt" on recovery: never resent by default.
 */
import { performance } from 'node:perf_hooks';
import type { Db, Queryable } from '../../db';
import { applyRosterChange } from '../../roster/effects';
import type { Outcome } from '../outcome';
import * as repo from '../repository';
import type { SenderLog } from './types';

/** A citizen Meta says must never be messaged again, from one answer. */
export type Drop = { row: repo.ClaimedRow } & NonNullable<Outcome['drop']>;

/** A batch this large is written at once, without waiting for the interval. */
export const FLUSH_BATCH = 500;

export class OutcomeRecorder {
	private results: repo.OutcomeRow[] = [];
	private drops: Drop[] = [];
	private flushing: Promise<void> | null = null;
	private lastFlush = performance.now();

	constructor(
		private readonly db: Queryable,
		private readonly workerId: string,
		private readonly applyDrops: (drops: Drop[]) => Promise<void>,
		private readonly flushMs: number,
	) {}

	record(row: repo.ClaimedRow, o: Outcome): void {
		this.results.push(o.row);
		if (o.drop) this.drops.push({ row, ...o.drop });
	}

	/** A row marked in flight that never left (the loop halted first): straight back to the pool. */
	giveBack(rowId: number): void {
		this.results.push({ id: rowId, state: 'pending', attempts_delta: -1, at: new Date().toISOString() });
	}

	/** Answers waiting to be written, or being written. */
	get busy(): boolean {
		return this.results.length > 0 || this.flushing !== null;
	}

	/** A full batch, or answers older than the flush interval. */
	isDue(): boolean {
		return this.results.length >= FLUSH_BATCH || (this.results.length > 0 && performance.now() - this.lastFlush >= this.flushMs);
	}

	/** Writes what is waiting; while a flush runs, returns that one. */
	flush(): Promise<void> {
		if (this.flushing) return this.flushing;
		if (this.results.length === 0 && this.drops.length === 0) return Promise.resolve();
		const batch = this.results;
		const dropBatch = this.drops;
		this.results = [];
		this.drops = [];
		this.lastFlush = performance.now();
		this.flushing = (async () => {
			try {
				await repo.recordOutcomes(this.db, this.workerId, batch);
				await this.applyDrops(dropBatch);
			} finally {
				this.flushing = null;
			}
		})();
		return this.flushing;
	}

	/** Shutdown: the running flush, then everything left. */
	async settle(): Promise<void> {
		if (this.flushing) await this.flushing;
		await this.flush();
	}
}

/** Applies drops through the one roster-change owner (core/roster/effects.ts), with its audit. */
export function rosterDrops(db: Db, districtId: number, broadcastId: number, log: SenderLog): (drops: Drop[]) => Promise<void> {
	return async (drops) => {
		for (const d of drops) {
			const target = { districtId, subscriberId: d.row.subscriberId, phone: d.row.phone };
			await applyRosterChange(db, undefined, target, d.effect, { kind: 'meta_code', code: d.code, flow: 'broadcast', broadcastId }).catch(
				(e) => log('drop.failed', { error: String(e) }),
			);
		}
	};
}
