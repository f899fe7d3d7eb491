/**
 * A simulated month of the daily broadcast under Meta's messaging tier, at SQL level: roster
 * 50,000, tier 10K for eleven days, 100K from day 12. Each day runs the real snapshot (fair order
 * from last_reached_at) and the real tier allowance (tier-repository.ts); the sends are one UPDATE
 * with the effect recordOutcomes has (state sent, the citizen's last_reached_at), because the
 * HTTP path is covered by tier.test.ts against the sandbox. Proves: with tier T and roster N every
 * citizen is reached at least once in every ceil(N / T) = 5 days before the step and every day
 * after it; nobody twice a day; never more than the tier a day.
 */
import { createBroadcast, startBroadcast } from '../../core/broadcast';
import { applyTierAllowance } from '../../core/broadcast/tier-repository';
import { describeEachEngine } from '../helpers/db';
import { seedRoster, TEMPLATES } from './helpers';

const N = 50_000;
const DAYS = 30;
const STEP_DAY = 12;
const tierOn = (day: number) => (day < STEP_DAY ? 10_000 : 100_000);
const dateOf = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);

describeEachEngine(
	'a month under the messaging tier',
	(ctx) => {
		beforeAll(async () => {
			await seedRoster(ctx.db, N);
		});

		test('tier 10K stepping to 100K on day 12: everyone every 5 days, then every day; nobody twice a day', async () => {
			for (let day = 1; day <= DAYS; day++) {
				const { broadcast } = await createBroadcast(ctx.db, { contentKey: `month-${day}`, templates: TEMPLATES, date: dateOf(day) });
				expect(broadcast.targeted).toBe(N);
				await startBroadcast(ctx.db, broadcast.id);
				const applied = await applyTierAllowance(ctx.db, broadcast.id, tierOn(day));
				expect(applied).toEqual({ used: 0, allowance: tierOn(day), held: Math.max(0, N - tierOn(day)) });
				// The day's sends, at 10:00 of that day (the clock the fair order reads).
				await ctx.db.query(
					`WITH s AS (
           UPDATE deliveries SET state = 'sent', sent_at = $2::date + time '10:00'
           WHERE broadcast_id = $1 AND state = 'pending' RETURNING subscriber_id, sent_at)
         UPDATE subscribers sb SET last_reached_at = s.sent_at FROM s WHERE sb.id = s.subscriber_id`,
					[broadcast.id, dateOf(day)],
				);
			}
			const reach = `SELECT d.subscriber_id, (b.broadcast_date - date '${dateOf(1)}') + 1 AS day
       FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
       WHERE b.content_key LIKE 'month-%' AND d.state = 'sent'`;
			const perDay = await ctx.db.query<{ day: number; n: number; twice: number }>(
				`SELECT day, count(*)::int AS n, (count(*) - count(DISTINCT subscriber_id))::int AS twice FROM (${reach}) r GROUP BY 1 ORDER BY 1`,
			);
			expect(perDay.map((r) => Number(r.n))).toEqual(Array.from({ length: DAYS }, (_, i) => Math.min(N, tierOn(i + 1))));
			expect(perDay.every((r) => Number(r.twice) === 0)).toBe(true);
			// Every window of ceil(N / T) = 5 days before the step reaches the whole roster.
			const windows = await ctx.db.query<{ start: number; n: number }>(
				`WITH r AS (${reach})
       SELECT w.start, (SELECT count(DISTINCT r.subscriber_id) FROM r WHERE r.day BETWEEN w.start AND w.start + 4)::int AS n
       FROM generate_series(1, ${STEP_DAY - 5}) AS w(start) ORDER BY 1`,
			);
			expect(windows).toHaveLength(STEP_DAY - 5);
			for (const w of windows) expect({ start: Number(w.start), n: Number(w.n) }).toEqual({ start: Number(w.start), n: N });
			// From the step on, everyone every day (the per-day counts above are N and distinct).
			expect(perDay.slice(STEP_DAY - 1).every((r) => Number(r.n) === N)).toBe(true);
		}, 240_000);
		// PostgreSQL only: 1.5 million delivery rows take PGlite (single-threaded WebAssembly) minutes;
		// the same SQL runs on PGlite in tier.test.ts.
	},
	['postgres'],
);
