/**
 * Crash safety and shared work, with real processes on PostgreSQL (PGlite is one connection):
 * - kill -9 the sending process at ten random points, resume each time; the sandbox delivers its
 *   status webhooks (with Meta's duplicates and reordering) to a real gateway on a socket, as in
 *   production: after settling, every citizen received exactly one message, nobody is missed
 *   and nobody is left in doubt (core/broadcast/settle.ts);
 * - two senders on one broadcast: no citizen twice, both did work, one shared pace.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBroadcast, startBroadcast, resumeBroadcast, broadcastStatus } from '../../core/broadcast';
import { openPostgres, type Db } from '../../core/db';
import { migrate } from '../../core/db/migrate';
import { districtTimeZone } from '../../core/districts';
import { todayIn } from '../../core/time';
import type { GatewayRouter } from '../../dashboard/gateway';
import { createPgDatabase } from '../helpers/db';
import { until } from '../helpers/wait';
import { gatewayApp, gatewayEnv } from '../gateway/helpers';
import { call, type Started } from '../sandbox/helpers';
import {
	acceptedByRecipient,
	deliveryCounts,
	PHONE_ID,
	seedRoster,
	startWaSandbox,
	TEMPLATES,
	WA_TOKEN,
	waStats,
	resetSandbox,
} from './helpers';
import { resultOf, spawnSender, type SpawnedSender } from './spawn-sender';
import { mulberry32 as prng } from '../../sandbox/prng';

const N = 5000;
const RATE = 1000;
/**
 * The quiet window before a silent in-doubt row is resent. A setting, not a relaxation: the
 * sandbox's webhooks come within a second or two here, as Meta's do within minutes.
 */
const QUIET_MS = 10_000;
let sb: Started;
let pg: { url: string; drop(): Promise<void> };
let db: Db;
let gatewayDb: Db;
let server: http.Server;
let router: GatewayRouter;
const children: SpawnedSender[] = [];

beforeAll(async () => {
	// 5,000 citizens a day: an established number at the 100K tier.
	sb = await startWaSandbox(RATE, 'TIER_100K');
	pg = await createPgDatabase('mitan_crash');
	db = openPostgres({ url: pg.url, max: 4 });
	await migrate(db);
	await seedRoster(db, N);
	// The gateway, in its own pool as in production, receiving the sandbox's signed webhooks.
	gatewayDb = openPostgres({ url: pg.url, max: 4 });
	const built = gatewayApp(gatewayDb, { env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: WA_TOKEN, GRAPH_BASE_URL: sb.url }) });
	router = built.router;
	server = http.createServer(built.app);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
	for (const c of children) await c.kill9();
	await sb.running.close(); // no more webhooks
	await router.gateway.close();
	server.closeAllConnections();
	await new Promise<void>((r) => server.close(() => r()));
	await gatewayDb.close();
	await db.close();
	await pg.drop();
});

function sender(broadcastId: number, options: Record<string, unknown> = {}): SpawnedSender {
	const s = spawnSender({ dbUrl: pg.url, baseUrl: sb.url, accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, broadcastId, options });
	children.push(s);
	return s;
}

/** Sandbox webhooks to the gateway, with Meta's at-least-once duplicates and reordering. */
async function webhooksToGateway(): Promise<void> {
	const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
	const r = await call(sb.url, 'PATCH', '/_sandbox/config', {
		body: { webhook: { callbackUrl, duplicateRate: 0.05, reorderRate: 0.05, reorderDelayMs: 200 } },
	});
	if (r.status !== 200) throw new Error(`sandbox webhook config: ${JSON.stringify(r.body)}`);
}

/** Accepted by WhatsApp, whatever the webhooks have moved it to since. */
const accepted = (c: Record<string, number>) => (c.sent ?? 0) + (c.delivered ?? 0) + (c.read ?? 0);

test('established number (TIER_100K): kill -9 at ten random points, resume each time: after settling every citizen got exactly one message, nobody missed, nobody in doubt', async () => {
	await resetSandbox(sb.url, RATE);
	await webhooksToGateway();
	// Today in the district's zone: an in-doubt row is resent on the broadcast's own day only.
	const today = todayIn(await districtTimeZone(db, 1));
	const { broadcast } = await createBroadcast(db, {
		contentKey: 'crash-test',
		templates: TEMPLATES,
		rateLimitPerSecond: RATE,
		date: today,
	});
	expect(broadcast.targeted).toBe(N);
	await startBroadcast(db, broadcast.id);
	const rnd = prng(20260601);
	const kills: { killAfter: number; sentBefore: number; recovered: { released: number; inDoubt: number } }[] = [];
	for (let k = 0; k < 10; k++) {
		const s = sender(broadcast.id, { inDoubtQuietMs: QUIET_MS });
		await s.until((ev) => ev.some((e) => e.event === 'started'));
		// A random point of the run, counted in messages sent (not in milliseconds: a busy machine
		// would otherwise kill before the first send or after the last).
		const before = accepted(await deliveryCounts(db, broadcast.id));
		const killAfter = before + 5 + Math.floor(rnd() * ((N * 0.8) / 10));
		await until(async () => accepted(await deliveryCounts(db, broadcast.id)) >= killAfter, { what: `${killAfter} sent` });
		await s.kill9();
		expect(resultOf(s)).toBeUndefined(); // it really died mid-broadcast
		const { recovered } = await resumeBroadcast(db, broadcast.id); // "run the node again"
		kills.push({ killAfter, sentBefore: accepted(await deliveryCounts(db, broadcast.id)), recovered });
	}
	const inDoubtAfterKills = kills.reduce((n, k) => n + k.recovered.inDoubt, 0);
	expect(inDoubtAfterKills).toBeGreaterThan(0); // the kills did leave requests in the air
	// The settle rule assumes Meta's webhooks arrive within the quiet window (15 minutes by
	// default). A loaded CI machine can leave the sandbox's webhook queue more than the test's
	// 10 s behind, so the statuses already in the air are delivered before the last run: a row
	// then resent is one whose request never reached the sandbox (its kill came first).
	const inAir = await call(sb.url, 'POST', '/_sandbox/webhooks/drain?timeoutMs=60000');
	expect(inAir.status).toBe(200);
	await router.gateway.idle();
	const last = sender(broadcast.id, { inDoubtQuietMs: QUIET_MS });
	await last.until((ev) => ev.some((e) => e.event === 'result' || e.event === 'error'), 180_000);
	expect(last.events.find((e) => e.event === 'error')).toBeUndefined();
	await last.exited;
	const drained = await call(sb.url, 'POST', '/_sandbox/webhooks/drain?timeoutMs=30000');
	expect(drained.status).toBe(200);
	await router.gateway.idle();

	const counts = await deliveryCounts(db, broadcast.id);
	const st = await broadcastStatus(db, broadcast.id);
	expect(st.status).toBe('completed');
	expect(counts.pending ?? 0).toBe(0);
	expect(counts.in_flight ?? 0).toBe(0);
	expect(counts.failed ?? 0).toBe(0);
	expect(counts.in_doubt ?? 0).toBe(0); // nobody left in doubt
	expect(accepted(counts)).toBe(N); // none missed
	const [{ resent }] = await db.query<{ resent: number }>(
		`SELECT count(*)::int AS resent FROM deliveries WHERE broadcast_id = $1 AND doubt_resent_at IS NOT NULL`,
		[broadcast.id],
	);

	// Most in-doubt rows had in fact been accepted: their status webhooks (callback data) settled
	// them; only the silent rest was resent.
	expect(inDoubtAfterKills - Number(resent)).toBeGreaterThan(0);

	// The sandbox's own view: every citizen received exactly one message, nobody twice.
	const dup = await call(sb.url, 'GET', '/_sandbox/whatsapp/duplicates');
	expect(dup.body.extraMessages).toBe(0);
	const got = await acceptedByRecipient(sb.url);
	const rows = await db.query<{ phone: string; wamid: string | null }>(
		`SELECT s.phone, d.wamid FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1`,
		[broadcast.id],
	);
	const wrong = rows.filter((r) => (got.get(r.phone.slice(1)) ?? 0) !== 1 || !r.wamid);
	expect(wrong).toEqual([]);
	expect(got.size).toBe(N);
	console.log(
		JSON.stringify({
			crashTest: {
				recipients: N,
				kills: kills.length,
				inDoubtAfterKills,
				settledByStatus: inDoubtAfterKills - Number(resent),
				resentAfterQuietWindow: Number(resent),
				duplicates: dup.body.extraMessages,
				missed: N - got.size,
				leftInDoubt: counts.in_doubt ?? 0,
			},
		}),
	);
}, 300_000);

test('established number (TIER_100K): two senders on one broadcast: no citizen twice, both worked, one shared pace (no clock second over the limit)', async () => {
	await resetSandbox(sb.url, RATE);
	await db.query(`DELETE FROM status_events`);
	await db.query(`DELETE FROM deliveries`); // a fresh day for the same citizens
	await db.query(`DELETE FROM broadcast_workers`);
	await db.query(`DELETE FROM broadcasts`);
	// The start replaces the operator's rate with the throughput Meta reports for the number (tier.ts),
	// so the pair must share that one pace: a pace per worker would issue twice the limit.
	const pace = RATE;
	const { broadcast } = await createBroadcast(db, {
		contentKey: 'two-senders',
		templates: TEMPLATES,
		rateLimitPerSecond: pace,
		pacingFactor: 1,
		date: '2026-06-02',
	});
	await startBroadcast(db, broadcast.id);
	const a = sender(broadcast.id);
	const b = sender(broadcast.id);
	await Promise.all([a, b].map((s) => s.until((ev) => ev.some((e) => e.event === 'result' || e.event === 'error'), 120_000)));
	const ra = resultOf(a)!.result;
	const rb = resultOf(b)!.result;
	expect(ra.requests).toBeGreaterThan(0);
	expect(rb.requests).toBeGreaterThan(0);
	expect(ra.sent + rb.sent).toBe(N);
	const dup = await call(sb.url, 'GET', '/_sandbox/whatsapp/duplicates');
	expect(dup.body.extraMessages).toBe(0);
	const got = await acceptedByRecipient(sb.url);
	expect(got.size).toBe(N);
	const t = (await waStats(sb.url)).throughput[PHONE_ID];
	expect(t.accepted).toBe(N);
	// One shared pace, measured where the senders issued their requests (the sandbox counts arrivals,
	// which a loaded machine bunches up, and answers those with 130429, retried): together they keep
	// the number's pace; a pace per worker would issue about twice it. A sender stalled past
	// MAX_LATE_MS takes fresh slots (it no longer moves its reserved ones onto the other's). What is
	// left (docs/benchmarks.md): each sender maps the database's clock onto its own at the middle of
	// a reservation's round trip, which a loaded machine makes long; the bound sits between that and
	// a pace per worker.
	const perSecond = new Map<string, number>();
	for (const s of [a, b])
		for (const [sec, n] of Object.entries(resultOf(s)!.sendsPerSecond as Record<string, number>))
			perSecond.set(sec, (perSecond.get(sec) ?? 0) + n);
	const peakIssued = Math.max(...perSecond.values());
	expect(peakIssued).toBeLessThanOrEqual(pace * 1.5);
	expect(t.peakPerSecond).toBeLessThanOrEqual(RATE);
	console.log(
		JSON.stringify({
			twoSenders: { a: ra.requests, b: rb.requests, peakIssued, rejected130429: t.rejected130429, achievedPerSecond: t.achievedPerSecond },
		}),
	);
});
