import type { TemplateMessage } from '../channels/whatsapp/types';
import { toTemplateParam } from '../channels/whatsapp/text';
import { COMPLAINT_UPDATE_TEMPLATE } from '../channels/whatsapp/staff-templates';
import { REPLY_MAX } from './desk-rules';

/**
 * The utility template the desk sends when the citizen's 24-hour window has closed (Meta allows
 * free text only within 24 hours of the citizen's last message). It ships with the other utility
 * templates (core/channels/whatsapp/staff-templates.ts; `mitan templates submit` creates it).
 */
export { COMPLAINT_UPDATE_TEMPLATE };

/** The message to send: the officer's text made one template parameter (lines joined, cut to fit). */
export function complaintUpdateMessage(ref: string, text: string, language: 'hi' | 'en'): { template: TemplateMessage; shown: string } {
	const param = toTemplateParam(text, { max: REPLY_MAX, joinLines: ' / ' }).text;
	return {
		template: { name: COMPLAINT_UPDATE_TEMPLATE.name, language, bodyParams: [ref, param] },
		shown: COMPLAINT_UPDATE_TEMPLATE.bodies[language].replace('{{1}}', ref).replace('{{2}}', param),
	};
}
