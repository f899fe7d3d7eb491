import request from 'supertest';
import { parse } from 'csv-parse/sync';
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { describeEachEngine } from '../helpers/db';
import { seedDashboard, PASSWORD, STATIONS, type Seeded } from './seed';
import { loginAgent, loginFormToken } from './helpers';
import { hashToken } from '../../core/auth';
import { addDays as shiftDay } from '../../core/time';

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

describeEachEngine('dashboard API and auth', (ctx) => {
	let app: express.Express;
	let seed: Seeded;
	beforeAll(async () => {
		seed = await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
	});

	const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);

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
			await ctx.db.query(`DELETE FROM login_attempts WHERE username = 'rjn'`);
		});
		test('logout needs the CSRF token and ends the session', async () => {
			const { agent, csrf } = await loginAgent(app, 'sp');
			await agent.post('/logout').type('form').send({}).expect(403);
			await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
			await agent.get('/api/overview').expect(401);
		});
	});

	describe('numbers come from the rollups', () => {
		test('overview: today funnel, failures by reason, roster size, complaints today', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get('/api/overview?district=1').expect(200);
			const today = seed.wa.filter((r) => r.day === seed.today && r.district_id === 1);
			expect(res.body.cards.targeted).toBe(sum(today, (r) => r.targeted));
			expect(res.body.cards.read).toBe(sum(today, (r) => r.read));
			expect(res.body.cards.complaints_today).toBe(
				sum(
					seed.complaints.filter((c) => c.day === seed.today),
					(c) => c.opened,
				),
			);
			const [active] = await ctx.db.query<{ n: number }>(
				`SELECT count(*)::int AS n FROM subscribers WHERE district_id = 1 AND status = 'active'`,
			);
			expect(res.body.cards.roster_active).toBe(active.n);
			const failed = res.body.charts.find((c: { id: string }) => c.id === 'failed_by_reason');
			expect(failed.labels.sort()).toEqual(['drop_recipient', 'retry_tomorrow']);
			expect(failed.series[0].data.reduce((a: number, b: number) => a + b, 0)).toBe(sum(today, (r) => r.failed));
			const funnel = res.body.charts.find((c: { id: string }) => c.id === 'funnel_today');
			expect(funnel.labels).toEqual(['targeted', 'sent', 'delivered', 'read', 'failed']);
		});
		test('reach: 7 / 30 / 90 days and a chosen range, per day and per station', async () => {
			const { agent } = await loginAgent(app, 'sp');
			for (const days of [7, 30, 90]) {
				const res = await agent.get(`/api/reach?district=1&days=${days}`).expect(200);
				const from = shiftDay(seed.today, -(days - 1));
				const rows = seed.wa.filter((r) => r.district_id === 1 && r.day >= from);
				expect(res.body.range).toEqual({ from, to: seed.today, days });
				expect(res.body.cards.wa_delivered).toBe(sum(rows, (r) => r.delivered));
				expect(res.body.cards.facebook_views).toBe(
					sum(
						seed.social.filter((s) => s.day >= from && s.channel === 'facebook'),
						(s) => s.views,
					),
				);
				const daily = res.body.charts.find((c: { id: string }) => c.id === 'whatsapp_daily');
				expect(daily.labels).toHaveLength(days);
			}
			const from = shiftDay(seed.today, -20);
			const to = shiftDay(seed.today, -10);
			const res = await agent.get(`/api/reach?district=1&from=${from}&to=${to}`).expect(200);
			expect(res.body.range.days).toBe(11);
			const byStation = res.body.charts.find((c: { id: string }) => c.id === 'reach_by_station');
			expect([...byStation.labels].sort()).toEqual([...STATIONS].sort());
			const kaw = seed.wa.filter((r) => r.police_station === 'Kawardha' && r.day >= from && r.day <= to);
			expect(byStation.series[0].data[byStation.labels.indexOf('Kawardha')]).toBe(sum(kaw, (r) => r.delivered));
		});
		test.each([
			['days=14', 'days'],
			['from=2026-02-30&to=2026-03-01', 'from'],
			['from=2026-03-10&to=2026-03-01', 'from'],
			['from=2024-01-01&to=2026-01-01', 'to'],
			['from=2026-03-01', 'to'],
			['district=abc', 'district'],
		])('bad input %s is a 400 naming %s', async (qs, field) => {
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get(`/api/reach?${qs}`).expect(400);
			expect(res.body.error.details.field).toBe(field);
			expect(res.body.error.message).toContain(field);
		});
		test('complaints: per category per week, by station, median time to acknowledge', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get('/api/complaints?district=1&days=30').expect(200);
			const from = shiftDay(seed.today, -29);
			const rows = seed.complaints.filter((c) => c.day >= from);
			expect(res.body.cards.complaints_opened).toBe(sum(rows, (r) => r.opened));
			const byCat = res.body.charts.find((c: { id: string }) => c.id === 'complaints_by_category');
			expect(byCat.stacked).toBe(true);
			const total = byCat.series.reduce((s: number, x: { data: number[] }) => s + x.data.reduce((a, b) => a + b, 0), 0);
			expect(total).toBe(sum(rows, (r) => r.opened));
			expect(res.body.cards.median_ack_minutes).toBeGreaterThan(0);
		});
		test('roster: languages, consent sources, growth', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get('/api/roster?district=1&days=7').expect(200);
			const langs = res.body.charts.find((c: { id: string }) => c.id === 'languages');
			const [hi] = await ctx.db.query<{ n: number }>(
				`SELECT count(*)::int AS n FROM subscribers WHERE district_id = 1 AND status = 'active' AND language = 'hi'`,
			);
			expect(langs.series[0].data[langs.labels.indexOf('hi')]).toBe(hi.n);
			const sources = res.body.charts.find((c: { id: string }) => c.id === 'consent_sources');
			expect(sources.labels.sort()).toEqual(['camp', 'csv', 'form', 'whatsapp']);
			const from = shiftDay(seed.today, -6);
			expect(res.body.cards.new_in_range).toBe(
				sum(
					seed.wa.filter((r) => r.district_id === 1 && r.day >= from),
					(r) => r.new_subscribers,
				),
			);
		});
		test('broadcast: live progress of the running broadcast', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get('/api/broadcast?district=1').expect(200);
			expect(res.body.broadcast.id).toBe(seed.broadcastId);
			expect(res.body.broadcast.status).toBe('running');
			expect(res.body.cards.targeted).toBe(60);
			expect(res.body.cards.sent).toBe(36); // read + delivered + sent: 6 of every 10
			expect(res.body.cards.failed).toBe(6);
			expect(res.body.cards.rate_per_second).toBeGreaterThan(0);
			expect(res.body.cards.eta_seconds).toBeGreaterThan(0);
			const fails = res.body.charts.find((c: { id: string }) => c.id === 'failures_by_class');
			expect(fails.series[0].data.reduce((a: number, b: number) => a + b, 0)).toBe(6);
			await agent.get('/api/broadcast?id=abc').expect(400);
		});
		test('monthly report: the month asked for, refused when malformed', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const month = seed.today.slice(0, 7);
			const res = await agent.get(`/api/report?district=1&month=${month}`).expect(200);
			expect(res.body.range.from).toBe(`${month}-01`);
			expect(res.body.charts.map((c: { id: string }) => c.id)).toEqual(
				expect.arrayContaining(['whatsapp_daily', 'complaints_by_category', 'languages']),
			);
			expect(res.body.range.to).toBe(seed.today); // the current month stops at today
			const bad = await agent.get('/api/report?month=2026-13').expect(400);
			expect(bad.body.error.details.field).toBe('month');
			const future = await agent.get('/api/report?month=2999-01').expect(400);
			expect(future.body.error.message).toContain('not started');
			const page = await agent.get(`/report/monthly?month=${month}`).expect(200);
			expect(page.text).toContain('data-section="reach"');
		});
	});

	describe('district scope', () => {
		test('a district user sees only their district and is refused another', async () => {
			const { agent } = await loginAgent(app, 'rjn');
			const res = await agent.get('/api/reach?days=7').expect(200);
			expect(res.body.scope.districtId).toBe(seed.district2);
			expect(res.body.cards.wa_delivered).toBe(90 * 7);
			const forbidden = await agent.get('/api/reach?days=7&district=1').expect(403);
			expect(forbidden.body.error.code).toBe('AUTH_FORBIDDEN');
			const d = await agent.get('/api/districts').expect(200);
			expect(d.body.districts.map((x: { id: number }) => x.id)).toEqual([seed.district2]);
			const recent = await agent.get('/api/complaints').expect(200);
			expect(recent.body.recent.map((c: { ref: string }) => c.ref)).toEqual(['RJN-2026-000001']);
		});
		test('a state-level user sees all districts or picks one', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const all = await agent.get('/api/reach?days=7').expect(200);
			const one = await agent.get('/api/reach?days=7&district=1').expect(200);
			expect(all.body.cards.wa_delivered).toBe(one.body.cards.wa_delivered + 90 * 7);
		});
	});

	describe('complaint privacy', () => {
		test('viewers see a women / child complaint as category, station and reference only; phones are masked', async () => {
			const viewer = await loginAgent(app, 'sp');
			const v = await viewer.agent.get('/api/complaints?district=1').expect(200);
			const sens = v.body.recent.find((c: { ref: string }) => c.ref === 'KBD-2026-000102');
			expect(sens).toMatchObject({ category: 'women_child', policeStation: 'Pandariya', restricted: true, summary: null, phone: null });
			const plain = v.body.recent.find((c: { ref: string }) => c.ref === 'KBD-2026-000101');
			expect(plain.phone).toMatch(/^\+91 98XXXXX\d{3}$/);
			const page = await viewer.agent.get('/complaints?district=1').expect(200);
			expect(page.text).not.toContain('Harassment messages');
			expect(page.text).not.toMatch(/\+91\d{10}/);
			const approver = await loginAgent(app, 'asp');
			const a = await approver.agent.get('/api/complaints').expect(200);
			expect(a.body.recent.find((c: { ref: string }) => c.ref === 'KBD-2026-000102').summary).toContain('Harassment');
		});
	});

	describe('CSV export', () => {
		test('every chart of every page exports as CSV with one row per label', async () => {
			const { agent } = await loginAgent(app, 'sp');
			for (const page of ['overview', 'reach', 'complaints', 'roster', 'approvals', 'broadcast']) {
				const data = await agent.get(`/api/${page}?district=1`).expect(200);
				for (const chart of data.body.charts as Array<{ id: string; labels: string[]; series: unknown[] }>) {
					const res = await agent.get(`/api/${page}.csv?district=1&chart=${chart.id}`).expect(200);
					expect(res.headers['content-type']).toMatch(/^text\/csv/);
					expect(res.headers['content-disposition']).toMatch(new RegExp(`attachment; filename="mitan-${chart.id}`));
					expect(res.text.startsWith('\ufeff')).toBe(true);
					const rows = parse(res.text.slice(1)) as string[][];
					expect(rows).toHaveLength(chart.labels.length + 1);
					for (const row of rows) expect(row).toHaveLength(chart.series.length + 1);
				}
			}
			const bad = await agent.get('/api/reach.csv?chart=nope').expect(404);
			expect(bad.body.error.details.field).toBe('chart');
		});
	});

	describe('approvals', () => {
		test('the queue shows the full preview; viewers may not decide; approvers decide once, audited', async () => {
			const [first, second] = seed.pendingApprovalIds;
			const viewer = await loginAgent(app, 'sp');
			const q = await viewer.agent.get('/api/approvals?district=1').expect(200);
			expect(q.body.pending.map((p: { approvalId: number }) => p.approvalId)).toEqual([first, second]);
			expect(q.body.pending[0].content.bodyHi).toContain('1930');
			expect(q.body.pending[0].preview.channels.map((c: { channel: string }) => c.channel)).toEqual(
				expect.arrayContaining(['whatsapp', 'x', 'facebook']),
			);
			const page = await viewer.agent.get('/approvals?district=1').expect(200);
			expect(page.text).toContain('वीडियो कॉल');
			expect(page.text).not.toContain('name="decision"');
			const refused = await viewer.agent
				.post(`/api/approvals/${first}/decision`)
				.set('X-CSRF-Token', viewer.csrf)
				.send({ decision: 'approved', hash: seed.pendingHashes[0] });
			expect(refused.status).toBe(403);

			const asp = await loginAgent(app, 'asp');
			const noCsrf = await asp.agent.post(`/api/approvals/${first}/decision`).send({ decision: 'approved', hash: seed.pendingHashes[0] });
			expect(noCsrf.status).toBe(403);
			expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
			const noComment = await asp.agent
				.post(`/api/approvals/${first}/decision`)
				.set('X-CSRF-Token', asp.csrf)
				.send({ decision: 'changes_requested', hash: seed.pendingHashes[0] });
			expect(noComment.status).toBe(400);
			expect(noComment.body.error.details.field).toBe('comment');
			const badDecision = await asp.agent
				.post(`/api/approvals/${first}/decision`)
				.set('X-CSRF-Token', asp.csrf)
				.send({ decision: 'maybe', hash: seed.pendingHashes[0] });
			expect(badDecision.status).toBe(400);
			const wrongHash = await asp.agent
				.post(`/api/approvals/${first}/decision`)
				.set('X-CSRF-Token', asp.csrf)
				.send({ decision: 'approved', hash: 'f'.repeat(64) });
			expect(wrongHash.status).toBe(409);
			const ok = await asp.agent
				.post(`/api/approvals/${first}/decision`)
				.set('X-CSRF-Token', asp.csrf)
				.send({ decision: 'approved', hash: seed.pendingHashes[0] })
				.expect(200);
			expect(ok.body).toMatchObject({ ok: true, approvalId: first, decision: 'approved', contentState: 'approved' });
			const again = await asp.agent
				.post(`/api/approvals/${first}/decision`)
				.set('X-CSRF-Token', asp.csrf)
				.send({ decision: 'rejected', hash: seed.pendingHashes[0] });
			expect(again.status).toBe(409);
			const trail = await ctx.db.query<{ actor: string; details: Record<string, unknown> }>(
				`SELECT actor, details FROM audit_log WHERE action = 'approval.decided' ORDER BY id`,
			);
			expect(trail.at(-1)).toMatchObject({
				actor: 'user:asp',
				details: expect.objectContaining({ approvalId: first, decision: 'approved', via: 'dashboard' }),
			});

			// The no-JavaScript form path: asks for changes with a comment, redirects back to the queue.
			const form = await asp.agent
				.post(`/approvals/${second}/decision`)
				.type('form')
				.send({ _csrf: asp.csrf, decision: 'changes_requested', comment: 'Add the helpline number', hash: seed.pendingHashes[1] });
			expect(form.status).toBe(303);
			expect(form.headers.location).toContain('/approvals?');
			const [c] = await ctx.db.query<{ state: string }>(
				`SELECT c.state FROM content c JOIN approvals a ON a.content_id = c.id WHERE a.id = $1`,
				[second],
			);
			expect(c.state).toBe('changes_requested');
			const after = await asp.agent.get('/api/approvals').expect(200);
			expect(after.body.pending).toHaveLength(0);
			expect(after.body.cards.pending).toBe(0);
		});
		test('a district approver cannot decide another district’s item', async () => {
			const { agent, csrf } = await loginAgent(app, 'rjn');
			const res = await agent
				.post(`/api/approvals/${seed.pendingApprovalIds[0]}/decision`)
				.set('X-CSRF-Token', csrf)
				.send({ decision: 'approved' });
			expect(res.status).toBe(403); // a viewer: refused by role before anything else
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
