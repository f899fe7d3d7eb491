/**
 * The operator's verbs: start, resume, pause, cancel, status, and settling in-doubt rows.
 * Each is one small transition; the sender loops notice a pause or cancel at their next
 * heartbeat (≤ 1 s, sender/heartbeat.ts) and stop cleanly.
 */
import { audit } from '../audit';
import type { Db } from '../db';
import { MitanError } from '../errors';
import * as repo from './repository';
import type { Broadcast, BroadcastProgress } from './types';
import { settleBroadcast } from './settle';
import { recoverDeadWorkers } from './workers';

async function mustFind(db: Db, id: number): Promise<Broadcast> {
	if (!Number.isInteger(id) || id < 1)
		throw new MitanError('BROADCAST_INPUT_INVALID', `broadcastId must be a positive whole number (got ${JSON.stringify(id)})`, {
			field: 'broadcastId',
		});
	const b = await repo.findBroadcast(db, id);
	if (!b) throw new MitanError('BROADCAST_NOT_FOUND', `no broadcast with id ${id}`, { field: 'broadcastId' });
	return b;
}

function refuse(b: Broadcast, verb: string): MitanError {
	return new MitanError('BROADCAST_BAD_STATE', `cannot ${verb} broadcast ${b.id}: it is ${b.status}`, { status: b.status });
}

/** created → running (running stays running: starting twice is one start). */
export async function startBroadcast(db: Db, id: number, actor = 'system:broadcast'): Promise<Broadcast> {
	const b = await mustFind(db, id);
	// Starting what already runs or already finished is a no-op: the daily workflow may run twice.
	if (b.status === 'running' || b.status === 'completed') return b;
	if (b.status === 'paused' || b.status === 'stopped')
		throw new MitanError('BROADCAST_BAD_STATE', `broadcast ${id} is ${b.status}: use resume`, { status: b.status });
	if (b.status === 'cancelled')
		throw new MitanError('BROADCAST_BAD_STATE', `broadcast ${id} was cancelled and cannot be started`, { status: b.status });
	const r = await repo.transition(db, id, ['created'], 'running');
	if (!r) {
		// Another worker moved it first: report where it is now instead of trying again.
		const now = await mustFind(db, id);
		if (now.status === 'running' || now.status === 'completed') return now;
		throw new MitanError('BROADCAST_BAD_STATE', `broadcast ${id} is ${now.status}: cannot start it`, { status: now.status });
	}
	await audit(db, { districtId: b.districtId, actor, action: 'broadcast.start', entity: 'broadcast', entityId: id });
	return r;
}

export interface ResumeOptions {
	/**
	 * Resend to citizens in doubt now, without waiting for their quiet window (their request was in
	 * the air when a sender died). Default: no; the sender settles them itself (settle.ts). Counts
	 * as their one resend.
	 */
	resendInDoubt?: boolean;
	actor?: string;
	deadAfterMs?: number;
}

/** paused / stopped (or a running one whose workers died) → running; nobody is written off. */
export async function resumeBroadcast(
	db: Db,
	id: number,
	opts: ResumeOptions = {},
): Promise<{ broadcast: Broadcast; resent: number; recovered: { released: number; inDoubt: number } }> {
	const b = await mustFind(db, id);
	if (b.status === 'cancelled' || b.status === 'created') throw refuse(b, 'resume');
	const recovered = await recoverDeadWorkers(db, id, { deadAfterMs: opts.deadAfterMs });
	let resent = 0;
	if (opts.resendInDoubt) {
		const rows = await db.query(
			`UPDATE deliveries SET state = 'pending', claimed_by = NULL, next_attempt_at = NULL, error_class = 'resend_in_doubt',
              doubt_resent_at = now()
       WHERE broadcast_id = $1 AND state = 'in_doubt' RETURNING id`,
			[id],
		);
		resent = rows.length;
	}
	if (b.status === 'completed' && resent === 0) return { broadcast: b, resent, recovered };
	const r = (await repo.transition(db, id, ['paused', 'stopped', 'running', 'completed'], 'running')) ?? (await mustFind(db, id));
	await audit(db, {
		districtId: b.districtId,
		actor: opts.actor ?? 'system:broadcast',
		action: 'broadcast.resume',
		entity: 'broadcast',
		entityId: id,
		details: { from: b.status, resent, ...recovered },
	});
	return { broadcast: r, resent, recovered };
}

export async function pauseBroadcast(db: Db, id: number, actor = 'system:broadcast'): Promise<Broadcast> {
	const b = await mustFind(db, id);
	if (b.status === 'paused') return b;
	const r = await repo.transition(db, id, ['running', 'created'], 'paused', {
		stopCode: 'paused',
		stopReason: `paused by ${actor} / ${actor} द्वारा रोका गया`,
	});
	if (!r) throw refuse(b, 'pause');
	await audit(db, { districtId: b.districtId, actor, action: 'broadcast.pause', entity: 'broadcast', entityId: id });
	return r;
}

/** Cancels; every citizen not yet sent is marked skipped (class "cancelled"). */
export async function cancelBroadcast(db: Db, id: number, actor = 'system:broadcast'): Promise<Broadcast> {
	const b = await mustFind(db, id);
	if (b.status === 'cancelled') return b;
	return db.transaction(async (tx) => {
		const r = await repo.transition(tx, id, ['created', 'running', 'paused', 'stopped'], 'cancelled', {
			stopCode: 'cancelled',
			stopReason: `cancelled by ${actor} / ${actor} द्वारा रद्द`,
		});
		if (!r) throw refuse(b, 'cancel');
		const rows = await tx.query(
			`UPDATE deliveries SET state = 'skipped', error_class = 'cancelled', claimed_by = NULL WHERE broadcast_id = $1 AND state = 'pending' RETURNING id`,
			[id],
		);
		await audit(tx, {
			districtId: b.districtId,
			actor,
			action: 'broadcast.cancel',
			entity: 'broadcast',
			entityId: id,
			details: { skipped: rows.length },
		});
		return r;
	});
}

export async function broadcastStatus(db: Db, id: number): Promise<BroadcastProgress> {
	return repo.progress(db, await mustFind(db, id));
}

/**
 * Settles in-doubt rows from the status webhooks the gateway stored (settle.ts owns the rules);
 * resends nothing: the sender does that after the quiet window. Returns the rows settled.
 */
export async function settleInDoubt(db: Db, id: number): Promise<number> {
	const b = await mustFind(db, id);
	const r = await settleBroadcast(db, b, { quietMs: 0, resend: false });
	return r.byStatus + r.byRecipient;
}
