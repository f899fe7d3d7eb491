/** Contract tests: the /_sandbox/ inspection API (what tests and the broadcast benchmark rely on). */
import { call, PHONE_ID, sendTemplate, startSandbox, type Started } from './helpers';

let s: Started;
beforeEach(async () => {
	s = await startSandbox({ buffers: { messages: 50 } });
});
afterEach(async () => {
	await s.running.close();
});

const advance = (ms: number) => call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: ms } });

test('messages sent to a number: wamid, template, language, time', async () => {
	const a = await sendTemplate(s.url, '919876500001');
	await sendTemplate(s.url, '919876500002', { lang: 'en' });
	const r = await call(s.url, 'GET', '/_sandbox/whatsapp/messages?to=%2B919876500001');
	expect(r.body.data).toHaveLength(1);
	expect(r.body.data[0]).toMatchObject({
		wamid: a.body.messages[0].id,
		template: 'daily_awareness',
		language: 'hi',
		phoneNumberId: PHONE_ID,
		params: ['आज का संदेश'],
	});
	expect(Date.parse(r.body.data[0].acceptedAt)).toBeGreaterThan(0);
	const byTemplate = await call(s.url, 'GET', '/_sandbox/whatsapp/messages?template=daily_awareness&limit=1');
	expect(byTemplate.body.data).toHaveLength(1);
	expect(byTemplate.body.data[0].waId).toBe('919876500002'); // newest first
});

test('totals: accepted, by error code, by status', async () => {
	await sendTemplate(s.url, '919876500003');
	await sendTemplate(s.url, '919876500003');
	await sendTemplate(s.url, '919876500004', { lang: 'xx' });
	const st = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
	expect(st.body).toMatchObject({ accepted: 1, rejected: 2, syncErrors: { '131056': 1, '132001': 1 } });
	// Webhooks off: statuses are applied at acceptance.
	expect(st.body.byStatus.sent).toBe(1);
	const rej = await call(s.url, 'GET', '/_sandbox/whatsapp/rejections?code=132001');
	expect(rej.body.data).toHaveLength(1);
});

test('duplicates: citizens who got the same template more than once on the same day', async () => {
	await sendTemplate(s.url, '919876500010');
	await sendTemplate(s.url, '919876500011');
	await advance(7_000);
	await sendTemplate(s.url, '919876500010'); // same template, same day: a duplicate
	await sendTemplate(s.url, '919876500011', { name: 'complaint_ack' }); // another template: not one
	await advance(7_000);
	await sendTemplate(s.url, '919876500010', { lang: 'en' }); // same name in another language still counts
	const d = await call(s.url, 'GET', '/_sandbox/whatsapp/duplicates');
	expect(d.body).toMatchObject({ recipients: 1, pairs: 1, extraMessages: 2 });
	expect(d.body.list[0]).toMatchObject({ waId: '919876500010', template: 'daily_awareness', count: 2 });
	expect(d.body.list[0].wamid).toMatch(/^wamid\./);
	// Tomorrow starts clean.
	await advance(24 * 3600 * 1000);
	await sendTemplate(s.url, '919876500010');
	expect((await call(s.url, 'GET', '/_sandbox/whatsapp/duplicates')).body).toMatchObject({ recipients: 0, pairs: 0, pairsAllDays: 1 });
});

test('memory is bounded: the ring keeps the last N messages, counters keep counting', async () => {
	await call(s.url, 'PATCH', '/_sandbox/config', {
		body: {
			whatsapp: {
				phoneNumbers: [
					{ id: PHONE_ID, displayPhoneNumber: '+91 70000 00001', verifiedName: 'S', qualityRating: 'GREEN', throughputPerSecond: 1000 },
				],
			},
		},
	});
	for (let i = 0; i < 120; i++) await sendTemplate(s.url, `9198770${String(i).padStart(5, '0')}`);
	const st = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
	expect(st.body.accepted).toBe(120);
	expect(st.body.memory.messagesBuffered).toBe(50);
	const all = await call(s.url, 'GET', '/_sandbox/whatsapp/messages?limit=1000');
	expect(all.body.data).toHaveLength(50);
	expect(all.body.data[0].waId).toBe('919877000119');
});

test('config GET / PATCH; unknown keys and wrong types are refused', async () => {
	const before = await call(s.url, 'GET', '/_sandbox/config');
	expect(before.body.whatsapp.phoneNumbers[0].id).toBe(PHONE_ID);
	const patched = await call(s.url, 'PATCH', '/_sandbox/config', { body: { webhook: { duplicateRate: 0.1 } } });
	expect(patched.body.webhook.duplicateRate).toBe(0.1);
	expect(patched.body.webhook.reorderRate).toBe(0);
	const unknown = await call(s.url, 'PATCH', '/_sandbox/config', { body: { webhook: { duplicatRate: 0.1 } } });
	expect(unknown.status).toBe(400);
	expect(unknown.body.error).toContain('duplicatRate');
	const wrongType = await call(s.url, 'PATCH', '/_sandbox/config', { body: { seed: 'x' } });
	expect(wrongType.status).toBe(400);
});

test('reset clears state; ?config=initial also restores the config', async () => {
	await sendTemplate(s.url, '919876500020');
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { webhook: { duplicateRate: 0.5 } } });
	await call(s.url, 'POST', '/_sandbox/reset');
	const st = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
	expect(st.body.accepted).toBe(0);
	expect((await call(s.url, 'GET', '/_sandbox/config')).body.webhook.duplicateRate).toBe(0.5);
	await call(s.url, 'POST', '/_sandbox/reset?config=initial');
	expect((await call(s.url, 'GET', '/_sandbox/config')).body.webhook.duplicateRate).toBe(0);
	// Pair window forgotten too.
	expect((await sendTemplate(s.url, '919876500020')).status).toBe(200);
});

test('clock, health, process', async () => {
	const c = await advance(3_600_000);
	expect(c.body.offsetMs).toBe(3_600_000);
	expect((await call(s.url, 'GET', '/_sandbox/health')).body.ok).toBe(true);
	expect((await call(s.url, 'GET', '/_sandbox/process')).body.cpuUsage.user).toBeGreaterThan(0);
	expect((await call(s.url, 'GET', '/_sandbox/nothing')).status).toBe(404);
});
