/**
 * Citizens writing in: messages stored once and queued, STOP / START keywords and Meta's
 * user_preferences applied to the roster (audited, confirmed in Hindi and English), reordering.
 */
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import {
	APP_SECRET,
	FakeSender,
	gatewayApp,
	metaBytes,
	preferenceBody,
	seedBroadcast,
	signed,
	textMessageBody,
	webhookSuite,
} from './helpers';

describeEachEngine('gateway /webhooks/whatsapp: citizens', (ctx) => {
	const gw = webhookSuite(ctx);
	const { post } = gw;

	describe('citizens', () => {
		test('messages are stored once by wamid and queued with a NOTIFY-able row', async () => {
			await seedBroadcast(ctx.db, [{ phone: '+919876500031', policeStation: 'Bodla' }], 'inb');
			const body = textMessageBody('919876500031', 'मेरे खाते से 5000 रुपये कट गए', { id: 'wamid.inb.msg1' });
			expect((await post(body)).status).toBe(200);
			const replay = await post(body);
			expect(replay.body.replays).toBe(1);
			const rows = await ctx.db.query<{ queue_state: string; from_phone: string; subscriber_id: number | null; keyword: string | null }>(
				`SELECT queue_state, from_phone, subscriber_id, keyword FROM inbound_messages WHERE wamid = 'wamid.inb.msg1'`,
			);
			expect(rows).toHaveLength(1);
			expect(rows[0]).toMatchObject({ queue_state: 'queued', from_phone: '+919876500031', keyword: null });
			expect(rows[0].subscriber_id).not.toBeNull();
		});

		test('STOP / बंद / रोकें opt out at once, audited, confirmed in Hindi and English; a sentence with "stop" is a message', async () => {
			const phones = ['+919876500041', '+919876500042', '+919876500043', '+919876500044'];
			await seedBroadcast(
				ctx.db,
				phones.map((phone) => ({ phone })),
				'stop',
			);
			gw.sender.sent = [];
			const texts = ['STOP', ' बंद ', 'रोकें!', 'please stop the fraud caller, he took my money'];
			for (let i = 0; i < phones.length; i++) expect((await post(textMessageBody(phones[i].slice(1), texts[i]))).status).toBe(200);
			await gw.router.gateway.idle();
			const subs = await ctx.db.query<{ phone: string; status: string }>(
				'SELECT phone, status FROM subscribers WHERE phone = ANY($1::text[]) ORDER BY phone',
				[phones],
			);
			expect(subs.map((s) => s.status)).toEqual(['opted_out', 'opted_out', 'opted_out', 'active']);
			expect(gw.sender.sent.map((s) => s.to).sort()).toEqual(phones.slice(0, 3));
			expect(gw.sender.sent[0].body).toMatch(/पुलिस मितान/);
			expect(gw.sender.sent[0].body).toMatch(/Send START/);
			const audit = await ctx.db.query<{ actor: string; details: { reason: string } }>(
				`SELECT actor, details FROM audit_log WHERE action = 'subscriber.opt_out' AND details->>'reason' = 'keyword STOP'`,
			);
			expect(audit.length).toBeGreaterThanOrEqual(3);
			expect(audit[0].actor).toMatch(/^citizen:\+91 98XXXXX04\d$/);
			const queued = await ctx.db.query<{ queue_state: string; keyword: string | null }>(
				'SELECT queue_state, keyword FROM inbound_messages WHERE from_phone = ANY($1::text[]) ORDER BY from_phone',
				[phones],
			);
			expect(queued).toEqual([
				{ queue_state: 'done', keyword: 'stop' },
				{ queue_state: 'done', keyword: 'stop' },
				{ queue_state: 'done', keyword: 'stop' },
				{ queue_state: 'queued', keyword: null },
			]);
		});

		test('START / शुरू opt back in; a quick-reply button counts like typing; a replayed STOP confirms nothing twice', async () => {
			const phone = '+919876500051';
			await seedBroadcast(ctx.db, [{ phone }], 'start');
			gw.sender.sent = [];
			const t0 = Math.floor(Date.now() / 1000);
			const stop = textMessageBody(phone.slice(1), 'रोकें', { type: 'button', ts: t0 });
			await post(stop);
			await post(stop);
			await gw.router.gateway.idle();
			expect(gw.sender.sent).toHaveLength(1);
			await post(textMessageBody(phone.slice(1), 'शुरू', { ts: t0 + 1 }));
			await gw.router.gateway.idle();
			const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [phone]);
			expect(s.status).toBe('active');
			expect(gw.sender.sent[1].body).toMatch(/START|STOP/);
		});

		test('a STOP that arrives after a newer START does not undo it (reordered)', async () => {
			const phone = '+919876500061';
			await seedBroadcast(ctx.db, [{ phone }], 'reorder');
			const t0 = 1_780_100_000;
			await post(textMessageBody(phone.slice(1), 'STOP', { ts: t0 }));
			await post(textMessageBody(phone.slice(1), 'START', { ts: t0 + 60 }));
			await post(textMessageBody(phone.slice(1), 'stop', { ts: t0 + 30 })); // older than the START, delivered last
			const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [phone]);
			expect(s.status).toBe('active');
		});

		test("Meta's user_preferences stop / resume; replays and late stops change nothing", async () => {
			const phone = '+919876500071';
			await seedBroadcast(ctx.db, [{ phone }], 'prefs');
			const t0 = 1_780_200_000;
			await post(preferenceBody(phone.slice(1), 'stop', t0));
			let [s] = await ctx.db.query<{ status: string; status_reason: string }>(
				'SELECT status, status_reason FROM subscribers WHERE phone = $1',
				[phone],
			);
			expect(s).toEqual({ status: 'opted_out', status_reason: 'meta user_preferences stop (marketing_messages)' });
			await post(preferenceBody(phone.slice(1), 'resume', t0 + 100));
			const replay = await post(preferenceBody(phone.slice(1), 'stop', t0));
			expect(replay.body.replays).toBe(1);
			await post(preferenceBody(phone.slice(1), 'stop', t0 + 50)); // late: older than the resume
			[s] = await ctx.db.query('SELECT status, status_reason FROM subscribers WHERE phone = $1', [phone]);
			expect(s.status).toBe('active');
		});

		test('a failed confirmation send does not undo the opt-out (and is audited)', async () => {
			const failing = new FakeSender(true);
			const { app: app2, router: r2 } = gatewayApp(ctx.db, { gateway: { senderFor: () => failing } });
			const phone = '+919876500081';
			await seedBroadcast(ctx.db, [{ phone }], 'failconfirm');
			const raw = metaBytes(textMessageBody(phone.slice(1), 'Unsubscribe'));
			const r = await request(app2)
				.post('/webhooks/whatsapp')
				.set('content-type', 'application/json')
				.set('x-hub-signature-256', signed(raw, APP_SECRET))
				.send(raw.toString());
			expect(r.status).toBe(200);
			await r2.gateway.idle();
			const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [phone]);
			expect(s.status).toBe('opted_out');
			expect(r2.gateway.stats().confirmationsFailed).toBe(1);
			const [a] = await ctx.db.query<{ n: number }>(
				`SELECT count(*)::int AS n FROM audit_log WHERE action = 'citizen.confirmation_failed'`,
			);
			expect(Number(a.n)).toBeGreaterThanOrEqual(1);
			await r2.gateway.close();
		});
	});
});
