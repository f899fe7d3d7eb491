/**
 * The sender's parts that touch the store, each alone, on both engines: claiming (SKIP LOCKED
 * between workers, prefetch), slot reservations on the shared pacing row, recording answers in
 * batches (and drops through the roster), and the heartbeat (halts, recovery, progress).
 */
import { createBroadcast, pauseBroadcast, cancelBroadcast, startBroadcast } from '../../../core/broadcast';
import { configurePacing } from '../../../core/broadcast/pacing';
import { markInFlight, type ClaimedRow } from '../../../core/broadcast/repository';
import { ClaimQueue } from '../../../core/broadcast/sender/claims';
import { OutcomeRecorder, rosterDrops, FLUSH_BATCH } from '../../../core/broadcast/sender/flush';
import { Heartbeat } from '../../../core/broadcast/sender/heartbeat';
import { SlotScheduler } from '../../../core/broadcast/sender/schedule';
import type { Halt } from '../../../core/broadcast/sender/types';
import { registerWorker, stopWorker } from '../../../core/broadcast/workers';
import type { BroadcastProgress } from '../../../core/broadcast/types';
import { describeEachEngine } from '../../helpers/db';
import { deliveryCounts, seedRoster, TEMPLATES } from '../helpers';

let seq = 0;

describeEachEngine('sender parts against the store', (ctx) => {
	beforeAll(async () => {
		await seedRoster(ctx.db, 40);
	});

	/** A running broadcast to the 40 seeded citizens. */
	async function running(): Promise<number> {
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: `parts:${++seq}`,
			templates: TEMPLATES,
			// A day per broadcast: a citizen gets one awareness message a day (migration 115).
			date: new Date(Date.UTC(2026, 6, 1) + seq * 86_400_000).toISOString().slice(0, 10),
		});
		await startBroadcast(ctx.db, broadcast.id);
		return broadcast.id;
	}

	/** Claims n rows for a worker and marks them in flight, as the loop does before sending. */
	async function inFlight(broadcastId: number, workerId: string, n: number): Promise<ClaimedRow[]> {
		const q = new ClaimQueue(ctx.db, broadcastId, workerId, n);
		await q.refill();
		const rows = q.take(n);
		await markInFlight(
			ctx.db,
			rows.map((r) => r.id),
			workerId,
		);
		return rows;
	}

	describe('ClaimQueue', () => {
		test('claims in id order, one batch at a time; two workers never get the same row', async () => {
			const id = await running();
			const a = new ClaimQueue(ctx.db, id, 'w-a', 15);
			const b = new ClaimQueue(ctx.db, id, 'w-b', 15);
			expect(await a.refill()).toBe(15);
			expect(await b.refill()).toBe(15);
			const fromA = a.take(15);
			const fromB = b.take(15);
			expect(fromA.map((r) => r.id)).toEqual([...fromA.map((r) => r.id)].sort((x, y) => x - y));
			expect(fromA.filter((r) => fromB.some((o) => o.id === r.id))).toEqual([]);
			expect(fromA[0]).toMatchObject({ language: expect.stringMatching(/^(hi|en)$/), phone: expect.stringMatching(/^\+91\d{10}$/) });
			const [c] = await ctx.db.query<{ a: number; b: number; free: number }>(
				`SELECT count(*) FILTER (WHERE claimed_by = 'w-a')::int AS a, count(*) FILTER (WHERE claimed_by = 'w-b')::int AS b,
                count(*) FILTER (WHERE claimed_by IS NULL)::int AS free FROM deliveries WHERE broadcast_id = $1`,
				[id],
			);
			expect(c).toEqual({ a: 15, b: 15, free: 10 });
			expect(await a.refill()).toBe(10); // what is left
			expect(await b.refill()).toBe(0);
		});

		test('the next claim starts when a quarter of a batch is left; rows put back come first; settle waits for a claim on its way', async () => {
			const id = await running();
			const q = new ClaimQueue(ctx.db, id, 'w-p', 8);
			await q.refill();
			const first = q.take(5);
			q.prefetchIfLow(); // 3 left of 8: not yet
			expect(await claimedBy(id, 'w-p')).toBe(8);
			q.take(1);
			q.prefetchIfLow(); // 2 left: the next claim starts
			await q.settle();
			expect(await claimedBy(id, 'w-p')).toBe(16);
			q.putBack(first);
			expect(q.take(5)).toEqual(first);
		});
	});

	describe('SlotScheduler', () => {
		test('reservations advance the shared row by exactly the slots taken, so two workers never overlap', async () => {
			const key = `whatsapp:parts-${++seq}`;
			await configurePacing(ctx.db, key, 100);
			// Far in the future: every reservation queues behind it, whatever the clocks say.
			await ctx.db.query(`UPDATE send_rate_limits SET next_free_at = now() + interval '1 hour' WHERE key = $1`, [key]);
			const [before] = await ctx.db.query<{ t: Date }>(`SELECT next_free_at AS t FROM send_rate_limits WHERE key = $1`, [key]);
			const rows = (n: number, from: number) =>
				Array.from({ length: n }, (_, i) => ({ id: from + i, subscriberId: 1, language: 'hi', phone: '', address: '', rank: 0 }));
			const workerA = new SlotScheduler(ctx.db, key);
			const workerB = new SlotScheduler(ctx.db, key);
			const a = await workerA.reserve(rows(5, 1)).slots;
			const b = await workerB.reserve(rows(7, 100)).slots;
			const [after] = await ctx.db.query<{ t: Date }>(`SELECT next_free_at AS t FROM send_rate_limits WHERE key = $1`, [key]);
			expect(new Date(after.t).getTime() - new Date(before.t).getTime()).toBe(120); // 12 slots at 10 ms
			expect(a.intervalMs).toBe(10);
			expect(b.intervalMs).toBe(10);
			const waitA = a.nextWaitMs(performance.now());
			expect(waitA).toBeGreaterThan(59 * 60_000);
			expect(waitA).toBeLessThan(61 * 60_000);
		});

		test('groups reserved ahead come out in order, up to the depth; cancelling returns their rows', async () => {
			const key = `whatsapp:parts-${++seq}`;
			await configurePacing(ctx.db, key, 1000);
			const s = new SlotScheduler(ctx.db, key, 2);
			const row = (id: number) => ({ id, subscriberId: 1, language: 'hi', phone: '', address: '', rank: 0 });
			expect(s.wantsMore).toBe(true);
			s.reserveAhead([row(1), row(2)]);
			s.reserveAhead([row(3)]);
			expect(s.wantsMore).toBe(false);
			expect(s.reservedAhead).toBe(2);
			expect(s.next()!.rows.map((r) => r.id)).toEqual([1, 2]);
			s.reserveAhead([row(4)]);
			expect((await s.cancelAhead()).map((r) => r.id)).toEqual([3, 4]);
			expect(s.next()).toBeUndefined();
		});
	});

	describe('OutcomeRecorder', () => {
		test('writes the answers of its own in-flight rows in one batch; a row given back returns to the pool', async () => {
			const id = await running();
			const [sent, failed, retry, back] = await inFlight(id, 'w-r', 4);
			const recorder = new OutcomeRecorder(ctx.db, 'w-r', async () => undefined, 1e9);
			const at = new Date().toISOString();
			recorder.record(sent, { row: { id: sent.id, state: 'sent', wamid: 'wamid.parts.1', at } });
			recorder.record(failed, { row: { id: failed.id, state: 'failed', error_code: 131049, error_class: 'retry_tomorrow', at } });
			const later = new Date(Date.now() + 60_000).toISOString();
			recorder.record(retry, { row: { id: retry.id, state: 'pending', error_class: 'retry_soon', next_attempt_at: later, at } });
			recorder.giveBack(back.id);
			expect(recorder.isDue()).toBe(false); // neither a full batch nor the interval yet
			expect(recorder.busy).toBe(true);
			const p = recorder.flush();
			expect(recorder.flush()).toBe(p); // one flush at a time
			await p;
			expect(recorder.busy).toBe(false);
			const rows = await ctx.db.query<{ id: number; state: string; wamid: string | null; attempts: number; claimed_by: string | null }>(
				`SELECT id, state, wamid, attempts, claimed_by FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id`,
				[[sent.id, failed.id, retry.id, back.id]],
			);
			expect(rows.map((r) => [r.state, r.wamid, r.attempts])).toEqual([
				['sent', 'wamid.parts.1', 1],
				['failed', null, 1],
				['pending', null, 1],
				['pending', null, 0], // its attempt never happened
			]);
			expect(rows[3].claimed_by).toBeNull();
		});

		test('only rows in flight for this worker change; a full batch is due at once', async () => {
			const id = await running();
			const [mine] = await inFlight(id, 'w-mine', 1);
			const [theirs] = await inFlight(id, 'w-theirs', 1);
			const recorder = new OutcomeRecorder(ctx.db, 'w-mine', async () => undefined, 1e9);
			const at = new Date().toISOString();
			for (const r of [mine, theirs]) recorder.record(r, { row: { id: r.id, state: 'sent', wamid: `wamid.parts.${r.id}`, at } });
			await recorder.settle();
			const [m] = await ctx.db.query<{ state: string }>(`SELECT state FROM deliveries WHERE id = $1`, [mine.id]);
			const [t] = await ctx.db.query<{ state: string }>(`SELECT state FROM deliveries WHERE id = $1`, [theirs.id]);
			expect([m.state, t.state]).toEqual(['sent', 'in_flight']);
			for (let i = 0; i < FLUSH_BATCH; i++) recorder.giveBack(-1 - i);
			expect(recorder.isDue()).toBe(true);
			expect(new OutcomeRecorder(ctx.db, 'w-x', async () => undefined, 0).isDue()).toBe(false); // nothing to write
		});

		test('drops go through the roster: 131026 marks the number invalid, 131050 opts the citizen out', async () => {
			const id = await running();
			const [invalid, optedOut] = await inFlight(id, 'w-d', 2);
			const recorder = new OutcomeRecorder(
				ctx.db,
				'w-d',
				rosterDrops(ctx.db, 1, id, () => undefined),
				0,
			);
			const at = new Date().toISOString();
			recorder.record(invalid, {
				row: { id: invalid.id, state: 'failed', error_code: 131026, error_class: 'drop_recipient', at },
				drop: { effect: 'mark_invalid', code: 131026 },
			});
			recorder.record(optedOut, {
				row: { id: optedOut.id, state: 'failed', error_code: 131050, error_class: 'drop_recipient', at },
				drop: { effect: 'opt_out', code: 131050 },
			});
			expect(recorder.isDue()).toBe(true);
			await recorder.flush();
			const subs = await ctx.db.query<{ id: number; status: string }>(
				`SELECT id, status FROM subscribers WHERE id = ANY($1::int[]) ORDER BY id`,
				[[invalid.subscriberId, optedOut.subscriberId]],
			);
			expect(subs.map((s) => s.status)).toEqual(['invalid', 'opted_out']);
			const audit = await ctx.db.query<{ actor: string }>(`SELECT DISTINCT actor FROM audit_log WHERE details->>'source' = $1`, [
				`broadcast:${id}`,
			]);
			expect(audit).toEqual([{ actor: 'system:broadcast' }]);
			// Put them back for the other tests.
			await ctx.db.query(`UPDATE subscribers SET status = 'active' WHERE id = ANY($1::int[])`, [
				[invalid.subscriberId, optedOut.subscriberId],
			]);
		});
	});

	describe('Heartbeat', () => {
		function beater(id: number, workerId: string, progressEveryMs = 1e9) {
			const halts: Halt[] = [];
			const progress: BroadcastProgress[] = [];
			const logs: string[] = [];
			const hb = new Heartbeat(
				ctx.db,
				id,
				workerId,
				{ everyMs: 1000, deadAfterMs: 15_000, progressEveryMs, onProgress: (p) => progress.push(p), log: (e) => logs.push(e) },
				(h) => halts.push(h),
			);
			return { hb, halts, progress, logs };
		}

		test('running: no halt; progress on the first beat, then at its interval only', async () => {
			const id = await running();
			await registerWorker(ctx.db, id, 'w-hb1');
			const b = beater(id, 'w-hb1');
			await b.hb.beat();
			await b.hb.beat();
			expect(b.halts).toEqual([]);
			expect(b.logs).toEqual([]);
			expect(b.progress).toHaveLength(1);
			expect(b.progress[0]).toMatchObject({ broadcastId: id, status: 'running', targeted: 40, liveWorkers: 1 });
			const every = beater(id, 'w-hb1', 0);
			await every.hb.beat();
			await every.hb.beat();
			expect(every.progress).toHaveLength(2);
			await stopWorker(ctx.db, 'w-hb1', 'test');
		});

		test('a pause, a cancel and a death verdict reach the loop', async () => {
			const paused = await running();
			await registerWorker(ctx.db, paused, 'w-hb2');
			const p = beater(paused, 'w-hb2');
			await pauseBroadcast(ctx.db, paused);
			await p.hb.beat();
			expect(p.halts).toEqual([{ kind: 'paused' }]);

			const cancelled = await running();
			await registerWorker(ctx.db, cancelled, 'w-hb3');
			const c = beater(cancelled, 'w-hb3');
			await cancelBroadcast(ctx.db, cancelled);
			await c.hb.beat();
			expect(c.halts).toEqual([{ kind: 'cancelled' }]);

			const live = await running();
			await registerWorker(ctx.db, live, 'w-hb4');
			const d = beater(live, 'w-hb4');
			await stopWorker(ctx.db, 'w-hb4', 'dead: declared by another worker');
			await d.hb.beat();
			expect(d.halts).toEqual([{ kind: 'superseded' }]);
		});

		test('each beat recovers dead workers: their claims back to the pool, their in-flight rows in doubt', async () => {
			const id = await running();
			await registerWorker(ctx.db, id, 'w-live');
			await ctx.db.query(
				`INSERT INTO broadcast_workers (id, broadcast_id, host, pid, heartbeat_at) VALUES ('w-dead', $1, 'elsewhere', 1, now() - interval '1 hour')`,
				[id],
			);
			await inFlight(id, 'w-dead', 3);
			await new ClaimQueue(ctx.db, id, 'w-dead', 2).refill();
			const b = beater(id, 'w-live');
			await b.hb.beat();
			expect(b.halts).toEqual([]);
			expect(await deliveryCounts(ctx.db, id)).toEqual({ in_doubt: 3, pending: 37 });
			const [held] = await ctx.db.query<{ n: number }>(
				`SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND claimed_by = 'w-dead' AND state = 'pending'`,
				[id],
			);
			expect(held.n).toBe(0); // the 2 claimed, never sent: back to the pool
			const [w] = await ctx.db.query<{ stopped: boolean }>(
				`SELECT stopped_at IS NOT NULL AS stopped FROM broadcast_workers WHERE id = 'w-dead'`,
			);
			expect(w.stopped).toBe(true);
			await stopWorker(ctx.db, 'w-live', 'test');
		});
	});

	async function claimedBy(broadcastId: number, workerId: string): Promise<number> {
		const [r] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND claimed_by = $2`, [
			broadcastId,
			workerId,
		]);
		return r.n;
	}
});
