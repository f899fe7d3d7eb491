import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MitanError } from '../errors';
import type { Db } from './types';

export interface Migration {
	version: number;
	name: string;
	sql: string;
	checksum: string;
}

export interface MigrateResult {
	applied: string[];
	alreadyApplied: number;
}

/** Shipped next to this file; the build copies them into dist. */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

const FILE_RE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
/** Any constant works: it only has to be the same for every process migrating one database. */
const MIGRATION_LOCK_KEY = 77_0302_0001;

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
	const seen = new Map<number, string>();
	const list = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.sql'))
		.map((file) => {
			const m = FILE_RE.exec(file);
			if (!m) {
				throw new MitanError('MIGRATION_BAD_NAME', `migration file "${file}" must be named NNN_snake_name.sql`, 'report_bug', { file });
			}
			const version = Number(m[1]);
			const twin = seen.get(version);
			if (twin) {
				throw new MitanError('MIGRATION_DUPLICATE_VERSION', `migrations "${twin}" and "${file}" share version ${version}`, 'report_bug');
			}
			seen.set(version, file);
			const sql = fs.readFileSync(path.join(dir, file), 'utf8');
			return { version, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
		});
	return list.sort((a, b) => a.version - b.version);
}

/**
 * Applies each pending migration once, each in its own transaction, recording its checksum.
 * An already-applied file whose text changed is refused: the database and the code would
 * disagree about the schema, and silently re-running it could destroy data.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<MigrateResult> {
	// Even IF NOT EXISTS races between two processes (both see no table, one fails on the
	// catalog's unique index), so the bookkeeping table is created under the same lock.
	await db.transaction(async (tx) => {
		await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
		await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
	});
	const applied: string[] = [];
	let alreadyApplied = 0;
	for (const m of migrations) {
		const didApply = await db.transaction(async (tx) => {
			// Several n8n workers may start at once: one migrates, the others wait and then skip.
			await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
			const [row] = await tx.query<{ checksum: string; name: string; applied_at: Date }>(
				'SELECT checksum, name, applied_at FROM schema_migrations WHERE version = $1',
				[m.version],
			);
			if (row) {
				if (row.checksum !== m.checksum) {
					throw new MitanError(
						'MIGRATION_EDITED',
						`migration ${m.name} was already applied (as ${row.name}, at ${new Date(row.applied_at).toISOString()}) ` +
							`but its file has changed since (checksum ${row.checksum.slice(0, 12)} then, ${m.checksum.slice(0, 12)} now). ` +
							'Never edit an applied migration: restore the file and add a new numbered migration instead.',
						'fix_input',
						{ version: m.version, file: m.name },
					);
				}
				return false;
			}
			await tx.exec(m.sql);
			await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
			return true;
		});
		if (didApply) applied.push(m.name);
		else alreadyApplied++;
	}
	return { applied, alreadyApplied };
}
