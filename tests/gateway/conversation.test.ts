/**
 * Issue 17 §1 / §3 over signed webhooks from the sandbox: not every message is a complaint.
 * Reactions and thanks are recorded, greetings get the menu, buttons and list rows are routed by
 * their payload, JOIN → confirm → subscribed with evidence, staff numbers never become
 * complaints, MY DATA answers, DELETE MY DATA → confirm → erased. No reference number anywhere.
 */
import { JOIN_NOTICE_VERSION } from '../../core/conversation/messages';
import { addStaff } from '../../core/staff';
import { describeEachEngine } from '../helpers/db';
import { complaintsOf, startConversation, type Conversation } from './conversation-helpers';
import { seedBroadcast } from './helpers';

describeEachEngine('conversation over WhatsApp', (ctx) => {
	let c: Conversation;
	beforeAll(async () => {
		c = await startConversation(ctx);
	});
	afterAll(async () => {
		await c.close();
	});

	const noReference = async (phone: string) => {
		expect(await complaintsOf(ctx.db, phone)).toBe(0);
		for (const m of await c.sentTo(phone)) expect(m.text ?? '').not.toMatch(/संदर्भ संख्या: |Reference number: /);
	};

	test('a reaction, "धन्यवाद", "ok", "ठीक है" and 👍 are recorded, not answered, not complaints', async () => {
		const phone = '+919876541001';
		await seedBroadcast(ctx.db, [{ phone }], 'ack');
		const r = await c.send({ from: phone, type: 'reaction', emoji: '👍', reactedWamid: 'wamid.daily-message-of-today' });
		const rows = [await c.inbound(r.wamid)];
		for (const text of ['धन्यवाद', 'ok', 'ठीक है', '👍🙏', 'Thank you sir!'])
			rows.push(await c.inbound((await c.send({ from: phone, text })).wamid));
		expect(rows.map((x) => x.conversation_kind)).toEqual([
			'reaction',
			'acknowledgement',
			'acknowledgement',
			'acknowledgement',
			'acknowledgement',
			'acknowledgement',
		]);
		expect(rows.every((x) => x.queue_state === 'done')).toBe(true);
		expect(await c.sentTo(phone)).toEqual([]);
		await noReference(phone);
	});

	test('"नमस्ते" gets the Hindi menu (a list message), "hello" from an English subscriber the English one; a tapped row is routed by its id', async () => {
		const hi = '+919876541011';
		const en = '+919876541012';
		await seedBroadcast(ctx.db, [{ phone: hi }, { phone: en, language: 'en' }], 'greet');
		const g = await c.send({ from: hi, text: 'नमस्ते' });
		expect((await c.inbound(g.wamid)).conversation_kind).toBe('greeting');
		const [menuHi] = await c.sentTo(hi);
		expect(menuHi.type).toBe('interactive');
		expect(menuHi.status).not.toBe('failed');
		expect(menuHi.text).toMatch(/पुलिस मितान में आपका स्वागत है/);
		expect(menuHi.text).toMatch(
			/menu\.fraud=ठगी की शिकायत \| menu\.other=.* \| menu\.status=.* \| menu\.language=.* \| menu\.stop=.* \| menu\.my_data=मेरा डेटा/,
		);
		await c.send({ from: en, text: 'Hello!' });
		const [menuEn] = await c.sentTo(en);
		expect(menuEn.text).toMatch(/Welcome to Police Mitan/);
		expect(menuEn.text).toMatch(/menu\.fraud=Report fraud/);

		// The row's title is whatever the citizen's phone shows; the id decides.
		const tap = await c.send({ from: hi, type: 'interactive', list: true, payload: 'menu.fraud', title: 'कुछ भी' });
		expect((await c.inbound(tap.wamid)).conversation_kind).toBe('menu_reply');
		const [answer] = await c.sentTo(hi);
		expect(answer.type).toBe('text');
		expect(answer.text).toMatch(/1930/);
		await c.send({ from: hi, type: 'interactive', list: true, payload: 'menu.status', title: 'स्थिति' });
		expect((await c.sentTo(hi))[0].text).toMatch(/इस नंबर से कोई शिकायत नहीं है/);
		await c.send({ from: hi, type: 'interactive', list: true, payload: 'menu.language', title: 'भाषा' });
		expect((await c.sentTo(hi))[0].text).toMatch(/lang\.hi=हिन्दी \| lang\.en=English/);
		await c.send({ from: hi, type: 'interactive', payload: 'lang.en', title: 'English' });
		expect((await c.sentTo(hi))[0].text).toMatch(/in English/);
		const [s] = await ctx.db.query<{ language: string }>('SELECT language FROM subscribers WHERE phone = $1', [hi]);
		expect(s.language).toBe('en');
		// "Stop messages" in the menu is STOP.
		await c.send({ from: en, type: 'interactive', list: true, payload: 'menu.stop', title: 'Stop messages' });
		const [s2] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [en]);
		expect(s2.status).toBe('opted_out');
		await noReference(hi);
		await noReference(en);
	});

	test('JOIN from a number not on the roster → notice with buttons → "yes" subscribes with consent evidence → station list → station set', async () => {
		const phone = '+919876541021';
		await seedBroadcast(ctx.db, [{ phone: '+919876541029', policeStation: 'Bodla' }], 'join-stations');
		const j = await c.send({ from: phone, text: 'जुड़ें' });
		expect((await c.inbound(j.wamid)).conversation_kind).toBe('join');
		const [confirm] = await c.sentTo(phone);
		expect(confirm.type).toBe('interactive');
		expect(confirm.text).toMatch(/STOP/);
		expect(confirm.text).toMatch(/join\.yes=हाँ, जुड़ें \| join\.no=नहीं/);
		expect(await ctx.db.query('SELECT 1 FROM subscribers WHERE phone = $1', [phone])).toHaveLength(0);

		const yes = await c.send({ from: phone, type: 'interactive', payload: 'join.yes', title: 'हाँ, जुड़ें' });
		const [sub] = await ctx.db.query<{
			id: number;
			status: string;
			language: string;
			consent_source: string;
			consent_at: Date;
			consent_evidence: string;
		}>('SELECT id, status, language, consent_source, consent_at, consent_evidence FROM subscribers WHERE phone = $1', [phone]);
		expect(sub).toMatchObject({ status: 'active', language: 'hi', consent_source: 'whatsapp:join' });
		expect(sub.consent_evidence).toContain(yes.wamid);
		expect(sub.consent_evidence).toContain(JOIN_NOTICE_VERSION);
		expect(sub.consent_evidence).toContain('(hi)');
		const [rec] = await ctx.db.query<{ consent_at_source: string; consent_notice_version: string; consent_language: string }>(
			'SELECT consent_at_source, consent_notice_version, consent_language FROM subscribers WHERE id = $1',
			[sub.id],
		);
		expect(rec).toEqual({ consent_at_source: 'message', consent_notice_version: JOIN_NOTICE_VERSION, consent_language: 'hi' });
		expect(Math.abs(new Date(sub.consent_at).getTime() - Date.now())).toBeLessThan(10 * 60_000);
		// The conversation that led here belongs to the citizen now (erased with them).
		expect((await c.inbound(j.wamid)).subscriber_id).toBe(Number(sub.id));
		const [list] = await c.sentTo(phone);
		expect(list.text).toMatch(/station:Bodla=Bodla/);

		await c.send({ from: phone, type: 'interactive', list: true, payload: 'station:Bodla', title: 'Bodla' });
		const [after] = await ctx.db.query<{ police_station: string }>('SELECT police_station FROM subscribers WHERE phone = $1', [phone]);
		expect(after.police_station).toBe('Bodla');
		expect((await c.sentTo(phone))[0].text).toMatch(/थाना: Bodla/);
		const audit = await ctx.db.query<{ details: { notice: string } }>(
			`SELECT details FROM audit_log WHERE action = 'subscriber.inserted' AND entity_id = $1`,
			[String(sub.id)],
		);
		expect(audit[0].details.notice).toBe(JOIN_NOTICE_VERSION);

		// A second "yes" (replayed tap, old message) is an expired question, not a second subscription.
		await c.send({ from: phone, type: 'interactive', payload: 'join.yes', title: 'हाँ, जुड़ें' });
		expect((await c.sentTo(phone))[0].text).toMatch(/प्रश्न पुराना हो गया/);
		await noReference(phone);
	});

	test('"No" to the notice adds nobody; START from a stranger is the start of joining, not a complaint', async () => {
		const phone = '+919876541031';
		await c.send({ from: phone, text: 'START' });
		expect((await c.sentTo(phone))[0].text).toMatch(/join\.yes=/);
		await c.send({ from: phone, type: 'interactive', payload: 'join.no', title: 'नहीं' });
		expect(await ctx.db.query('SELECT 1 FROM subscribers WHERE phone = $1', [phone])).toHaveLength(0);
		expect((await c.sentTo(phone))[0].text).toMatch(/नहीं जोड़ा गया/);
		await noReference(phone);
	});

	test('JOIN from a number the roster cannot hold (not an Indian mobile) is told so, nothing stored, the webhook acknowledged', async () => {
		const phone = '+447700900123';
		const j = await c.send({ from: phone, text: 'JOIN' });
		expect((await c.inbound(j.wamid)).conversation_kind).toBe('join');
		expect((await c.sentTo(phone))[0].text).toMatch(/Indian mobile numbers|भारतीय मोबाइल/);
		expect(await ctx.db.query('SELECT 1 FROM conversation_pending WHERE phone = $1', [phone])).toHaveLength(0);
		await c.send({ from: phone, type: 'interactive', payload: 'join.yes', title: 'Yes, join' });
		expect(await ctx.db.query('SELECT 1 FROM subscribers WHERE phone = $1', [phone])).toHaveLength(0);
	});

	test('the daily template\'s quick replies, tapped: "शिकायत करें" asks for the problem (no reference yet), "Stop" opts out', async () => {
		const hi = '+919876541021';
		const en = '+919876541022';
		await seedBroadcast(ctx.db, [{ phone: hi }, { phone: en, language: 'en' }], 'quick');
		// Sent without payloads, so Meta hands back the button's words as the payload.
		const report = await c.send({ from: hi, type: 'button', payload: 'शिकायत करें', title: 'शिकायत करें' });
		expect(await c.inbound(report.wamid)).toMatchObject({ conversation_kind: 'menu_reply', queue_state: 'done' });
		const [ask] = await c.sentTo(hi);
		expect(ask.text).toMatch(/1930/);
		await noReference(hi);
		await c.send({ from: en, type: 'button', payload: 'Stop', title: 'Stop' });
		const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [en]);
		expect(s.status).toBe('opted_out');
		await noReference(en);
	});

	test('a staff member who is also on the roster can still opt out with STOP, and nothing becomes a complaint', async () => {
		const staff = '+919876541043';
		await seedBroadcast(ctx.db, [{ phone: staff }], 'staff-stop');
		await addStaff(ctx.db, { phone: staff, name: 'ASI Sahu', duty: 'duty_officer' }, { actor: 'test' });
		const m = await c.send({ from: staff, text: 'STOP' });
		expect((await c.inbound(m.wamid)).conversation_kind).toBe('stop');
		const [s] = await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [staff]);
		expect(s.status).toBe('opted_out');
		await noReference(staff);
	});

	test('a staff number is never a complaint, whatever it writes (the registry in the store)', async () => {
		const staff = '+919876541041';
		await addStaff(ctx.db, { phone: staff, name: 'SI Verma', duty: 'duty_officer' }, { actor: 'test' });
		const m = await c.send({ from: staff, text: 'मेरे खाते से 5000 रुपये कट गए, ओटीपी पूछा था' });
		const row = await c.inbound(m.wamid);
		expect(row).toMatchObject({ conversation_kind: 'staff', queue_state: 'done' });
		expect(await c.sentTo(staff)).toEqual([]);
		await noReference(staff);
		// The same words from a citizen are a complaint (queued for the workflow).
		const citizen = await c.send({ from: '+919876541042', text: 'मेरे खाते से 5000 रुपये कट गए, ओटीपी पूछा था' });
		expect(await c.inbound(citizen.wamid)).toMatchObject({ conversation_kind: 'complaint', queue_state: 'queued' });
	});

	test('MY DATA answers what is held, masked; DELETE MY DATA → confirm → erased everywhere the erasure reaches', async () => {
		const phone = '+919876541051';
		await seedBroadcast(ctx.db, [{ phone, policeStation: 'Pandariya' }], 'mydata');
		await ctx.db.query(`UPDATE subscribers SET name = 'Ramesh' WHERE phone = $1`, [phone]);
		await c.send({ from: phone, text: 'मेरा डेटा' });
		const [mine] = await c.sentTo(phone);
		expect(mine.text).toMatch(/पुलिस मितान के पास आपके बारे में/);
		expect(mine.text).toContain('+91 98XXXXX051');
		expect(mine.text).not.toContain('9876541051');
		expect(mine.text).toMatch(/नाम: Ramesh/);
		expect(mine.text).toMatch(/थाना: Pandariya/);

		const [{ id: subId }] = await ctx.db.query<{ id: number }>('SELECT id FROM subscribers WHERE phone = $1', [phone]);
		const ask = await c.send({ from: phone, text: 'DELETE MY DATA' });
		expect((await c.inbound(ask.wamid)).conversation_kind).toBe('delete_my_data');
		expect((await c.sentTo(phone))[0].text).toMatch(/delete\.yes=.* \| delete\.no=/);
		// Nothing is erased on the words alone.
		expect((await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [phone]))[0].status).toBe('active');
		const yes = await c.send({ from: phone, type: 'interactive', payload: 'delete.yes', title: 'हाँ, हटाएँ' });
		const [erased] = await ctx.db.query<{ phone: string | null; name: string | null; status: string }>(
			`SELECT phone, name, status FROM subscribers WHERE id = $1`,
			[subId],
		);
		expect(erased).toEqual({ phone: null, name: null, status: 'erased' });
		// Meta's wamid carries the number: the erasure rewrites it too.
		expect(await ctx.db.query('SELECT 1 FROM inbound_messages WHERE wamid = $1', [yes.wamid])).toHaveLength(0);
		expect(await ctx.db.query('SELECT 1 FROM inbound_messages WHERE from_phone = $1', [phone])).toHaveLength(0);
		expect(await ctx.db.query('SELECT 1 FROM conversation_pending WHERE phone = $1', [phone])).toHaveLength(0);
		expect((await c.sentTo(phone))[0].text).toMatch(/आपका डेटा हटा दिया गया है/);
		expect(c.router.gateway.stats().erasures).toBeGreaterThanOrEqual(1);
		expect(await ctx.db.query(`SELECT 1 FROM audit_log WHERE action = 'citizen.erase'`)).not.toHaveLength(0);

		// Months later the same citizen joins again on their own: their new consent lifts the suppression.
		await c.send({ from: phone, text: 'JOIN' });
		await c.send({ from: phone, type: 'interactive', payload: 'join.yes', title: 'हाँ, जुड़ें' });
		const [again] = await ctx.db.query<{ status: string; consent_source: string }>(
			'SELECT status, consent_source FROM subscribers WHERE phone = $1',
			[phone],
		);
		expect(again).toEqual({ status: 'active', consent_source: 'whatsapp:join' });
		expect(await ctx.db.query(`SELECT 1 FROM audit_log WHERE action = 'citizen.suppression_lifted'`)).not.toHaveLength(0);
	});

	test('"No, keep" erases nothing; a delete button with no open question is refused as expired', async () => {
		const phone = '+919876541061';
		await seedBroadcast(ctx.db, [{ phone }], 'keep');
		await c.send({ from: phone, type: 'interactive', payload: 'delete.yes', title: 'हाँ, हटाएँ' });
		expect((await c.sentTo(phone))[0].text).toMatch(/प्रश्न पुराना हो गया/);
		await c.send({ from: phone, text: 'मेरा डेटा हटाएँ' });
		await c.send({ from: phone, type: 'interactive', payload: 'delete.no', title: 'नहीं, रहने दें' });
		expect((await c.sentTo(phone))[0].text).toMatch(/कुछ नहीं हटाया गया/);
		expect((await ctx.db.query<{ status: string }>('SELECT status FROM subscribers WHERE phone = $1', [phone]))[0].status).toBe('active');
	});
});
