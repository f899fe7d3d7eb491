/**
 * Live figures (issue 19 §2): the server's refresher applies dirty days while events arrive,
 * the answer says until when its figures are complete ("as of"), the period under way is marked
 * partial, and the overview's "today" is today's broadcast, not whatever happened today.
 */
import { createBroadcast } from '../../core/broadcast';
import type { Db } from '../../core/db';
import { figuresAsOf, markPartial, overviewPage, type PageData } from '../../core/dashboard';
import { refreshRollups, startRefresher } from '../../core/metrics';
import { insertStatusBatch } from '../../core/statuses/repository';
import type { StatusRow } from '../../core/statuses/rows';
import { todayIn, addDays } from '../../core/time';
import { startServer } from '../../dashboard/server';
import { seedRoster, TEMPLATES } from '../broadcast/helpers';
import { describeEachEngine } from '../helpers/db';
import { until } from '../helpers/wait';

const TZ = 'Asia/Kolkata';
const status = (wamid: string, s: StatusRow['status'], at: Date): StatusRow => ({
	district_id: 1,
	wamid,
	status: s,
	occurred_at: at.toISOString(),
	recipient: null,
	error_code: null,
	error_title: null,
	price_category: 'marketing',
	billable: true,
	pricing_model: 'PMP',
	pricing_type: 'regular',
	inferred: false,
});

async function sentBroadcast(db: Db, key: string, date: string): Promise<string[]> {
	const { broadcast } = await createBroadcast(db, { contentKey: key, templates: TEMPLATES, date });
	const rows = await db.query<{ wamid: string }>(
		`UPDATE deliveries SET state = 'sent', wamid = 'wamid.' || $2 || '.' || id, sent_at = now() WHERE broadcast_id = $1 RETURNING wamid`,
		[broadcast.id, key],
	);
	return rows.map((r) => r.wamid).sort();
}

describeEachEngine('live figures', (ctx) => {
	const today = todayIn(TZ);
	const yesterday = addDays(today, -1);
	let todays: string[];
	let yesterdays: string[];
	beforeAll(async () => {
		await seedRoster(ctx.db, 10);
		yesterdays = await sentBroadcast(ctx.db, 'live-y', yesterday);
		todays = await sentBroadcast(ctx.db, 'live-t', today);
		await refreshRollups(ctx.db, { mode: 'full' });
	});

	test('the server refreshes dirty days by itself while events arrive', async () => {
		const server = await startServer({ db: ctx.db, port: 0, publicUrl: 'http://localhost', refreshSeconds: 1 });
		try {
			const now = new Date();
			await insertStatusBatch(ctx.db, [...todays.slice(0, 4).map((w) => status(w, 'delivered', now))]);
			const delivered = await until(
				async () => {
					const [r] = await ctx.db.query<{ n: number }>(
						`SELECT coalesce(sum(delivered), 0)::int AS n FROM rollup_whatsapp_daily WHERE day = $1`,
						[today],
					);
					return r.n === 4 ? r.n : false;
				},
				{ what: 'the rollup to show the 4 deliveries' },
			);
			expect(delivered).toBe(4);
			const [d] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_dirty_days');
			expect(d.n).toBe(0);
		} finally {
			await server.close();
		}
	});

	test("today's cards are today's broadcast: yesterday's messages read today do not count", async () => {
		const now = new Date();
		await insertStatusBatch(ctx.db, [
			...yesterdays.slice(0, 6).map((w) => status(w, 'read', now)),
			...todays.slice(0, 2).map((w) => status(w, 'read', now)),
			...todays.map((w) => status(w, 'sent', now)),
		]);
		await refreshRollups(ctx.db);
		const page = await overviewPage(ctx.db, { districtId: 1 }, today);
		expect(page.cards).toMatchObject({ targeted: 10, sent: 10, delivered: 4, read: 2 });
		// The 14-day trend still counts events by the day they happened (6 + 2 reads today).
		const trend = page.charts.find((c) => c.id === 'last_14_days')!;
		expect(trend.series.find((s) => s.key === 'read')!.data.at(-1)).toBe(8);
	});

	test('"as of": the oldest change not applied yet, else now, on the district clock', async () => {
		await refreshRollups(ctx.db);
		const now = new Date('2026-12-01T08:40:00Z');
		expect(await figuresAsOf(ctx.db, { districtId: 1 }, TZ, now)).toEqual({ at: now.toISOString(), time: '14:10', day: '2026-12-01' });
		await ctx.db.query(
			`INSERT INTO rollup_dirty_days (day, district_id, kind, marked_at) VALUES ($1, 1, 'whatsapp', '2026-12-01T08:31:00Z')`,
			[today],
		);
		expect(await figuresAsOf(ctx.db, { districtId: 1 }, TZ, now)).toMatchObject({ time: '14:01', at: '2026-12-01T08:31:00.000Z' });
		const refresher = startRefresher(ctx.db, { intervalMs: 3_600_000 });
		await refresher.runNow();
		await refresher.stop();
		expect((await figuresAsOf(ctx.db, { districtId: 1 }, TZ, now)).time).toBe('14:10');
	});

	test('the period under way is marked partial: today, this week, this month', () => {
		const page: PageData = {
			scope: { districtId: 1 },
			cards: {},
			charts: [
				{ id: 'd', kind: 'line', labelKind: 'day', labels: ['2026-11-29', '2026-11-30', '2026-12-01'], series: [] },
				{ id: 'w', kind: 'bar', labelKind: 'week', labels: ['2026-11-16', '2026-11-23', '2026-11-30'], series: [] },
				{ id: 'm', kind: 'bar', labelKind: 'month', labels: ['2026-10-01', '2026-11-01', '2026-12-01'], series: [] },
				{ id: 'past', kind: 'line', labelKind: 'day', labels: ['2026-10-01', '2026-10-02'], series: [] },
				{ id: 'k', kind: 'bar', labelKind: 'key', labels: ['sent'], series: [] },
			],
		};
		const marked = markPartial(page, '2026-12-01').charts.map((c) => [c.id, c.partialFrom]);
		expect(marked).toEqual([
			['d', 2],
			['w', 2],
			['m', 2],
			['past', undefined],
			['k', undefined],
		]);
	});
});
