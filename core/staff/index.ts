import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { maskPhone, normaliseStaffPhone } from '../phone';

/**
 * The staff registry: the one owner of "is this a staff number". The gateway asks it before a
 * message can become a complaint (an officer writing to open the 24-hour window, or to test, is
 * staff, not a citizen), and the exported workflows ask it who to alert and who approves (Mitan
 * Notify → Staff Number → Get by Role, ./roles.ts); `mitan staff` and the dashboard's Staff page keep
 * it. Numbers are E.164; the sandbox-range placeholders (core/phone.ts) are accepted: a fresh
 * install is seeded with them (./seed.ts) and a live credential refuses them (./live.ts).
 */
export const STAFF_DUTIES = ['staff', 'cyber_cell', 'duty_officer', 'leadership', 'approver'] as const;
export type StaffDuty = (typeof STAFF_DUTIES)[number];

export interface StaffMember {
	id: number;
	districtId: number;
	phone: string;
	name: string;
	duty: StaffDuty;
	addedBy: string;
	createdAt: Date;
}

type StaffRow = {
	id: number;
	district_id: number;
	phone: string;
	name: string;
	duty: StaffDuty;
	added_by: string;
	created_at: Date;
};

const toMember = (r: StaffRow): StaffMember => ({
	id: Number(r.id),
	districtId: r.district_id,
	phone: r.phone,
	name: r.name,
	duty: r.duty,
	addedBy: r.added_by,
	createdAt: new Date(r.created_at),
});

const bad = (field: string, message: string) => new MitanError('STAFF_BAD_INPUT', message, { field });

function staffPhone(raw: string): string {
	const p = normaliseStaffPhone(raw);
	if (!p.ok) throw bad('phone', `phone "${raw}": ${p.message}`);
	return p.e164;
}

/** True when `phone` (E.164, or a WhatsApp id's digits) is a registered staff number in the district. */
export async function isStaffNumber(db: Queryable, districtId: number, phone: string): Promise<boolean> {
	const p = normaliseStaffPhone(phone.startsWith('+') ? phone : '+' + phone);
	const e164 = p.ok ? p.e164 : phone;
	const rows = await db.query('SELECT 1 FROM staff_numbers WHERE district_id = $1 AND phone = $2', [districtId, e164]);
	return rows.length > 0;
}

export async function listStaff(db: Queryable, districtId: number, duty?: StaffDuty): Promise<StaffMember[]> {
	const rows = await db.query<StaffRow>(
		`SELECT id, district_id, phone, name, duty, added_by, created_at FROM staff_numbers
     WHERE district_id = $1 AND ($2::text IS NULL OR duty = $2) ORDER BY duty, name, id`,
		[districtId, duty ?? null],
	);
	return rows.map(toMember);
}

export interface StaffInput {
	districtId?: number;
	phone: string;
	name: string;
	duty?: string;
}

/** Validates a registry entry: the phone through core/phone, a name, a known duty. */
function checkInput(input: StaffInput): { districtId: number; phone: string; name: string; duty: StaffDuty } {
	const phone = staffPhone(input.phone);
	const name = (input.name ?? '').trim();
	if (name === '' || name.length > 120) throw bad('name', 'name is required (1..120 characters): who answers this number');
	const duty = (input.duty ?? 'staff') as StaffDuty;
	if (!STAFF_DUTIES.includes(duty)) throw bad('duty', `duty "${input.duty}" is not one of ${STAFF_DUTIES.join(', ')}`);
	return { districtId: input.districtId ?? 1, phone, name, duty };
}

/**
 * Adds a number in a role (one number may hold several roles), or renames the one already there;
 * audited in the caller's transaction (the registry's seed adds several in one).
 */
export async function upsertStaff(
	tx: Queryable,
	input: StaffInput,
	by: { actor: string; source?: string },
): Promise<{ member: StaffMember; outcome: 'added' | 'updated' }> {
	const { districtId, phone, name, duty } = checkInput(input);
	const [r] = await tx.query<StaffRow & { inserted: boolean }>(
		`INSERT INTO staff_numbers (district_id, phone, name, duty, added_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (district_id, phone, duty) DO UPDATE SET name = EXCLUDED.name
     RETURNING id, district_id, phone, name, duty, added_by, created_at, (xmax = 0) AS inserted`,
		[districtId, phone, name, duty, by.actor],
	);
	const outcome = r.inserted ? 'added' : 'updated';
	await audit(tx, {
		districtId,
		actor: by.actor,
		action: `staff.${outcome}`,
		entity: 'staff_number',
		entityId: r.id,
		details: { phone: maskPhone(phone), duty, ...(by.source ? { source: by.source } : {}) },
	});
	return { member: toMember(r), outcome };
}

export async function addStaff(
	db: Db,
	input: StaffInput,
	by: { actor: string },
): Promise<{ member: StaffMember; outcome: 'added' | 'updated' }> {
	checkInput(input); // refused before a transaction opens
	return db.transaction((tx) => upsertStaff(tx, input, by));
}

/** Removes a number from one role, or (no duty given) from every role it holds; each removal audited. */
export async function removeStaff(
	db: Db,
	input: { districtId?: number; phone: string; duty?: string },
	by: { actor: string },
): Promise<StaffMember[]> {
	const districtId = input.districtId ?? 1;
	const phone = staffPhone(input.phone);
	if (input.duty !== undefined && !STAFF_DUTIES.includes(input.duty as StaffDuty))
		throw bad('duty', `duty "${input.duty}" is not one of ${STAFF_DUTIES.join(', ')}`);
	return db.transaction(async (tx) => {
		const rows = await tx.query<StaffRow>(
			`DELETE FROM staff_numbers WHERE district_id = $1 AND phone = $2 AND ($3::text IS NULL OR duty = $3)
       RETURNING id, district_id, phone, name, duty, added_by, created_at`,
			[districtId, phone, input.duty ?? null],
		);
		if (rows.length === 0)
			throw new MitanError(
				'STAFF_NOT_FOUND',
				`${maskPhone(phone)} is not a registered staff number${input.duty ? ` in the role ${input.duty}` : ''}`,
				{ field: 'phone' },
			);
		for (const r of rows)
			await audit(tx, {
				districtId,
				actor: by.actor,
				action: 'staff.removed',
				entity: 'staff_number',
				entityId: r.id,
				details: { phone: maskPhone(phone), duty: r.duty },
			});
		return rows.map(toMember);
	});
}
