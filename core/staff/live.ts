import { isSandboxWhatsApp } from '../channels/whatsapp/placeholders';
import type { WhatsAppConfig } from '../channels/whatsapp/types';
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { isPlaceholderPhone, PLACEHOLDER_PHONE_RANGE } from '../phone';
import { listStaff, type StaffMember } from './index';
import { ROLE_FIELDS } from './roles';

/**
 * The registry's entries still holding a sandbox-range placeholder (core/phone.ts): what a district
 * must replace before its real WhatsApp credential may alert anyone (issue 13 item 5, now owned by
 * the registry rather than five Settings nodes).
 */
export async function placeholderStaff(db: Queryable, districtId: number): Promise<StaffMember[]> {
	return (await listStaff(db, districtId)).filter((m) => isPlaceholderPhone(m.phone));
}

/** "duty officer (dutyOfficerPhone)": the role as an officer reads it, and the field the workflows read it by. */
export function roleName(duty: string): string {
	const r = ROLE_FIELDS.find((f) => f.duty === duty);
	return r ? `${r.label} (${r.field})` : duty;
}

/**
 * Refuses a live WhatsApp credential while any registry entry of the district is a placeholder
 * (STAFF_PHONE_PLACEHOLDER, naming each role and the field to correct); the sandbox may message them.
 */
export async function assertStaffRegistryLive(db: Queryable, districtId: number, config: Pick<WhatsAppConfig, 'baseUrl'>): Promise<void> {
	if (isSandboxWhatsApp(config)) return;
	const found = await placeholderStaff(db, districtId);
	if (found.length === 0) return;
	const where = found.map((m) => `role ${roleName(m.duty)}, field "phone" of "${m.name}": ${m.phone}`).join('; ');
	throw new MitanError(
		'STAFF_PHONE_PLACEHOLDER',
		`staff registry: ${found.length} placeholder staff number(s) (${PLACEHOLDER_PHONE_RANGE}) while the WhatsApp credential is live: ${where}. ` +
			`Put the real numbers in the staff registry (dashboard → Staff, or \`mitan staff add <phone> --duty <role> --name "…"\`, ` +
			`then \`mitan staff remove <placeholder>\`) / लाइव WhatsApp से पहले स्टाफ़ रजिस्टर में असली नंबर डालें (डैशबोर्ड → स्टाफ़)`,
		{
			field: 'phone',
			roles: [...new Set(found.map((m) => m.duty))],
			entries: found.map((m) => ({ duty: m.duty, name: m.name, phone: m.phone })),
		},
	);
}
