/**
 * One worker's loop over a running broadcast, as a few named steps over the sender's parts:
 *   claim (claims.ts) → reserve slots ahead (schedule.ts) → mark the group in flight and send
 *   each row at its slot (requests.ts) → record the answers in batches (flush.ts);
 *   the heartbeat (heartbeat.ts) and the abort signal may halt it at any point;
 *   drain: every request in the air gets its answer recorded, unsent claims go back.
 *
 * Crash safety rests on one order: a row is marked in flight (repository.markInFlight, which
 * re-checks opt-out) only when its group starts and there is room in the air for the whole
 * group, so a kill -9 leaves in flight only requests really in the air plus at most one group
 * (~40 ms of sending): recovery turns them into "in doubt", never resent by default.
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db';
import type { Outcome } from '../outcome';
import * as repo from '../repository';
import { stopReason } from '../messages';
import { settleBroadcast } from '../settle';
import type { Broadcast } from '../types';
import { stopWorker } from '../workers';
import { ClaimQueue, idleWaitMs } from './claims';
import { OutcomeRecorder, rosterDrops } from './flush';
import { Heartbeat } from './heartbeat';
import { Requests, templatesByLanguage } from './requests';
import { SlotScheduler, type ScheduledGroup } from './schedule';
import type { SenderSettings } from './settings';
import { HaltLatch, sleep, Wakeup } from './signals';
import type { Halt, SenderClient, SenderLog, SenderOptions, SenderStats, SenderTiming } from './types';

export interface LoopContext {
	/** A serial view of the store (serial.ts): one statement at a time. */
	db: Db;
	broadcast: Broadcast;
	client: SenderClient;
	workerId: string;
	pacingKey: string;
	settings: SenderSettings;
	signal?: AbortSignal;
	onProgress?: SenderOptions['onProgress'];
	log: SenderLog;
}

export class SenderLoop {
	readonly stats: SenderStats = { requests: 0, sent: 0, failed: 0, retried: 0, inDoubt: 0, skipped: 0 };
	readonly timing: SenderTiming = { groups: 0, markMs: 0, claimMs: 0, pacedMs: 0, fullMs: 0, rescheduled: 0 };
	readonly settled = { byStatus: 0, byRecipient: 0, resent: 0, left: 0 };
	private readonly wake = new Wakeup();
	private readonly halt = new HaltLatch(() => this.wake.notify());
	private readonly claims: ClaimQueue;
	private readonly schedule: SlotScheduler;
	private readonly requests: Requests;
	private readonly recorder: OutcomeRecorder;
	private readonly heartbeat: Heartbeat;
	private failure: unknown;

	constructor(private readonly ctx: LoopContext) {
		const { db, broadcast: b, workerId, settings: s } = ctx;
		this.claims = new ClaimQueue(db, b.id, workerId, s.claimBatch);
		this.schedule = new SlotScheduler(db, ctx.pacingKey);
		this.requests = new Requests(ctx.client, templatesByLanguage(b.templates), s.policy, s.maxInFlight, (row, o) => this.onAnswer(row, o));
		const drops = rosterDrops(db, b.districtId, b.id, ctx.log);
		this.recorder = new OutcomeRecorder(db, workerId, drops, s.flushMs);
		this.heartbeat = new Heartbeat(
			db,
			b.id,
			workerId,
			{ everyMs: s.heartbeatMs, deadAfterMs: s.deadAfterMs, progressEveryMs: s.progressEveryMs, onProgress: ctx.onProgress, log: ctx.log },
			(h) => this.halt.set(h),
		);
	}

	/** Sends until halted, drains, and returns why it stopped; rethrows a failure after draining. */
	async run(): Promise<Halt | null> {
		this.heartbeat.start();
		// A resume after a crash: statuses that came for the rows left in doubt settle them first.
		await this.settle(false);
		const onAbort = () => this.halt.set({ kind: 'aborted' });
		this.ctx.signal?.addEventListener('abort', onAbort);
		if (this.ctx.signal?.aborted) onAbort();
		try {
			await this.sendUntilHalted();
		} catch (e) {
			this.failure = e;
			this.halt.set({ kind: 'aborted' });
		} finally {
			this.heartbeat.stop();
			this.ctx.signal?.removeEventListener('abort', onAbort);
		}
		await this.drain();
		if (this.failure) throw this.failure;
		return this.halt.reason;
	}

	private async sendUntilHalted(): Promise<void> {
		while (!this.halt.reason) {
			if (this.recorder.isDue()) void this.recorder.flush().catch((e) => this.fail(e));
			if (this.claims.length === 0 && this.schedule.reservedAhead === 0) {
				const next = await this.refill();
				if (next === 'done') break;
				if (next === 'waited') continue;
			}
			this.claims.prefetchIfLow();
			const group = this.schedule.next() ?? (await this.reserveNextGroup());
			if (!group) break;
			await this.sendGroup(group);
		}
	}

	/** Nothing claimed nor reserved: claim more; else wait for answers, other workers or retries; or complete. */
	private async refill(): Promise<'claimed' | 'waited' | 'done'> {
		const t = performance.now();
		await this.claims.refill();
		this.timing.claimMs += performance.now() - t;
		if (this.claims.length > 0) return 'claimed';
		if (this.requests.inFlight > 0 || this.recorder.busy) {
			await this.wake.wait(20);
			await this.recorder.flush();
			return 'waited';
		}
		const { db, broadcast } = this.ctx;
		const left = await repo.workLeft(db, broadcast.id);
		if (left.pending === 0 && left.inFlight === 0) {
			// Nothing else to send: nobody may be left in doubt (settle.ts). Wait for the silent
			// rows' quiet windows, resend them once, and complete only then.
			const st = await this.settle(true);
			if (st.resent > 0) return 'waited';
			if (st.waiting > 0) {
				await this.wake.wait(Math.min((st.nextQuietEndInMs ?? 0) + 5, this.ctx.settings.heartbeatMs));
				return 'waited';
			}
			await repo.completeIfDone(db, broadcast.id);
			this.halt.set({ kind: 'completed' });
			return 'done';
		}
		// The rest is held by other workers or waits for its retry time.
		await this.wake.wait(idleWaitMs(left, this.ctx.settings.heartbeatMs));
		return 'waited';
	}

	/** The next group from the claims, with its slots reserved once there is room in the air for all of it. */
	private async reserveNextGroup(): Promise<ScheduledGroup | null> {
		const rows = this.claims.take(this.ctx.settings.groupSize);
		// Room for the whole group before it is marked in flight: a row marked but held back
		// would turn "in doubt" in a crash without ever having been sent.
		const t = performance.now();
		while (!this.halt.reason && !this.requests.hasRoomFor(rows.length)) await this.wake.wait(50);
		this.timing.fullMs += performance.now() - t;
		if (this.halt.reason) {
			this.claims.putBack(rows);
			return null;
		}
		return this.schedule.reserve(rows);
	}

	/** Marks the group in flight (a STOP since the claim wins), keeps reservations ahead, sends each row at its slot. */
	private async sendGroup(group: ScheduledGroup): Promise<void> {
		const { db, workerId, settings } = this.ctx;
		const t0 = performance.now();
		const marking = repo.markInFlight(
			db,
			group.rows.map((r) => r.id),
			workerId,
		);
		while (!this.halt.reason && this.schedule.wantsMore && this.claims.length > 0)
			this.schedule.reserveAhead(this.claims.take(settings.groupSize));
		const marked = await marking;
		let slots = await group.slots;
		this.timing.markMs += performance.now() - t0;
		this.timing.groups++;
		this.stats.skipped += marked.skipped.length;
		for (const [i, row] of group.rows.entries()) {
			const attempt = marked.sending.get(row.id);
			if (attempt === undefined) continue;
			if (!this.halt.reason) {
				// At its slot and with room in the air (no await at all when both hold already).
				let wait = slots.nextWaitMs(performance.now());
				if (wait === null) {
					// Far behind its slots: the rest of the group gets fresh ones from the shared row,
					// after everything other senders reserved meanwhile.
					this.timing.rescheduled++;
					slots = await this.schedule.slotsFor(group.rows.length - i);
					wait = slots.nextWaitMs(performance.now()) ?? 0;
				}
				if (wait >= 1) {
					this.timing.pacedMs += wait;
					await sleep(wait);
				}
				while (!this.halt.reason && !this.requests.hasRoomFor(1)) await this.wake.wait(50);
			}
			if (this.halt.reason) {
				this.recorder.giveBack(row.id);
				continue;
			}
			this.stats.requests++;
			this.requests.launch(row, attempt);
		}
	}

	/** One settle pass over the broadcast's in-doubt rows (at start: statuses only; at the end: resends too). */
	async settle(resend: boolean): Promise<Awaited<ReturnType<typeof settleBroadcast>>> {
		const { db, broadcast, settings } = this.ctx;
		const st = await settleBroadcast(db, broadcast, { quietMs: settings.inDoubtQuietMs, resend });
		this.settled.byStatus += st.byStatus;
		this.settled.byRecipient += st.byRecipient;
		this.settled.resent += st.resent;
		this.settled.left = st.left + st.waiting;
		if (st.byStatus + st.byRecipient + st.resent > 0) this.ctx.log('settle', { ...st });
		return st;
	}

	private onAnswer(row: repo.ClaimedRow, o: Outcome): void {
		this.recorder.record(row, o);
		const state = o.row.state;
		if (state === 'sent') this.stats.sent++;
		else if (state === 'failed') this.stats.failed++;
		else if (state === 'in_doubt') this.stats.inDoubt++;
		else if (!o.stop) this.stats.retried++;
		if (o.stop) this.halt.set({ kind: 'stopped', stop: o.stop });
		this.wake.notify();
	}

	private fail(e: unknown): void {
		this.failure = this.failure ?? e;
		this.halt.set({ kind: 'aborted' });
	}

	/** Every request in the air gets its answer recorded (the client has a timeout); unsent claims go back. */
	private async drain(): Promise<void> {
		const { db, broadcast, workerId } = this.ctx;
		try {
			await this.schedule.cancelAhead();
			while (this.requests.inFlight > 0) await this.wake.wait(100);
			await this.claims.settle();
			await this.recorder.settle();
			await repo.releaseClaims(db, workerId);
			const h = this.halt.reason;
			if (h?.kind === 'stopped' && h.stop) {
				await repo.transition(db, broadcast.id, ['running'], 'stopped', {
					stopCode: h.stop.code,
					stopReason: stopReason(h.stop.action, h.stop.code, h.stop.reason),
				});
			}
			await stopWorker(db, workerId, h?.kind ?? 'aborted');
		} catch (e) {
			this.failure = this.failure ?? e;
		}
	}
}
