/**
 * Webhook delivery like Meta's: at-least-once (configurable duplicates), unordered (configurable
 * reordering), retried with exponential backoff on non-2xx or network errors, signed with
 * X-Hub-Signature-256. Concurrency is bounded and the number of waiting events is capped
 * (`maxPending`, beyond which events are dropped and counted) so a slow or dead receiver can
 * never slow the send path or grow the sandbox without bound.
 */
import * as http from 'http';
import * as https from 'https';
import { Ring } from './ring';
import { serialize, sign, statusEnvelope, type Envelope, type StatusObject } from './webhook-payloads';
import type { SandboxState } from './state';

interface StatusEvent {
	kind: 'status';
	phoneNumberId: string;
	status: StatusObject;
}

interface RawEvent {
	kind: 'raw';
	envelope: Envelope;
}

type WebhookEvent = StatusEvent | RawEvent;

/** One HTTP delivery: its bytes are fixed at first attempt, retries and duplicates resend them. */
interface Delivery {
	body: string;
	signature: string;
	attempt: number;
	events: number;
	duplicate: boolean;
}

export interface WebhookStats {
	/** Events (statuses, inbound messages, preferences) handed to the dispatcher. */
	events: number;
	/** HTTP POSTs made, including retries and duplicates. */
	sent: number;
	succeeded: number;
	/** POSTs that failed and were scheduled again. */
	retried: number;
	/** Deliveries abandoned after the last attempt. */
	failed: number;
	duplicated: number;
	reordered: number;
	dropped: number;
	pending: number;
	inFlight: number;
}

export interface WebhookLogEntry {
	at: string;
	attempt: number;
	status: number | string;
	events: number;
	duplicate: boolean;
	ms: number;
}

export class WebhookDispatcher {
	private ready: WebhookEvent[] = [];
	private readyHead = 0;
	private retryQueue: Delivery[] = [];
	private closed = false;
	private httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	private httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
	readonly log: Ring<WebhookLogEntry>;
	stats: WebhookStats = emptyStats();
	/** Events waiting on a timer (not yet ready). */
	private scheduled = 0;

	constructor(private state: SandboxState) {
		this.log = new Ring(state.config.buffers.webhookLog);
	}

	get enabled(): boolean {
		return !!this.state.config.webhook.callbackUrl && !this.closed;
	}

	private get pendingCount(): number {
		return this.scheduled + (this.ready.length - this.readyHead) + this.retryQueue.length;
	}

	/** Queues an event after `delayMs` (plus a random hold if it is picked for reordering). */
	schedule(event: WebhookEvent, delayMs: number, onDue?: () => void): void {
		const cfg = this.state.config.webhook;
		this.stats.events++;
		if (this.pendingCount >= cfg.maxPending) {
			this.stats.dropped++;
			onDue?.();
			return;
		}
		let delay = delayMs;
		if (this.state.prng.chance(cfg.reorderRate)) {
			delay += cfg.reorderDelayMs;
			this.stats.reordered++;
		}
		this.scheduled++;
		const generation = this.state.generation;
		const fire = (): void => {
			this.scheduled--;
			// An event from before a reset belongs to a finished test or training run.
			if (this.closed || generation !== this.state.generation) return;
			onDue?.();
			this.ready.push(event);
			this.pump();
		};
		if (delay <= 0) setImmediate(fire);
		else setTimeout(fire, delay).unref();
	}

	/** Starts as many deliveries as the concurrency allows. */
	private pump(): void {
		const cfg = this.state.config.webhook;
		while (!this.closed && this.stats.inFlight < cfg.concurrency) {
			const retry = this.retryQueue.shift();
			if (retry) {
				this.post(retry);
				continue;
			}
			if (this.readyHead >= this.ready.length) break;
			this.post(this.build(this.takeBatch(cfg.statusesPerCall)));
		}
		// Compact the queue now and then instead of shifting on every event.
		if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
			this.ready = this.ready.slice(this.readyHead);
			this.readyHead = 0;
		}
	}

	/** Up to n consecutive status events of one phone number go in one call; other events alone. */
	private takeBatch(n: number): WebhookEvent[] {
		const first = this.ready[this.readyHead++];
		const batch = [first];
		if (first.kind !== 'status') return batch;
		while (batch.length < n && this.readyHead < this.ready.length) {
			const next = this.ready[this.readyHead];
			if (next.kind !== 'status' || next.phoneNumberId !== first.phoneNumberId) break;
			batch.push(next);
			this.readyHead++;
		}
		return batch;
	}

	private build(batch: WebhookEvent[]): Delivery {
		const cfg = this.state.config;
		let envelope: Envelope;
		const first = batch[0];
		if (first.kind === 'raw') {
			envelope = first.envelope;
		} else {
			const phone = cfg.whatsapp.phoneNumbers.find((p) => p.id === first.phoneNumberId) ?? cfg.whatsapp.phoneNumbers[0];
			envelope = statusEnvelope(
				cfg.whatsapp.wabaId,
				phone,
				batch.map((e) => (e as StatusEvent).status),
			);
		}
		const body = serialize(envelope, cfg.webhook);
		return { body, signature: sign(body, cfg.appSecret), attempt: 1, events: batch.length, duplicate: false };
	}

	private post(d: Delivery): void {
		const url = this.state.config.webhook.callbackUrl;
		if (!url) return;
		this.stats.inFlight++;
		this.stats.sent++;
		const started = Date.now();
		this.send(url, d.body, d.signature).then(
			(status) => this.finish(d, status, started),
			(err: Error) => this.finish(d, (err as NodeJS.ErrnoException).code ?? err.message, started),
		);
	}

	private finish(d: Delivery, status: number | string, started: number): void {
		this.stats.inFlight--;
		const cfg = this.state.config.webhook;
		this.log.push({
			at: new Date().toISOString(),
			attempt: d.attempt,
			status,
			events: d.events,
			duplicate: d.duplicate,
			ms: Date.now() - started,
		});
		const ok = typeof status === 'number' && status >= 200 && status < 300;
		if (ok) {
			this.stats.succeeded++;
			// At-least-once: sometimes the same bytes arrive a second time.
			if (!d.duplicate && this.state.prng.chance(cfg.duplicateRate)) {
				this.stats.duplicated++;
				this.later({ ...d, attempt: 1, duplicate: true }, 10);
			}
		} else if (d.attempt < cfg.retry.maxAttempts) {
			this.stats.retried++;
			const delay = Math.min(cfg.retry.maxDelayMs, cfg.retry.baseDelayMs * 2 ** (d.attempt - 1));
			this.later({ ...d, attempt: d.attempt + 1 }, delay);
		} else {
			this.stats.failed++;
		}
		this.pump();
	}

	private later(d: Delivery, delayMs: number): void {
		if (this.closed) return;
		this.scheduled++;
		const generation = this.state.generation;
		setTimeout(() => {
			this.scheduled--;
			if (this.closed || generation !== this.state.generation) return;
			this.retryQueue.push(d);
			this.pump();
		}, delayMs).unref();
	}

	private send(url: string, body: string, signature: string): Promise<number> {
		const u = new URL(url);
		const isHttps = u.protocol === 'https:';
		const payload = Buffer.from(body, 'utf8');
		return new Promise((resolve, reject) => {
			const req = (isHttps ? https : http).request(
				u,
				{
					method: 'POST',
					agent: isHttps ? this.httpsAgent : this.httpAgent,
					headers: {
						'content-type': 'application/json',
						'content-length': payload.length,
						'x-hub-signature-256': signature,
						'user-agent': 'facebookexternalua',
					},
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
					res.on('error', reject);
				},
			);
			req.setTimeout(this.state.config.webhook.timeoutMs, () => req.destroy(new Error('timeout')));
			req.on('error', reject);
			req.end(payload);
		});
	}

	/** Zeroes the counters; deliveries already on their way still complete. */
	resetStats(): void {
		const inFlight = this.stats.inFlight;
		this.stats = emptyStats();
		this.stats.inFlight = inFlight;
		this.log.clear();
	}

	snapshot(): WebhookStats {
		return { ...this.stats, pending: this.pendingCount };
	}

	/** Waits until nothing is scheduled, queued or in flight (tests and benchmarks use it). */
	async drain(timeoutMs = 10_000): Promise<boolean> {
		const end = Date.now() + timeoutMs;
		while (Date.now() < end) {
			if (this.pendingCount === 0 && this.stats.inFlight === 0) return true;
			await new Promise((r) => setTimeout(r, 10));
		}
		return false;
	}

	close(): void {
		this.closed = true;
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
	}
}

function emptyStats(): WebhookStats {
	return { events: 0, sent: 0, succeeded: 0, retried: 0, failed: 0, duplicated: 0, reordered: 0, dropped: 0, pending: 0, inFlight: 0 };
}
