import type { Db } from '../db';

/**
 * After an erasure the old row versions still hold the number: in the table files until VACUUM
 * rewrites them, in the indexes (the phone, the wamid), and in the WAL, whose full-page images of
 * the first change after a checkpoint copy whole pages. So the tables erasure touched are
 * rewritten (VACUUM FULL makes new files and drops the old ones; plain VACUUM only marks the space
 * free, and the bytes stay until reused), then the WAL is switched to a new segment and two
 * checkpoints let the old segments go, removed rather than recycled (wal_recycle off: a recycled
 * segment keeps its old bytes until overwritten).
 *
 * VACUUM cannot run inside a transaction: this runs after the erasure's has committed. On a
 * PostgreSQL server CHECKPOINT and pg_switch_wal need the pg_checkpoint role / superuser and the
 * checkpointer follows the server's own wal_recycle: what could not be done is in the report
 * (docs/security.md says what the operator sets). Backups and WAL archives are the operator's.
 */
export type VacuumMode = 'full' | 'plain' | 'none';

/** The tables an erasure may touch, in the order they are rewritten: nothing else is ever vacuumed here. */
export const ERASURE_TABLES = [
	'subscribers',
	'inbound_messages',
	'inbound_attachments',
	'complaint_messages',
	'complaints',
	'complaint_notes',
	'complaint_replies',
	'deliveries',
	'status_events',
	'inbound_dead_letters',
	'conversation_pending',
	'audit_log',
] as const;
export type ErasureTable = (typeof ERASURE_TABLES)[number];

export interface VacuumReport {
	mode: VacuumMode;
	tables: ErasureTable[];
	/** The WAL was switched and checkpointed past the erasure. */
	walCleared: boolean;
	seconds: number;
	/** Why part of it was not done (a server role without the right, say). */
	notes: string[];
}

export async function vacuumAfterErasure(db: Db, touched: readonly string[], mode: VacuumMode = 'full'): Promise<VacuumReport> {
	const started = process.hrtime.bigint();
	const tables = ERASURE_TABLES.filter((t) => touched.includes(t));
	const report: VacuumReport = { mode, tables, walCleared: false, seconds: 0, notes: [] };
	if (mode === 'none' || tables.length === 0) return report;
	for (const t of tables) await db.query(mode === 'full' ? `VACUUM (FULL, ANALYZE) ${t}` : `VACUUM (ANALYZE) ${t}`);
	try {
		// Superuser only; on PGlite (one process) the checkpoint below is this session's, so it applies.
		if (db.engine === 'pglite') await db.query('SET wal_recycle = off');
		await db.query('CHECKPOINT');
		await db.query('SELECT pg_switch_wal()');
		await db.query('CHECKPOINT');
		report.walCleared = true;
	} catch (e) {
		report.notes.push(`WAL not cleared: ${(e as Error).message}`);
	}
	report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
	return report;
}
