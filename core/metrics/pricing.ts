/**
 * What a WhatsApp message costs: the one owner of the pricing rule the rollups apply in SQL.
 * - Meta charges a template when it is delivered (per-message pricing since 1 Jul 2025), by the
 *   `pricing.category` of its status webhook and the recipient's market (+91: India, INR since
 *   1 Jan 2026). A message is counted once: on its 'delivered' event, or on 'read' when Meta
 *   skipped 'delivered' (both at once).
 * - `pricing.billable = false` (a service reply, a utility template inside an open window) is
 *   free and counted apart; a billable message whose category has no rate in force that day is
 *   counted as unpriced, never priced ₹0.
 * - Rates live in the dated table wa_rate_card (migration 110), looked up by the day of the
 *   event in the district's calendar through mitan_rate_inr(): a new quarter's rate is a new row
 *   (core/metrics/rate-card.ts) and never re-prices a message already delivered.
 */
export type PriceCategory = 'marketing' | 'utility' | 'authentication' | 'service';
export const PRICE_CATEGORIES: readonly PriceCategory[] = ['marketing', 'utility', 'authentication', 'service'];

/** Every citizen of this project is an Indian number: one market (its rows in wa_rate_card). */
export const PRICE_MARKET = 'IN';

/** SQL: the status event `se` is the one a message is charged (or counted free) on. */
export const chargedEventSql = (se: string): string =>
	`(${se}.status = 'delivered' OR (${se}.status = 'read' AND NOT EXISTS (
     SELECT 1 FROM status_events t WHERE t.wamid = ${se}.wamid AND t.status = 'delivered')))`;

/** SQL: INR for one billable message of `se`'s category on `day` (a date expression); NULL = no rate known. */
export const rateSql = (se: string, day: string): string => `mitan_rate_inr('${PRICE_MARKET}', ${se}.price_category, ${day})`;
