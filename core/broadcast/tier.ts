/**
 * The messaging tier before each broadcast run (start or resume): ask Meta what the number may do
 * now (tier, quality, throughput), keep it, pace at the number's throughput instead of the
 * operator's 80 / 1,000 guess, and let through only as many citizens as the day's tier allows,
 * the ones not reached for longest first. Without an answer from Meta the last known limits are
 * used (an earlier read, or a phone_number_quality_update webhook); with none, nobody is held.
 */
import { isMitanError } from '../errors';
import type { NumberLimits } from '../channels/whatsapp/limits';
import { tierAllowance } from '../channels/whatsapp/limits';
import type { MessagingTier } from '../channels/whatsapp/rules';
import type { Queryable } from '../db';
import { applyTierAllowance, findNumber, saveNumberLimits, setBroadcastRate } from './tier-repository';
import type { Broadcast } from './types';

/** What the sender needs of a client to read the number's limits (the WhatsApp client has it). */
export interface LimitsSource {
	readonly phoneNumberId: string;
	getNumberLimits?(): Promise<NumberLimits>;
}

export interface TierPlan {
	/** Where the limits came from: Meta now, what was stored, or nothing known. */
	source: 'graph' | 'stored' | 'unknown';
	tier?: MessagingTier;
	qualityRating?: string;
	throughputPerSecond?: number;
	/** Distinct citizens already reached today, rows still sendable today, rows held back. */
	used?: number;
	allowance?: number;
	held: number;
}

export async function prepareTier(
	db: Queryable,
	broadcast: Broadcast,
	client: LimitsSource,
	log: (event: string, details?: Record<string, unknown>) => void = () => undefined,
): Promise<{ broadcast: Broadcast; plan: TierPlan }> {
	let limits: NumberLimits | undefined;
	let source: TierPlan['source'] = 'unknown';
	if (client.getNumberLimits) {
		try {
			limits = await saveNumberLimits(db, {
				phoneNumberId: client.phoneNumberId,
				districtId: broadcast.districtId,
				limits: await client.getNumberLimits(),
			});
			source = 'graph';
		} catch (e) {
			// A failed read must not stop the broadcast: the sends themselves will say if the token is bad.
			log('tier.read_failed', { code: isMitanError(e) ? e.code : 'UNKNOWN' });
		}
	}
	if (!limits) {
		limits = await findNumber(db, client.phoneNumberId);
		if (limits) source = 'stored';
	}
	let b = broadcast;
	if (limits?.throughputPerSecond && limits.throughputPerSecond !== b.rateLimitPerSecond) {
		await setBroadcastRate(db, b.id, limits.throughputPerSecond);
		b = { ...b, rateLimitPerSecond: limits.throughputPerSecond };
	}
	const plan: TierPlan = {
		source,
		...(limits?.tier ? { tier: limits.tier } : {}),
		...(limits?.qualityRating ? { qualityRating: limits.qualityRating } : {}),
		...(limits?.throughputPerSecond ? { throughputPerSecond: limits.throughputPerSecond } : {}),
		held: 0,
	};
	if (limits?.tier) Object.assign(plan, await applyTierAllowance(db, b.id, tierAllowance(limits.tier)));
	log('tier.plan', { ...plan });
	return { broadcast: b, plan };
}
