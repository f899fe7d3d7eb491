/**
 * Sender processes of a broadcast. Each registers a row and beats every second; a worker is dead
 * when its heartbeat is stale, or at once when it ran on this host and its pid is gone (a kill -9
 * followed by "run the node again" must not wait for a timeout). A dead worker's claimed rows go
 * back to the pool (never sent); its in-flight rows become in doubt (maybe sent: by default
 * never resent, a duplicate costs money and the citizen's trust).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Queryable } from '../db';

/** Workers of this process that are running now: anything else with our pid is a leftover. */
export const liveInThisProcess = new Set<string>();

export function newWorkerId(): string {
	return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export async function registerWorker(db: Queryable, broadcastId: number, id: string): Promise<void> {
	await db.query(`INSERT INTO broadcast_workers (id, broadcast_id, host, pid) VALUES ($1, $2, $3, $4)`, [
		id,
		broadcastId,
		os.hostname(),
		process.pid,
	]);
	liveInThisProcess.add(id);
}

/** Beats; returns the broadcast status and whether someone declared this worker dead. */
export async function heartbeat(db: Queryable, broadcastId: number, id: string): Promise<{ status: string; declaredDead: boolean }> {
	const [r] = await db.query<{ status: string; stopped: boolean | null }>(
		`WITH w AS (UPDATE broadcast_workers SET heartbeat_at = now() WHERE id = $2 RETURNING stopped_at IS NOT NULL AS stopped)
     SELECT (SELECT status FROM broadcasts WHERE id = $1) AS status, (SELECT stopped FROM w) AS stopped`,
		[broadcastId, id],
	);
	return { status: r.status, declaredDead: r.stopped !== false };
}

export async function stopWorker(db: Queryable, id: string, reason: string): Promise<void> {
	liveInThisProcess.delete(id);
	await db.query(
		`UPDATE broadcast_workers SET stopped_at = coalesce(stopped_at, now()), stop_reason = coalesce(stop_reason, $2) WHERE id = $1`,
		[id, reason],
	);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export interface Recovery {
	deadWorkers: string[];
	released: number;
	inDoubt: number;
}

/**
 * Declares dead workers of a broadcast and settles their rows. Safe to run from every worker at
 * any time: a worker is only declared dead once (the UPDATE … WHERE stopped_at IS NULL).
 */
export async function recoverDeadWorkers(
	db: Queryable,
	broadcastId: number,
	opts: { deadAfterMs?: number; exceptId?: string } = {},
): Promise<Recovery> {
	const live = await db.query<{ id: string; host: string; pid: number }>(
		`SELECT id, host, pid FROM broadcast_workers WHERE broadcast_id = $1 AND stopped_at IS NULL`,
		[broadcastId],
	);
	const host = os.hostname();
	const goneHere = live
		.filter((w) => w.id !== opts.exceptId && w.host === host)
		.filter((w) => (Number(w.pid) === process.pid ? !liveInThisProcess.has(w.id) : !pidAlive(Number(w.pid))))
		.map((w) => w.id);
	const dead = await db.query<{ id: string }>(
		`UPDATE broadcast_workers SET stopped_at = now(), stop_reason = 'dead: no heartbeat or process gone'
     WHERE broadcast_id = $1 AND stopped_at IS NULL AND id IS DISTINCT FROM $2
       AND (heartbeat_at < now() - $3 * interval '1 millisecond' OR id = ANY($4::text[]))
     RETURNING id`,
		[broadcastId, opts.exceptId ?? null, opts.deadAfterMs ?? 15_000, goneHere],
	);
	const ids = dead.map((d) => d.id);
	// Also rows held by workers already marked stopped (a crash between stop and release).
	const released = await db.query(
		`UPDATE deliveries d SET claimed_by = NULL, claimed_at = NULL
     WHERE d.broadcast_id = $1 AND d.state = 'pending' AND d.claimed_by IS NOT NULL
       AND (d.claimed_by = ANY($2::text[]) OR NOT EXISTS (SELECT 1 FROM broadcast_workers w WHERE w.id = d.claimed_by AND w.stopped_at IS NULL))
     RETURNING d.id`,
		[broadcastId, ids],
	);
	const doubt = await db.query(
		`UPDATE deliveries d SET state = 'in_doubt', error_class = 'in_doubt'
     WHERE d.broadcast_id = $1 AND d.state = 'in_flight'
       AND (d.claimed_by = ANY($2::text[]) OR d.claimed_by IS NULL
            OR NOT EXISTS (SELECT 1 FROM broadcast_workers w WHERE w.id = d.claimed_by AND w.stopped_at IS NULL))
     RETURNING d.id`,
		[broadcastId, ids],
	);
	return { deadWorkers: ids, released: released.length, inDoubt: doubt.length };
}
