/**
 * The 24-hour window decides how the approval request travels, with the sandbox as strict as Meta
 * (enforceCustomerServiceWindow on): outside it free text is refused (131047) and the product sends
 * the utility template with the link as its button; inside it the full preview goes as free text.
 */
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import { insertInbound } from '../../core/inbound/repository';
import { describeEachEngine } from '../helpers/db';
import { until } from '../helpers/wait';
import { call } from '../sandbox/helpers';
import { APPROVER } from './fixtures';
import { approvalRig } from './rig';

describeEachEngine('Mitan Approval: the 24-hour window', (ctx) => {
	const rig = approvalRig(ctx);

	/** The approver writes to the number: the sandbox opens its window, the gateway's store records it. */
	async function approverWrites(text: string): Promise<void> {
		const r = await call(rig.sb.url, 'POST', '/_sandbox/inject/inbound', { body: { from: `91${APPROVER}`, text } });
		expect(r.status).toBe(200);
		await insertInbound(ctx.db, {
			districtId: 1,
			wamid: r.body.wamid,
			subscriberId: null,
			fromPhone: `+91${APPROVER}`,
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

	test('outside the window the sandbox refuses free text to the approver (131047), and the request goes as the template', async () => {
		await ctx.db.query(`DELETE FROM inbound_messages WHERE from_phone = $1`, [`+91${APPROVER}`]);
		const wa = createWhatsAppClient({ accessToken: 'sandbox-token', phoneNumberId: '100000000000001', baseUrl: rig.sb.url });
		const { wamid } = await wa.sendText(`+91${APPROVER}`, 'Please approve tomorrow’s message');
		wa.close();
		const failed = await until(async () => {
			const m = (await call(rig.sb.url, 'GET', `/_sandbox/whatsapp/messages/${wamid}`)).body;
			return m.status === 'failed' ? m : undefined;
		});
		expect(failed.errorCode).toBe(131047);

		const { a } = await rig.request();
		const sent = (await rig.messagesTo(APPROVER)).find((m) => m.urls?.[0] === a.links.approve);
		expect(sent).toMatchObject({ type: 'template', template: 'mitan_approval_request' });
		const rec = (await call(rig.sb.url, 'GET', `/_sandbox/whatsapp/messages/${a.previewWamid ?? ''}`)).body;
		expect(rec.status).not.toBe('failed');
	});

	test('inside the window (the approver wrote an hour ago) the full preview goes as free text, and it is delivered', async () => {
		await approverWrites('ठीक है, भेजिए');
		const { a } = await rig.request();
		const sent = (await rig.messagesTo(APPROVER)).find((m) => m.type === 'text' && m.text?.includes(a.links.approve!));
		expect(sent?.text).toContain(a.links.reject!);
		expect(sent?.text).toContain(a.links.changes!);
		const [row] = await ctx.db.query<{ preview_wamid: string }>('SELECT preview_wamid FROM approvals WHERE id = $1', [a.id]);
		const rec = (await call(rig.sb.url, 'GET', `/_sandbox/whatsapp/messages/${row.preview_wamid}`)).body;
		expect(rec.errorCode).toBeUndefined();
		expect(rec.status).not.toBe('failed');
	});

	test('"Always the utility template" sends the template even inside the window', async () => {
		await approverWrites('हाँ');
		const { a } = await rig.request({ messageType: 'template', templateLanguage: 'en' });
		const sent = (await rig.messagesTo(APPROVER)).find((m) => m.urls?.[0] === a.links.approve);
		expect(sent).toMatchObject({ type: 'template', template: 'mitan_approval_request' });
		expect(sent?.rendered).toContain('waiting for your approval');
	});
});
