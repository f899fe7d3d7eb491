import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { assertStaffRegistryLive } from '../../../core/staff/live';
import { staffByRole } from '../../../core/staff/roles';
import { ensureStaffRegistrySeeded } from '../../../core/staff/seed';
import { credentialOfKind } from '../../shared/credentials';
import { districtIdFor, getDb } from '../../shared/db';

const show = { show: { resource: ['staff'], operation: ['getByRole'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'The staff registry (dashboard → Staff, or `mitan staff`) owns these numbers: cyberCellPhone, dutyOfficerPhone, leadershipPhones (comma-separated), approverPhone (the first approver), and staff by duty',
		name: 'staffNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Include Input Fields',
		name: 'includeInput',
		type: 'boolean',
		default: true,
		description: "Whether to pass each input item's fields through, with the staff numbers added (like a Set node)",
		displayOptions: show,
	},
];

/**
 * The district's staff numbers by role from the registry (core/staff/roles.ts), refused while any
 * entry is still a placeholder and the WhatsApp credential is live (core/staff/live.ts): the one
 * place the exported workflows learn who to alert and who approves. A registry never seeded gets the
 * placeholders first (core/staff/seed.ts), as a fresh install.
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const db = await getDb(this);
	const districtId = await districtIdFor(this, db);
	await ensureStaffRegistrySeeded(db, districtId);
	await assertStaffRegistryLive(db, districtId, await credentialOfKind(this, 'whatsapp'));
	const numbers = await staffByRole(db, districtId);
	const input = this.getNodeParameter('includeInput', i, true) ? this.getInputData()[i].json : {};
	return { ...input, ...numbers } as IDataObject;
}
