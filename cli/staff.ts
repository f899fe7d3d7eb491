import type { Db } from '../core/db';
import { MitanError } from '../core/errors';
import { maskPhone } from '../core/phone';
import { addStaff, listStaff, removeStaff, STAFF_DUTIES, type StaffDuty } from '../core/staff';
import { flag, type Args } from './args';

/**
 * `mitan staff list [--duty d]`, `mitan staff add <phone> --name "…" [--duty duty_officer]`,
 * `mitan staff remove <phone> [--duty d]`: the staff registry (core/staff), whose numbers never become
 * complaints and whom the exported workflows alert, by duty.
 */
export async function staffCommand(db: Db, args: Args, out: (s: string) => void): Promise<number> {
	const [sub = 'list', phone] = args._;
	const districtId = Number(flag(args, 'district') ?? 1);
	const by = { actor: `cli:${process.env.USER ?? 'operator'}` };
	if (sub === 'list') {
		const duty = flag(args, 'duty') as StaffDuty | undefined;
		const list = await listStaff(db, districtId, duty);
		for (const m of list) out(`${m.phone.padEnd(15)} ${m.duty.padEnd(13)} ${m.name}`);
		if (list.length === 0) out('no staff numbers registered / कोई स्टाफ़ नंबर दर्ज नहीं');
		return 0;
	}
	if (sub !== 'add' && sub !== 'remove')
		throw new MitanError('STAFF_BAD_INPUT', `staff: "${sub}" is not a sub-command (list, add, remove)`, { field: 'command' });
	if (!phone)
		throw new MitanError('STAFF_BAD_INPUT', `staff ${sub}: give the phone number, e.g. mitan staff ${sub} +919876543210`, {
			field: 'phone',
		});
	if (sub === 'add') {
		const r = await addStaff(db, { districtId, phone, name: flag(args, 'name') ?? '', duty: flag(args, 'duty') }, by);
		out(`${r.outcome}: ${maskPhone(r.member.phone)} (${r.member.duty}, ${r.member.name})`);
		return 0;
	}
	const removed = await removeStaff(db, { districtId, phone, duty: flag(args, 'duty') }, by);
	out(`removed: ${maskPhone(removed[0].phone)} (${removed.map((m) => m.duty).join(', ')})`);
	return 0;
}

export const STAFF_USAGE = `  mitan staff list [--duty ${STAFF_DUTIES.join('|')}]
  mitan staff add <phone> --name "<who>" [--duty duty_officer]   (a number may hold several duties)
  mitan staff remove <phone> [--duty d]
                                  the staff registry: who the workflows alert and who approves (by duty);
                                  these numbers never become complaints`;
