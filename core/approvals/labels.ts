import type { Bilingual } from '../labels';
import type { Decision } from './types';

/**
 * A decision's names: the button that takes it (`verb`) and the outcome once taken (`done`).
 * The approver's decision page, its result pages, the WhatsApp message and the dashboard's
 * queue all read them here.
 */
export const DECISION_LABELS: Readonly<Record<Decision, { verb: Bilingual; done: Bilingual }>> = Object.freeze({
	approved: { verb: { en: 'Approve', hi: 'स्वीकृत करें' }, done: { en: 'Approved', hi: 'स्वीकृत' } },
	rejected: { verb: { en: 'Reject', hi: 'अस्वीकार करें' }, done: { en: 'Rejected', hi: 'अस्वीकृत' } },
	changes_requested: { verb: { en: 'Request changes', hi: 'बदलाव माँगें' }, done: { en: 'Changes requested', hi: 'बदलाव माँगे' } },
});

/** A deadline as the approver reads it, on the clock of the request's district ("1 Dec 2026, 10:30 IST"). */
export function formatDeadline(d: Date, timeZone: string): string {
	return new Intl.DateTimeFormat('en-IN', {
		timeZone,
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hour12: false,
		timeZoneName: 'short',
	}).format(d);
}
