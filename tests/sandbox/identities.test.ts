/**
 * Contract tests: usernames and business-scoped user ids (BSUID) as Meta has them since 2026.
 * A citizen with a username arrives without their number until a message is exchanged; every
 * webhook carries the BSUID; `recipient` addresses a send; `to` with a BSUID is refused; a BSUID
 * change arrives as a user_changed_user_id system message and retires the old id.
 */
import { GRAPH_API_VERSION } from '../../core/channels/api';
import { call, PHONE_ID, Receiver, sendTemplate, startSandbox, WA_TOKEN, type Started } from './helpers';

const HIDDEN = '919876541234'; // has a username in these tests (usernames.numbers)
const PLAIN = '919876541235';
let s: Started;
let rx: Receiver;

beforeEach(async () => {
	rx = new Receiver();
	const url = await rx.start();
	s = await startSandbox({
		whatsapp: { usernames: { numbers: [HIDDEN] }, populations: { notOnWhatsApp: { numbers: [], lastTwoDigits: [99] } } },
		webhook: { callbackUrl: url, delaysMs: { sent: 5, delivered: 10, read: 15, failed: 5 }, shares: { delivered: 1, read: 0 } },
	});
});
afterEach(async () => {
	await s.running.close();
	await rx.close();
});

const user = async (n: string) => (await call(s.url, 'GET', `/_sandbox/whatsapp/users/${n}`)).body;
const send = (body: Record<string, unknown>) =>
	call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/messages`, {
		token: WA_TOKEN,
		body: {
			messaging_product: 'whatsapp',
			type: 'template',
			template: {
				name: 'daily_awareness',
				language: { code: 'hi' },
				components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }],
			},
			...body,
		},
	});
const inbound = () => rx.received.filter((x) => x.json.entry[0].changes[0].value.messages).map((x) => x.json.entry[0].changes[0].value);

test('a configurable share has usernames, chosen by the number (about 5 % by default, the same every run)', async () => {
	const numbers = Array.from({ length: 1000 }, (_, i) => String(919000000000 + i * 7919));
	const withName = async () => {
		let n = 0;
		for (const x of numbers) if ((await user(x)).username) n++;
		return n;
	};
	const first = await withName();
	expect(first / numbers.length).toBeGreaterThan(0.03);
	expect(first / numbers.length).toBeLessThan(0.07);
	expect(await withName()).toBe(first);
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { usernames: { share: 0 } } } });
	// share 0: only the named number keeps its username.
	expect(await withName()).toBe(0);
	expect((await user(HIDDEN)).username).toMatch(/^citizen\.[0-9a-f]{8}$/);
});

test('a username with nothing exchanged arrives without wa_id / from; once a message is exchanged the number shows', async () => {
	const me = await user(HIDDEN);
	expect(me).toMatchObject({ phoneShown: false, userId: expect.stringMatching(/^IN\.\d{16}$/) });
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: HIDDEN, text: 'mera paisa kat gaya' } });
	await rx.waitFor(() => inbound().length >= 1);
	const v = inbound()[0];
	expect(v.contacts).toEqual([{ profile: { name: 'Sandbox Citizen', username: me.username }, user_id: me.userId }]);
	expect(v.messages[0].from).toBeUndefined();
	expect(v.messages[0].from_user_id).toBe(me.userId);
	// The citizen wrote: Meta's contact book now holds the pair, so the next message shows the number.
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { fromUserId: me.userId, text: 'second' } });
	await rx.waitFor(() => inbound().length >= 2);
	expect(inbound()[1].messages[0]).toMatchObject({ from: HIDDEN, from_user_id: me.userId });
	expect(inbound()[1].contacts[0]).toMatchObject({ wa_id: HIDDEN, user_id: me.userId });
	// A citizen without a username always shows the number, and has a BSUID too.
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: PLAIN, text: 'hi' } });
	await rx.waitFor(() => inbound().length >= 3);
	expect(inbound()[2].contacts[0]).toEqual({ profile: { name: 'Sandbox Citizen' }, wa_id: PLAIN, user_id: (await user(PLAIN)).userId });
});

test('identity "bsuid" withholds the number whatever was exchanged; "phone" shows it again', async () => {
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: PLAIN, text: 'one' } });
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: PLAIN, text: 'two', identity: 'bsuid' } });
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: PLAIN, text: 'three' } });
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: PLAIN, text: 'four', identity: 'phone' } });
	await rx.waitFor(() => inbound().length >= 4);
	const byText = (t: string) => inbound().find((v) => v.messages[0].text.body === t)!.messages[0];
	expect(byText('one').from).toBe(PLAIN);
	expect(byText('two').from).toBeUndefined();
	expect(byText('three').from).toBeUndefined();
	expect(byText('four').from).toBe(PLAIN);
	const bad = await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: PLAIN, text: 'x', identity: 'email' } });
	expect(bad.status).toBe(400);
	expect(JSON.stringify(bad.body)).toMatch(/identity must be auto, bsuid or phone/);
});

test('recipient (a BSUID) is accepted; statuses carry recipient_user_id, and no number while Meta withholds it', async () => {
	const me = await user(HIDDEN);
	const r = await send({ recipient: me.userId });
	expect(r.status).toBe(200);
	expect(r.body.contacts).toEqual([{ input: me.userId, user_id: me.userId }]);
	const wamid = r.body.messages[0].id;
	const rec = (await call(s.url, 'GET', `/_sandbox/whatsapp/messages/${wamid}`)).body;
	expect(rec).toMatchObject({ waId: HIDDEN, input: me.userId, addressedBy: 'recipient' });
	await rx.waitFor(() => rx.statuses().filter((x) => x.id === wamid).length >= 2);
	for (const st of rx.statuses().filter((x) => x.id === wamid)) {
		expect(st.recipient_user_id).toBe(me.userId);
		// The send itself put the pair in the contact book: delivered statuses name the number.
		expect(st.recipient_id).toBe(HIDDEN);
	}
	// Sent by number: recipient_id as before, and the BSUID alongside.
	const byPhone = await sendTemplate(s.url, PLAIN);
	await rx.waitFor(() => rx.statuses().some((x) => x.id === byPhone.body.messages[0].id));
	expect(rx.statuses().find((x) => x.id === byPhone.body.messages[0].id)).toMatchObject({
		recipient_id: PLAIN,
		recipient_user_id: (await user(PLAIN)).userId,
	});
});

test('a failed status for a message sent by BSUID carries no number', async () => {
	const failing = '919876541299'; // last two digits 99: not on WhatsApp
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { usernames: { numbers: [HIDDEN, failing] } } } });
	const id = (await user(failing)).userId;
	const r = await send({ recipient: id });
	expect(r.status).toBe(200);
	await rx.waitFor(() => rx.statuses().some((x) => x.id === r.body.messages[0].id));
	const st = rx.statuses().find((x) => x.id === r.body.messages[0].id);
	expect(st).toMatchObject({ status: 'failed', recipient_user_id: id, errors: [{ code: 131026 }] });
	expect(st.recipient_id).toBeUndefined();
});

test('to with a BSUID, both to and recipient, a malformed or unknown recipient: refused as Meta would', async () => {
	const me = await user(HIDDEN);
	const viaTo = await send({ to: me.userId });
	expect(viaTo.status).toBe(400);
	expect(viaTo.body.error).toMatchObject({ code: 100 });
	expect(viaTo.body.error.error_data.details).toMatch(/with recipient/);
	const both = await send({ to: HIDDEN, recipient: me.userId });
	expect(both.status).toBe(400);
	expect(both.body.error.error_data.details).toMatch(/not both/);
	const malformed = await send({ recipient: 'in-1234' });
	expect(malformed.status).toBe(400);
	expect(malformed.body.error.error_data.details).toMatch(/business-scoped user id/);
	const unknown = await send({ recipient: 'IN.1000000000000001' });
	expect(unknown.status).toBe(400);
	expect(unknown.body.error.error_data.details).toMatch(/not a WhatsApp user of this business/);
	const stats = (await call(s.url, 'GET', '/_sandbox/whatsapp/stats')).body;
	expect(stats.accepted).toBe(0);
});

test('a BSUID change: user_changed_user_id names both ids; the old one stops working for recipient', async () => {
	const before = await user(HIDDEN);
	const r = await call(s.url, 'POST', '/_sandbox/inject/user-id-change', { body: { from: HIDDEN } });
	expect(r.status).toBe(200);
	expect(r.body.previousUserId).toBe(before.userId);
	expect(r.body.userId).not.toBe(before.userId);
	await rx.waitFor(() => inbound().some((v) => v.messages[0].type === 'system'));
	const v = inbound().find((x) => x.messages[0].type === 'system')!;
	expect(v.contacts).toBeUndefined();
	expect(v.messages[0]).toMatchObject({
		from_user_id: r.body.userId,
		system: { type: 'user_changed_user_id', previous_user_id: before.userId, user_id: r.body.userId },
	});
	expect(v.messages[0].from).toBeUndefined();
	expect((await send({ recipient: before.userId })).status).toBe(400);
	expect((await send({ recipient: r.body.userId })).status).toBe(200);
	expect((await user(HIDDEN)).userId).toBe(r.body.userId);
});
