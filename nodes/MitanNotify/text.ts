import { MitanError } from '../../core/errors';
import { normalisePhone } from '../../core/phone';

/**
 * Meta's rules for what an alert may carry, kept beside the node that sends alerts:
 * - a template body is at most 1,024 characters in all; `mitan_alert`'s own words
 *   ("पुलिस मितान सूचना / Police Mitan alert: {{1}}") take about 40, so its one parameter gets 960;
 * - a text parameter may not contain new lines, tabs or more than 4 consecutive spaces (Meta
 *   answers error 100 "Param text cannot have new-line/tab characters…"): lines become " | ";
 * - free text is at most 4,096 characters.
 */
export const TEMPLATE_PARAM_MAX = 960;
export const FREE_TEXT_MAX = 4096;

export interface AlertText {
	text: string;
	truncated: boolean;
}

function cut(text: string, max: number): AlertText {
	const chars = Array.from(text); // never split a surrogate pair (emoji)
	if (chars.length <= max) return { text, truncated: false };
	return {
		text: `${chars
			.slice(0, max - 1)
			.join('')
			.trimEnd()}…`,
		truncated: true,
	};
}

export function templateParam(message: string): AlertText {
	const flat = message
		.split(/\r?\n/)
		.map((l) => l.replace(/\t/g, ' ').replace(/ {2,}/g, ' ').trim())
		.filter((l) => l !== '')
		.join(' | ');
	return cut(flat, TEMPLATE_PARAM_MAX);
}

export function freeText(message: string): AlertText {
	return cut(message.trim(), FREE_TEXT_MAX);
}

/**
 * Staff numbers from a parameter: a list, or text separated by commas, semicolons or new lines.
 * Each goes through core/phone (the one owner of the rules); duplicates are sent once.
 */
export function parseRecipients(raw: unknown): string[] {
	const parts = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(/[,;\n]/)).map((s) => s.trim()).filter((s) => s !== '');
	if (parts.length === 0)
		throw new MitanError('NOTIFY_NO_RECIPIENT', 'Recipients (parameter "recipients") is empty: give at least one staff WhatsApp number', {
			field: 'recipients',
		});
	const out: string[] = [];
	parts.forEach((p, k) => {
		const n = normalisePhone(p);
		if (!n.ok)
			throw new MitanError('NOTIFY_RECIPIENT_INVALID', `Recipients (parameter "recipients"), entry ${k + 1} "${p}": ${n.message}`, {
				field: 'recipients',
				entry: k + 1,
			});
		if (!out.includes(n.e164)) out.push(n.e164);
	});
	return out;
}
