import type { Db } from '../core/db';
import { MitanError } from '../core/errors';
import { addRate, listRates } from '../core/metrics/rate-card';
import { flag, type Args } from './args';

/**
 * `mitan rates` lists the dated WhatsApp rate card; `mitan rates add --category marketing
 * --from 2027-01-01 --inr 0.9 --source "Meta rate card notice of …"` adds next quarter's rate
 * (`--inr none`: billed, rate not known yet). Past rates are never edited (migration 110).
 */
export async function ratesCommand(db: Db, args: Args, out: (s: string) => void): Promise<number> {
	const sub = args._[0] ?? 'list';
	if (sub === 'list') {
		for (const r of await listRates(db)) {
			out(`${r.category.padEnd(15)} from ${r.effectiveFrom}  ${r.inr === null ? 'rate unknown' : `₹${r.inr.toFixed(4)}`}  (${r.source})`);
		}
		return 0;
	}
	if (sub !== 'add') throw new MitanError('RATE_CARD_INVALID', `rates: "${sub}" is not a sub-command (list, add)`, { field: 'command' });
	const raw = flag(args, 'inr');
	const inr = raw === 'none' ? null : Number(raw);
	if (raw === undefined || (inr !== null && Number.isNaN(inr)))
		throw new MitanError('RATE_CARD_INVALID', `inr: give rupees per message, e.g. --inr 0.8631 (or --inr none)`, { field: 'inr' });
	const r = await addRate(db, {
		category: flag(args, 'category') ?? '',
		effectiveFrom: flag(args, 'from') ?? '',
		inr,
		source: flag(args, 'source') ?? '',
	});
	out(`added: ${r.category} from ${r.effectiveFrom} ${r.inr === null ? 'rate unknown' : `₹${r.inr}`}`);
	return 0;
}
