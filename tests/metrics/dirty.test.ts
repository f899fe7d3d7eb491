/**
 * Which writes dirty which rollup day, now that the tables' triggers are the one owner
 * (migrations 050 and 065): the broadcast day when what it counts changes (a cancel, a STOP
 * caught before sending), the event's day on a status, and nothing for the sender's own
 * bookkeeping (claim, in flight, sent), which changes no count of the broadcast day.
 */
import { cancelBroadcast, createBroadcast, startBroadcast } from '../../core/broadcast';
import { claim, markInFlight, recordOutcomes } from '../../core/broadcast/repository';
import { refreshRollups } from '../../core/metrics';
import { RosterService } from '../../core/roster';
import { insertStatusBatch } from '../../core/statuses/repository';
import { seedRoster, TEMPLATES } from '../broadcast/helpers';
import { describeEachEngine } from '../helpers/db';

describeEachEngine('rollup dirty days', (ctx) => {
	const dirty = async () =>
		(await ctx.db.query<{ day: string }>(`SELECT day::text AS day FROM rollup_dirty_days WHERE kind = 'whatsapp' ORDER BY day`)).map(
			(d) => d.day,
		);
	const targeted = async (day: string) => {
		const [r] = await ctx.db.query<{ n: number }>(`SELECT coalesce(sum(targeted), 0)::int AS n FROM rollup_whatsapp_daily WHERE day = $1`, [
			day,
		]);
		return r.n;
	};

	beforeAll(async () => {
		await seedRoster(ctx.db, 12);
	});

	test('a cancel after a refresh dirties the broadcast day, and the refresh then counts it right', async () => {
		const { broadcast } = await createBroadcast(ctx.db, { contentKey: 'dirty:cancel', templates: TEMPLATES, date: '2026-04-10' });
		await refreshRollups(ctx.db);
		expect(await dirty()).toEqual([]);
		expect(await targeted('2026-04-10')).toBe(12);
		await cancelBroadcast(ctx.db, broadcast.id);
		expect(await dirty()).toEqual(['2026-04-10']);
		await refreshRollups(ctx.db);
		expect(await targeted('2026-04-10')).toBe(0);
	});

	test('claiming, marking in flight and recording a send dirty nothing; a STOP caught before sending dirties the broadcast day', async () => {
		const { broadcast } = await createBroadcast(ctx.db, { contentKey: 'dirty:send', templates: TEMPLATES, date: '2026-04-11' });
		await startBroadcast(ctx.db, broadcast.id);
		await refreshRollups(ctx.db);
		const rows = await claim(ctx.db, broadcast.id, 'w-dirty', 12);
		await markInFlight(
			ctx.db,
			rows.slice(0, 6).map((r) => r.id),
			'w-dirty',
		);
		await recordOutcomes(ctx.db, 'w-dirty', [{ id: rows[0].id, state: 'sent', wamid: 'wamid.dirty.0', at: '2026-04-11T04:30:00Z' }]);
		expect(await dirty()).toEqual([]);
		await new RosterService(ctx.db).optOut(rows[6].phone, 'STOP', { actor: 'test', source: 'test' });
		await ctx.db.query(`DELETE FROM rollup_dirty_days`); // the opt-out's own day (audit log) is not this test's subject
		const marked = await markInFlight(
			ctx.db,
			rows.slice(6).map((r) => r.id),
			'w-dirty',
		);
		expect(marked.skipped).toEqual([rows[6].id]);
		expect(await dirty()).toEqual(['2026-04-11']);
		await refreshRollups(ctx.db);
		expect(await targeted('2026-04-11')).toBe(11);
		await new RosterService(ctx.db).optIn(rows[6].phone, 'START', { actor: 'test', source: 'test' });
	});

	test("a status dirties the event's day (through status_events' triggers), not the broadcast day", async () => {
		await refreshRollups(ctx.db);
		const out = await insertStatusBatch(ctx.db, [
			{
				district_id: 1,
				wamid: 'wamid.dirty.0',
				status: 'delivered',
				occurred_at: '2026-04-12T20:00:00Z', // 13 April in Kolkata
				recipient: null,
				error_code: null,
				error_title: null,
				price_category: 'marketing',
				billable: true,
				pricing_model: 'PMP',
				pricing_type: null,
				inferred: false,
			},
		]);
		expect(out).toMatchObject({ written: 1, deliveries: 1, unlinked: 0 });
		expect(await dirty()).toEqual(['2026-04-13']);
	});
});
