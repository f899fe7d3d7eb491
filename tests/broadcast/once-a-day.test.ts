/**
 * At most one awareness message per citizen per district day, held by the store (migration 115),
 * with the explicit, audited emergency override; both engines, over real HTTP to the sandbox.
 */
import { broadcastStatus, cancelBroadcast, createBroadcast, runSender, startBroadcast } from '../../core/broadcast';
import { describeEachEngine } from '../helpers/db';
import { acceptedByRecipient, resetSandbox, seedRoster, startWaSandbox, TEMPLATES, waClient } from './helpers';
import type { Started } from '../sandbox/helpers';

let sb: Started;
beforeAll(async () => {
	sb = await startWaSandbox(80);
});
afterAll(async () => {
	await sb.running.close();
});

const N = 12;

async function runToEnd(db: Parameters<typeof runSender>[0], id: number) {
	await startBroadcast(db, id);
	const client = waClient(sb.url);
	try {
		return await runSender(db, client, id);
	} finally {
		client.close();
	}
}

describeEachEngine('one awareness message per citizen per day', (ctx) => {
	beforeAll(async () => {
		await seedRoster(ctx.db, N);
	});
	beforeEach(async () => {
		await resetSandbox(sb.url, 80);
	});

	test('two approved items on one day: every citizen gets one message; the second is told who was left out', async () => {
		const date = '2026-09-01';
		const a = await createBroadcast(ctx.db, { contentKey: 'day:a', templates: TEMPLATES, date });
		const b = await createBroadcast(ctx.db, { contentKey: 'day:b', templates: TEMPLATES, date });
		expect(a.broadcast.targeted).toBe(N);
		expect(b.broadcast.targeted).toBe(0);
		expect(b.broadcast.dayTaken).toBe(N);
		expect((await runToEnd(ctx.db, a.broadcast.id)).outcome).toBe('completed');
		expect((await runToEnd(ctx.db, b.broadcast.id)).outcome).toBe('completed');
		const got = await acceptedByRecipient(sb.url);
		expect(got.size).toBe(N);
		expect([...got.values()].every((n) => n === 1)).toBe(true);
		expect(await broadcastStatus(ctx.db, b.broadcast.id)).toMatchObject({ targeted: 0, dayTaken: N, override: null });
		// Another day is another message.
		const next = await createBroadcast(ctx.db, { contentKey: 'day:b', templates: TEMPLATES, date: '2026-09-02' });
		expect(next.broadcast.targeted).toBe(N);
		await cancelBroadcast(ctx.db, next.broadcast.id);
	});

	test('the store holds the rule: a delivery written behind the service is refused, the day cannot be cleared', async () => {
		const date = '2026-09-03';
		const a = await createBroadcast(ctx.db, { contentKey: 'store:a', templates: TEMPLATES, date });
		const [b] = await ctx.db.query<{ id: number }>(
			`INSERT INTO broadcasts (content_key, broadcast_date, segment_key, templates) VALUES ('store:b', $1::date, 'all', '{}') RETURNING id`,
			[date],
		);
		const [sub] = await ctx.db.query<{ id: number }>(`SELECT subscriber_id AS id FROM deliveries WHERE broadcast_id = $1 LIMIT 1`, [
			a.broadcast.id,
		]);
		await expect(
			ctx.db.query(`INSERT INTO deliveries (broadcast_id, subscriber_id, language, awareness_day) VALUES ($1, $2, 'hi', NULL)`, [
				b.id,
				sub.id,
			]),
		).rejects.toThrow(/deliveries_one_awareness_per_day|unique|duplicate/i);
		await ctx.db.query(`UPDATE deliveries SET awareness_day = NULL WHERE broadcast_id = $1`, [a.broadcast.id]);
		const [left] = await ctx.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 AND awareness_day = $2::date`,
			[a.broadcast.id, date],
		);
		expect(left.n).toBe(N);
		await cancelBroadcast(ctx.db, a.broadcast.id);
	});

	test('a cancelled broadcast gives the day back: the next one that day reaches everyone', async () => {
		const date = '2026-09-04';
		const a = await createBroadcast(ctx.db, { contentKey: 'cancel:a', templates: TEMPLATES, date });
		await cancelBroadcast(ctx.db, a.broadcast.id);
		const b = await createBroadcast(ctx.db, { contentKey: 'cancel:b', templates: TEMPLATES, date });
		expect(b.broadcast).toMatchObject({ targeted: N, dayTaken: 0 });
		await cancelBroadcast(ctx.db, b.broadcast.id);
	});

	test('the emergency override sends a second message, names who and why, and is audited', async () => {
		const date = '2026-09-05';
		const a = await createBroadcast(ctx.db, { contentKey: 'emerg:a', templates: TEMPLATES, date });
		await runToEnd(ctx.db, a.broadcast.id);
		const override = { by: 'sp.kabirdham', reason: 'Fake flood-relief UPI links spreading tonight' };
		const e = await createBroadcast(ctx.db, {
			contentKey: 'emerg:b',
			templates: TEMPLATES,
			date,
			emergencyOverride: override,
			createdBy: 'ops',
		});
		expect(e.broadcast).toMatchObject({ targeted: N, dayTaken: 0, override });
		await runToEnd(ctx.db, e.broadcast.id);
		const got = await acceptedByRecipient(sb.url);
		expect(got.size).toBe(N);
		expect([...got.values()].every((n) => n === 2)).toBe(true);
		expect(await broadcastStatus(ctx.db, e.broadcast.id)).toMatchObject({ sent: N, override });
		const rows = await ctx.db.query<{ actor: string; details: { reason: string; createdBy: string } }>(
			`SELECT actor, details FROM audit_log WHERE action = 'broadcast.override_daily_limit' AND entity_id = $1`,
			[String(e.broadcast.id)],
		);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ actor: 'sp.kabirdham', details: { reason: override.reason, createdBy: 'ops' } });
	});

	test('an override nobody can account for is refused at its field, and nothing is written', async () => {
		const [before] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM broadcasts`);
		const cases: [unknown, RegExp][] = [
			['yes', /emergencyOverride: must be an object/],
			[{ reason: 'Fake flood-relief links' }, /emergencyOverride\.by/],
			[{ by: 'sp', reason: 'urgent' }, /emergencyOverride\.reason/],
			[{ by: 'sp' }, /emergencyOverride\.reason/],
		];
		for (const [o, re] of cases) {
			await expect(
				createBroadcast(ctx.db, { contentKey: 'bad-override', templates: TEMPLATES, date: '2026-09-06', emergencyOverride: o as never }),
			).rejects.toMatchObject({ action: 'fix_input', message: expect.stringMatching(re) });
		}
		const [after] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM broadcasts`);
		expect(after.n).toBe(before.n);
	});
});
