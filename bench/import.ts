/**
 * Import benchmark: a deterministic 50,000-row CSV (2 % bad rows) imported into a fresh store,
 * on the embedded engine and on PostgreSQL. Prints one JSON line per engine.
 *   node dist/bench/import.js [--rows 50000] [--engine pglite|postgres|both]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import postgres from 'postgres';
import { openPglite, openPostgres, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { importRoster } from '../core/roster';
import { mulberry32 } from '../sandbox/prng';

const arg = (name: string, def: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : def;
};
const ROWS = Number(arg('rows', '50000'));
const ENGINE = arg('engine', 'both');
const PG_ADMIN = process.env.MITAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function makeCsv(rows: number, file: string): { bad: number } {
	const r = mulberry32(42); // the same file on every run and machine
	const stations = ['Kawardha', 'Pandariya', 'Bodla', 'Sahaspur Lohara', 'Pipariya', 'Kukdur', 'Chilphi', 'Rengakhar'];
	const forms = [
		(n: string) => n,
		(n: string) => `+91-${n.slice(0, 5)}-${n.slice(5)}`,
		(n: string) => `0${n.slice(0, 5)} ${n.slice(5)}`,
		(n: string) => `91 ${n}`,
	];
	const bad = ['12345', '011 2345 6789', '+1 415 555 2671', 'not known', '98765 / 91234 56789'];
	const lines = ['Name,Mobile,Thana,Language,Village'];
	let badCount = 0;
	for (let i = 0; i < rows; i++) {
		const n = String(6000000000 + i * 79 + Math.floor(r() * 50));
		const isBad = r() < 0.02;
		if (isBad) badCount++;
		const phone = isBad ? bad[Math.floor(r() * bad.length)] : forms[Math.floor(r() * forms.length)](n);
		lines.push(
			`Citizen ${i},"${phone}",${stations[Math.floor(r() * stations.length)]},${r() < 0.7 ? 'hi' : 'en'},Village ${Math.floor(r() * 400)}`,
		);
	}
	fs.writeFileSync(file, lines.join('\n') + '\n');
	return { bad: badCount };
}

async function run(engine: 'pglite' | 'postgres', file: string): Promise<Record<string, unknown>> {
	let db: Db;
	let cleanup = async () => undefined as void;
	if (engine === 'pglite') {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
		db = await openPglite(dir);
		cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
	} else {
		const name = `mitan_bench_${Date.now()}`;
		const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => undefined });
		await admin.unsafe(`CREATE DATABASE ${name}`);
		await admin.end();
		db = openPostgres({ url: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`), max: 2 });
		cleanup = async () => {
			const a = postgres(PG_ADMIN, { max: 1, onnotice: () => undefined });
			await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await a.end();
		};
	}
	try {
		await migrate(db);
		const first = await importRoster(db, { path: file, consentSource: 'bench', partial: true });
		const again = await importRoster(db, { path: file, consentSource: 'bench', partial: true });
		return {
			bench: 'import',
			engine,
			rows: first.rows,
			inserted: first.inserted,
			rejected: first.rejected.length,
			duplicates: first.duplicates.length,
			seconds: +first.seconds.toFixed(3),
			rowsPerSecond: Math.round(first.rows / first.seconds),
			reimportSeconds: +again.seconds.toFixed(3),
			reimportUnchanged: again.unchanged,
			peakRssMB: Math.round(process.memoryUsage().rss / 1048576),
			node: process.version,
			cpus: os.cpus().length,
			cpu: os.cpus()[0]?.model,
		};
	} finally {
		await db.close();
		await cleanup();
	}
}

async function main() {
	const file = path.join(os.tmpdir(), `mitan-bench-${ROWS}.csv`);
	const { bad } = makeCsv(ROWS, file);
	process.stderr.write(`generated ${file}: ${ROWS} rows, ${bad} bad\n`);
	const engines = ENGINE === 'both' ? (['postgres', 'pglite'] as const) : ([ENGINE] as ('pglite' | 'postgres')[]);
	for (const e of engines) process.stdout.write(JSON.stringify(await run(e, file)) + '\n');
}

if (require.main === module) {
	main().catch((e) => {
		process.stderr.write(`${(e as Error).stack}\n`);
		process.exit(1);
	});
}
