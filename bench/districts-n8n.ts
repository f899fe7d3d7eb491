/**
 * Several districts at 10:00 (issue 19 §4): 5 districts × 20,000 citizens in one PostgreSQL, each
 * district with its own WhatsApp number at 80/s, one real n8n 2.x in queue mode (main + two
 * workers on Redis), each district's broadcast started by its own workflow (Webhook → Mitan
 * Broadcast "Start and Wait" with that district's WhatsApp credential), all five at once.
 * Prints, per number: achieved ÷ limit (the sandbox's count of what it accepted per second),
 * 130429s, duplicates, wall time; and which worker ran which district. Goal: every number ≥ 0.97.
 *
 *   node dist/bench/districts-n8n.js [--districts 5] [--citizens 20000] [--limit 80] [--workers 2] [--concurrency 3]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createBroadcast, startBroadcast } from '../core/broadcast';
import { repoRoot } from '../cli/n8n';
import { createDistrict } from '../core/districts';
import { arg, log, machine, n8nScripts, sb, TEMPLATES, TOKEN, benchMain, n8nWorld } from './harness';

const DISTRICTS = Number(arg('districts', '5'));
const CITIZENS = Number(arg('citizens', '20000'));
const LIMIT = Number(arg('limit', '80'));
const WORKERS = Number(arg('workers', '2'));
const CONCURRENCY = Number(arg('concurrency', '3'));
const CODES = ['RPR', 'DRG', 'BSP', 'KRB', 'RGH', 'BLD', 'JSP', 'SRG'];
const REDIS = { host: process.env.MITAN_REDIS_HOST ?? '127.0.0.1', port: Number(process.env.MITAN_REDIS_PORT ?? 6379) };

const phoneId = (k: number): string => String(100000000000100 + k);

async function main(): Promise<Record<string, unknown>> {
	const out: Record<string, unknown> = {
		machine: machine(),
		params: { districts: DISTRICTS, citizens: CITIZENS, limit: LIMIT, workers: WORKERS, concurrency: CONCURRENCY },
	};
	const { run, credentials } = n8nScripts();
	const world = await n8nWorld('d', { queue: { ...REDIS, prefix: `mitan-bench-${process.pid}` } });
	const { sandbox, mitanDb, n8n, n8nSql, tmp } = world;
	try {
		await sb(sandbox.url, 'POST', '/_sandbox/reset');
		await sb(sandbox.url, 'PATCH', '/_sandbox/config', {
			whatsapp: {
				messagingTier: 'TIER_100K',
				phoneNumbers: Array.from({ length: DISTRICTS }, (_, k) => ({
					id: phoneId(k + 1),
					displayPhoneNumber: `+91 70000 001${String(k + 1).padStart(2, '0')}`,
					verifiedName: `${CODES[k]} Police`,
					qualityRating: 'GREEN',
					throughputPerSecond: LIMIT,
				})),
			},
		});
		const db = mitanDb.db;
		const districts: Awaited<ReturnType<typeof createDistrict>>[] = [];
		for (let k = 1; k <= DISTRICTS; k++) {
			const d = await createDistrict(
				db,
				{ code: CODES[k - 1], name: `Bench ${CODES[k - 1]}`, nameHi: `बेंच ${CODES[k - 1]}`, waPhoneNumberId: phoneId(k) },
				{ actor: 'bench' },
			);
			// Each district's citizens are its own numbers: +91 7 0k0 00000i.
			await db.query(
				`INSERT INTO subscribers (district_id, phone, language, police_station, status, consent_source, consent_at)
         SELECT $1, '+91' || (7000000000 + $2::bigint * 1000000 + i)::text, CASE WHEN i % 2 = 1 THEN 'hi' ELSE 'en' END,
                'Thana ' || (1 + i % 3), 'active', 'camp', now() FROM generate_series(1, $3::int) AS i`,
				[d.id, k, CITIZENS],
			);
			districts.push(d);
		}
		await db.query('ANALYZE subscribers');
		const { tarball } = run.packRepo(repoRoot(), tmp);
		run.installPackage(n8n.userFolder, tarball);
		const base = credentials.sandboxCredentials({ dbUrl: mitanDb.url, sandboxUrl: sandbox.url });
		const wa = base.find((c) => c.type === 'mitanWhatsAppApi')!;
		const dbCred = base.find((c) => c.type === 'mitanDatabaseApi')!;
		const waCreds = districts.map((d, i) => ({
			...wa,
			id: `BenchWa${d.code}`.padEnd(16, '0'),
			name: `WhatsApp ${d.code}`,
			data: { ...wa.data, accessToken: TOKEN, phoneNumberId: phoneId(i + 1) },
		}));
		await n8n.importCredentials([dbCred, ...waCreds]);
		const wfId = (code: string) => `BenchDistrict${code}`.padEnd(16, '0');
		await n8n.importWorkflows(
			districts.map((d, i) => ({
				id: wfId(d.code),
				name: `bench: ${d.code} at 10:00`,
				active: false,
				settings: { executionOrder: 'v1', timezone: 'Asia/Kolkata' },
				nodes: [
					{
						id: `${d.code}-h`,
						name: 'Start',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						position: [0, 0],
						webhookId: `bench-${d.code}`,
						parameters: { httpMethod: 'POST', path: `bench-${d.code}`, responseMode: 'onReceived', options: {} },
					},
					{
						id: `${d.code}-s`,
						name: 'Mitan Broadcast',
						type: `${run.PACKAGE_NAME}.mitanBroadcast`,
						typeVersion: 1,
						position: [220, 0],
						credentials: {
							mitanDatabaseApi: { id: dbCred.id, name: dbCred.name },
							mitanWhatsAppApi: { id: waCreds[i].id, name: waCreds[i].name },
						},
						parameters: { operation: 'start', broadcastId: '={{ $json.body.broadcastId }}', mode: 'wait' },
					},
				],
				connections: { Start: { main: [[{ node: 'Mitan Broadcast', type: 'main', index: 0 }]] } },
			})),
		);
		await n8n.start();
		await Promise.all(Array.from({ length: WORKERS }, (_, i) => n8n.worker(`worker-${i + 1}`, { concurrency: CONCURRENCY })));
		for (const d of districts) await n8n.publish(wfId(d.code));
		const broadcasts: { id: number }[] = [];
		for (const [i, d] of districts.entries()) {
			const { broadcast } = await createBroadcast(db, {
				contentKey: `bench-${d.code}`,
				templates: TEMPLATES,
				rateLimitPerSecond: LIMIT,
				districtId: d.id,
				phoneNumberId: phoneId(i + 1),
				date: '2026-09-01',
			});
			await startBroadcast(db, broadcast.id);
			broadcasts.push(broadcast);
		}
		const t0 = Date.now();
		await Promise.all(
			districts.map(async (d, i) => {
				for (const until = Date.now() + 60_000; ;) {
					const r = await n8n.webhook(`bench-${d.code}`, { broadcastId: broadcasts[i].id });
					if (r.status === 200) return;
					if (r.status !== 404 || Date.now() > until) throw new Error(`bench-${d.code}: HTTP ${r.status} ${r.body}`);
					await run.sleep(300);
				}
			}),
		);
		const deadline = Date.now() + ((CITIZENS / LIMIT) * 3 + 300) * 1000;
		for (;;) {
			const rows = await n8nSql<{ status: string }[]>`SELECT status FROM execution_entity WHERE "workflowId" LIKE 'BenchDistrict%'`;
			if (rows.length >= DISTRICTS && rows.every((r) => ['success', 'error', 'crashed', 'canceled'].includes(r.status))) break;
			if (Date.now() > deadline) throw new Error(`executions not finished: ${JSON.stringify(rows)}`);
			await run.sleep(1000);
		}
		const wallSeconds = Math.round((Date.now() - t0) / 100) / 10;
		const stats = await sb(sandbox.url, 'GET', '/_sandbox/whatsapp/stats');
		const dup = await sb(sandbox.url, 'GET', '/_sandbox/whatsapp/duplicates');
		const execs = await n8nSql<{ workflowId: string; status: string; ms: number }[]>`
      SELECT "workflowId", status, (extract(epoch FROM "stoppedAt" - "startedAt") * 1000)::int AS ms FROM execution_entity WHERE "workflowId" LIKE 'BenchDistrict%'`;
		const perNumber = districts.map((d, i) => {
			const t = stats.throughput[phoneId(i + 1)] ?? {};
			const e = execs.find((x) => x.workflowId === wfId(d.code));
			return {
				district: d.code,
				phoneNumberId: phoneId(i + 1),
				citizens: CITIZENS,
				accepted: t.accepted,
				achievedPerSecond: t.achievedPerSecond,
				achievedOverLimit: Math.round((Number(t.achievedPerSecond) / LIMIT) * 1000) / 1000,
				peakPerSecond: t.peakPerSecond,
				rejected130429: t.rejected130429,
				executionStatus: e?.status,
				executionSeconds: e ? Math.round(e.ms / 100) / 10 : null,
			};
		});
		const logs = Array.from({ length: WORKERS }, (_, i) =>
			fs.readFileSync(path.join(n8n.userFolder, 'logs', `worker-${i + 1}.log`), 'utf8'),
		);
		out.result = {
			wallSeconds,
			duplicates: dup.extraMessages,
			perNumber,
			minAchievedOverLimit: Math.min(...perNumber.map((p) => p.achievedOverLimit)),
			jobsPerWorker: logs.map((l) => (l.match(/Worker started execution/g) ?? []).length),
		};
		log(JSON.stringify(out.result));
	} finally {
		await world.close();
	}
	return out;
}

benchMain(main);
