/**
 * Issue 18 finding 6: the embedded database accepted any user with any password on its port, and
 * its data folder was world-readable. Reproduced as the review did: connect with a made-up
 * password (postgres.js and psql), and look at the modes of the folder and of files that were
 * world-readable before the start.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { openPglite, openPostgres, servePglite, type Db } from '../../core/db';
import { embeddedDbPassword } from '../../core/db/pglite';

const run = promisify(execFile);

function withPassword(url: string, password: string | null): string {
	const u = new URL(url);
	u.password = password ?? '';
	if (password === null) u.username = 'anyone';
	return u.toString();
}

async function refusal(url: string): Promise<unknown> {
	const c = openPostgres({ url, max: 1 });
	try {
		await c.query('SELECT 1');
		return undefined;
	} catch (e) {
		return e;
	} finally {
		await c.close().catch(() => undefined);
	}
}

describe('embedded database: password on the port, private files', () => {
	let dir: string;
	let db: Db;
	let served: Awaited<ReturnType<typeof servePglite>>;
	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-pgsec-'));
		const data = path.join(dir, 'data');
		// A folder left by an older start: world-readable and -writable, as the review found it.
		fs.mkdirSync(path.join(data, 'pg_wal'), { recursive: true, mode: 0o777 });
		fs.chmodSync(data, 0o755);
		fs.chmodSync(path.join(data, 'pg_wal'), 0o777);
		fs.writeFileSync(path.join(data, 'pg_wal', 'leftover'), '+919812355501', { mode: 0o666 });
		fs.chmodSync(path.join(data, 'pg_wal', 'leftover'), 0o666);
		db = await openPglite(data);
		served = await servePglite(db, { password: embeddedDbPassword(data) });
	});
	afterAll(async () => {
		await served.close();
		await db.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	test('the data folder is 700 and every file in it 600, including ones from before this start', () => {
		const data = path.join(dir, 'data');
		const mode = (p: string) => fs.statSync(p).mode & 0o777;
		expect(mode(data)).toBe(0o700);
		expect(mode(path.join(data, 'pg_wal'))).toBe(0o700);
		expect(mode(path.join(data, 'pg_wal', 'leftover'))).toBe(0o600);
		expect(mode(path.join(data, 'db.password'))).toBe(0o600);
		const open: string[] = [];
		const walk = (d: string): void => {
			for (const e of fs.readdirSync(d, { withFileTypes: true })) {
				const p = path.join(d, e.name);
				if ((mode(p) & 0o077) !== 0) open.push(`${p} ${mode(p).toString(8)}`);
				if (e.isDirectory()) walk(p);
			}
		};
		walk(data);
		// Files PGlite writes later (a new WAL segment) may carry the umask; the folder's 700 keeps them private.
		expect(open).toEqual([]);
		expect(fs.readFileSync(path.join(data, 'db.password'), 'utf8')).toBe(embeddedDbPassword(data));
	});

	test('the served URL carries the generated password and works', async () => {
		expect(new URL(served.url).password).toBe(embeddedDbPassword(path.join(dir, 'data')));
		const c = openPostgres({ url: served.url, max: 2 });
		try {
			expect(await c.query<{ x: number }>('SELECT 41 + 1 AS x')).toEqual([{ x: 42 }]);
		} finally {
			await c.close();
		}
	});

	test('a wrong password, no password, or any other user name is refused (postgres.js)', async () => {
		for (const url of [withPassword(served.url, 'wrong'), withPassword(served.url, ''), withPassword(served.url, null)]) {
			const e = (await refusal(url)) as { code?: string; message?: string } | undefined;
			expect([url.replace(/:[^:@/]*@/, ':…@'), e?.code ?? e?.message]).toEqual([
				url.replace(/:[^:@/]*@/, ':…@'),
				expect.stringMatching(/28P01|password/),
			]);
		}
	});

	test('psql with a made-up password is refused, with the right one answers', async () => {
		const port = String(served.port);
		const args = ['-h', '127.0.0.1', '-p', port, '-U', 'postgres', '-d', 'postgres', '-tAc', 'select 7'];
		const bad = await run('psql', args, { env: { ...process.env, PGPASSWORD: 'anything', PGCONNECT_TIMEOUT: '5' } }).then(
			() => 'accepted',
			(e: { stderr?: string }) => e.stderr ?? 'refused',
		);
		expect(bad).toMatch(/password authentication failed/);
		const good = await run('psql', args, { env: { ...process.env, PGPASSWORD: new URL(served.url).password, PGCONNECT_TIMEOUT: '5' } });
		expect(good.stdout.trim()).toBe('7');
	});
});
