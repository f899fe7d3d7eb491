import postgres from 'postgres';
import { openPglite, openPostgres, servePglite, type Db } from '../../core/db';
import { migrate } from '../../core/db/migrate';
import type { N8nDb } from '../../scripts/n8n/run';

/** The PostgreSQL server every machine here runs; tests make a fresh database of their own on it. */
export const PG_ADMIN_URL = process.env.MITAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type Engine = 'pglite' | 'postgres';
export const ENGINES: Engine[] = ['pglite', 'postgres'];

export interface TestDb {
	db: Db;
	engine: Engine;
	/** postgres:// URL of the database: the server's, or the embedded one served on a local port. */
	url: string;
	drop(): Promise<void>;
}

let pgReachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
	pgReachable ??= (async () => {
		const sql = postgres(PG_ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
		try {
			await sql`SELECT 1`;
			return true;
		} catch {
			return false;
		} finally {
			await sql.end({ timeout: 1 });
		}
	})();
	return pgReachable;
}

/** A fresh PostgreSQL database for one test file; returns its URL. */
export async function createPgDatabase(prefix = 'mitan_t'): Promise<{ url: string; drop(): Promise<void> }> {
	if (!(await postgresReachable())) {
		throw new Error(
			`PostgreSQL is not reachable at ${PG_ADMIN_URL}: the integration tests need it (it is started before every session and before CI)`,
		);
	}
	const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
	const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => undefined });
	await admin.unsafe(`CREATE DATABASE ${name}`);
	await admin.end();
	const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
	return {
		url,
		async drop() {
			const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => undefined });
			await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await a.end();
		},
	};
}

/** A PostgreSQL URL (e.g. createPgDatabase's) as a real n8n's database settings (scripts/n8n/run.js). */
export function n8nDatabase(url: string): N8nDb {
	const u = new URL(url);
	return {
		type: 'postgresdb',
		host: u.hostname,
		port: Number(u.port || 5432),
		database: u.pathname.slice(1),
		user: decodeURIComponent(u.username || 'postgres'),
		password: decodeURIComponent(u.password),
	};
}

export async function createTestDb(engine: Engine, opts: { migrate?: boolean } = {}): Promise<TestDb> {
	let t: TestDb;
	if (engine === 'pglite') {
		const db = await openPglite('memory');
		const served = await servePglite(db);
		t = {
			db,
			engine,
			url: served.url,
			drop: async () => {
				await served.close();
				await db.close();
			},
		};
	} else {
		const pg = await createPgDatabase();
		const db = openPostgres({ url: pg.url, max: 8 });
		t = {
			db,
			engine,
			url: pg.url,
			drop: async () => {
				await db.close();
				await pg.drop();
			},
		};
	}
	if (opts.migrate !== false) await migrate(t.db);
	return t;
}

/**
 * Runs a suite once per engine: embedded PGlite always, PostgreSQL when reachable. Under CI
 * an unreachable PostgreSQL fails the suite instead of skipping it. `engines` narrows it for a
 * suite whose volume only a server engine runs in reasonable time (say why where it is used).
 */
export function describeEachEngine(
	title: string,
	body: (ctx: { readonly db: Db; readonly t: TestDb; readonly engine: Engine }) => void,
	engines: readonly Engine[] = ENGINES,
): void {
	for (const engine of engines) {
		describe(`${title} [${engine}]`, () => {
			let t: TestDb | undefined;
			const ctx = {
				// Known when the suite is declared (the database only in beforeAll): for per-engine test data.
				engine,
				get db(): Db {
					if (!t) throw new Error('test database not ready');
					return t.db;
				},
				get t(): TestDb {
					if (!t) throw new Error('test database not ready');
					return t;
				},
			};
			beforeAll(async () => {
				if (engine === 'postgres' && !(await postgresReachable()) && process.env.CI !== 'true') {
					console.warn(`PostgreSQL unreachable at ${PG_ADMIN_URL}: running ${title} on PGlite only (CI fails instead)`);
					return;
				}
				t = await createTestDb(engine);
			});
			afterAll(async () => {
				await t?.drop();
			});
			body(ctx);
		});
	}
}
