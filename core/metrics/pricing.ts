/**
 * What a delivered WhatsApp template costs, in INR, by Meta's pricing category, for the +91
 * market (per-message pricing since 1 Jul 2025; INR billing for India since 1 Jan 2026).
 * Meta changes rates only on 1 Jan / 1 Apr / 1 Jul / 1 Oct: check the rate card on those dates
 * and pass the current one to refreshRollups({ rates }). Figures below are the India rate card
 * as last copied here; service (free-form inside the 24 h window) messages are free.
 */
import { MitanError } from '../errors';
export type PriceCategory = 'marketing' | 'utility' | 'authentication' | 'service';

export const INDIA_RATES_INR: Readonly<Record<PriceCategory, number>> = Object.freeze({
	marketing: 0.8631,
	utility: 0.115,
	authentication: 0.115,
	service: 0,
});

export function checkRates(rates: Record<string, number>): Record<string, number> {
	for (const [k, v] of Object.entries(rates)) {
		if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) {
			throw new MitanError('METRICS_RATES_INVALID', `rate for "${k}" must be a number of rupees 0..100, got ${String(v)}`, { field: k });
		}
	}
	return rates;
}
