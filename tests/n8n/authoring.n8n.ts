/**
 * Issue 15's "done means", end to end in a real browser (Debian's chromium) on the EXPORTED
 * workflows in a real n8n 2.x: a new editor logs in to the dashboard, writes tomorrow's message in
 * Hindi and English with an image, sees the four previews and sends it for approval (the
 * dashboard calls the content-approval workflow's webhook). The Additional SP receives the request
 * as the utility template with the signed link as its URL button (nothing free-form: she has not
 * written to the number, and the 24-hour window is enforced), opens the link in the browser and
 * approves. The workflow sends the approved text to the sandbox as one message template per
 * language (the header image uploaded first, as Meta requires); the sandbox's own review
 * (its default delay) approves them and says so by the signed status webhook to the gateway. Then
 * the cyber cell runs the 10:00 daily-broadcast workflow by hand through n8n's manual execution
 * (what "Execute workflow" in the editor calls), with the workflow's Date field set to the day the
 * message is for: every citizen gets it exactly once, and it is posted to Facebook, Instagram and X.
 * Screenshots: test-output/screenshots/authoring-*.png.
 */
import * as http from 'http';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { hashPassword, insertUser } from '../../core/auth';
import { addDays, todayIn } from '../../core/time';
import { createApp } from '../../dashboard/app';
import { freePort, waitFor } from '../../scripts/n8n/run';
import { collectErrors, launchChromium, loginAs, SCREENSHOTS } from '../helpers/browser';
import { readWorkflow } from '../helpers/n8n';
import { call } from '../sandbox/helpers';
import { alertText, sandboxMessages, seedCitizens, STAFF } from '../workflows/helpers';
import { PASSWORD } from '../dashboard/seed';
import { APPROVAL_HOOK_TOKEN, executions, startStack, type Stack } from './fixture';
import { ERROR_WORKFLOW_ID } from './workflows';

const IDS = { approval: 'MitanApproval001', broadcast: 'MitanBroadcast01', form: 'MitanDraftForm01' };
/** The exported form's trigger id: its production URL is /form/<this>. */
const FORM_ID = '6c1f4a52-3b7e-4d7a-9d0e-5e2f0c1a9b01';
const CITIZENS = 30;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `authoring-${name}.png`), fullPage: true });

type TemplateRow = { language: string; name: string; status: string; meta_id: string | null };

describe('real n8n + chromium: a new editor writes tomorrow’s message; it is approved, reviewed by Meta and broadcast', () => {
	let s: Stack;
	let dashboard: http.Server;
	let base: string;
	let browser: Browser;
	let context: BrowserContext;

	beforeAll(async () => {
		s = await startStack({
			gateway: true,
			keepSuccessfulExecutions: true,
			// The sandbox's own review delay (its default, a few seconds), not the fixture's 10 ms.
			sandbox: { whatsapp: { templateReviewMs: 3_000 } },
			workflows: [
				readWorkflow('workflows/error-alert.json'),
				readWorkflow('workflows/content-approval.json'),
				readWorkflow('workflows/daily-broadcast.json'),
				readWorkflow('workflows/content-draft-form.json'),
			],
			publish: [ERROR_WORKFLOW_ID, IDS.approval, IDS.broadcast, IDS.form],
		});
		await insertUser(s.db, {
			username: 'cybercell',
			passwordHash: await hashPassword(PASSWORD),
			role: 'editor',
			districtId: 1,
			language: 'hi',
		});
		// The dashboard as `npm start` runs it: its public URL is where the sandbox fetches the image
		// (Facebook, Instagram, the template header), so the port is chosen before the app is built.
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		const app = createApp({
			db: s.db,
			publicUrl: base,
			env: {
				MITAN_APPROVAL_WEBHOOK_URL: `${s.n8n.baseUrl}/webhook/mitan-draft-submitted`,
				MITAN_APPROVAL_WEBHOOK_TOKEN: APPROVAL_HOOK_TOKEN,
			},
		});
		dashboard = http.createServer(app);
		await new Promise<void>((resolve) => dashboard.listen(port, '127.0.0.1', resolve));
		browser = await launchChromium();
		context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	}, 300_000);

	afterAll(async () => {
		await browser?.close();
		dashboard?.closeAllConnections();
		await new Promise((resolve) => (dashboard ? dashboard.close(resolve) : resolve(undefined)));
		await s?.close();
	});

	afterEach(() => {
		const state = expect.getState();
		if (state.assertionCalls !== state.numPassingAsserts) console.log(s.n8n.logs(150));
	});

	test('write → four previews → approval by template link → Meta review APPROVED → 10:00 run by hand → every citizen once + three posts', async () => {
		const phones = await seedCitizens(s.db, CITIZENS);

		// 1. The editor writes tomorrow's message, with an image, and sees the four previews.
		const editor = await context.newPage();
		const editorErrors = collectErrors(editor);
		await loginAs(editor, base, 'cybercell', PASSWORD);
		await shot(editor, '1-logged-in');
		const tomorrow = addDays(todayIn('Asia/Kolkata'), 1);
		await editor.goto(`${base}/content/new`);
		await editor.fill('input[name=title]', 'वीडियो कॉल ठगी / Video-call scam');
		await editor.fill(
			'textarea[name=bodyHi]',
			'कोई अनजान वीडियो कॉल पर आपको डराए या पैसे माँगे तो कॉल काट दें। पुलिस कभी वीडियो कॉल पर गिरफ़्तारी नहीं करती। ठगी हो तो तुरंत 1930 पर बताएँ।',
		);
		await editor.fill(
			'textarea[name=bodyEn]',
			'If a stranger on a video call threatens you or asks for money, hang up. Police never arrest anyone on a video call. If you were cheated, call 1930 at once.',
		);
		await editor.fill('input[name=targetDate]', tomorrow);
		await editor.fill('textarea[name="variants.x.text"]', 'पुलिस वीडियो कॉल पर गिरफ़्तारी नहीं करती। Hang up and call 1930 if cheated.');
		const poster = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#8f1a1a' } })
			.png()
			.toBuffer();
		await editor.setInputFiles('input[name=image]', { name: 'poster.png', mimeType: 'image/png', buffer: poster });
		await editor.waitForSelector('[data-preview=instagram] .ig-frame img');
		expect(await editor.locator('[data-preview]').evaluateAll((els) => els.map((e) => e.getAttribute('data-preview')))).toEqual([
			'whatsapp',
			'facebook',
			'instagram',
			'x',
		]);
		expect(await editor.locator('[data-preview=whatsapp] .wa-bubble').first().locator('img.wa-header').count()).toBe(1);
		expect(await editor.locator('[data-preview=facebook] img').count()).toBeGreaterThan(0);
		await shot(editor, '2-editor-four-previews');

		// 2. Save, then send for approval: the dashboard starts the exported content-approval workflow.
		await editor.click('#save');
		await editor.waitForURL(/\/content\/\d+$/);
		const contentId = Number(new URL(editor.url()).pathname.split('/').pop());
		await editor.waitForSelector('#content-state[data-state=draft]');
		await editor.click('#submit-approval');
		await editor.waitForSelector('#content-state[data-state=pending]');
		await shot(editor, '3-sent-for-approval');
		const [draft] = await s.db.query<{ image_url: string; content_hash: string; target_date: string }>(
			`SELECT image_url, content_hash, to_char(target_date, 'YYYY-MM-DD') AS target_date FROM content WHERE id = $1`,
			[contentId],
		);
		expect(draft.target_date).toBe(tomorrow);
		expect(draft.image_url.startsWith(`${base}/media/`)).toBe(true);

		// 3. The Additional SP gets the request as the utility template, the signed link its URL button.
		const request = await waitFor(
			async () =>
				(await sandboxMessages(s.sandboxUrl, STAFF.approver)).find((m) => m.type === 'template' && m.template === 'mitan_approval_request'),
			{
				timeoutMs: 60_000,
				describe: async () => `the approval request; approval runs: ${JSON.stringify(await executions(s, IDS.approval))}`,
			},
		);
		expect(request.status).not.toBe('failed');
		expect(request.urls).toHaveLength(1);
		const link = request.urls![0];
		expect(link.startsWith(`${s.n8n.publicUrl}/webhook-waiting/`)).toBe(true);
		// No free-form message reached her: outside the window it would have been refused (131047).
		expect((await sandboxMessages(s.sandboxUrl, STAFF.approver)).filter((m) => m.type === 'text')).toEqual([]);

		// 4. She opens the link on her phone and approves.
		const approver = await (await browser.newContext({ viewport: { width: 412, height: 915 }, isMobile: true })).newPage();
		await approver.goto(link);
		expect(await approver.content()).toContain(draft.content_hash);
		await approver.fill('#comment', 'ठीक है, कल सुबह भेजें');
		await shot(approver, '4-approver-link');
		await Promise.all([approver.waitForLoadState('load'), approver.click('button[type=submit]')]);
		await waitFor(
			async () =>
				(await s.db.query<{ state: string }>(`SELECT state FROM content WHERE id = $1`, [contentId]))[0].state === 'approved'
					? true
					: undefined,
			{
				describe: () => 'the content approved',
			},
		);
		await shot(approver, '5-approver-done');

		// 5. The approved text goes to Meta (the sandbox) as a template per language; review approves it
		// after its delay, and the status webhook reaches the gateway, which records APPROVED.
		const templates = await waitFor(
			async () => {
				const rows = await s.db.query<TemplateRow>(
					`SELECT language, name, status, meta_id FROM wa_templates WHERE content_id = $1 ORDER BY language`,
					[contentId],
				);
				return rows.length === 2 && rows.every((r) => r.status === 'APPROVED') ? rows : undefined;
			},
			{
				timeoutMs: 60_000,
				describe: async () =>
					`both templates APPROVED: ${JSON.stringify(await s.db.query(`SELECT language, status, reason FROM wa_templates WHERE content_id = $1`, [contentId]))}`,
			},
		);
		expect(templates.map((t) => t.language)).toEqual(['en', 'hi']);
		const atMeta = await call(s.sandboxUrl, 'GET', `/_sandbox/whatsapp/templates?name=${templates[0].name}`);
		const metaTemplates = atMeta.body.data as {
			language: string;
			status: string;
			category: string;
			components: { type: string; format?: string; example?: unknown }[];
		}[];
		expect(metaTemplates.map((t) => [t.language, t.status, t.category]).sort()).toEqual([
			['en', 'APPROVED', 'MARKETING'],
			['hi', 'APPROVED', 'MARKETING'],
		]);
		// The header image went through Meta's Resumable Upload API: the sample is the handle it issued.
		expect(metaTemplates[0].components.find((c) => c.type === 'HEADER')).toMatchObject({
			format: 'IMAGE',
			example: { header_handle: [expect.stringMatching(/^4::/)] },
		});
		await editor.goto(`${base}/content`);
		await editor.waitForSelector(`tr[data-day="${tomorrow}"] td[data-channel=whatsapp] .cal-entry`);
		await shot(editor, '6-calendar-approved');

		// 6. The 10:00 workflow, run by hand as the cyber cell would in n8n's editor: the Date field of
		// "Today's approved content" set to the message's day, then "Execute workflow" (n8n's manual
		// run from the 10:00 trigger). The trigger and every other node stay as exported.
		const wf = await s.n8n.rest('GET', `/workflows/${IDS.broadcast}`);
		const nodes = (wf.nodes as { name: string; parameters: Record<string, unknown> }[]).map((n) =>
			n.name === "Today's approved content" ? { ...n, parameters: { ...n.parameters, date: tomorrow } } : n,
		);
		await s.n8n.rest('PATCH', `/workflows/${IDS.broadcast}`, { nodes, versionId: wf.versionId });
		const run = await s.n8n.rest('POST', `/workflows/${IDS.broadcast}/run`, { triggerToStartFrom: { name: 'Every day 10:00' } });
		expect(run.executionId).toBeTruthy();
		// The exported workflow keeps no manual run (it holds citizens' data): its last node, the
		// summary to the cyber cell, says it finished.
		const summary = await waitFor(
			async () => (await sandboxMessages(s.sandboxUrl, STAFF.cyberCell)).map(alertText).find((t) => t.includes("Today's broadcast")),
			{
				timeoutMs: 180_000,
				describe: async () => `the broadcast summary; broadcasts: ${JSON.stringify(await s.db.query(`SELECT id, status FROM broadcasts`))}`,
			},
		);
		expect(summary).toContain(`sent ${CITIZENS} / ${CITIZENS}`);

		// Every citizen exactly once, with the content's own template in the citizen's language.
		const names = new Set(templates.map((t) => t.name));
		const toCitizens = (await sandboxMessages(s.sandboxUrl)).filter((m) => m.type === 'template' && names.has(m.template ?? ''));
		expect(toCitizens).toHaveLength(CITIZENS);
		expect(new Set(toCitizens.map((m) => `+${m.waId}`))).toEqual(new Set(phones));
		expect(toCitizens.every((m) => m.status !== 'failed')).toBe(true);
		const dup = await call(s.sandboxUrl, 'GET', '/_sandbox/whatsapp/duplicates');
		// (Staff alerts repeat one template by design: "approved", then the summary.)
		expect((dup.body.list as { template: string }[]).filter((d) => names.has(d.template))).toEqual([]);
		const [b] = await s.db.query<{ status: string; date: string }>(
			`SELECT status, to_char(broadcast_date, 'YYYY-MM-DD') AS date FROM broadcasts WHERE content_id = $1`,
			[contentId],
		);
		expect(b).toEqual({ status: 'completed', date: tomorrow });

		// One post each on Facebook, Instagram and X.
		const posts = (await call(s.sandboxUrl, 'GET', '/_sandbox/posts')).body as {
			facebook: unknown[];
			instagram: { media: unknown[] };
			x: unknown[];
		};
		expect([posts.facebook.length, posts.instagram.media.length, posts.x.length]).toEqual([1, 1, 1]);
		await editor.goto(`${base}/content/${contentId}`);
		await shot(editor, '7-after-broadcast');
		expect(editorErrors).toEqual([]);
	}, 420_000);

	test("the exported draft form: n8n's own Form Trigger serves the bilingual form, an officer fills it in Chromium, and it becomes a draft with its channels", async () => {
		const url = `${s.n8n.baseUrl}/form/${FORM_ID}`;
		const day = addDays(todayIn('Asia/Kolkata'), 3);
		// A cyber cell officer fills the form in the browser, as n8n serves it.
		const page = await context.newPage();
		await page.goto(url);
		expect(await page.content()).toContain('नया मसौदा / New draft');
		await page.getByLabel('Title / शीर्षक').fill('ओटीपी ठगी / OTP fraud');
		await page.getByLabel('Hindi text / हिंदी पाठ').fill('कोई भी बैंक कर्मचारी ओटीपी नहीं माँगता। ठगी हो तो 1930 पर कॉल करें।');
		await page.getByLabel('English text / अंग्रेज़ी पाठ').fill('No bank employee ever asks for your OTP. Lost money? Call 1930.');
		await page.getByLabel('Category / श्रेणी').selectOption({ label: 'Cyber fraud / साइबर धोखाधड़ी' });
		await page.getByLabel('Date / तारीख़').fill(day);
		await page.getByLabel('WhatsApp', { exact: true }).check();
		await page.getByLabel('Facebook', { exact: true }).check();
		await page.screenshot({ path: path.join(SCREENSHOTS, 'authoring-8-draft-form.png'), fullPage: true });
		await page.getByRole('button', { name: 'Submit' }).click();
		const [row] = await waitFor(
			async () => {
				const rows = await s.db.query<{ state: string; category: string; target_date: string; channels: string[] }>(
					`SELECT state, category, to_char(target_date, 'YYYY-MM-DD') AS target_date, channels FROM content WHERE title = $1`,
					['ओटीपी ठगी / OTP fraud'],
				);
				return rows.length ? rows : undefined;
			},
			{ describe: async () => `the draft from the form; runs: ${JSON.stringify(await executions(s, IDS.form))}` },
		);
		expect(row).toMatchObject({ state: 'draft', category: 'cyber_fraud', target_date: day, channels: ['whatsapp', 'facebook'] });
		await page.close();
	}, 120_000);
});
