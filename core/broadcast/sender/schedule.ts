/**
 * Pacing on this side of the shared pacing row (pacing.ts): slots are reserved per group of
 * rows, a few groups ahead of sending, and each request fires at its slot.
 *
 * Slots for the next groups are reserved while this one is sent, so a slow round trip to the
 * database (a claim of 2,000 rows, a flush) never leaves a gap in the pace nor lets the shared
 * schedule run past us. Reserving marks nobody in flight, so it costs no crash exposure; slots
 * reserved and not used are only wasted at the end.
 */
import { performance } from 'node:perf_hooks';
import type { Queryable } from '../../db';
import * as repo from '../repository';

/** How late a send may fire against its reserved slot before the slot is given up. */
export const MAX_LATE_MS = 50;
/** Groups reserved ahead of the one being sent. */
export const RESERVE_AHEAD = 3;

/** Claimed rows and the send slots reserved for them. */
export interface ScheduledGroup {
	rows: repo.ClaimedRow[];
	slots: Promise<GroupSlots>;
}

/** One group's send times on this process's clock (performance.now()). */
export class GroupSlots {
	private slot = 0;

	constructor(
		private startAt: number,
		readonly intervalMs: number,
	) {}

	/**
	 * ms from `now` to the next slot (≤ 0: due now), and moves to the one after; null when the
	 * slot is more than MAX_LATE_MS gone (a stalled event loop, a slow database). Firing missed
	 * slots at once would burst past the number's limit, and moving this group's schedule to "now"
	 * would overlap slots other senders reserved meanwhile: the caller reserves fresh ones instead.
	 */
	nextWaitMs(now: number): number | null {
		const wait = this.startAt + this.slot * this.intervalMs - now;
		if (wait < -MAX_LATE_MS) return null;
		this.slot++;
		return wait;
	}
}

export class SlotScheduler {
	private readonly ahead: ScheduledGroup[] = [];

	constructor(
		private readonly db: Queryable,
		private readonly pacingKey: string,
		private readonly depth = RESERVE_AHEAD,
	) {}

	/** Reserves slots for a group now; the answer is awaited when the group is sent. */
	reserve(rows: repo.ClaimedRow[]): ScheduledGroup {
		const slots = this.slotsFor(rows.length);
		slots.catch(() => undefined); // awaited later; never an unhandled rejection meanwhile
		return { rows, slots };
	}

	/** n send slots from the shared pacing row, on this process's clock. */
	async slotsFor(n: number): Promise<GroupSlots> {
		const issued = performance.now();
		const r = await repo.reserveSlots(this.db, this.pacingKey, n);
		// The database measured the slot against its clock at the end of the statement: anchor it
		// half-way through the round trip (event-loop lag must not push the whole schedule late).
		const anchor = (issued + performance.now()) / 2;
		return new GroupSlots(anchor + r.firstSlotInMs, r.intervalMs);
	}

	/** True while fewer than `depth` groups are reserved ahead. */
	get wantsMore(): boolean {
		return this.ahead.length < this.depth;
	}

	get reservedAhead(): number {
		return this.ahead.length;
	}

	reserveAhead(rows: repo.ClaimedRow[]): void {
		this.ahead.push(this.reserve(rows));
	}

	/** The oldest group reserved ahead, if any. */
	next(): ScheduledGroup | undefined {
		return this.ahead.shift();
	}

	/** Shutdown: groups reserved but never marked nor sent; returns their rows (released with the other claims). */
	async cancelAhead(): Promise<repo.ClaimedRow[]> {
		const rows: repo.ClaimedRow[] = [];
		for (const g of this.ahead.splice(0)) {
			await g.slots.catch(() => undefined);
			rows.push(...g.rows);
		}
		return rows;
	}
}
