/** Contract tests: the /_sandbox/ inspection API (what tests and the broadcast benchmark rely on). */
import { inspectGuard, inspectHeaders } from '../../sandbox/inspect-guard';
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

// Issue 18 finding 9: a web page could post a signed STOP through the inspection API, and any
// local process could read the app secret from it.
describe('who may use the inspection API', () => {
	const injected = async () => (await call(s.url, 'GET', '/_sandbox/whatsapp/stats')).body.inbound;

	test('a cross-origin form post (what a web page can send) is refused and injects nothing', async () => {
		const before = await injected();
		const res = await fetch(`${s.url}/_sandbox/inject/inbound`, {
			method: 'POST',
			headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', ...inspectHeaders(s.running.token) },
			body: 'from=916000000002&text=STOP',
		});
		expect(res.status).toBe(403);
		expect(res.headers.get('access-control-allow-origin')).toBeNull();
		const reset = await fetch(`${s.url}/_sandbox/reset`, { method: 'POST', headers: { origin: 'https://evil.example' } });
		expect(reset.status).toBe(403);
		const preflight = await fetch(`${s.url}/_sandbox/inject/inbound`, {
			method: 'OPTIONS',
			headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
		});
		expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
		expect(await injected()).toEqual(before);
	});

	test('without the token, or with a wrong one: 401 on every inspection path', async () => {
		for (const [method, p] of [
			['GET', '/_sandbox/config'],
			['POST', '/_sandbox/inject/inbound'],
			['POST', '/_sandbox/reset'],
			['GET', '/_sandbox/whatsapp/messages'],
		]) {
			expect([p, (await fetch(s.url + p, { method })).status]).toEqual([p, 401]);
			expect([p, (await fetch(s.url + p, { method, headers: inspectHeaders('wrong') })).status]).toEqual([p, 401]);
		}
		// Meta's own paths keep their own access-token check, unchanged.
		expect((await sendTemplate(s.url, '919876500009')).status).toBe(200);
	});

	test('the config shown holds no secret: app secret and access tokens are masked', async () => {
		const shown = await call(s.url, 'GET', '/_sandbox/config');
		const text = JSON.stringify(shown.body);
		expect(shown.body.appSecret).toBe('***');
		for (const secret of ['sandbox-app-secret', 'sandbox-token', 'sandbox-page-token', 'sandbox-verify-token', 'sandbox-consumer-secret'])
			expect([secret, text.includes(secret)]).toEqual([secret, false]);
		const patched = await call(s.url, 'PATCH', '/_sandbox/config', { body: { webhook: { duplicateRate: 0.2 } } });
		expect(JSON.stringify(patched.body)).not.toContain('sandbox-app-secret');
		// Masked in the answer only: the sandbox still signs with the real one.
		expect(s.sandbox.state.config.appSecret).toBe('sandbox-app-secret');
	});

	test('a peer that is not loopback is refused (SANDBOX_HOST may widen the bind address)', () => {
		const answers: number[] = [];
		const res = { status: (n: number) => (answers.push(n), { json: () => undefined }) } as unknown as Parameters<
			ReturnType<typeof inspectGuard>
		>[1];
		let passed = 0;
		const guard = inspectGuard('t0ken');
		for (const remoteAddress of ['192.0.2.7', '10.0.0.2', '::ffff:10.0.0.2', 'fe80::1'])
			guard({ socket: { remoteAddress }, headers: inspectHeaders('t0ken') } as never, res, () => passed++);
		guard({ socket: { remoteAddress: '127.0.0.1' }, headers: inspectHeaders('t0ken') } as never, res, () => passed++);
		expect(answers).toEqual([403, 403, 403, 403]);
		expect(passed).toBe(1);
	});
});
