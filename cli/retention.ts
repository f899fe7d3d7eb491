import type { Db } from '../core/db';
import { checkRetentionDays, runRetention } from '../core/retention';
import type { Args } from './args';

/** `mitan retention run [--days N] [--json]`: what the server's hourly job does, once, now. */
export async function retentionCommand(db: Db, args: Args, defaultDays: number, out: (s: string) => void): Promise<number> {
	if (args._[0] !== 'run') {
		out('usage: mitan retention run [--days N] [--json]');
		return 2;
	}
	const days = args.flags.days === undefined ? defaultDays : checkRetentionDays(args.flags.days, '--days');
	const r = await runRetention(db, { days, actor: 'cli:retention' });
	out(
		args.flags.json
			? JSON.stringify({ days, ...r }, null, 2)
			: `retention ${days} days (before ${r.cutoff}): ${r.statusEvents} status events, ${r.inboundMessages} inbound messages, ${r.attachments} attachments, ` +
					`${r.outboundWamids} sent messages' ids anonymised; ${r.deadLetters} dead letters, ${r.pendingQuestions} unanswered questions deleted / ` +
					`${days} दिन से पुराने रिकॉर्ड गुमनाम किए गए`,
	);
	return 0;
}
