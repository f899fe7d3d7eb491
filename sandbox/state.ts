/**
 * All the sandbox's mutable state in one object, so reset is one call and tests can read it.
 * Owns the clock (real time plus an offset a trainer can advance), the seeded PRNG and the
 * day boundary used by every daily limit.
 */
import { randomBytes } from 'crypto';
import { sandboxConfig, mergeConfig, type DeepPartial, type SandboxConfig } from './config';
import { Prng } from './prng';
import { WaStore } from './wa-store';
import { DailyRecipients, PairLimiter, ThroughputWindow } from './limits';
import { SocialStore } from './social-store';
import { IdentityMemory } from './identities';
import { TemplateStore } from './wa-templates';
import { UploadStore } from './wa-uploads';
import { MediaStore } from './wa-media';

export class SandboxState {
	config: SandboxConfig;
	prng: Prng;
	/** Added to Date.now(): lets a test skip the 6 s pair window or move to tomorrow. */
	clockOffsetMs = 0;
	/** Distinguishes ids across restarts: a gateway's database outlives a sandbox process. */
	readonly bootId = randomBytes(4).toString('hex').toUpperCase();
	private seq = 0;
	/** Bumped by reset(): timers armed before a reset see the change and do nothing. */
	generation = 0;

	wa!: WaStore;
	throughput = new Map<string, ThroughputWindow>();
	pair = new PairLimiter();
	private daily!: DailyRecipients;
	/** Citizens who pressed "Stop promotions" (injected user_preferences stop); resume removes. */
	stoppedAtRuntime = new Set<string>();
	/** Last inbound message time per citizen: opens the 24 h customer service window. */
	lastInboundMs = new Map<string, number>();
	/** Usernames adopted, BSUIDs changed, the contact book (sandbox/identities.ts). */
	identities = new IdentityMemory();
	social!: SocialStore;
	/** The WABA's message templates: account configuration, so a traffic reset keeps them. */
	readonly templates = new TemplateStore(() => String(TEMPLATE_ID_BASE + this.nextSeq()));
	/** Resumable uploads and the header handles they issued (sandbox/wa-uploads.ts); kept like templates. */
	readonly uploads = new UploadStore();
	/** Media citizens sent (injected), served by GET /{v}/{media-id} and its download URL. */
	media = new MediaStore();
	/**
	 * A fault toggle (POST /_sandbox/faults/media): this many next GET /{v}/{media-id} calls answer
	 * Meta's transient 131000 (HTTP 500), as an overloaded media service does; 0 = healthy.
	 */
	mediaFaults = 0;
	/** Graph calls that named an expired API version (answered as the oldest served one). */
	expiredVersionCalls = 0;

	constructor(config: SandboxConfig = sandboxConfig()) {
		this.config = config;
		this.prng = new Prng(config.seed);
		this.reset();
	}

	now(): number {
		return Date.now() + this.clockOffsetMs;
	}

	/** Calendar day (YYYY-MM-DD) in the configured offset (Asia/Kolkata by default). */
	dayOf(ms: number): string {
		return new Date(ms + this.config.dayOffsetMinutes * 60_000).toISOString().slice(0, 10);
	}

	/** Today's per-recipient counters, replaced (not grown) when the day turns. */
	today(nowMs: number): DailyRecipients {
		const day = this.dayOf(nowMs);
		if (this.daily.day !== day) this.daily = new DailyRecipients(day);
		return this.daily;
	}

	throughputOf(phoneNumberId: string): ThroughputWindow {
		let w = this.throughput.get(phoneNumberId);
		if (!w) {
			w = new ThroughputWindow();
			this.throughput.set(phoneNumberId, w);
		}
		return w;
	}

	/** Monotonic per-process sequence for ids. */
	nextSeq(): number {
		return ++this.seq;
	}

	reset(): void {
		this.generation++;
		const b = this.config.buffers;
		this.wa = new WaStore({ messages: b.messages, rejections: b.rejections, duplicatesList: b.duplicatesList });
		this.social = new SocialStore(b.posts);
		this.throughput.clear();
		this.pair.clear();
		this.daily = new DailyRecipients('');
		this.stoppedAtRuntime.clear();
		this.lastInboundMs.clear();
		this.identities = new IdentityMemory();
		this.media.clear();
		this.clockOffsetMs = 0;
		this.expiredVersionCalls = 0;
		this.prng = new Prng(this.config.seed);
	}

	/** Run-time config change; buffers are resized in place so history survives a PATCH. */
	patchConfig(patch: DeepPartial<SandboxConfig> | unknown): SandboxConfig {
		const next = mergeConfig(this.config, patch);
		const seedChanged = next.seed !== this.config.seed;
		this.config = next;
		if (seedChanged) this.prng = new Prng(next.seed);
		const b = next.buffers;
		this.wa.resize({ messages: b.messages, rejections: b.rejections, duplicatesList: b.duplicatesList });
		this.social.resize(b.posts);
		return next;
	}

	isExpired(token: string): boolean {
		return this.config.expiredTokens.includes(token);
	}
}

/** Template ids stay below 2^53 (webhooks carry them as numbers) and differ across restarts. */
const TEMPLATE_ID_BASE = Math.floor(Date.now() / 1000) * 100_000;

/** Graph-style numeric ids: unique across restarts (seconds at boot + random) and ordered. */
const ID_PREFIX = String(Math.floor(Date.now() / 1000)) + String(Math.floor(Math.random() * 900) + 100);
export function graphId(state: SandboxState): string {
	return ID_PREFIX + String(state.nextSeq()).padStart(6, '0');
}

/** Meta's timestamp format: 2026-03-01T10:00:00+0000. */
export function graphTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
