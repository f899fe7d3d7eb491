/** Contract tests: WhatsApp Cloud API send + phone number info, every synchronous error. */
import { call, PHONE_ID, sendTemplate, startSandbox, templateBody, textBody, WA_TOKEN, type Started } from './helpers';
import { GRAPH_API_VERSION } from '../../core/channels/api';

let s: Started;
beforeEach(async () => {
	s = await startSandbox({ webhook: { callbackUrl: null } });
});
afterEach(async () => {
	await s.running.close();
});

const send = (body: unknown, token = WA_TOKEN, version = GRAPH_API_VERSION) =>
	call(s.url, 'POST', `/${version}/${PHONE_ID}/messages`, { token, body });

describe('POST /{version}/{phone-number-id}/messages', () => {
	test('a template message is accepted with contacts and a wamid', async () => {
		const r = await sendTemplate(s.url, '+91 98765-43210');
		expect(r.status).toBe(200);
		expect(r.body.messaging_product).toBe('whatsapp');
		expect(r.body.contacts).toEqual([{ input: '+91 98765-43210', wa_id: '919876543210' }]);
		expect(r.body.messages[0].id).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
		expect(r.body.messages[0].message_status).toBe('accepted');
	});

	test('the versions Meta serves are accepted; an expired one is answered as the oldest served; an unreleased one is unknown', async () => {
		// One recipient per call: the pair limit would refuse a second message to the same one.
		for (const [i, v] of ['v27.0', 'v26.0', 'v25.0', 'v21.0'].entries())
			expect((await send(templateBody(`91987654322${i}`), WA_TOKEN, v)).status).toBe(200);
		const expired = await send(templateBody('919876543213'), WA_TOKEN, 'v19.0');
		expect(expired.status).toBe(200);
		expect((await call(s.url, 'GET', '/_sandbox/whatsapp/stats')).body.expiredVersionCalls).toBe(1);
		for (const v of ['v99.0', 'latest']) {
			const bad = await send(templateBody('919876543212'), WA_TOKEN, v);
			expect(bad.status).toBe(400);
			expect(bad.body.error.code).toBe(2500);
		}
	});

	test('wamids are unique', async () => {
		const ids = new Set<string>();
		for (let i = 0; i < 20; i++) ids.add((await sendTemplate(s.url, `9198765400${String(i).padStart(2, '0')}`)).body.messages[0].id);
		expect(ids.size).toBe(20);
	});

	test('token: missing, unknown, expired (190/463), valid for another object (100/33)', async () => {
		const missing = await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/messages`, { body: templateBody('919876543210') });
		expect(missing.status).toBe(400);
		expect(missing.body.error.code).toBe(104);

		const bad = await send(templateBody('919876543210'), 'not-a-token');
		expect(bad.status).toBe(401);
		expect(bad.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
		expect(typeof bad.body.error.fbtrace_id).toBe('string');

		await call(s.url, 'POST', '/_sandbox/tokens/expire', { body: { token: WA_TOKEN } });
		const expired = await send(templateBody('919876543210'));
		expect(expired.status).toBe(401);
		expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463 });
		await call(s.url, 'POST', '/_sandbox/tokens/renew', { body: { token: WA_TOKEN } });
		expect((await send(templateBody('919876543210'))).status).toBe(200);

		const pageToken = await send(templateBody('919876543213'), 'sandbox-page-token');
		expect(pageToken.status).toBe(400);
		expect(pageToken.body.error).toMatchObject({ code: 100, error_subcode: 33 });
	});

	test('access_token in the query works like the header', async () => {
		const r = await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/messages?access_token=${WA_TOKEN}`, {
			body: templateBody('919876543214'),
		});
		expect(r.status).toBe(200);
	});

	test('unknown phone number id → 100/33', async () => {
		const r = await call(s.url, 'POST', `/${GRAPH_API_VERSION}/999999999999999/messages`, {
			token: WA_TOKEN,
			body: templateBody('919876543210'),
		});
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ code: 100, error_subcode: 33 });
	});

	test.each([
		['messaging_product missing', { to: '919876543210', type: 'text', text: { body: 'hi' } }],
		['to missing', { messaging_product: 'whatsapp', type: 'text', text: { body: 'hi' } }],
		['to not a number', { messaging_product: 'whatsapp', to: 'abc', type: 'text', text: { body: 'hi' } }],
		['to too short', { messaging_product: 'whatsapp', to: '12345', type: 'text', text: { body: 'hi' } }],
		['to too long', { messaging_product: 'whatsapp', to: '+9198765432109876', type: 'text', text: { body: 'hi' } }],
		['unknown type', { messaging_product: 'whatsapp', to: '919876543210', type: 'fax' }],
		['text body missing', { messaging_product: 'whatsapp', to: '919876543210', type: 'text', text: {} }],
		['text body too long', { messaging_product: 'whatsapp', to: '919876543210', type: 'text', text: { body: 'x'.repeat(4097) } }],
		[
			'template language missing',
			{ messaging_product: 'whatsapp', to: '919876543210', type: 'template', template: { name: 'daily_awareness' } },
		],
	])('%s → (#100) with error_data', async (_name, body) => {
		const r = await send(body);
		expect(r.status).toBe(400);
		expect(r.body.error.code).toBe(100);
		expect(r.body.error.message).toMatch(/^\(#100\) /);
		expect(r.body.error.error_data.messaging_product).toBe('whatsapp');
		expect(typeof r.body.error.error_data.details).toBe('string');
	});

	test('template not registered in that language → 132001 (HTTP 404)', async () => {
		const r = await sendTemplate(s.url, '919876543210', { lang: 'mr' });
		expect(r.status).toBe(404);
		expect(r.body.error).toMatchObject({
			code: 132001,
			type: 'OAuthException',
			message: '(#132001) Template name does not exist in the translation',
		});
		expect(r.body.error.error_data.details).toContain('daily_awareness');
		const unknown = await sendTemplate(s.url, '919876543210', { name: 'no_such_template' });
		expect(unknown.body.error.code).toBe(132001);
	});

	test('wrong number of body parameters → 132000', async () => {
		for (const params of [[], ['a', 'b']]) {
			const r = await sendTemplate(s.url, '919876543210', { params });
			expect(r.status).toBe(400);
			expect(r.body.error.code).toBe(132000);
			expect(r.body.error.error_data.details).toContain(`(${params.length})`);
		}
	});

	test('a text parameter without text → 131008', async () => {
		const body = templateBody('919876543210') as { template: { components: unknown[] } };
		body.template.components = [{ type: 'body', parameters: [{ type: 'text' }] }];
		const r = await send(body);
		expect(r.body.error.code).toBe(131008);
	});

	test('throughput over the per-second limit → 130429, and never more than the limit in one second', async () => {
		await call(s.url, 'PATCH', '/_sandbox/config', {
			body: {
				whatsapp: {
					phoneNumbers: [
						{ id: PHONE_ID, displayPhoneNumber: '+91 70000 00001', verifiedName: 'S', qualityRating: 'GREEN', throughputPerSecond: 5 },
					],
				},
			},
		});
		const results = await Promise.all(Array.from({ length: 30 }, (_, i) => sendTemplate(s.url, `91987650${String(i).padStart(4, '0')}`)));
		const limited = results.filter((r) => r.status === 400 && r.body.error.code === 130429);
		expect(limited.length).toBeGreaterThan(0);
		expect(limited[0].body.error.message).toBe('(#130429) Rate limit hit');
		expect(results.filter((r) => r.status === 200).length + limited.length).toBe(30);
		const stats = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
		const t = stats.body.throughput[PHONE_ID];
		expect(t.rejected130429).toBe(limited.length);
		expect(t.peakPerSecond).toBeLessThanOrEqual(5);
		for (const sec of t.lastSeconds) expect(sec.accepted).toBeLessThanOrEqual(5);
		expect(stats.body.syncErrors['130429']).toBe(limited.length);
	});

	test('pair limit: a second message to the same citizen within 6 s → 131056; fine after 6 s', async () => {
		expect((await sendTemplate(s.url, '919876543210')).status).toBe(200);
		const second = await sendTemplate(s.url, '919876543210', { name: 'complaint_ack' });
		expect(second.status).toBe(400);
		expect(second.body.error.code).toBe(131056);
		expect((await sendTemplate(s.url, '919876543299')).status).toBe(200); // others unaffected
		await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 6_000 } });
		expect((await sendTemplate(s.url, '919876543210', { name: 'complaint_ack' })).status).toBe(200);
	});

	test('marketing_messages: refused until the portfolio is onboarded (134100), then marketing templates only', async () => {
		const refused = await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/marketing_messages`, {
			token: WA_TOKEN,
			body: templateBody('919876543214'),
		});
		expect([refused.status, refused.body.error.code]).toEqual([400, 134100]);
		expect(
			(await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { marketingMessages: { onboarded: true } } } })).status,
		).toBe(200);
		const ok = await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/marketing_messages`, {
			token: WA_TOKEN,
			body: templateBody('919876543215'),
		});
		expect(ok.status).toBe(200);
		const utility = await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/marketing_messages`, {
			token: WA_TOKEN,
			body: templateBody('919876543216', { name: 'complaint_ack' }),
		});
		expect(utility.body.error.code).toBe(100);
		await call(s.url, 'PATCH', '/_sandbox/config', { body: { whatsapp: { marketingMessages: { onboarded: false } } } });
	});

	test('text messages are accepted synchronously (the 24 h window is checked asynchronously)', async () => {
		const r = await send(textBody('919876543217', 'नमस्ते 🙏'));
		expect(r.status).toBe(200);
	});

	test('malformed JSON → (#100)', async () => {
		const res = await fetch(`${s.url}/${GRAPH_API_VERSION}/${PHONE_ID}/messages`, {
			method: 'POST',
			headers: { authorization: `Bearer ${WA_TOKEN}`, 'content-type': 'application/json' },
			body: '{"messaging_product":',
		});
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
	});
});

describe('GET /{version}/{phone-number-id}', () => {
	test('returns the phone number info credential tests read', async () => {
		const r = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PHONE_ID}`, { token: WA_TOKEN });
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({
			id: PHONE_ID,
			display_phone_number: '+91 70000 00001',
			verified_name: 'Police Mitan Sandbox',
			quality_rating: 'GREEN',
			throughput: { level: 'STANDARD' },
		});
	});

	test('fields= projects, unknown field → (#100)', async () => {
		const r = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PHONE_ID}?fields=display_phone_number,throughput`, { token: WA_TOKEN });
		expect(r.body).toEqual({ display_phone_number: '+91 70000 00001', throughput: { level: 'STANDARD' }, id: PHONE_ID });
		const bad = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PHONE_ID}?fields=nonsense`, { token: WA_TOKEN });
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe(100);
	});

	test('1,000/s numbers report throughput HIGH; bad token → 190', async () => {
		await call(s.url, 'PATCH', '/_sandbox/config', {
			body: {
				whatsapp: {
					phoneNumbers: [
						{ id: PHONE_ID, displayPhoneNumber: '+91 70000 00001', verifiedName: 'S', qualityRating: 'GREEN', throughputPerSecond: 1000 },
					],
				},
			},
		});
		expect((await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PHONE_ID}`, { token: WA_TOKEN })).body.throughput.level).toBe('HIGH');
		expect((await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PHONE_ID}`, { token: 'nope' })).body.error.code).toBe(190);
	});

	test('a new portfolio: tier 250 and 80 msg/s by default, read with the fields the core asks for', async () => {
		const fields = 'messaging_limit_tier,whatsapp_business_manager_messaging_limit,quality_rating,throughput';
		const r = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PHONE_ID}?fields=${fields}`, { token: WA_TOKEN });
		expect(r.body).toEqual({
			messaging_limit_tier: 'TIER_250',
			whatsapp_business_manager_messaging_limit: 'TIER_250',
			quality_rating: 'GREEN',
			throughput: { level: 'STANDARD' },
			id: PHONE_ID,
		});
		const stats = await call(s.url, 'GET', '/_sandbox/whatsapp/stats');
		expect(stats.body).toMatchObject({ messagingTier: 'TIER_250', tierLimit: 250 });
		expect(stats.body.throughput[PHONE_ID].limitPerSecond).toBe(80);
	});

	test('WABA phone_numbers and message_templates', async () => {
		const pn = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/200000000000001/phone_numbers`, { token: WA_TOKEN });
		expect(pn.body.data[0].id).toBe(PHONE_ID);
		const t = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/200000000000001/message_templates`, { token: WA_TOKEN });
		expect(t.body.data.map((x: { name: string; language: string }) => `${x.name}/${x.language}`)).toContain('daily_awareness/hi');
	});
});
