import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { SCREENSHOTS as OUT } from '../helpers/browser';
import { seededDashboardInBrowser } from './browser-world';

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): log in, every
 * chart paints, the language switch, an approval, a CSV download, the print view. Screenshots
 * of each page go to test-output/screenshots/ (desktop and 375 px phone width).
 */
const PAGES: Array<{ name: string; path: string; charts: number }> = [
	{ name: 'overview', path: '/', charts: 3 },
	{ name: 'reach', path: '/reach?days=30', charts: 5 },
	{ name: 'complaints', path: '/complaints?days=90', charts: 4 },
	{ name: 'roster', path: '/roster?days=30', charts: 5 },
	{ name: 'broadcast', path: '/broadcast', charts: 2 },
	{ name: 'approvals', path: '/approvals', charts: 1 },
	{ name: 'report', path: '/report/monthly', charts: 11 },
];

describe('dashboard in a real browser', () => {
	const w = seededDashboardInBrowser();
	const login = async (context: BrowserContext, username: string): Promise<Page> => {
		const { page, errors } = await w.login(context, username);
		(page as Page & { jsErrors?: string[] }).jsErrors = errors;
		return page;
	};

	/** Waits for app.js to draw `n` charts, then counts the coloured pixels of every canvas. */
	async function paintedCanvases(page: Page, n: number): Promise<number[]> {
		await page.waitForFunction((want) => Number(document.body.getAttribute('data-charts-ready') ?? 0) >= want, n, { timeout: 20_000 });
		return page.evaluate(() =>
			Array.from(document.querySelectorAll('canvas')).map((c) => {
				const ctx = (c as HTMLCanvasElement).getContext('2d')!;
				const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
				let coloured = 0;
				for (let i = 0; i < data.length; i += 4) {
					const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
					// Not blank, not white, not grey grid: a data colour was painted.
					if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
				}
				return coloured;
			}),
		);
	}

	test('log in; every page draws every chart with data; desktop and phone screenshots', async () => {
		const desktop = await w.browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await login(desktop, 'sp');
		for (const p of PAGES) {
			await page.goto(`${w.base}${p.path}`);
			const painted = await paintedCanvases(page, p.charts);
			expect(painted).toHaveLength(p.charts);
			painted.forEach((px, i) => {
				if (px < 200) throw new Error(`${p.name}: chart ${i} has only ${px} coloured pixels: blank`);
			});
			// Big numbers are filled in, in Indian grouping.
			const cards = await page.$$eval('.card .num', (els) => els.map((e) => e.textContent ?? ''));
			expect(cards.length).toBeGreaterThan(0);
			expect(cards.every((c) => c !== '…')).toBe(true);
			await page.screenshot({ path: path.join(OUT, `${p.name}-desktop.png`), fullPage: true });
		}
		expect((page as Page & { jsErrors?: string[] }).jsErrors).toEqual([]);
		// Indian digit grouping on a card that is large enough to show it (lakh separators).
		await page.goto(`${w.base}/reach?days=90`);
		await paintedCanvases(page, 3);
		const delivered = await page.textContent('[data-card=wa_delivered] .num');
		expect(delivered).toMatch(/^\d{1,2}(,\d{2})*,\d{3}$/);
		await desktop.close();

		const phone = await w.browser.newContext({
			viewport: { width: 375, height: 812 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
		});
		const mp = await login(phone, 'sp');
		for (const p of PAGES) {
			await mp.goto(`${w.base}${p.path}`);
			await paintedCanvases(mp, p.charts);
			// Nothing wider than the phone: no sideways scrolling of the page itself.
			const overflow = await mp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
			expect(overflow).toBeLessThanOrEqual(1);
			await mp.screenshot({ path: path.join(OUT, `${p.name}-phone.png`), fullPage: true });
		}
		await phone.close();
	}, 180_000);

	test('switch between English and Hindi: every label follows', async () => {
		const ctx = await w.browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await login(ctx, 'asp'); // prefers English
		await page.goto(`${w.base}/reach?days=30`);
		await paintedCanvases(page, 3);
		expect(await page.getAttribute('html', 'lang')).toBe('en');
		expect(await page.textContent('nav.tabs a.on')).toBe('Reach');
		await Promise.all([page.waitForURL(/\/reach\?days=30$/), page.click('#lang-switch')]);
		await paintedCanvases(page, 3);
		expect(await page.getAttribute('html', 'lang')).toBe('hi');
		expect(await page.textContent('nav.tabs a.on')).toBe('पहुँच');
		expect(await page.textContent('[data-chart=whatsapp_daily] h2')).toBe('व्हाट्सऐप पहुँचे और पढ़े गए, प्रतिदिन');
		expect(await page.textContent('[data-card=wa_delivered] .lbl')).toBe('व्हाट्सऐप पहुँचे');
		// No English label left in the page chrome (nav, card labels, chart titles, buttons).
		const texts = await page.$$eval('nav a, .card .lbl, .panel h2, form.filters label, button', (els) =>
			els.map((e) => (e.firstChild?.textContent ?? '').trim()),
		);
		const english = texts.filter((s) => /[A-Za-z]{4,}/.test(s) && !/WhatsApp|Facebook|Instagram|CSV/.test(s));
		expect(english).toEqual([]);
		// Chart legends come from the same dictionary.
		const legend = await page.evaluate(() => {
			const w = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Array<{ label: string }> } } } };
			return w.Chart.getChart(document.querySelector('[data-chart=whatsapp_daily] canvas') as HTMLCanvasElement).data.datasets.map(
				(d) => d.label,
			);
		});
		expect(legend).toEqual(['पहुँचे', 'पढ़े गए']);
		await page.screenshot({ path: path.join(OUT, 'reach-hindi.png'), fullPage: true });
		await ctx.close();
	}, 60_000);

	test('an approver approves a pending item from the queue', async () => {
		const ctx = await w.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
		const page = await login(ctx, 'asp');
		await page.goto(`${w.base}/approvals`);
		const first = w.seed.pendingApprovalIds[0];
		const item = page.locator(`[data-approval="${first}"]`);
		await item.waitFor();
		expect(await item.textContent()).toContain('1930');
		await page.screenshot({ path: path.join(OUT, 'approvals-queue-phone.png'), fullPage: true });
		// Asking for changes without a comment is stopped in the browser.
		await item.locator('button[value=changes_requested]').click();
		await item.locator('.need-comment').waitFor();
		expect(page.url()).toBe(`${w.base}/approvals`);
		await Promise.all([page.waitForURL(/\/approvals\?.*done=1/), item.locator('button[value=approved]').click()]);
		expect(await page.textContent('.flash.ok')).toBeTruthy();
		expect(await page.locator(`[data-approval="${first}"]`).count()).toBe(0);
		const [row] = await w.t.db.query<{ state: string; approved_by: string }>(
			'SELECT c.state, c.approved_by FROM content c JOIN approvals a ON a.content_id = c.id WHERE a.id = $1',
			[first],
		);
		expect(row).toEqual({ state: 'approved', approved_by: 'user:asp' });
		const [audit] = await w.t.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM audit_log WHERE action = 'approval.decided' AND actor = 'user:asp'`,
		);
		expect(audit.n).toBe(1);
		await ctx.close();
	}, 60_000);

	test('a chart downloads as CSV', async () => {
		const ctx = await w.browser.newContext({ acceptDownloads: true });
		const page = await login(ctx, 'sp');
		await page.goto(`${w.base}/reach?days=7&district=1`);
		await paintedCanvases(page, 3);
		const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-chart=whatsapp_daily] a.csv')]);
		expect(download.suggestedFilename()).toMatch(/^mitan-whatsapp_daily-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
		const file = path.join(OUT, '..', download.suggestedFilename());
		await download.saveAs(file);
		const lines = fs
			.readFileSync(file, 'utf8')
			.replace(/^\ufeff/, '')
			.trim()
			.split('\r\n');
		expect(lines).toHaveLength(8);
		expect(lines[0]).toBe('date,पहुँचे,पढ़े गए');
		const today = w.seed.wa.filter((r) => r.day === w.seed.today && r.district_id === 1);
		expect(lines[7]).toBe(`${w.seed.today},${today.reduce((s, r) => s + r.delivered, 0)},${today.reduce((s, r) => s + r.read, 0)}`);
		await ctx.close();
	}, 60_000);

	test('the monthly report prints a section per page without navigation', async () => {
		const ctx = await w.browser.newContext({ viewport: { width: 1000, height: 1400 } });
		const page = await login(ctx, 'sp');
		await page.goto(`${w.base}/report/monthly?month=${w.seed.today.slice(0, 7)}&district=1`);
		await paintedCanvases(page, 11);
		await page.emulateMedia({ media: 'print' });
		expect(await page.$eval('nav.tabs', (e) => getComputedStyle(e).display)).toBe('none');
		expect(await page.$eval('form.filters', (e) => getComputedStyle(e).display)).toBe('none');
		const breaks = await page.$$eval('.report-section', (els) => els.map((e) => getComputedStyle(e).breakAfter));
		expect(breaks).toEqual(['page', 'page', 'page', 'page', 'auto']);
		await page.screenshot({ path: path.join(OUT, 'report-print.png'), fullPage: true });
		const pdf = await page.pdf({ format: 'A4', printBackground: true });
		fs.writeFileSync(path.join(OUT, 'report-monthly.pdf'), pdf);
		// 5 sections, a page each at least.
		const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
		expect(pages).toBeGreaterThanOrEqual(5);
		await ctx.close();
	}, 60_000);
});
