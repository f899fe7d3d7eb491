/**
 * The UTILITY templates Police Mitan sends to staff, shipped with the package so a district
 * submits exactly these to its WABA (`mitan templates submit`, or the Mitan Notify node's
 * "Staff Template" resource). Staff rarely write to the number, so outside the 24-hour window
 * only a template reaches them: the approval request to the Additional SP (its signed link as a
 * URL button with a variable suffix) and staff alerts; and the complaint desk's update to a
 * citizen whose window has closed. Fixed words around the variables, as
 * Meta's review requires (no variable at the start or end, enough words per variable).
 */
import { MitanError } from '../../errors';

export type StaffLanguage = 'hi' | 'en';
export const STAFF_LANGUAGES: StaffLanguage[] = ['hi', 'en'];

export const APPROVAL_TEMPLATE = 'mitan_approval_request';
export const STAFF_ALERT_TEMPLATE = 'mitan_staff_alert';

/** A Meta create payload (POST /{WABA_ID}/message_templates). */
export interface StaffTemplatePayload {
	name: string;
	language: StaffLanguage;
	category: 'UTILITY';
	components: Record<string, unknown>[];
}

const APPROVAL_TEXT: Record<StaffLanguage, { body: string; button: string; footer: string }> = {
	hi: {
		body: 'पुलिस मितान: नया संदेश स्वीकृति के लिए: {{1}} प्रसारण की तारीख {{2}} है। नीचे के बटन से पूरा पाठ देखकर निर्णय लें।',
		button: 'देखें और निर्णय लें',
		footer: 'लिंक एक बार ही काम करता है',
	},
	en: {
		body: 'Police Mitan: a new message is waiting for your approval: {{1}} It goes out on {{2}}. Open the button below to read it in full and decide.',
		button: 'Review and decide',
		footer: 'The link works once',
	},
};

const ALERT_TEXT: Record<StaffLanguage, string> = {
	hi: 'पुलिस मितान स्टाफ सूचना: {{1}} कृपया डैशबोर्ड देखें।',
	en: 'Police Mitan staff alert: {{1}} Please check the dashboard.',
};

/**
 * The complaint desk's update to a citizen whose 24-hour window has closed (core/complaints/desk.ts
 * sends it): {{1}} the complaint reference, {{2}} the officer's text.
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

/**
 * Where the approval links start, the part every request shares: n8n's signed resume URLs are
 * `https://n8n.example/webhook-waiting/` + `<execution>/<node>?decision=…&signature=…`, so the base
 * ends at "/webhook-waiting/"; another link (no such segment) is cut after its last "/". The
 * template's URL button is this base followed by {{1}}, so it is submitted per deployment.
 */
const WAITING = '/webhook-waiting/';

export function linkBase(link: string): string {
	let u: URL;
	try {
		u = new URL(link);
	} catch {
		throw new MitanError('APPROVAL_LINKS_MISSING', `the approval link "${link.slice(0, 80)}" is not a URL`, { field: 'links' });
	}
	const at = u.pathname.indexOf(WAITING);
	const path = at >= 0 ? u.pathname.slice(0, at + WAITING.length) : u.pathname.slice(0, u.pathname.lastIndexOf('/') + 1);
	return `${u.origin}${path}`;
}

function checkBase(base: string): string {
	if (!/^https?:\/\/[^\s{}]+\/$/.test(base))
		throw new MitanError(
			'STAFF_TEMPLATE_LINK_BASE_INVALID',
			`link base "${base}" must be the http(s) address the approval links start with, ending in "/" (e.g. https://n8n.example.in/webhook-waiting/)`,
			{ field: 'linkBase' },
		);
	return base;
}

/** The staff templates for one deployment, every language; `base` from linkBase() of its links. */
export function staffTemplatePayloads(base: string): StaffTemplatePayload[] {
	checkBase(base);
	return STAFF_LANGUAGES.flatMap((language): StaffTemplatePayload[] => [
		{
			name: APPROVAL_TEMPLATE,
			language,
			category: 'UTILITY',
			components: [
				{
					type: 'BODY',
					text: APPROVAL_TEXT[language].body,
					example: { body_text: [[language === 'hi' ? 'वीडियो कॉल ठगी से सावधान' : 'Beware of video-call fraud', '2026-12-03']] },
				},
				{ type: 'FOOTER', text: APPROVAL_TEXT[language].footer },
				{
					type: 'BUTTONS',
					buttons: [
						{
							type: 'URL',
							text: APPROVAL_TEXT[language].button,
							url: `${base}{{1}}`,
							example: [`${base}1234?decision=approve&nonce=sample`],
						},
					],
				},
			],
		},
		{
			name: STAFF_ALERT_TEMPLATE,
			language,
			category: 'UTILITY',
			components: [
				{
					type: 'BODY',
					text: ALERT_TEXT[language],
					example: { body_text: [[language === 'hi' ? 'आज का प्रसारण रुका है।' : "Today's broadcast is paused."]] },
				},
			],
		},
		{
			name: COMPLAINT_UPDATE_TEMPLATE.name,
			language,
			category: 'UTILITY',
			components: [
				{
					type: 'BODY',
					text: COMPLAINT_UPDATE_TEMPLATE.bodies[language],
					example: { body_text: [['KBD-2026-000123', language === 'hi' ? 'थाना कल आपसे संपर्क करेगा' : 'The station will call you tomorrow']] },
				},
			],
		},
	]);
}

/** A template's parameters as the send needs them: body {{1}}, {{2}}… and the URL button's suffix. */
export interface StaffTemplateSend {
	name: string;
	language: string;
	params: string[];
	urlButtonParams?: string[];
}

/** One line, no tabs or runs of spaces (Meta's rule for a parameter), cut to `max`. */
function param(s: string, max: number): string {
	const one = s.replace(/\s+/g, ' ').trim();
	return [...one].length <= max ? one : `${[...one].slice(0, max - 1).join('')}…`;
}

/**
 * The approval request as the template: the title (prefixed on a reminder or an escalation), the
 * date, and the decision link's suffix after linkBase() for the URL button.
 */
export function approvalTemplateSend(opts: {
	name?: string;
	language?: string;
	title: string;
	targetDate: string | null;
	link: string;
	reminder?: boolean;
	level?: number;
}): StaffTemplateSend {
	const language = opts.language || 'hi';
	const hi = language === 'hi';
	const prefix = opts.reminder
		? hi
			? 'अनुस्मारक: '
			: 'Reminder: '
		: (opts.level ?? 1) > 1
			? hi
				? 'समय-सीमा बीती, अब आप: '
				: 'Escalated to you: '
			: '';
	const base = linkBase(opts.link);
	const suffix = opts.link.slice(base.length);
	if (!suffix || /\s/.test(suffix))
		throw new MitanError('APPROVAL_LINKS_MISSING', 'the approval link has nothing after its base address for the URL button', {
			field: 'links',
		});
	return {
		name: opts.name || APPROVAL_TEMPLATE,
		language,
		params: [param(prefix + opts.title, 200), opts.targetDate ?? (hi ? 'तय नहीं' : 'not set')],
		urlButtonParams: [suffix],
	};
}
