/** GET /join-poster: the print-ready click-to-chat link with JOIN and its QR code, Hindi and English. */
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { clickToChatLink, qrSvg } from '../../core/conversation/join-link';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from './helpers';
import { seedDashboard } from './seed';

/** The dark cells of the SVG's path ("M{x} {y}h1v1h-1z" per module). */
function cells(svg: string): { size: number; dark: Set<string> } {
	const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]);
	const dark = new Set([...svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`));
	return { size, dark };
}

describe('join link and QR', () => {
	test('the link is wa.me with the digits and JOIN; a bad number is refused naming it', () => {
		expect(clickToChatLink('+91 70000 00001')).toBe('https://wa.me/917000000001?text=JOIN');
		expect(() => clickToChatLink('12')).toThrow(expect.objectContaining({ code: 'JOIN_NUMBER_INVALID', details: { field: 'number' } }));
	});

	test('the QR has the three finder patterns where a QR code has them, inside a quiet zone', () => {
		const { size, dark } = cells(qrSvg('https://wa.me/917000000001?text=JOIN', { margin: 4 }));
		const n = size - 8;
		expect(n).toBeGreaterThanOrEqual(21);
		expect((n - 21) % 4).toBe(0); // versions grow by 4 modules
		const finder = (x0: number, y0: number) => {
			for (let y = 0; y < 7; y++)
				for (let x = 0; x < 7; x++) {
					const ring = x === 0 || y === 0 || x === 6 || y === 6;
					const core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
					expect([`${x},${y}`, dark.has(`${x0 + x},${y0 + y}`)]).toEqual([`${x},${y}`, ring || core]);
				}
		};
		finder(4, 4);
		finder(4 + n - 7, 4);
		finder(4, 4 + n - 7);
		for (const c of dark) {
			const [x, y] = c.split(',').map(Number);
			expect(x >= 4 && y >= 4 && x < 4 + n && y < 4 + n).toBe(true);
		}
	});
});

describeEachEngine('dashboard: join poster', (ctx) => {
	let app: express.Express;
	beforeAll(async () => {
		await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
	});

	test('with the number Meta reported: link, QR, both languages, the 1930 line', async () => {
		await ctx.db.query(
			`INSERT INTO whatsapp_numbers (phone_number_id, district_id, display_phone_number, source) VALUES ('100000000000001', 1, '917000000001', 'graph')
       ON CONFLICT (phone_number_id) DO UPDATE SET display_phone_number = EXCLUDED.display_phone_number`,
		);
		const { agent } = await loginAgent(app, 'sp');
		const res = await agent.get('/join-poster?district=1').expect(200);
		expect(res.text).toContain('href="https://wa.me/917000000001?text=JOIN"');
		expect(res.text).toMatch(/<svg [^>]*viewBox="0 0 \d+ \d+"/);
		expect(res.text).toContain('पुलिस मितान से जुड़ें');
		expect(res.text).toContain('join Police Mitan');
		expect(res.text).toContain('1930');
		expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
	});

	test('a typed number overrides; a bad one is a 400 naming the field', async () => {
		const { agent } = await loginAgent(app, 'sp');
		expect((await agent.get('/join-poster?district=1&number=91%2070000%2000009').expect(200)).text).toContain(
			'wa.me/917000000009?text=JOIN',
		);
		const bad = await agent.get('/join-poster?district=1&number=abc');
		expect(bad.status).toBe(400);
		expect(bad.text).toMatch(/number/);
	});
});
