/**
 * The worker's heartbeat: liveness for the other workers, and the way a pause, a cancel or
 * another worker's verdict ("you are dead") reaches this loop. Each beat also recovers dead
 * workers (their claims back to the pool, their in-flight rows in doubt) and reports progress.
 * A failed beat is logged and the next one tries again: the database may blink.
 */
import type { Queryable } from '../../db';
import * as repo from '../repository';
import type { BroadcastProgress } from '../types';
import { heartbeat, recoverDeadWorkers } from '../workers';
import type { Halt, SenderLog, SenderOutcome } from './types';

/** What a beat's answer means for this loop: null = keep sending. */
export function haltFor(beat: { status: string; declaredDead: boolean }): Halt | null {
	if (beat.declaredDead) return { kind: 'superseded' };
	if (beat.status === 'running') return null;
	// Not started ("created") stops the loop as a pause does: Start or Resume runs it again.
	return { kind: (beat.status === 'created' ? 'paused' : beat.status) as SenderOutcome };
}

export interface HeartbeatOptions {
	everyMs: number;
	deadAfterMs: number;
	progressEveryMs: number;
	onProgress?: (p: BroadcastProgress) => void;
	log: SenderLog;
}

export class Heartbeat {
	private timer: NodeJS.Timeout | null = null;
	private beating = false;
	private lastProgress = 0;

	constructor(
		private readonly db: Queryable,
		private readonly broadcastId: number,
		private readonly workerId: string,
		private readonly opts: HeartbeatOptions,
		private readonly onHalt: (h: Halt) => void,
	) {}

	start(): void {
		this.timer = setInterval(() => void this.beat(), this.opts.everyMs);
		this.timer.unref?.();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	/** One beat; a beat still running when the next is due is not doubled. */
	async beat(): Promise<void> {
		if (this.beating) return;
		this.beating = true;
		try {
			const h = haltFor(await heartbeat(this.db, this.broadcastId, this.workerId));
			if (h) this.onHalt(h);
			await recoverDeadWorkers(this.db, this.broadcastId, { deadAfterMs: this.opts.deadAfterMs, exceptId: this.workerId });
			if (this.opts.onProgress && Date.now() - this.lastProgress >= this.opts.progressEveryMs) {
				this.lastProgress = Date.now();
				const cur = await repo.findBroadcast(this.db, this.broadcastId);
				if (cur) this.opts.onProgress(await repo.progress(this.db, cur));
			}
		} catch (e) {
			this.opts.log('heartbeat.failed', { error: String(e) });
		} finally {
			this.beating = false;
		}
	}
}
