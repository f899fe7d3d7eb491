import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { createApp } from '../../dashboard/app';
import { hashPassword, insertUser } from '../../core/auth';
import { newNonce, requestApproval } from '../../core/approvals';
import { addDays, todayIn } from '../../core/time';
import { collectErrors, launchChromium, loginAs, SCREENSHOTS as OUT, serve, type Served } from '../helpers/browser';
import { createTestDb, postgresReachable, type TestDb } from '../helpers/db';
import { PASSWORD } from './seed';
import { until } from '../helpers/wait';

/**
 * The Content page in a real browser (Debian's chromium): an editor writes tomorrow's message in
 * Hindi and English with an image, sees the four previews and the field problems as they type,
 * saves, sends it for approval (the workflow webhook stand-in makes the request) and sees it
 * waiting in the 14-day calendar. Screenshots go to test-output/screenshots/content-*.png.
 */
describe('Content page in a real browser', () => {
	let t: TestDb;
	let server: Served;
	let hook: http.Server;
	let base: string;
	let browser: Browser;
	let page: Page;
	let errors: string[] = [];

	beforeAll(async () => {
		t = await createTestDb((await postgresReachable()) ? 'postgres' : 'pglite');
		await insertUser(t.db, {
			username: 'cybercell',
			passwordHash: await hashPassword(PASSWORD),
			role: 'editor',
			districtId: 1,
			language: 'hi',
		});
		hook = http.createServer((req, res) => {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', async () => {
				if (req.headers.authorization !== 'Bearer s3cret') return void res.writeHead(403).end();
				const { contentId } = JSON.parse(raw) as { contentId: number };
				await requestApproval(t.db, {
					contentId,
					approverPhone: '9876500001',
					nonce: newNonce(),
					links: { approve: 'http://n8n/a', reject: 'http://n8n/r', changes: 'http://n8n/c' },
					actor: 'n8n:content-approval',
				});
				res.writeHead(200).end('{}');
			});
		});
		await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
		const env = {
			MITAN_APPROVAL_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhook/x`,
			MITAN_APPROVAL_WEBHOOK_TOKEN: 's3cret',
		};
		server = await serve(createApp({ db: t.db, publicUrl: 'http://127.0.0.1', env }));
		base = server.base;
		browser = await launchChromium();
		page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
		// The page's own API answers (422 for a refused draft) are expected; script errors are not.
		errors = collectErrors(page, /status of 4\d\d/);
		await loginAs(page, base, 'cybercell', PASSWORD);
	}, 120_000);

	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await new Promise((resolve) => hook?.close(resolve));
		await t?.drop();
	});

	const problemAt = (field: string) => page.locator(`[data-error-for="${field}"]`);

	test('write, preview, see each problem at its field, save, send for approval, see it in the calendar', async () => {
		const tomorrow = addDays(todayIn('Asia/Kolkata'), 1);
		await page.goto(`${base}/content/new`);
		await page.fill('input[name=title]', 'डिजिटल अरेस्ट / Digital arrest');
		await page.fill('textarea[name=bodyHi]', 'पुलिस कभी वीडियो कॉल पर "डिजिटल अरेस्ट" नहीं करती। ऐसा कॉल आए तो काट दें और 1930 पर बताएँ।');
		await page.fill('textarea[name=bodyEn]', 'Police never make a "digital arrest" on a video call. Hang up and report it on 1930.');
		await page.fill('input[name=targetDate]', tomorrow);
		await page.fill('textarea[name="variants.x.text"]', 'पुलिस वीडियो कॉल पर "डिजिटल अरेस्ट" नहीं करती। Hang up, call 1930.');
		const png = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#1a4d8f' } })
			.png()
			.toBuffer();
		await page.setInputFiles('input[name=image]', { name: 'poster.png', mimeType: 'image/png', buffer: png });

		// The four previews, as the citizen will see them, with the uploaded image where the channel shows one.
		await page.waitForSelector('[data-preview=instagram] .ig-frame img');
		expect(await page.locator('[data-preview]').evaluateAll((els) => els.map((e) => e.getAttribute('data-preview')))).toEqual([
			'whatsapp',
			'facebook',
			'instagram',
			'x',
		]);
		expect(await page.locator('[data-preview=whatsapp] .wa-bubble').count()).toBe(2);
		expect(await page.locator('[data-preview=whatsapp] .wa-bubble').first().locator('img.wa-header').count()).toBe(1);
		expect(await page.locator('[data-preview=whatsapp] .wa-bubble').first().locator('.wa-button').allTextContents()).toEqual([
			'शिकायत करें',
			'बंद करें',
		]);
		// Every check redraws the previews (content.js renderPreview), so the frame read may meet one
		// being replaced (boundingBox answers null for it): read it again until it is laid out.
		const frame = await until(async () => (await page.locator('[data-preview=instagram] .ig-frame').boundingBox()) ?? undefined, {
			what: 'the Instagram frame laid out',
			timeoutMs: 10_000,
		});
		expect(frame.width / frame.height).toBeCloseTo(0.8, 2);
		expect(await page.locator('[data-preview=x] [data-count]').getAttribute('data-count')).toMatch(/^\d+$/);
		await page.screenshot({ path: path.join(OUT, 'content-editor.png'), fullPage: true });

		// Too long for X by X's own weighting: shown at the X field before anything is sent.
		await page.fill('textarea[name="variants.x.text"]', 'क'.repeat(281));
		await page.waitForSelector('[data-error-for="variants.x"]:not([hidden]) [data-code=X_TOO_LONG]');
		expect(await page.locator('[data-preview=x] .count.over').count()).toBe(1);
		await page.screenshot({ path: path.join(OUT, 'content-x-too-long.png'), fullPage: true });
		await page.fill('textarea[name="variants.x.text"]', 'पुलिस वीडियो कॉल पर गिरफ़्तारी नहीं करती। Call 1930.');
		await page.waitForSelector('[data-error-for="variants.x"][hidden]', { state: 'attached' });

		// Empty Hindi: at the Hindi field, in Hindi and English; saving is refused and nothing is stored.
		const hindi = await page.inputValue('textarea[name=bodyHi]');
		await page.fill('textarea[name=bodyHi]', '');
		await page.waitForSelector('[data-error-for="bodyHi"]:not([hidden])');
		expect(await problemAt('bodyHi').textContent()).toMatch(/आवश्यक.*required/);
		await page.click('#save');
		await page.waitForSelector('#editor-status.bad');
		expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM content'))[0].n).toBe(0);
		await page.fill('textarea[name=bodyHi]', hindi);
		await page.waitForSelector('[data-error-for="bodyHi"][hidden]', { state: 'attached' });

		await page.click('#save');
		await page.waitForURL(/\/content\/\d+$/);
		await page.waitForSelector('#content-state[data-state=draft]');
		await page.click('#submit-approval');
		await page.waitForSelector('#content-state[data-state=pending]');
		await page.screenshot({ path: path.join(OUT, 'content-sent-for-approval.png'), fullPage: true });
		const [row] = await t.db.query<{ state: string; channels: string[]; image_url: string }>(
			'SELECT state, channels, image_url FROM content',
		);
		expect(row).toMatchObject({ state: 'pending', channels: ['whatsapp', 'facebook', 'instagram', 'x'] });
		expect(row.image_url).toMatch(/\/media\/[0-9a-f]{64}\.jpg$/);

		await page.goto(`${base}/content`);
		const cell = page.locator(`tr[data-day="${tomorrow}"] td[data-channel=whatsapp] .cal-entry`);
		expect(await cell.getAttribute('data-state')).toBe('pending');
		expect(await page.locator('#calendar tbody tr').count()).toBe(14);
		await page.screenshot({ path: path.join(OUT, 'content-calendar.png'), fullPage: true });
		expect(errors).toEqual([]);
	}, 120_000);
});
