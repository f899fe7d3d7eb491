import { maskPhone } from '../phone';

/**
 * Who may see what of a complaint. Decided here once; the dashboard and the nodes ask canSee().
 *
 * - viewer (leadership, staff who watch trends): ordinary complaints with the citizen's number
 *   masked; women / child related complaints are not listed at all (they still count in the
 *   rollups, which hold no personal data).
 * - editor (cyber cell staff who write the daily message): as a viewer; writing drafts needs no
 *   citizen's number.
 * - approver (the Additional SP): ordinary complaints in full; sensitive ones only with the
 *   capability below.
 * - admin (the cyber cell in charge): everything.
 * - capability 'complaints:sensitive': given to the officers who handle women / child reports
 *   (e.g. the Mahila cell), whatever their role.
 * Sensitive complaints never store the message text (summary NULL), so "seeing" one means its
 * reference, station, status, times and the number to call the citizen back on.
 */
export type Role = 'viewer' | 'editor' | 'approver' | 'admin';
export const SENSITIVE_CAPABILITY = 'complaints:sensitive';

export interface Viewer {
	role: Role;
	capabilities?: readonly string[];
}

const asViewer = (v: Role | Viewer): Viewer => (typeof v === 'string' ? { role: v } : v);

export function canSeeSensitive(v: Role | Viewer): boolean {
	const viewer = asViewer(v);
	return viewer.role === 'admin' || (viewer.capabilities ?? []).includes(SENSITIVE_CAPABILITY);
}

export function canSee(v: Role | Viewer, complaint: { sensitive: boolean }): boolean {
	return !complaint.sensitive || canSeeSensitive(v);
}

/** The citizen's full number: to call back. Viewers see it masked. */
export function showPhone(v: Role | Viewer, phone: string | null): string | null {
	if (phone === null) return null;
	const role = asViewer(v).role;
	return role === 'viewer' || role === 'editor' ? maskPhone(phone) : phone;
}
