import express from 'express';
import request from 'supertest';
import { createApp, errorHandler } from '../../dashboard/app';
import { isId, MAX_ID, parseId, parseOptionalId } from '../../core/ids';
import { describeEachEngine } from '../helpers/db';
import { seedDashboard } from './seed';
import { loginAgent } from './helpers';

/**
 * Issue 18, finding 10: an id no row can have (99999999999999999999, 2^31, 1e20, -1, "abc") is a 400
 * that names the field, from one parser (core/ids.ts), on every route that takes one; never a 500.
 */
const HUGE = '99999999999999999999';

describe('core/ids: the one id parser', () => {
	test.each([HUGE, String(MAX_ID + 1), '0', '-1', '1.5', 'abc', ' ', '1e3', 1e20, 0, -3, 2.5, null, ['1']])(
		'refuses %p with the field named',
		(raw) => {
			expect(() => parseId(raw, 'id')).toThrow(/^id: ".*" is not an id \(a whole number from 1 to 2147483647\)$/);
		},
	);
	test('accepts ids as text or numbers; empty is "none" only where optional', () => {
		expect(parseId('42', 'id')).toBe(42);
		expect(parseId(MAX_ID, 'id')).toBe(MAX_ID);
		expect(parseOptionalId('', 'district')).toBeNull();
		expect(parseOptionalId(undefined, 'district')).toBeNull();
		expect(() => parseId('', 'id')).toThrow(/id: ""/);
		expect(isId(1e20)).toBe(false);
	});
	test('every 500 is logged (the app error handler)', async () => {
		const app = express();
		app.get('/boom', () => {
			// A bare Error on purpose: a bug, not a catalogued condition.
			throw new TypeError('a broken invariant');
		});
		app.use(errorHandler);
		const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
		try {
			await request(app).get('/boom').expect(500);
			expect(spy).toHaveBeenCalledWith('[app]', expect.objectContaining({ message: 'a broken invariant' }));
		} finally {
			spy.mockRestore();
		}
	});
});

describeEachEngine('huge ids on the dashboard routes', (ctx) => {
	let app: express.Express;
	beforeAll(async () => {
		await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
	});

	test('approvals: the form and the API refuse a huge approval id with 400', async () => {
		const { agent, csrf } = await loginAgent(app, 'asp');
		const form = await agent.post(`/approvals/${HUGE}/decision`).type('form').send({ _csrf: csrf, decision: 'approved', hash: 'x' });
		expect(form.status).toBe(400);
		const api = await agent.post(`/api/approvals/${HUGE}/decision`).set('x-csrf-token', csrf).send({ decision: 'approved', hash: 'x' });
		expect(api.status).toBe(400);
		expect(api.body.error).toMatchObject({ code: 'ID_INVALID', message: expect.stringMatching(/^id: "/) });
	});

	test('district= and broadcast id= in the API: 400 naming the field', async () => {
		const { agent } = await loginAgent(app, 'sp');
		for (const path of [`/api/overview?district=${HUGE}`, `/api/overview?district=${MAX_ID + 1}`, `/api/broadcast?id=${HUGE}`]) {
			const res = await agent.get(path);
			expect({ path, status: res.status }).toEqual({ path, status: 400 });
			expect(res.body.error.message).toMatch(/^(district|id): "/);
		}
		const page = await agent.get(`/reach?district=${HUGE}`);
		expect(page.status).toBe(400);
	});

	test('admin: a huge user id or district is a 400 on the page, and nothing changes', async () => {
		const { agent, csrf } = await loginAgent(app, 'admin');
		const before = await ctx.db.query('SELECT * FROM dashboard_users ORDER BY id');
		const upd = await agent.post(`/admin/users/${HUGE}`).type('form').send({ _csrf: csrf, role: 'viewer' });
		expect(upd.status).toBe(400);
		expect(upd.text).toContain('is not an id');
		const create = await agent
			.post('/admin/users')
			.type('form')
			.send({ _csrf: csrf, username: 'bigdistrict', password: 'Quiet-river-lamp-2026', role: 'viewer', district: HUGE });
		expect(create.status).toBe(400);
		expect(create.text).toContain('district: &quot;');
		expect(await ctx.db.query('SELECT * FROM dashboard_users ORDER BY id')).toEqual(before);
	});
});
