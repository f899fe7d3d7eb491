/**
 * Mitan Notify against the sandbox: the utility template by default (new lines flattened, cut to
 * Meta's limit), several recipients, the pair limit waited out, and every kind of bad input named
 * with its field. Free text only where the 24-hour window is open, with the sandbox as strict as
 * Meta (enforceCustomerServiceWindow on: free text outside the window fails with 131047): outside
 * it the mitan_staff_alert template goes instead, or, for "free text only", nothing and an error.
 */
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import { insertInbound } from '../../core/inbound/repository';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';
import { call, startSandbox, type Started } from '../sandbox/helpers';
import { alertText, sandboxMessages } from './helpers';
import { ALERT_PARAM_MAX } from '../../core/channels/whatsapp/text';

const wf = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): WorkflowJson => ({
	name: 'notify test',
	nodes: [
		{
			id: 'n',
			name: 'Notify',
			type: nodeType('mitanNotify'),
			typeVersion: 1,
			position: [0, 0],
			credentials: { mitanWhatsAppApi: { id: '1', name: 'wa' }, mitanDatabaseApi: { id: '2', name: 'db' } },
			parameters: { resource: 'alert', operation: 'send', ...parameters },
			...extra,
		},
	],
	connections: {},
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describe('Mitan Notify', () => {
	let sb: Started;
	let h: N8nHarness;
	beforeAll(async () => {
		sb = await startSandbox();
		h = new N8nHarness({
			credentials: { mitanWhatsAppApi: { accessToken: 'sandbox-token', phoneNumberId: '100000000000001', baseUrl: sb.url } },
		});
	});
	afterAll(() => sb.running.close());

	test('the mitan_staff_alert template to each staff number, new lines flattened, long text cut to the limit', async () => {
		const long = `पहली पंक्ति / first line\n\n\tदूसरी    पंक्ति\n${'अ'.repeat(2000)}`;
		const r = await h.run(wf({ recipients: '98000 11111, +91 98000 11112,9800011111', message: long }));
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Notify')).toEqual([
			expect.objectContaining({ to: '+91 98XXXXX111', sent: true, template: 'mitan_staff_alert', language: 'hi', truncated: true }),
			expect.objectContaining({ to: '+91 98XXXXX112', sent: true }),
		]);
		const [m] = await sandboxMessages(sb.url, '919800011111');
		expect(m).toMatchObject({ type: 'template', template: 'mitan_staff_alert', language: 'hi' });
		const text = alertText(m);
		expect(text.startsWith('पहली पंक्ति / first line | दूसरी पंक्ति | अअअ')).toBe(true);
		expect(text).toHaveLength(ALERT_PARAM_MAX); // UTF-16 units, WhatsApp's counting unit
		expect(text).not.toMatch(/[\n\t]| {2}/);
	});

	test('a second alert to the same number within 6 s waits out the pair limit', async () => {
		const first = await h.run(wf({ recipients: '9800011121', message: 'one' }));
		expect(first.error?.message).toBeUndefined();
		const second = await h.run(wf({ recipients: '9800011121', message: 'two' }));
		expect(second.error?.message).toBeUndefined();
		expect((await sandboxMessages(sb.url, '919800011121')).map(alertText)).toEqual(['one', 'two']);
		const rejected = (await call(sb.url, 'GET', '/_sandbox/whatsapp/rejections?code=131056')).body.data;
		expect(rejected.length).toBeGreaterThanOrEqual(1);
	}, 30000);

	test('a failing recipient does not stop the others; the error names it; continue on fail gives code and action', async () => {
		const r = await h.run(
			wf({ recipients: '9800011151', message: 'x', templateName: 'no_such_template' }, { onError: 'continueRegularOutput' }),
		);
		expect(r.output('Notify')).toEqual([
			expect.objectContaining({ sent: false, to: '+91 98XXXXX151', code: 'WHATSAPP_132001', action: 'fix_content' }),
		]);
	});

	test.each([
		[{ recipients: ' , ', message: 'x' }, /Recipients \(parameter "recipients"\) is empty/],
		[{ recipients: '9800011141, 12345', message: 'x' }, /Recipients \(parameter "recipients"\), entry 2 "12345": .*too short/],
		[{ recipients: '9800011141', message: '  ' }, /Message \(parameter "message"\) is empty/],
		[{ recipients: '9800011141', message: 'x', templateName: 'no_such_template' }, /132001/],
	])('bad input %j is refused with what and where', async (params, message) => {
		const r = await h.run(wf(params));
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(message);
	});
});

describeEachEngine('Mitan Notify: free text and the 24-hour window', (ctx) => {
	let sb: Started;
	let h: N8nHarness;
	// Numbers of this engine's own (the two engines' blocks run in one process).
	const base = ctx.engine === 'pglite' ? 9800012100 : 9800012200;
	const closed = String(base + 1);
	const open = String(base + 2);
	const never = String(base + 3);
	const open2 = String(base + 4);
	const digits = (n: string) => `91${n}`;

	/** The staff member writes to the number: the sandbox opens their window, the gateway's store records it. */
	async function staffWrites(n: string, text: string): Promise<void> {
		const r = await call(sb.url, 'POST', '/_sandbox/inject/inbound', { body: { from: digits(n), text } });
		expect(r.status).toBe(200);
		await insertInbound(ctx.db, {
			districtId: 1,
			wamid: r.body.wamid,
			subscriberId: null,
			fromPhone: `+${digits(n)}`,
			fromUserId: null,
			type: 'text',
			body: text,
			payload: {},
			sentAt: new Date().toISOString(),
			phoneNumberId: '100000000000001',
			keyword: null,
			queueState: 'done',
		});
	}

	beforeAll(async () => {
		sb = await startSandbox();
		h = new N8nHarness({
			credentials: {
				mitanWhatsAppApi: { accessToken: 'sandbox-token', phoneNumberId: '100000000000001', baseUrl: sb.url },
				mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url },
			},
		});
		await staffWrites(open, 'ड्यूटी पर हूँ / on duty');
		await staffWrites(open2, 'हाज़िर / here');
	});
	afterAll(async () => {
		await closeAllPools();
		await sb.running.close();
	});

	test('the sandbox is as strict as Meta: free text to a number whose window is closed is accepted, then fails with 131047', async () => {
		const wa = createWhatsAppClient({ accessToken: 'sandbox-token', phoneNumberId: '100000000000001', baseUrl: sb.url });
		const { wamid } = await wa.sendText(`+${digits(never)}`, 'free text nobody asked for');
		wa.close();
		const m = (await call(sb.url, 'GET', `/_sandbox/whatsapp/messages/${wamid}`)).body;
		expect(m).toMatchObject({ status: 'failed', errorCode: 131047 });
	});

	test('free text, else the template: the open window gets free text (delivered), the closed one mitan_staff_alert', async () => {
		const r = await h.run(wf({ recipients: `${closed}, ${open}`, message: 'बैठक 5 बजे\nmeeting at 5', messageType: 'text' }));
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Notify')).toEqual([
			expect.objectContaining({ sent: true, messageType: 'template', template: 'mitan_staff_alert', language: 'hi' }),
			expect.objectContaining({ sent: true, messageType: 'text' }),
		]);
		const [tpl] = await sandboxMessages(sb.url, digits(closed));
		expect(tpl).toMatchObject({ type: 'template', template: 'mitan_staff_alert' });
		expect(['sent', 'delivered', 'read']).toContain(tpl.status);
		expect(alertText(tpl)).toBe('बैठक 5 बजे | meeting at 5');
		const [text] = await sandboxMessages(sb.url, digits(open));
		expect(text).toMatchObject({ type: 'text', text: 'बैठक 5 बजे\nmeeting at 5' });
		expect(['sent', 'delivered', 'read']).toContain(text.status);
	});

	test('free text only: a closed window is refused naming 131047 and what to do, nothing is sent there; the open one gets it', async () => {
		const before = (await sandboxMessages(sb.url, digits(closed))).length;
		const r = await h.run(wf({ recipients: `${closed}, ${open2}`, message: 'only as text', messageType: 'textOnly' }));
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/24-hour window is closed.*131047.*utility template/);
		expect(r.error?.message).toMatch(/sent to 1 other/);
		expect(await sandboxMessages(sb.url, digits(closed))).toHaveLength(before);
		expect((await sandboxMessages(sb.url, digits(open2))).map(alertText)).toEqual(['only as text']);

		const c = await h.run(
			wf({ recipients: closed, message: 'only as text', messageType: 'textOnly' }, { onError: 'continueRegularOutput' }),
		);
		expect(c.output('Notify')).toEqual([
			expect.objectContaining({ sent: false, messageType: 'text', code: 'WHATSAPP_WINDOW_CLOSED', action: 'fix_content' }),
		]);
		expect(String(c.output('Notify')[0].error)).toMatch(/[\u0900-\u097F]/);
		expect(await sandboxMessages(sb.url, digits(closed))).toHaveLength(before);
	});
});
