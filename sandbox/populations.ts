/**
 * Which citizens fail asynchronously, and why: rules deterministic from the number (so a test
 * can predict each outcome) plus the seeded transient-failure rate. Meta reports these as
 * `failed` status webhooks after a 200, never in the send response.
 */
import type { NumberRule, TemplateCategory } from './config';
import type { SandboxState } from './state';

export function matchesRule(rule: NumberRule, waId: string): boolean {
	if (rule.lastTwoDigits.length && rule.lastTwoDigits.includes(Number(waId.slice(-2)))) return true;
	if (rule.numbers.length) {
		for (const n of rule.numbers) if (n.replace(/\D/g, '') === waId) return true;
	}
	return false;
}

export interface OutcomeInput {
	waId: string;
	/** Undefined for free-form messages. */
	category?: TemplateCategory;
	nowMs: number;
	/** Sent through the Marketing Messages API (its own 131049 share). */
	viaMarketingMessages?: boolean;
}

/** Returns the error code the message will fail with, or undefined if it will be delivered. */
export function decideFailure(state: SandboxState, m: OutcomeInput): number | undefined {
	const wa = state.config.whatsapp;
	const pop = wa.populations;
	if (matchesRule(pop.notOnWhatsApp, m.waId)) return 131026;
	const lastIn = state.lastInboundMs.get(m.waId);
	const windowOpen = lastIn !== undefined && m.nowMs - lastIn < 24 * 3600 * 1000;
	if (!m.category && wa.enforceCustomerServiceWindow && !windowOpen) return 131047;
	const today = state.today(m.nowMs);
	if (m.category === 'MARKETING') {
		if (matchesRule(pop.stoppedMarketing, m.waId) || state.stoppedAtRuntime.has(m.waId)) return 131050;
		if (matchesRule(pop.marketingCapped, m.waId)) return 131049;
		const n = today.countMarketing(m.waId);
		if (pop.marketingCapPerUserPerDay !== null && n > pop.marketingCapPerUserPerDay) return 131049;
		const drop = m.viaMarketingMessages ? wa.marketingMessages.ecosystemDropRate : pop.ecosystemDropRate;
		if (drop > 0 && state.prng.chance(drop)) return 131049;
	}
	// Only business-initiated messages (templates outside an open window) use the tier.
	if (m.category && !windowOpen && !today.takeTierSlot(m.waId, wa.messagingTier)) return wa.messagingLimitErrorCode;
	if (state.prng.chance(pop.transientFailureRate)) return 131000;
	return undefined;
}
