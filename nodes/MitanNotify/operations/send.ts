import { sleep, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { isWhatsAppApiError, type WhatsAppClient } from '../../../core/channels/whatsapp/client';
import { PAIR_RATE_WAIT_MS } from '../../../core/channels/whatsapp/errors';
import { parseRecipients } from '../../../core/channels/whatsapp/recipients';
import { ALERT_PARAM_MAX, toFreeText, toTemplateParam } from '../../../core/channels/whatsapp/text';
import { MitanError } from '../../../core/errors';
import { maskPhone } from '../../../core/phone';
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
				name: 'Free Text (Staff Wrote in the Last 24 h)',
				value: 'text',
				description: 'Delivered only inside the 24-hour window after the staff member last wrote to the number',
			},
		],
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: 'mitan_staff_alert',
		description: 'An approved UTILITY template whose body has exactly one parameter {{1}} (the shipped one: Staff Template → Submit)',
		displayOptions: { show: { ...show.show, messageType: ['template'] } },
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
		displayOptions: { show: { ...show.show, messageType: ['template'] } },
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

/** Sends to one number, waiting out the pair limit; never throws: the outcome is the result. */
async function sendOne(
	wa: WhatsAppClient,
	to: string,
	kind: 'template' | 'text',
	body: string,
	tpl: { name: string; language: string },
	retries: number,
): Promise<IDataObject> {
	for (let attempt = 0; ; attempt++) {
		try {
			const r =
				kind === 'template'
					? await wa.sendTemplate(to, { name: tpl.name, language: tpl.language, bodyParams: [body] })
					: await wa.sendText(to, body);
			return { sent: true, wamid: r.wamid };
		} catch (e) {
			if (attempt < retries && isWhatsAppApiError(e) && e.action === 'slow_recipient') {
				await sleep(PAIR_RATE_WAIT_MS);
				continue;
			}
			return { sent: false, ...errorJson(e) };
		}
	}
}

/**
 * One alert to each recipient. Every recipient is tried before a failure is raised, so one wrong
 * number never keeps the others from being told; with "continue on fail" each failure is an item.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const recipients = parseRecipients(this.getNodeParameter('recipients', i));
	const message = String(this.getNodeParameter('message', i) ?? '');
	if (message.trim() === '') throw new MitanError('NOTIFY_EMPTY', 'Message (parameter "message") is empty', { field: 'message' });
	const kind = this.getNodeParameter('messageType', i, 'template') as 'template' | 'text';
	const tpl = {
		name: String(this.getNodeParameter('templateName', i, 'mitan_staff_alert')).trim(),
		language: String(this.getNodeParameter('templateLanguage', i, 'hi')),
	};
	const retries = Number(this.getNodeParameter('pairRetries', i, 2));
	await refuseLivePlaceholders(this, recipients, 'recipients');
	// Meta's rules for what an alert may carry (one line per parameter, lengths): core/channels/whatsapp/text.ts.
	const body = kind === 'template' ? toTemplateParam(message, { max: ALERT_PARAM_MAX, joinLines: ' | ' }) : toFreeText(message);
	const results: IDataObject[] = [];
	await withWhatsAppClient(this, { timeoutMs: 20_000, maxSockets: 4 }, async (wa) => {
		for (const to of recipients) {
			const base: IDataObject = {
				to: maskPhone(to),
				messageType: kind,
				...(kind === 'template' ? { template: tpl.name, language: tpl.language } : {}),
				truncated: body.truncated,
			};
			results.push({ ...base, ...(await sendOne(wa, to, kind, body.text, tpl, retries)) });
		}
	});
	const failed = results.filter((r) => !r.sent);
	if (failed.length && !this.continueOnFail()) {
		throw MitanError.from(failed[0], 'NOTIFY_FAILED', {
			message: `alert not delivered to ${failed.map((f) => `${String(f.to)} (${String(f.error)})`).join('; ')}${failed.length < results.length ? `; sent to ${results.length - failed.length} other(s)` : ''}`,
			details: { results },
		});
	}
	return results;
}
