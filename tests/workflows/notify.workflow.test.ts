/**
 * Mitan Notify against the sandbox: the utility template by default (new lines flattened, cut to
 * Meta's limit), free text as an option, several recipients, the pair limit waited out, and every
 * kind of bad input named with its field.
 */
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
			credentials: { mitanWhatsAppApi: { id: '1', name: 'wa' } },
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

	test('free text as an option; WhatsApp accepts it and reports a closed 24 h window later, by status webhook (131047)', async () => {
		const r = await h.run(wf({ recipients: '9800011131, 9800011132', message: 'free text\nline 2', messageType: 'text' }));
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Notify')).toEqual([
			expect.objectContaining({ sent: true, messageType: 'text' }),
			expect.objectContaining({ sent: true, messageType: 'text' }),
		]);
		expect((await sandboxMessages(sb.url, '919800011131')).map((m) => m.text)).toEqual(['free text\nline 2']);
	});

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
