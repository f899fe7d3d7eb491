import { audit } from './audit';
import type { Db } from './db';
import { MitanError } from './errors';
import { markAgedComplaintDays } from './metrics/complaints-rollup';

/**
 * Retention (issue 17 §3, DPDP): raw WhatsApp records older than the configured period (default
 * 365 days, config.retentionDays) lose what identifies a person: status events their recipient,
 * inbound messages their sender, text and payload, citizens' media their bytes. The rows stay, so
 * every rollup recomputed from them counts exactly what it counted before. Complaints keep their
 * own record (the case file); erasure on request is the roster's, not this job's.
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
	inboundMessages: number;
	attachments: number;
}

const STEPS = {
	statusEvents: `UPDATE status_events SET recipient = NULL, recipient_user_id = NULL
     WHERE id IN (SELECT id FROM status_events WHERE occurred_at < $1 AND (recipient IS NOT NULL OR recipient_user_id IS NOT NULL) LIMIT ${BATCH})`,
	// Media first: its bytes are found through the message. A message still waiting in the queue is left alone.
	attachments: `UPDATE inbound_attachments SET bytes = NULL, caption = NULL, file_name = NULL, latitude = NULL, longitude = NULL,
            fetch_state = 'erased'
     WHERE id IN (SELECT a.id FROM inbound_attachments a JOIN inbound_messages m ON m.id = a.inbound_message_id
                   WHERE m.received_at < $1 AND m.queue_state IN ('done', 'ignored', 'failed') AND a.fetch_state <> 'erased' LIMIT ${BATCH})`,
	inboundMessages: `UPDATE inbound_messages SET from_phone = NULL, from_user_id = NULL, body = NULL, payload = '{}'
     WHERE id IN (SELECT id FROM inbound_messages WHERE received_at < $1 AND queue_state IN ('done', 'ignored', 'failed')
                     AND (from_phone IS NOT NULL OR from_user_id IS NOT NULL OR body IS NOT NULL OR payload <> '{}') LIMIT ${BATCH})`,
} as const;

export async function runRetention(db: Db, opts: { days?: number; now?: Date; actor?: string } = {}): Promise<RetentionResult> {
	const days = checkRetentionDays(opts.days ?? DEFAULT_RETENTION_DAYS, 'days');
	const cutoff = new Date((opts.now ?? new Date()).getTime() - days * 86_400_000);
	const out: RetentionResult = { cutoff: cutoff.toISOString(), statusEvents: 0, inboundMessages: 0, attachments: 0 };
	for (const key of ['statusEvents', 'attachments', 'inboundMessages'] as const) {
		for (;;) {
			const n = await db.transaction(async (tx) => (await tx.query(`${STEPS[key]} RETURNING 1`, [cutoff])).length);
			out[key] += n;
			if (n < BATCH) break;
		}
	}
	if (out.statusEvents + out.inboundMessages + out.attachments > 0) {
		await audit(db, { actor: opts.actor ?? 'system:retention', action: 'retention.run', entity: 'retention', details: { days, ...out } });
	}
	return out;
}

/**
 * The server's periodic job: retention, and the complaints that became overdue (48 hours open)
 * since the last run get their day re-counted. Never overlaps itself; a failure is retried next time.
 */
export function startRetentionJob(
	db: Db,
	opts: { intervalMs: number; days: number; onError?: (e: unknown) => void },
): { runNow(): Promise<void>; stop(): Promise<void> } {
	let since = new Date();
	let running: Promise<void> | undefined;
	let stopped = false;
	const run = async () => {
		if (running) await running.catch(() => undefined);
		running = (async () => {
			const now = new Date();
			await markAgedComplaintDays(db, since, now);
			since = now;
			await runRetention(db, { days: opts.days, now });
		})();
		try {
			await running;
		} finally {
			running = undefined;
		}
	};
	const timer = setInterval(() => {
		if (!stopped && !running) run().catch((e) => opts.onError?.(e));
	}, opts.intervalMs);
	timer.unref();
	return {
		runNow: run,
		async stop() {
			stopped = true;
			clearInterval(timer);
			await running?.catch(() => undefined);
		},
	};
}
