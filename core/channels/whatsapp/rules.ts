/**
 * WhatsApp as a channel of the registry: its limits, counting and the checks of its variant
 * (one approved template per language with its parameters), built on the text rules in text.ts.
 */
import type { Content, ContentVariants, WhatsAppTemplateVariant } from '../../content/types';
import { isObject, unknownKeys, type Problem } from '../../problem';
import type { ChannelRules } from '../types';
import { awarenessTemplateProblems } from './awareness-template';
import { freeTextProblems, languageProblems, templateNameProblems, templateParamProblems, WHATSAPP_LIMITS, whatsappLength } from './text';

const LANGS = ['hi', 'en'] as const;

function template(p: Problem[], field: string, v: unknown): WhatsAppTemplateVariant | undefined {
	if (!isObject(v)) {
		p.push({ field, message: 'must be an object {name, language, params}' });
		return undefined;
	}
	unknownKeys(p, field, v, ['name', 'language', 'params']);
	const name = typeof v.name === 'string' ? v.name.trim() : '';
	const language = typeof v.language === 'string' ? v.language.trim() : '';
	p.push(...templateNameProblems(typeof v.name === 'string' ? name : v.name, `${field}.name`));
	p.push(...languageProblems(typeof v.language === 'string' ? language : v.language, `${field}.language`));
	if (v.params !== undefined && !Array.isArray(v.params)) p.push({ field: `${field}.params`, message: 'must be a list of texts' });
	const params: string[] = [];
	(Array.isArray(v.params) ? v.params : []).forEach((raw, i) => {
		const s = typeof raw === 'string' ? raw.normalize('NFC').trim() : raw;
		p.push(...templateParamProblems(s, `${field}.params[${i}]`));
		if (typeof s === 'string' && s !== '') params.push(s);
	});
	return { name, language, params };
}

export const WHATSAPP_RULES: ChannelRules<'whatsapp'> = {
	channel: 'whatsapp',
	limits: {
		// The campaign's text is each language's template body (awareness-template.ts); free text
		// (replies, alerts: up to WHATSAPP_LIMITS.freeText) is checked by textProblems.
		maxTextLength: WHATSAPP_LIMITS.templateBody,
		textLengthRule: `UTF-16 code units (an emoji counts 2): each language is the body of a Meta template, at most ${WHATSAPP_LIMITS.templateBody}, without {{ }}`,
		requiresImage: false,
		note: 'broadcasts go out as approved templates; free text only inside the 24-hour window',
	},
	image: 'none',
	length: whatsappLength,
	textProblems: freeTextProblems,
	// The same check template submission makes (core/templates/submit.ts), so approval and Meta agree.
	bodyProblems: ({ bodyHi, bodyEn, imageUrl }) => awarenessTemplateProblems({ id: 0, bodyHi, bodyEn, imageUrl }),
	validateVariant(value, p) {
		if (!isObject(value) || !isObject(value.templates)) {
			p.push({ field: 'variants.whatsapp', message: 'must be {templates: {hi?, en?}}' });
			return undefined;
		}
		unknownKeys(p, 'variants.whatsapp', value, ['templates']);
		unknownKeys(p, 'variants.whatsapp.templates', value.templates, [...LANGS]);
		const templates: NonNullable<ContentVariants['whatsapp']>['templates'] = {};
		for (const lang of LANGS) {
			const t = value.templates[lang];
			if (t !== undefined) templates[lang] = template(p, `variants.whatsapp.templates.${lang}`, t);
		}
		if (!templates.hi && !templates.en)
			p.push({ field: 'variants.whatsapp.templates', message: 'needs a Hindi (hi) or English (en) template' });
		return { templates };
	},
	preview: (c: Content) =>
		LANGS.flatMap((lang) => {
			const t = c.variants.whatsapp?.templates?.[lang];
			return t ? [{ channel: 'whatsapp' as const, language: lang, template: t.name, templateLanguage: t.language, params: t.params }] : [];
		}),
};

/**
 * Cloud API throughput per sending number: 80 messages/s by default, 1,000 once Meta upgrades the
 * number. The broadcast paces just under the one its number has.
 */
export const WHATSAPP_THROUGHPUT = Object.freeze({ standard: 80, upgraded: 1000 });

/**
 * Meta's messaging tiers: distinct citizens a business portfolio may reach with business-initiated
 * messages per day (null = unlimited). TIER_50 and TIER_1K are older values Meta may still report.
 */
export const WHATSAPP_TIERS = Object.freeze({
	TIER_50: 50,
	TIER_250: 250,
	TIER_1K: 1_000,
	TIER_2K: 2_000,
	TIER_10K: 10_000,
	TIER_100K: 100_000,
	TIER_UNLIMITED: null,
} as const);
export type MessagingTier = keyof typeof WHATSAPP_TIERS;

/** Throughput level (Graph `throughput.level`) → messages per second; coexistence numbers are fixed at 20. */
export const WHATSAPP_THROUGHPUT_LEVELS: Readonly<Record<string, number>> = Object.freeze({
	STANDARD: WHATSAPP_THROUGHPUT.standard,
	HIGH: WHATSAPP_THROUGHPUT.upgraded,
	COEXISTENCE: 20,
});
