/**
 * Spend from the pricing object of Meta's status webhooks and the dated rate card. Every
 * expected rupee figure below is worked out by hand from India's published rates (marketing
 * ₹0.7846 until 31 Dec 2025, ₹0.8631 from 1 Jan 2026; utility ₹0.115): none is read from the
 * card or from a constant of the code, so a wrong rate, a wrong date rule or a rate of zero fails.
 */
import { parseArgs } from '../../cli/args';
import { ratesCommand } from '../../cli/rates';
import { createBroadcast } from '../../core/broadcast';
import type { Db } from '../../core/db';
import { spendByMonth, spendInRange, spendOfBroadcast } from '../../core/dashboard';
import { addRate, listRates, refreshRollups } from '../../core/metrics';
import { insertStatusBatch } from '../../core/statuses/repository';
import type { StatusRow } from '../../core/statuses/rows';
import { seedRoster, TEMPLATES } from '../broadcast/helpers';
import { describeEachEngine } from '../helpers/db';

type Pricing = { category: string; billable: boolean; type?: string } | null;
const row = (wamid: string, status: StatusRow['status'], at: string, pricing: Pricing): StatusRow => ({
	district_id: 1,
	wamid,
	status,
	occurred_at: at,
	recipient: null,
	error_code: status === 'failed' ? 131026 : null,
	error_title: status === 'failed' ? 'Message undeliverable' : null,
	price_category: pricing?.category ?? null,
	billable: pricing ? pricing.billable : null,
	pricing_model: pricing ? 'PMP' : null,
	pricing_type: pricing ? (pricing.type ?? (pricing.billable ? 'regular' : 'free_customer_service')) : null,
	inferred: false,
});
const MKT = { category: 'marketing', billable: true };
const FREE = { category: 'utility', billable: false };

async function seed(db: Db): Promise<number> {
	await seedRoster(db, 12);
	const { broadcast } = await createBroadcast(db, { contentKey: 'spend:nye', templates: TEMPLATES, date: '2025-12-31' });
	const ids = (await db.query<{ id: number }>('SELECT id FROM deliveries WHERE broadcast_id = $1 ORDER BY id', [broadcast.id])).map(
		(r) => r.id,
	);
	await db.query(
		`UPDATE deliveries SET state = 'sent', wamid = 'wamid.sp.' || id, sent_at = '2025-12-31T04:30:00Z' WHERE broadcast_id = $1`,
		[broadcast.id],
	);
	const w = (i: number) => `wamid.sp.${ids[i]}`;
	const rows: StatusRow[] = [];
	for (let i = 0; i < 11; i++) rows.push(row(w(i), 'sent', '2025-12-31T04:30:05Z', i < 9 ? MKT : null));
	// 10:00 IST on 31 Dec: the old marketing rate, three messages.
	for (const i of [0, 1, 2]) rows.push(row(w(i), 'delivered', '2025-12-31T04:30:00Z', MKT));
	// 00:30 IST on 1 Jan (still 31 Dec in UTC): the district's day is 1 Jan, the new rate.
	for (const i of [3, 4]) rows.push(row(w(i), 'delivered', '2025-12-31T19:00:00Z', MKT));
	// Read without a delivered (Meta skips it when both happen at once): charged once, on the read, 1 Jan.
	rows.push(row(w(5), 'read', '2026-01-01T03:30:00Z', MKT));
	// Delivered on 31 Dec and read on 1 Jan: charged once, on the delivery, at the old rate.
	rows.push(row(w(6), 'delivered', '2025-12-31T06:30:00Z', MKT), row(w(6), 'read', '2026-01-01T02:00:00Z', MKT));
	// Two free ones (utility inside an open window), a failure, and a delivery that carried no pricing.
	for (const i of [7, 8]) rows.push(row(w(i), 'delivered', '2025-12-31T05:00:00Z', FREE));
	rows.push(row(w(9), 'failed', '2025-12-31T04:31:00Z', null));
	rows.push(row(w(10), 'delivered', '2025-12-31T05:00:00Z', null));
	// Not a broadcast's: a complaint acknowledgement outside the window (utility), and a service
	// reply after 1 Oct 2026, when service became billed at a rate not on the card.
	rows.push(row('wamid.reply.1', 'delivered', '2026-01-05T06:00:00Z', { category: 'utility', billable: true }));
	rows.push(row('wamid.reply.2', 'delivered', '2026-10-02T06:00:00Z', { category: 'service', billable: true }));
	await insertStatusBatch(db, rows);
	await refreshRollups(db, { mode: 'full' });
	return broadcast.id;
}

describeEachEngine('WhatsApp spend', (ctx) => {
	let broadcastId: number;
	beforeAll(async () => {
		broadcastId = await seed(ctx.db);
	});

	test('the seeded rate card is India’s, dated', async () => {
		const rates = (await listRates(ctx.db)).map((r) => `${r.category} ${r.effectiveFrom} ${r.inr}`);
		expect(rates).toEqual(
			expect.arrayContaining([
				'marketing 2025-07-01 0.7846',
				'marketing 2026-01-01 0.8631',
				'utility 2025-07-01 0.115',
				'service 2026-10-01 null',
			]),
		);
	});

	test('a broadcast across New Year: each message at the rate of its own day, free ones apart', async () => {
		// 4 × 0.7846 (31 Dec) + 3 × 0.8631 (1 Jan) = 3.1384 + 2.5893 = 5.7277
		expect(await spendOfBroadcast(ctx.db, broadcastId)).toEqual({
			spend_inr: 5.73,
			billable_messages: 7,
			free_messages: 2,
			unpriced_messages: 0,
		});
		const [exact] = await ctx.db.query<{ s: string }>(
			'SELECT sum(spend_inr)::text AS s FROM rollup_broadcast_daily WHERE broadcast_id = $1',
			[broadcastId],
		);
		expect(Number(exact.s)).toBeCloseTo(5.7277, 4);
		const funnel = await ctx.db.query<{ sent: number; delivered: number; read: number; failed: number }>(
			`SELECT sum(sent)::int AS sent, sum(delivered)::int AS delivered, sum(read)::int AS read, sum(failed)::int AS failed
         FROM rollup_broadcast_daily WHERE broadcast_id = $1`,
			[broadcastId],
		);
		expect(funnel[0]).toEqual({ sent: 11, delivered: 9, read: 2, failed: 1 });
	});

	test('per month: December at the old rate; January the new one plus a reply; an unknown rate is counted, not ₹0', async () => {
		const dec = await spendInRange(ctx.db, { districtId: 1 }, { from: '2025-12-01', to: '2025-12-31', days: 31 });
		// 4 × 0.7846 = 3.1384
		expect(dec.cards).toEqual({ spend_inr: 3.14, billable_messages: 4, free_messages: 2, unpriced_messages: 0 });
		expect(dec.byBroadcast.labels).toEqual([`2025-12-31 #${broadcastId}`]);
		expect(dec.byBroadcast.series[0].data).toEqual([5.73]);
		const jan = await spendInRange(ctx.db, { districtId: 1 }, { from: '2026-01-01', to: '2026-01-31', days: 31 });
		// 3 × 0.8631 + 0.115 = 2.5893 + 0.115 = 2.7043
		expect(jan.cards).toEqual({ spend_inr: 2.7, billable_messages: 4, free_messages: 0, unpriced_messages: 0 });
		const oct = await spendInRange(ctx.db, { districtId: 1 }, { from: '2026-10-01', to: '2026-10-31', days: 31 });
		expect(oct.cards).toEqual({ spend_inr: 0, billable_messages: 1, free_messages: 0, unpriced_messages: 1 });
		const months = await spendByMonth(ctx.db, { districtId: 1 }, '2026-01-31');
		expect(months.labels.slice(-2)).toEqual(['2025-12-01', '2026-01-01']);
		const by = Object.fromEntries(months.series.map((s) => [s.key, s.data.slice(-2)]));
		expect(by.marketing).toEqual([3.14, 2.59]);
		expect(by.utility).toEqual([0, 0.12]);
	});

	test('the daily rollup prices with the same card (rounded per row)', async () => {
		const [r] = await ctx.db.query<{ s: number; n: number }>(
			`SELECT sum(spend_inr)::float8 AS s, count(*)::int AS n FROM rollup_whatsapp_daily WHERE day = '2025-12-31'`,
		);
		expect(Math.abs(r.s - 3.1384)).toBeLessThanOrEqual(0.005 * r.n);
	});

	test('a new rate changes nothing already delivered, and the card cannot be edited', async () => {
		await addRate(ctx.db, { category: 'marketing', effectiveFrom: '2027-01-01', inr: 1.05, source: 'test: next year' }, '2026-12-01');
		await refreshRollups(ctx.db, { mode: 'full' });
		expect((await spendOfBroadcast(ctx.db, broadcastId)).spend_inr).toBe(5.73);
		await expect(ctx.db.query(`UPDATE wa_rate_card SET inr = 0.5 WHERE category = 'marketing'`)).rejects.toThrow(/append-only/);
		await expect(ctx.db.query(`DELETE FROM wa_rate_card WHERE category = 'marketing'`)).rejects.toThrow(/append-only/);
		expect((await spendOfBroadcast(ctx.db, broadcastId)).spend_inr).toBe(5.73);
	});

	test('bad rates are refused with the field named, and nothing is added', async () => {
		const before = (await listRates(ctx.db)).length;
		const refused = (input: Parameters<typeof addRate>[1]) =>
			addRate(ctx.db, input, '2026-12-01').then(
				() => undefined,
				(e) => e,
			);
		expect(await refused({ category: 'marketing', effectiveFrom: '2026-01-01', inr: 0.9, source: 'backdated' })).toMatchObject({
			code: 'RATE_CARD_INVALID',
			details: { field: 'effectiveFrom' },
		});
		expect(await refused({ category: 'marketing_lite', effectiveFrom: '2027-04-01', inr: 0.5, source: 'x y z' })).toMatchObject({
			details: { field: 'category' },
		});
		expect(await refused({ category: 'utility', effectiveFrom: '2027-04-01', inr: -1, source: 'x y z' })).toMatchObject({
			details: { field: 'inr' },
		});
		expect(await refused({ category: 'utility', effectiveFrom: '2027-02-30', inr: 0.1, source: 'x y z' })).toMatchObject({
			details: { field: 'effectiveFrom' },
		});
		expect(await refused({ category: 'marketing', effectiveFrom: '2027-01-01', inr: 1.1, source: 'again' })).toMatchObject({
			details: { field: 'effectiveFrom' },
		});
		expect(await refused({ category: 'utility', effectiveFrom: '2027-04-01', inr: 0.1, source: '' })).toMatchObject({
			details: { field: 'source' },
		});
		expect((await listRates(ctx.db)).length).toBe(before);
	});

	test('mitan rates lists the card and adds a future rate; a bad one is refused, naming the flag', async () => {
		const lines: string[] = [];
		expect(await ratesCommand(ctx.db, parseArgs(['list']), (l) => lines.push(l))).toBe(0);
		expect(lines).toContain('marketing       from 2026-01-01  ₹0.8631  (Meta rate card, India marketing raised 1 Jan 2026)');
		expect(
			await ratesCommand(
				ctx.db,
				parseArgs(['add', '--category', 'utility', '--from', '2099-04-01', '--inr', 'none', '--source', 'test notice']),
				() => undefined,
			),
		).toBe(0);
		expect((await listRates(ctx.db)).find((r) => r.category === 'utility' && r.effectiveFrom === '2099-04-01')).toMatchObject({
			inr: null,
		});
		await expect(
			ratesCommand(ctx.db, parseArgs(['add', '--category', 'utility', '--from', '2099-07-01', '--inr', 'cheap']), () => undefined),
		).rejects.toMatchObject({
			code: 'RATE_CARD_INVALID',
			details: { field: 'inr' },
		});
		await expect(
			ratesCommand(
				ctx.db,
				parseArgs(['add', '--category', 'utility', '--from', '2020-01-01', '--inr', '0.1', '--source', 'old notice']),
				() => undefined,
			),
		).rejects.toMatchObject({
			details: { field: 'effectiveFrom' },
		});
	});
});
