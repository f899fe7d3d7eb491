import type { Db } from '../core/db';
import { defaultDistrictId } from '../core/districts';
import { placeholderStaff, roleName } from '../core/staff/live';
import { seedStaffRegistry, staffRegistrySeeded, type InstalledSettings } from '../core/staff/seed';

/**
 * `npm start` and `mitan n8n update` seed the staff registry once (core/staff/seed.ts) from the
 * installed workflows' Settings nodes, and say what they did; the registry then owns the numbers.
 */
export async function seedStaffFromWorkflows(db: Db, installed: InstalledSettings[], log: (s: string) => void): Promise<void> {
	const districtId = await defaultDistrictId(db);
	if (await staffRegistrySeeded(db, districtId)) return;
	const r = await seedStaffRegistry(db, { districtId, installed, actor: 'system:upgrade' });
	if (!r.seeded) return;
	const live = r.added.filter((a) => a.from);
	if (live.length)
		log(
			`staff registry: ${live.length} number(s) carried over from the workflows' Settings nodes: ` +
				live.map((a) => `${a.phone} (${a.duty}, ${a.from})`).join('; '),
		);
	const placeholders = r.added.length - live.length;
	if (placeholders) log(`staff registry: ${placeholders} placeholder number(s) for the roles nobody holds yet; \`mitan staff list\``);
	for (const s of r.skipped) log(`staff registry: not carried over: ${s.from}: ${s.value} (${s.reason}); add it with \`mitan staff add\``);
}

/** With a real WhatsApp token: names every registry entry still a placeholder, before an alert is refused at run time. */
export async function warnPlaceholderStaff(db: Db, log: (s: string) => void): Promise<void> {
	for (const m of await placeholderStaff(db, await defaultDistrictId(db)))
		log(
			`staff registry: WARNING role ${roleName(m.duty)}, "${m.name}" is still the placeholder ${m.phone}: ` +
				`with the live WhatsApp credential the workflows refuse to run; put the real number in (dashboard → Staff, or \`mitan staff add\`)`,
		);
}
