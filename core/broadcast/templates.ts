import { toTemplateParam } from '../channels/whatsapp/text';
import type { Content } from '../content/types';
import type { BroadcastTemplates } from './types';

/**
 * Which approved WhatsApp templates a day's broadcast sends for a content: its own template
 * variant, else a fallback template (one approved for the purpose, e.g. 'daily_awareness') with
 * the Hindi / English text as its one parameter, made one line and clipped by Meta's parameter
 * rules (their one owner: core/channels/whatsapp/text.ts).
 */
export function broadcastTemplates(c: Content, fallbackTemplate: string): BroadcastTemplates {
	const t = c.variants.whatsapp?.templates;
	if (t && (t.hi || t.en)) return JSON.parse(JSON.stringify(t)) as BroadcastTemplates;
	return {
		hi: { name: fallbackTemplate, language: 'hi', params: [toTemplateParam(c.bodyHi).text] },
		en: { name: fallbackTemplate, language: 'en', params: [toTemplateParam(c.bodyEn).text] },
	};
}
