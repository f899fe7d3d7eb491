import type { Role } from '../../core/auth';
import { SENSITIVE_ROLES } from '../../core/dashboard';

/**
 * Who may read a women / child complaint's details. The complaints engineer owns the rule
 * (core/complaints canSee); until it is exported this mirrors it: approver and admin only.
 */
export function canSeeComplaint(role: Role, complaint: { sensitive: boolean }): boolean {
	return !complaint.sensitive || (SENSITIVE_ROLES as readonly string[]).includes(role);
}
