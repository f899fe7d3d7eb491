import { randomBytes } from 'crypto';
import type { Db } from '../db';
import { ackInbound, claimInbound, releaseInbound, type ClaimedMessage, type InboundFilter } from './queue';
import { INBOUND_CHANNEL } from './repository';

/**
 * One consumer of the inbound queue (one per active Mitan Trigger node, in each n8n process).
 * Wakes on NOTIFY for immediacy, and also every `pollMs` (a notification sent while this
 * process was disconnected is lost; a lease that ran out needs a claim). Keeps at most
 * `maxInFlight` messages in hand; each is settled when its handler says how it went.
 */
export interface ConsumerOptions {
	filter?: InboundFilter;
	workerId?: string;
	batchSize?: number;
	maxInFlight?: number;
	leaseSeconds?: number;
	maxAttempts?: number;
	pollMs?: number;
	/** Stop after this many messages (a manual test run takes one). */
	limit?: number;
	/** Runs the workflow for one message; resolves with how the execution ended. */
	handle: (m: ClaimedMessage) => Promise<'done' | 'failed'>;
	onError?: (e: unknown) => void;
}

export class InboundConsumer {
	private stopped = true;
	private inFlight = 0;
	private taken = 0;
	private claiming = false;
	private again = false;
	private seq = 0;
	private pollTimer?: NodeJS.Timeout;
	private unlisten?: () => Promise<void>;
	readonly workerId: string;
	readonly counters = { claimed: 0, done: 0, failed: 0, released: 0, lostClaims: 0, wakeups: 0 };

	constructor(
		private readonly db: Db,
		private readonly options: ConsumerOptions,
	) {
		this.workerId = options.workerId ?? `w-${process.pid}-${randomBytes(4).toString('hex')}`;
	}

	async start(): Promise<void> {
		this.stopped = false;
		try {
			this.unlisten = await this.db.listen(INBOUND_CHANNEL, () => {
				this.counters.wakeups++;
				this.pump();
			});
		} catch (e) {
			// Polling still delivers everything, only later.
			this.options.onError?.(e);
		}
		const poll = (): void => {
			this.pollTimer = setTimeout(() => {
				this.pump();
				if (!this.stopped) poll();
			}, this.options.pollMs ?? 30_000);
			this.pollTimer.unref?.();
		};
		poll();
		this.pump();
	}

	/** Stops claiming; messages in hand are still settled when their executions end. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.pollTimer) clearTimeout(this.pollTimer);
		const u = this.unlisten;
		this.unlisten = undefined;
		if (u) await u().catch(() => undefined);
	}

	get busy(): number {
		return this.inFlight;
	}

	/** Claims as many messages as there is room for; called on NOTIFY, on a timer and after each settle. */
	pump(): void {
		if (this.stopped) return;
		if (this.claiming) {
			this.again = true;
			return;
		}
		const room = Math.min(
			this.options.batchSize ?? 10,
			(this.options.maxInFlight ?? 5) - this.inFlight,
			this.options.limit === undefined ? Infinity : this.options.limit - this.taken,
		);
		if (room <= 0) return;
		this.claiming = true;
		this.again = false;
		const token = `${this.workerId}:${++this.seq}`;
		claimInbound(this.db, this.options.filter ?? {}, {
			token,
			limit: room,
			leaseSeconds: this.options.leaseSeconds ?? 600,
			maxAttempts: this.options.maxAttempts ?? 5,
		})
			.then((msgs) => {
				this.counters.claimed += msgs.length;
				this.taken += msgs.length;
				for (const m of msgs) this.run(m);
				if (this.options.limit !== undefined && this.taken >= this.options.limit) void this.stop();
				// A full batch means there may be more waiting.
				if (msgs.length === room) this.again = true;
			})
			.catch((e) => this.options.onError?.(e))
			.finally(() => {
				this.claiming = false;
				if (this.again) this.pump();
			});
	}

	private run(m: ClaimedMessage): void {
		this.inFlight++;
		let settle: Promise<boolean>;
		try {
			settle = this.options.handle(m).then(
				async (outcome) => {
					this.counters[outcome]++;
					return ackInbound(this.db, m.id, m.claimToken, outcome);
				},
				async (e) => {
					// The execution could not be started: give the message back for another try.
					this.options.onError?.(e);
					this.counters.released++;
					return releaseInbound(this.db, m.id, m.claimToken);
				},
			);
		} catch (e) {
			this.options.onError?.(e);
			settle = releaseInbound(this.db, m.id, m.claimToken);
		}
		settle
			.then((held) => {
				if (!held) this.counters.lostClaims++;
			})
			.catch((e) => this.options.onError?.(e))
			.finally(() => {
				this.inFlight--;
				this.pump();
			});
	}
}
