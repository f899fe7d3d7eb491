/**
 * Nobody left in doubt (issue 16 §4), on both engines against the sandbox: an in-doubt delivery
 * (its sender died with the request in the air) is settled by its status (callback data, else the
 * old recipient rule for statuses without it); a silent one is resent once after the quiet window,
 * on the broadcast's own day only. The end-to-end crash run with real processes: crash.test.ts.
 */
import { createBroadcast, resumeBroadcast, runSender, settleInDoubt, startBroadcast } from '../../core/broadcast';
import { settleBroadcast } from '../../core/broadcast/settle';
import { districtTimeZone } from '../../core/districts';
import { RosterService } from '../../core/roster';
import { deliveryCallbackData } from '../../core/statuses/callback';
import { insertStatusBatch } from '../../core/statuses/repository';
import { toStatusRows, type RoutedStatus } from '../../core/statuses/rows';
import { addDays, todayIn } from '../../core/time';
import { describeEachEngine } from '../helpers/db';
import type { Started } from '../sandbox/helpers';
import { acceptedByRecipient, resetSandbox, startWaSandbox, TEMPLATES, waClient } from './helpers';

const RATE = 1000;
let sb: Started;
beforeAll(async () => {
	// A handful of citizens on an established number (the tier itself: tier.test.ts).
	sb = await startWaSandbox(RATE, 'TIER_100K');
});
afterAll(async () => {
	await sb.running.close();
});

let seq = 0;
const key = () => `doubt:${++seq}:${Date.now()}`;

describeEachEngine('in doubt, on an established number (sandbox tier TIER_100K)', (ctx) => {
	beforeEach(async () => {
		await resetSandbox(sb.url, RATE);
	});

	test('in doubt: settled by its status (callback data, else the old recipient rule); a silent one resent once after the quiet window', async () => {
		const roster = new RosterService(ctx.db);
		for (const p of ['9822222201', '9822222202', '9822222203', '9822222204'])
			await roster.upsert({ phone: p, consentSource: 'camp', policeStation: 'Sahaspur' }, { actor: 'test' });
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			templates: TEMPLATES,
			segment: { policeStation: 'Sahaspur' },
		});
		await startBroadcast(ctx.db, broadcast.id);
		// As a crash leaves them: the four requests were in the air when the sender died.
		await ctx.db.query(
			`UPDATE deliveries SET state = 'in_doubt', error_class = 'in_doubt', attempts = 1, sending_at = now() - interval '1 minute' WHERE broadcast_id = $1`,
			[broadcast.id],
		);
		const ids = new Map(
			(
				await ctx.db.query<{ phone: string; id: number }>(
					`SELECT s.phone, d.id FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1`,
					[broadcast.id],
				)
			).map((r) => [r.phone, Number(r.id)]),
		);
		const at = new Date(Date.now() - 50_000).toISOString();
		const status = (wamid: string, st: 'delivered' | 'failed', extra: Partial<RoutedStatus>): RoutedStatus => ({
			districtId: 1,
			phoneNumberId: '1',
			wamid,
			status: st,
			occurredAt: at,
			recipient: null,
			errorCode: st === 'failed' ? 131026 : null,
			errorTitle: null,
			priceCategory: 'marketing',
			billable: null,
			pricingModel: null,
			pricingType: null,
			...extra,
		});
		// What the gateway writes: 01's status names its delivery; 02's carries no callback data (an
		// older sender) and is matched by recipient and time; 03's names another app's data only.
		await insertStatusBatch(
			ctx.db,
			toStatusRows([
				status('wamid.SETTLE1', 'delivered', { callbackData: deliveryCallbackData(ids.get('+919822222201')!) }),
				status('wamid.SETTLE2', 'delivered', { recipient: '919822222202' }),
				status('wamid.SETTLE3', 'failed', { callbackData: 'crm:' + ids.get('+919822222203')! }),
			]),
		);
		// 01 was settled as its status was written (its row is no longer in flight); the settle pass
		// adds 02 by the old rule.
		expect(await settleInDoubt(ctx.db, broadcast.id)).toBe(1);
		const state = async () =>
			ctx.db.query<{ phone: string; state: string; wamid: string | null }>(
				`SELECT s.phone, d.state, d.wamid FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1 ORDER BY s.phone`,
				[broadcast.id],
			);
		expect(await state()).toEqual([
			{ phone: '+919822222201', state: 'delivered', wamid: 'wamid.SETTLE1' },
			{ phone: '+919822222202', state: 'sent', wamid: 'wamid.SETTLE2' },
			{ phone: '+919822222203', state: 'in_doubt', wamid: null },
			{ phone: '+919822222204', state: 'in_doubt', wamid: null },
		]);
		// The sender, with nothing else to send, resends the two silent ones once their quiet window
		// (here 30 s: they went out a minute ago) has passed, and only then completes.
		const client = waClient(sb.url);
		await resumeBroadcast(ctx.db, broadcast.id);
		const r1 = await runSender(ctx.db, client, broadcast.id, { inDoubtQuietMs: 30_000 });
		expect(r1.requests).toBe(2);
		expect(r1.settled).toMatchObject({ resent: 2, left: 0 });
		expect(r1.progress).toMatchObject({ status: 'completed', sent: 4, inDoubt: 0 });
		const got = await acceptedByRecipient(sb.url);
		expect([got.get('919822222203'), got.get('919822222204'), got.get('919822222201')]).toEqual([1, 1, undefined]);
		// Resent once, never twice: in doubt again (a second crash), it stays so.
		client.close();
		await ctx.db.query(`UPDATE deliveries SET state = 'in_doubt', wamid = NULL WHERE id = $1`, [ids.get('+919822222204')]);
		const again = await settleBroadcast(ctx.db, broadcast, { quietMs: 0, resend: true });
		expect(again).toMatchObject({ resent: 0, waiting: 0, left: 1 });
	});

	test("in doubt on another day's broadcast: never resent (a message a day late is worse than none)", async () => {
		const roster = new RosterService(ctx.db);
		await roster.upsert({ phone: '9822222211', consentSource: 'camp', policeStation: 'Rengakhar' }, { actor: 'test' });
		const yesterday = addDays(todayIn(await districtTimeZone(ctx.db, 1)), -1);
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			templates: TEMPLATES,
			segment: { policeStation: 'Rengakhar' },
			date: yesterday,
		});
		await startBroadcast(ctx.db, broadcast.id);
		await ctx.db.query(
			`UPDATE deliveries SET state = 'in_doubt', error_class = 'in_doubt', attempts = 1, sending_at = now() - interval '1 hour' WHERE broadcast_id = $1`,
			[broadcast.id],
		);
		const client = waClient(sb.url);
		const r = await runSender(ctx.db, client, broadcast.id, { inDoubtQuietMs: 0 });
		client.close();
		expect(r.requests).toBe(0);
		expect(r.settled).toMatchObject({ resent: 0, left: 1 });
		expect(r.progress).toMatchObject({ status: 'completed', inDoubt: 1 });
	});
});
