/**
 * What the sandbox remembers about WhatsApp traffic, within a fixed memory bound:
 * counters (unbounded runs, constant size), the last N messages in a ring (with a wamid index
 * trimmed on eviction), and per-day duplicate detection (one number per recipient+template).
 */
import { Ring } from './ring';

export type WaStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface WaMessageRecord {
	wamid: string;
	phoneNumberId: string;
	/** As sent in `to` (or `recipient`). */
	input: string;
	/** Whether the business addressed the citizen by number (`to`) or by BSUID (`recipient`). */
	addressedBy: 'to' | 'recipient';
	/** Normalised digits (what Meta returns as contacts[].wa_id). */
	waId: string;
	type: string;
	template?: string;
	language?: string;
	category?: string;
	params?: string[];
	/** Template header parameter (media link / id, or header text). */
	header?: string;
	/** Template URL buttons as the recipient opens them (variable suffix filled in). */
	urls?: string[];
	/** Template body with its parameters filled in, as the recipient reads it. */
	rendered?: string;
	/** Text body, cut at 1,024 characters to keep the ring's size predictable. */
	text?: string;
	bizOpaqueCallbackData?: string;
	/** Which endpoint took it: /messages, or the Marketing Messages API. */
	endpoint: WaEndpoint;
	acceptedAt: string;
	acceptedAtMs: number;
	day: string;
	status: WaStatus;
	statuses: { status: WaStatus; at: string }[];
	errorCode?: number;
}

export type WaEndpoint = 'messages' | 'marketing_messages';

/** Per endpoint: what was accepted and what became of it (the delivery comparison). */
export interface EndpointCounts {
	accepted: number;
	delivered: number;
	failed: number;
	/** Failed with 131049 (healthy ecosystem / frequency cap). */
	ecosystemDrops: number;
}

export interface Rejection {
	at: string;
	phoneNumberId: string;
	to: string;
	code: number;
	template?: string;
}

export interface DuplicateEntry {
	day: string;
	waId: string;
	template: string;
	/** Always 2: the entry is written when the second message is accepted. */
	count: number;
	/** The second message (the first is found with GET /_sandbox/whatsapp/messages?to=&template=). */
	wamid: string;
}

export class WaStore {
	readonly messages: Ring<WaMessageRecord>;
	private byWamid = new Map<string, WaMessageRecord>();
	readonly rejections: Ring<Rejection>;
	readonly duplicatesList: Ring<DuplicateEntry>;

	accepted = 0;
	rejected = 0;
	/** Injected citizen messages. */
	inbound = 0;
	/** Synchronous HTTP errors by code. */
	syncErrors: Record<string, number> = {};
	/** Asynchronous failures (failed status) by code. */
	asyncErrors: Record<string, number> = {};
	byStatus: Record<WaStatus, number> = { accepted: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
	byTemplate: Record<string, number> = {};
	byEndpoint: Record<WaEndpoint, EndpointCounts> = {
		messages: { accepted: 0, delivered: 0, failed: 0, ecosystemDrops: 0 },
		marketing_messages: { accepted: 0, delivered: 0, failed: 0, ecosystemDrops: 0 },
	};

	// Duplicate detection for the current day: recipient|template -> count (one number each).
	private dupDay = '';
	private perRecipientTemplate = new Map<string, number>();
	private duplicateRecipientsToday = new Set<string>();
	duplicatePairsToday = 0;
	duplicateExtraMessagesToday = 0;
	duplicatePairsAllDays = 0;

	constructor(sizes: { messages: number; rejections: number; duplicatesList: number }) {
		this.messages = new Ring(sizes.messages);
		this.rejections = new Ring(sizes.rejections);
		this.duplicatesList = new Ring(sizes.duplicatesList);
	}

	resize(sizes: { messages: number; rejections: number; duplicatesList: number }): void {
		this.messages.resize(sizes.messages);
		this.rejections.resize(sizes.rejections);
		this.duplicatesList.resize(sizes.duplicatesList);
		this.byWamid = new Map(this.messages.toArray().map((m) => [m.wamid, m]));
	}

	addAccepted(rec: WaMessageRecord): void {
		this.accepted++;
		this.byStatus.accepted++;
		this.byEndpoint[rec.endpoint].accepted++;
		if (rec.template) this.byTemplate[rec.template] = (this.byTemplate[rec.template] ?? 0) + 1;
		const evicted = this.messages.push(rec);
		if (evicted) this.byWamid.delete(evicted.wamid);
		this.byWamid.set(rec.wamid, rec);
		if (rec.template) this.trackDuplicate(rec);
	}

	private trackDuplicate(rec: WaMessageRecord): void {
		if (rec.day !== this.dupDay) {
			this.dupDay = rec.day;
			this.perRecipientTemplate.clear();
			this.duplicateRecipientsToday.clear();
			this.duplicatePairsToday = 0;
			this.duplicateExtraMessagesToday = 0;
		}
		const key = `${rec.waId}|${rec.template}`;
		const n = (this.perRecipientTemplate.get(key) ?? 0) + 1;
		this.perRecipientTemplate.set(key, n);
		if (n === 1) return;
		this.duplicateExtraMessagesToday++;
		if (n === 2) {
			this.duplicatePairsToday++;
			this.duplicatePairsAllDays++;
			this.duplicateRecipientsToday.add(rec.waId);
			this.duplicatesList.push({
				day: rec.day,
				waId: rec.waId,
				template: rec.template as string,
				count: 2,
				wamid: rec.wamid,
			});
		}
	}

	duplicates(): { day: string; recipients: number; pairs: number; extraMessages: number; pairsAllDays: number } {
		return {
			day: this.dupDay,
			recipients: this.duplicateRecipientsToday.size,
			pairs: this.duplicatePairsToday,
			extraMessages: this.duplicateExtraMessagesToday,
			pairsAllDays: this.duplicatePairsAllDays,
		};
	}

	addRejection(r: Rejection): void {
		this.rejected++;
		this.syncErrors[r.code] = (this.syncErrors[r.code] ?? 0) + 1;
		this.rejections.push(r);
	}

	get(wamid: string): WaMessageRecord | undefined {
		return this.byWamid.get(wamid);
	}

	/**
	 * Applies a status that "happened" (independent of whether its webhook got through).
	 * Counts every status event, including late ones (a read after a delivered).
	 */
	applyStatus(wamid: string, status: WaStatus, atIso: string, errorCode?: number, endpoint?: WaEndpoint): void {
		this.byStatus[status]++;
		if (endpoint) {
			const e = this.byEndpoint[endpoint];
			if (status === 'delivered') e.delivered++;
			if (status === 'failed') e.failed++;
			if (status === 'failed' && errorCode === 131049) e.ecosystemDrops++;
		}
		if (status === 'failed' && errorCode !== undefined) {
			this.asyncErrors[errorCode] = (this.asyncErrors[errorCode] ?? 0) + 1;
		}
		const rec = this.byWamid.get(wamid);
		if (!rec) return;
		rec.statuses.push({ status, at: atIso });
		// The latest status is the most advanced one (a reordered "sent" must not undo "read").
		if (STATUS_RANK[status] > STATUS_RANK[rec.status]) rec.status = status;
		if (errorCode !== undefined) rec.errorCode = errorCode;
	}
}

const STATUS_RANK: Record<WaStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };
