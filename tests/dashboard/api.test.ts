import { parse } from 'csv-parse/sync';
import type express from 'express';
import { createApp } from '../../dashboard/app';
import { describeEachEngine } from '../helpers/db';
import { seedDashboard, STATIONS, type Seeded } from './seed';
import { loginAgent } from './helpers';
import { addDays as shiftDay } from '../../core/time';

/** The JSON API: numbers from the rollups, district scope, complaint privacy, CSV, the approval queue. */
describeEachEngine('dashboard API', (ctx) => {
	let app: express.Express;
	let seed: Seeded;
	beforeAll(async () => {
		seed = await seedDashboard(ctx.db);
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000' });
	});

	const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);
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
		test('freshness and spend: as of hh:mm, today drawn as partial, spend of today’s broadcast', async () => {
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get('/api/reach?district=1&days=7').expect(200);
			expect(res.body.asOf.time).toMatch(/^\d{2}:\d{2}$/);
			expect(res.body.today).toBe(seed.today);
			const daily = res.body.charts.find((c: { id: string }) => c.id === 'whatsapp_daily');
			expect(daily.partialFrom).toBe(6);
			const week = seed.wa.filter((r) => r.day >= shiftDay(seed.today, -6) && r.district_id === 1);
			const delivered = sum(week, (r) => r.delivered);
			expect(Math.abs(res.body.cards.spend_inr - delivered * 0.8631)).toBeLessThanOrEqual(0.005);
			expect(res.body.cards).toMatchObject({ billable_messages: delivered, free_messages: 0, unpriced_messages: 0 });
			const months = res.body.charts.find((c: { id: string }) => c.id === 'spend_by_month');
			expect(months.partialFrom).toBe(11);
			const perBroadcast = res.body.charts.find((c: { id: string }) => c.id === 'spend_by_broadcast');
			expect(perBroadcast.labels).toHaveLength(7);
			const month = seed.today.slice(0, 7);
			const inMonth = seed.wa.filter((r) => r.day.startsWith(month) && r.district_id === 1);
			const report = await agent.get(`/api/report?district=1&month=${month}`).expect(200);
			expect(report.body.cards).toMatchObject({ billable_messages: sum(inMonth, (r) => r.delivered), free_messages: 0 });
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
			expect(res.body.cards.held_for_tier).toBe(0);
			expect(res.body.cards.tier_per_day).toBeNull();
			expect(res.body.broadcast.number).toBeNull();
			await agent.get('/api/broadcast?id=abc').expect(400);
		});
		test("broadcast: the number's tier, quality and throughput, citizens held back for the tier, 7-day coverage", async () => {
			await ctx.db.query(
				`INSERT INTO whatsapp_numbers (phone_number_id, district_id, messaging_tier, quality_rating, throughput_per_second, source)
         VALUES ('100000000000001', 1, 'TIER_10K', 'YELLOW', 80, 'graph')`,
			);
			const [held] = await ctx.db.query<{ id: number }>(
				`UPDATE deliveries SET state = 'skipped', error_class = 'held_for_tier'
         WHERE id = (SELECT min(id) FROM deliveries WHERE broadcast_id = $1 AND state = 'pending') RETURNING id`,
				[seed.broadcastId],
			);
			const [cov] = await ctx.db.query<{ roster: number; reached: number }>(
				`SELECT count(*)::int AS roster, count(*) FILTER (WHERE last_reached_at > now() - interval '7 days')::int AS reached
         FROM subscribers WHERE district_id = 1 AND status = 'active' AND phone IS NOT NULL`,
			);
			const { agent } = await loginAgent(app, 'sp');
			const res = await agent.get(`/api/broadcast?district=1&id=${seed.broadcastId}`).expect(200);
			expect(res.body.broadcast.number).toEqual({ tier: 'TIER_10K', qualityRating: 'YELLOW', throughputPerSecond: 80 });
			expect(res.body.cards).toMatchObject({
				held_for_tier: held ? 1 : 0,
				tier_per_day: 10_000,
				coverage_7d_pct: cov.roster ? Math.round((cov.reached / cov.roster) * 1000) / 10 : 0,
			});
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
		// Issue 18 finding 7: one rule (core/complaints/visibility.ts). Viewers and approvers without
		// the complaints:sensitive capability never get a women / child complaint's reference,
		// category or station (it could identify a person); admins do.
		test('women / child complaints are listed only to admins; viewers and approvers get no trace of them; phones are masked', async () => {
			const hidden = (body: { recent: { ref: string; category: string }[] }) =>
				body.recent.filter((c) => c.ref === 'KBD-2026-000102' || c.category === 'women_child');
			for (const user of ['sp', 'asp']) {
				const { agent } = await loginAgent(app, user);
				const v = await agent.get('/api/complaints?district=1').expect(200);
				expect(hidden(v.body)).toEqual([]);
				expect(v.body.recent.length).toBeGreaterThan(0);
				const page = await agent.get('/complaints?district=1').expect(200);
				expect(page.text).not.toContain('KBD-2026-000102');
				expect(page.text).not.toContain('Harassment messages');
				expect(page.text).not.toMatch(/\+91\d{10}/);
			}
			const viewer = await loginAgent(app, 'sp');
			const plain = (await viewer.agent.get('/api/complaints?district=1').expect(200)).body.recent.find(
				(c: { ref: string }) => c.ref === 'KBD-2026-000101',
			);
			expect(plain.phone).toMatch(/^\+91 98XXXXX\d{3}$/);
			const admin = await loginAgent(app, 'admin');
			const a = await admin.agent.get('/api/complaints').expect(200);
			expect(a.body.recent.find((c: { ref: string }) => c.ref === 'KBD-2026-000102')).toMatchObject({
				category: 'women_child',
				policeStation: 'Pandariya',
			});
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
});
