/**
 * What Meta says a sending number may do: the portfolio's messaging tier, the number's quality
 * rating and throughput. Read from GET /{phone-number-id} (client.ts) and from the
 * phone_number_quality_update webhook (core/gateway); both land in the same shape.
 */
import { WHATSAPP_THROUGHPUT_LEVELS, WHATSAPP_TIERS, type MessagingTier } from './rules';

export interface NumberLimits {
	/** Digits only, as webhooks name the number. */
	displayPhoneNumber?: string;
	tier?: MessagingTier;
	qualityRating?: string;
	throughputLevel?: string;
	/** From the throughput level; undefined when Meta gave a level we do not know. */
	throughputPerSecond?: number;
}

/** The Graph fields asked for; `messaging_limit_tier` is deprecated but older numbers may still answer only it. */
export const NUMBER_LIMIT_FIELDS =
	'display_phone_number,whatsapp_business_manager_messaging_limit,messaging_limit_tier,quality_rating,throughput';

const TIER_BY_COUNT = new Map<number, MessagingTier>(
	(Object.entries(WHATSAPP_TIERS) as [MessagingTier, number | null][]).flatMap(([k, v]) =>
		v === null ? [] : [[v, k] as [number, MessagingTier]],
	),
);

/** A tier name (TIER_10K) or a count ("10000"); anything else (TIER_NOT_SET, junk) is unknown. */
export function parseTier(v: unknown): MessagingTier | undefined {
	if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(WHATSAPP_TIERS, v)) return v as MessagingTier;
	const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
	return n === undefined ? undefined : TIER_BY_COUNT.get(n);
}

/** Distinct citizens a day the tier allows (Infinity when unlimited). */
export function tierAllowance(tier: MessagingTier): number {
	return WHATSAPP_TIERS[tier] ?? Number.POSITIVE_INFINITY;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function withThroughput(level: string | undefined): Pick<NumberLimits, 'throughputLevel' | 'throughputPerSecond'> {
	if (!level) return {};
	const perSecond = WHATSAPP_THROUGHPUT_LEVELS[level];
	return { throughputLevel: level, ...(perSecond !== undefined ? { throughputPerSecond: perSecond } : {}) };
}

/** GET /{phone-number-id}?fields=… → limits; the portfolio's limit wins over the deprecated per-number one. */
export function limitsFromPhoneNumber(body: Record<string, unknown>): NumberLimits {
	const throughput = body.throughput && typeof body.throughput === 'object' ? (body.throughput as Record<string, unknown>) : {};
	const display = str(body.display_phone_number)?.replace(/\D/g, '');
	const tier = parseTier(body.whatsapp_business_manager_messaging_limit) ?? parseTier(body.messaging_limit_tier);
	const quality = str(body.quality_rating);
	return {
		...(display ? { displayPhoneNumber: display } : {}),
		...(tier ? { tier } : {}),
		...(quality ? { qualityRating: quality } : {}),
		...withThroughput(str(throughput.level)),
	};
}

/**
 * A phone_number_quality_update value: `max_daily_conversations_per_business` (current_limit is
 * being removed by Meta; read only when the new field is absent). A THROUGHPUT_UPGRADE event means
 * the number now sends at the upgraded rate.
 */
export function limitsFromQualityUpdate(value: Record<string, unknown>): NumberLimits & { event?: string } {
	const display = str(value.display_phone_number)?.replace(/\D/g, '');
	const event = str(value.event);
	const tier = parseTier(value.max_daily_conversations_per_business) ?? parseTier(value.current_limit);
	return {
		...(display ? { displayPhoneNumber: display } : {}),
		...(event ? { event } : {}),
		...(tier ? { tier } : {}),
		...(event === 'THROUGHPUT_UPGRADE' ? withThroughput('HIGH') : {}),
	};
}
