/**
 * Import benchmark: a deterministic CSV (default 50,000 rows, 2 % bad rows) imported into a fresh
 * store through the product's import path (core/roster/import.ts), then imported again (nothing
 * changes). Each import runs in its own forked process, so its RSS is the import's alone; RSS is
 * sampled every 50 ms and at every 100,000 rows. Every rejected row is counted through onRejected
 * and compared with the rows the generator planted as bad. Prints one JSON line per engine.
 *   node dist/bench/import.js [--rows 50000] [--engine pglite|postgres|both]
 *   state scale (issue 19 §4): node dist/bench/import.js --rows 1000000 --engine postgres
 * The CSV is written to a temp folder and removed afterwards.
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import postgres from 'postgres';
import { openPglite, openPostgres, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { importRoster } from '../core/roster';
import { mulberry32 } from '../sandbox/prng';
import { arg } from './args';

const ROWS = Number(arg('rows', '50000'));
const ENGINE = arg('engine', 'both');
const PG_ADMIN = process.env.MITAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const load = () => os.loadavg().map((x) => Math.round(x * 10) / 10);

/** Writes the file in 1 MB pieces (a 1,000,000-row file is 55 MB: not built in memory). */
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
	const fd = fs.openSync(file, 'w');
	let chunk = 'Name,Mobile,Thana,Language,Village\n';
	let badCount = 0;
	for (let i = 0; i < rows; i++) {
		const n = String(6000000000 + i * 79 + Math.floor(r() * 50));
		const isBad = r() < 0.02;
		if (isBad) badCount++;
		const phone = isBad ? bad[Math.floor(r() * bad.length)] : forms[Math.floor(r() * forms.length)](n);
		chunk += `Citizen ${i},"${phone}",${stations[Math.floor(r() * stations.length)]},${r() < 0.7 ? 'hi' : 'en'},Village ${Math.floor(r() * 400)}\n`;
		if (chunk.length > 1 << 20) {
			fs.writeSync(fd, chunk);
			chunk = '';
		}
	}
	fs.writeSync(fd, chunk);
	fs.closeSync(fd);
	return { bad: badCount };
}

/** One import, timed and sampled, in this (child) process: what the CLI or the server would do. */
async function importOnce(db: Db, file: string) {
	let peak = 0;
	const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
	const timer = setInterval(sample, 50);
	const rssAt: Record<string, number> = {};
	let reported = 0;
	const byCode: Record<string, number> = {};
	const r = await importRoster(db, {
		path: file,
		consentSource: 'bench',
		partial: true,
		maxBytes: 1 << 30, // the 10 MB default is for uploads; a state roll-out file is 55 MB
		onRejected: (x) => {
			reported++;
			byCode[x.code] = (byCode[x.code] ?? 0) + 1;
		},
		onProgress: (p) => {
			if (p.rows % 100_000 === 0 && p.rows > 0) rssAt[p.rows] = Math.round(process.memoryUsage().rss / 1048576);
		},
	});
	clearInterval(timer);
	sample();
	return { r, peakRssMB: Math.round(peak / 1048576), rssMBAtRows: rssAt, reported, byCode };
}

async function child(engine: 'pglite' | 'postgres', file: string, target: string): Promise<void> {
	const db = engine === 'pglite' ? await openPglite(target) : openPostgres({ url: target, max: 2 });
	try {
		await migrate(db);
		const first = await importOnce(db, file);
		const again = await importOnce(db, file);
		process.send!({
			first: { ...first, r: { ...first.r, rejected: [], duplicates: first.r.duplicates.length } },
			again: { ...again, r: { ...again.r, rejected: [], duplicates: [] } },
		});
	} finally {
		await db.close();
	}
}

type ChildResult = {
	first: {
		r: Record<string, number>;
		peakRssMB: number;
		rssMBAtRows: Record<string, number>;
		reported: number;
		byCode: Record<string, number>;
	};
	again: { r: Record<string, number>; peakRssMB: number };
};

async function run(engine: 'pglite' | 'postgres', file: string, planted: number): Promise<Record<string, unknown>> {
	let target: string;
	let cleanup = async () => undefined as void;
	if (engine === 'pglite') {
		target = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
		cleanup = async () => fs.rmSync(target, { recursive: true, force: true });
	} else {
		const name = `mitan_bench_import_${process.pid}`;
		const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => undefined });
		await admin.unsafe(`CREATE DATABASE ${name}`);
		await admin.end();
		target = PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
		cleanup = async () => {
			const a = postgres(PG_ADMIN, { max: 1, onnotice: () => undefined });
			await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await a.end();
		};
	}
	const loadBefore = load();
	try {
		const out = await new Promise<ChildResult>((resolve, reject) => {
			const c = fork(__filename, ['--child', engine, file, target], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
			c.once('message', (m) => resolve(m as ChildResult));
			c.once('exit', (code) => (code ? reject(new Error(`import child exited with ${code}`)) : undefined));
		});
		const f = out.first;
		return {
			bench: 'import',
			engine,
			rows: f.r.rows,
			inserted: f.r.inserted,
			plantedBad: planted,
			rejectedTotal: f.r.rejectedTotal,
			rejectedReported: f.reported,
			everyBadRowReported: f.reported === planted && f.r.rejectedTotal === planted,
			rejectedByCode: f.byCode,
			duplicates: f.r.duplicates,
			seconds: +f.r.seconds.toFixed(3),
			rowsPerSecond: Math.round(f.r.rows / f.r.seconds),
			peakRssMB: f.peakRssMB,
			rssMBAtRows: f.rssMBAtRows,
			reimportSeconds: +out.again.r.seconds.toFixed(3),
			reimportUnchanged: out.again.r.unchanged,
			reimportPeakRssMB: out.again.peakRssMB,
			goal: ROWS >= 1_000_000 ? { seconds: 60, peakRssMB: 200 } : undefined,
			loadavgBefore: loadBefore,
			loadavgAfter: load(),
			node: process.version,
			cpus: os.cpus().length,
			cpu: os.cpus()[0]?.model,
		};
	} finally {
		await cleanup();
	}
}

async function main() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-bench-import-'));
	const file = path.join(dir, `roster-${ROWS}.csv`);
	try {
		const { bad } = makeCsv(ROWS, file);
		process.stderr.write(`generated ${file}: ${ROWS} rows, ${bad} bad, ${(fs.statSync(file).size / 1048576).toFixed(1)} MB\n`);
		const engines = ENGINE === 'both' ? (['postgres', 'pglite'] as const) : ([ENGINE] as ('pglite' | 'postgres')[]);
		for (const e of engines) process.stdout.write(JSON.stringify(await run(e, file, bad)) + '\n');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (require.main === module) {
	const c = process.argv.indexOf('--child');
	(c > 0 ? child(process.argv[c + 1] as 'pglite' | 'postgres', process.argv[c + 2], process.argv[c + 3]) : main()).catch((e) => {
		process.stderr.write(`${(e as Error).stack}\n`);
		process.exit(1);
	});
}
