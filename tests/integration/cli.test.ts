import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../cli/args';
import { eraseCommand, printErasure } from '../../cli/erase';
import { importCommand, printImportResult } from '../../cli/import';
import { RosterService } from '../../core/roster';
import { openPostgres } from '../../core/db';
import { loadMigrations, migrate } from '../../core/db/migrate';
import { createPgDatabase, createTestDb, type TestDb } from '../helpers/db';

describe('mitan import (CLI)', () => {
	let t: TestDb;
	beforeAll(async () => {
		t = await createTestDb('pglite');
	});
	afterAll(() => t.drop());

	test('imports a file with a file-wide consent and prints a bilingual summary with rejected lines', async () => {
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'camp.csv');
		fs.writeFileSync(file, 'Mobile,Name\n9876511111,A\n123,B\n9876511112,C\n');
		const r = await importCommand(t.db, parseArgs([file, '--consent', 'Camp Bodla', '--partial']));
		expect(r).toMatchObject({ committed: true, inserted: 2, rejected: [{ line: 3 }] });
		const lines: string[] = [];
		printImportResult(r, (s) => lines.push(s));
		expect(lines[0]).toMatch(/3 rows: 2 new, 0 updated, 0 unchanged, 1 rejected\. 3 पंक्तियाँ/);
		expect(lines[1]).toBe('  line 3: too short for an Indian mobile number (need 10 digits) (column "Mobile")');
	});

	test('a missing file or argument is a clear error', async () => {
		await expect(importCommand(t.db, parseArgs([]))).rejects.toThrow(/usage: mitan import/);
		await expect(importCommand(t.db, parseArgs(['/nope.csv']))).rejects.toThrow(/file not found: \/nope\.csv/);
	});
});

describe('mitan erase (CLI)', () => {
	let t: TestDb;
	beforeAll(async () => {
		t = await createTestDb('pglite');
	});
	afterAll(() => t.drop());

	test('erases through core/erasure, prints counts only, and the import then refuses the number', async () => {
		await new RosterService(t.db).upsert({ phone: '9876522221', name: 'Meena', consentSource: 'camp' }, { actor: 'test' });
		const r = await eraseCommand(t.db, parseArgs(['--phone', '+91 98765 22221', '--vacuum', 'plain']));
		expect(r).toMatchObject({ erased: true, counts: { subscribers: 1 }, vacuum: { mode: 'plain' } });
		const lines: string[] = [];
		printErasure(r, (s) => lines.push(s));
		expect(lines[0]).toMatch(/^erased: 1 roster row\(s\); cleared .*subscribers 1.*मिटाया गया/);
		expect(lines.join('\n')).not.toMatch(/22221|Meena/);
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'old.csv');
		fs.writeFileSync(file, 'Mobile,Name\n9876522221,Meena\n');
		const imp = await importCommand(t.db, parseArgs([file, '--consent', 'old camp']));
		const out: string[] = [];
		printImportResult(imp, (s) => out.push(s));
		expect(out[1]).toBe('  line 2: +91 98XXXXX221 asked to be erased: not added again without their own new consent (CITIZEN_SUPPRESSED)');
	});

	test('no identifier, a bad district or vacuum mode is a usage error naming the flag', async () => {
		await expect(eraseCommand(t.db, parseArgs([]))).rejects.toThrow(/usage: mitan erase/);
		await expect(eraseCommand(t.db, parseArgs(['--phone', '9876522221', '--district', 'x']))).rejects.toThrow(/--district/);
		await expect(eraseCommand(t.db, parseArgs(['--phone', '9876522221', '--vacuum', 'fast']))).rejects.toThrow(/--vacuum/);
	});
});

describe('migrations under concurrency (PostgreSQL)', () => {
	test('two processes migrating one database at once apply each file exactly once', async () => {
		const pg = await createPgDatabase();
		const a = openPostgres({ url: pg.url, max: 1 });
		const b = openPostgres({ url: pg.url, max: 1 });
		try {
			const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
			const total = loadMigrations().length;
			expect(ra.applied.length + rb.applied.length).toBe(total);
			expect(ra.alreadyApplied + rb.alreadyApplied).toBe(total);
			const [n] = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
			expect(n.n).toBe(total);
		} finally {
			await a.close();
			await b.close();
			await pg.drop();
		}
	});
});
