import type { Queryable } from '../db';
import { PRICE_CATEGORIES } from '../metrics/pricing';
import { monthStart } from '../time';
import type { Cards, Chart, DateRange, Scope } from './types';

/**
 * What WhatsApp cost, from rollup_broadcast_daily (priced by the dated rate card when the
 * refresh ran, core/metrics/pricing.ts): per broadcast (every day of its messages, by the
 * broadcast's date) and per month (by the day each message was delivered). Free (non-billable)
 * and unpriced (billable, no rate on the card) messages are counted apart, never as ₹0 spend.
 */
const paise = (x: number | string | null) => Math.round(Number(x ?? 0) * 100) / 100;

export async function spendOfBroadcast(db: Queryable, broadcastId: number): Promise<Cards> {
	const [r] = await db.query<{ spend: string | null; billable: number; free: number; unpriced: number }>(
		`SELECT sum(spend_inr)::text AS spend, coalesce(sum(billable), 0)::int AS billable, coalesce(sum(free), 0)::int AS free,
            coalesce(sum(unpriced), 0)::int AS unpriced
       FROM rollup_broadcast_daily WHERE broadcast_id = $1`,
		[broadcastId],
	);
	return { spend_inr: paise(r.spend), billable_messages: r.billable, free_messages: r.free, unpriced_messages: r.unpriced };
}

/** Cards of a period (messages delivered in it) and the spend of each broadcast dated in it. */
export async function spendInRange(db: Queryable, scope: Scope, range: DateRange): Promise<{ cards: Cards; byBroadcast: Chart }> {
	const [[tot], rows] = await Promise.all([
		db.query<{ spend: string | null; billable: number; free: number; unpriced: number }>(
			`SELECT sum(spend_inr)::text AS spend, coalesce(sum(billable), 0)::int AS billable, coalesce(sum(free), 0)::int AS free,
              coalesce(sum(unpriced), 0)::int AS unpriced
         FROM rollup_broadcast_daily WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3)`,
			[range.from, range.to, scope.districtId],
		),
		db.query<{ id: number; day: string; title: string | null; spend: string; free: number }>(
			`SELECT b.id, b.broadcast_date::text AS day, c.title, sum(r.spend_inr)::text AS spend, sum(r.free)::int AS free
         FROM broadcasts b
         JOIN rollup_broadcast_daily r ON r.broadcast_id = b.id
         LEFT JOIN content c ON c.id = b.content_id
        WHERE b.channel = 'whatsapp' AND b.broadcast_date BETWEEN $1 AND $2 AND ($3::int IS NULL OR b.district_id = $3)
        GROUP BY b.id, b.broadcast_date, c.title
        ORDER BY b.broadcast_date, b.id`,
			[range.from, range.to, scope.districtId],
		),
	]);
	return {
		cards: { spend_inr: paise(tot.spend), billable_messages: tot.billable, free_messages: tot.free, unpriced_messages: tot.unpriced },
		byBroadcast: {
			id: 'spend_by_broadcast',
			kind: 'bar',
			labelKind: 'text',
			horizontal: true,
			unit: 'inr',
			labels: rows.map((r) => `${r.day} #${r.id}${r.title ? ' · ' + r.title : ''}`),
			series: [{ key: 'spend_inr', data: rows.map((r) => paise(r.spend)) }],
		},
	};
}

/** Spend per calendar month by pricing category, the twelve months up to the period's end. */
export async function spendByMonth(db: Queryable, scope: Scope, to: string): Promise<Chart> {
	const from = monthStart(to, -11);
	const rows = await db.query<{ month: string; category: string; spend: string }>(
		`SELECT to_char(day, 'YYYY-MM-01') AS month, category, sum(spend_inr)::text AS spend
       FROM rollup_broadcast_daily WHERE day BETWEEN $1 AND $2 AND ($3::int IS NULL OR district_id = $3) AND billable > 0
      GROUP BY 1, 2`,
		[from, to, scope.districtId],
	);
	const months = Array.from({ length: 12 }, (_, i) => monthStart(from, i));
	const idx = new Map(months.map((m, i) => [m, i]));
	const by: Record<string, number[]> = Object.fromEntries(PRICE_CATEGORIES.map((c) => [c, months.map(() => 0)]));
	for (const r of rows) {
		const i = idx.get(r.month);
		if (i === undefined || !by[r.category]) continue;
		by[r.category][i] = paise(r.spend);
	}
	return {
		id: 'spend_by_month',
		kind: 'bar',
		labelKind: 'month',
		stacked: true,
		unit: 'inr',
		labels: months,
		series: PRICE_CATEGORIES.filter((c) => c !== 'service' || by.service.some((v) => v > 0)).map((c) => ({ key: c, data: by[c] })),
	};
}
