/**
 * The day's message through Meta's template lifecycle, over real HTTP: the approved content is
 * submitted to the sandbox's POST /{WABA}/message_templates, reviewed there, and its signed
 * status webhooks reach the gateway on a real socket; Meta's later decisions are played through
 * the sandbox's inspection API. Both engines. An established number (TIER_2K): 120 citizens a run.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { broadcastStatus, createBroadcast, runSender, startBroadcast } from '../../core/broadcast';
import { createTemplateApi, type TemplateApi } from '../../core/channels/whatsapp/template-api';
import { submitAwarenessTemplates } from '../../core/templates/submit';
import { templatesOfContent } from '../../core/templates/repository';
import type { GatewayRouter } from '../../dashboard/gateway';
import { describeEachEngine } from '../helpers/db';
import { APP_ID, storedPoster, WABA_ID } from '../helpers/templates';
import { until } from '../helpers/wait';
import { call, PHONE_ID, WA_TOKEN } from '../sandbox/helpers';
import { approvedContent } from '../workflows/helpers';
import { gatewayApp, gatewayEnv } from '../gateway/helpers';
import { acceptedByRecipient, deliveryCounts, seedRoster, startWaSandbox, TEMPLATES, waClient } from '../broadcast/helpers';
import type { Started } from '../sandbox/helpers';

const N = 120;
const RATE = 20;

describeEachEngine('awareness templates against the sandbox (established number, TIER_2K)', (ctx) => {
	let sb: Started;
	let server: http.Server;
	let router: GatewayRouter;
	let api: TemplateApi;

	beforeAll(async () => {
		sb = await startWaSandbox(RATE, 'TIER_2K');
		const built = gatewayApp(ctx.db, {
			env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: WA_TOKEN, GRAPH_BASE_URL: sb.url, WHATSAPP_WABA_ID: WABA_ID }),
		});
		router = built.router;
		server = http.createServer(built.app);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
		expect((await call(sb.url, 'PATCH', '/_sandbox/config', { body: { webhook: { callbackUrl } } })).status).toBe(200);
		api = createTemplateApi({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, wabaId: WABA_ID, appId: APP_ID, baseUrl: sb.url });
		await seedRoster(ctx.db, N);
	});
	afterAll(async () => {
		api.close();
		await router.gateway.close();
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
		await sb.running.close();
	});

	const drained = () => call(sb.url, 'POST', '/_sandbox/webhooks/drain?timeoutMs=10000');
	const templateStatus = async (contentId: number) =>
		Object.fromEntries((await templatesOfContent(ctx.db, contentId)).map((r) => [r.language, r.status]));

	/** An approved content submitted to Meta and approved by its review, as the webhooks report it. */
	async function approvedAtMeta(date: string, over: Record<string, unknown> = {}) {
		const c = await approvedContent(ctx.db, { targetDate: date, ...over });
		const r = await submitAwarenessTemplates(ctx.db, api, c.id, 'test');
		expect(r.templates.map((t) => [t.language, t.status, t.created])).toEqual([
			['hi', 'PENDING', true],
			['en', 'PENDING', true],
		]);
		await until(
			async () => {
				const s = await templateStatus(c.id);
				return s.hi === 'APPROVED' && s.en === 'APPROVED';
			},
			{ what: 'APPROVED from the review webhooks' },
		);
		// Submitting again finds them at Meta and creates nothing.
		const again = await submitAwarenessTemplates(ctx.db, api, c.id, 'test');
		expect(again.templates.every((t) => !t.created && t.status === 'APPROVED')).toBe(true);
		return { c, metaIds: Object.fromEntries(r.templates.map((t) => [t.language, t.metaId!])) as Record<'hi' | 'en', string> };
	}

	async function sendUntil(broadcastId: number, sentAtLeast: number) {
		await startBroadcast(ctx.db, broadcastId);
		const client = waClient(sb.url);
		// Wrapped: an async function returning the run's promise would wait for the whole run.
		const run = { done: runSender(ctx.db, client, broadcastId).finally(() => client.close()) };
		// Sent counts whatever its status webhooks made of it since (delivered, read): they arrive
		// within milliseconds, so "sent" alone can stay below the mark for the whole run.
		await until(
			async () => {
				const n = await deliveryCounts(ctx.db, broadcastId);
				return (n.sent ?? 0) + (n.delivered ?? 0) + (n.read ?? 0) >= sentAtLeast;
			},
			{ what: `${sentAtLeast} sent` },
		).catch(async (e) => {
			const errs = await ctx.db.query(
				`SELECT state, error_code, error_class, count(*) FROM deliveries WHERE broadcast_id = $1 GROUP BY 1, 2, 3`,
				[broadcastId],
			);
			throw new Error(`${(e as Error).message}: ${JSON.stringify(errs)} ${JSON.stringify(await broadcastStatus(ctx.db, broadcastId))}`);
		});
		return run;
	}

	const pausedForTemplate = (id: number) =>
		until(
			async () => {
				const p = await broadcastStatus(ctx.db, id);
				return p.status === 'paused' && p.stopCode === 'template_paused' ? p : undefined;
			},
			{ what: 'the broadcast paused for its template' },
		);

	const meta = (id: string, what: 'status' | 'quality', body: object) =>
		call(sb.url, 'POST', `/_sandbox/whatsapp/templates/${id}/${what}`, { body });

	test('PAUSED mid-broadcast: the broadcast pauses with the reason, rows wait; REINSTATED resumes it and every citizen gets it once', async () => {
		await call(sb.url, 'POST', '/_sandbox/reset');
		// The poster as the Content page stores it: the submit uploads those bytes to Meta first.
		const poster = await storedPoster(ctx.db);
		const { c, metaIds } = await approvedAtMeta('2031-04-01', { imageUrl: poster });
		const { broadcast } = await createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-04-01' });
		expect(broadcast.templates.hi).toMatchObject({
			name: expect.stringMatching(/^mitan_c\d+_/),
			headerImageUrl: poster,
		});
		const run = (await sendUntil(broadcast.id, 10)).done;
		expect((await meta(metaIds.hi, 'status', { event: 'PAUSED' })).status).toBe(200);
		// The sender meets the pause either by its heartbeat (the webhook came first) or by Meta's
		// 132015 answer (it stops); either way the webhook leaves the broadcast paused for the template.
		expect(['paused', 'stopped']).toContain((await run).outcome);
		const paused = await pausedForTemplate(broadcast.id);
		expect(paused).toMatchObject({ status: 'paused', stopCode: 'template_paused', failed: 0, skipped: 0 });
		expect(paused.stopReason).toMatch(/\(hi\) PAUSED/);
		expect(paused.pending).toBeGreaterThan(0);
		expect(paused.sent + paused.pending + paused.inDoubt).toBe(N);
		expect((await meta(metaIds.hi, 'status', { event: 'REINSTATED' })).status).toBe(200);
		await until(async () => (await broadcastStatus(ctx.db, broadcast.id)).status === 'completed', {
			what: 'the resumed broadcast to finish',
		});
		await router.gateway.idle();
		const done = await broadcastStatus(ctx.db, broadcast.id);
		expect(done).toMatchObject({ sent: N, failed: 0, pending: 0, inDoubt: 0 });
		const got = await acceptedByRecipient(sb.url);
		expect(got.size).toBe(N);
		expect([...got.values()].every((n) => n === 1)).toBe(true);
		await drained();
	});

	test('quality RED mid-broadcast pauses it; quality back alone does not resume a paused template; REINSTATED does', async () => {
		await call(sb.url, 'POST', '/_sandbox/reset');
		const { c, metaIds } = await approvedAtMeta('2031-04-02');
		const { broadcast } = await createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-04-02' });
		const run = (await sendUntil(broadcast.id, 10)).done;
		expect((await meta(metaIds.en, 'quality', { score: 'RED' })).status).toBe(200);
		expect(['paused', 'stopped']).toContain((await run).outcome);
		const p = await pausedForTemplate(broadcast.id);
		expect(p).toMatchObject({ status: 'paused', stopCode: 'template_paused', failed: 0 });
		expect(p.pending).toBeGreaterThan(0);
		await meta(metaIds.en, 'quality', { score: 'GREEN' });
		await drained();
		await router.gateway.idle();
		// Meta paused the template at RED: a better score does not unpause it.
		expect((await broadcastStatus(ctx.db, broadcast.id)).status).toBe('paused');
		await meta(metaIds.en, 'status', { event: 'REINSTATED' });
		await until(async () => (await broadcastStatus(ctx.db, broadcast.id)).status === 'completed', {
			what: 'the resumed broadcast to finish',
		});
		const got = await acceptedByRecipient(sb.url);
		expect(got.size).toBe(N);
		expect([...got.values()].every((n) => n === 1)).toBe(true);
	});

	test('a content whose template was disabled is not broadcast; a text changed after approval is not submitted', async () => {
		const { c, metaIds } = await approvedAtMeta('2031-04-03');
		await meta(metaIds.en, 'status', { event: 'DISABLED' });
		await until(async () => (await templateStatus(c.id)).en === 'DISABLED', { what: 'DISABLED from the webhook' });
		await expect(createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-04-03' })).rejects.toMatchObject({
			code: 'TEMPLATE_NOT_APPROVED',
			message: expect.stringMatching(/en: DISABLED/),
		});
		const d = await approvedContent(ctx.db, { targetDate: '2031-04-04' });
		await ctx.db.query(`UPDATE content SET body_en = body_en || ' Visit now!' WHERE id = $1`, [d.id]);
		await expect(submitAwarenessTemplates(ctx.db, api, d.id)).rejects.toMatchObject({ code: 'APPROVAL_VOID' });
		expect(await templatesOfContent(ctx.db, d.id)).toEqual([]);
	});
});
