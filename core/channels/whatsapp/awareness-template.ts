/**
 * The day's awareness message as Meta message templates (issue 15 item 5): one creation payload
 * per language for POST /{WABA_ID}/message_templates, built from the approved content alone, so
 * the same content always gives the same payloads, the same name, and the same hash (the hash the
 * approver's decision covers: content.approved_template_hash).
 *
 * Shape (channels.md, message templates): category MARKETING; a header IMAGE when the content has
 * an image (its example is the media store URL the gateway serves; the send repeats that link);
 * the BODY is the approved text itself, with no variable (Meta rejects a body that is only a
 * variable, or starts or ends with one: a fixed text is what review can judge); a FOOTER saying
 * how to stop; two QUICK_REPLY buttons, "report a problem" and "stop", in the template's language
 * (Meta allows 25 characters per button, so each language carries its own words).
 */
import { createHash } from 'crypto';
import { canonicalJson } from '../../content/hash';
import type { Problem } from '../../problem';
import { whatsappLength, WHATSAPP_LIMITS } from './text';

export type AwarenessLanguage = 'hi' | 'en';
export const AWARENESS_LANGUAGES: readonly AwarenessLanguage[] = ['hi', 'en'];

/** Meta's limits for the parts of a template other than the body (WHATSAPP_LIMITS owns the body's). */
export const TEMPLATE_PART_LIMITS = Object.freeze({ footer: 60, buttonText: 25 });

/** The fixed words, per language. The STOP keyword is the gateway's (core/gateway/keywords.ts). */
export const AWARENESS_FIXED: Readonly<Record<AwarenessLanguage, { footer: string; report: string; stop: string }>> = Object.freeze({
	hi: { footer: 'संदेश बंद करने के लिए STOP लिखें', report: 'शिकायत करें', stop: 'बंद करें' },
	en: { footer: 'Reply STOP to stop these messages', report: 'Report a problem', stop: 'Stop' },
});

/**
 * A tap on the daily template's quick replies, as the conversation's payload id. The template is
 * sent without payloads, so Meta hands back the button's own words (payload = text); they are
 * ours (AWARENESS_FIXED), so "Report a problem" opens the complaint question and "Stop" opts out
 * instead of each becoming a complaint that says "Report a problem".
 */
export function awarenessReplyId(words: unknown): 'menu.fraud' | 'menu.stop' | undefined {
	if (typeof words !== 'string') return undefined;
	const w = words.normalize('NFC').trim().toLowerCase();
	for (const lang of AWARENESS_LANGUAGES) {
		if (w === AWARENESS_FIXED[lang].report.toLowerCase()) return 'menu.fraud';
		if (w === AWARENESS_FIXED[lang].stop.toLowerCase()) return 'menu.stop';
	}
	return undefined;
}

/** Bumped whenever the shape above changes: an approval of the old shape no longer matches. */
const TEMPLATE_FORM = 'mitan-awareness-template-v1';

export interface AwarenessSource {
	id: number;
	bodyHi: string;
	bodyEn: string;
	/** The media store URL (gateway /media/<sha256>.jpg) of the content's image, if any. */
	imageUrl?: string | null;
}

export interface TemplateComponent {
	type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
	[key: string]: unknown;
}

export interface TemplatePayload {
	name: string;
	language: AwarenessLanguage;
	category: 'MARKETING';
	components: TemplateComponent[];
}

export interface AwarenessTemplateSet {
	name: string;
	/** sha256 over both languages' payloads (without the name, which is made from it). */
	hash: string;
	payloads: Record<AwarenessLanguage, TemplatePayload>;
	/** What a send of this template adds (the header image link), per language. */
	headerImageUrl: string | null;
}

function body(c: AwarenessSource, lang: AwarenessLanguage): string {
	return (lang === 'hi' ? c.bodyHi : c.bodyEn).normalize('NFC').trim();
}

/** Everything Meta would refuse in the payloads, each at the content field it comes from. */
export function awarenessTemplateProblems(c: AwarenessSource): Problem[] {
	const p: Problem[] = [];
	for (const lang of AWARENESS_LANGUAGES) {
		const field = lang === 'hi' ? 'bodyHi' : 'bodyEn';
		const text = body(c, lang);
		if (text === '') p.push({ field, code: 'WHATSAPP_TEMPLATE_INVALID', message: 'is empty: a template body needs text / संदेश खाली है' });
		const n = whatsappLength(text);
		if (n > WHATSAPP_LIMITS.templateBody)
			p.push({
				field,
				code: 'WHATSAPP_TEMPLATE_INVALID',
				message: `is ${n} characters; a WhatsApp template body holds at most ${WHATSAPP_LIMITS.templateBody} / ${n} अक्षर, टेम्पलेट की सीमा ${WHATSAPP_LIMITS.templateBody}`,
			});
		// The body is sent as fixed text: a {{n}} in it would be read by Meta as a variable.
		if (/\{\{\s*\w*\s*\}\}/.test(text))
			p.push({
				field,
				code: 'WHATSAPP_TEMPLATE_INVALID',
				message: 'contains {{…}}, which Meta reads as a template variable: write it without double braces / {{ }} हटाएँ',
			});
	}
	if (c.imageUrl && !/^https?:\/\//.test(c.imageUrl))
		p.push({ field: 'imageUrl', code: 'WHATSAPP_TEMPLATE_INVALID', message: 'the header image must be an http(s) URL the gateway serves' });
	return p;
}

function components(c: AwarenessSource, lang: AwarenessLanguage): TemplateComponent[] {
	const fixed = AWARENESS_FIXED[lang];
	const out: TemplateComponent[] = [];
	if (c.imageUrl) out.push({ type: 'HEADER', format: 'IMAGE', example: { header_handle: [c.imageUrl] } });
	out.push({ type: 'BODY', text: body(c, lang) });
	out.push({ type: 'FOOTER', text: fixed.footer });
	out.push({
		type: 'BUTTONS',
		buttons: [
			{ type: 'QUICK_REPLY', text: fixed.report },
			{ type: 'QUICK_REPLY', text: fixed.stop },
		],
	});
	return out;
}

/**
 * The template set of a content. Its name is made from the content id and the payloads' hash:
 * found again for the same content, and a new name when the approved text changes (Meta keeps a
 * name's history; an edited approved template would go back to review under the same name).
 */
export function awarenessTemplates(c: AwarenessSource): AwarenessTemplateSet {
	const parts = Object.fromEntries(AWARENESS_LANGUAGES.map((l) => [l, { category: 'MARKETING', components: components(c, l) }]));
	const hash = createHash('sha256').update(TEMPLATE_FORM).update('\n').update(canonicalJson(parts)).digest('hex');
	const name = `mitan_c${c.id}_${hash.slice(0, 12)}`;
	const payloads = Object.fromEntries(
		AWARENESS_LANGUAGES.map((l) => [l, { name, language: l, category: 'MARKETING', components: components(c, l) }]),
	) as Record<AwarenessLanguage, TemplatePayload>;
	return { name, hash, payloads, headerImageUrl: c.imageUrl ?? null };
}

/**
 * The payload as it goes to Meta: the header sample given as the handle Meta's Resumable Upload
 * API issued for the image's bytes. The stored, hashed payload keeps the media store URL there: it
 * names the image by its sha256, so the approval still covers exactly the picture uploaded; the
 * handle is only how Meta is handed those bytes (and is different at every upload).
 */
export function withHeaderHandle(payload: TemplatePayload, handle: string): TemplatePayload {
	return {
		...payload,
		components: payload.components.map((c) =>
			c.type === 'HEADER' && c['format'] === 'IMAGE' ? { ...c, example: { header_handle: [handle] } } : c,
		),
	};
}

/** The fixed words must themselves fit Meta's limits; checked by the tests, named here. */
export function fixedPartProblems(): Problem[] {
	const p: Problem[] = [];
	for (const lang of AWARENESS_LANGUAGES) {
		const f = AWARENESS_FIXED[lang];
		if (f.footer.length > TEMPLATE_PART_LIMITS.footer) p.push({ field: `${lang}.footer`, message: 'footer over 60 characters' });
		for (const k of ['report', 'stop'] as const)
			if (f[k].length > TEMPLATE_PART_LIMITS.buttonText) p.push({ field: `${lang}.${k}`, message: 'button text over 25 characters' });
	}
	return p;
}
