/**
 * Erasure benchmark (issue 18 §1): what one citizen's erasure costs at district scale, on both
 * engines. Loads the deterministic demo (default 50,000 citizens × 7 days: subscribers,
 * deliveries, status events, inbound messages, complaints, audit rows) into a fresh database, then
 * erases citizens one at a time with each vacuum mode (none / plain / full) and times the erasure
 * transaction and the vacuum separately. Prints JSON.
 *
 *   node dist/bench/erasure.js [--citizens 50000] [--days 7] [--engine postgres|pglite|both]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import postgres from 'postgres';
import { openPglite, openPostgres, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { generateDemo } from '../core/demo/generate';
import { eraseCitizen, type VacuumMode } from '../core/erasure';
import { arg } from './args';

const ADMIN = process.env.MITAN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TABLES = ['subscribers', 'deliveries', 'status_events', 'inbound_messages', 'complaints', 'audit_log'];

async function run(db: Db, engine: string, citizens: number, days: number, dir?: string) {
	await migrate(db);
	const t0 = Date.now();
	await generateDemo(db, { citizens, days, seed: 1, endDate: '2026-11-30', refreshRollups: false });
	const loadSeconds = (Date.now() - t0) / 1000;
	const rows: Record<string, number> = {};
	for (const t of TABLES) rows[t] = Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n);
	// Citizens who complained (so every table has rows to clear), then any others.
	const phones = (
		await db.query<{ phone: string }>(
			`SELECT s.phone FROM subscribers s WHERE s.phone IS NOT NULL
       ORDER BY EXISTS (SELECT 1 FROM complaints c WHERE c.subscriber_id = s.id) DESC, s.id LIMIT 9`,
		)
	).map((r) => r.phone);
	const runs: { mode: VacuumMode; eraseSeconds: number; vacuumSeconds: number; walCleared: boolean; counts: unknown }[] = [];
	const modes: VacuumMode[] = ['none', 'plain', 'full'];
	for (let i = 0; i < phones.length; i++) {
		const mode = modes[i % 3];
		const started = process.hrtime.bigint();
		const r = await eraseCitizen(db, { phone: phones[i], districtId: 1 }, { actor: 'bench', source: 'bench' }, { vacuum: mode });
		const total = Number(process.hrtime.bigint() - started) / 1e9;
		const vacuumSeconds = r.vacuum?.seconds ?? 0;
		runs.push({ mode, eraseSeconds: total - vacuumSeconds, vacuumSeconds, walCleared: r.vacuum?.walCleared ?? false, counts: r.counts });
	}
	const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
	const byMode = Object.fromEntries(
		modes.map((m) => {
			const of = runs.filter((r) => r.mode === m);
			return [m, { eraseSeconds: median(of.map((r) => r.eraseSeconds)), vacuumSeconds: median(of.map((r) => r.vacuumSeconds)) }];
		}),
	);
	const diskMb = dir ? du(dir) / 1048576 : undefined;
	return { engine, citizens, days, loadSeconds, rows, diskMb, byMode, runs };
}

function du(dir: string): number {
	let n = 0;
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		n += e.isDirectory() ? du(p) : fs.statSync(p).size;
	}
	return n;
}

async function main(): Promise<void> {
	const citizens = Number(arg('citizens', '50000'));
	const days = Number(arg('days', '7'));
	const engine = arg('engine', 'both');
	const out: unknown[] = [];
	if (engine !== 'pglite') {
		const name = `mitan_bench_erasure_${process.pid}`;
		const admin = postgres(ADMIN, { max: 1, onnotice: () => undefined });
		await admin.unsafe(`CREATE DATABASE ${name}`);
		const db = openPostgres({ url: ADMIN.replace(/\/[^/]*$/, `/${name}`), max: 2 });
		try {
			out.push(await run(db, 'postgres', citizens, days));
		} finally {
			await db.close();
			await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await admin.end();
		}
	}
	if (engine !== 'postgres') {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-bench-erasure-'));
		const db = await openPglite(dir);
		try {
			out.push(await run(db, 'pglite', citizens, days, dir));
		} finally {
			await db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}
	console.log(JSON.stringify({ bench: 'erasure', cpus: os.cpus().length, cpu: os.cpus()[0]?.model, results: out }, null, 2));
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
