/**
 * Status webhooks: one row per (wamid, status) whatever Meta replays, deliveries moving forward
 * only, failures that change the roster, and statuses that overtake the sender's wamid write.
 */
import { describeEachEngine } from '../helpers/db';
import { PHONE_ID, seedBroadcast, statusesBody, type StatusSpec, webhookSuite } from './helpers';

describeEachEngine('gateway /webhooks/whatsapp: statuses', (ctx) => {
	const gw = webhookSuite(ctx);
	const { post } = gw;

	describe('statuses', () => {
		test('the configured number is district 1, recorded once in districts', async () => {
			const r = await post(statusesBody([{ id: 'wamid.route.1', status: 'sent' }]));
			expect(r.status).toBe(200);
			const [d] = await ctx.db.query<{ wa_phone_number_id: string }>('SELECT wa_phone_number_id FROM districts WHERE id = 1');
			expect(d.wa_phone_number_id).toBe(PHONE_ID);
			const [s] = await ctx.db.query<{ district_id: number }>(`SELECT district_id FROM status_events WHERE wamid = 'wamid.route.1'`);
			expect(s.district_id).toBe(1);
		});

		test('131048 / 131049 after acceptance: the citizen was not reached, so they get their turn back in the fair order', async () => {
			const phones = ['+919876511001', '+919876511002', '+919876511003'];
			const old = await seedBroadcast(
				ctx.db,
				phones.slice(0, 1).map((phone) => ({ phone })),
				'turn-old',
				undefined,
				'2026-05-29',
			);
			const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
			await ctx.db.query(`UPDATE deliveries SET sent_at = $2 WHERE id = $1`, [old.deliveryIds[0], threeDaysAgo]);
			const { subscriberIds } = await seedBroadcast(
				ctx.db,
				phones.map((phone) => ({ phone })),
				'turn',
			);
			// What the sender wrote when WhatsApp accepted today's messages.
			await ctx.db.query(`UPDATE subscribers SET last_reached_at = now() WHERE id = ANY($1::bigint[])`, [subscriberIds]);
			const r = await post(
				statusesBody([
					{ id: 'wamid.turn.0', status: 'failed', code: 131049 },
					{ id: 'wamid.turn.1', status: 'failed', code: 131048 },
					{ id: 'wamid.turn.2', status: 'failed', code: 131000 },
				]),
			);
			expect(r.status).toBe(200);
			const rows = await ctx.db.query<{ id: number; last_reached_at: Date | null }>(
				`SELECT id, last_reached_at FROM subscribers WHERE id = ANY($1::bigint[]) ORDER BY id`,
				[subscriberIds],
			);
			// Back to the reach before today's (three days ago), to never reached, and unchanged for another failure.
			expect(new Date(rows[0].last_reached_at!).getTime()).toBe(threeDaysAgo.getTime());
			expect(rows[1].last_reached_at).toBeNull();
			expect(new Date(rows[2].last_reached_at!).getTime()).toBeGreaterThan(Date.now() - 60_000);
		});

		test('replays and duplicates end as one row per (wamid, status); deliveries move forward only', async () => {
			const { deliveryIds } = await seedBroadcast(ctx.db, [{ phone: '+919876500001' }, { phone: '+919876500002' }], 'dup');
			const a = 'wamid.dup.0';
			const b = 'wamid.dup.1';
			// Reordered: read first, then delivered, then sent; and every call twice.
			const calls: StatusSpec[][] = [
				[{ id: a, status: 'read', ts: 1_780_000_030 }],
				[
					{ id: a, status: 'delivered', ts: 1_780_000_010 },
					{ id: a, status: 'delivered', ts: 1_780_000_010 },
				],
				[{ id: a, status: 'sent', ts: 1_780_000_001 }],
				[
					{ id: b, status: 'sent', ts: 1_780_000_001 },
					{ id: b, status: 'delivered', ts: 1_780_000_005 },
				],
			];
			for (const c of [...calls, ...calls]) expect((await post(statusesBody(c))).status).toBe(200);
			const rows = await ctx.db.query<{
				wamid: string;
				status: string;
				inferred: boolean;
				occurred_at: Date;
				delivery_id: number;
				billable: boolean;
				price_category: string;
			}>(
				`SELECT wamid, status, inferred, occurred_at, delivery_id, billable, price_category FROM status_events WHERE wamid LIKE 'wamid.dup.%' ORDER BY wamid, status`,
			);
			expect(rows.map((r) => `${r.wamid}:${r.status}`)).toEqual([
				`${a}:delivered`,
				`${a}:read`,
				`${a}:sent`,
				`${b}:delivered`,
				`${b}:sent`,
			]);
			// The inferred delivered (from the read) was replaced by the real one with its own time.
			const ad = rows.find((r) => r.wamid === a && r.status === 'delivered')!;
			expect(ad.inferred).toBe(false);
			expect(new Date(ad.occurred_at).getTime()).toBe(1_780_000_010_000);
			expect(rows.every((r) => r.delivery_id !== null)).toBe(true);
			expect(rows.find((r) => r.status === 'read')).toMatchObject({ billable: true, price_category: 'marketing' });
			const ds = await ctx.db.query<{ id: number; state: string; delivered_at: Date; read_at: Date | null }>(
				'SELECT id, state, delivered_at, read_at FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id',
				[deliveryIds],
			);
			expect(ds.map((d) => d.state)).toEqual(['read', 'delivered']);
			expect(new Date(ds[0].delivered_at).getTime()).toBe(1_780_000_010_000);
			expect(new Date(ds[0].read_at!).getTime()).toBe(1_780_000_030_000);
			// Days touched are marked for the metrics refresh, by the tables' triggers: the event day
			// (status_events) and the broadcast day (its deliveries' insert).
			const dirty = await ctx.db.query<{ day: string }>(`SELECT day FROM rollup_dirty_days WHERE kind = 'whatsapp' ORDER BY day`);
			expect(dirty.map((d) => d.day)).toEqual(expect.arrayContaining(['2026-05-29', '2026-06-01']));
		});

		test('a read without a delivered counts as both', async () => {
			await seedBroadcast(ctx.db, [{ phone: '+919876500003' }], 'readonly');
			await post(statusesBody([{ id: 'wamid.readonly.0', status: 'read', ts: 1_780_000_100 }]));
			const rows = await ctx.db.query<{ status: string; inferred: boolean }>(
				`SELECT status, inferred FROM status_events WHERE wamid = 'wamid.readonly.0' ORDER BY status`,
			);
			expect(rows).toEqual([
				{ status: 'delivered', inferred: true },
				{ status: 'read', inferred: false },
			]);
			const [d] = await ctx.db.query<{ state: string; delivered_at: Date }>(
				`SELECT state, delivered_at FROM deliveries WHERE wamid = 'wamid.readonly.0'`,
			);
			expect(d.state).toBe('read');
			expect(new Date(d.delivered_at).getTime()).toBe(1_780_000_100_000);
		});

		test('failures by class: 131026 → invalid, 131050 → opted out (audited), others only on the delivery', async () => {
			const { subscriberIds } = await seedBroadcast(
				ctx.db,
				[{ phone: '+919876500011' }, { phone: '+919876500012' }, { phone: '+919876500013' }],
				'fail',
			);
			await post(
				statusesBody([
					{ id: 'wamid.fail.0', status: 'failed', code: 131026, recipient: '919876500011' },
					{ id: 'wamid.fail.1', status: 'failed', code: 131050, recipient: '919876500012' },
					{ id: 'wamid.fail.2', status: 'failed', code: 131049, recipient: '919876500013' },
				]),
			);
			const subs = await ctx.db.query<{ status: string; status_reason: string | null }>(
				'SELECT status, status_reason FROM subscribers WHERE id = ANY($1::bigint[]) ORDER BY id',
				[subscriberIds],
			);
			expect(subs).toEqual([
				{ status: 'invalid', status_reason: 'meta 131026' },
				{ status: 'opted_out', status_reason: 'meta 131050' },
				{ status: 'active', status_reason: null },
			]);
			const ds = await ctx.db.query<{ state: string; error_code: number; error_class: string }>(
				`SELECT state, error_code, error_class FROM deliveries WHERE wamid LIKE 'wamid.fail.%' ORDER BY wamid`,
			);
			expect(ds).toEqual([
				{ state: 'failed', error_code: 131026, error_class: 'drop_recipient' },
				{ state: 'failed', error_code: 131050, error_class: 'drop_recipient' },
				{ state: 'failed', error_code: 131049, error_class: 'retry_tomorrow' },
			]);
			const audits = await ctx.db.query<{ action: string }>(
				`SELECT action FROM audit_log WHERE entity = 'subscriber' AND entity_id = ANY($1::text[]) ORDER BY id`,
				[subscriberIds.map(String)],
			);
			expect(audits.map((a) => a.action)).toEqual(['subscriber.invalid', 'subscriber.opt_out']);
		});

		test('a status that overtakes the wamid write is linked later by the orphan pass', async () => {
			const { deliveryIds } = await seedBroadcast(ctx.db, [{ phone: '+919876500021' }], 'orphan', [null]);
			await post(statusesBody([{ id: 'wamid.orphan.late', status: 'delivered', ts: 1_780_000_200 }]));
			const [before] = await ctx.db.query<{ delivery_id: number | null }>(
				`SELECT delivery_id FROM status_events WHERE wamid = 'wamid.orphan.late'`,
			);
			expect(before.delivery_id).toBeNull();
			await ctx.db.query(`UPDATE deliveries SET wamid = 'wamid.orphan.late', state = 'sent' WHERE id = $1`, [deliveryIds[0]]);
			const o = await gw.router.gateway.writer.linkOrphans();
			expect(o.written).toBeGreaterThanOrEqual(1);
			const [d] = await ctx.db.query<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [deliveryIds[0]]);
			expect(d.state).toBe('delivered');
		});
	});
});
