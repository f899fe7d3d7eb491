import type { Db } from '../db';
import { refreshRollups, type RefreshResult } from './refresh';

/**
 * Keeps the rollups within about one interval of the events (issue 19 §2): every `intervalMs`
 * it applies the days the triggers marked dirty (an incremental refresh: only those days, and
 * nothing at all when none is marked). Runs in the gateway + dashboard process; several such
 * processes (or the Reach node at the same time) are safe, since a day is claimed in the
 * refresh's own transaction. A run never overlaps the previous one (the next is scheduled when
 * it ends), a failed run leaves its days dirty for the next, and stop() waits for a run in
 * progress so the pool can close after it.
 */
export interface Refresher {
	/** Runs one refresh now (waiting for one in progress first); what the timer runs. */
	runNow(): Promise<RefreshResult>;
	/** The last run that finished, and when; null before the first. */
	readonly last: { at: Date; result: RefreshResult } | null;
	stop(): Promise<void>;
}

export interface RefresherOptions {
	intervalMs: number;
	/** Called with a failure (the store down, a statement timeout): logged by the caller, retried next interval. */
	onError?: (e: unknown) => void;
	/** Called after each run that changed rollup rows (e.g. to drop cached answers). */
	onChanged?: (r: RefreshResult) => void;
}

export function startRefresher(db: Db, opts: RefresherOptions): Refresher {
	let timer: NodeJS.Timeout | undefined;
	let running: Promise<RefreshResult> | undefined;
	let stopped = false;
	let last: Refresher['last'] = null;

	const run = async (): Promise<RefreshResult> => {
		if (running) await running.catch(() => undefined);
		running = refreshRollups(db, { mode: 'incremental' });
		try {
			const result = await running;
			last = { at: new Date(), result };
			if (result.kinds.some((k) => k.changed > 0 || k.removed > 0)) opts.onChanged?.(result);
			return result;
		} finally {
			running = undefined;
		}
	};
	const schedule = () => {
		if (stopped) return;
		timer = setTimeout(() => {
			run()
				.catch((e) => opts.onError?.(e))
				.finally(schedule);
		}, opts.intervalMs);
		// The refresher alone never keeps a process alive.
		timer.unref();
	};
	schedule();
	return {
		runNow: run,
		get last() {
			return last;
		},
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			if (running) await running.catch(() => undefined);
		},
	};
}
