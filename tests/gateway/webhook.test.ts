import request from 'supertest';
import type express from 'express';
import { describeEachEngine } from '../helpers/db';
import {
	APP_SECRET,
	FakeSender,
	PHONE_ID,
	VERIFY_TOKEN,
	envelope,
	gatewayApp,
	gatewayEnv,
	metaBytes,
	preferenceBody,
	seedBroadcast,
	signed,
	statusesBody,
	textMessageBody,
	type StatusSpec,
} from './helpers';
import type { GatewayRouter } from '../../dashboard/gateway';

describeEachEngine('gateway /webhooks/whatsapp', (ctx) => {
	let app: express.Express;
	let router: GatewayRouter;
	let sender: FakeSender;

	beforeAll(() => {
		sender = new FakeSender();
		({ app, router } = gatewayApp(ctx.db, { gateway: { senderFor: () => sender } }));
	});
	afterAll(async () => {
		await router.gateway.close();
	});

	const post = (body: Buffer | object, sig?: string | null) => {
		const raw = Buffer.isBuffer(body) ? body : metaBytes(body);
		const r = request(app).post('/webhooks/whatsapp').set('content-type', 'application/json');
		if (sig !== null) r.set('x-hub-signature-256', sig ?? signed(raw));
		// A string, not the Buffer: superagent would JSON-encode a Buffer sent as application/json.
		return r.send(raw.toString('utf8'));
	};
	const count = async (sql: string, params: unknown[] = []) => Number((await ctx.db.query<{ n: number }>(sql, params))[0].n);
	const statusRows = (prefix: string) => count(`SELECT count(*)::int AS n FROM status_events WHERE wamid LIKE $1`, [prefix + '%']);

	describe('GET handshake', () => {
		test('echoes the challenge for the right token, with no signature asked', async () => {
			const r = await request(app)
				.get('/webhooks/whatsapp')
				.query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
			expect(r.status).toBe(200);
			expect(r.text).toBe('1158201444');
		});
		test('refuses a wrong token or mode with 403', async () => {
			expect(
				(await request(app).get('/webhooks/whatsapp').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }))
					.status,
			).toBe(403);
			expect(
				(
					await request(app)
						.get('/webhooks/whatsapp')
						.query({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' })
				).status,
			).toBe(403);
			expect((await request(app).get('/webhooks/whatsapp')).status).toBe(403);
		});
	});

	describe('signature', () => {
		test('missing or wrong signature → 401 and nothing stored', async () => {
			const body = metaBytes(statusesBody([{ id: 'wamid.sig.1', status: 'sent' }]));
			const none = await post(body, null);
			expect(none.status).toBe(401);
			expect(none.body.error.code).toBe('SIGNATURE_MISSING');
			const wrong = await post(body, signed(body, 'another-secret'));
			expect(wrong.status).toBe(401);
			expect(wrong.body.error.code).toBe('SIGNATURE_INVALID');
			expect((await post(body, 'sha256=zz')).status).toBe(401);
			expect((await post(body, 'sha1=' + 'a'.repeat(40))).status).toBe(401);
			// Signed over other bytes (parsed and re-serialised without Meta's escapes): refused too.
			const hindi = textMessageBody('919876500099', 'मेरे साथ धोखा हुआ 🙏');
			const reserialised = Buffer.from(JSON.stringify(hindi));
			expect((await post(metaBytes(hindi), signed(reserialised))).status).toBe(401);
			expect(await statusRows('wamid.sig.')).toBe(0);
		});

		test('Hindi and emoji bodies, escaped the way Meta writes them, verify', async () => {
			const body = textMessageBody('919876500098', 'नमस्ते 🙏 मेरा UPI से पैसा कट गया', { id: 'wamid.hindi.1' });
			const raw = metaBytes(body);
			expect(raw.toString()).toContain('\\u0928'); // bytes are escaped: ASCII only
			const r = await post(raw);
			expect(r.status).toBe(200);
			const [m] = await ctx.db.query<{ body: string }>(`SELECT body FROM inbound_messages WHERE wamid = 'wamid.hindi.1'`);
			expect(m.body).toBe('नमस्ते 🙏 मेरा UPI से पैसा कट गया');
		});

		test('no app secret configured → 500 configure, nothing accepted', async () => {
			const { app: bare, router: r2 } = gatewayApp(ctx.db, { env: { WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN } });
			const body = metaBytes(statusesBody([{ id: 'wamid.nosecret.1', status: 'sent' }]));
			const r = await request(bare)
				.post('/webhooks/whatsapp')
				.set('content-type', 'application/json')
				.set('x-hub-signature-256', signed(body))
				.send(body.toString());
			expect(r.status).toBe(500);
			expect(r.body.error).toMatchObject({ code: 'GATEWAY_NOT_CONFIGURED', action: 'configure' });
			await r2.gateway.close();
		});
	});

	describe('bad input', () => {
		test('malformed JSON → 400 naming the problem', async () => {
			const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[');
			const r = await post(raw);
			expect(r.status).toBe(400);
			expect(r.body.error.code).toBe('WEBHOOK_NOT_JSON');
		});

		test('wrong object → 200, ignored and counted, nothing stored', async () => {
			const r = await post({ object: 'page', entry: [{ id: '1', changes: [] }] });
			expect(r.status).toBe(200);
			expect(r.body.ignored).toEqual({ 'object:page': 1 });
			expect(router.gateway.stats().ignored['object:page']).toBeGreaterThanOrEqual(1);
		});

		test('a 10 MB body → 413 before it is read', async () => {
			const raw = Buffer.alloc(10 * 1024 * 1024, 0x20);
			const r = await post(raw);
			expect(r.status).toBe(413);
			expect(r.body.error.code).toBe('BODY_TOO_LARGE');
		});

		test('missing fields → 400 with the field path, and no part of the payload is written', async () => {
			const body = statusesBody([
				{ id: 'wamid.half.1', status: 'sent' },
				{ id: 'wamid.half.2', status: 'delivered' },
			]) as any;
			delete body.entry[0].changes[0].value.statuses[1].id;
			const r = await post(body);
			expect(r.status).toBe(400);
			expect(r.body.error).toMatchObject({ code: 'WEBHOOK_MALFORMED', details: { field: 'entry[0].changes[0].value.statuses[1].id' } });
			expect(await statusRows('wamid.half.')).toBe(0);

			const noMeta = envelope('messages', { statuses: [] }) as any;
			delete noMeta.entry[0].changes[0].value.metadata;
			expect((await post(noMeta)).body.error.details.field).toBe('entry[0].changes[0].value.metadata');
			expect((await post({ object: 'whatsapp_business_account' })).body.error.details.field).toBe('entry');
			const failedNoCode = statusesBody([{ id: 'wamid.half.3', status: 'failed' }]);
			expect((await post(failedNoCode)).body.error.details.field).toBe('entry[0].changes[0].value.statuses[0].errors');
			const badTs = statusesBody([{ id: 'wamid.half.4', status: 'sent' }]) as any;
			badTs.entry[0].changes[0].value.statuses[0].timestamp = 'yesterday';
			expect((await post(badTs)).body.error.details.field).toBe('entry[0].changes[0].value.statuses[0].timestamp');
			expect((await post([1, 2, 3])).status).toBe(400);
			expect(await statusRows('wamid.half.')).toBe(0);
		});

		test('unknown phone number id → 200, ignored and counted, not stored', async () => {
			const r = await post(statusesBody([{ id: 'wamid.unknown.1', status: 'sent' }], '999999999999999'));
			expect(r.status).toBe(200);
			expect(r.body.ignored).toEqual({ unknown_phone_number_id: 1 });
			expect(await statusRows('wamid.unknown.')).toBe(0);
		});

		test('untracked statuses and fields are ignored, counted', async () => {
			const r = await post(envelope('message_template_status_update', { event: 'APPROVED' }));
			expect(r.body.ignored).toEqual({ 'field:message_template_status_update': 1 });
			const d = await post(statusesBody([{ id: 'wamid.del.1', status: 'deleted' }]));
			expect(d.body.ignored).toEqual({ 'status:deleted': 1 });
		});
	});

	describe('statuses', () => {
		test('the configured number is district 1, recorded once in districts', async () => {
			const r = await post(statusesBody([{ id: 'wamid.route.1', status: 'sent' }]));
			expect(r.status).toBe(200);
			const [d] = await ctx.db.query<{ wa_phone_number_id: string }>('SELECT wa_phone_number_id FROM districts WHERE id = 1');
			expect(d.wa_phone_number_id).toBe(PHONE_ID);
			const [s] = await ctx.db.query<{ district_id: number }>(`SELECT district_id FROM status_events WHERE wamid = 'wamid.route.1'`);
			expect(s.district_id).toBe(1);
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
			// Days touched are marked for the metrics refresh: the event day and the broadcast day.
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
			const o = await router.gateway.writer.linkOrphans();
			expect(o.written).toBeGreaterThanOrEqual(1);
			const [d] = await ctx.db.query<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [deliveryIds[0]]);
			expect(d.state).toBe('delivered');
		});
	});

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
			sender.sent = [];
			const texts = ['STOP', ' बंद ', 'रोकें!', 'please stop the fraud caller, he took my money'];
			for (let i = 0; i < phones.length; i++) expect((await post(textMessageBody(phones[i].slice(1), texts[i]))).status).toBe(200);
			await router.gateway.idle();
			const subs = await ctx.db.query<{ phone: string; status: string }>(
				'SELECT phone, status FROM subscribers WHERE phone = ANY($1::text[]) ORDER BY phone',
				[phones],
			);
			expect(subs.map((s) => s.status)).toEqual(['opted_out', 'opted_out', 'opted_out', 'active']);
			expect(sender.sent.map((s) => s.to).sort()).toEqual(phones.slice(0, 3));
			expect(sender.sent[0].body).toMatch(/पुलिस मितान/);
			expect(sender.sent[0].body).toMatch(/Send START/);
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
			sender.sent = [];
			const t0 = Math.floor(Date.now() / 1000);
			const stop = textMessageBody(phone.slice(1), 'रोकें', { type: 'button', ts: t0 });
			await post(stop);
			await post(stop);
			await router.gateway.idle();
			expect(sender.sent).toHaveLength(1);
			await post(textMessageBody(phone.slice(1), 'शुरू', { ts: t0 + 1 }));
			await router.gateway.idle();
			const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [phone]);
			expect(s.status).toBe('active');
			expect(sender.sent[1].body).toMatch(/START|STOP/);
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

	test('the store being down → 503 (Meta retries), never a crash', async () => {
		const broken = {
			...ctx.db,
			engine: ctx.db.engine,
			transaction: async () => {
				throw new Error('connection refused');
			},
			query: ctx.db.query,
			exec: ctx.db.exec,
			listen: ctx.db.listen,
			notify: ctx.db.notify,
			close: ctx.db.close,
		} as typeof ctx.db;
		const { app: app3, router: r3 } = gatewayApp(broken, { env: gatewayEnv() });
		const raw = metaBytes(statusesBody([{ id: 'wamid.down.1', status: 'sent' }]));
		const r = await request(app3)
			.post('/webhooks/whatsapp')
			.set('content-type', 'application/json')
			.set('x-hub-signature-256', signed(raw))
			.send(raw.toString());
		expect(r.status).toBe(503);
		expect(r.body.error.action).toBe('retry_soon');
		await r3.gateway.close();
	});
});
