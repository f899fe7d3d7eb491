import type { TemplateMessage } from '../channels/whatsapp/types';
import { toTemplateParam } from '../channels/whatsapp/text';
import { REPLY_MAX } from './desk-rules';

/**
 * The utility template the desk sends when the citizen's 24-hour window has closed (Meta allows
 * free text only within 24 hours of the citizen's last message). Staff utility templates are
 * being added elsewhere (issue 17, h4); until they are on main this definition lives here, next
 * to the desk that sends it. It must be created and approved on the WhatsApp Business Account
 * (category UTILITY) with exactly these bodies: {{1}} is the reference, {{2}} the officer's text.
 */
export const COMPLAINT_UPDATE_TEMPLATE = Object.freeze({
	name: 'mitan_complaint_update',
	category: 'UTILITY' as const,
	bodyParams: 2,
	bodies: Object.freeze({
		hi: 'आपकी शिकायत {{1}} पर अपडेट: {{2}} — पुलिस मितान',
		en: 'Update on your complaint {{1}}: {{2}} — Police Mitan',
	}),
});

/** The message to send: the officer's text made one template parameter (lines joined, cut to fit). */
export function complaintUpdateMessage(ref: string, text: string, language: 'hi' | 'en'): { template: TemplateMessage; shown: string } {
	const param = toTemplateParam(text, { max: REPLY_MAX, joinLines: ' / ' }).text;
	return {
		template: { name: COMPLAINT_UPDATE_TEMPLATE.name, language, bodyParams: [ref, param] },
		shown: COMPLAINT_UPDATE_TEMPLATE.bodies[language].replace('{{1}}', ref).replace('{{2}}', param),
	};
}
