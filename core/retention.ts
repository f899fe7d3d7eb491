import { audit } from './audit';
import type { Db, Queryable } from './db';
import {
	ATTACHMENT_CLEARED,
	anonymousWamid,
	INBOUND_MESSAGE_CLEARED,
	NUMBER_IN_TEXT,
	statusEventCleared,
	wamidRewritten,
} from './erasure/anonymise';
import { checkedKey } from './erasure/key';
import { MitanError } from './errors';
import { deleteDeadLettersBefore } from './inbound/dead-letters';
import { markAgedComplaintDays } from './metrics/complaints-rollup';
import { startPeriodicJob, type PeriodicJob } from './periodic';

/**
 * Retention (issue 17 §3, DPDP): raw WhatsApp records older than the configured period (default
 * 365 days, config.retentionDays) lose what identifies a person, the same columns an erasure
 * clears (core/erasure/anonymise.ts): status events their recipient and any number in Meta's error
 * title; inbound messages their sender, text, payload and roster link; citizens' media their bytes
 * and words; every wamid (the number in base64) becomes its keyed hash, the same in every table,
 * so one message's rows still join. The rows stay, so every rollup recomputed from them counts
 * exactly what it counted before. Dead letters (a delivery's raw bytes) and questions never
 * answered are deleted. Complaints keep their own record (the case file); erasure on request is
 * the roster's, not this job's.
 */
export const DEFAULT_RETENTION_DAYS = 365;
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;
/** Rows per statement: a year of a district's events is millions; each batch commits alone. */
const BATCH = 5000;

export function checkRetentionDays(days: unknown, field = 'retentionDays'): number {
	const n = typeof days === 'string' ? Number(days) : days;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_RETENTION_DAYS || n > MAX_RETENTION_DAYS) {
		throw new MitanError(
			'RETENTION_BAD_PERIOD',
			`${field}: a whole number of days ${MIN_RETENTION_DAYS}..${MAX_RETENTION_DAYS} (default ${DEFAULT_RETENTION_DAYS}), got "${String(days)}"`,
			{ field },
		);
	}
	return n;
}

export interface RetentionResult {
	cutoff: string;
	statusEvents: number;
	/** Messages sent to citizens whose wamid (in status events, deliveries, complaint replies) was rewritten. */
	outboundWamids: number;
	inboundMessages: number;
	attachments: number;
	deadLetters: number;
	/** Questions of the conversation (join, delete) never answered. */
	pendingQuestions: number;
}

type Counted = Exclude<keyof RetentionResult, 'cutoff'>;

/** A message still waiting in the queue is left alone: the workflow has not read it yet. */
const HANDLED = `queue_state IN ('done', 'ignored', 'failed')`;

/** The statements that need nothing but the cutoff ($1); each changes at most BATCH rows. */
const STATEMENTS = {
	statusEvents: `UPDATE status_events SET ${statusEventCleared('$2')}
     WHERE id IN (SELECT id FROM status_events WHERE occurred_at < $1
                     AND (recipient IS NOT NULL OR recipient_user_id IS NOT NULL OR error_title ~ $2) LIMIT ${BATCH})`,
	// Media before their message: the bytes are found through the message.
	attachments: `UPDATE inbound_attachments SET ${ATTACHMENT_CLEARED}
     WHERE id IN (SELECT a.id FROM inbound_attachments a JOIN inbound_messages m ON m.id = a.inbound_message_id
                   WHERE m.received_at < $1 AND m.${HANDLED} AND a.fetch_state <> 'erased' LIMIT ${BATCH})`,
	// A question expires after 24 hours; one never answered still names who was asked.
	pendingQuestions: `DELETE FROM conversation_pending WHERE (district_id, phone) IN
     (SELECT district_id, phone FROM conversation_pending WHERE expires_at < $1 LIMIT ${BATCH})`,
} as const;

/**
 * Wamids of messages sent to citizens, old everywhere they appear: no status event of the message
 * is newer than the cutoff, so its rows are rewritten together and never half (the rollups join
 * status events to their delivery, and one status to another, by wamid).
 */
const OUTBOUND_WAMIDS = (() => {
	const notNewer = (col: string) =>
		`NOT ${wamidRewritten(col)} AND NOT EXISTS (SELECT 1 FROM status_events n WHERE n.wamid = ${col} AND n.occurred_at >= $1)`;
	return `SELECT DISTINCT wamid FROM (
      (SELECT s.wamid FROM status_events s WHERE s.occurred_at < $1 AND ${notNewer('s.wamid')} LIMIT ${BATCH})
      UNION ALL (SELECT d.wamid FROM deliveries d WHERE d.sent_at < $1 AND d.wamid IS NOT NULL AND ${notNewer('d.wamid')} LIMIT ${BATCH})
      UNION ALL (SELECT r.wamid FROM complaint_replies r WHERE r.created_at < $1 AND r.wamid IS NOT NULL AND ${notNewer('r.wamid')} LIMIT ${BATCH})
      UNION ALL (SELECT c.reply_wamid FROM complaints c WHERE c.replied_at < $1 AND c.reply_wamid IS NOT NULL AND ${notNewer('c.reply_wamid')} LIMIT ${BATCH})
    ) w`;
})();

const REWRITE_OUTBOUND = [
	'UPDATE status_events t SET wamid = x.anon FROM unnest($1::text[], $2::text[]) AS x(old, anon) WHERE t.wamid = x.old',
	'UPDATE deliveries t SET wamid = x.anon FROM unnest($1::text[], $2::text[]) AS x(old, anon) WHERE t.wamid = x.old',
	'UPDATE complaint_replies t SET wamid = x.anon FROM unnest($1::text[], $2::text[]) AS x(old, anon) WHERE t.wamid = x.old',
	'UPDATE complaints t SET reply_wamid = x.anon FROM unnest($1::text[], $2::text[]) AS x(old, anon) WHERE t.reply_wamid = x.old',
];

async function rewriteOutbound(tx: Queryable, cutoff: Date, key: string): Promise<number> {
	const old = (await tx.query<{ wamid: string }>(OUTBOUND_WAMIDS, [cutoff])).map((r) => r.wamid);
	if (old.length === 0) return 0;
	const anon = old.map((w) => anonymousWamid(key, w));
	for (const sql of REWRITE_OUTBOUND) await tx.query(sql, [old, anon]);
	return old.length;
}

async function anonymiseInbound(tx: Queryable, cutoff: Date, key: string): Promise<number> {
	const rows = await tx.query<{ id: number; wamid: string }>(
		`SELECT id, wamid FROM inbound_messages WHERE received_at < $1 AND ${HANDLED}
       AND (from_phone IS NOT NULL OR from_user_id IS NOT NULL OR body IS NOT NULL OR payload <> '{}' OR subscriber_id IS NOT NULL
            OR NOT ${wamidRewritten('wamid')})
     ORDER BY id LIMIT ${BATCH} FOR UPDATE`,
		[cutoff],
	);
	if (rows.length === 0) return 0;
	await tx.query(
		`UPDATE inbound_messages m SET ${INBOUND_MESSAGE_CLEARED}, wamid = x.anon
     FROM unnest($1::bigint[], $2::text[]) AS x(id, anon) WHERE m.id = x.id`,
		[rows.map((r) => r.id), rows.map((r) => anonymousWamid(key, r.wamid))],
	);
	return rows.length;
}

export async function runRetention(db: Db, opts: { days?: number; now?: Date; actor?: string } = {}): Promise<RetentionResult> {
	const days = checkRetentionDays(opts.days ?? DEFAULT_RETENTION_DAYS, 'days');
	const cutoff = new Date((opts.now ?? new Date()).getTime() - days * 86_400_000);
	// The erasure's key: refused, like there, when it is not the one the store was first used with.
	const key = await checkedKey(db);
	const steps: Record<Counted, (tx: Queryable) => Promise<number>> = {
		statusEvents: async (tx) => (await tx.query(`${STATEMENTS.statusEvents} RETURNING 1`, [cutoff, NUMBER_IN_TEXT])).length,
		outboundWamids: (tx) => rewriteOutbound(tx, cutoff, key),
		attachments: async (tx) => (await tx.query(`${STATEMENTS.attachments} RETURNING 1`, [cutoff])).length,
		inboundMessages: (tx) => anonymiseInbound(tx, cutoff, key),
		deadLetters: (tx) => deleteDeadLettersBefore(tx, cutoff, BATCH),
		pendingQuestions: async (tx) => (await tx.query(`${STATEMENTS.pendingQuestions} RETURNING 1`, [cutoff])).length,
	};
	const out: RetentionResult = {
		cutoff: cutoff.toISOString(),
		statusEvents: 0,
		outboundWamids: 0,
		inboundMessages: 0,
		attachments: 0,
		deadLetters: 0,
		pendingQuestions: 0,
	};
	for (const [name, step] of Object.entries(steps) as [Counted, (tx: Queryable) => Promise<number>][]) {
		// Each batch commits alone; a step ends with a batch that found nothing (a batch of
		// outbound wamids is counted by message, not by row, so a short one is not the last).
		for (;;) {
			const n = await db.transaction(step);
			if (n === 0) break;
			out[name] += n;
		}
	}
	const { cutoff: _cutoff, ...counts } = out;
	if (Object.values(counts).some((n) => n > 0)) {
		await audit(db, {
			actor: opts.actor ?? 'system:retention',
			action: 'retention.run',
			entity: 'retention',
			details: { days, ...counts },
		});
	}
	return out;
}

/**
 * The server's periodic job: retention, and the complaints that became overdue (48 hours open)
 * since the last run get their day re-counted. Never overlaps itself; a failure is retried next time.
 */
export function startRetentionJob(db: Db, opts: { intervalMs: number; days: number; onError?: (e: unknown) => void }): PeriodicJob {
	let since = new Date();
	return startPeriodicJob(async () => {
		const now = new Date();
		await markAgedComplaintDays(db, since, now);
		since = now;
		await runRetention(db, { days: opts.days, now });
	}, opts);
}
