import * as http from 'http';
import type { AddressInfo } from 'net';
import { decide, newNonce, requestApproval } from '../../core/approvals';
import { createBroadcast, runSender, startBroadcast } from '../../core/broadcast';
import { awarenessTemplates, AWARENESS_LANGUAGES } from '../../core/channels/whatsapp/awareness-template';
import { createTemplateApi, type TemplateApi } from '../../core/channels/whatsapp/template-api';
import { Authoring, ContentService } from '../../core/content';
import { contentCalendar } from '../../core/content/calendar';
import { recordSubmitted, templatesOfContent, upsertPlanned } from '../../core/templates/repository';
import { submitAwarenessTemplates } from '../../core/templates/submit';
import { addDays } from '../../core/time';
import type { GatewayRouter } from '../../dashboard/gateway';
import { seedRoster, TEMPLATES, waClient } from '../broadcast/helpers';
import { AlertRecorder, gatewayApp, gatewayEnv, WABA_ID } from '../gateway/helpers';
import { describeEachEngine } from '../helpers/db';
import { APP_ID } from '../helpers/templates';
import { until } from '../helpers/wait';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';
import { approvedContent, districtToday, STAFF } from '../workflows/helpers';

const STAFF_PHONE = '+919811100009';

/**
 * A template Meta's review rejects, fixed the product's way: the officer edits the draft (the
 * approval is void), the Additional SP approves the new text, and the submission makes a new
 * template (the name carries the text's hash), which the sandbox's own review approves; its
 * signed webhook reaches the gateway on a real socket, and the day's broadcast sends it. The first
 * filing is a hand-made one as in review-rejected.test.ts (a "discount" text filed as UTILITY):
 * the product's own submission passes the sandbox's review by construction.
 */
describeEachEngine('a rejected template fixed and submitted again (the sandbox’s review, over real sockets)', (ctx) => {
	let sb: Started;
	let server: http.Server;
	let router: GatewayRouter;
	let api: TemplateApi;
	const alerts = new AlertRecorder();

	beforeAll(async () => {
		const built = gatewayApp(ctx.db, {
			env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: WA_TOKEN, WHATSAPP_WABA_ID: WABA_ID }),
			gateway: { senderFor: () => alerts, staffAlerts: { phones: [STAFF_PHONE], template: 'mitan_staff_alert' } },
		});
		router = built.router;
		server = http.createServer(built.app);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
		sb = await startSandbox({ webhook: { callbackUrl } }, { templates: [] });
		api = createTemplateApi({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, wabaId: WABA_ID, appId: APP_ID, baseUrl: sb.url });
		await seedRoster(ctx.db, 6);
	});
	afterAll(async () => {
		api.close();
		await router.gateway.close();
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
		await sb.running.close();
	});

	const statusOf = async (contentId: number) =>
		Object.fromEntries((await templatesOfContent(ctx.db, contentId)).map((r) => [r.language, r.status]));
	const atMeta = async (name: string) =>
		((await call(sb.url, 'GET', `/_sandbox/whatsapp/templates?name=${name}`)).body.data as { id: string; status: string }[]).map(
			(x) => x.status,
		);

	/** The Additional SP approves the content as it now stands (request, then the decision). */
	async function approveAgain(contentId: number): Promise<void> {
		const c = await new ContentService(ctx.db).get(contentId);
		const nonce = newNonce();
		const link = (d: string) => `http://127.0.0.1:1/webhook-waiting/x/y?decision=${d}&nonce=${nonce}&signature=test`;
		await requestApproval(ctx.db, {
			contentId,
			approverPhone: STAFF.approver,
			nonce,
			links: { approve: link('approve'), reject: link('reject'), changes: link('changes'), settle: link('settle') },
			actor: 'test',
		});
		await decide(ctx.db, {
			nonce,
			decision: 'approved',
			actor: 'approver:Addl SP',
			seenHash: c.contentHash,
			via: 'link',
			resumedNow: true,
		});
	}

	test('REJECTED → the draft edited → approved again → submitted again: a new template, APPROVED by review, and the broadcast sends it', async () => {
		const day = addDays(districtToday(), 2);
		const c = await approvedContent(ctx.db, {
			targetDate: day,
			title: 'resubmit-template',
			bodyHi: 'सेना के नाम पर "भारी छूट" वाले ऑफर के कॉल ठगी हैं। पैसे न भेजें, 1930 पर बताएँ।',
			bodyEn: 'Calls offering an "army discount" are fraud. Do not send money; report it on 1930.',
		});
		const first = awarenessTemplates(c);
		for (const lang of AWARENESS_LANGUAGES) {
			const payload = { ...first.payloads[lang], category: 'UTILITY' as const };
			const row = await upsertPlanned(ctx.db, {
				districtId: 1,
				contentId: c.id,
				language: lang,
				name: first.name,
				payload,
				setHash: first.hash,
			});
			const a = await api.create(payload as unknown as typeof first.payloads.hi);
			await recordSubmitted(ctx.db, row.id, { metaId: a.id, status: a.status, category: a.category });
		}
		await until(async () => Object.values(await statusOf(c.id)).join() === 'REJECTED,REJECTED', { what: 'both REJECTED by review' });
		await router.gateway.idle();
		expect(alerts.sent.filter((x) => x.to === STAFF_PHONE).map((x) => (x.template.bodyParams ?? []).join(' '))).toEqual([
			expect.stringContaining('INCORRECT_CATEGORY'),
			expect.stringContaining('INCORRECT_CATEGORY'),
		]);
		await expect(createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: day })).rejects.toMatchObject({
			code: 'TEMPLATE_NOT_APPROVED',
		});
		// The same approved text again: nothing is sent (Meta would refuse it again).
		const same = await submitAwarenessTemplates(ctx.db, api, c.id, 'test');
		expect(same.templates.map((x) => [x.language, x.status, x.created])).toEqual([
			['hi', 'REJECTED', false],
			['en', 'REJECTED', false],
		]);

		// The officer drops the offer wording; the edit voids the approval (back to draft) until the Additional SP approves again.
		const edited = await new Authoring(ctx.db, 1).update(
			c.id,
			{
				title: c.title,
				bodyHi: 'सेना अधिकारी बनकर आने वाले कॉल ठगी हैं। पैसे न भेजें, 1930 पर बताएँ।',
				bodyEn: 'Calls from people posing as army officers are fraud. Do not send money; report it on 1930.',
				imageUrl: c.imageUrl,
				category: c.category,
				targetDate: c.targetDate,
				variants: c.variants,
				channels: c.channels,
			},
			'user:cybercell',
		);
		expect(edited.state).toBe('draft');
		await expect(submitAwarenessTemplates(ctx.db, api, c.id, 'test')).rejects.toMatchObject({ code: 'CONTENT_NOT_APPROVED' });
		await approveAgain(c.id);

		// Submitted again: a new template under a new name (the text's hash), created at Meta.
		const again = await submitAwarenessTemplates(ctx.db, api, c.id, 'test');
		expect(again.name).not.toBe(first.name);
		expect(again.templates.map((x) => [x.language, x.created])).toEqual([
			['hi', true],
			['en', true],
		]);
		await until(async () => Object.values(await statusOf(c.id)).join() === 'APPROVED,APPROVED', { what: 'both APPROVED by review' });
		expect(await atMeta(first.name)).toEqual(['REJECTED', 'REJECTED']);
		expect(await atMeta(again.name)).toEqual(['APPROVED', 'APPROVED']);
		const entry = (await contentCalendar(ctx.db, 1)).days.find((d) => d.day === day)!.channels.whatsapp.find((e) => e.contentId === c.id)!;
		expect(entry).toMatchObject({ state: 'approved', reason: null });
		expect(entry.templates.map((x) => [x.name, x.status])).toEqual([
			[again.name, 'APPROVED'],
			[again.name, 'APPROVED'],
		]);

		// The day's broadcast sends the new template to every citizen, once.
		const { broadcast } = await createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: day });
		expect(broadcast.templates.hi).toMatchObject({ name: again.name });
		await startBroadcast(ctx.db, broadcast.id);
		const client = waClient(sb.url);
		try {
			expect((await runSender(ctx.db, client, broadcast.id)).outcome).toBe('completed');
		} finally {
			client.close();
		}
		const sent = (await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?template=${again.name}&limit=100`)).body.data as {
			waId: string;
		}[];
		expect(new Set(sent.map((m) => m.waId)).size).toBe(6);
		expect(sent).toHaveLength(6);
	}, 60_000);
});
