/**
 * The staff registry page over HTTP (issue 17): admins only, CSRF, every change through core/staff
 * (checked, audited); placeholders are marked; a refused form names the field and saves nothing;
 * what the page saves is what the workflows' staff lookup reads.
 */
import request from 'supertest';
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { staffByRole } from '../../core/staff/roles';
import { seedStaffRegistry } from '../../core/staff/seed';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from './helpers';
import { seedDashboard, type Seeded } from './seed';

describeEachEngine('staff registry page', (ctx) => {
	let app: express.Express;
	let seed: Seeded;
	beforeAll(async () => {
		seed = await seedDashboard(ctx.db, { days: 3, rosterSize: 10 });
		await seedStaffRegistry(ctx.db, { districtId: 1, installed: [], actor: 'test' });
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
	});

	test('without login, or as a viewer: no page, no change', async () => {
		expect((await request(app).get('/admin/staff').expect(303)).headers.location).toBe('/login?next=%2Fadmin%2Fstaff');
		await request(app).post('/admin/staff').type('form').send({ phone: '+919876500001' }).expect(401);
		const { agent, csrf } = await loginAgent(app, seed.users.viewer);
		await agent.get('/admin/staff').expect(403);
		await agent.post('/admin/staff').type('form').send({ _csrf: csrf, phone: '+919876500001', name: 'x', duty: 'cyber_cell' }).expect(403);
	});

	test('an admin sees the placeholders marked, replaces one (CSRF, audited); the workflows then read the real number', async () => {
		const { agent, csrf } = await loginAgent(app, seed.users.admin);
		const page = await agent.get('/admin/staff?district=1').expect(200);
		expect(page.text).toContain('data-staff="+910000000002" data-duty="duty_officer"');
		expect(page.text).toContain('प्लेसहोल्डर: लाइव होने से पहले बदलें'); // Hindi first
		const en = await agent.get('/admin/staff?district=1').set('Cookie', 'mitan_lang=en').expect(200);
		expect(en.text).toContain('placeholder: replace before going live');
		const add = { district: '1', phone: '098765 00002', name: 'SI Verma', duty: 'duty_officer' };
		await agent.post('/admin/staff').type('form').send(add).expect(403);
		const bad = await agent
			.post('/admin/staff')
			.type('form')
			.send({ ...add, phone: '12345', _csrf: csrf });
		expect(bad.status).toBe(400);
		expect(bad.text).toContain('phone &quot;12345&quot;');
		const ok = await agent
			.post('/admin/staff')
			.type('form')
			.send({ ...add, _csrf: csrf })
			.expect(200);
		expect(ok.text).toContain('स्टाफ़ नंबर सहेजा गया');
		await agent
			.post('/admin/staff/remove')
			.type('form')
			.send({ district: '1', phone: '+910000000002', duty: 'duty_officer', _csrf: csrf })
			.expect(200);
		expect((await staffByRole(ctx.db, 1)).dutyOfficerPhone).toBe('+919876500002');
		const audit = await ctx.db.query<{ action: string; actor: string }>(
			`SELECT action, actor FROM audit_log WHERE entity = 'staff_number' AND actor = 'user:admin' ORDER BY id`,
		);
		expect(audit.map((a) => a.action)).toEqual(['staff.added', 'staff.removed']);
	});
});
