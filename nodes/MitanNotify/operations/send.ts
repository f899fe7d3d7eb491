import { sleep, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { parseRecipients } from '../../../core/channels/whatsapp/recipients';
import type { WindowPolicy } from '../../../core/channels/whatsapp/window';
import { MitanError } from '../../../core/errors';
import { maskPhone } from '../../../core/phone';
import { sendStaffAlerts, type StaffAlertResult } from '../../../core/staff/alerts';
import { districtIdFor, getDb } from '../../shared/db';
import { errorJson } from '../../shared/errors';
import { refuseLivePlaceholders, withWhatsAppClient } from '../../shared/whatsapp';

const show = { show: { resource: ['alert'], operation: ['send'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Recipients',
		name: 'recipients',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+91 98765 43210, +91 98765 43211',
		description: 'Staff WhatsApp numbers, separated by commas (or a list from an expression)',
		displayOptions: show,
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 5 },
		required: true,
		default: '',
		description: 'The alert, best in Hindi and English',
		displayOptions: show,
	},
	{
		displayName: 'Send As',
		name: 'messageType',
		type: 'options',
		default: 'template',
		displayOptions: show,
		options: [
			{
				name: 'Utility Template (Works Any Time)',
				value: 'template',
				description: 'The approved template with one body parameter; new lines become " | ", cut to 960 characters',
			},
			{
				name: 'Free Text if They Wrote in 24 h, Else the Template',
				value: 'text',
				description:
					'Free text to each number whose 24-hour window is open (they wrote to the number in the last 24 hours); the utility template to the others',
			},
			{
				name: 'Free Text Only (Fails Outside the 24 h Window)',
				value: 'textOnly',
				description:
					'Free text, or an error (WHATSAPP_WINDOW_CLOSED, Meta 131047) for each number whose window is closed; nothing is sent to those',
			},
		],
		description:
			"WhatsApp delivers free text only within 24 hours of the staff member's last message to the number; free text needs the Mitan Database credential, which knows who wrote when",
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: 'mitan_staff_alert',
		description: 'An approved UTILITY template whose body has exactly one parameter {{1}} (the shipped one: Staff Template → Submit)',
		displayOptions: { show: { ...show.show, messageType: ['template', 'text'] } },
	},
	{
		displayName: 'Template Language',
		name: 'templateLanguage',
		type: 'options',
		default: 'hi',
		options: [
			{ name: 'Hindi', value: 'hi' },
			{ name: 'English', value: 'en' },
		],
		displayOptions: { show: { ...show.show, messageType: ['template', 'text'] } },
	},
	{
		displayName: 'Pair Limit Retries',
		name: 'pairRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 5 },
		default: 2,
		description:
			'WhatsApp refuses a second message to the same number within about 6 seconds (error 131056): wait and try again this many times',
		displayOptions: show,
	},
];

/** An attempt as an output item: the number masked, a failure as its code and action. */
function itemOf(r: StaffAlertResult): IDataObject {
	const base: IDataObject = {
		to: maskPhone(r.to),
		messageType: r.messageType,
		...(r.template ? { template: r.template, language: r.language } : {}),
		truncated: r.truncated,
	};
	return r.sent ? { ...base, sent: true, wamid: r.wamid } : { ...base, sent: false, ...errorJson(r.error) };
}

/**
 * One alert to each recipient (core/staff/alerts.ts). Every recipient is tried before a failure is
 * raised, so one wrong number never keeps the others from being told; with "continue on fail" each
 * failure is an item.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const recipients = parseRecipients(this.getNodeParameter('recipients', i));
	const message = String(this.getNodeParameter('message', i) ?? '');
	const sendAs = this.getNodeParameter('messageType', i, 'template') as WindowPolicy;
	await refuseLivePlaceholders(this, recipients, 'recipients');
	// Free text asks the store whose window is open; the template needs no store.
	const db = sendAs === 'template' ? null : await getDb(this);
	const districtId = db ? await districtIdFor(this, db) : undefined;
	const alert = {
		recipients,
		message,
		sendAs,
		districtId,
		template: {
			name: String(this.getNodeParameter('templateName', i, 'mitan_staff_alert')),
			language: String(this.getNodeParameter('templateLanguage', i, 'hi')),
		},
		pairRetries: Number(this.getNodeParameter('pairRetries', i, 2)),
	};
	const results = (
		await withWhatsAppClient(this, { timeoutMs: 20_000, maxSockets: 4 }, (wa) => sendStaffAlerts(wa, db, alert, { wait: sleep }))
	).map(itemOf);
	const failed = results.filter((r) => !r.sent);
	if (failed.length && !this.continueOnFail()) {
		throw MitanError.from(failed[0], 'NOTIFY_FAILED', {
			message: `alert not delivered to ${failed.map((f) => `${String(f.to)} (${String(f.error)})`).join('; ')}${failed.length < results.length ? `; sent to ${results.length - failed.length} other(s)` : ''}`,
			details: { results },
		});
	}
	return results;
}
