import { WHATSAPP_LIMITS } from '../channels/whatsapp/text';
import { MitanError } from '../errors';
import type { Bilingual } from '../labels';

/**
 * The desk's own rules: how a case may end (outcomes), the national portal's acknowledgement
 * number, and the sizes of what an officer writes. Status transitions stay in status.ts.
 */
export const OUTCOMES = [
	'resolved',
	'advice_given',
	'money_frozen',
	'fir_registered',
	'referred',
	'duplicate',
	'unreachable',
	'not_actionable',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Officers read them on the case page; the citizen reads them in the closing notice. */
export const OUTCOME_LABELS: Readonly<Record<Outcome, Bilingual>> = Object.freeze({
	resolved: { en: 'Resolved', hi: 'समाधान हुआ' },
	advice_given: { en: 'Advice given', hi: 'सलाह दी गई' },
	money_frozen: { en: 'Money frozen / put on hold', hi: 'राशि रोकी गई (होल्ड)' },
	fir_registered: { en: 'FIR registered', hi: 'एफआईआर दर्ज' },
	referred: { en: 'Referred to another office', hi: 'अन्य कार्यालय को भेजी गई' },
	duplicate: { en: 'Duplicate of another complaint', hi: 'दूसरी शिकायत की प्रति' },
	unreachable: { en: 'Citizen could not be reached', hi: 'नागरिक से संपर्क नहीं हो सका' },
	not_actionable: { en: 'No police action possible', hi: 'पुलिस कार्रवाई संभव नहीं' },
});

export function isOutcome(x: unknown): x is Outcome {
	return typeof x === 'string' && (OUTCOMES as readonly string[]).includes(x);
}

/**
 * The National Cybercrime Reporting Portal (cybercrime.gov.in) acknowledges a complaint with a
 * 14-digit number (the first two digits are the state's code). Spaces and dashes as officers
 * copy them from the portal's SMS are dropped; anything else is refused with the field named.
 */
export const NCRP_ACK_RE = /^\d{14}$/;

export function parseNcrpAck(raw: unknown): string {
	const s = typeof raw === 'string' ? raw.replace(/[\s-]/g, '') : '';
	if (!NCRP_ACK_RE.test(s)) {
		throw new MitanError(
			'COMPLAINT_BAD_INPUT',
			`ncrpAck: the cybercrime.gov.in acknowledgement number has 14 digits, got "${String(raw ?? '').slice(0, 30)}" / पोर्टल की पावती संख्या 14 अंकों की होती है`,
			{ field: 'ncrpAck' },
		);
	}
	return s;
}

/** An internal note, and an officer's reply (the reply must fit one template parameter too). */
export const NOTE_MAX = 2000;
/** The template's fixed words and the reference share its 1,024-character body: 160 leaves room for them. */
export const REPLY_MAX = WHATSAPP_LIMITS.templateBody - 160;
/** An officer's or station's name as typed on the desk. */
export const ASSIGNEE_MAX = 80;
