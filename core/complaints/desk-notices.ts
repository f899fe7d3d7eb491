import { OUTCOME_LABELS, type Outcome } from './desk-rules';

/**
 * What the citizen is told when their complaint is forwarded and when it is closed, in their
 * language. It goes out the same way as an officer's reply (free text in the window, else the
 * update template), so it never repeats the complaint itself: only the reference and the step.
 */
export function forwardedNotice(r: { ref: string; language: 'hi' | 'en'; policeStation: string | null; ncrpAck: string | null }): string {
	if (r.language === 'en') {
		return [
			`Your complaint ${r.ref} has been forwarded${r.policeStation ? ` to police station ${r.policeStation}` : ''}.`,
			r.ncrpAck ? `It is registered on the national portal cybercrime.gov.in, acknowledgement number ${r.ncrpAck}.` : '',
		]
			.filter(Boolean)
			.join(' ');
	}
	return [
		`आपकी शिकायत ${r.ref} ${r.policeStation ? `थाना ${r.policeStation} को ` : ''}भेज दी गई है।`,
		r.ncrpAck ? `यह राष्ट्रीय पोर्टल cybercrime.gov.in पर दर्ज है, पावती संख्या ${r.ncrpAck}।` : '',
	]
		.filter(Boolean)
		.join(' ');
}

export function closedNotice(r: { ref: string; language: 'hi' | 'en'; outcome: Outcome }): string {
	const label = OUTCOME_LABELS[r.outcome][r.language];
	return r.language === 'en'
		? `Your complaint ${r.ref} is closed: ${label}. If you need more help, write to us again.`
		: `आपकी शिकायत ${r.ref} बंद कर दी गई है: ${label}। और सहायता चाहिए तो हमें फिर लिखें।`;
}
