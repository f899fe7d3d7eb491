/**
 * Gateway benchmark: signed WhatsApp status webhooks (sent / delivered / read of a seeded
 * broadcast, 5 % resent as duplicates) from a load generator on loopback, at rising open-loop
 * rates. Per rate: sustained accepted rate, p50 / p99 / max latency, non-200 answers; at the end
 * the rows are counted: lost = accepted (wamid, status) pairs with no row. The gateway runs in a
 * forked process (the same file with --serve) so the generator does not share its event loop.
 * Prints JSON.
 *
 *   node dist/bench/gateway.js [--engine postgres|pglite] [--rates 1000,2000,3000,4000,5000] [--seconds 5]
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

const SECRET = 'bench-app-secret';
const PHONE_ID = '100000000000001';

function arg(name: string, dflt: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : dflt;
}

/** Child: the gateway alone, on its own event loop. */
async function serve(): Promise<void> {
	const engine = arg('engine', 'postgres');
	const url = arg('url', '');
	const db: Db = engine === 'pglite' ? await openPglite('memory') : openPostgres({ url, max: 8 });
	await migrate(db);
	const messages = Number(arg('messages', '0'));
	// The broadcast the statuses belong to: one delivery per wamid, so every status also moves a delivery.
	await db.exec(`
    INSERT INTO subscribers (phone, consent_source) SELECT '+9190' || lpad(g::text, 8, '0'), 'bench' FROM generate_series(1, ${messages}) g;
    INSERT INTO broadcasts (content_key, broadcast_date, segment_key, templates) VALUES ('bench', '2026-06-01', 'all', '{}');
    INSERT INTO deliveries (broadcast_id, subscriber_id, language, state, wamid, sent_at)
      SELECT 1, s.id, 'hi', 'sent', 'wamid.bench.' || s.id, now() FROM subscribers s;`);
	const app = express();
	const router = gatewayRouter({ db, publicUrl: 'http://localhost', env: { META_APP_SECRET: SECRET, WHATSAPP_PHONE_NUMBER_ID: PHONE_ID } });
	app.use('/webhooks', router);
	const server = app.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
	process.on('message', async (m: { cmd: string }) => {
		if (m.cmd === 'count') {
			await router.gateway.close();
			const [r] = await db.query<{ n: number; d: number }>(
				`SELECT (SELECT count(*) FROM status_events)::int AS n, (SELECT count(*) FROM deliveries WHERE state = 'read')::int AS d`,
			);
			process.send!({
				rows: Number(r.n),
				readDeliveries: Number(r.d),
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

async function main(): Promise<void> {
	const engine = arg('engine', 'postgres');
	const rates = arg('rates', '1000,2000,3000,4000,5000').split(',').map(Number);
	const seconds = Number(arg('seconds', '5'));
	const total = rates.reduce((a, r) => a + r * seconds, 0);
	const messages = Math.ceil(total / 3) + 10;
	let url = '';
	let drop: (() => Promise<void>) | undefined;
	if (engine === 'postgres') {
		const admin = process.env.MITAN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
		const name = `mitan_bench_${Date.now().toString(36)}`;
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
	const child = fork(process.argv[1], ['--serve', '--engine', engine, '--url', url, '--messages', String(messages)], { stdio: 'inherit' });
	const port = await new Promise<number>((r) => child.once('message', (m: { port: number }) => r(m.port)));
	const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

	// sent, delivered, read per message in order; 5 % of calls are sent a second time (Meta's at-least-once).
	const shots: Shot[] = [];
	for (let i = 1; shots.length < total; i++) {
		const w = `wamid.bench.${i}`;
		for (const [j, st] of ['sent', 'delivered', 'read'].entries()) shots.push(statusShot(w, st, 1_780_000_000 + i + j));
	}
	let next = 0;
	const accepted = new Set<string>();
	const results: unknown[] = [];
	for (const rate of rates) {
		const n = rate * seconds;
		const lat: number[] = [];
		let ok = 0;
		let bad = 0;
		let inFlight = 0;
		let sentCount = 0;
		const start = performance.now();
		let lastDone = start;
		await new Promise<void>((resolve) => {
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
							inFlight--;
							if (sentCount >= n && inFlight === 0) resolve();
						});
					},
				);
				req.on('error', () => {
					bad++;
					inFlight--;
					if (sentCount >= n && inFlight === 0) resolve();
				});
				req.end(s.body);
			};
			// Open loop: every millisecond, send what the schedule says is due, whatever the answers do.
			const timer = setInterval(() => {
				const due = Math.min(n, Math.floor(((performance.now() - start) / 1000) * rate));
				while (sentCount < due) {
					const s = shots[next++ % shots.length];
					fire(s);
					if (Math.random() < 0.05) fire(s);
					sentCount++;
				}
				if (sentCount >= n) clearInterval(timer);
			}, 1);
		});
		lat.sort((a, b) => a - b);
		const secs = (lastDone - start) / 1000;
		results.push({
			targetRate: rate,
			calls: lat.length,
			ok,
			non200: bad,
			sustainedAcceptedPerSec: Math.round(ok / secs),
			p50ms: pct(lat, 50),
			p99ms: pct(lat, 99),
			maxMs: pct(lat, 100),
		});
	}
	child.send({ cmd: 'count' });
	const final = await new Promise<{ rows: number; readDeliveries: number; stats: unknown; cpu: NodeJS.CpuUsage; rssMb: number }>((r) =>
		child.once('message', r),
	);
	await drop?.();
	agent.destroy();
	console.log(
		JSON.stringify(
			{
				bench: 'gateway',
				engine,
				machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 1e9), node: process.version },
				secondsPerRate: seconds,
				results,
				acceptedPairs: accepted.size,
				rows: final.rows,
				lost: accepted.size - final.rows,
				deliveriesRead: final.readDeliveries,
				gatewayCpuSeconds: Math.round((final.cpu.user + final.cpu.system) / 1e4) / 100,
				gatewayRssMb: final.rssMb,
				gatewayStats: final.stats,
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
