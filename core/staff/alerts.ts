/**
 * A WhatsApp alert to staff numbers (Mitan Notify → Staff Alert → Send). By default the shipped
 * UTILITY template `mitan_staff_alert` with the text as its one parameter, which arrives any time.
 * Free text reaches a number only inside its 24-hour window; core/channels/whatsapp/window.ts
 * decides that for each number, the same choice the approval request makes (core/approvals/message.ts).
 * Outside the window "text" sends the template instead, and "textOnly" refuses that number
 * (WHATSAPP_WINDOW_CLOSED, Meta's 131047) before anything is sent. Meta would accept the text and
 * then drop it.
 *
 * Every number is tried, and each outcome becomes a result, never a throw: one wrong number never
 * keeps the others from being told.
 */
import { setTimeout as delay } from 'timers/promises';
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { isWhatsAppApiError, PAIR_RATE_WAIT_MS } from '../channels/whatsapp/errors';
import { STAFF_ALERT_TEMPLATE } from '../channels/whatsapp/staff-templates';
import { ALERT_PARAM_MAX, toFreeText, toTemplateParam } from '../channels/whatsapp/text';
import type { WhatsAppSender } from '../channels/whatsapp/types';
import { messageKindNow, type WindowPolicy } from '../channels/whatsapp/window';

export interface StaffAlert {
	/** E.164 numbers (core/channels/whatsapp/recipients.ts parseRecipients). */
	recipients: string[];
	message: string;
	/** 'template' (default): always the template; 'text': free text inside the window, else the template; 'textOnly': free text or nothing. */
	sendAs?: WindowPolicy;
	template?: { name?: string; language?: string };
	/** Times to wait out WhatsApp's pair limit (131056, about 6 s) for one number. */
	pairRetries?: number;
	/** The district whose number the staff write to: its store says whose window is open. Needed unless sendAs is 'template'. */
	districtId?: number;
}

interface Attempt {
	/** E.164. */
	to: string;
	messageType: 'text' | 'template';
	template?: string;
	language?: string;
	/** The text was cut to fit (a template parameter: one line, at most ALERT_PARAM_MAX). */
	truncated: boolean;
}
export type StaffAlertResult = (Attempt & { sent: true; wamid: string }) | (Attempt & { sent: false; error: unknown });

export interface StaffAlertOptions {
	/** How to wait out the pair limit (n8n passes its own sleep). */
	wait?: (ms: number) => Promise<unknown>;
	now?: Date;
}

export async function sendStaffAlerts(
	wa: WhatsAppSender,
	db: Queryable | null,
	alert: StaffAlert,
	opts: StaffAlertOptions = {},
): Promise<StaffAlertResult[]> {
	const sendAs = alert.sendAs ?? 'template';
	if (alert.message.trim() === '') throw new MitanError('NOTIFY_EMPTY', 'Message (parameter "message") is empty', { field: 'message' });
	if (sendAs !== 'template' && (!db || alert.districtId === undefined))
		throw new MitanError(
			'WHATSAPP_CONFIG_INVALID',
			'free text needs the store (Mitan Database credential) to know whose 24-hour window is open',
			{
				field: 'messageType',
			},
		);
	const tpl = { name: alert.template?.name?.trim() || STAFF_ALERT_TEMPLATE, language: alert.template?.language || 'hi' };
	// Meta's rules for what an alert may carry (one line per parameter, lengths): core/channels/whatsapp/text.ts.
	const param = toTemplateParam(alert.message, { max: ALERT_PARAM_MAX, joinLines: ' | ' });
	const text = toFreeText(alert.message);
	const wait = opts.wait ?? ((ms: number) => delay(ms));
	const out: StaffAlertResult[] = [];
	for (const to of alert.recipients) {
		let kind: 'text' | 'template' = sendAs === 'textOnly' ? 'text' : 'template';
		try {
			kind = sendAs === 'template' ? 'template' : await messageKindNow(db!, alert.districtId!, to, sendAs, opts.now);
		} catch (error) {
			out.push({ to, messageType: 'text', truncated: text.truncated, sent: false, error });
			continue;
		}
		const base: Attempt =
			kind === 'template'
				? { to, messageType: kind, template: tpl.name, language: tpl.language, truncated: param.truncated }
				: { to, messageType: kind, truncated: text.truncated };
		out.push({ ...base, ...(await sendOne(wa, to, kind === 'template' ? { ...tpl, bodyParams: [param.text] } : text.text, alert, wait)) });
	}
	return out;
}

/** One number, waiting out the pair limit; the outcome, never a throw. */
async function sendOne(
	wa: WhatsAppSender,
	to: string,
	what: string | { name: string; language: string; bodyParams: string[] },
	alert: StaffAlert,
	wait: (ms: number) => Promise<unknown>,
): Promise<{ sent: true; wamid: string } | { sent: false; error: unknown }> {
	const retries = alert.pairRetries ?? 2;
	for (let attempt = 0; ; attempt++) {
		try {
			const r = typeof what === 'string' ? await wa.sendText(to, what) : await wa.sendTemplate(to, what);
			return { sent: true, wamid: r.wamid };
		} catch (error) {
			if (attempt < retries && isWhatsAppApiError(error) && error.action === 'slow_recipient') {
				await wait(PAIR_RATE_WAIT_MS);
				continue;
			}
			return { sent: false, error };
		}
	}
}
