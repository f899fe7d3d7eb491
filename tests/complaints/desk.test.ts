import type express from 'express';
import { refreshRollups } from '../../core/metrics/refresh';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from '../dashboard/helpers';
import {
	officerTakesAMoment,
	attach,
	backdate,
	PASSWORD,
	sandboxMessages,
	screenshotPng,
	startDeskWorld,
	USERS,
	voiceNoteWav,
	type IntakeFn,
} from './desk-world';
import type { Started } from '../sandbox/helpers';

/**
 * The complaint desk over HTTP (issue 17 §2): roles, the queue's filters and pages, a case worked
 * from acknowledgement to closing with each step audited and the citizen told through the sandbox,
 * refused input named by field with nothing written, media served only with its case, and the
 * complaints figures counting what the desk did.
 */
let n = 0;
const phone = () => `+9197700${String(10000 + ++n).slice(-5)}`;

describeEachEngine('complaint desk', (ctx) => {
	let sb: Started;
	let app: express.Express;
	let intake: IntakeFn;
	beforeAll(async () => {
		({ sb, app, intake } = await startDeskWorld(ctx.db));
	});
	afterAll(async () => {
		await sb?.running.close();
	});
	const login = (u: string) => loginAgent(app, u, PASSWORD);
	const auditOf = async (ref: string) =>
		(
			await ctx.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'complaint' AND entity_id = $1 ORDER BY id`, [
				ref,
			])
		).map((r) => r.action);

	test('viewers are refused the desk and do not see it in the menu; staff see the queue with numbers masked', async () => {
		const from = phone();
		const r = await intake(from, 'facebook par fake id bana di meri photo se');
		const viewer = await login(USERS.viewer);
		await viewer.agent.get('/desk').set('Accept', 'text/html').expect(403);
		expect((await viewer.agent.get('/').expect(200)).text).not.toContain('href="/desk');
		const staff = await login(USERS.staff);
		const page = await staff.agent.get('/desk?status=').expect(200);
		expect(page.text).toContain('href="/desk"');
		expect(page.text).toContain(r.complaint.ref);
		expect(page.text).not.toContain(from);
		expect(page.text).toContain(`${from.slice(0, 3)}`);
	});

	test('women / child cases: not in the queue and "not found" for staff and approver (least data, one rule)', async () => {
		const r = await intake(phone(), 'ladki ko instagram par blackmail kar raha hai nude photo');
		expect(r.complaint.sensitive).toBe(true);
		for (const u of [USERS.staff, USERS.approver]) {
			const { agent, csrf } = await login(u);
			expect((await agent.get('/desk?category=women_child').expect(200)).text).not.toContain(r.complaint.ref);
			await agent.get(`/desk/${r.complaint.ref}`).set('Accept', 'text/html').expect(404);
			await agent.post(`/desk/${r.complaint.ref}/note`).type('form').send({ _csrf: csrf, note: 'x' }).expect(404);
		}
		expect(await auditOf(r.complaint.ref)).not.toContain('complaint.note');
	});

	test('filters (state, category, station, money loss, age), sorted money-loss and oldest first, 25 a page', async () => {
		const ps = `Desk-${Math.random().toString(36).slice(2, 7)}`;
		const made = [];
		for (let i = 0; i < 27; i++)
			made.push(await intake(phone(), i % 3 === 0 ? 'UPI se 5000 kat gaye' : 'whatsapp hack ho gaya', { ps, reply: false }));
		await backdate(ctx.db, made[5].complaint.ref, 60);
		const { agent } = await login(USERS.staff);
		const one = await agent.get(`/desk?policeStation=${ps}&status=open`).expect(200);
		const refs = (html: string) => [...html.matchAll(/<tr data-ref="([^"]+)"/g)].map((m) => m[1]);
		const first = refs(one.text);
		expect(first).toHaveLength(25);
		expect(one.text).toContain('rel="next"');
		const two = refs((await agent.get(`/desk?policeStation=${ps}&status=open&page=2`).expect(200)).text);
		expect(two).toHaveLength(2);
		expect(new Set([...first, ...two]).size).toBe(27);
		// Money lost first (1930 can still freeze it), then the rest; oldest first within each.
		const money = made.filter((_, i) => i % 3 === 0).map((m) => m.complaint.ref);
		expect(first.slice(0, money.length).sort()).toEqual([...money].sort());
		expect(first[money.length]).toBe(made[5].complaint.ref);
		const moneyOnly = refs((await agent.get(`/desk?policeStation=${ps}&moneyLoss=yes`).expect(200)).text);
		expect(moneyOnly.sort()).toEqual([...money].sort());
		const old = await agent.get(`/desk?policeStation=${ps}&age=over_48h`).expect(200);
		expect(refs(old.text)).toEqual([made[5].complaint.ref]);
		expect(old.text).toContain('data-overdue');
		const cat = refs((await agent.get(`/desk?policeStation=${ps}&category=online_financial_fraud`).expect(200)).text);
		expect(cat.sort()).toEqual([...money].sort());
		expect(refs((await agent.get(`/desk?policeStation=${ps}&status=closed`).expect(200)).text)).toEqual([]);
	});

	test('bad filters are named: status, age, money loss, page, category, reply', async () => {
		const { agent } = await login(USERS.staff);
		for (const [q, field] of [
			['status=shut', 'status'],
			['age=old', 'age'],
			['moneyLoss=maybe', 'moneyLoss'],
			['page=0', 'page'],
			['category=theft', 'category'],
			['reply=lost', 'reply'],
		]) {
			const res = await agent.get(`/desk?${q}`).set('Accept', 'application/json').expect(400);
			expect(res.body.error.details.field).toBe(field);
		}
	});

	test('a case worked end to end: acknowledge, category, assign, forward with NCRP, note, reply, close; each step audited; the citizen told', async () => {
		const from = phone();
		const r = await intake(from, 'mere account se 20000 kat gaye OTP diya tha', { reply: false });
		const ref = r.complaint.ref;
		// The citizen wrote just now: the sandbox's window is open too.
		await sbInbound(from);
		const { agent, csrf } = await login(USERS.approver);
		const post = (action: string, body: Record<string, string> = {}) =>
			agent
				.post(`/desk/${ref}/${action}`)
				.type('form')
				.send({ _csrf: csrf, ...body });

		await post('acknowledge').expect(303);
		await post('category', { category: 'online_financial_fraud' }).expect(303);
		await post('assign', { policeStation: 'Pandariya', officer: 'SI Verma' }).expect(303);
		// A wrong NCRP number: the case again, the error beside the field, nothing written.
		const badAck = await post('forward', { ncrpAck: '12345' }).expect(400);
		expect(badAck.text).toContain('data-error-field="ncrpAck"');
		expect(badAck.text).toContain('14 digits');
		const [mid] = await ctx.db.query<{ status: string; ncrp_ack: string | null }>(
			'SELECT status, ncrp_ack FROM complaints WHERE ref = $1',
			[ref],
		);
		expect(mid).toEqual({ status: 'acknowledged', ncrp_ack: null });
		await post('forward', { ncrpAck: '3110 5230 0123 45' }).expect(303);
		await post('note', { note: 'Bank nodal officer called; hold placed' }).expect(303);
		await officerTakesAMoment(sb);
		await post('reply', { text: 'Hold placed on ₹20,000. Keep the SMS from your bank.' }).expect(303);
		const noOutcome = await post('close', { outcome: '' }).expect(400);
		expect(noOutcome.text).toContain('data-error-field="outcome"');
		await officerTakesAMoment(sb);
		await post('close', { outcome: 'money_frozen', note: 'amount on hold' }).expect(303);

		const [c] = await ctx.db.query(
			'SELECT status, police_station, assigned_officer, ncrp_ack, outcome, first_response_at, closed_at FROM complaints WHERE ref = $1',
			[ref],
		);
		expect(c).toMatchObject({
			status: 'closed',
			police_station: 'Pandariya',
			assigned_officer: 'SI Verma',
			ncrp_ack: '31105230012345',
			outcome: 'money_frozen',
		});
		expect(c.first_response_at).not.toBeNull();
		// Each message to the citizen is audited after its step: the forward notice, the reply, the closing notice.
		expect(await auditOf(ref)).toEqual([
			'complaint.created',
			'complaint.acknowledged',
			'complaint.category_override',
			'complaint.assigned',
			'complaint.forwarded',
			'complaint.ncrp_recorded',
			'complaint.reply',
			'complaint.note',
			'complaint.reply',
			'complaint.closed',
			'complaint.outcome',
			'complaint.reply',
		]);
		// What went and how; never the words or the number (the audit log outlives erasure).
		const sentAudits = await ctx.db.query<{ details: Record<string, unknown> }>(
			`SELECT details FROM audit_log WHERE entity = 'complaint' AND entity_id = $1 AND action = 'complaint.reply' ORDER BY id`,
			[ref],
		);
		expect(sentAudits.map((a) => a.details)).toEqual([
			{ purpose: 'forwarded', via: 'text' },
			{ purpose: 'reply', via: 'text' },
			{ purpose: 'closed', via: 'text' },
		]);
		// The citizen got the forward notice, the reply and the closing notice as free text (window open).
		const texts = (await sandboxMessages(sb, from)).map((m) => m.text ?? '');
		expect(texts.some((t) => t.includes(ref) && t.includes('31105230012345'))).toBe(true);
		expect(texts.some((t) => t.includes('Hold placed on ₹20,000'))).toBe(true);
		expect(texts.some((t) => t.includes(ref) && t.includes('राशि रोकी गई'))).toBe(true);
		// The thread shows each step, the replies with their delivery state, the note.
		const page = (await agent.get(`/desk/${ref}`).expect(200)).text;
		for (const a of ['complaint.assigned', 'complaint.forwarded', 'complaint.closed']) expect(page).toContain(`data-action="${a}"`);
		expect(page).toContain('data-purpose="forwarded"');
		expect(page).toContain('data-purpose="reply"');
		expect(page).toContain('data-purpose="closed"');
		expect(page).toContain('Bank nodal officer called');
		expect(page).toContain(from); // the approver calls back: the whole number
		expect(page).not.toContain('data-action="close"'); // closed: no more actions but the note
		// Closed stays closed: the status only moves forward.
		const again = await post('forward', { ncrpAck: '31105230012345' }).expect(400);
		expect(again.text).toContain('closed');
	});

	test('after 24 hours the reply goes inside the approved update template, with the text in its body', async () => {
		const from = phone();
		const r = await intake(from, 'instagram account hack ho gaya', { hoursAgo: 30, language: 'en' });
		const { agent, csrf } = await login(USERS.staff);
		const page = (await agent.get(`/desk/${r.complaint.ref}`).expect(200)).text;
		expect(page).toContain('data-window="closed"');
		expect(page).not.toContain(from); // staff: masked
		await agent
			.post(`/desk/${r.complaint.ref}/reply`)
			.type('form')
			.send({ _csrf: csrf, text: 'Please visit the Kawardha cyber desk\nwith your phone.' })
			.expect(303);
		const [m] = await sandboxMessages(sb, from);
		expect(m.template).toBe('mitan_complaint_update');
		expect(m.params).toEqual([r.complaint.ref, 'Please visit the Kawardha cyber desk / with your phone.']);
		const [row] = await ctx.db.query('SELECT kind, template, body FROM complaint_replies WHERE wamid IS NOT NULL ORDER BY id DESC LIMIT 1');
		expect(row).toMatchObject({ kind: 'template', template: 'mitan_complaint_update' });
		expect(row.body).toContain(r.complaint.ref);
	});

	test('delivery comes from the status webhooks: delivered, read, or failed with its code on the case', async () => {
		const from = phone();
		const r = await intake(from, 'paytm kyc ke naam par call aaya', { reply: false });
		await sbInbound(from);
		const { agent, csrf } = await login(USERS.staff);
		await agent.post(`/desk/${r.complaint.ref}/reply`).type('form').send({ _csrf: csrf, text: 'Do not share the OTP.' }).expect(303);
		const [{ wamid }] = await ctx.db.query<{ wamid: string }>(
			`SELECT wamid FROM complaint_replies cr JOIN complaints c ON c.id = cr.complaint_id WHERE c.ref = $1`,
			[r.complaint.ref],
		);
		const status = (s: string, code: number | null = null) =>
			ctx.db.query(
				`INSERT INTO status_events (wamid, status, occurred_at, recipient, error_code, error_title) VALUES ($1, $2, now(), $3, $4, $5)`,
				[wamid, s, from.slice(1), code, code ? 'Re-engagement message' : null],
			);
		await status('sent');
		await status('delivered');
		expect((await agent.get(`/desk/${r.complaint.ref}`).expect(200)).text).toContain('data-delivery="delivered"');
		const failedQueue = () => agent.get('/desk?status=open&reply=failed').expect(200);
		expect((await failedQueue()).text).not.toContain(r.complaint.ref);
		await status('failed', 131047);
		const page = (await agent.get(`/desk/${r.complaint.ref}`).expect(200)).text;
		expect(page).toContain('data-delivery="failed"');
		expect(page).toContain('131047 Re-engagement message');
		expect(page).toContain('data-reply-failed');
		// The queue flags it (its status alone would not say so) and its filter finds it.
		const q = (await failedQueue()).text;
		const row = q.slice(q.indexOf(`<tr data-ref="${r.complaint.ref}"`));
		expect(row.slice(0, row.indexOf('</tr>'))).toContain('data-reply-failed');
	});

	test('admin works a women / child case: no text kept anywhere, the reply recorded without its words', async () => {
		const { createAdmin } = await import('../../core/auth');
		await createAdmin(ctx.db, 'deskadmin', PASSWORD);
		const from = phone();
		const r = await intake(from, 'meri beti ko koi instagram par blackmail kar raha hai photo viral karne ki dhamki', { reply: false });
		expect(r.complaint.sensitive).toBe(true);
		await sbInbound(from);
		const { agent, csrf } = await login('deskadmin');
		expect((await agent.get('/desk?category=women_child').expect(200)).text).toContain(r.complaint.ref);
		const page = (await agent.get(`/desk/${r.complaint.ref}`).expect(200)).text;
		expect(page).not.toContain('blackmail');
		await agent
			.post(`/desk/${r.complaint.ref}/reply`)
			.type('form')
			.send({ _csrf: csrf, text: 'Mahila cell officer will call you today.' })
			.expect(303);
		const [rep] = await ctx.db.query(
			`SELECT body, wamid FROM complaint_replies cr JOIN complaints c ON c.id = cr.complaint_id WHERE c.ref = $1`,
			[r.complaint.ref],
		);
		expect(rep.body).toBeNull();
		expect(rep.wamid).toMatch(/^wamid\./);
		expect((await sandboxMessages(sb, from))[0].text).toBe('Mahila cell officer will call you today.');
	});

	test('writes need the CSRF token and the staff role; an empty reply and a formula station are named', async () => {
		const r = await intake(phone(), 'online shopping fraud paisa nahi aaya', { reply: false });
		const { agent, csrf } = await login(USERS.staff);
		await agent.post(`/desk/${r.complaint.ref}/note`).type('form').send({ note: 'no token' }).expect(403);
		const viewer = await login(USERS.viewer);
		await viewer.agent.post(`/desk/${r.complaint.ref}/note`).type('form').send({ _csrf: viewer.csrf, note: 'x' }).expect(403);
		const empty = await agent.post(`/desk/${r.complaint.ref}/reply`).type('form').send({ _csrf: csrf, text: '  ' }).expect(422);
		expect(empty.text).toContain('data-error-field="text"');
		const formula = await agent
			.post(`/desk/${r.complaint.ref}/assign`)
			.type('form')
			.send({ _csrf: csrf, policeStation: '=HYPERLINK("x")' })
			.expect(400);
		expect(formula.text).toContain('data-error-field="policeStation"');
		const [n2] = await ctx.db.query<{ n: number }>(
			'SELECT count(*)::int AS n FROM complaint_notes cn JOIN complaints c ON c.id = cn.complaint_id WHERE c.ref = $1',
			[r.complaint.ref],
		);
		expect(n2.n).toBe(0);
		expect(await auditOf(r.complaint.ref)).toEqual(['complaint.created']);
	});

	test('media: the voice note plays and the screenshot shows on its case only; bytes as stored', async () => {
		const r = await intake(phone(), 'ye screenshot dekhiye, fraud call aaya tha');
		const other = await intake(phone(), 'mera bhi fraud hua');
		const wav = voiceNoteWav();
		const png = await screenshotPng();
		const audio = await attach(ctx.db, r.complaint.ref, 'audio', 'audio/wav', wav);
		const image = await attach(ctx.db, r.complaint.ref, 'image', 'image/png', png);
		const pending = await attach(ctx.db, r.complaint.ref, 'image', 'image/jpeg', null);
		const { agent } = await login(USERS.staff);
		const page = (await agent.get(`/desk/${r.complaint.ref}`).expect(200)).text;
		expect(page).toContain(`<audio controls preload="metadata" src="/desk/${r.complaint.ref}/attachments/${audio}"`);
		expect(page).toContain(`<img src="/desk/${r.complaint.ref}/attachments/${image}"`);
		expect(page).toContain('Media not available');
		const a = await agent.get(`/desk/${r.complaint.ref}/attachments/${audio}`).responseType('blob').expect(200);
		expect(a.headers['content-type']).toBe('audio/wav');
		expect(Buffer.compare(a.body as Buffer, wav)).toBe(0);
		const i = await agent.get(`/desk/${r.complaint.ref}/attachments/${image}`).responseType('blob').expect(200);
		expect(Buffer.compare(i.body as Buffer, png)).toBe(0);
		await agent.get(`/desk/${other.complaint.ref}/attachments/${audio}`).set('Accept', 'application/json').expect(404);
		await agent.get(`/desk/${r.complaint.ref}/attachments/${pending}`).set('Accept', 'application/json').expect(404);
	});

	test('the complaints figures count the desk: closed, backlog, first response, not closed within 48 h', async () => {
		const ps = `Fig-${Math.random().toString(36).slice(2, 7)}`;
		const a = await intake(phone(), 'UPI fraud 3000 kat gaye', { ps });
		const b = await intake(phone(), 'fake loan app harassment', { ps, reply: false });
		await backdate(ctx.db, b.complaint.ref, 50);
		const { agent, csrf } = await login(USERS.staff);
		await officerTakesAMoment(sb);
		await agent.post(`/desk/${a.complaint.ref}/reply`).type('form').send({ _csrf: csrf, text: 'We are on it.' }).expect(303);
		await officerTakesAMoment(sb);
		await agent.post(`/desk/${a.complaint.ref}/close`).type('form').send({ _csrf: csrf, outcome: 'resolved' }).expect(303);
		await refreshRollups(ctx.db, { mode: 'incremental' });
		const [row] = await ctx.db.query(
			`SELECT sum(opened)::int AS opened, sum(closed)::int AS closed, sum(first_response_count)::int AS fr, sum(over_48h)::int AS over
         FROM rollup_complaints_daily WHERE police_station = $1`,
			[ps],
		);
		expect(row).toEqual({ opened: 2, closed: 1, fr: 1, over: 1 });
		const sp = await login(USERS.approver);
		const res = await sp.agent.get('/api/complaints?days=7').expect(200);
		const station = res.body.charts.find((c: { id: string }) => c.id === 'complaints_by_station');
		const idx = station.labels.indexOf(ps);
		expect(station.series.find((s: { key: string }) => s.key === 'closed').data[idx]).toBe(1);
		expect(res.body.cards.complaints_closed).toBeGreaterThanOrEqual(1);
		expect(res.body.cards.complaints_over_48h).toBeGreaterThanOrEqual(1);
		expect(res.body.cards.median_first_response_minutes).not.toBeNull();
	});

	async function sbInbound(from: string): Promise<void> {
		const { call } = await import('../sandbox/helpers');
		await call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { from: from.slice(1), text: 'hello' } });
	}
});
