/** Contract tests: status / inbound / preference webhooks, signature, at-least-once, handshake. */
import { call, PHONE_ID, Receiver, sendTemplate, startSandbox, textBody, validSignature, WA_TOKEN, type Started } from './helpers';
import type { DeepPartial, SandboxConfig } from '../../sandbox/config';
import { GRAPH_API_VERSION } from '../../core/channels/api';

let s: Started;
let rx: Receiver;

async function boot(webhook: DeepPartial<SandboxConfig['webhook']> = {}, extra: DeepPartial<SandboxConfig> = {}): Promise<void> {
	rx = new Receiver();
	const url = await rx.start();
	s = await startSandbox({
		...extra,
		webhook: {
			callbackUrl: url,
			delaysMs: { sent: 5, delivered: 15, read: 30, failed: 5 },
			retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
			...webhook,
		},
	});
}

afterEach(async () => {
	await s.running.close();
	await rx.close();
});

test('sent, delivered, read in Meta envelope with pricing, signed over the raw bytes', async () => {
	await boot({ shares: { delivered: 1, read: 1 } });
	const r = await sendTemplate(s.url, '919876543210');
	const wamid = r.body.messages[0].id;
	await rx.waitFor(() => rx.statuses().length >= 3);
	for (const got of rx.received) expect(validSignature(got.raw, got.signature)).toBe(true);
	expect(validSignature(rx.received[0].raw, rx.received[0].signature, 'wrong-secret')).toBe(false);
	const env = rx.received[0].json;
	expect(env.object).toBe('whatsapp_business_account');
	expect(env.entry[0].id).toBe('200000000000001');
	const value = env.entry[0].changes[0].value;
	expect(env.entry[0].changes[0].field).toBe('messages');
	expect(value.metadata).toEqual({ display_phone_number: '917000000001', phone_number_id: PHONE_ID });
	const statuses = rx.statuses();
	expect(statuses.map((x) => x.status).sort()).toEqual(['delivered', 'read', 'sent']);
	for (const st of statuses) {
		expect(st).toMatchObject({
			id: wamid,
			recipient_id: '919876543210',
			pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
		});
		expect(st.timestamp).toMatch(/^\d{10}$/);
	}
	// One status per POST by default, as Meta usually does.
	expect(rx.received.every((x) => x.json.entry[0].changes[0].value.statuses.length === 1)).toBe(true);
	const stats = await call(s.url, 'GET', '/_sandbox/webhooks');
	expect(stats.body).toMatchObject({ sent: 3, succeeded: 3, failed: 0 });
	const m = await call(s.url, 'GET', `/_sandbox/whatsapp/messages/${wamid}`);
	expect(m.body.status).toBe('read');
});

test('populations fail asynchronously with errors[]: 131026, 131050, 131049, 131000', async () => {
	await boot(
		{ shares: { delivered: 1, read: 0 } },
		{
			whatsapp: {
				populations: {
					notOnWhatsApp: { numbers: [], lastTwoDigits: [13] },
					stoppedMarketing: { numbers: ['+919800000050'], lastTwoDigits: [] },
					marketingCapped: { numbers: [], lastTwoDigits: [49] },
				},
			},
		},
	);
	const cases: [string, number][] = [
		['919800000013', 131026],
		['919800000050', 131050],
		['919800000049', 131049],
	];
	for (const [to] of cases) expect((await sendTemplate(s.url, to)).status).toBe(200);
	await rx.waitFor(() => rx.statuses().length >= 3);
	for (const [to, code] of cases) {
		const st = rx.statuses().find((x) => x.recipient_id === to);
		expect(st.status).toBe('failed');
		expect(st.pricing).toBeUndefined();
		expect(st.errors[0]).toMatchObject({ code, error_data: { details: expect.any(String) } });
		expect(typeof st.errors[0].title).toBe('string');
	}
	// Utility templates still reach a citizen who stopped marketing.
	await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 6_000 } });
	const ack = await sendTemplate(s.url, '919800000050', { name: 'complaint_ack' });
	expect(ack.status).toBe(200);
	await rx.waitFor(() => rx.statuses().some((x) => x.id === ack.body.messages[0].id));
	expect(rx.statuses().find((x) => x.id === ack.body.messages[0].id).status).not.toBe('failed');
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { populations: { transientFailureRate: 1 } } } });
	await sendTemplate(s.url, '919800000077');
	await rx.waitFor(() => rx.statuses().some((x) => x.recipient_id === '919800000077'));
	expect(rx.statuses().find((x) => x.recipient_id === '919800000077').errors[0].code).toBe(131000);
	const stats = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
	expect(stats.body.asyncErrors).toMatchObject({ '131026': 1, '131050': 1, '131049': 1, '131000': 1 });
});

test('per-user marketing cap: the second marketing template of the day → 131049', async () => {
	await boot({ shares: { delivered: 1, read: 0 } }, { whatsapp: { pairLimitSeconds: 0, populations: { marketingCapPerUserPerDay: 1 } } });
	await sendTemplate(s.url, '919800000101');
	await sendTemplate(s.url, '919800000101', { lang: 'en' });
	await rx.waitFor(() => rx.statuses().length >= 3);
	const failed = rx.statuses().filter((x) => x.status === 'failed');
	expect(failed).toHaveLength(1);
	expect(failed[0].errors[0].code).toBe(131049);
});

test('messaging tier: recipients beyond the daily unique limit fail (documented code 131048)', async () => {
	await boot(
		{ shares: { delivered: 0, read: 0 } },
		{
			whatsapp: {
				messagingTier: 'TIER_250',
				phoneNumbers: [
					{ id: PHONE_ID, displayPhoneNumber: '+91 70000 00001', verifiedName: 'S', qualityRating: 'GREEN', throughputPerSecond: 1000 },
				],
			},
		},
	);
	for (let i = 0; i < 252; i++) await sendTemplate(s.url, `9190000${String(i).padStart(5, '0')}`);
	await rx.waitFor(() => rx.statuses().length >= 252);
	const failed = rx.statuses().filter((x) => x.status === 'failed');
	expect(failed.map((x) => x.errors[0].code)).toEqual([131048, 131048]);
	const stats = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
	expect(stats.body.businessInitiatedRecipientsToday).toBe(250);
});

test('phone_number_quality_update: tier step, throughput upgrade and flagging change the number and are sent, signed', async () => {
	await boot();
	const up = await call(s.url, 'POST', '/_sandbox/inject/phone-quality', { body: { messagingTier: 'TIER_10K' } });
	expect(up.status).toBe(200);
	expect(up.body.event).toBe('UPGRADE');
	const fast = await call(s.url, 'POST', '/_sandbox/inject/phone-quality', { body: { throughputPerSecond: 1000 } });
	expect(fast.body.event).toBe('THROUGHPUT_UPGRADE');
	const red = await call(s.url, 'POST', '/_sandbox/inject/phone-quality', { body: { qualityRating: 'RED' } });
	expect(red.body.event).toBe('FLAGGED');
	await rx.waitFor(() => rx.received.length >= 3);
	for (const got of rx.received) expect(validSignature(got.raw, got.signature)).toBe(true);
	const changes = rx.received.map((x) => x.json.entry[0].changes[0]);
	expect(changes.every((c) => c.field === 'phone_number_quality_update')).toBe(true);
	const upgrade = changes.find((c) => c.value.event === 'UPGRADE');
	expect(upgrade.value).toEqual({
		display_phone_number: '917000000001',
		event: 'UPGRADE',
		old_limit: 'TIER_250',
		max_daily_conversations_per_business: 'TIER_10K',
	});
	const info = await call(
		s.url,
		'GET',
		`/${GRAPH_API_VERSION}/${PHONE_ID}?fields=whatsapp_business_manager_messaging_limit,quality_rating,throughput`,
		{
			token: WA_TOKEN,
		},
	);
	expect(info.body).toMatchObject({
		whatsapp_business_manager_messaging_limit: 'TIER_10K',
		quality_rating: 'RED',
		throughput: { level: 'HIGH' },
	});
	const bad = await call(s.url, 'POST', '/_sandbox/inject/phone-quality', { body: { messagingTier: 'TIER_1K' } });
	expect(bad.status).toBe(400);
	expect(bad.body.error).toMatch(/messagingTier must be one of/);
});

test('free-form text outside the 24 h window → 131047; inside it (after an inbound message) it is free', async () => {
	await boot({ shares: { delivered: 1, read: 0 } });
	await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/messages`, { token: WA_TOKEN, body: textBody('919811111111', 'hello') });
	await rx.waitFor(() => rx.statuses().length >= 1);
	expect(rx.statuses()[0].errors[0].code).toBe(131047);

	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: '919822222222', text: 'मेरे साथ धोखा हुआ 😢' } });
	await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 7_000 } });
	await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/messages`, {
		token: WA_TOKEN,
		body: textBody('919822222222', 'Reference MITAN-1'),
	});
	await rx.waitFor(() => rx.statuses().filter((x) => x.recipient_id === '919822222222').length >= 2);
	const st = rx.statuses().filter((x) => x.recipient_id === '919822222222');
	expect(st.every((x) => x.status !== 'failed')).toBe(true);
	expect(st[0].pricing).toMatchObject({ billable: false, category: 'service', type: 'free_customer_service' });
});

test('inbound text in Devanagari and emoji: Meta-style \\u escapes, signature over those bytes', async () => {
	await boot();
	const text = 'मेरे खाते से ₹5000 कट गए 🙏 https://x.in/a';
	const inj = await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: '+919833333333', name: 'राम', text } });
	expect(inj.status).toBe(200);
	await rx.waitFor(() => rx.received.length >= 1);
	const got = rx.received[0];
	const rawText = got.raw.toString('utf8');
	expect(rawText).toMatch(/^[\x00-\x7f]*$/); // pure ASCII on the wire
	expect(rawText).toContain('\\u092e\\u0947'); // lowercase escapes
	expect(rawText).toContain('\\ud83d\\ude4f'); // emoji as a surrogate pair
	expect(rawText).toContain('https:\\/\\/x.in\\/a');
	expect(validSignature(got.raw, got.signature)).toBe(true);
	// A gateway that re-serialises before verifying fails, as it would against Meta.
	expect(validSignature(Buffer.from(JSON.stringify(got.json)), got.signature)).toBe(false);
	const value = got.json.entry[0].changes[0].value;
	// Since April 2026 every contact carries the citizen's business-scoped user id.
	expect(value.contacts[0]).toEqual({ profile: { name: 'राम' }, wa_id: '919833333333', user_id: expect.stringMatching(/^IN\.\d{16}$/) });
	expect(value.messages[0]).toMatchObject({ from: '919833333333', id: inj.body.wamid, type: 'text', text: { body: text } });
});

test('inbound button reply and image', async () => {
	await boot();
	await call(s.url, 'POST', '/_sandbox/inject/inbound', {
		body: { from: '919844444444', type: 'button', payload: 'STOP', title: 'रोकें', contextWamid: 'wamid.X' },
	});
	await call(s.url, 'POST', '/_sandbox/inject/inbound', { body: { from: '919844444444', type: 'image', caption: 'screenshot' } });
	await rx.waitFor(() => rx.received.length >= 2);
	const msgs = rx.received.map((r) => r.json.entry[0].changes[0].value.messages[0]);
	const button = msgs.find((m) => m.type === 'button');
	expect(button.button).toEqual({ payload: 'STOP', text: 'रोकें' });
	expect(button.context.id).toBe('wamid.X');
	const image = msgs.find((m) => m.type === 'image');
	expect(image.image).toMatchObject({ caption: 'screenshot', mime_type: 'image/jpeg', id: expect.any(String), sha256: expect.any(String) });
});

test('user_preferences stop makes marketing fail with 131050; resume restores it', async () => {
	await boot({ shares: { delivered: 1, read: 0 } }, { whatsapp: { pairLimitSeconds: 0 } });
	await call(s.url, 'POST', '/_sandbox/inject/user-preferences', { body: { waId: '919855555555', value: 'stop' } });
	await rx.waitFor(() => rx.received.length >= 1);
	const pref = rx.received[0].json.entry[0].changes[0];
	expect(pref.field).toBe('user_preferences');
	expect(pref.value.user_preferences[0]).toMatchObject({ wa_id: '919855555555', category: 'marketing_messages', value: 'stop' });
	await sendTemplate(s.url, '919855555555');
	await rx.waitFor(() => rx.statuses().length >= 1);
	expect(rx.statuses()[0].errors[0].code).toBe(131050);
	await call(s.url, 'POST', '/_sandbox/inject/user-preferences', { body: { waId: '919855555555', value: 'resume' } });
	await sendTemplate(s.url, '919855555555', { lang: 'en' });
	await rx.waitFor(() => rx.statuses().some((x) => x.status === 'sent'));
});

test('non-2xx answers are retried with backoff until accepted; give-up is counted', async () => {
	await boot({ shares: { delivered: 0, read: 0 } });
	rx.script = [500, 503];
	await sendTemplate(s.url, '919866666666');
	await rx.waitFor(() => rx.received.length >= 1);
	let stats = await call(s.url, 'GET', '/_sandbox/webhooks');
	expect(stats.body).toMatchObject({ sent: 3, retried: 2, succeeded: 1, failed: 0 });
	expect(validSignature(rx.received[0].raw, rx.received[0].signature)).toBe(true);

	rx.script = [500, 500, 500, 500];
	await sendTemplate(s.url, '919866666667');
	await call(s.url, 'POST', '/_sandbox/webhooks/drain');
	stats = await call(s.url, 'GET', '/_sandbox/webhooks');
	expect(stats.body).toMatchObject({ sent: 7, retried: 5, failed: 1 });
	const log = await call(s.url, 'GET', '/_sandbox/webhooks/log');
	expect(log.body.data[0]).toMatchObject({ attempt: 4, status: 500 });
});

test('duplicates: the same bytes delivered twice; statusesPerCall batches', async () => {
	await boot({ shares: { delivered: 0, read: 0 }, duplicateRate: 1 });
	await sendTemplate(s.url, '919877777777');
	await rx.waitFor(() => rx.received.length >= 2);
	expect(rx.received[0].raw.equals(rx.received[1].raw)).toBe(true);
	expect((await call(s.url, 'GET', '/_sandbox/webhooks')).body.duplicated).toBe(1);
});

test('statusesPerCall groups statuses of one number in one POST', async () => {
	await boot(
		{ shares: { delivered: 0, read: 0 }, statusesPerCall: 10, concurrency: 1, delaysMs: { sent: 0, delivered: 0, read: 0, failed: 0 } },
		{
			whatsapp: {
				phoneNumbers: [
					{ id: PHONE_ID, displayPhoneNumber: '+91 70000 00001', verifiedName: 'S', qualityRating: 'GREEN', throughputPerSecond: 1000 },
				],
			},
		},
	);
	rx.script = [];
	await Promise.all(Array.from({ length: 30 }, (_, i) => sendTemplate(s.url, `91988888${String(i).padStart(4, '0')}`)));
	await rx.waitFor(() => rx.statuses().length >= 30);
	expect(rx.received.length).toBeLessThan(30);
	expect(Math.max(...rx.received.map((r) => r.json.entry[0].changes[0].value.statuses.length))).toBeLessThanOrEqual(10);
});

test('reordering: some statuses arrive after later ones', async () => {
	await boot({ shares: { delivered: 1, read: 0 }, reorderRate: 0.5, reorderDelayMs: 60 }, { seed: 7 });
	for (let i = 0; i < 10; i++) await sendTemplate(s.url, `91989999${String(i).padStart(4, '0')}`);
	await rx.waitFor(() => rx.statuses().length >= 20);
	const order = rx.statuses();
	const outOfOrder = order.filter(
		(st) => st.status === 'sent' && order.findIndex((o) => o.id === st.id && o.status === 'delivered') < order.indexOf(st),
	);
	expect(outOfOrder.length).toBeGreaterThan(0);
	expect((await call(s.url, 'GET', '/_sandbox/webhooks')).body.reordered).toBeGreaterThan(0);
	// The message's latest status is still the most advanced one.
	const msgs = await call(s.url, 'GET', '/_sandbox/whatsapp/messages');
	expect(msgs.body.data.every((m: { status: string }) => m.status === 'delivered')).toBe(true);
});

test('GET verification handshake against the callback', async () => {
	await boot();
	const ok = await call(s.url, 'POST', '/_sandbox/inject/verify', { body: {} });
	expect(ok.body).toMatchObject({ ok: true, status: 200 });
	expect(ok.body.body).toBe(ok.body.challenge);
	expect(rx.gets[0].searchParams.get('hub.mode')).toBe('subscribe');
	const bad = await call(s.url, 'POST', '/_sandbox/inject/verify', { body: { verifyToken: 'wrong' } });
	expect(bad.body).toMatchObject({ ok: false, status: 403 });
});

test('reset drops statuses still waiting, so runs do not leak into each other', async () => {
	await boot({ shares: { delivered: 1, read: 1 }, delaysMs: { sent: 80, delivered: 90, read: 100, failed: 80 } });
	await sendTemplate(s.url, '919812121212');
	await call(s.url, 'POST', '/_sandbox/reset');
	await new Promise((r) => setTimeout(r, 200));
	expect(rx.received).toHaveLength(0);
	const st = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
	expect(st.body.byStatus).toEqual({ accepted: 0, sent: 0, delivered: 0, read: 0, failed: 0 });
	expect((await call(s.url, 'GET', '/_sandbox/webhooks')).body.pending).toBe(0);
});
