/**
 * The WhatsApp daily broadcast: content (one approved template per language), a segment of the
 * roster and a date. Creating one snapshots its recipients into `deliveries`; senders work
 * through those rows. States of a delivery: pending → in_flight → sent | failed | in_doubt |
 * skipped; delivered / read are written later by the gateway from status webhooks.
 */
import type { Language, SegmentFilter } from '../roster/types';
import type { Coverage } from './tier-repository';

export interface TemplateChoice {
	/** Approved template name in WhatsApp Manager. */
	name: string;
	/** Meta language code of the approved translation; defaults to the subscriber language ('hi', 'en'). */
	language?: string;
	/** Body parameters {{1}}, {{2}}… in order. */
	params?: string[];
	/** The header image link of a template with an IMAGE header (the content's media store URL). */
	headerImageUrl?: string;
	/**
	 * Meta's category of the template as last reported (the create answer, then
	 * template_category_update): the send is routed by it. Absent: MARKETING, the daily message's.
	 */
	category?: string;
}

/** Subscriber language → template to send them. */
export type BroadcastTemplates = Partial<Record<Language, TemplateChoice>>;

export type BroadcastStatus = 'created' | 'running' | 'paused' | 'stopped' | 'completed' | 'cancelled';
export type DeliveryState = 'pending' | 'in_flight' | 'sent' | 'delivered' | 'read' | 'failed' | 'in_doubt' | 'skipped';

export type BroadcastSegment = Pick<SegmentFilter, 'policeStation' | 'block' | 'village' | 'language' | 'tag'>;

export interface CreateBroadcastInput {
	/** Approved content row; the idempotency key becomes `content:<id>` unless contentKey is given. */
	contentId?: number | null;
	contentKey?: string;
	/** An object, or its JSON text (an n8n JSON parameter). */
	templates: BroadcastTemplates | string;
	segment?: BroadcastSegment;
	/** 'YYYY-MM-DD' of the district's calendar (districts.timezone); defaults to today there. */
	date?: string;
	districtId?: number;
	/** Sending phone number id (the pacing key). */
	phoneNumberId?: string;
	/** The number's throughput limit: 80 by default, 1,000 when upgraded. */
	rateLimitPerSecond?: number;
	/** Share of the limit to pace at (default 0.985: pacing exactly at the limit draws 130429s). */
	pacingFactor?: number;
	maxAttempts?: number;
	createdBy?: string;
	/**
	 * An emergency message that may reach citizens who already had today's awareness message:
	 * who decided it and why (at least 10 characters). Audited and shown in the summary.
	 */
	emergencyOverride?: EmergencyOverride;
}

export interface EmergencyOverride {
	by: string;
	reason: string;
}

export interface Broadcast {
	id: number;
	districtId: number;
	contentId: number | null;
	contentKey: string;
	channel: string;
	date: string;
	segmentKey: string;
	segment: BroadcastSegment;
	templates: BroadcastTemplates;
	status: BroadcastStatus;
	stopCode: string | null;
	stopReason: string | null;
	targeted: number;
	phoneNumberId: string | null;
	rateLimitPerSecond: number;
	pacingFactor: number;
	maxAttempts: number;
	/** Set on an emergency broadcast that overrode the one-message-a-day rule. */
	override: EmergencyOverride | null;
	/** Citizens of the segment left out because they already had that day's awareness message. */
	dayTaken: number;
	createdAt: Date;
	startedAt: Date | null;
	finishedAt: Date | null;
}

export interface BroadcastProgress {
	broadcastId: number;
	status: BroadcastStatus;
	stopCode: string | null;
	stopReason: string | null;
	targeted: number;
	/** Emergency override of the one-message-a-day rule (who, why), or null. */
	override: EmergencyOverride | null;
	/** Left out at creation: they already had that day's awareness message. */
	dayTaken: number;
	pending: number;
	inFlight: number;
	/** Accepted by WhatsApp (sent + delivered + read). */
	sent: number;
	delivered: number;
	read: number;
	failed: number;
	failedByClass: Record<string, number>;
	inDoubt: number;
	skipped: number;
	/** Of the skipped: held back because the day's messaging tier was used up (sent another day, first in line). */
	heldForTier: number;
	/** Refused by Meta for the tier or a restricted number (131048): not retried the same day. */
	tierRefused: number;
	/** Not delivered for Meta's per-user marketing cap (131049): not retried the same day. */
	marketingCapped: number;
	/** Share of the district's roster reached in the last 7 days. */
	coverage: Coverage;
	/** pending + in flight. */
	remaining: number;
	/** Messages accepted per second over the last 10 s. */
	currentRate: number;
	/** Seconds to finish at the current rate (or the paced rate when idle); null when done. */
	etaSeconds: number | null;
	liveWorkers: number;
}
