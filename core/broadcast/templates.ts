import type { Content } from '../content/types';
import type { BroadcastTemplates } from './types';

/**
 * Which approved WhatsApp templates a day's broadcast sends for a content: its own template
 * variant, else a fallback template (one approved for the purpose, e.g. 'daily_awareness') with
 * the Hindi / English text as its one parameter.
 *
 * Meta's rule for a template body parameter (no new lines, at most 1,024 characters) is kept
 * here for now; it belongs with the WhatsApp adapter's limits (core/channels/whatsapp), which
 * the channel rework gives one home.
 */
const TEMPLATE_PARAM_MAX = 1024;

/** Text → one template body parameter: lines joined, runs of spaces collapsed, clipped to Meta's limit. */
export function asTemplateParam(text: string): string {
	const flat = text
		.replace(/\s*\r?\n\s*/g, ' ')
		.replace(/[\t ]{2,}/g, ' ')
		.trim();
	const chars = Array.from(flat);
	return chars.length <= TEMPLATE_PARAM_MAX ? flat : `${chars.slice(0, TEMPLATE_PARAM_MAX - 1).join('')}…`;
}

export function broadcastTemplates(c: Content, fallbackTemplate: string): BroadcastTemplates {
	const t = c.variants.whatsapp?.templates;
	if (t && (t.hi || t.en)) return JSON.parse(JSON.stringify(t)) as BroadcastTemplates;
	return {
		hi: { name: fallbackTemplate, language: 'hi', params: [asTemplateParam(c.bodyHi)] },
		en: { name: fallbackTemplate, language: 'en', params: [asTemplateParam(c.bodyEn)] },
	};
}
