import * as http from 'http';
import type { AddressInfo } from 'net';
import { describeEachEngine } from '../helpers/db';
import { until } from '../helpers/wait';
import { call, PHONE_ID, sendTemplate, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import { findNumber, saveNumberLimits } from '../../core/broadcast/tier-repository';
import { gatewayApp, gatewayEnv, seedBroadcast } from './helpers';
import type { GatewayRouter } from '../../dashboard/gateway';
import { spendOfBroadcast } from '../../core/dashboard';
import { refreshRollups } from '../../core/metrics';

/**
 * The real thing end to end: the sandbox sends a broadcast's signed status webhooks (with
 * duplicates and reordering) to the gateway listening on a real socket; a citizen writes STOP
 * half-way through; afterwards every (wamid, status) the sandbox emitted is exactly one row.
 */
describeEachEngine('gateway with the sandbox', (ctx) => {
	let sb: Started;
	let server: http.Server;
	let router: GatewayRouter;

	beforeAll(async () => {
		sb = await startSandbox({
			whatsapp: {
				populations: {
					notOnWhatsApp: { numbers: ['+919876530013'], lastTwoDigits: [] },
					stoppedMarketing: { numbers: ['+919876530017'], lastTwoDigits: [] },
				},
			},
			webhook: {
				duplicateRate: 0.3,
				reorderRate: 0.3,
				reorderDelayMs: 80,
				delaysMs: { sent: 5, delivered: 15, read: 30, failed: 10 },
				shares: { delivered: 0.9, read: 0.6 },
			},
		});
		const built = gatewayApp(ctx.db, { env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: 'sandbox-token', GRAPH_BASE_URL: sb.url }) });
		router = built.router;
		server = http.createServer(built.app);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
		const patched = await call(sb.url, 'PATCH', '/_sandbox/config', { body: { webhook: { callbackUrl } } });
		expect(patched.status).toBe(200);
	});

	afterAll(async () => {
		await router.gateway.close();
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
		await sb.running.close();
	});

	test("Meta's handshake against the gateway passes", async () => {
		const r = await call(sb.url, 'POST', '/_sandbox/inject/verify', { body: {} });
		expect(r.body).toMatchObject({ ok: true, status: 200 });
	});

	test('a broadcast with duplicates and reorders ends as exactly one status row each; STOP half-way stops that citizen', async () => {
		const phones = Array.from({ length: 40 }, (_, i) => `+9198765300${String(i).padStart(2, '0')}`);
		const { broadcastId, deliveryIds, subscriberIds } = await seedBroadcast(
			ctx.db,
			phones.map((phone) => ({ phone })),
			`sbx${ctx.t.engine}`,
			phones.map(() => null),
		);
		const stopper = phones[30];
		const skipped: string[] = [];
		for (let i = 0; i < phones.length; i++) {
			if (i === 10) {
				// The citizen writes STOP while the broadcast is running.
				const inj = await call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { from: stopper, text: 'STOP' } });
				expect(inj.status).toBe(200);
				const end = Date.now() + 10_000;
				while (
					(await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [stopper]))[0].status !== 'opted_out'
				) {
					if (Date.now() > end) throw new Error('STOP was not applied');
					await new Promise((r) => setTimeout(r, 10));
				}
			}
			// What the broadcast sender does per recipient: send only to active citizens, store the wamid.
			const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE id = $1', [subscriberIds[i]]);
			if (s.status !== 'active') {
				skipped.push(phones[i]);
				await ctx.db.query(`UPDATE deliveries SET state = 'skipped' WHERE id = $1`, [deliveryIds[i]]);
				continue;
			}
			const r = await sendTemplate(sb.url, phones[i]);
			expect(r.status).toBe(200);
			await ctx.db.query(`UPDATE deliveries SET wamid = $2, state = 'sent' WHERE id = $1 AND wamid IS NULL`, [
				deliveryIds[i],
				r.body.messages[0].id,
			]);
		}
		expect(skipped).toEqual([stopper]);

		const drained = await call(sb.url, 'POST', '/_sandbox/webhooks/drain?timeoutMs=20000');
		expect(drained.status).toBe(200);
		await router.gateway.idle();
		await router.gateway.writer.linkOrphans();
		const hooks = (await call(sb.url, 'GET', '/_sandbox/webhooks')).body;
		expect(hooks.failed).toBe(0);
		expect(hooks.duplicated).toBeGreaterThan(0);
		expect(hooks.reordered).toBeGreaterThan(0);

		// Every (wamid, status) the sandbox emitted, from its own record of each message.
		const msgs = (await call(sb.url, 'GET', '/_sandbox/whatsapp/messages?limit=1000&template=daily_awareness')).body.data as {
			wamid: string;
			statuses: { status: string }[];
		}[];
		expect(msgs.length).toBe(39);
		// ('accepted' is the sandbox's own record of the API answer, not a webhook.)
		const hooked = (m: (typeof msgs)[number]) => m.statuses.map((s) => s.status).filter((st) => st !== 'accepted');
		const expected = msgs.flatMap((m) => hooked(m).map((st) => `${m.wamid}|${st}`)).sort();
		const rows = await ctx.db.query<{ k: string }>(
			`SELECT wamid || '|' || status AS k FROM status_events WHERE wamid = ANY($1::text[]) ORDER BY 1`,
			[msgs.map((m) => m.wamid)],
		);
		expect(rows.map((r) => r.k)).toEqual(expected);

		// Deliveries reached the furthest status the sandbox reported; the two drop classes hit the roster.
		const ds = await ctx.db.query<{ wamid: string; state: string }>(
			'SELECT wamid, state FROM deliveries WHERE id = ANY($1::bigint[]) AND wamid IS NOT NULL',
			[deliveryIds],
		);
		const rank = ['sent', 'failed', 'delivered', 'read'];
		for (const d of ds) {
			const m = msgs.find((x) => x.wamid === d.wamid)!;
			const best = hooked(m).sort((a, b) => rank.indexOf(b) - rank.indexOf(a))[0];
			expect(`${d.wamid}:${d.state}`).toBe(`${d.wamid}:${best}`);
		}
		const subs = await ctx.db.query<{ phone: string; status: string }>(
			`SELECT phone, status FROM subscribers WHERE phone = ANY($1::text[]) AND status <> 'active' ORDER BY phone`,
			[phones],
		);
		expect(subs).toEqual([
			{ phone: '+919876530013', status: 'invalid' },
			{ phone: '+919876530017', status: 'opted_out' },
			{ phone: stopper, status: 'opted_out' },
		]);

		// The bilingual confirmation went out through the Cloud API after the opt-out.
		const toStopper = (await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?to=${encodeURIComponent(stopper)}`)).body.data as {
			type: string;
			text: string;
		}[];
		expect(toStopper.some((m) => m.type === 'text' && /पुलिस मितान/.test(m.text) && /Send START/.test(m.text))).toBe(true);

		// Spend from the pricing the sandbox put in its webhooks: every marketing template it
		// reported delivered (or read) is charged once, at India's ₹0.8631 of 2026 (written here).
		await refreshRollups(ctx.db, { mode: 'full' });
		const charged = msgs.filter((m) => hooked(m).some((st) => st === 'delivered' || st === 'read')).length;
		expect(charged).toBeGreaterThan(20);
		expect(await spendOfBroadcast(ctx.db, broadcastId)).toEqual({
			spend_inr: Math.round(charged * 86.31) / 100,
			billable_messages: charged,
			free_messages: 0,
			unpriced_messages: 0,
		});
	});

	test('phone_number_quality_update from the sandbox updates the number the next broadcast reads', async () => {
		// The number as the sender stores it before a broadcast (GET /{phone-number-id}).
		const client = createWhatsAppClient({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, baseUrl: sb.url });
		await saveNumberLimits(ctx.db, { phoneNumberId: PHONE_ID, districtId: 1, limits: await client.getNumberLimits() });
		client.close();
		expect(await findNumber(ctx.db, PHONE_ID)).toMatchObject({ tier: 'TIER_250', throughputPerSecond: 80, source: 'graph' });
		const inj = await call(sb.url, 'POST', '/_sandbox/inject/phone-quality', { body: { messagingTier: 'TIER_10K' } });
		expect(inj.body).toMatchObject({ webhook: true, event: 'UPGRADE' });
		await until(async () => (await findNumber(ctx.db, PHONE_ID))?.tier === 'TIER_10K', { what: 'the stored tier update' });
		expect(await findNumber(ctx.db, PHONE_ID)).toMatchObject({ tier: 'TIER_10K', source: 'webhook', lastEvent: 'UPGRADE' });
		// Then Meta's upgrade of the throughput, as its own event.
		const up = await call(sb.url, 'POST', '/_sandbox/inject/phone-quality', { body: { throughputPerSecond: 1000 } });
		expect(up.body.event).toBe('THROUGHPUT_UPGRADE');
		await until(async () => (await findNumber(ctx.db, PHONE_ID))?.lastEvent === 'THROUGHPUT_UPGRADE', {
			what: 'the stored throughput upgrade',
		});
		expect(await findNumber(ctx.db, PHONE_ID)).toMatchObject({ tier: 'TIER_10K', throughputLevel: 'HIGH', throughputPerSecond: 1000 });
	});
});
