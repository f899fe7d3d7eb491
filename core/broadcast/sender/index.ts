/**
 * The broadcast sender: one worker's loop over a running broadcast. Any number of workers (n8n
 * queue-mode workers, processes, hosts) may run it on the same broadcast at once:
 * - work is claimed in batches with FOR UPDATE SKIP LOCKED (claims.ts);
 * - send slots are reserved a few groups ahead from the number's shared pacing row (schedule.ts,
 *   pacing.ts), so the combined rate of all workers holds; just before a group is sent, one
 *   statement re-checks opt-out (a STOP since the claim wins) and marks its rows in flight;
 * - answers are recorded in batches (flush.ts); a crash leaves only the requests really in the
 *   air (plus at most one ~40 ms group) "in flight", which recovery turns into "in doubt", never
 *   resent by default; claimed rows that never left go back to the pool;
 * - nothing holds the roster in memory: at most one claim batch (≤ 2 s of sending).
 * Resuming is running it again. The loop itself is loop.ts; this file sets it up and reports.
 */
import type { Db } from '../../db';
import { MitanError } from '../../errors';
import { bucketKeyFor, configurePacing } from '../pacing';
import { serialDb } from '../serial';
import * as repo from '../repository';
import { prepareTier } from '../tier';
import type { Broadcast } from '../types';
import { newWorkerId, recoverDeadWorkers, registerWorker } from '../workers';
import { SenderLoop } from './loop';
import { senderSettings } from './settings';
import type { SenderClient, SenderOptions, SenderOutcome, SenderResult, SenderTiming } from './types';

export type { SenderClient, SenderOptions, SenderOutcome, SenderResult } from './types';

export async function runSender(sharedDb: Db, client: SenderClient, broadcastId: number, opts: SenderOptions = {}): Promise<SenderResult> {
	const db = serialDb(sharedDb);
	const log = opts.log ?? (() => undefined);
	// Before any send: Meta's tier, quality and throughput for this number, and the day's allowance.
	const { broadcast, plan } = await prepareTier(db, await runningBroadcast(db, broadcastId), client, log);
	const settings = senderSettings(broadcast, opts);
	const pacingKey = bucketKeyFor(client.phoneNumberId);
	const workerId = opts.workerId ?? newWorkerId();
	await registerWorker(db, broadcast.id, workerId);
	await recoverDeadWorkers(db, broadcast.id, { deadAfterMs: settings.deadAfterMs, exceptId: workerId });
	await configurePacing(db, pacingKey, settings.rate);
	log('worker.start', {
		workerId,
		rate: settings.rate,
		group: settings.groupSize,
		claimBatch: settings.claimBatch,
		maxInFlight: settings.maxInFlight,
	});

	const loop = new SenderLoop({
		db,
		broadcast,
		client,
		workerId,
		pacingKey,
		settings,
		signal: opts.signal,
		onProgress: opts.onProgress,
		log,
	});
	const halt = await loop.run();

	const final = (await repo.findBroadcast(db, broadcast.id))!;
	// Another worker may have sent the last rows while this one stopped for another reason.
	const outcome: SenderOutcome = final.status === 'completed' ? 'completed' : (halt?.kind ?? 'aborted');
	const timing = roundTiming(loop.timing);
	log('worker.stop', { workerId, outcome, ...loop.stats, timing });
	return {
		broadcastId: broadcast.id,
		workerId,
		outcome,
		...(halt?.stop ? { stop: halt.stop } : {}),
		...loop.stats,
		settled: loop.settled,
		tier: plan,
		progress: await repo.progress(db, final),
		timing,
	};
}

/** The broadcast, which must exist and be running (start or resume it first). */
async function runningBroadcast(db: Db, broadcastId: number): Promise<Broadcast> {
	const b = await repo.findBroadcast(db, broadcastId);
	if (!b) throw new MitanError('BROADCAST_NOT_FOUND', `no broadcast with id ${broadcastId}`, { field: 'broadcastId' });
	if (b.status !== 'running') {
		throw new MitanError('BROADCAST_NOT_RUNNING', `broadcast ${broadcastId} is ${b.status}: start or resume it first`, {
			status: b.status,
		});
	}
	return b;
}

function roundTiming(t: SenderTiming): SenderTiming {
	return {
		groups: t.groups,
		markMs: Math.round(t.markMs),
		claimMs: Math.round(t.claimMs),
		pacedMs: Math.round(t.pacedMs),
		fullMs: Math.round(t.fullMs),
		rescheduled: t.rescheduled,
	};
}
