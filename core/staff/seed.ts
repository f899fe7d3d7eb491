import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { maskPhone, normaliseStaffPhone } from '../phone';
import { upsertStaff, type StaffDuty } from './index';
import { PLACEHOLDER_STAFF, ROLE_FIELDS } from './roles';

/**
 * The registry's one-time seed per district. Before the registry owned them, each exported workflow
 * carried its own "Settings" node with the staff numbers, and a district going live typed its real
 * ones there. So the first start (or `mitan n8n update`) of this version reads the installed
 * workflows' Settings nodes and the live numbers found there become registry entries, audited with
 * the workflow and field they came from; a role nobody typed a number for (and a fresh install) gets
 * the sandbox-range placeholders the Settings nodes shipped with. It happens once: a number an
 * officer later removes is never put back (staff_registry_seeds).
 */

/** One installed workflow's Settings node assignments (name → value), as n8n holds them. */
export interface InstalledSettings {
	workflow: string;
	values: Record<string, unknown>;
}

export interface SeedResult {
	/** False when the district's registry had been seeded already: nothing was written. */
	seeded: boolean;
	source?: 'workflows' | 'placeholders';
	added: { duty: StaffDuty; phone: string; from?: string }[];
	/** Values in a Settings node that are not a staff number (masked), left for an officer to look at. */
	skipped: { from: string; value: string; reason: string }[];
}

export async function staffRegistrySeeded(db: Queryable, districtId: number): Promise<boolean> {
	return (await db.query('SELECT 1 FROM staff_registry_seeds WHERE district_id = $1', [districtId])).length > 0;
}

type Found = { duty: StaffDuty; phone: string; from: string; name: string };

/** The live numbers in the installed Settings nodes, by role; placeholders are not "live". */
export function liveNumbers(installed: readonly InstalledSettings[]): { found: Found[]; skipped: SeedResult['skipped'] } {
	const found: Found[] = [];
	const skipped: SeedResult['skipped'] = [];
	for (const w of installed)
		for (const r of ROLE_FIELDS) {
			const raw = w.values[r.field];
			if (typeof raw !== 'string') continue;
			const from = `workflow "${w.workflow}", Settings field "${r.field}"`;
			for (const part of raw
				.split(/[,;\n]/)
				.map((p) => p.trim())
				.filter(Boolean)) {
				if (part.startsWith('=')) {
					skipped.push({ from, value: part.slice(0, 40), reason: 'an expression, not a number' });
					continue;
				}
				const p = normaliseStaffPhone(part);
				if (!p.ok) skipped.push({ from, value: maskPhone(part), reason: p.message });
				else if (!p.placeholder && !found.some((f) => f.duty === r.duty && f.phone === p.e164))
					found.push({ duty: r.duty, phone: p.e164, from, name: `${r.label.split(' / ')[0]} (from ${w.workflow})`.slice(0, 120) });
			}
		}
	return { found, skipped };
}

export async function seedStaffRegistry(
	db: Db,
	input: { districtId: number; installed: readonly InstalledSettings[]; actor: string },
): Promise<SeedResult> {
	const { found, skipped } = liveNumbers(input.installed);
	return db.transaction(async (tx) => {
		// The marker row first: a second start racing this one waits here, then finds it and writes nothing.
		const [mark] = await tx.query(
			`INSERT INTO staff_registry_seeds (district_id, source, added, seeded_by) VALUES ($1, 'placeholders', 0, $2)
       ON CONFLICT (district_id) DO NOTHING RETURNING district_id`,
			[input.districtId, input.actor],
		);
		if (!mark) return { seeded: false, added: [], skipped };
		const held = new Set(
			(await tx.query<{ duty: StaffDuty }>('SELECT DISTINCT duty FROM staff_numbers WHERE district_id = $1', [input.districtId])).map(
				(r) => r.duty,
			),
		);
		const added: SeedResult['added'] = [];
		for (const f of found) {
			await upsertStaff(tx, { districtId: input.districtId, ...f }, { actor: input.actor, source: f.from });
			added.push({ duty: f.duty, phone: maskPhone(f.phone), from: f.from });
		}
		const live = new Set(found.map((f) => f.duty));
		for (const p of PLACEHOLDER_STAFF) {
			if (live.has(p.duty) || held.has(p.duty)) continue;
			await upsertStaff(tx, { districtId: input.districtId, ...p }, { actor: input.actor, source: 'placeholder' });
			added.push({ duty: p.duty, phone: p.phone });
		}
		const source = found.length ? 'workflows' : 'placeholders';
		await tx.query('UPDATE staff_registry_seeds SET source = $2, added = $3 WHERE district_id = $1', [
			input.districtId,
			source,
			added.length,
		]);
		await audit(tx, {
			districtId: input.districtId,
			actor: input.actor,
			action: 'staff.seeded',
			entity: 'staff_registry',
			entityId: input.districtId,
			details: { source, added: added.length, fromWorkflows: found.length, skipped },
		});
		return { seeded: true, source, added, skipped };
	});
}

/**
 * A district whose registry was never seeded (the package installed into an n8n of its own, with
 * no `npm start` to seed it) gets the placeholders when a workflow first asks for its staff, as a
 * fresh install does; the seed's marker row makes concurrent workers seed it once.
 */
export async function ensureStaffRegistrySeeded(db: Db, districtId: number): Promise<void> {
	if (!(await staffRegistrySeeded(db, districtId))) await seedStaffRegistry(db, { districtId, installed: [], actor: 'system:first-use' });
}
