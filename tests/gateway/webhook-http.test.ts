/**
 * The gateway's webhook as Meta sees it: the GET handshake, the signature over the raw bytes,
 * bad input (answered, never half-stored) and a store that is down (503, Meta retries).
 */
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { envelope, gatewayApp, gatewayEnv, metaBytes, signed, statusesBody, textMessageBody, VERIFY_TOKEN, webhookSuite } from './helpers';

describeEachEngine('gateway /webhooks/whatsapp: HTTP contract', (ctx) => {
	const gw = webhookSuite(ctx);
	const { post, statusRows } = gw;

	describe('GET handshake', () => {
		test('echoes the challenge for the right token, with no signature asked', async () => {
			const r = await request(gw.app)
				.get('/webhooks/whatsapp')
				.query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
			expect(r.status).toBe(200);
			expect(r.text).toBe('1158201444');
		});
		test('refuses a wrong token or mode with 403', async () => {
			expect(
				(
					await request(gw.app)
						.get('/webhooks/whatsapp')
						.query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' })
				).status,
			).toBe(403);
			expect(
				(
					await request(gw.app)
						.get('/webhooks/whatsapp')
						.query({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' })
				).status,
			).toBe(403);
			expect((await request(gw.app).get('/webhooks/whatsapp')).status).toBe(403);
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
			expect(gw.router.gateway.stats().ignored['object:page']).toBeGreaterThanOrEqual(1);
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
			// (Template status, quality and category updates are tracked now: tests/templates/webhooks.test.ts.)
			const r = await post(envelope('business_capability_update', { max_daily_conversation_per_phone: 1000 }));
			expect(r.body.ignored).toEqual({ 'field:business_capability_update': 1 });
			const d = await post(statusesBody([{ id: 'wamid.del.1', status: 'deleted' }]));
			expect(d.body.ignored).toEqual({ 'status:deleted': 1 });
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
