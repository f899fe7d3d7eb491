/**
 * A template Meta's review REJECTS, end to end over real sockets: the sandbox's own review (its
 * default delay) decides, its signed status webhook reaches the gateway, which stores REJECTED with
 * Meta's reason and alerts staff at once; the broadcast of that content is refused. The text is
 * an awareness message about a fake "discount offer", filed as UTILITY (as a hand-made template in
 * WhatsApp Manager might be): promotional wording in a UTILITY template is INCORRECT_CATEGORY.
 * (The product's own submission files MARKETING and checks everything else review looks at
 * before sending, so review cannot reject it on the sandbox's rules: tests/templates/builder.test.ts.)
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { createBroadcast } from '../../core/broadcast';
import { addStaff } from '../../core/staff';
import { awarenessTemplates, AWARENESS_LANGUAGES } from '../../core/channels/whatsapp/awareness-template';
import { createTemplateApi } from '../../core/channels/whatsapp/template-api';
import { recordSubmitted, templatesOfContent, upsertPlanned } from '../../core/templates/repository';
import type { GatewayRouter } from '../../dashboard/gateway';
import { TEMPLATES } from '../broadcast/helpers';
import { AlertRecorder, gatewayApp, gatewayEnv } from '../gateway/helpers';
import { describeEachEngine } from '../helpers/db';
import { APP_ID, WABA_ID } from '../helpers/templates';
import { until } from '../helpers/wait';
import { PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';
import { approvedContent } from '../workflows/helpers';

// The district's cyber cell in the staff registry hears of it; the duty officer does not.
const STAFF_PHONE = '+919811100019';
const DUTY_OFFICER = '+919811100029';

describeEachEngine('a template rejected by the sandbox’s own review', (ctx) => {
	let sb: Started;
	let server: http.Server;
	let router: GatewayRouter;
	const alerts = new AlertRecorder();

	beforeAll(async () => {
		await addStaff(ctx.db, { phone: STAFF_PHONE, name: 'Cyber cell officer', duty: 'cyber_cell' }, { actor: 'test' });
		await addStaff(ctx.db, { phone: DUTY_OFFICER, name: 'Duty officer', duty: 'duty_officer' }, { actor: 'test' });
		const built = gatewayApp(ctx.db, {
			env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: WA_TOKEN, WHATSAPP_WABA_ID: WABA_ID }),
			gateway: { senderFor: () => alerts, staffAlerts: { template: 'mitan_alert' } },
		});
		router = built.router;
		server = http.createServer(built.app);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
		// Review at the sandbox's own default delay (3 s; the test helper's is 10 ms).
		sb = await startSandbox({ webhook: { callbackUrl }, whatsapp: { templateReviewMs: 3_000 } }, { templates: [] });
	});
	afterAll(async () => {
		await router.gateway.close();
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
		await sb.running.close();
	});

	test('promotional text filed as UTILITY: REJECTED INCORRECT_CATEGORY comes back by webhook, staff are alerted at once, no broadcast', async () => {
		const c = await approvedContent(ctx.db, {
			targetDate: '2031-05-01',
			bodyHi: 'सेना के नाम पर "भारी छूट" वाले ऑफर के कॉल ठगी हैं। पैसे न भेजें, 1930 पर बताएँ।',
			bodyEn: 'Calls offering an "army discount" are fraud. Do not send money; report it on 1930.',
		});
		const set = awarenessTemplates(c);
		const api = createTemplateApi({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, wabaId: WABA_ID, appId: APP_ID, baseUrl: sb.url });
		try {
			for (const lang of AWARENESS_LANGUAGES) {
				const payload = { ...set.payloads[lang], category: 'UTILITY' as const };
				const row = await upsertPlanned(ctx.db, {
					districtId: 1,
					contentId: c.id,
					language: lang,
					name: set.name,
					payload,
					setHash: set.hash,
				});
				const a = await api.create(payload as unknown as typeof set.payloads.hi);
				expect(a.status).toBe('PENDING');
				await recordSubmitted(ctx.db, row.id, { metaId: a.id, status: a.status, category: a.category });
			}
		} finally {
			api.close();
		}
		const rows = await until(
			async () => {
				const r = await templatesOfContent(ctx.db, c.id);
				return r.length === 2 && r.every((t) => t.status === 'REJECTED') ? r : undefined;
			},
			{ what: 'both templates REJECTED by review', timeoutMs: 30_000 },
		);
		expect(rows.map((r) => r.reason)).toEqual(['INCORRECT_CATEGORY', 'INCORRECT_CATEGORY']);
		await router.gateway.idle();
		// At once: the alert left with the webhook that carried the verdict, with Meta's reason.
		const told = alerts.sent.filter((a) => a.to === STAFF_PHONE);
		expect(told.length).toBeGreaterThanOrEqual(1);
		expect(alerts.sent.filter((a) => a.to === DUTY_OFFICER)).toEqual([]);
		const text = told.map((a) => (a.template.bodyParams ?? []).join(' ')).join('\n');
		expect(text).toContain('INCORRECT_CATEGORY');
		expect(text).toContain(`#${c.id}`);
		await expect(createBroadcast(ctx.db, { contentId: c.id, templates: TEMPLATES, date: '2031-05-01' })).rejects.toMatchObject({
			code: 'TEMPLATE_NOT_APPROVED',
		});
	}, 60_000);
});
