/**
 * Rollup benchmark: loads the deterministic demo (default 50,000 citizens × 90 days ≈ 12.6 M
 * status events) into a fresh PostgreSQL database, then times
 *   1. the demo load itself,
 *   2. a full refresh of every rollup, and a second one (idempotent: changes nothing),
 *   3. an incremental refresh after 20,000 of the last day's receipts changed, and a recompute
 *      of one whole day (≈140,000 events), three times (the daily case).
 * Prints JSON. Needs a PostgreSQL server (MITAN_BENCH_PG_URL, default the local one).
 *
 *   node dist/bench/rollups.js [--citizens 50000] [--days 90] [--keep]
 */
import * as os from 'os';
import postgres from 'postgres';
import { openPostgres } from '../core/db';
import { migrate } from '../core/db/migrate';
import { generateDemo } from '../core/demo/generate';
import { refreshDays, refreshRollups } from '../core/metrics/refresh';
import { numArg as arg } from './args';

const ADMIN = process.env.MITAN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
	const citizens = arg('citizens', 50_000);
	const days = arg('days', 90);
	const name = `mitan_bench_rollups_${process.pid}`;
	const admin = postgres(ADMIN, { max: 1, onnotice: () => undefined });
	await admin.unsafe(`CREATE DATABASE ${name}`);
	const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);
	const db = openPostgres({ url, max: 2 });
	try {
		await migrate(db);
		const endDate = '2026-03-31';
		const t0 = Date.now();
		const demo = await generateDemo(db, { citizens, days, seed: 1, endDate, refreshRollups: false });
		const loadMs = Date.now() - t0;
		const full1 = await refreshRollups(db, { mode: 'full' });
		const full2 = await refreshRollups(db, { mode: 'full' });
		// The daily case: yesterday's receipts keep arriving; one day turns dirty and is refreshed.
		const [{ n }] = await db.query<{ n: number }>(
			`WITH moved AS (
         UPDATE status_events SET occurred_at = occurred_at + interval '1 second'
         WHERE id IN (SELECT id FROM status_events WHERE occurred_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Kolkata')
                        AND occurred_at < (($1::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata') ORDER BY id LIMIT 20000)
         RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
			[endDate],
		);
		const incremental = await refreshRollups(db, { mode: 'incremental' });
		const size: { t: string; rows: number }[] = [];
		for (const t of [
			'status_events',
			'deliveries',
			'subscribers',
			'complaints',
			'rollup_whatsapp_daily',
			'rollup_complaints_daily',
			'rollup_social_daily',
		]) {
			const [{ n: rows }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
			size.push({ t, rows });
		}
		// The daily case without changes: recompute one full day of receipts (~140,000 events).
		const oneDay: number[] = [];
		for (let i = 0; i < 3; i++) oneDay.push((await refreshDays(db, [{ day: endDate, districtId: 1 }])).millis);
		const [{ v }] = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
		console.log(
			JSON.stringify(
				{
					machine: {
						cpus: os.cpus().length,
						cpuModel: os.cpus()[0]?.model,
						memGb: Math.round(os.totalmem() / 2 ** 30),
						node: process.version,
						postgres: v,
					},
					demo: { ...demo, loadMs },
					fullRefresh: {
						ms: full1.millis,
						kinds: full1.kinds.map((k) => ({ kind: k.kind, ms: k.millis, rows: k.rows, changed: k.changed })),
					},
					fullRefreshAgain: { ms: full2.millis, changed: full2.kinds.reduce((s, k) => s + k.changed + k.removed, 0) },
					incrementalOneDay: {
						eventsTouched: n,
						ms: incremental.millis,
						kinds: incremental.kinds.map((k) => ({ kind: k.kind, ms: k.millis, days: k.days?.length ?? null, changed: k.changed })),
					},
					oneDayRefreshMs: oneDay,
					tableRows: Object.fromEntries(size.map((s) => [s.t, s.rows])),
				},
				null,
				2,
			),
		);
	} finally {
		await db.close();
		if (!process.argv.includes('--keep')) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin.end();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
