/** GET /api/dead-letters: the webhook messages PostgreSQL could not hold as sent, for admins only (issue 18 §5). */
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { insertDeadLetter } from '../../core/inbound/dead-letters';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from './helpers';
import { seedDashboard } from './seed';

describeEachEngine('dashboard API: dead letters', (ctx) => {
	let app: express.Express;
	beforeAll(async () => {
		await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
		const raw = Buffer.from('{"entry":"as Meta signed it \\u0000"}');
		await insertDeadLetter(ctx.db, {
			districtId: 1,
			wamid: 'wamid.dl.1',
			fromPhone: '+919876509101',
			reason: 'repaired: nul',
			stored: true,
			raw,
		});
		await insertDeadLetter(ctx.db, {
			districtId: 1,
			wamid: 'wamid.dl.2',
			fromPhone: '+919876509102',
			reason: 'refused: 22P02 x',
			stored: false,
			raw,
		});
	});

	test('an admin sees the count and the list, numbers masked, raw bytes in base64', async () => {
		const { agent } = await loginAgent(app, 'admin');
		const res = await agent.get('/api/dead-letters?district=1').expect(200);
		expect(res.body.count).toBe(2);
		expect(res.body.items.map((i: { wamid: string }) => i.wamid)).toEqual(['wamid.dl.2', 'wamid.dl.1']);
		expect(res.body.items[1]).toMatchObject({ from: '+91 98XXXXX101', reason: 'repaired: nul', stored: true, districtId: 1 });
		expect(Buffer.from(res.body.items[1].rawBase64, 'base64').toString()).toBe('{"entry":"as Meta signed it \\u0000"}');
		expect(JSON.stringify(res.body)).not.toContain('9876509101');
		expect((await agent.get('/api/dead-letters?district=2').expect(200)).body.count).toBe(0);
	});

	test('viewers and approvers are refused; a bad district is a 400 naming the field', async () => {
		for (const who of ['sp', 'asp']) {
			const { agent } = await loginAgent(app, who);
			const res = await agent.get('/api/dead-letters');
			expect(res.status).toBe(403);
		}
		const { agent } = await loginAgent(app, 'admin');
		const bad = await agent.get('/api/dead-letters?district=abc');
		expect(bad.status).toBe(400);
		expect(JSON.stringify(bad.body)).toMatch(/district/);
	});
});
