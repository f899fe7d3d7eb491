/**
 * Meta's rules for WhatsApp text, written once: content validation, broadcast creation, the
 * client, staff alerts and the approval preview all call these.
 *
 * Counting unit: UTF-16 code units (a JavaScript string's length). Hindi (Devanagari, in the Basic
 * Multilingual Plane) counts 1 per code point; an emoji outside it counts 2. It is what the sandbox
 * (as strict as Meta) measures, and the strictest of the readings in use (code units ≥ code points ≥
 * what a reader sees), so a text that passes here cannot be refused under another count.
 */
import { MitanError } from '../../errors';
import type { Problem } from '../../problem';

export const WHATSAPP_LIMITS = Object.freeze({
	/** Free text (replies inside the 24 h window): 4,096 characters. */
	freeText: 4096,
	/** A template's body, fixed words and parameters together: 1,024 characters. */
	templateBody: 1024,
	/** One body parameter can at most fill the body. */
	templateParam: 1024,
	/** Template names: lower-case letters, digits and _, at most 512. */
	templateName: 512,
	/** More spaces in a row than this inside a parameter: Meta answers 132018. */
	paramSpaces: 4,
});

/** Length as WhatsApp counts it (see the file comment). */
export function whatsappLength(s: string): number {
	return s.length;
}

const TEMPLATE_NAME = /^[a-z0-9_]+$/;
/** Meta's language codes are case-sensitive, with an underscore: hi, en, en_US. */
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Z]{2})?$/;

export function isTemplateName(s: unknown): s is string {
	return typeof s === 'string' && TEMPLATE_NAME.test(s) && s.length <= WHATSAPP_LIMITS.templateName;
}

export function isLanguageCode(s: unknown): s is string {
	return typeof s === 'string' && LANGUAGE_CODE.test(s);
}

export function templateNameProblems(name: unknown, field: string): Problem[] {
	if (isTemplateName(name)) return [];
	return [
		{
			field,
			code: 'WHATSAPP_TEMPLATE_INVALID',
			message: `"${String(name ?? '')}" is not a WhatsApp template name (lower-case letters, digits and _, at most ${WHATSAPP_LIMITS.templateName}) / टेम्पलेट का नाम सही नहीं है`,
		},
	];
}

export function languageProblems(language: unknown, field: string): Problem[] {
	if (isLanguageCode(language)) return [];
	return [
		{
			field,
			code: 'WHATSAPP_TEMPLATE_INVALID',
			message: `"${String(language ?? '')}" is not a WhatsApp language code (e.g. hi, en, en_US) / भाषा कोड सही नहीं है`,
		},
	];
}

/** Everything Meta refuses in one template body parameter, each with the field. */
export function templateParamProblems(param: unknown, field: string): Problem[] {
	if (typeof param !== 'string' || param.trim() === '')
		return [
			{
				field,
				code: 'WHATSAPP_PARAM_INVALID',
				message: 'must be non-empty text (WhatsApp rejects empty parameters) / पैरामीटर खाली नहीं हो सकता',
			},
		];
	const p: Problem[] = [];
	if (/[\n\r\t]/.test(param))
		p.push({
			field,
			code: 'WHATSAPP_PARAM_INVALID',
			message: 'contains a new line or tab; WhatsApp template parameters must be one line / पैरामीटर एक ही पंक्ति में हो',
		});
	if (new RegExp(` {${WHATSAPP_LIMITS.paramSpaces + 1},}`).test(param))
		p.push({
			field,
			code: 'WHATSAPP_PARAM_INVALID',
			message: `contains more than ${WHATSAPP_LIMITS.paramSpaces} spaces in a row; WhatsApp refuses it / लगातार ${WHATSAPP_LIMITS.paramSpaces} से अधिक स्पेस नहीं`,
		});
	const n = whatsappLength(param);
	if (n > WHATSAPP_LIMITS.templateParam)
		p.push({
			field,
			code: 'WHATSAPP_PARAM_INVALID',
			message: `is ${n} characters; at most ${WHATSAPP_LIMITS.templateParam} / ${n} अक्षर, सीमा ${WHATSAPP_LIMITS.templateParam}`,
		});
	return p;
}

export function freeTextProblems(body: unknown, field: string): Problem[] {
	if (typeof body !== 'string' || body.trim() === '')
		return [{ field, code: 'WHATSAPP_TEXT_INVALID', message: 'message text is empty / संदेश खाली है' }];
	const n = whatsappLength(body);
	if (n > WHATSAPP_LIMITS.freeText)
		return [
			{
				field,
				code: 'WHATSAPP_TEXT_INVALID',
				message: `is ${n} characters; WhatsApp allows ${WHATSAPP_LIMITS.freeText.toLocaleString('en-IN')} / ${n} अक्षर, सीमा ${WHATSAPP_LIMITS.freeText}`,
			},
		];
	return [];
}

/** Throws the first problem as a MitanError (the client refuses before any request). */
export function refuse(problems: Problem[]): void {
	const first = problems[0];
	if (!first) return;
	throw MitanError.from(first, 'WHATSAPP_TEXT_INVALID', {
		message: `${first.message} (field "${first.field}")`,
		details: { field: first.field, problems },
	});
}

export interface FittedText {
	text: string;
	truncated: boolean;
}

/** At most `max` UTF-16 units, ending in "…" when cut; never splits a surrogate pair (an emoji). */
export function fitText(text: string, max: number): FittedText {
	if (whatsappLength(text) <= max) return { text, truncated: false };
	let out = '';
	for (const ch of text) {
		if (whatsappLength(out) + whatsappLength(ch) > max - 1) break;
		out += ch;
	}
	return { text: `${out.trimEnd()}…`, truncated: true };
}

/**
 * Any text as one template parameter Meta accepts: lines joined by `joinLines`, tabs and runs of
 * spaces made single spaces, cut to `max` (default: a whole parameter).
 */
export function toTemplateParam(message: string, opts: { max?: number; joinLines?: string } = {}): FittedText {
	const flat = message
		.split(/\r?\n|\r/)
		.map((l) => l.replace(/\t/g, ' ').replace(/ {2,}/g, ' ').trim())
		.filter((l) => l !== '')
		.join(opts.joinLines ?? ' ');
	return fitText(flat, opts.max ?? WHATSAPP_LIMITS.templateParam);
}

/** Free text cut to what WhatsApp delivers. */
export function toFreeText(message: string): FittedText {
	return fitText(message.trim(), WHATSAPP_LIMITS.freeText);
}

/**
 * The room the staff alert template's one parameter has (`mitan_staff_alert`,
 * core/channels/whatsapp/staff-templates.ts): its fixed words (under 64 characters, a test checks)
 * share the 1,024 of the body.
 */
export const ALERT_PARAM_MAX = WHATSAPP_LIMITS.templateBody - 64;
