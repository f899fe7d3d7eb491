import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import { ComplaintService } from '../../core/complaints/service';
import { canSee } from '../../core/complaints/visibility';
import { nextReference } from '../../core/complaints/reference';
import { MitanError } from '../../core/errors';
import { describeEachEngine } from '../helpers/db';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';

const by = { actor: 'test:complaints' };
let n = 0;
const phone = () => `+9198765${String(10000 + ++n).slice(-5)}`;

describeEachEngine('complaints', (ctx) => {
	let sb: Started;
	let svc: ComplaintService;
	beforeAll(async () => {
		sb = await startSandbox();
		svc = new ComplaintService(ctx.db, { districtName: 'Kabirdham', districtNameHi: 'कबीरधाम' });
	});
	afterAll(async () => {
		await sb.running.close();
	});

	async function inbound(from: string, body: string, ps = 'Kawardha', language = 'hi'): Promise<number> {
		const [s] = await ctx.db.query<{ id: number }>(
			`INSERT INTO subscribers (phone, language, police_station, consent_source) VALUES ($1, $2, $3, 'test')
       ON CONFLICT (district_id, phone) DO UPDATE SET police_station = excluded.police_station RETURNING id`,
			[from, language, ps],
		);
		const [m] = await ctx.db.query<{ id: number }>(
			`INSERT INTO inbound_messages (wamid, subscriber_id, from_phone, type, body) VALUES ($1, $2, $3, 'text', $4) RETURNING id`,
			[`wamid.test.${from}.${Date.now()}.${Math.random()}`, s.id, from, body],
		);
		return m.id;
	}
	const count = async (t: string) => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n;

	test('done case: "mere account se 20000 kat gaye OTP diya tha" → reference, financial fraud, reply with 1930 sent and acknowledged', async () => {
		const from = phone();
		const id = await inbound(from, 'mere account se 20000 kat gaye OTP diya tha');
		const r = await svc.intake({ inboundMessageId: id }, by);
		expect(r.outcome).toBe('created');
		expect(r.complaint).toMatchObject({
			category: 'online_financial_fraud',
			moneyLoss: true,
			moneyAmountInr: 20000,
			policeStation: 'Kawardha',
			language: 'hi',
			status: 'new',
			citizenPhone: from,
		});
		expect(r.complaint.ref).toMatch(/^KBD-\d{4}-\d{6}$/);
		expect(r.reply.text).toContain('1930');
		expect(r.reply.text).toContain('cybercrime.gov.in');
		expect(r.reply.text).toContain(r.complaint.ref);

		await call(sb.url, 'POST', '/_sandbox/inject/inbound', {
			body: { from: from.slice(1), text: 'mere account se 20000 kat gaye OTP diya tha' },
		});
		const client = createWhatsAppClient({ accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, baseUrl: sb.url });
		const sent = await svc.sendReply(client, r, by);
		client.close();
		expect(sent.complaint.status).toBe('acknowledged');
		expect(sent.complaint.acknowledgedAt).toBeInstanceOf(Date);
		expect(sent.complaint.replyWamid).toBe(sent.wamid);
		const msgs = (await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?to=${from.slice(1)}`)).body;
		expect(msgs.data[0].text).toContain('1930');
		expect(msgs.data[0].text).toContain(r.complaint.ref);

		// An n8n retry of the same message: same complaint, no second reply needed.
		const again = await svc.intake({ inboundMessageId: id }, by);
		expect(again).toMatchObject({ outcome: 'existing', replyNeeded: false });
		expect(again.complaint.ref).toBe(r.complaint.ref);
	});

	test('a follow-up within the window joins the open complaint; after the window or closure a new one opens', async () => {
		const from = phone();
		const first = await svc.intake({ inboundMessageId: await inbound(from, 'sir help chahiye') }, by);
		expect(first.complaint.category).toBe('other');
		const second = await svc.intake({ inboundMessageId: await inbound(from, 'UPI se 5000 kat gaye') }, by);
		expect(second.outcome).toBe('follow_up');
		expect(second.complaint).toMatchObject({
			ref: first.complaint.ref,
			messageCount: 2,
			category: 'online_financial_fraud',
			moneyLoss: true,
		});
		expect(second.reply.text).toContain(first.complaint.ref);
		const later = await svc.intake(
			{ inboundMessageId: await inbound(from, 'phir se call aaya'), receivedAt: new Date(Date.now() + 3 * 3600_000) },
			by,
		);
		expect(later.outcome).toBe('created');
		await svc.setStatus(later.complaint.ref, 'closed', by);
		const afterClose = await svc.intake(
			{ inboundMessageId: await inbound(from, 'ek aur baat'), receivedAt: new Date(Date.now() + 3 * 3600_000 + 60_000) },
			by,
		);
		expect(afterClose.outcome).toBe('created');
		expect(afterClose.complaint.ref).not.toBe(later.complaint.ref);
	});

	test('women / child reports keep the least data and are visible only to admin or the capability', async () => {
		const from = phone();
		const id = await inbound(from, 'मेरी बेटी को कोई ऑनलाइन परेशान कर रहा है');
		const r = await svc.intake({ inboundMessageId: id }, by);
		expect(r.complaint).toMatchObject({ category: 'women_child', sensitive: true, summary: null, matchedKeywords: null });
		expect(r.classification.matched).toBeNull();
		const [im] = await ctx.db.query<{ body: string | null }>('SELECT body FROM inbound_messages WHERE id = $1', [id]);
		expect(im.body).toBeNull();
		const [cm] = await ctx.db.query<{ body: string | null }>('SELECT body FROM complaint_messages WHERE inbound_message_id = $1', [id]);
		expect(cm.body).toBeNull();
		expect(canSee('viewer', r.complaint)).toBe(false);
		expect(canSee('approver', r.complaint)).toBe(false);
		expect(canSee('admin', r.complaint)).toBe(true);
		expect(canSee({ role: 'viewer', capabilities: ['complaints:sensitive'] }, r.complaint)).toBe(true);
		expect(await svc.get(r.complaint.ref, 'approver')).toBeUndefined();
		expect((await svc.get(r.complaint.ref, 'admin'))?.citizenPhone).toBe(from);
		const viewerList = await svc.list({ category: 'women_child' }, 'viewer');
		expect(viewerList).toEqual([]);
		const adminList = await svc.list({ category: 'women_child' }, 'admin');
		expect(adminList.map((c) => c.ref)).toContain(r.complaint.ref);
		const ordinary = await svc.list({ category: 'online_financial_fraud' }, 'viewer');
		expect(ordinary[0].citizenPhone).toMatch(/^\+91 \d\dXXXXX\d{3}$/);
	});

	test('an override to women / child removes the text at once; status moves only forward with its timestamps', async () => {
		const from = phone();
		const r = await svc.intake({ inboundMessageId: await inbound(from, 'facebook par meri photo dal di') }, by);
		expect(r.complaint.category).toBe('social_media');
		const o = await svc.overrideCategory(r.complaint.ref, 'women_child', by);
		expect(o).toMatchObject({
			category: 'women_child',
			detectedCategory: 'social_media',
			categoryOverride: 'women_child',
			sensitive: true,
			summary: null,
		});
		const f = await svc.setStatus(r.complaint.ref, 'forwarded', by, { forwardedTo: 'Mahila cell' });
		expect(f).toMatchObject({ status: 'forwarded', forwardedTo: 'Mahila cell', acknowledgedAt: null });
		expect(f.forwardedAt).toBeInstanceOf(Date);
		await expect(svc.setStatus(r.complaint.ref, 'acknowledged', by)).rejects.toMatchObject({
			code: 'COMPLAINT_STATUS_BACKWARDS',
			action: 'fix_input',
		});
		await expect(svc.setStatus(r.complaint.ref, 'done', by)).rejects.toMatchObject({ code: 'COMPLAINT_STATUS_UNKNOWN' });
		await expect(svc.setStatus('KBD-2026-999999', 'closed', by)).rejects.toMatchObject({ code: 'COMPLAINT_NOT_FOUND' });
		const c = await svc.setStatus(r.complaint.ref, 'closed', by);
		expect(c.closedAt).toBeInstanceOf(Date);
		const trail = await ctx.db.query<{ action: string }>(
			`SELECT action FROM audit_log WHERE entity = 'complaint' AND entity_id = $1 ORDER BY id`,
			[r.complaint.ref],
		);
		expect(trail.map((t) => t.action)).toEqual([
			'complaint.created',
			'complaint.category_override',
			'complaint.forwarded',
			'complaint.closed',
		]);
	});

	test('explicit fields without a stored message; every bad input is refused with its field and nothing is written', async () => {
		const from = phone();
		const r = await svc.intake(
			{ body: 'My SIM stopped working, I think it was a SIM swap', fromPhone: from.slice(3), policeStation: 'Bodla' },
			by,
		);
		expect(r.complaint).toMatchObject({
			category: 'mobile',
			language: 'en',
			policeStation: 'Bodla',
			citizenPhone: null,
			inboundMessageId: null,
		});
		expect(r.reply.to).toBe(from);
		const before = [
			await count('complaints'),
			await count('complaint_messages'),
			(await ctx.db.query<{ v: number }>('SELECT coalesce(sum(last_value),0)::int AS v FROM complaint_sequences'))[0].v,
		];
		const cases: [Parameters<ComplaintService['intake']>[0], string][] = [
			[{ body: '   ', fromPhone: from }, 'body'],
			[{ body: 'x'.repeat(5000), fromPhone: from }, 'body'],
			[{ body: 'OTP diya', fromPhone: '12345' }, 'fromPhone'],
			[{ body: 'OTP diya', fromPhone: from, category: 'murder' }, 'category'],
			[{ body: 'OTP diya', fromPhone: from, followUpWindowMinutes: -5 }, 'followUpWindowMinutes'],
			[{ body: 'OTP diya', fromPhone: from, language: 'fr' as 'hi' }, 'language'],
			[{ body: 'OTP diya', fromPhone: from, receivedAt: 'yesterday' }, 'receivedAt'],
			[{ inboundMessageId: 987654321 }, 'inboundMessageId'],
			[{ wamid: 'wamid.nope' }, 'wamid'],
			[{ body: 'OTP diya', subscriberId: 987654321 }, 'subscriberId'],
			// Issue 18 finding 13: the station reaches the dashboard's CSV exports.
			[{ body: 'OTP diya', fromPhone: from, policeStation: '=HYPERLINK("http://x")' }, 'policeStation'],
			[{ body: 'OTP diya', fromPhone: from, policeStation: 'Kawardha;=1+1' }, 'policeStation'],
		];
		for (const [input, field] of cases) {
			const e = await svc.intake(input, by).then(
				() => undefined,
				(x: unknown) => x,
			);
			expect(e).toBeInstanceOf(MitanError);
			expect((e as MitanError).details?.field).toBe(field);
		}
		const after = [
			await count('complaints'),
			await count('complaint_messages'),
			(await ctx.db.query<{ v: number }>('SELECT coalesce(sum(last_value),0)::int AS v FROM complaint_sequences'))[0].v,
		];
		expect(after).toEqual(before);
		await expect(svc.list({ limit: 0 }, 'admin')).rejects.toMatchObject({ code: 'COMPLAINT_BAD_INPUT' });
		await expect(svc.overrideCategory(r.complaint.ref, 'nope', by)).rejects.toMatchObject({ details: { field: 'category' } });
	});

	test('erasing the citizen (DPDP) removes the text of their complaints, keeps the reference and category', async () => {
		const from = phone();
		const r = await svc.intake({ inboundMessageId: await inbound(from, 'UPI se 3000 kat gaye') }, by);
		await svc.intake({ body: 'aur 2000 bhi gaye', fromPhone: from }, by);
		const { RosterService } = await import('../../core/roster');
		await new RosterService(ctx.db).erase(from, { actor: 'test', source: 'test' });
		const [c] = await ctx.db.query<Record<string, unknown>>(
			'SELECT ref, category, summary, citizen_hash, matched_keywords FROM complaints WHERE ref = $1',
			[r.complaint.ref],
		);
		expect(c).toEqual({
			ref: r.complaint.ref,
			category: 'online_financial_fraud',
			summary: null,
			citizen_hash: null,
			matched_keywords: null,
		});
		const bodies = await ctx.db.query<{ body: string | null }>('SELECT body FROM complaint_messages WHERE complaint_id = $1', [
			r.complaint.id,
		]);
		expect(bodies).toEqual([{ body: null }, { body: null }]);
	});

	test('reference numbers count per district and local year (31 Dec 20:00 UTC is already next year in Kabirdham)', async () => {
		const a = await ctx.db.transaction((tx) => nextReference(tx, 1, new Date('2030-12-31T20:00:00Z')));
		const b = await ctx.db.transaction((tx) => nextReference(tx, 1, new Date('2030-12-31T17:00:00Z')));
		expect(a.ref).toBe('KBD-2031-000001');
		expect(b.ref).toBe('KBD-2030-000001');
		await expect(ctx.db.transaction((tx) => nextReference(tx, 999, new Date()))).rejects.toMatchObject({ code: 'DISTRICT_NOT_FOUND' });
	});
});
