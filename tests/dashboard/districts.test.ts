/**
 * The districts admin page and the state view over HTTP: admins only, CSRF, audited, Hindi and
 * English; a refused form names the field and saves nothing; the state view shows every district
 * side by side (figures from the seed's rollups, summed here independently) and is refused to a
 * district's user, who keeps seeing only their own district.
 */
import request from 'supertest';
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from './helpers';
import { seedDashboard, type Seeded } from './seed';

describeEachEngine('districts admin page and state view', (ctx) => {
	let app: express.Express;
	let seed: Seeded;
	beforeAll(async () => {
		seed = await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
	});

	const districtCount = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM districts'))[0].n;

	test('without login: no page, no API', async () => {
		expect((await request(app).get('/admin/districts').expect(303)).headers.location).toBe('/login?next=%2Fadmin%2Fdistricts');
		expect((await request(app).get('/state').expect(303)).headers.location).toBe('/login?next=%2Fstate');
		await request(app).get('/api/state').expect(401);
		await request(app).post('/admin/districts').type('form').send({ code: 'DRG' }).expect(401);
	});

	test('an admin adds a district through the form (CSRF, audited); a refused form names the field and saves nothing', async () => {
		const { agent, csrf } = await loginAgent(app, seed.users.admin);
		const page = await agent.get('/admin/districts').expect(200);
		expect(page.text).toContain('data-district="KBD"');
		expect(page.text).toContain('id="add-district"');
		const good = {
			code: 'DRG',
			name: 'Durg',
			name_hi: 'दुर्ग',
			timezone: 'Asia/Kolkata',
			wa_phone_number_id: '100000000000009',
			stations: 'Kotwali = कोतवाली\nBhilai Nagar',
		};
		const before = await districtCount();
		await agent.post('/admin/districts').type('form').send(good).expect(403);
		for (const [bad, field] of [
			[{ code: 'durg' }, 'code'],
			[{ name_hi: '' }, 'nameHi'],
			[{ timezone: 'Mars/Olympus' }, 'timezone'],
			[{ code: 'KBD' }, 'code'],
		] as const) {
			const res = await agent
				.post('/admin/districts')
				.type('form')
				.send({ ...good, ...bad, _csrf: csrf });
			expect(res.status).toBeGreaterThanOrEqual(400);
			expect(res.text).toContain(`${field}: `);
			expect(await districtCount()).toBe(before);
		}
		const ok = await agent
			.post('/admin/districts')
			.type('form')
			.send({ ...good, _csrf: csrf })
			.expect(201);
		expect(ok.text).toContain('data-district="DRG"');
		expect(await districtCount()).toBe(before + 1);
		const [a] = await ctx.db.query<{ actor: string; action: string }>(
			`SELECT actor, action FROM audit_log WHERE entity = 'district' ORDER BY id DESC LIMIT 1`,
		);
		expect(a).toEqual({ actor: 'user:admin', action: 'district.create' });
		// The same number id for a second district is refused.
		const dup = await agent
			.post('/admin/districts')
			.type('form')
			.send({ ...good, code: 'BMT', _csrf: csrf })
			.expect(409);
		expect(dup.text).toContain('waPhoneNumberId: ');
		// Edit: the stations replace the list.
		const [{ id }] = await ctx.db.query<{ id: number }>(`SELECT id FROM districts WHERE code = 'DRG'`);
		await agent
			.post(`/admin/districts/${id}`)
			.type('form')
			.send({ ...good, name: 'Durg District', stations: 'Kotwali = कोतवाली', _csrf: csrf })
			.expect(200);
		const st = await ctx.db.query<{ name: string }>('SELECT name FROM police_stations WHERE district_id = $1', [id]);
		expect(st.map((s) => s.name)).toEqual(['Kotwali']);
		await agent
			.post('/admin/districts/99999')
			.type('form')
			.send({ ...good, _csrf: csrf })
			.expect(404);
		// Hindi.
		await agent.get('/lang?to=hi&next=/admin/districts').expect(303);
		const hi = await agent.get('/admin/districts').expect(200);
		expect(hi.text).toContain('जिला जोड़ें');
		await agent.get('/lang?to=en&next=/admin/districts').expect(303);
		expect((await agent.get('/admin/districts').expect(200)).text).toContain('Add district');
	});

	test('a viewer may not open the districts page', async () => {
		const { agent } = await loginAgent(app, seed.users.viewer);
		await agent.get('/admin/districts').expect(403);
	});

	test('the state view: every district side by side, figures from the rollups, each opening its own dashboard', async () => {
		const { agent } = await loginAgent(app, seed.users.viewer);
		const res = await agent.get('/api/state?days=30').expect(200);
		const from = res.body.range.from as string;
		const to = res.body.range.to as string;
		const inRange = (d: string) => d >= from && d <= to;
		for (const id of [1, seed.district2]) {
			const wa = seed.wa.filter((w) => w.district_id === id && inRange(w.day));
			const delivered = wa.reduce((s, w) => s + w.delivered, 0);
			const read = wa.reduce((s, w) => s + w.read, 0);
			const cs = seed.complaints.filter((c) => c.district_id === id && inRange(c.day));
			const row = res.body.districts.find((d: { districtId: number }) => d.districtId === id);
			expect(row).toMatchObject({
				delivered,
				read,
				complaints: cs.reduce((s, c) => s + c.opened, 0),
				moneyLoss: cs.reduce((s, c) => s + c.money_loss, 0),
			});
			expect(delivered).toBeGreaterThan(0);
			expect(row.readRatePct).toBeCloseTo((100 * read) / delivered, 1);
		}
		const page = await agent.get('/state?days=30').expect(200);
		expect(page.text).toContain(`href="/?district=${seed.district2}"`);
		expect(page.text).toContain('href="/?district=1"');
		expect(page.text).toContain('href="/state"');
		// Drilling down is the district's own dashboard.
		await agent.get(`/api/overview?district=${seed.district2}`).expect(200);
	});

	test("a district's user: no state view, no State tab, still only their district", async () => {
		const { agent } = await loginAgent(app, seed.users.district_viewer);
		await agent.get('/state').expect(403);
		const api = await agent.get('/api/state').expect(403);
		expect(api.body.error.code).toBe('AUTH_FORBIDDEN');
		const home = await agent.get('/').expect(200);
		expect(home.text).not.toContain('href="/state"');
		await agent.get('/api/overview?district=1').expect(403);
	});
});
