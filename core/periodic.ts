/**
 * A background job of the gateway + dashboard process (retention, the media sweep): `run` every
 * `intervalMs`, never two at once (a run still going when the timer fires is left to finish, and
 * runNow waits for it before starting its own), a failure handed to onError and tried again next
 * interval. The timer never keeps the process alive; stop() waits for a run in progress, so the
 * pool can close after it.
 */
export interface PeriodicJob {
	runNow(): Promise<void>;
	stop(): Promise<void>;
}

export function startPeriodicJob(run: () => Promise<void>, opts: { intervalMs: number; onError?: (e: unknown) => void }): PeriodicJob {
	let running: Promise<void> | undefined;
	let stopped = false;
	const once = async () => {
		if (running) await running.catch(() => undefined);
		running = run();
		try {
			await running;
		} finally {
			running = undefined;
		}
	};
	const timer = setInterval(() => {
		if (!stopped && !running) once().catch((e) => opts.onError?.(e));
	}, opts.intervalMs);
	timer.unref();
	return {
		runNow: once,
		async stop() {
			stopped = true;
			clearInterval(timer);
			await running?.catch(() => undefined);
		},
	};
}
