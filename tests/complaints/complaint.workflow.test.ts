import type { INodeParameters } from 'n8n-workflow';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, type WorkflowJson } from '../helpers/n8n';
import { call, PHONE_ID, startSandbox, WA_TOKEN, type Started } from '../sandbox/helpers';

const creds = { mitanDatabaseApi: { id: '1', name: 'db' }, mitanWhatsAppApi: { id: '2', name: 'wa' } };
const wf = (params: INodeParameters, extra: Record<string, unknown> = {}): WorkflowJson => ({
	name: 'complaint intake',
	nodes: [
		{
			id: 'c1',
			name: 'Complaint',
			type: nodeType('mitanComplaint'),
			typeVersion: 1,
			position: [0, 0],
			parameters: params,
			credentials: creds,
			...extra,
		},
	],
	connections: {},
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describeEachEngine('Mitan Complaint node in n8n-core', (ctx) => {
	let sb: Started;
	let h: N8nHarness;
	beforeAll(async () => {
		sb = await startSandbox();
		h = new N8nHarness({
			credentials: {
				mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url },
				mitanWhatsAppApi: { accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, baseUrl: sb.url },
			},
		});
	});
	afterAll(async () => {
		await closeAllPools();
		await sb.running.close();
	});

	test('a Mitan Trigger item becomes a complaint with a reference, a category and a reply with 1930', async () => {
		const from = '+919876512345';
		const [s] = await ctx.db.query<{ id: number }>(
			`INSERT INTO subscribers (phone, language, police_station) VALUES ($1, 'hi', 'Pandariya') RETURNING id`,
			[from],
		);
		const [m] = await ctx.db.query<{ id: number }>(
			`INSERT INTO inbound_messages (wamid, subscriber_id, from_phone, type, body) VALUES ('wamid.wf.1', $1, $2, 'text', $3) RETURNING id`,
			[s.id, from, 'mere account se 20000 kat gaye OTP diya tha'],
		);
		await call(sb.url, 'POST', '/_sandbox/inject/inbound', {
			body: { from: from.slice(1), text: 'mere account se 20000 kat gaye OTP diya tha' },
		});
		const item = {
			id: m.id,
			wamid: 'wamid.wf.1',
			districtId: 1,
			from,
			type: 'text',
			text: 'mere account se 20000 kat gaye OTP diya tha',
			language: 'hi',
			subscriber: { id: s.id, language: 'hi', policeStation: 'Pandariya' },
		};
		const r = await h.run(wf({ operation: 'create', source: 'trigger', sendReply: true }), { input: [item] });
		expect(r.status).toBe('success');
		const [out] = r.output('Complaint');
		expect(out).toMatchObject({
			outcome: 'created',
			category: 'online_financial_fraud',
			moneyLoss: true,
			policeStation: 'Pandariya',
			status: 'acknowledged',
			reply: { sent: true },
		});
		expect(out.ref).toMatch(/^KBD-\d{4}-\d{6}$/);
		expect((out.reply as { text: string }).text).toContain('1930');
		const sent = (await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?to=${from.slice(1)}`)).body.data;
		expect(sent[0].text).toContain(out.ref as string);

		// A retry of the same execution item: the same complaint, no second reply.
		const again = await h.run(wf({ operation: 'create', source: 'trigger', sendReply: true }), { input: [item] });
		expect(again.output('Complaint')[0]).toMatchObject({ outcome: 'existing', ref: out.ref, reply: { sent: false } });
		expect((await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?to=${from.slice(1)}`)).body.data).toHaveLength(1);

		const fwd = await h.run(wf({ operation: 'updateStatus', ref: out.ref as string, status: 'forwarded', forwardedTo: 'Pandariya PS' }), {
			input: [{}],
		});
		expect(fwd.output('Complaint')[0]).toMatchObject({ status: 'forwarded', forwardedTo: 'Pandariya PS' });
		const listed = await h.run(wf({ operation: 'list', viewerRole: 'viewer', filters: { status: 'forwarded' } }), { input: [{}] });
		expect(listed.output('Complaint').map((c) => c.ref)).toContain(out.ref);
		expect(listed.output('Complaint')[0].citizenPhone).toBe('+91 98XXXXX345');
	});

	test('classify, and bad input with continueOnFail gives the code and action', async () => {
		const c = await h.run(wf({ operation: 'classify', text: '={{ $json.text }}' }), {
			input: [{ text: 'मेरा फोन गुम हो गया है और सिम बंद करवानी है' }],
		});
		expect(c.output('Complaint')[0]).toMatchObject({
			category: 'mobile',
			categoryLabelHi: 'मोबाइल से जुड़ा अपराध (गुम फोन, सिम)',
			language: 'hi',
		});
		const bad = await h.run(
			wf({ operation: 'create', source: 'fields', body: '  ', fromPhone: '98765', sendReply: false }, { onError: 'continueRegularOutput' }),
			{ input: [{}] },
		);
		expect(bad.output('Complaint')[0]).toMatchObject({ code: 'COMPLAINT_BAD_INPUT', action: 'fix_input' });
		const wrong = await h.run(wf({ operation: 'updateStatus', ref: 'KBD-2026-123456', status: 'closed' }), { input: [{}] });
		expect(wrong.status).toBe('error');
		expect(wrong.error?.message).toMatch(/no complaint KBD-2026-123456/);
	});
});
