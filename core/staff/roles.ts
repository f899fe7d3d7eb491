import type { Queryable } from '../db';
import { listStaff, type StaffDuty, type StaffMember } from './index';

/**
 * The staff numbers the exported workflows use, by role, and the names their expressions read them
 * by (`$('Staff numbers').first().json.dutyOfficerPhone`). These were the fields of the five copies
 * of the "Settings" node the registry replaced; the names are kept so an edited workflow's
 * expressions still read the same thing, and the upgrade (./seed.ts) maps the old fields through
 * this one table.
 */
export const ROLE_FIELDS = [
	{ field: 'cyberCellPhone', duty: 'cyber_cell', label: 'cyber cell staff / साइबर सेल', list: true },
	{ field: 'dutyOfficerPhone', duty: 'duty_officer', label: 'duty officer / ड्यूटी अधिकारी', list: true },
	{ field: 'leadershipPhones', duty: 'leadership', label: 'leadership (SP, Collector, IG) / नेतृत्व', list: true },
	// The approval request goes to one approver: the first in the registry (by name) answers it.
	{ field: 'approverPhone', duty: 'approver', label: 'Additional SP approver / अपर पुलिस अधीक्षक', list: false },
] as const satisfies readonly { field: string; duty: StaffDuty; label: string; list: boolean }[];

export type RoleField = (typeof ROLE_FIELDS)[number]['field'];

/** What a fresh install is seeded with: the numbers the Settings nodes shipped with (sandbox range, core/phone.ts). */
export const PLACEHOLDER_STAFF: readonly { duty: StaffDuty; phone: string; name: string }[] = [
	{ duty: 'cyber_cell', phone: '+910000000001', name: 'Cyber cell (placeholder)' },
	{ duty: 'duty_officer', phone: '+910000000002', name: 'Duty officer (placeholder)' },
	{ duty: 'leadership', phone: '+910000000003', name: 'Leadership 1: SP (placeholder)' },
	{ duty: 'leadership', phone: '+910000000004', name: 'Leadership 2: Collector (placeholder)' },
	{ duty: 'approver', phone: '+910000000010', name: 'Additional SP (placeholder)' },
];

export type StaffByRole = Record<RoleField, string> & {
	/** Everyone in each role, for an expression that wants names. */
	staff: Record<string, { phone: string; name: string }[]>;
};

/**
 * The district's staff numbers by role, as the workflows read them: each field is the role's
 * numbers joined by ", " (what Mitan Notify's Recipients takes), the approver's the first one only;
 * a role nobody holds is "" (the alert then says it has no recipient).
 */
export async function staffByRole(db: Queryable, districtId: number): Promise<StaffByRole> {
	return groupByRole(await listStaff(db, districtId));
}

export function groupByRole(members: readonly StaffMember[]): StaffByRole {
	const staff: StaffByRole['staff'] = {};
	for (const m of members) (staff[m.duty] ??= []).push({ phone: m.phone, name: m.name });
	const out = { staff } as StaffByRole;
	for (const r of ROLE_FIELDS) {
		const phones = (staff[r.duty] ?? []).map((s) => s.phone);
		out[r.field] = r.list ? phones.join(', ') : (phones[0] ?? '');
	}
	return out;
}

/**
 * Who hears at once that Meta rejected or paused the day's template: the district's cyber cell in
 * the registry (they write and fix the content), unless the gateway was given a fixed list
 * (MITAN_STAFF_ALERT_PHONES, kept for an installation that has not filled its registry yet).
 */
export async function templateAlertRecipients(db: Queryable, districtId: number, fixed?: readonly string[]): Promise<string[]> {
	if (fixed && fixed.length > 0) return [...fixed];
	return (await listStaff(db, districtId, 'cyber_cell')).map((m) => m.phone);
}
