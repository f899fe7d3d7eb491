/**
 * The WhatsApp client against the sandbox over a real socket: request shape, wamid parsing,
 * and every error class read from Meta's structured code.
 */
import { createWhatsAppClient, WhatsAppApiError } from '../../core/channels/whatsapp/client';
import { whatsappAction, whatsappErrorFrom, WHATSAPP_ERROR_ACTIONS } from '../../core/channels/whatsapp/errors';
import { MitanError } from '../../core/errors';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';

let sb: Started;
beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => {
	await sb.running.close();
});
beforeEach(async () => {
	await call(sb.url, 'POST', '/_sandbox/reset?config=initial');
});

function client(token = WA_TOKEN) {
	return createWhatsAppClient({ accessToken: token, phoneNumberId: PHONE_ID, baseUrl: sb.url });
}

async function failure(p: Promise<unknown>): Promise<WhatsAppApiError> {
	try {
		await p;
	} catch (e) {
		expect(e).toBeInstanceOf(WhatsAppApiError);
		return e as WhatsAppApiError;
	}
	throw new Error('expected a failure');
}

describe('WhatsApp client', () => {
	test('sends a template in the citizen language and returns the wamid', async () => {
		const c = client();
		const r = await c.sendTemplate('+919800000001', { name: 'daily_awareness', language: 'hi', bodyParams: ['साइबर ठगी से सावधान'] });
		expect(r.wamid).toMatch(/^wamid\./);
		expect(r.waId).toBe('919800000001');
		const msgs = await call(sb.url, 'GET', '/_sandbox/whatsapp/messages?to=919800000001');
		expect(msgs.body.data).toEqual(
			expect.arrayContaining([expect.objectContaining({ wamid: r.wamid, language: 'hi', params: ['साइबर ठगी से सावधान'] })]),
		);
		c.close();
	});

	test('reads the phone number (the credential test)', async () => {
		const c = client();
		const info = await c.getPhoneNumber();
		expect(info.id).toBe(PHONE_ID);
		c.close();
	});

	test('classifies synchronous errors by code: 190, 132001, 132000, 131056, 100', async () => {
		const bad = client('not-a-token');
		const e190 = await failure(bad.sendTemplate('+919800000002', { name: 'daily_awareness', language: 'hi', bodyParams: ['x'] }));
		expect(e190.metaCode).toBe(190);
		expect(e190.action).toBe('reauthenticate');
		expect(e190.httpStatus).toBe(401);
		bad.close();

		const c = client();
		const e132001 = await failure(c.sendTemplate('+919800000002', { name: 'no_such_template', language: 'hi', bodyParams: ['x'] }));
		expect([e132001.metaCode, e132001.action, e132001.httpStatus]).toEqual([132001, 'fix_content', 404]);
		const e132000 = await failure(c.sendTemplate('+919800000002', { name: 'daily_awareness', language: 'hi', bodyParams: ['x', 'y'] }));
		expect([e132000.metaCode, e132000.action]).toEqual([132000, 'fix_content']);

		await c.sendTemplate('+919800000003', { name: 'daily_awareness', language: 'en', bodyParams: ['x'] });
		const e131056 = await failure(c.sendTemplate('+919800000003', { name: 'daily_awareness', language: 'en', bodyParams: ['x'] }));
		expect([e131056.metaCode, e131056.action]).toEqual([131056, 'slow_recipient']);
		expect(e131056.mayHaveBeenSent).toBe(false);
		c.close();
	});

	test('a refused connection is retry_soon and certainly not sent', async () => {
		const c = createWhatsAppClient({ accessToken: 't', phoneNumberId: '1', baseUrl: 'http://127.0.0.1:1' });
		const e = await failure(c.sendTemplate('+919800000004', { name: 'daily_awareness', language: 'hi' }));
		expect(e.action).toBe('retry_soon');
		expect(e.mayHaveBeenSent).toBe(false);
		c.close();
	});

	test('bad configuration and bad input are refused before any request, naming the field', () => {
		expect(() => createWhatsAppClient({ accessToken: '', phoneNumberId: PHONE_ID })).toThrow(/accessToken/);
		expect(() => createWhatsAppClient({ accessToken: 't', phoneNumberId: 'abc' })).toThrow(/phoneNumberId/);
		expect(() => createWhatsAppClient({ accessToken: 't', phoneNumberId: '1', graphVersion: '25' })).toThrow(/graphVersion/);
		expect(() => createWhatsAppClient({ accessToken: 't', phoneNumberId: '1', baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
		const c = client();
		return Promise.all([
			expect(c.sendTemplate('12', { name: 'daily_awareness', language: 'hi' })).rejects.toThrow(/field "to"/),
			expect(c.sendTemplate('+919800000001', { name: '', language: 'hi' })).rejects.toThrow(/template.name/),
			expect(c.sendTemplate('+919800000001', { name: 'x', language: 'hi-IN' })).rejects.toThrow(/template.language/),
			expect(c.sendText('+919800000001', '')).rejects.toThrow(/field "body"/),
			expect(c.sendText('+919800000001', 'x'.repeat(4097))).rejects.toThrow(/4,096/),
		]).finally(() => c.close());
	});
});

describe('error map', () => {
	test('every code the design names maps to its class', () => {
		const expected: Record<number, string> = {
			130429: 'retry_soon',
			131000: 'retry_soon',
			4: 'retry_soon',
			80007: 'retry_soon',
			131056: 'slow_recipient',
			131049: 'retry_tomorrow',
			131026: 'drop_recipient',
			131050: 'drop_recipient',
			132000: 'fix_content',
			132001: 'fix_content',
			100: 'fix_content',
			190: 'reauthenticate',
			368: 'stop_campaign',
			131048: 'stop_campaign',
		};
		for (const [code, action] of Object.entries(expected)) expect([code, WHATSAPP_ERROR_ACTIONS[Number(code)]]).toEqual([code, action]);
	});

	test('classification never reads the message text', () => {
		const a = whatsappErrorFrom(
			400,
			{ error: { code: 130429, message: 'Template does not exist', error_data: { details: 'x' }, fbtrace_id: 'T1' } },
			'here',
		);
		expect(a.action).toBe('retry_soon');
		expect(a.fbtraceId).toBe('T1');
		const b = whatsappErrorFrom(400, { error: { message: '(#130429) Rate limit hit' } }, 'here');
		expect(b.metaCode).toBeUndefined();
		expect(b.action).toBe('fix_content');
		expect(whatsappErrorFrom(503, 'not json', 'here').action).toBe('retry_soon');
		expect(whatsappAction(999999, 500)).toBe('retry_soon');
		expect(whatsappAction(200)).toBe('reauthenticate');
		expect(a).toBeInstanceOf(MitanError);
	});
});
