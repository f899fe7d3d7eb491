import { MitanError } from '../errors';
import type { Bilingual } from '../labels';

/**
 * The one place complaint status rules live: new → acknowledged → forwarded → closed.
 * Steps may be skipped forwards (an officer can forward an unacknowledged complaint, or close
 * spam at once) but never go back: a citizen writing after closure opens a new complaint.
 * Each status has its own timestamp column, set when the complaint enters it.
 */
export const COMPLAINT_STATUSES = ['new', 'acknowledged', 'forwarded', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const STATUS_TIMESTAMP: Readonly<Record<Exclude<ComplaintStatus, 'new'>, string>> = Object.freeze({
	acknowledged: 'acknowledged_at',
	forwarded: 'forwarded_at',
	closed: 'closed_at',
});

/** How a status is named to officers (dashboard) and citizens. */
export const STATUS_LABELS: Readonly<Record<ComplaintStatus, Bilingual>> = Object.freeze({
	new: { en: 'New', hi: 'नई' },
	acknowledged: { en: 'Acknowledged', hi: 'पावती भेजी गई' },
	forwarded: { en: 'Forwarded to police station', hi: 'थाने को भेजी गई' },
	closed: { en: 'Closed', hi: 'बंद' },
});

export function isComplaintStatus(x: unknown): x is ComplaintStatus {
	return typeof x === 'string' && (COMPLAINT_STATUSES as readonly string[]).includes(x);
}

export function canTransition(from: ComplaintStatus, to: ComplaintStatus): boolean {
	return COMPLAINT_STATUSES.indexOf(to) > COMPLAINT_STATUSES.indexOf(from);
}

export function checkTransition(ref: string, from: ComplaintStatus, to: unknown): Exclude<ComplaintStatus, 'new'> {
	if (!isComplaintStatus(to)) {
		throw new MitanError('COMPLAINT_STATUS_UNKNOWN', `status must be one of ${COMPLAINT_STATUSES.join(', ')}; got "${String(to)}"`, {
			field: 'status',
		});
	}
	if (!canTransition(from, to) || to === 'new') {
		throw new MitanError(
			'COMPLAINT_STATUS_BACKWARDS',
			`complaint ${ref} is "${from}" and cannot become "${to}": status only moves forward (new → acknowledged → forwarded → closed)`,
			{ field: 'status', from, to },
		);
	}
	return to;
}
