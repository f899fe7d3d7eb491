import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { isCalendarDate, todayIn } from '../time';
import { PRICE_CATEGORIES, PRICE_MARKET, type PriceCategory } from './pricing';

/**
 * The dated rate card (wa_rate_card, migration 110). It only grows: Meta announces a new rate a
 * month ahead, staff add it with the day it takes effect, and every message delivered before
 * that day keeps its old price whenever history is recomputed.
 */
export interface Rate {
	market: string;
	category: string;
	effectiveFrom: string;
	/** INR per billable message; null = billed at a rate not known yet (counted as unpriced). */
	inr: number | null;
	source: string;
}

export async function listRates(db: Queryable, market = PRICE_MARKET): Promise<Rate[]> {
	const rows = await db.query<{ market: string; category: string; effective_from: string; inr: string | null; source: string }>(
		`SELECT market, category, effective_from::text AS effective_from, inr::text AS inr, source FROM wa_rate_card
      WHERE market = $1 ORDER BY category, effective_from`,
		[market],
	);
	return rows.map((r) => ({
		market: r.market,
		category: r.category,
		effectiveFrom: r.effective_from,
		inr: r.inr === null ? null : Number(r.inr),
		source: r.source,
	}));
}

/** The earliest calendar day any district is in now (districts' own zones): the last day already under way. */
export async function earliestToday(db: Queryable, now: Date = new Date()): Promise<string> {
	const zones = await db.query<{ timezone: string }>('SELECT DISTINCT timezone FROM districts');
	return zones.map((z) => todayIn(z.timezone, now)).reduce((a, b) => (b < a ? b : a), todayIn('UTC', now));
}

/**
 * Adds a rate from `effectiveFrom` on. `today` (default earliestToday) is a day already under
 * way: a rate starting on or before it would re-price messages already delivered, so it is refused.
 */
export async function addRate(
	db: Queryable,
	input: { category: string; effectiveFrom: string; inr: number | null; source: string },
	today?: string,
): Promise<Rate> {
	today ??= await earliestToday(db);
	const bad = (field: string, why: string) => new MitanError('RATE_CARD_INVALID', `${field}: ${why}`, { field });
	if (!(PRICE_CATEGORIES as readonly string[]).includes(input.category))
		throw bad('category', `"${input.category}" is not a Meta pricing category (${PRICE_CATEGORIES.join(', ')})`);
	if (!isCalendarDate(input.effectiveFrom)) throw bad('effectiveFrom', `"${input.effectiveFrom}" is not a date (YYYY-MM-DD)`);
	if (input.effectiveFrom <= today)
		throw bad('effectiveFrom', `${input.effectiveFrom} is not after today (${today}): it would re-price messages already delivered`);
	if (input.inr !== null && (typeof input.inr !== 'number' || !Number.isFinite(input.inr) || input.inr < 0 || input.inr > 100))
		throw bad('inr', `must be rupees 0..100 per message (or none: billed, rate unknown), got ${String(input.inr)}`);
	if (typeof input.source !== 'string' || input.source.trim().length < 3) throw bad('source', 'say where the rate comes from');
	const [r] = await db.query<{ n: number }>(
		`INSERT INTO wa_rate_card (market, category, effective_from, inr, source) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING 1 AS n`,
		[PRICE_MARKET, input.category as PriceCategory, input.effectiveFrom, input.inr, input.source.trim()],
	);
	if (!r) throw bad('effectiveFrom', `a ${input.category} rate from ${input.effectiveFrom} is already on the card`);
	return { market: PRICE_MARKET, ...input, source: input.source.trim() };
}
