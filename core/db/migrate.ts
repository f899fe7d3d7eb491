import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MitanError } from '../errors';
import type { Db, Queryable, Row } from './types';

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

/**
 * Shipped next to this file; the build copies them into dist/core/db/migrations (the server) and
 * into the n8n package's dist/lib/migrations (where this module is bundled into dist/lib/core.js).
 */
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
				throw new MitanError('MIGRATION_BAD_NAME', `migration file "${file}" must be named NNN_snake_name.sql`, { file });
			}
			const version = Number(m[1]);
			const twin = seen.get(version);
			if (twin) {
				throw new MitanError('MIGRATION_DUPLICATE_VERSION', `migrations "${twin}" and "${file}" share version ${version}`);
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
	try {
		return await applyPending(db, migrations);
	} catch (e) {
		// 42501 insufficient_privilege: typical on PostgreSQL 15+, where only the owner may create
		// tables in the public schema, when the nodes meet an empty database with a plain role.
		if ((e as { code?: string }).code !== '42501') throw e;
		throw new MitanError(
			'SCHEMA_CREATE_DENIED',
			`the Police Mitan tables cannot be created or upgraded by this database user (${(e as Error).message}): ` +
				'grant it CREATE on the schema, or run `mitan migrate` once as the database owner',
		);
	}
}

async function applyPending(db: Db, migrations: Migration[]): Promise<MigrateResult> {
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

export interface SchemaStatus {
	/** schema_migrations exists: the nodes or `mitan migrate` have migrated this database before. */
	present: boolean;
	applied: number;
	/** Migrations of this code not applied yet (migrate() applies them; the nodes do on first use). */
	pending: string[];
	/** Applied migrations whose file here differs: migrate() refuses to run against them. */
	edited: string[];
	/** Versions recorded in the database that this code does not have (newer code migrated it). */
	unknown: number[];
	/** Whether the connected role may create tables in its current schema (needed while anything is pending). */
	canCreate: boolean;
}

/** Where a database stands against this code's migrations, read-only (the credential test). */
export async function schemaStatus(db: Queryable, migrations = loadMigrations()): Promise<SchemaStatus> {
	const [r] = await db.query<{ present: boolean; can_create: boolean | null }>(
		`SELECT to_regclass('schema_migrations') IS NOT NULL AS present,
		        has_schema_privilege(current_schema(), 'CREATE') AS can_create`,
	);
	const rows = r.present ? await db.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations') : [];
	const recorded = new Map(rows.map((x) => [Number(x.version), x.checksum]));
	const known = new Set(migrations.map((m) => m.version));
	return {
		present: r.present,
		applied: recorded.size,
		pending: migrations.filter((m) => !recorded.has(m.version)).map((m) => m.name),
		edited: migrations.filter((m) => recorded.has(m.version) && recorded.get(m.version) !== m.checksum).map((m) => m.name),
		unknown: [...recorded.keys()].filter((v) => !known.has(v)).sort((a, b) => a - b),
		canCreate: r.can_create === true,
	};
}

/**
 * `db`, applying pending migrations (migrate(): advisory-locked, so concurrent workers agree)
 * before its first statement. This is how the n8n nodes create or upgrade the schema of the
 * database their credential names, with no separate step. A failed attempt is not kept: the next
 * statement tries again (e.g. once the database owner has granted CREATE).
 */
export function migratingOnFirstUse(db: Db, migrations?: Migration[]): Db {
	let ready: Promise<unknown> | undefined;
	const whenReady = (): Promise<unknown> =>
		(ready ??= migrate(db, migrations).catch((e: unknown) => {
			ready = undefined;
			throw e;
		}));
	return {
		engine: db.engine,
		async query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]> {
			await whenReady();
			return db.query<T>(sql, params);
		},
		async exec(sql: string): Promise<void> {
			await whenReady();
			return db.exec(sql);
		},
		async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
			await whenReady();
			return db.transaction(fn);
		},
		async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
			await whenReady();
			return db.listen(channel, onNotify);
		},
		async notify(channel: string, payload: string): Promise<void> {
			await whenReady();
			return db.notify(channel, payload);
		},
		close: () => db.close(),
	};
}
