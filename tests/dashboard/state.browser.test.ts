import * as path from 'path';
import { SCREENSHOTS as OUT } from '../helpers/browser';
import { seededDashboardInBrowser } from './browser-world';

/**
 * The state view in a real browser (Debian's chromium): a state-level user sees the seed's two
 * districts side by side, in Hindi and English, and a district row opens that district's own
 * dashboard with its name in the header; a district's user has no State tab. Screenshots go to
 * test-output/screenshots/state-*.png.
 */
describe('state view in a real browser', () => {
	const w = seededDashboardInBrowser();
	const login = w.login;

	test('two districts side by side; a row opens its own dashboard; Hindi; no State tab for a district user', async () => {
		const ctx = await w.browser.newContext({ viewport: { width: 1280, height: 900 } });
		const { page, errors } = await login(ctx, w.seed.users.viewer);
		await page.click('nav a[href="/state"]');
		await page.waitForURL(`${w.base}/state`);
		const rows = await page.$$eval('table.state-view tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-district')));
		expect(rows.sort()).toEqual(['KBD', 'RJN']);
		// Every figure is filled in (no "…" placeholders: the page is rendered on the server).
		const cells = await page.$$eval('table.state-view tbody td', (tds) => tds.map((td) => td.textContent?.trim() ?? ''));
		expect(cells.length).toBe(12);
		expect(cells.every((c) => c !== '' && c !== '…')).toBe(true);
		// Both languages: the page as the user's language has it, then the other one.
		const first = (await page.getAttribute('html', 'lang')) as 'hi' | 'en';
		const other = first === 'hi' ? 'en' : 'hi';
		const title = { hi: 'राज्य दृश्य', en: 'State view' };
		expect(await page.textContent('h1')).toContain(title[first]);
		await page.screenshot({ path: path.join(OUT, `state-desktop-${first}.png`), fullPage: true });
		await page.click('#lang-switch');
		await page.waitForSelector(`html[lang="${other}"]`, { state: 'attached' });
		expect(await page.textContent('h1')).toContain(title[other]);
		await page.screenshot({ path: path.join(OUT, `state-desktop-${other}.png`), fullPage: true });
		if (other === 'en') {
			await page.click('#lang-switch');
			await page.waitForSelector('html[lang="hi"]', { state: 'attached' });
		}

		// Drill down: the district's own overview, its name in the header.
		await Promise.all([page.waitForURL(new RegExp(`/\\?district=${w.seed.district2}$`)), page.click('tr[data-district="RJN"] th a')]);
		expect(await page.textContent('header')).toContain('राजनांदगांव');
		await page.waitForFunction(() => Number(document.body.getAttribute('data-charts-ready') ?? 0) >= 1, undefined, { timeout: 20_000 });
		expect(errors).toEqual([]);
		await ctx.close();

		const dctx = await w.browser.newContext({ viewport: { width: 1280, height: 900 } });
		const d = await login(dctx, w.seed.users.district_viewer);
		expect(await d.page.$('nav a[href="/state"]')).toBeNull();
		const res = await d.page.goto(`${w.base}/state`);
		expect(res?.status()).toBe(403);
		await dctx.close();
	});
});
