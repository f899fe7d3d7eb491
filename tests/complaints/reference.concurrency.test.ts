import { openPostgres, type Db } from '../../core/db';
import { migrate } from '../../core/db/migrate';
import { ComplaintService } from '../../core/complaints/service';
import { createPgDatabase } from '../helpers/db';

/** PostgreSQL only: PGlite is one connection, so it cannot have 8 writers at once. */
describe('complaint reference numbers under 8 concurrent writers [postgres]', () => {
	let pg: { url: string; drop(): Promise<void> };
	const dbs: Db[] = [];
	beforeAll(async () => {
		pg = await createPgDatabase();
		const first = openPostgres({ url: pg.url, max: 1 });
		await migrate(first);
		dbs.push(first);
		for (let i = 1; i < 8; i++) dbs.push(openPostgres({ url: pg.url, max: 1 }));
	});
	afterAll(async () => {
		await Promise.all(dbs.map((d) => d.close()));
		await pg.drop();
	});

	test('8 writers × 40 complaints: 320 distinct, gap-free numbers; a rolled-back writer gives its number back', async () => {
		const per = 40;
		await Promise.all(
			dbs.map(async (db, w) => {
				const svc = new ComplaintService(db);
				for (let i = 0; i < per; i++) {
					const phone = `+9197${String(w).padStart(2, '0')}${String(i).padStart(6, '0')}`;
					await svc.intake({ body: 'mere account se 20000 kat gaye OTP diya tha', fromPhone: phone }, { actor: `test:writer${w}` });
				}
			}),
		);
		// One more writer fails after taking a number: its transaction rolls the number back.
		await expect(
			dbs[0].transaction(async (tx) => {
				await tx.query(`INSERT INTO complaint_sequences (district_id, year, last_value) VALUES (1, extract(year FROM now() AT TIME ZONE 'Asia/Kolkata')::int, 1)
                        ON CONFLICT (district_id, year) DO UPDATE SET last_value = complaint_sequences.last_value + 1`);
				throw new Error('writer crashed');
			}),
		).rejects.toThrow('writer crashed');
		const rows = await dbs[0].query<{ ref: string }>('SELECT ref FROM complaints ORDER BY ref');
		expect(rows).toHaveLength(8 * per);
		expect(new Set(rows.map((r) => r.ref)).size).toBe(8 * per);
		const seqs = rows.map((r) => Number(r.ref.split('-')[2]));
		expect(seqs).toEqual(Array.from({ length: 8 * per }, (_, i) => i + 1));
		const next = await new ComplaintService(dbs[1]).intake({ body: 'UPI fraud', fromPhone: '+919699999999' }, { actor: 'test' });
		expect(Number(next.complaint.ref.split('-')[2])).toBe(8 * per + 1);
	});
});
