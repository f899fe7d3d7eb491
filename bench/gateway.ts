/**
 * Gateway benchmark: signed WhatsApp status webhooks (sent / delivered / read of a seeded
 * broadcast, 5 % resent as duplicates) from an open-loop load generator over real loopback
 * sockets. The gateway runs in a forked process (the same file with --serve), so the generator
 * does not share its event loop.
 *
 * Method (issue 19 §4): a warm-up (excluded), then a stepped search. Each rate is run three times
 * (a short pause between runs); a rate passes when the median of its three p99s is ≤ 50 ms, the
 * median sustained accepted rate is ≥ 95 % of the offered one, and no run lost a call or got a
 * non-200. The search climbs by --step until a rate fails, then halves the gap between the last
 * pass and the first fail --refine times. Lost = accepted (wamid, status) pairs with no
 * status_events row, counted after every run. Prints JSON: every run, the per-rate medians and
 * the highest passing rate.
 *
 *   node dist/bench/gateway.js [--engine postgres|pglite] [--start 1000] [--step 1000] [--max 10000]
 *        [--refine 2] [--seconds 5] [--warmup-seconds 3] [--rates 1000,2000 (fixed list, no search)]
 *   (PostgreSQL: a fresh database on MITAN_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { fork } from 'child_process';
import { createHmac } from 'crypto';
import express from 'express';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import postgres from 'postgres';
import { openPglite, openPostgres, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { gatewayRouter } from '../dashboard/gateway';
import { arg } from './args';

const SECRET = 'bench-app-secret';
const PHONE_ID = '100000000000001';

/** --flush-ms / --max-batch: the status writer's group-commit window (core/statuses/writer.ts), to compare windows. */
const WRITER_FLAGS = { 'flush-ms': 'flushMs', 'max-batch': 'maxBatch' } as const;

function writerOptions(): { flushMs?: number; maxBatch?: number } {
	const out: { flushMs?: number; maxBatch?: number } = {};
	for (const [flag, key] of Object.entries(WRITER_FLAGS)) if (process.argv.includes(`--${flag}`)) out[key] = Number(arg(flag, ''));
	return out;
}

/** Child: the gateway alone, on its own event loop. */
async function serve(): Promise<void> {
	const engine = arg('engine', 'postgres');
	const url = arg('url', '');
	const db: Db =
		engine === 'pglite' ? await openPglite('memory') : openPostgres({ url, max: 8, prepare: process.argv.includes('--prepare') });
	await migrate(db);
	const messages = Number(arg('messages', '0'));
	// The broadcast the statuses belong to: one delivery per wamid, so every status also moves a delivery.
	await db.exec(`
    INSERT INTO subscribers (phone, consent_source) SELECT '+9190' || lpad(g::text, 8, '0'), 'bench' FROM generate_series(1, ${messages}) g;
    INSERT INTO broadcasts (content_key, broadcast_date, segment_key, templates) VALUES ('bench', '2026-06-01', 'all', '{}');
    INSERT INTO deliveries (broadcast_id, subscriber_id, language, state, wamid, sent_at)
      SELECT 1, s.id, 'hi', 'sent', 'wamid.bench.' || s.id, now() FROM subscribers s;`);
	const app = express();
	const router = gatewayRouter({
		db,
		publicUrl: 'http://localhost',
		env: { META_APP_SECRET: SECRET, WHATSAPP_PHONE_NUMBER_ID: PHONE_ID },
		gateway: { writer: writerOptions() },
	});
	app.use('/webhooks', router);
	const server = app.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
	const count = async () => {
		const [r] = await db.query<{ n: number; d: number }>(
			`SELECT (SELECT count(*) FROM status_events)::int AS n, (SELECT count(*) FROM deliveries WHERE state = 'read')::int AS d`,
		);
		return { rows: Number(r.n), readDeliveries: Number(r.d) };
	};
	process.on('message', async (m: { cmd: string }) => {
		// Every 200 is sent after its batch committed, so rows counted after a run are all there are.
		if (m.cmd === 'count') process.send!(await count());
		if (m.cmd === 'close') {
			await router.gateway.close();
			process.send!({
				...(await count()),
				stats: router.gateway.stats(),
				cpu: process.cpuUsage(),
				rssMb: Math.round(process.memoryUsage().rss / 1e6),
			});
			server.close();
			await db.close();
			process.exit(0);
		}
	});
}

interface Shot {
	body: Buffer;
	sig: string;
	key: string;
}

function statusShot(wamid: string, status: string, ts: number): Shot {
	const body = Buffer.from(
		JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '200000000000001',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '917000000001', phone_number_id: PHONE_ID },
								statuses: [
									{
										id: wamid,
										status,
										timestamp: String(ts),
										recipient_id: '919000000001',
										pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
									},
								],
							},
						},
					],
				},
			],
		}).replace(/\//g, '\\/'),
	);
	return { body, sig: 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'), key: `${wamid}|${status}` };
}

function pct(sorted: number[], p: number): number {
	if (!sorted.length) return 0;
	return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => os.loadavg().map((x) => Math.round(x * 10) / 10);

interface Run {
	targetRate: number;
	calls: number;
	ok: number;
	non200: number;
	sustainedAcceptedPerSec: number;
	p50ms: number;
	p99ms: number;
	maxMs: number;
	lost: number;
	/** The generator's longest gap between its 1 ms ticks: large means the generator, not the gateway, fell behind. */
	generatorMaxTickGapMs: number;
	loadavg: number[];
}

interface Child {
	send(m: { cmd: string }): void;
	once(ev: 'message', f: (m: unknown) => void): void;
}

const ask = <T>(child: Child, cmd: string): Promise<T> =>
	new Promise<T>((r) => {
		child.once('message', (m) => r(m as T));
		child.send({ cmd });
	});

/**
 * The calls in order: message i's sent, delivered, read (index k → message ⌊k/3⌋ + 1). Built
 * and signed when due, so a long search does not hold a million bodies in memory; each run takes
 * the next fresh ones, so its accepted pairs are its own.
 */
function shotAt(k: number, messages: number): Shot {
	const i = (Math.floor(k / 3) % messages) + 1;
	const j = k % 3;
	return statusShot(`wamid.bench.${i}`, ['sent', 'delivered', 'read'][j], 1_780_000_000 + i + j);
}

async function main(): Promise<void> {
	const engine = arg('engine', 'postgres');
	const seconds = Number(arg('seconds', '5'));
	const warmupSeconds = Number(arg('warmup-seconds', '3'));
	const fixed = process.argv.includes('--rates') ? arg('rates', '').split(',').map(Number) : undefined;
	const start = Number(arg('start', '1000'));
	const step = Number(arg('step', '1000'));
	const max = Number(arg('max', '10000'));
	const refine = Number(arg('refine', '2'));
	const budgetMs = Number(arg('budget-seconds', '540')) * 1000;
	const runsPerRate = 3;
	// Enough messages for every call the search could make (3 calls a message); beyond, pairs repeat.
	const planned = fixed ?? Array.from({ length: Math.floor((max - start) / step) + 1 }, (_, i) => start + i * step);
	const maxCalls =
		warmupSeconds * start + planned.reduce((a, r) => a + r, 0) * seconds * runsPerRate + refine * max * seconds * runsPerRate;
	const messages = Math.ceil(maxCalls / 3) + 10;
	let url = '';
	let drop: (() => Promise<void>) | undefined;
	if (engine === 'postgres') {
		const admin = process.env.MITAN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
		const name = `mitan_bench_gw_${process.pid}`;
		const a = postgres(admin, { max: 1, onnotice: () => undefined });
		await a.unsafe(`CREATE DATABASE ${name}`);
		await a.end();
		url = admin.replace(/\/[^/]*$/, `/${name}`);
		drop = async () => {
			const b = postgres(admin, { max: 1, onnotice: () => undefined });
			await b.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await b.end();
		};
	}
	const began = Date.now();
	const passOn = [
		...Object.keys(WRITER_FLAGS).flatMap((k) => (process.argv.includes(`--${k}`) ? [`--${k}`, arg(k, '')] : [])),
		// --prepare: named prepared statements on the gateway's pool (core/db/postgres.ts), to compare.
		...(process.argv.includes('--prepare') ? ['--prepare'] : []),
	];
	const child = fork(process.argv[1], ['--serve', '--engine', engine, '--url', url, '--messages', String(messages), ...passOn], {
		stdio: 'inherit',
	});
	const port = await new Promise<number>((r) => child.once('message', (m: { port: number }) => r(m.port)));
	const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
	let next = 0;
	const accepted = new Set<string>();

	const runOnce = async (rate: number, secs: number): Promise<Run> => {
		const before = await ask<{ rows: number }>(child, 'count');
		const acceptedBefore = accepted.size;
		const n = Math.round(rate * secs);
		const lat: number[] = [];
		let ok = 0;
		let bad = 0;
		let inFlight = 0;
		let sentCount = 0;
		let maxGap = 0;
		const t0run = performance.now();
		let lastDone = t0run;
		let lastTick = t0run;
		await new Promise<void>((resolve) => {
			const done = () => {
				inFlight--;
				if (sentCount >= n && inFlight === 0) resolve();
			};
			const fire = (s: Shot): void => {
				inFlight++;
				const t0 = performance.now();
				const req = http.request(
					{
						host: '127.0.0.1',
						port,
						path: '/webhooks/whatsapp',
						method: 'POST',
						agent,
						headers: { 'content-type': 'application/json', 'content-length': s.body.length, 'x-hub-signature-256': s.sig },
					},
					(res) => {
						res.resume();
						res.on('end', () => {
							const t1 = performance.now();
							lat.push(t1 - t0);
							lastDone = t1;
							if (res.statusCode === 200) {
								ok++;
								accepted.add(s.key);
							} else bad++;
							done();
						});
					},
				);
				// A call unanswered for 30 s counts as failed: the run ends, bounded.
				req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
				req.on('error', () => {
					bad++;
					done();
				});
				req.end(s.body);
			};
			// Open loop: every millisecond, send what the schedule says is due, whatever the answers do.
			const timer = setInterval(() => {
				const now = performance.now();
				maxGap = Math.max(maxGap, now - lastTick);
				lastTick = now;
				const due = Math.min(n, Math.floor(((now - t0run) / 1000) * rate));
				while (sentCount < due) {
					const s = shotAt(next++, messages);
					fire(s);
					if (Math.random() < 0.05) fire(s);
					sentCount++;
				}
				if (sentCount >= n) clearInterval(timer);
			}, 1);
		});
		const after = await ask<{ rows: number }>(child, 'count');
		lat.sort((a, b) => a - b);
		return {
			targetRate: rate,
			calls: lat.length,
			ok,
			non200: bad,
			sustainedAcceptedPerSec: Math.round(ok / ((lastDone - t0run) / 1000)),
			p50ms: pct(lat, 50),
			p99ms: pct(lat, 99),
			maxMs: pct(lat, 100),
			lost: accepted.size - acceptedBefore - (after.rows - before.rows),
			generatorMaxTickGapMs: Math.round(maxGap * 10) / 10,
			loadavg: load(),
		};
	};

	const warmup = await runOnce(start, warmupSeconds);
	// In the order tried (a plain object would list numeric keys sorted).
	const byRate = new Map<number, { runs: Run[]; median: Record<string, number>; pass: boolean }>();
	const tryRate = async (rate: number): Promise<boolean> => {
		const runs: Run[] = [];
		for (let i = 0; i < runsPerRate; i++) {
			runs.push(await runOnce(rate, seconds));
			await new Promise((r) => setTimeout(r, 1000));
		}
		const med = {
			p50ms: median(runs.map((r) => r.p50ms)),
			p99ms: median(runs.map((r) => r.p99ms)),
			sustainedAcceptedPerSec: median(runs.map((r) => r.sustainedAcceptedPerSec)),
		};
		const pass = med.p99ms <= 50 && med.sustainedAcceptedPerSec >= 0.95 * rate && runs.every((r) => r.lost === 0 && r.non200 === 0);
		byRate.set(rate, { runs, median: med, pass });
		process.stderr.write(`rate ${rate}/s: median p99 ${med.p99ms} ms, ${med.sustainedAcceptedPerSec}/s → ${pass ? 'pass' : 'fail'}\n`);
		return pass;
	};
	let lastPass = 0;
	let firstFail: number | undefined;
	const overBudget = () => Date.now() - began > budgetMs;
	if (fixed) {
		for (const r of fixed) if ((await tryRate(r)) && r > lastPass) lastPass = r;
	} else {
		for (let r = start; r <= max && !overBudget(); r += step) {
			if (await tryRate(r)) lastPass = r;
			else {
				firstFail = r;
				break;
			}
		}
		for (let k = 0; k < refine && firstFail !== undefined && !overBudget(); k++) {
			const mid = Math.round((lastPass + firstFail) / 2 / 100) * 100;
			if (mid <= lastPass || mid >= firstFail) break;
			if (await tryRate(mid)) lastPass = mid;
			else firstFail = mid;
		}
	}
	const final = await ask<{ rows: number; readDeliveries: number; stats: unknown; cpu: NodeJS.CpuUsage; rssMb: number }>(child, 'close');
	await drop?.();
	agent.destroy();
	console.log(
		JSON.stringify(
			{
				bench: 'gateway',
				engine,
				machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 1e9), node: process.version },
				method: {
					secondsPerRun: seconds,
					runsPerRate,
					warmupSeconds,
					start,
					step,
					max,
					refine,
					writer: Object.keys(writerOptions()).length ? writerOptions() : 'defaults',
					preparedStatements: process.argv.includes('--prepare'),
					pass: 'median p99 ≤ 50 ms, median sustained ≥ 0.95 × rate, every run 0 lost and 0 non-200',
				},
				warmup: { ...warmup, excluded: true },
				medians: [...byRate].map(([rate, v]) => ({ rate, ...v.median, pass: v.pass })),
				highestPassingRate: lastPass,
				firstFailingRate: firstFail ?? null,
				goal: { rate: 5000, p99ms: 50, lost: 0 },
				runs: [...byRate.values()].flatMap((v) => v.runs),
				acceptedPairs: accepted.size,
				rows: final.rows,
				lost: accepted.size - final.rows,
				deliveriesRead: final.readDeliveries,
				gatewayCpuSeconds: Math.round((final.cpu.user + final.cpu.system) / 1e4) / 100,
				gatewayRssMb: final.rssMb,
				gatewayStats: final.stats,
				loadavgAtEnd: load(),
				wallSeconds: Math.round((Date.now() - began) / 1000),
			},
			null,
			2,
		),
	);
}

if (process.argv.includes('--serve')) void serve();
else
	void main().catch((e) => {
		console.error(e);
		process.exit(1);
	});
