import { MitanError } from '../core/errors';
import type { Db } from '../core/db';
import { eraseCitizen, type ErasureReceipt, type VacuumMode } from '../core/erasure';
import { defaultDistrictId } from '../core/districts';
import { resolveConfig } from '../core/config';
import { flag, type Args } from './args';
import { districtFlag } from './district';

const USAGE = 'usage: mitan erase --phone <number> | --wa-id <digits> | --user-id <BSUID> [--district CODE] [--vacuum full|plain|none]';
const MODES: VacuumMode[] = ['full', 'plain', 'none'];

/** `mitan erase`: a DPDP erasure request handled at the desk, through core/erasure like every other caller. */
export async function eraseCommand(db: Db, args: Args): Promise<ErasureReceipt> {
	const phone = flag(args, 'phone');
	const waId = flag(args, 'wa-id');
	const waUserId = flag(args, 'user-id');
	if (!phone && !waId && !waUserId) throw new MitanError('CLI_USAGE', USAGE);
	// The district's code, like every command (core/districts.ts); none: MITAN_DISTRICT, else the first.
	const district = (await districtFlag(db, args)) ?? (await defaultDistrictId(db));
	const vacuum = (flag(args, 'vacuum') ?? 'full') as VacuumMode;
	if (!MODES.includes(vacuum)) throw new MitanError('CLI_USAGE', `--vacuum: one of ${MODES.join(', ')}, got "${vacuum}"`);
	const n8n = resolveConfig().n8nApi;
	return eraseCitizen(db, { phone, waId, waUserId, districtId: district }, { actor: 'system:cli', source: 'mitan erase' }, { vacuum, n8n });
}

/** What was cleared, in counts only (the receipt never holds the identifiers). */
export function printErasure(r: ErasureReceipt, out: (s: string) => void): void {
	const tables = Object.entries(r.counts).map(([t, n]) => `${t} ${n}`);
	out(
		r.erased
			? `erased: ${r.subscriberIds.length} roster row(s); cleared ${tables.join(', ')}; ${r.suppressed} identifier(s) suppressed. ` +
					`मिटाया गया; यह नंबर बिना नई सहमति के फिर नहीं जुड़ेगा।`
			: `nothing held this citizen; ${r.suppressed} identifier(s) suppressed against re-import. कोई डेटा नहीं मिला; नंबर फिर नहीं जुड़ेगा।`,
	);
	if (r.vacuum)
		out(
			`  vacuum ${r.vacuum.mode}: ${r.vacuum.tables.join(', ')} in ${r.vacuum.seconds.toFixed(2)} s${r.vacuum.walCleared ? ', WAL switched' : ''}`,
		);
	for (const n of r.vacuum?.notes ?? []) out(`  note: ${n}`);
	const x = r.n8nExecutions;
	if (x?.checked) out(`  n8n: ${x.scanned} kept execution(s) searched, ${x.deleted.length} naming the citizen deleted`);
	else if (x)
		out(
			`  n8n: NOT CHECKED (${x.code}, action ${x.action}): ${x.reason}` +
				(x.deleted.length ? `; ${x.deleted.length} deleted before that` : '') +
				' / n8n के executions की जाँच नहीं हुई',
		);
}
