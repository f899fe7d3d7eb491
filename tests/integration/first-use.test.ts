/**
 * The n8n package on its own: the nodes meet a database nobody has migrated (a user who installed
 * the package from n8n's Community Nodes screen) and create or upgrade the schema on first use;
 * the Mitan Database credential test says where the database stands.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import postgres from 'postgres';
import type { ICredentialTestFunctions } from 'n8n-workflow';
import { loadMigrations, migrate, migratingOnFirstUse, schemaStatus } from '../../core/db/migrate';
import { openPostgres } from '../../core/db/postgres';
import { MitanError } from '../../core/errors';
import { closeAllPools, dbFromCredential, describeSchema, mitanDatabaseConnectionTest, poolCount } from '../../nodes/shared/db';
import { createPgDatabase, createTestDb, ENGINES, PG_ADMIN_URL, type TestDb } from '../helpers/db';

const ALL = loadMigrations();
const credentialTest = (url: string) =>
	mitanDatabaseConnectionTest.call({} as ICredentialTestFunctions, {
		id: '1',
		name: 'db',
		type: 'mitanDatabaseApi',
		data: { connectBy: 'url', url },
	});

/** A copy of the shipped migrations with the first one edited (a file changed after it was applied). */
function editedMigrations() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
	for (const m of ALL) fs.writeFileSync(path.join(dir, m.name), m.sql);
	fs.appendFileSync(path.join(dir, ALL[0].name), '\n-- edited\n');
	return loadMigrations(dir);
}

for (const engine of ENGINES) {
	describe(`schema on first use [${engine}]`, () => {
		let t: TestDb | undefined;
		beforeEach(async () => {
			t = await createTestDb(engine, { migrate: false });
		});
		afterEach(async () => {
			await closeAllPools();
			await t?.drop();
			t = undefined;
		});
		const db = () => t!;

		test('an empty database: the credential test says the nodes will create the tables; the first statement does', async () => {
			expect(await schemaStatus(db().db)).toEqual({
				present: false,
				applied: 0,
				pending: ALL.map((m) => m.name),
				edited: [],
				unknown: [],
				canCreate: true,
			});
			expect(await credentialTest(db().url)).toEqual({
				status: 'OK',
				message: `Connected. The database has no Police Mitan tables yet: the nodes will create them (${ALL.length} migrations) on first use.`,
			});
			const node = dbFromCredential({ connectBy: 'url', url: db().url });
			const [r] = await node.query<{ n: number }>('SELECT count(*)::int AS n FROM subscribers');
			expect(r.n).toBe(0);
			expect((await schemaStatus(db().db)).pending).toEqual([]);
			expect(await credentialTest(db().url)).toEqual({
				status: 'OK',
				message: `Connected. The Police Mitan schema is up to date (${ALL.length} migrations).`,
			});
			// The same credential again: the same pool.
			expect(dbFromCredential({ connectBy: 'url', url: db().url })).toBe(node);
			expect(poolCount()).toBe(1);
		});

		test('two processes meeting the empty database at once: one migrates, the other waits; each migration once', async () => {
			const a = migratingOnFirstUse(openPostgres({ url: db().url, max: 2 }));
			const b = migratingOnFirstUse(openPostgres({ url: db().url, max: 2 }));
			try {
				const [ra, rb] = await Promise.all([
					a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'),
					b.transaction((tx) => tx.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')),
				]);
				expect([ra[0].n, rb[0].n]).toEqual([ALL.length, ALL.length]);
			} finally {
				await Promise.all([a.close(), b.close()]);
			}
		});

		test('an older schema is upgraded on first use, and the credential test names what is pending', async () => {
			await migrate(db().db, ALL.slice(0, -1));
			const last = ALL[ALL.length - 1].name;
			expect(await credentialTest(db().url)).toEqual({
				status: 'OK',
				message: `Connected. The Police Mitan schema will be upgraded on first use (1 pending: ${last.replace(/\.sql$/, '')}).`,
			});
			await dbFromCredential({ connectBy: 'url', url: db().url }).query('SELECT 1');
			const [r] = await db().db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version DESC LIMIT 1');
			expect(r.name).toBe(last);
		});

		test('an edited migration: the credential test fails and first use refuses', async () => {
			await migrate(db().db);
			const edited = editedMigrations();
			const status = await schemaStatus(db().db, edited);
			expect(status.edited).toEqual([ALL[0].name]);
			expect(describeSchema(status)).toEqual({
				status: 'Error',
				message: `Connected, but these migrations in this database differ from this package's: ${ALL[0].name.replace(/\.sql$/, '')}. The nodes will refuse to run; restore them, or install the package version that applied them.`,
			});
			const node = migratingOnFirstUse(openPostgres({ url: db().url, max: 1 }), edited);
			try {
				const err = await node.query('SELECT 1').catch((e: unknown) => e);
				expect(err).toBeInstanceOf(MitanError);
				expect((err as MitanError).code).toBe('MIGRATION_EDITED');
			} finally {
				await node.close();
			}
		});

		test('a database migrated by newer code: OK, with a hint to update the package', async () => {
			await migrate(db().db);
			await db().db.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES (999, '999_future.sql', 'x')`);
			const r = await credentialTest(db().url);
			expect(r).toEqual({
				status: 'OK',
				message: `Connected. The Police Mitan schema is up to date (${ALL.length + 1} migrations). It also has migrations this package does not know (999): update n8n-nodes-police-mitan.`,
			});
		});
	});
}

describe('schema on first use: a database user without CREATE [postgres]', () => {
	const role = `mitan_nocreate_${process.pid}`;
	let pg: { url: string; drop(): Promise<void> } | undefined;
	let admin: postgres.Sql | undefined;
	beforeAll(async () => {
		pg = await createPgDatabase('mitan_nocreate');
		admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => undefined });
		await admin.unsafe(`DROP ROLE IF EXISTS ${role}`);
		await admin.unsafe(`CREATE ROLE ${role} LOGIN`);
	});
	afterAll(async () => {
		await closeAllPools();
		await pg?.drop();
		await admin?.unsafe(`DROP ROLE IF EXISTS ${role}`);
		await admin?.end();
	});

	test('the credential test says what to grant; first use fails with SCHEMA_CREATE_DENIED, and works once granted', async () => {
		// PostgreSQL 15+: only the owner of the public schema may create tables in it.
		const url = pg!.url.replace('postgres://postgres@', `postgres://${role}@`);
		expect(await credentialTest(url)).toEqual({
			status: 'Error',
			message: `Connected, but this database user may not create tables, and ${ALL.length} Police Mitan migrations are pending: grant it CREATE on the schema, or run \`mitan migrate\` once as the owner.`,
		});
		const err = await dbFromCredential({ connectBy: 'url', url })
			.query('SELECT 1')
			.catch((e: unknown) => e);
		expect(err).toBeInstanceOf(MitanError);
		expect(err).toMatchObject({ code: 'SCHEMA_CREATE_DENIED', action: 'configure' });
		expect((err as Error).message).toMatch(/permission denied for schema public.*grant it CREATE on the schema/);
		const check = openPostgres({ url: pg!.url, max: 1 });
		try {
			expect((await schemaStatus(check)).present).toBe(false);
			// The failed attempt is not kept: once the owner grants CREATE, the same pool migrates.
			await check.exec(`GRANT CREATE ON SCHEMA public TO ${role}`);
			const [r] = await dbFromCredential({ connectBy: 'url', url }).query<{ n: number }>(
				'SELECT count(*)::int AS n FROM schema_migrations',
			);
			expect(r.n).toBe(ALL.length);
			await closeAllPools();
			// Tables the role created belong to it: hand them back so the database can be dropped cleanly.
			await check.exec(`REASSIGN OWNED BY ${role} TO postgres`);
		} finally {
			await check.close();
		}
	});

	test('a database that does not exist: the credential test reports the server error', async () => {
		const r = await credentialTest(PG_ADMIN_URL.replace(/\/[^/]*$/, '/mitan_no_such_database'));
		expect(r.status).toBe('Error');
		expect(r.message).toMatch(/database "mitan_no_such_database" does not exist/);
	});
});
