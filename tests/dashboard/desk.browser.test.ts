import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { refreshRollups } from '../../core/metrics/refresh';
import { launchChromium, loginAs, SCREENSHOTS as OUT, serve, type Served } from '../helpers/browser';
import { createTestDb, postgresReachable, type TestDb } from '../helpers/db';
import { until } from '../helpers/wait';
import type { Started } from '../sandbox/helpers';
import {
	attach,
	officerTakesAMoment,
	PASSWORD,
	sandboxMessages,
	screenshotPng,
	startDeskWorld,
	USERS,
	voiceNoteWav,
	type IntakeFn,
} from '../complaints/desk-world';

/**
 * Issue 17 "done means", in a real browser: an officer opens the desk, plays the citizen's voice
 * note, assigns the case, replies (the sandbox shows the message), closes it; the thread shows
 * each step; the complaints chart counts it as closed. Screenshots in test-output/screenshots/.
 */
describe('complaint desk in a real browser', () => {
	let t: TestDb;
	let sb: Started;
	let intake: IntakeFn;
	let server: Served;
	let base: string;
	let browser: Browser;

	beforeAll(async () => {
		t = await createTestDb((await postgresReachable()) ? 'postgres' : 'pglite');
		const w = await startDeskWorld(t.db);
		sb = w.sb;
		intake = w.intake;
		server = await serve(w.app);
		base = server.base;
		browser = await launchChromium();
	}, 120_000);

	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await sb?.running.close();
		await t?.drop();
	});

	const login = (page: Page, username: string) => loginAs(page, base, username, PASSWORD);

	test('open the desk, play the voice note, assign, reply, close; the thread and the chart show it', async () => {
		const from = '+919770099001';
		const c = await intake(from, 'sir maine voice note bheja hai, bank wala ban ke call aaya tha', { ps: 'Kawardha', language: 'en' });
		const ref = c.complaint.ref;
		await attach(t.db, ref, 'audio', 'audio/wav', voiceNoteWav());
		await attach(t.db, ref, 'image', 'image/png', await screenshotPng());

		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(String(e)));
		await login(page, USERS.approver);

		// The desk from the menu; the case from the queue.
		await Promise.all([page.waitForURL(`${base}/desk`), page.click('nav a[href="/desk"]')]);
		await page.waitForSelector(`tr[data-ref="${ref}"]`);
		await page.screenshot({ path: path.join(OUT, 'desk-queue.png'), fullPage: true });
		await Promise.all([page.waitForURL(`${base}/desk/${ref}`), page.click(`tr[data-ref="${ref}"] a`)]);

		// The voice note plays to its end in the browser; the screenshot is drawn.
		const played = await page.evaluate(
			() =>
				new Promise<{ duration: number; ended: boolean }>((resolve, reject) => {
					const a = document.querySelector('audio') as HTMLAudioElement;
					a.addEventListener('ended', () => resolve({ duration: a.duration, ended: a.ended }));
					a.addEventListener('error', () => reject(new Error(`audio error ${a.error?.code}`)));
					a.play().catch(reject);
				}),
		);
		expect(played.ended).toBe(true);
		expect(played.duration).toBeCloseTo(0.6, 1);
		const imgWidth = await page.$eval('figure.att img', (i) => (i as HTMLImageElement).naturalWidth);
		expect(imgWidth).toBe(64);
		await page.screenshot({ path: path.join(OUT, 'desk-case.png'), fullPage: true });

		// Assign.
		await page.fill('form[data-action=assign] input[name=policeStation]', 'Pandariya');
		await page.fill('form[data-action=assign] input[name=officer]', 'SI Meena Dhruw');
		await Promise.all([page.waitForURL(/done=assign/), page.click('form[data-action=assign] button')]);
		expect(await page.textContent('[data-fact=desk_officer]')).toBe('SI Meena Dhruw');

		// Reply: the sandbox shows the message the citizen got.
		await officerTakesAMoment(sb);
		const text = 'We have spoken to your bank. Do not share any OTP.';
		await page.fill('form[data-action=reply] textarea[name=text]', text);
		await Promise.all([page.waitForURL(/done=reply/), page.click('form[data-action=reply] button')]);
		const got = await until(async () => (await sandboxMessages(sb, from)).find((m) => m.text === text), {
			what: 'the reply in the sandbox',
		});
		expect(got.text).toBe(text);

		// Close with an outcome.
		await officerTakesAMoment(sb);
		await page.selectOption('form[data-action=close] select[name=outcome]', 'advice_given');
		await Promise.all([page.waitForURL(/done=close/), page.click('form[data-action=close] button')]);
		expect(await page.textContent('[data-fact=status]')).toBe('Closed');

		// The thread shows each step, the reply and the closing notice.
		const steps = await page.$$eval('li[data-kind=step]', (els) => els.map((e) => e.getAttribute('data-action')));
		expect(steps).toEqual(
			expect.arrayContaining([
				'complaint.created',
				'complaint.acknowledged',
				'complaint.assigned',
				'complaint.closed',
				'complaint.outcome',
			]),
		);
		expect(await page.$$eval('li[data-kind=reply]', (els) => els.map((e) => e.getAttribute('data-purpose')))).toEqual([
			'ack',
			'reply',
			'closed',
		]);
		await page.screenshot({ path: path.join(OUT, 'desk-closed.png'), fullPage: true });
		// The same case in Hindi: every label follows the switch.
		await page.click('#lang-switch');
		await page.waitForSelector('html[lang="hi"]');
		expect(await page.textContent('[data-fact=status]')).toBe('बंद');
		expect(await page.textContent('nav a[href="/desk"]')).toBe('शिकायत डेस्क');
		expect(await page.textContent('li[data-action="complaint.assigned"]')).toContain('सौंपी गई');
		await page.screenshot({ path: path.join(OUT, 'desk-closed-hi.png'), fullPage: true });
		await page.click('#lang-switch');
		await page.waitForSelector('html[lang="en"]');

		// The complaints chart counts it as closed (the server's refresher applies the dirty days; here, once).
		await refreshRollups(t.db, { mode: 'incremental' });
		await page.goto(`${base}/complaints?days=7`);
		await page.waitForFunction(() => Number(document.body.getAttribute('data-charts-ready') ?? 0) >= 4, undefined, { timeout: 20_000 });
		expect(await page.textContent('[data-card=complaints_closed] .num')).toBe('1');
		expect(await page.textContent('[data-card=complaints_backlog] .num')).toBe('0');
		const closedSeries = await page.evaluate(async () => {
			const r = await fetch('/api/complaints?days=7');
			const body = await r.json();
			const chart = body.charts.find((c: { id: string }) => c.id === 'complaints_open_closed');
			return chart.series.find((s: { key: string }) => s.key === 'closed').data.reduce((a: number, b: number) => a + b, 0);
		});
		expect(closedSeries).toBe(1);
		await page.screenshot({ path: path.join(OUT, 'desk-complaints-chart.png'), fullPage: true });
		expect(errors).toEqual([]);
		// The same case on a phone (375 px): the officer on the move.
		await page.setViewportSize({ width: 375, height: 812 });
		await page.goto(`${base}/desk/${ref}`);
		await page.screenshot({ path: path.join(OUT, 'desk-case-phone.png'), fullPage: true });
		await context.close();
	}, 120_000);
});
