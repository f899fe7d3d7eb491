import { parseTweet } from 'twitter-text';
import { MitanError } from '../errors';
import { isCalendarDate } from '../time';
import { CATEGORIES, type Category, type ContentDraft, type ContentVariants, type WhatsAppTemplateVariant } from './types';

/**
 * Checks a draft against every channel's rules before anyone is asked to approve it: a text the
 * Additional SP approved must be publishable as it is. All problems are reported at once, each
 * with the field it is in, so the cyber cell fixes the draft in one pass.
 */
export interface Problem {
	field: string;
	message: string;
}

/** Per-channel limits, with where each comes from. */
export const LIMITS = {
	/** X: 280 weighted characters (twitter-text: URL = 23, Devanagari 1 per code point, emoji 2). */
	xWeighted: 280,
	/** Instagram caption: 2,200 characters and at most 30 hashtags (Meta content publishing docs). */
	instagramCaption: 2200,
	instagramHashtags: 30,
	/** Facebook page post message: 63,206 characters. */
	facebookText: 63206,
	/** WhatsApp: a template body parameter is at most 1,024 characters; a template name 512. */
	whatsappParam: 1024,
	whatsappTemplateName: 512,
	/** WhatsApp free text tops out at 4,096 characters; bodies are sent as text in replies. */
	body: 4096,
	title: 200,
} as const;

const chars = (s: string): number => [...s].length;

function isHttpUrl(s: string): boolean {
	try {
		const u = new URL(s);
		return u.protocol === 'https:' || u.protocol === 'http:';
	} catch {
		return false;
	}
}

function text(p: Problem[], field: string, v: unknown, opts: { required: boolean; max: number }): string | undefined {
	if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
		if (opts.required) p.push({ field, message: 'is required' });
		return undefined;
	}
	if (typeof v !== 'string') {
		p.push({ field, message: `must be text, got ${typeof v}` });
		return undefined;
	}
	const s = v.normalize('NFC').trim();
	if (chars(s) > opts.max) p.push({ field, message: `is ${chars(s)} characters; at most ${opts.max}` });
	return s;
}

function unknownKeys(p: Problem[], field: string, obj: Record<string, unknown>, allowed: string[]): void {
	for (const k of Object.keys(obj))
		if (!allowed.includes(k)) p.push({ field: `${field}.${k}`, message: `is not a known field (known: ${allowed.join(', ')})` });
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function template(p: Problem[], field: string, v: unknown): WhatsAppTemplateVariant | undefined {
	if (!isObject(v)) {
		p.push({ field, message: 'must be an object {name, language, params}' });
		return undefined;
	}
	unknownKeys(p, field, v, ['name', 'language', 'params']);
	const name = typeof v.name === 'string' ? v.name.trim() : '';
	if (!/^[a-z0-9_]+$/.test(name) || name.length > LIMITS.whatsappTemplateName) {
		p.push({
			field: `${field}.name`,
			message: `"${String(v.name ?? '')}" is not a WhatsApp template name (lower-case letters, digits and _, at most ${LIMITS.whatsappTemplateName})`,
		});
	}
	const language = typeof v.language === 'string' ? v.language.trim() : '';
	if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language))
		p.push({ field: `${field}.language`, message: `"${String(v.language ?? '')}" is not a WhatsApp language code (e.g. hi, en, en_US)` });
	const params: string[] = [];
	if (v.params !== undefined && !Array.isArray(v.params)) p.push({ field: `${field}.params`, message: 'must be a list of texts' });
	(Array.isArray(v.params) ? v.params : []).forEach((raw, i) => {
		const f = `${field}.params[${i}]`;
		if (typeof raw !== 'string' || raw.trim() === '') {
			p.push({ field: f, message: 'must be non-empty text (WhatsApp rejects empty parameters)' });
			return;
		}
		const s = raw.normalize('NFC').trim();
		// Meta refuses parameters with new lines, tabs or more than 4 spaces in a row (error 132018).
		if (/[\n\r\t]/.test(s)) p.push({ field: f, message: 'contains a new line or tab; WhatsApp template parameters must be one line' });
		if (/ {5,}/.test(s)) p.push({ field: f, message: 'contains more than 4 spaces in a row; WhatsApp refuses it' });
		if (chars(s) > LIMITS.whatsappParam) p.push({ field: f, message: `is ${chars(s)} characters; at most ${LIMITS.whatsappParam}` });
		params.push(s);
	});
	return { name, language, params };
}

function variants(p: Problem[], v: unknown): ContentVariants {
	if (v === undefined || v === null) return {};
	if (!isObject(v)) {
		p.push({ field: 'variants', message: 'must be an object' });
		return {};
	}
	unknownKeys(p, 'variants', v, ['whatsapp', 'x', 'instagram', 'facebook']);
	const out: ContentVariants = {};
	if (v.whatsapp !== undefined) {
		const w = v.whatsapp;
		if (!isObject(w) || !isObject(w.templates)) p.push({ field: 'variants.whatsapp', message: 'must be {templates: {hi?, en?}}' });
		else {
			unknownKeys(p, 'variants.whatsapp', w, ['templates']);
			unknownKeys(p, 'variants.whatsapp.templates', w.templates, ['hi', 'en']);
			const templates: NonNullable<ContentVariants['whatsapp']>['templates'] = {};
			for (const lang of ['hi', 'en'] as const) {
				if (w.templates[lang] !== undefined) templates[lang] = template(p, `variants.whatsapp.templates.${lang}`, w.templates[lang]);
			}
			if (!templates.hi && !templates.en)
				p.push({ field: 'variants.whatsapp.templates', message: 'needs a Hindi (hi) or English (en) template' });
			out.whatsapp = { templates };
		}
	}
	if (v.x !== undefined) {
		if (!isObject(v.x)) p.push({ field: 'variants.x', message: 'must be {text}' });
		else {
			unknownKeys(p, 'variants.x', v.x, ['text']);
			const s = text(p, 'variants.x.text', v.x.text, { required: true, max: Number.MAX_SAFE_INTEGER });
			if (s !== undefined) {
				const t = parseTweet(s);
				if (t.weightedLength > LIMITS.xWeighted)
					p.push({
						field: 'variants.x.text',
						message: `is ${t.weightedLength} weighted characters on X; at most ${LIMITS.xWeighted} (links count 23, Hindi letters and matras 1 each, emoji 2)`,
					});
				else if (!t.valid) p.push({ field: 'variants.x.text', message: 'is not a valid post for X (invalid characters)' });
				out.x = { text: s };
			}
		}
	}
	if (v.instagram !== undefined) {
		if (!isObject(v.instagram)) p.push({ field: 'variants.instagram', message: 'must be {caption}' });
		else {
			unknownKeys(p, 'variants.instagram', v.instagram, ['caption']);
			const s = text(p, 'variants.instagram.caption', v.instagram.caption, { required: true, max: LIMITS.instagramCaption });
			if (s !== undefined) {
				const tags = s.match(/#[\p{L}\p{M}\p{N}_]+/gu) ?? [];
				if (tags.length > LIMITS.instagramHashtags)
					p.push({
						field: 'variants.instagram.caption',
						message: `has ${tags.length} hashtags; Instagram allows at most ${LIMITS.instagramHashtags}`,
					});
				out.instagram = { caption: s };
			}
		}
	}
	if (v.facebook !== undefined) {
		if (!isObject(v.facebook)) p.push({ field: 'variants.facebook', message: 'must be {text, link?}' });
		else {
			unknownKeys(p, 'variants.facebook', v.facebook, ['text', 'link']);
			const s = text(p, 'variants.facebook.text', v.facebook.text, { required: true, max: LIMITS.facebookText });
			let link: string | undefined;
			if (v.facebook.link !== undefined && v.facebook.link !== null && v.facebook.link !== '') {
				if (typeof v.facebook.link !== 'string' || !isHttpUrl(v.facebook.link.trim()))
					p.push({ field: 'variants.facebook.link', message: `"${String(v.facebook.link)}" is not an http(s) URL` });
				else link = v.facebook.link.trim();
			}
			if (s !== undefined) out.facebook = link ? { text: s, link } : { text: s };
		}
	}
	return out;
}

/** Returns the cleaned draft (trimmed, NFC) or throws CONTENT_INVALID listing every problem. */
export function validateDraft(input: unknown): ContentDraft {
	const p: Problem[] = [];
	if (!isObject(input))
		throw new MitanError('CONTENT_INVALID', 'content must be an object', {
			problems: [{ field: '', message: 'must be an object' }],
		});
	unknownKeys(p, 'content', input, ['title', 'bodyHi', 'bodyEn', 'imageUrl', 'category', 'targetDate', 'variants']);
	const title = text(p, 'title', input.title, { required: true, max: LIMITS.title });
	const bodyHi = text(p, 'bodyHi', input.bodyHi, { required: true, max: LIMITS.body });
	const bodyEn = text(p, 'bodyEn', input.bodyEn, { required: true, max: LIMITS.body });
	let imageUrl: string | null = null;
	if (input.imageUrl !== undefined && input.imageUrl !== null && input.imageUrl !== '') {
		if (typeof input.imageUrl !== 'string' || !isHttpUrl(input.imageUrl.trim()))
			p.push({ field: 'imageUrl', message: `"${String(input.imageUrl)}" is not an http(s) URL` });
		else imageUrl = input.imageUrl.trim();
	}
	const category = input.category as Category;
	if (!CATEGORIES.includes(category))
		p.push({ field: 'category', message: `"${String(input.category ?? '')}" is not a category (one of ${CATEGORIES.join(', ')})` });
	let targetDate: string | null = null;
	if (input.targetDate !== undefined && input.targetDate !== null && input.targetDate !== '') {
		if (typeof input.targetDate !== 'string' || !isCalendarDate(input.targetDate))
			p.push({ field: 'targetDate', message: `"${String(input.targetDate)}" is not a date (YYYY-MM-DD)` });
		else targetDate = input.targetDate;
	}
	const v = variants(p, input.variants);
	if (p.length > 0) {
		const list = p.map((x) => `${x.field} ${x.message}`).join('; ');
		throw new MitanError('CONTENT_INVALID', `content is not publishable: ${list}`, { problems: p });
	}
	return { title: title!, bodyHi: bodyHi!, bodyEn: bodyEn!, imageUrl, category, targetDate, variants: v };
}

/** X's weighted length of a text (for counters in forms and on the decision page). */
export function xWeightedLength(s: string): number {
	return parseTweet(s.normalize('NFC')).weightedLength;
}
