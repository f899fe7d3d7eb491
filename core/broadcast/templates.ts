import { toTemplateParam } from '../channels/whatsapp/text';
import type { Content } from '../content/types';
import { MitanError } from '../errors';
import type { BroadcastTemplates } from './types';

/**
 * Which WhatsApp templates a day's broadcast sends for a content that has no templates of its own
 * at Meta (core/templates: those come first, chosen by the caller): the templates its WhatsApp
 * variant names, else a fallback template an installation had approved for the purpose, with the
 * Hindi / English text as its one parameter, made one line and clipped by Meta's parameter rules
 * (their one owner: core/channels/whatsapp/text.ts).
 *
 * No fallback by default: Meta rejects a template whose body is one variable, so the generic
 * template is not the way; content approved but never sent to Meta is refused here, at the start
 * of the day's run, with what to do, rather than at every citizen's send.
 */
export function broadcastTemplates(c: Content, fallbackTemplate = ''): BroadcastTemplates {
	const t = c.variants.whatsapp?.templates;
	if (t && (t.hi || t.en)) return JSON.parse(JSON.stringify(t)) as BroadcastTemplates;
	if (fallbackTemplate.trim() === '')
		throw new MitanError(
			'TEMPLATE_NOT_SUBMITTED',
			`content ${c.id} ("${c.title}") is approved, but its WhatsApp text was never sent to Meta as its own templates: run Mitan Broadcast › Submit Templates to Meta (the content-approval workflow does it after the approval) and wait for APPROVED / सामग्री ${c.id} के टेम्पलेट Meta को नहीं भेजे गए`,
			{ contentId: c.id, field: 'contentId' },
		);
	return {
		hi: { name: fallbackTemplate, language: 'hi', params: [toTemplateParam(c.bodyHi).text] },
		en: { name: fallbackTemplate, language: 'en', params: [toTemplateParam(c.bodyEn).text] },
	};
}
