/**
 * The training seed (config `whatsapp.seedTemplates`, demo and training rooms only): templates a
 * trainer can send from the first minute, created through the same create path and review as any
 * other, so they start PENDING and become APPROVED after `templateReviewMs`. Bodies carry their
 * variables inside fixed text, as Meta's review requires.
 */
import type { SandboxState } from './state';
import { createTemplate } from './wa-templates-graph';
import type { WebhookDispatcher } from './webhooks';

const body = (text: string, samples: string[]) => ({ type: 'BODY', text, example: { body_text: [samples] } });

export const TRAINING_TEMPLATES: Record<string, unknown>[] = [
	{
		name: 'daily_awareness',
		language: 'hi',
		category: 'MARKETING',
		components: [
			body('पुलिस मितान की आज की सुरक्षा सलाह: {{1}} किसी भी ठगी की शिकायत 1930 पर करें।', ['वीडियो कॉल पर कोई अफसर पैसे नहीं माँगता।']),
			{ type: 'FOOTER', text: 'संदेश बंद करने के लिए STOP लिखें' },
		],
	},
	{
		name: 'daily_awareness',
		language: 'en',
		category: 'MARKETING',
		components: [
			body("Police Mitan's safety tip for today: {{1}} Report any fraud on 1930.", ['No officer asks for money on a video call.']),
			{ type: 'FOOTER', text: 'Reply STOP to stop these messages' },
		],
	},
	{
		name: 'complaint_ack',
		language: 'hi',
		category: 'UTILITY',
		components: [body('आपकी शिकायत दर्ज हो गई है, क्रमांक {{1}} है। थाना जल्द संपर्क करेगा।', ['CMP-1042'])],
	},
	{
		name: 'complaint_ack',
		language: 'en',
		category: 'UTILITY',
		components: [body('Your complaint is registered with number {{1}}. The police station will contact you soon.', ['CMP-1042'])],
	},
	{
		name: 'mitan_alert',
		language: 'hi',
		category: 'UTILITY',
		components: [body('पुलिस मितान सूचना: {{1}} कृपया डैशबोर्ड देखें।', ['आज का प्रसारण रुका है।'])],
	},
	{
		name: 'mitan_alert',
		language: 'en',
		category: 'UTILITY',
		components: [body('Police Mitan alert: {{1}} Please check the dashboard.', ['Today’s broadcast is paused.'])],
	},
];

/** Creates the training templates that do not exist yet (idempotent across resets). */
export function seedTrainingTemplates(state: SandboxState, webhooks: WebhookDispatcher): void {
	for (const t of TRAINING_TEMPLATES) {
		if (!state.templates.find(String(t['name']), String(t['language']))) createTemplate(state, webhooks, t);
	}
}
