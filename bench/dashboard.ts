/**
 * Dashboard API benchmark: loads the deterministic demo (default 50,000 citizens × 90 days,
 * ≈13.5 M status events) into a fresh PostgreSQL database, refreshes the rollups, starts the
 * app on a local port and drives the JSON API with 50 concurrent logged-in clients for a fixed
 * time, cycling through every dashboard endpoint. Prints JSON: p50 / p95 / p99 per endpoint and
 * overall. The goal (issue 10): p95 ≤ 50 ms.
 *
 *   node dist/bench/dashboard.js [--citizens 50000] [--days 90] [--clients 50] [--seconds 20] [--keep]
 *
 * --state (issue 19 §4): state scale instead of the demo: --districts 20 × --citizens 1000000 ×
 * --days 30 seeded by bench/state-seed.ts (set-based SQL, about a minute), every chart API at
 * state scope and for one district, and the state view (/api/state).
 *   node dist/bench/dashboard.js --state [--districts 20] [--citizens 1000000] [--days 30]
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { fork } from 'child_process';
import * as os from 'os';
import postgres from 'postgres';
import { hashPassword, insertUser } from '../core/auth';
import { openPostgres } from '../core/db';
import * as fs from 'fs';
import * as path from 'path';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../core/db/migrate';
import { generateDemo } from '../core/demo/generate';
import { createApp } from '../dashboard/app';
import { webSettings } from '../dashboard/web/cache';
import { seedState } from './state-seed';
import { numArg as arg } from './args';

const ADMIN = process.env.MITAN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'load-test-secret-2026';

const STATE = process.argv.includes('--state');

const DEMO_ENDPOINTS = [
	'/api/overview',
	'/api/reach?days=7',
	'/api/reach?days=30',
	'/api/reach?days=90',
	'/api/complaints?days=90',
	'/api/roster?days=90',
	'/api/approvals',
	'/api/broadcast',
	'/api/reach.csv?days=90&chart=whatsapp_daily',
];

/** State scale: every page's API for the whole state (a state-level user) and for one district, and the state view. */
const STATE_PAGES = [
	'/api/overview',
	'/api/reach?days=7',
	'/api/reach?days=30',
	'/api/complaints?days=30',
	'/api/roster?days=30',
	'/api/approvals',
	'/api/broadcast',
	'/api/report',
	'/api/reach.csv?days=30&chart=whatsapp_daily',
];
const STATE_ENDPOINTS = [
	...STATE_PAGES,
	...STATE_PAGES.map((e) => `${e}${e.includes('?') ? '&' : '?'}district=7`),
	'/api/state?days=7',
	'/api/state?days=30',
];
const ENDPOINTS = STATE ? STATE_ENDPOINTS : DEMO_ENDPOINTS;

function request(
	agent: http.Agent,
	port: number,
	path: string,
	opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', reject);
		if (opts.body) req.write(opts.body);
		req.end();
	});
}

async function login(agent: http.Agent, port: number): Promise<string> {
	const page = await request(agent, port, '/login');
	const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
	const pre = (page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
	const res = await request(agent, port, '/login', {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
		body: new URLSearchParams({ _csrf: csrf, username: 'bench', password: PASSWORD }).toString(),
	});
	if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
	return (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('mitan_sid='))!;
}

function pct(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
}

/** The load generator, in its own process so it does not share the server's event loop. */
async function clientMain(port: number, cookie: string, clients: number, seconds: number): Promise<void> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
	const lat: Record<string, number[]> = Object.fromEntries(ENDPOINTS.map((e) => [e, []]));
	let errors = 0;
	const until = Date.now() + seconds * 1000;
	const started = Date.now();
	await Promise.all(
		Array.from({ length: clients }, async (_, c) => {
			let i = c;
			while (Date.now() < until) {
				const e = ENDPOINTS[i++ % ENDPOINTS.length];
				const t = process.hrtime.bigint();
				const r = await request(agent, port, e, { headers: { cookie } });
				lat[e].push(Number(process.hrtime.bigint() - t) / 1e6);
				if (r.status !== 200) errors++;
			}
		}),
	);
	agent.destroy();
	process.send!({ lat, errors, elapsed: (Date.now() - started) / 1000 }, () => process.exit(0));
}

function runClient(
	port: number,
	cookie: string,
	clients: number,
	seconds: number,
): Promise<{ lat: Record<string, number[]>; errors: number; elapsed: number }> {
	return new Promise((resolve, reject) => {
		const child = fork(__filename, ['--client', String(port), cookie, String(clients), String(seconds), ...(STATE ? ['--state'] : [])], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		child.once('message', (m) => resolve(m as { lat: Record<string, number[]>; errors: number; elapsed: number }));
		child.once('error', reject);
		child.once('exit', (code) => {
			if (code !== 0) reject(new Error(`load generator exited with ${code}`));
		});
	});
}

async function main(): Promise<void> {
	const citizens = arg('citizens', STATE ? 1_000_000 : 50_000);
	const days = arg('days', STATE ? 30 : 90);
	const districts = arg('districts', 20);
	const clients = arg('clients', 50);
	const seconds = arg('seconds', 20);
	const keep = process.argv.includes('--keep');
	// --db NAME reuses a database kept by an earlier --keep run (the demo load takes minutes).
	const reuse = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
	const name = reuse ?? (STATE ? 'mitan_bench_dash' : `mitan_bench_dashboard_${process.pid}`);
	const admin = postgres(ADMIN, { max: 1, onnotice: () => undefined });
	if (!reuse) await admin.unsafe(`CREATE DATABASE ${name}`);
	const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);
	const db = openPostgres({ url, max: 10 });
	let server: http.Server | undefined;
	try {
		// Bundled into bench/out by esbuild the migrations are not beside the code: use the sources.
		await migrate(db, loadMigrations(fs.existsSync(MIGRATIONS_DIR) ? MIGRATIONS_DIR : path.resolve(__dirname, '../../core/db/migrations')));
		const t0 = Date.now();
		const [{ n: existing }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM subscribers');
		const demo =
			existing > 0
				? { citizens: existing, days, statusEvents: null, deliveries: null, complaints: null, reused: name }
				: STATE
					? { ...(await seedState(db, { districts, citizens, days, stationsPerDistrict: 10 })), days, statusEvents: null }
					: await generateDemo(db, { citizens, days, seed: 1 }); // ends yesterday in the district's zone
		const loadMs = Date.now() - t0;
		// What autovacuum does soon after a load: visibility map and statistics for the planner.
		await db.query('VACUUM ANALYZE');
		// A state-level viewer sees every page measured here; an admin would need the TOTP step.
		if ((await db.query(`SELECT 1 FROM dashboard_users WHERE username = 'bench'`)).length === 0) {
			await insertUser(db, { username: 'bench', passwordHash: await hashPassword(PASSWORD), role: 'viewer', districtId: null });
		}
		await db.query(`UPDATE dashboard_users SET role = 'viewer', district_id = NULL WHERE username = 'bench'`);

		const loadavgAtStart = os.loadavg().map((x) => Math.round(x * 10) / 10);
		// Two passes: every request runs its rollup queries (cache off), then as deployed (10 s cache).
		const passes: Record<string, unknown> = {};
		for (const [label, cacheMs] of [
			['uncached', 0],
			['cached', 10_000],
		] as const) {
			webSettings.apiCacheMs = cacheMs;
			server = http.createServer(createApp({ db, publicUrl: 'http://127.0.0.1' }));
			await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
			const port = (server.address() as AddressInfo).port;
			const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
			const cookie = await login(agent, port);
			// Warm-up: each endpoint once (roster snapshot refresh, plan caches).
			for (const e of ENDPOINTS) {
				const r = await request(agent, port, e, { headers: { cookie } });
				if (r.status !== 200) throw new Error(`${e}: ${r.status} ${r.body.slice(0, 200)}`);
			}
			agent.destroy();
			const { lat, errors, elapsed } = await runClient(port, cookie, clients, seconds);
			const all = Object.values(lat).flat();
			await new Promise((resolve) => server!.close(resolve));
			server = undefined;
			const sorted = all.sort((a, b) => a - b);
			passes[label] = {
				load: { clients, seconds: elapsed, requests: sorted.length, errors, rps: Math.round(sorted.length / elapsed) },
				overall: {
					p50: pct(sorted, 50),
					p95: pct(sorted, 95),
					p99: pct(sorted, 99),
					max: Math.round(sorted[sorted.length - 1] * 100) / 100,
				},
				goalP95Met: pct(sorted, 95) <= 50,
				endpoints: Object.fromEntries(
					Object.entries(lat).map(([e, xs]) => {
						const s2 = xs.sort((a, b) => a - b);
						return [e, { n: s2.length, p50: pct(s2, 50), p95: pct(s2, 95), p99: pct(s2, 99) }];
					}),
				),
			};
		}
		const [{ v }] = await db.query<{ v: string }>('SHOW server_version');
		const size = await db.query<{ t: string; rows: number }>(
			`SELECT relname AS t, n_live_tup::int AS rows FROM pg_stat_user_tables
        WHERE relname IN ('status_events', 'deliveries', 'subscribers', 'complaints', 'rollup_whatsapp_daily', 'rollup_complaints_daily', 'rollup_social_daily', 'rollup_roster_snapshot')
        ORDER BY relname`,
		);
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
					scale: STATE ? { districts, citizens, days, seeded: demo } : 'demo (one district)',
					demo: {
						citizens: 'citizens' in demo ? demo.citizens : citizens,
						days: demo.days,
						statusEvents: demo.statusEvents,
						deliveries: demo.deliveries,
						complaints: demo.complaints,
						loadMs,
					},
					tables: Object.fromEntries(size.map((s) => [s.t, s.rows])),
					loadavgAtStart,
					loadavgAtEnd: os.loadavg().map((x) => Math.round(x * 10) / 10),
					goal: { p95Ms: 50 },
					...passes,
				},
				null,
				2,
			),
		);
	} finally {
		await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
		await db.close();
		if (!keep && !reuse) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		else console.error(`kept database ${name} (reuse with --db ${name})`);
		await admin.end();
	}
}

const ci = process.argv.indexOf('--client');
(ci >= 0
	? clientMain(Number(process.argv[ci + 1]), process.argv[ci + 2], Number(process.argv[ci + 3]), Number(process.argv[ci + 4]))
	: main()
).catch((e) => {
	console.error(e);
	process.exit(1);
});
