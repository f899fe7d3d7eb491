/**
 * The broadcast sender: one worker's loop over a running broadcast. Any number of workers (n8n
 * queue-mode workers, processes, hosts) may run it on the same broadcast at once:
 * - work is claimed in batches with FOR UPDATE SKIP LOCKED (repository.claim);
 * - send slots are reserved a few groups ahead from the number's shared pacing row (pacing.ts),
 *   so the combined rate of all workers holds; just before a group is sent, one statement
 *   re-checks opt-out (a STOP since the claim wins) and marks its rows in flight;
 * - answers are recorded in batches; a crash leaves only the requests really in the air (plus
 *   at most one ~40 ms group) "in flight", which recovery turns into "in doubt", never resent by
 *   default; claimed rows that never left go back to the pool;
 * - nothing holds the roster in memory: at most one claim batch (≤ 2 s of sending).
 * Resuming is running it again.
 */
import { performance } from 'node:perf_hooks';
import type { TemplateMessage, WhatsAppSender } from '../channels/whatsapp/types';
import type { Db } from '../db';
import { MitanError, type ErrorAction } from '../errors';
import { RosterService } from '../roster/service';
import { outcomeOf, DEFAULT_RETRY, type RetryPolicy } from './outcome';
import { bucketKeyFor, configurePacing, groupSize } from './pacing';
import { stopReason } from './messages';
import { serialDb } from './serial';
import * as repo from './repository';
import type { BroadcastProgress } from './types';
import { heartbeat, newWorkerId, recoverDeadWorkers, registerWorker, stopWorker } from './workers';

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
	log?: (event: string, details?: Record<string, unknown>) => void;
}

export type SenderOutcome = 'completed' | 'paused' | 'stopped' | 'cancelled' | 'aborted' | 'superseded';

export interface SenderResult {
	broadcastId: number;
	workerId: string;
	outcome: SenderOutcome;
	stop?: { code: string; action: ErrorAction; reason: string };
	/** What this worker did. */
	requests: number;
	sent: number;
	failed: number;
	retried: number;
	inDoubt: number;
	skipped: number;
	progress: BroadcastProgress;
	/** Where this worker's time went (ms): for benchmarks and tuning. */
	timing: { groups: number; markMs: number; claimMs: number; pacedMs: number; fullMs: number };
}

export interface SenderClient extends WhatsAppSender {
	readonly phoneNumberId: string;
}

/** How late a send may fire against its reserved slot before the slot is given up. */
const MAX_LATE_MS = 50;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export async function runSender(sharedDb: Db, client: SenderClient, broadcastId: number, opts: SenderOptions = {}): Promise<SenderResult> {
	const db = serialDb(sharedDb);
	const b = await repo.findBroadcast(db, broadcastId);
	if (!b) throw new MitanError('BROADCAST_NOT_FOUND', `no broadcast with id ${broadcastId}`, { field: 'broadcastId' });
	if (b.status !== 'running') {
		throw new MitanError('BROADCAST_NOT_RUNNING', `broadcast ${broadcastId} is ${b.status}: start or resume it first`, {
			status: b.status,
		});
	}
	const templates = new Map<string, TemplateMessage>();
	for (const [lang, t] of Object.entries(b.templates)) {
		if (t) templates.set(lang, { name: t.name, language: t.language ?? lang, bodyParams: t.params ?? [] });
	}
	const log = opts.log ?? (() => undefined);
	const heartbeatMs = opts.heartbeatMs ?? 1000;
	const deadAfterMs = opts.deadAfterMs ?? 15_000;
	const flushMs = opts.flushMs ?? 100;
	const rate = b.rateLimitPerSecond * b.pacingFactor;
	// ~40 ms of sending per group, but at least 8 rows (or a tenth of a second) at low rates: each
	// group costs two round trips, and at 80/s three-row groups would spend the pace on them.
	const k = opts.groupMs !== undefined ? groupSize(rate, opts.groupMs) : Math.max(groupSize(rate, 40), Math.min(8, Math.ceil(rate / 10)));
	const claimBatch = opts.claimBatch ?? clamp(Math.round(rate * 2), k, 2000);
	const maxInFlight = opts.maxInFlight ?? clamp(Math.ceil(rate / 8), 8, 128);
	const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry, maxAttempts: b.maxAttempts };
	const key = bucketKeyFor(client.phoneNumberId);
	const roster = new RosterService(db, b.districtId);

	const workerId = opts.workerId ?? newWorkerId();
	await registerWorker(db, b.id, workerId);
	await recoverDeadWorkers(db, b.id, { deadAfterMs, exceptId: workerId });
	await configurePacing(db, key, rate);
	log('worker.start', { workerId, rate, group: k, claimBatch, maxInFlight });

	type Halt = { kind: SenderOutcome; stop?: SenderResult['stop'] };
	let halt: Halt | null = null;
	const stats = { requests: 0, sent: 0, failed: 0, retried: 0, inDoubt: 0, skipped: 0 };
	const timing = { groups: 0, markMs: 0, claimMs: 0, pacedMs: 0, fullMs: 0 };
	const queue: repo.ClaimedRow[] = [];
	let results: repo.OutcomeRow[] = [];
	let drops: { row: repo.ClaimedRow; reason: 'invalid' | 'opted_out' | 'undeliverable'; code: number }[] = [];
	let inflight = 0;
	let wake: (() => void) | null = null;
	const notify = () => {
		const w = wake;
		wake = null;
		w?.();
	};
	const waitChange = (maxMs: number) =>
		new Promise<void>((r) => {
			const t = setTimeout(() => {
				wake = null;
				r();
			}, maxMs);
			wake = () => {
				clearTimeout(t);
				r();
			};
		});

	// Answers are written by one flush at a time; the loop never waits for one unless it must.
	let flushing: Promise<void> | null = null;
	let lastFlush = performance.now();
	const flush = (): Promise<void> => {
		if (flushing) return flushing;
		if (results.length === 0 && drops.length === 0) return Promise.resolve();
		const batch = results;
		const dropBatch = drops;
		results = [];
		drops = [];
		lastFlush = performance.now();
		flushing = (async () => {
			try {
				await repo.recordOutcomes(db, workerId, batch);
				for (const d of dropBatch) {
					if (d.reason === 'invalid')
						await roster.markInvalid(d.row.subscriberId, `WhatsApp ${d.code}: not a WhatsApp number`, {
							actor: 'system:broadcast',
							source: `broadcast:${b.id}`,
						});
					else if (d.reason === 'opted_out' && d.row.phone) {
						await roster
							.optOut(d.row.phone, `WhatsApp ${d.code}: stopped marketing messages`, {
								actor: 'system:broadcast',
								source: `broadcast:${b.id}`,
							})
							.catch((e) => log('drop.failed', { error: String(e) }));
					}
				}
			} finally {
				flushing = null;
			}
		})();
		return flushing;
	};

	const setHalt = (h: Halt) => {
		if (!halt) halt = h;
		notify();
	};

	const launch = (row: repo.ClaimedRow, attempt: number) => {
		const tpl = templates.get(row.language);
		inflight++;
		stats.requests++;
		const p: Promise<{ wamid: string } | { error: unknown }> = tpl
			? client.sendTemplate(row.phone, tpl).then(
					(r) => ({ wamid: r.wamid }),
					(error: unknown) => ({ error }),
				)
			: Promise.resolve({ error: new MitanError('BROADCAST_NO_TEMPLATE', `no template for language "${row.language}"`) });
		void p.then((res) => {
			inflight--;
			const o = outcomeOf(row.id, attempt, res, policy);
			results.push(o.row);
			if (o.row.state === 'sent') stats.sent++;
			else if (o.row.state === 'failed') stats.failed++;
			else if (o.row.state === 'in_doubt') stats.inDoubt++;
			else if (!o.stop) stats.retried++;
			if (o.drop) drops.push({ row, ...o.drop });
			if (o.stop) setHalt({ kind: 'stopped', stop: o.stop });
			notify();
		});
	};

	// Heartbeat: liveness, and how pause / cancel / another worker's stop reach this loop.
	let beating = false;
	let lastProgress = 0;
	const beat = async () => {
		if (beating) return;
		beating = true;
		try {
			const hb = await heartbeat(db, b.id, workerId);
			if (hb.declaredDead) setHalt({ kind: 'superseded' });
			else if (hb.status !== 'running') setHalt({ kind: (hb.status === 'created' ? 'paused' : hb.status) as SenderOutcome });
			await recoverDeadWorkers(db, b.id, { deadAfterMs, exceptId: workerId });
			if (opts.onProgress && Date.now() - lastProgress >= (opts.progressEveryMs ?? 5000)) {
				lastProgress = Date.now();
				const cur = await repo.findBroadcast(db, b.id);
				if (cur) opts.onProgress(await repo.progress(db, cur));
			}
		} catch (e) {
			log('heartbeat.failed', { error: String(e) });
		} finally {
			beating = false;
		}
	};
	const timer = setInterval(() => void beat(), heartbeatMs);
	timer.unref?.();
	const onAbort = () => setHalt({ kind: 'aborted' });
	opts.signal?.addEventListener('abort', onAbort);
	if (opts.signal?.aborted) onAbort();

	let prefetch: Promise<repo.ClaimedRow[]> | null = null;
	const startPrefetch = () => {
		if (!prefetch) prefetch = repo.claim(db, b.id, workerId, claimBatch);
	};
	const takePrefetch = async (): Promise<repo.ClaimedRow[]> => {
		startPrefetch();
		const rows = await prefetch!;
		prefetch = null;
		return rows;
	};

	interface Prepared {
		group: repo.ClaimedRow[];
		slots: Promise<{ startAt: number; intervalMs: number; slot: number }>;
	}
	// Slots for the next group are reserved while this one is sent, so a slow round trip to the
	// database never leaves a gap in the pace. Rows are marked in flight only when their group
	// starts: a crash leaves at most one group (~40 ms of sending) "in doubt" without having left.
	const prepare = (group: repo.ClaimedRow[]): Prepared => {
		const issued = performance.now();
		const slots = repo.reserveSlots(db, key, group.length).then((r) => {
			// The database measured the slot against its clock at the end of the statement: anchor it
			// half-way through the round trip (event-loop lag must not push the whole schedule late).
			const anchor = (issued + performance.now()) / 2;
			return { startAt: anchor + r.firstSlotInMs, intervalMs: r.intervalMs, slot: 0 };
		});
		slots.catch(() => undefined); // awaited later; never an unhandled rejection meanwhile
		return { group, slots };
	};
	// Reservations run this many groups ahead: a slow statement in the queue (a claim of 2,000
	// rows, a flush) then never lets the shared schedule run past us. Reserving ahead marks
	// nobody in flight, so it costs no crash exposure; unused slots are only wasted at the end.
	const AHEAD = 3;
	const ahead: Prepared[] = [];

	let failure: unknown;
	try {
		while (!halt) {
			if (results.length >= 500 || (results.length > 0 && performance.now() - lastFlush >= flushMs))
				void flush().catch((e) => setHaltError(e));
			if (queue.length === 0 && ahead.length === 0) {
				const t2 = performance.now();
				queue.push(...(await takePrefetch()));
				timing.claimMs += performance.now() - t2;
				if (queue.length === 0) {
					if (inflight > 0 || results.length > 0 || flushing) {
						await waitChange(20);
						await flush();
						continue;
					}
					const left = await repo.workLeft(db, b.id);
					if (left.pending === 0 && left.inFlight === 0) {
						await repo.completeIfDone(db, b.id);
						setHalt({ kind: 'completed' });
						break;
					}
					// The rest is held by other workers or waits for its retry time.
					const wait = left.claimable > 0 && left.nextDueInMs !== null ? clamp(left.nextDueInMs + 5, 5, heartbeatMs) : heartbeatMs / 2;
					await waitChange(wait);
					continue;
				}
			}
			if (queue.length <= claimBatch / 4) startPrefetch();
			let cur = ahead.shift();
			if (!cur) {
				const group = queue.splice(0, k);
				// Room for the whole group before it is marked in flight: a row marked but held back
				// would turn "in doubt" in a crash without ever having been sent.
				const t1 = performance.now();
				while (!halt && inflight + group.length > maxInFlight) await waitChange(50);
				timing.fullMs += performance.now() - t1;
				if (halt) {
					queue.unshift(...group);
					break;
				}
				cur = prepare(group);
			}
			const t0 = performance.now();
			const marking = repo.markInFlight(
				db,
				cur.group.map((g) => g.id),
				workerId,
			);
			while (!halt && ahead.length < AHEAD && queue.length > 0) ahead.push(prepare(queue.splice(0, k)));
			const marked = await marking;
			const m = await cur.slots;
			timing.markMs += performance.now() - t0;
			timing.groups++;
			stats.skipped += marked.skipped.length;
			for (const row of cur.group) {
				const attempt = marked.sending.get(row.id);
				if (attempt === undefined) continue;
				if (!halt) {
					let wait = m.startAt + m.slot * m.intervalMs - performance.now();
					if (wait < -MAX_LATE_MS) {
						// Far behind (a stalled event loop, a slow database): firing every missed slot at once
						// would burst past the number's limit. Those slots are lost; the schedule moves on.
						m.startAt -= wait;
						wait = 0;
					}
					m.slot++;
					if (wait >= 1) {
						timing.pacedMs += wait;
						await sleep(wait);
					}
					while (!halt && inflight >= maxInFlight) await waitChange(50);
				}
				if (halt) {
					// Marked in flight but never sent: straight back to the pool.
					results.push({ id: row.id, state: 'pending', attempts_delta: -1, at: new Date().toISOString() });
					continue;
				}
				launch(row, attempt);
			}
		}
	} catch (e) {
		failure = e;
		setHalt({ kind: 'aborted' });
	} finally {
		clearInterval(timer);
		opts.signal?.removeEventListener('abort', onAbort);
	}

	function setHaltError(e: unknown) {
		failure = failure ?? e;
		setHalt({ kind: 'aborted' });
	}

	// Drain: every request in the air gets its answer recorded (the client has a timeout).
	try {
		for (const left of ahead.splice(0)) {
			// Reserved but never marked nor sent: the rows go back with the other claims below.
			await left.slots.catch(() => undefined);
			queue.push(...left.group);
		}
		while (inflight > 0) await waitChange(100);
		if (prefetch) queue.push(...(await takePrefetch().catch(() => [] as repo.ClaimedRow[])));
		if (flushing) await flushing;
		await flush();
		await repo.releaseClaims(db, workerId);
		const h = halt as Halt | null;
		if (h?.kind === 'stopped' && h.stop) {
			await repo.transition(db, b.id, ['running'], 'stopped', {
				stopCode: h.stop.code,
				stopReason: stopReason(h.stop.action, h.stop.code, h.stop.reason),
			});
		}
		await stopWorker(db, workerId, h?.kind ?? 'aborted');
	} catch (e) {
		failure = failure ?? e;
	}
	if (failure) throw failure;
	const finalB = (await repo.findBroadcast(db, b.id))!;
	const h = halt as Halt | null;
	let outcome: SenderOutcome = h?.kind ?? 'aborted';
	if (finalB.status === 'completed') outcome = 'completed';
	log('worker.stop', {
		workerId,
		outcome,
		...stats,
		timing: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Math.round(v)])),
	});
	const roundedTiming = {
		groups: timing.groups,
		markMs: Math.round(timing.markMs),
		claimMs: Math.round(timing.claimMs),
		pacedMs: Math.round(timing.pacedMs),
		fullMs: Math.round(timing.fullMs),
	};
	return {
		broadcastId: b.id,
		workerId,
		outcome,
		...(h?.stop ? { stop: h.stop } : {}),
		...stats,
		progress: await repo.progress(db, finalB),
		timing: roundedTiming,
	};
}
