import request from 'supertest';
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { describeEachEngine } from '../helpers/db';
import { seedDashboard, PASSWORD, type Seeded } from './seed';
import { loginAgent, loginFormToken } from './helpers';
import { hashToken } from '../../core/auth';

const API_ROUTES = [
	'/api/me',
	'/api/districts',
	'/api/overview',
	'/api/reach',
	'/api/complaints',
	'/api/roster',
	'/api/approvals',
	'/api/broadcast',
	'/api/report',
];
const PAGES = ['/', '/reach', '/complaints', '/roster', '/approvals', '/broadcast', '/report/monthly', '/admin/users'];

/** No route without login; login, sessions and CSRF; user administration; every page in both languages. */
describeEachEngine('dashboard login, users and pages', (ctx) => {
	let app: express.Express;
	let seed: Seeded;
	beforeAll(async () => {
		seed = await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
	});

	describe('no route without login', () => {
		test.each(API_ROUTES)('GET %s answers 401 without a session', async (path) => {
			const res = await request(app).get(path).expect(401);
			expect(res.body.error.code).toBe('AUTH_REQUIRED');
		});
		test.each(PAGES)('GET %s redirects to the login form', async (path) => {
			const res = await request(app).get(path).expect(303);
			expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
		});
		test('writes without a session answer 401', async () => {
			await request(app).post(`/api/approvals/${seed.pendingApprovalIds[0]}/decision`).send({ decision: 'approved' }).expect(401);
			await request(app).post('/admin/users').type('form').send({ username: 'x' }).expect(401);
			await request(app).post(`/approvals/${seed.pendingApprovalIds[0]}/decision`).type('form').send({ decision: 'approved' }).expect(401);
		});
		test('a forged session cookie is not a session', async () => {
			await request(app).get('/api/overview').set('Cookie', 'mitan_sid=forged-token-value').expect(401);
		});
	});

	describe('login', () => {
		test('security headers: CSP allows only self, no sniffing, no framing', async () => {
			const res = await request(app).get('/login').expect(200);
			const csp = res.headers['content-security-policy'];
			expect(csp).toContain("default-src 'self'");
			expect(csp).toContain("script-src 'self'");
			expect(csp).not.toMatch(/https?:|unsafe-inline|unsafe-eval/);
			expect(res.headers['x-content-type-options']).toBe('nosniff');
			expect(csp).toContain("frame-ancestors 'none'");
			expect(res.text).not.toMatch(/<script[^>]+src="https?:/);
		});
		test('the login form refuses a post without its CSRF token', async () => {
			const res = await request(app).post('/login').type('form').send({ username: 'admin', password: PASSWORD });
			expect(res.status).toBe(403);
			expect(String(res.headers['set-cookie'] ?? '')).not.toContain('mitan_sid=');
		});
		test('a wrong password is refused and audited; the session cookie is HttpOnly and only its hash is stored', async () => {
			const agent = request.agent(app);
			const token = loginFormToken((await agent.get('/login')).text);
			const bad = await agent.post('/login').type('form').send({ _csrf: token, username: 'sp', password: 'wrong-password-1' });
			expect(bad.status).toBe(401);
			const [f] = await ctx.db.query<{ n: number }>(
				`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed' AND actor = 'user:sp'`,
			);
			expect(f.n).toBeGreaterThanOrEqual(1);
			const token2 = loginFormToken(bad.text);
			const ok = await agent.post('/login').type('form').send({ _csrf: token2, username: 'SP', password: PASSWORD, next: '/reach' });
			expect(ok.status).toBe(303);
			expect(ok.headers.location).toBe('/reach');
			const cookie = (ok.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('mitan_sid='))!;
			expect(cookie).toMatch(/HttpOnly/);
			expect(cookie).toMatch(/SameSite=Lax/);
			const raw = decodeURIComponent(/mitan_sid=([^;]+)/.exec(cookie)![1]);
			const rows = await ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM dashboard_sessions');
			expect(rows.map((r) => r.token_hash)).toContain(hashToken(raw));
			expect(rows.map((r) => r.token_hash)).not.toContain(raw);
		});
		test('behind https the session cookie is Secure with the __Host- prefix, and HSTS is sent', async () => {
			const secureApp = createApp({ db: ctx.db, publicUrl: 'https://mitan.example.gov.in' });
			const page = await request(secureApp).get('/login').expect(200);
			expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
			const pre = (page.headers['set-cookie'] as unknown as string[])[0];
			expect(pre).toMatch(/^__Host-mitan_login=.*; Path=\/; SameSite=Strict; HttpOnly; Secure/);
			const ok = await request(secureApp)
				.post('/login')
				.set('Cookie', pre.split(';')[0])
				.type('form')
				.send({ _csrf: loginFormToken(page.text), username: 'sp', password: PASSWORD });
			expect(ok.status).toBe(303);
			const sid = (ok.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-mitan_sid='))!;
			expect(sid).toMatch(/HttpOnly; Secure/);
		});
		test('an open redirect through next= is refused', async () => {
			const agent = request.agent(app);
			const token = loginFormToken((await agent.get('/login')).text);
			const ok = await agent
				.post('/login')
				.type('form')
				.send({ _csrf: token, username: 'sp', password: PASSWORD, next: '//evil.example/x' });
			expect(ok.headers.location).toBe('/');
		});
		test('login is rate-limited per IP and username after 5 failures', async () => {
			const agent = request.agent(app);
			let html = (await agent.get('/login')).text;
			for (let i = 0; i < 5; i++) {
				const r = await agent
					.post('/login')
					.type('form')
					.send({ _csrf: loginFormToken(html), username: 'rjn', password: `nope-${i}-xxxxxx` });
				expect(r.status).toBe(401);
				html = r.text;
			}
			const limited = await agent
				.post('/login')
				.type('form')
				.send({ _csrf: loginFormToken(html), username: 'rjn', password: PASSWORD });
			expect(limited.status).toBe(429);
			expect(limited.text).toContain('15');
			await ctx.db.query(`DELETE FROM login_throttle`);
		});
		test('logout needs the CSRF token and ends the session', async () => {
			const { agent, csrf } = await loginAgent(app, 'sp');
			await agent.post('/logout').type('form').send({}).expect(403);
			await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
			await agent.get('/api/overview').expect(401);
		});
	});

	describe('admin', () => {
		test('only admins reach user administration', async () => {
			for (const u of ['sp', 'asp']) {
				const { agent, csrf } = await loginAgent(app, u);
				await agent.get('/admin/users').expect(403);
				await agent
					.post('/admin/users')
					.type('form')
					.send({ _csrf: csrf, username: 'newbie', password: 'long-enough-pass', role: 'viewer' })
					.expect(403);
			}
		});
		test('an admin adds and changes users; weak passwords and the last admin are refused; all audited', async () => {
			const { agent, csrf } = await loginAgent(app, 'admin');
			await agent.get('/admin/users').expect(200);
			await agent.post('/admin/users').type('form').send({ username: 'newbie', password: 'long-enough-pass', role: 'viewer' }).expect(403);
			const weak = await agent
				.post('/admin/users')
				.type('form')
				.send({ _csrf: csrf, username: 'newbie', password: 'short', role: 'viewer' });
			expect(weak.status).toBe(400);
			expect(weak.text).toContain('password');
			const badRole = await agent
				.post('/admin/users')
				.type('form')
				.send({ _csrf: csrf, username: 'newbie', password: 'long-enough-pass', role: 'god' });
			expect(badRole.status).toBe(400);
			const created = await agent
				.post('/admin/users')
				.type('form')
				.send({ _csrf: csrf, username: 'newbie', password: 'long-enough-pass', role: 'approver', district: '1' });
			expect(created.status).toBe(201);
			const dup = await agent
				.post('/admin/users')
				.type('form')
				.send({ _csrf: csrf, username: 'newbie', password: 'long-enough-pass', role: 'viewer' });
			expect(dup.status).toBe(400);
			const [u] = await ctx.db.query<{ id: number; password_hash: string; role: string }>(
				`SELECT id, password_hash, role FROM dashboard_users WHERE username = 'newbie'`,
			);
			expect(u.password_hash).toMatch(/^\$argon2id\$/);
			const upd = await agent.post(`/admin/users/${u.id}`).type('form').send({ _csrf: csrf, role: 'viewer', district: '1', disabled: '1' });
			expect(upd.status).toBe(200);
			const [me] = await ctx.db.query<{ id: number }>(`SELECT id FROM dashboard_users WHERE username = 'admin'`);
			const last = await agent.post(`/admin/users/${me.id}`).type('form').send({ _csrf: csrf, role: 'viewer' });
			expect(last.status).toBe(400);
			expect(last.text).toContain('last active admin');
			const actions = await ctx.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'admin.%' ORDER BY id`);
			expect(actions.map((a) => a.action)).toEqual(['admin.user_created', 'admin.user_created', 'admin.user_updated']);
			const disabled = request.agent(app);
			const tok = loginFormToken((await disabled.get('/login')).text);
			expect(
				(await disabled.post('/login').type('form').send({ _csrf: tok, username: 'newbie', password: 'long-enough-pass' })).status,
			).toBe(401);
		});
	});

	describe('pages, language and assets', () => {
		test.each(PAGES.filter((p) => p !== '/admin/users'))(
			'%s renders for a viewer in Hindi, and in English after the switch',
			async (path) => {
				const { agent } = await loginAgent(app, 'sp');
				const hi = await agent.get(path).expect(200);
				expect(hi.text).toContain('<html lang="hi">');
				expect(hi.text).toContain('पुलिस मितान');
				const sw = await agent.get(`/lang?to=en&next=${encodeURIComponent(path)}`).expect(303);
				expect(sw.headers.location).toBe(path);
				const en = await agent.get(path).expect(200);
				expect(en.text).toContain('<html lang="en">');
				expect(en.text).toContain('Police Mitan');
			},
		);
		test('chart.js and the app script are served by the app itself', async () => {
			const chart = await request(app).get('/assets/chart.umd.min.js').expect(200);
			expect(chart.headers['content-type']).toMatch(/javascript/);
			expect(chart.text.length).toBeGreaterThan(100_000);
			await request(app).get('/assets/app.js').expect(200);
			await request(app).get('/assets/app.css').expect(200);
			await request(app).get('/assets/nope.js').expect(404);
		});
		test('unknown API routes are a JSON 404', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get('/api/nothing').expect(404);
			expect(res.body.error.code).toBe('API_NOT_FOUND');
		});
	});
});
