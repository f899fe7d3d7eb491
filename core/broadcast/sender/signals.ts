/**
 * How the sender's parts tell the loop that something changed: a wake-up (an answer came, a
 * halt was set) ends the loop's current wait early; every wait also has a time limit, so a
 * missed wake-up costs at most that long, never a hang.
 */
import type { Halt } from './types';

export class Wakeup {
	private waiters: (() => void)[] = [];

	/** Ends every current wait now. */
	notify(): void {
		const waiting = this.waiters;
		this.waiters = [];
		for (const w of waiting) w();
	}

	/** Resolves at the next notify(), or after maxMs. */
	wait(maxMs: number): Promise<void> {
		return new Promise<void>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.waiters = this.waiters.filter((w) => w !== done);
				resolve();
			};
			const timer = setTimeout(done, maxMs);
			this.waiters.push(done);
		});
	}
}

/** The reason the loop stops. The first one set wins: a campaign stop is not overwritten by the abort that follows it. */
export class HaltLatch {
	private current: Halt | null = null;

	constructor(private readonly onSet: () => void = () => undefined) {}

	get reason(): Halt | null {
		return this.current;
	}

	set(h: Halt): void {
		if (!this.current) this.current = h;
		this.onSet();
	}
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
