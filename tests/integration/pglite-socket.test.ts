import { openPglite, openPostgres, servePglite, type Db } from '../../core/db';

/**
 * The embedded store served over the wire protocol must behave like a server to several
 * clients at once: statements with different parameter lists, transactions and in-process
 * queries interleaved, nothing mixed up.
 */
describe('embedded database served to several clients', () => {
	let db: Db;
	let served: Awaited<ReturnType<typeof servePglite>>;
	beforeAll(async () => {
		db = await openPglite('memory');
		served = await servePglite(db);
		await db.exec('CREATE TABLE t (id serial PRIMARY KEY, a int NOT NULL, b text NOT NULL, c boolean NOT NULL)');
	});
	afterAll(async () => {
		await served.close();
		await db.close();
	});

	test('concurrent pooled clients and in-process queries never cross parameters', async () => {
		const a = openPostgres({ url: served.url, max: 4 });
		const b = openPostgres({ url: served.url, max: 4 });
		const errors: string[] = [];
		const two = async (c: Db, k: number) => {
			for (let i = 0; i < 40; i++) {
				try {
					await c.transaction(async (tx) => {
						await tx.query('INSERT INTO t (a, b, c) VALUES ($1, $2, $3)', [k * 1000 + i, `k${k}`, i % 2 === 0]);
						const [r] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE b = $1', [`k${k}`]);
						if (r.n !== i + 1) errors.push(`k${k}: saw ${r.n} rows of its own, expected ${i + 1}`);
					});
					await c.query('SELECT $1::int + $2::int AS s', [i, k]);
				} catch (e) {
					errors.push((e as Error).message);
				}
			}
		};
		const direct = async () => {
			for (let i = 0; i < 40; i++) await db.query('SELECT a FROM t WHERE a = $1 AND b = $2 AND c = $3', [i, 'none', true]);
		};
		try {
			await Promise.all([two(a, 1), two(b, 2), two(a, 3), two(b, 4), direct()]);
		} finally {
			await a.close();
			await b.close();
		}
		expect(errors).toEqual([]);
		const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
		expect(n.n).toBe(160);
	});

	test('a client that dies inside a transaction leaves the session usable and its writes undone', async () => {
		const c = openPostgres({ url: served.url, max: 1 });
		const pending = c.transaction(async (tx) => {
			await tx.query('INSERT INTO t (a, b, c) VALUES (1, $1, true)', ['dying']);
			await new Promise(() => undefined); // never commits
		});
		pending.catch(() => undefined);
		await new Promise((r) => setTimeout(r, 200));
		await c.close().catch(() => undefined);
		const other = openPostgres({ url: served.url, max: 1 });
		try {
			const [r] = await other.query<{ n: number }>(`SELECT count(*)::int AS n FROM t WHERE b = 'dying'`);
			expect(r.n).toBe(0);
		} finally {
			await other.close();
		}
	});
});
