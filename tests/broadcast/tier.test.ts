/**
 * The messaging tier against the sandbox at Meta's default for a new portfolio (250 a day, 80/s
 * unless the number says otherwise): the sender reads tier, quality and throughput from the Graph
 * API before the run, keeps them per number, sends to at most the day's allowance in the fair
 * order (nobody refused by Meta for the tier), says how many it held back, and the next days reach
 * the citizens not reached yet first.
 */
import { createBroadcast, runSender, startBroadcast } from '../../core/broadcast';
import { findNumber } from '../../core/broadcast/tier-repository';
import { describeEachEngine } from '../helpers/db';
import { call } from '../sandbox/helpers';
import { seedRoster, setThroughput, startWaSandbox, TEMPLATES, waClient, waStats, PHONE_ID } from './helpers';
import type { Started } from '../sandbox/helpers';

const DAY_MS = 86_400_000;
let sb: Started;
beforeAll(async () => {
	// The sandbox's default tier (250); the number itself at 1,000/s, which the core must read.
	sb = await startWaSandbox(1000);
});
afterAll(async () => {
	await sb.running.close();
});

describeEachEngine('messaging tier', (ctx) => {
	const N = 600;
	beforeAll(async () => {
		await seedRoster(ctx.db, N);
		// Back to the sandbox's initial config (the last test raises the tier), the number at 1,000/s.
		await call(sb.url, 'POST', '/_sandbox/reset', { body: { config: 'initial' } });
		await setThroughput(sb.url, 1000);
	});

	async function day(date: string): Promise<{ reached: Set<number>; res: Awaited<ReturnType<typeof runSender>> }> {
		const { broadcast } = await createBroadcast(ctx.db, { contentKey: `tier-${date}`, templates: TEMPLATES, date, rateLimitPerSecond: 80 });
		await startBroadcast(ctx.db, broadcast.id);
		const client = waClient(sb.url);
		const res = await runSender(ctx.db, client, broadcast.id);
		client.close();
		const rows = await ctx.db.query<{ subscriber_id: number }>(
			`SELECT subscriber_id FROM deliveries WHERE broadcast_id = $1 AND state IN ('sent', 'delivered', 'read')`,
			[broadcast.id],
		);
		return { reached: new Set(rows.map((r) => Number(r.subscriber_id))), res };
	}

	test('day 1: 250 of 600 reached, 350 held back for the tier, nobody refused by Meta; the number is read and kept', async () => {
		const { reached, res } = await day('2026-12-01');
		expect(res.outcome).toBe('completed');
		expect(res.tier).toMatchObject({ source: 'graph', tier: 'TIER_250', qualityRating: 'GREEN', throughputPerSecond: 1000, held: 350 });
		expect(reached.size).toBe(250);
		expect(res.progress).toMatchObject({ sent: 250, heldForTier: 350, tierRefused: 0, marketingCapped: 0, failed: 0 });
		expect(res.progress.coverage).toEqual({ roster: N, reachedLast7Days: 250, share: Math.round((250 / N) * 10_000) / 10_000 });
		// The broadcast paced at the number's throughput, not the operator's 80.
		const [b] = await ctx.db.query<{ r: number }>(`SELECT rate_limit_per_second AS r FROM broadcasts WHERE id = $1`, [res.broadcastId]);
		expect(Number(b.r)).toBe(1000);
		expect(await findNumber(ctx.db, PHONE_ID)).toMatchObject({
			tier: 'TIER_250',
			qualityRating: 'GREEN',
			throughputLevel: 'HIGH',
			throughputPerSecond: 1000,
			source: 'graph',
		});
		const stats = await waStats(sb.url);
		expect(stats.businessInitiatedRecipientsToday).toBe(250);
		expect(stats.asyncErrors['131048'] ?? 0).toBe(0);
	});

	test('days 2 and 3: the citizens not reached yet go first; every citizen is reached within ceil(600 / 250) = 3 days', async () => {
		const [first] = await ctx.db.query<{ ids: number[] }>(
			`SELECT array_agg(subscriber_id) AS ids FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
       WHERE b.broadcast_date = '2026-12-01' AND d.state IN ('sent', 'delivered', 'read')`,
		);
		const day1 = new Set(first.ids.map(Number));
		await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: DAY_MS } });
		const d2 = await day('2026-12-02');
		expect(d2.reached.size).toBe(250);
		expect([...d2.reached].filter((id) => day1.has(id))).toEqual([]);
		await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: DAY_MS } });
		const d3 = await day('2026-12-03');
		expect(d3.reached.size).toBe(250);
		const everyone = new Set([...day1, ...d2.reached, ...d3.reached]);
		expect(everyone.size).toBe(N);
		// The 100 left after day 2 first, then the 150 reached longest ago (day 1).
		const neither = [...d3.reached].filter((id) => !day1.has(id) && !d2.reached.has(id));
		expect(neither).toHaveLength(100);
		expect([...d3.reached].filter((id) => d2.reached.has(id))).toEqual([]);
		expect(d3.res.progress.coverage.reachedLast7Days).toBe(N);
		// Nobody got two messages on a day, as the sandbox saw them.
		const msgs = (await call(sb.url, 'GET', '/_sandbox/whatsapp/messages?limit=10000')).body.data as { waId: string; day: string }[];
		expect(msgs).toHaveLength(750);
		expect(new Set(msgs.map((m) => `${m.day}|${m.waId}`)).size).toBe(750);
		expect((await waStats(sb.url)).asyncErrors['131048'] ?? 0).toBe(0);
	});

	test('a raised tier (phone_number_quality_update) lets the next run reach everyone', async () => {
		await call(sb.url, 'POST', '/_sandbox/inject/phone-quality', { body: { messagingTier: 'TIER_2K' } });
		// Past the pair limit (6 s) of the run just before, which messaged the same citizens.
		await call(sb.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
		// Same day, a second message: only an emergency may reach citizens twice a day (migration 115).
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: 'tier-2026-12-03-b',
			templates: TEMPLATES,
			date: '2026-12-03',
			emergencyOverride: { by: 'sp.test', reason: 'Emergency after the tier was raised' },
		});
		await startBroadcast(ctx.db, broadcast.id);
		const client = waClient(sb.url);
		const res = await runSender(ctx.db, client, broadcast.id);
		client.close();
		// Same day, the emergency: 2,000 − the 250 already reached today leaves room for all 600
		// (the core counts a row for a citizen already reached today too: on the safe side).
		expect(res.tier).toMatchObject({ tier: 'TIER_2K', used: 250, held: 0 });
		expect(res.progress).toMatchObject({ sent: N, heldForTier: 0 });
	});
});
