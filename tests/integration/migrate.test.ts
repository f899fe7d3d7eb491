import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadMigrations, migrate } from '../../core/db/migrate';
import { MitanError } from '../../core/errors';
import { describeEachEngine } from '../helpers/db';

describeEachEngine('migrations', (ctx) => {
	test('every shipped migration is recorded once with its checksum', async () => {
		const shipped = loadMigrations();
		const rows = await ctx.db.query<{ version: number; checksum: string }>(
			'SELECT version, checksum FROM schema_migrations ORDER BY version',
		);
		expect(rows.map((r) => r.version)).toEqual(shipped.map((m) => m.version));
		expect(rows.map((r) => r.checksum)).toEqual(shipped.map((m) => m.checksum));
		const again = await migrate(ctx.db);
		expect(again.applied).toEqual([]);
		expect(again.alreadyApplied).toBe(shipped.length);
	});

	test('an edited, already-applied migration is refused with a clear message', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
		for (const m of loadMigrations()) fs.writeFileSync(path.join(dir, m.name), m.sql);
		const first = loadMigrations()[0];
		fs.writeFileSync(path.join(dir, first.name), first.sql + '\n-- edited\n');
		const err = await migrate(ctx.db, loadMigrations(dir)).catch((e) => e);
		expect(err).toBeInstanceOf(MitanError);
		expect(err.code).toBe('MIGRATION_EDITED');
		expect(err.message).toContain(first.name);
		expect(err.message).toMatch(/add a new numbered migration/);
	});

	test('a failing migration leaves nothing half-applied', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
		for (const m of loadMigrations()) fs.writeFileSync(path.join(dir, m.name), m.sql);
		fs.writeFileSync(path.join(dir, '999_broken.sql'), 'CREATE TABLE half_written (x int);\nSELECT * FROM no_such_table;');
		await expect(migrate(ctx.db, loadMigrations(dir))).rejects.toThrow(/no_such_table/);
		const [t] = await ctx.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_written'`,
		);
		expect(t.n).toBe(0);
		const [m] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations WHERE version = 999');
		expect(m.n).toBe(0);
	});

	test('the audit log refuses UPDATE and DELETE', async () => {
		await ctx.db.query(`INSERT INTO audit_log (actor, action, entity) VALUES ('system:test', 'test.write', 'test')`);
		await expect(ctx.db.query(`UPDATE audit_log SET actor = 'x'`)).rejects.toThrow(/append-only/);
		await expect(ctx.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
	});
});
