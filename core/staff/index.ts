import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { maskPhone, normaliseStaffPhone } from '../phone';

/**
 * The staff registry: the one owner of "is this a staff number". The gateway asks it before a
 * message can become a complaint (an officer writing to open the 24-hour window, or to test, is
 * staff, not a citizen); `mitan staff add / list / remove` keeps it. Numbers are E.164; the
 * exported workflows' placeholder numbers are accepted (core/phone.ts), as in their Settings nodes.
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

export async function addStaff(
	db: Db,
	input: { districtId?: number; phone: string; name: string; duty?: string },
	by: { actor: string },
): Promise<{ member: StaffMember; outcome: 'added' | 'updated' }> {
	const districtId = input.districtId ?? 1;
	const phone = staffPhone(input.phone);
	const name = (input.name ?? '').trim();
	if (name === '' || name.length > 120) throw bad('name', 'name is required (1..120 characters): who answers this number');
	const duty = (input.duty ?? 'staff') as StaffDuty;
	if (!STAFF_DUTIES.includes(duty)) throw bad('duty', `duty "${input.duty}" is not one of ${STAFF_DUTIES.join(', ')}`);
	return db.transaction(async (tx) => {
		const [r] = await tx.query<StaffRow & { inserted: boolean }>(
			`INSERT INTO staff_numbers (district_id, phone, name, duty, added_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (district_id, phone) DO UPDATE SET name = EXCLUDED.name, duty = EXCLUDED.duty
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
			details: { phone: maskPhone(phone), duty },
		});
		return { member: toMember(r), outcome };
	});
}

export async function removeStaff(db: Db, input: { districtId?: number; phone: string }, by: { actor: string }): Promise<StaffMember> {
	const districtId = input.districtId ?? 1;
	const phone = staffPhone(input.phone);
	return db.transaction(async (tx) => {
		const [r] = await tx.query<StaffRow>(
			`DELETE FROM staff_numbers WHERE district_id = $1 AND phone = $2 RETURNING id, district_id, phone, name, duty, added_by, created_at`,
			[districtId, phone],
		);
		if (!r) throw new MitanError('STAFF_NOT_FOUND', `${maskPhone(phone)} is not a registered staff number`, { field: 'phone' });
		await audit(tx, {
			districtId,
			actor: by.actor,
			action: 'staff.removed',
			entity: 'staff_number',
			entityId: r.id,
			details: { phone: maskPhone(phone), duty: r.duty },
		});
		return toMember(r);
	});
}
