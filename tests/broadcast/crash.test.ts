/**
 * Crash safety and shared work, with real processes on PostgreSQL (PGlite is one connection):
 * - kill -9 the sending process at ten random points, resume each time: every citizen got
 *   exactly one message or is counted in doubt, and none is missed;
 * - two senders on one broadcast: no citizen twice, both did work, one shared pace.
 */
import { createBroadcast, startBroadcast, resumeBroadcast, broadcastStatus } from '../../core/broadcast';
import { openPostgres, type Db } from '../../core/db';
import { migrate } from '../../core/db/migrate';
import { createPgDatabase } from '../helpers/db';
import { until } from '../helpers/wait';
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
let sb: Started;
let pg: { url: string; drop(): Promise<void> };
let db: Db;
const children: SpawnedSender[] = [];

beforeAll(async () => {
	// 5,000 citizens a day: an established number at the 100K tier.
	sb = await startWaSandbox(RATE, 'TIER_100K');
	pg = await createPgDatabase('mitan_crash');
	db = openPostgres({ url: pg.url, max: 4 });
	await migrate(db);
	await seedRoster(db, N);
});
afterAll(async () => {
	for (const c of children) await c.kill9();
	await db.close();
	await pg.drop();
	await sb.running.close();
});

function sender(broadcastId: number, options: Record<string, unknown> = {}): SpawnedSender {
	const s = spawnSender({ dbUrl: pg.url, baseUrl: sb.url, accessToken: WA_TOKEN, phoneNumberId: PHONE_ID, broadcastId, options });
	children.push(s);
	return s;
}

test('established number (TIER_100K): kill -9 at ten random points, resume each time: exactly once or in doubt, nobody missed', async () => {
	await resetSandbox(sb.url, RATE);
	const { broadcast } = await createBroadcast(db, {
		contentKey: 'crash-test',
		templates: TEMPLATES,
		rateLimitPerSecond: RATE,
		date: '2026-06-01',
	});
	expect(broadcast.targeted).toBe(N);
	await startBroadcast(db, broadcast.id);
	const rnd = prng(20260601);
	const kills: { killAfter: number; sentBefore: number; recovered: { released: number; inDoubt: number } }[] = [];
	for (let k = 0; k < 10; k++) {
		const s = sender(broadcast.id);
		await s.until((ev) => ev.some((e) => e.event === 'started'));
		// A random point of the run, counted in messages sent (not in milliseconds: a busy machine
		// would otherwise kill before the first send or after the last).
		const before = (await deliveryCounts(db, broadcast.id)).sent ?? 0;
		const killAfter = before + 5 + Math.floor(rnd() * ((N * 0.8) / 10));
		await until(async () => ((await deliveryCounts(db, broadcast.id)).sent ?? 0) >= killAfter, { what: `${killAfter} sent` });
		await s.kill9();
		expect(resultOf(s)).toBeUndefined(); // it really died mid-broadcast
		const { recovered } = await resumeBroadcast(db, broadcast.id); // "run the node again"
		kills.push({ killAfter, sentBefore: (await deliveryCounts(db, broadcast.id)).sent ?? 0, recovered });
	}
	const last = sender(broadcast.id);
	await last.until((ev) => ev.some((e) => e.event === 'result' || e.event === 'error'), 120_000);
	expect(last.events.find((e) => e.event === 'error')).toBeUndefined();
	await last.exited;

	const counts = await deliveryCounts(db, broadcast.id);
	const st = await broadcastStatus(db, broadcast.id);
	expect(st.status).toBe('completed');
	expect(counts.pending ?? 0).toBe(0);
	expect(counts.in_flight ?? 0).toBe(0);
	expect(counts.failed ?? 0).toBe(0);
	expect((counts.sent ?? 0) + (counts.in_doubt ?? 0)).toBe(N); // none missed
	// Every in-doubt row comes from a kill: the recoveries account for all of them, nobody else.
	expect(kills.reduce((n, k) => n + k.recovered.inDoubt, 0)).toBe(counts.in_doubt ?? 0);

	// The sandbox's own view: nobody twice, and every "sent" citizen got exactly one message.
	const dup = await call(sb.url, 'GET', '/_sandbox/whatsapp/duplicates');
	expect(dup.body.extraMessages).toBe(0);
	const got = await acceptedByRecipient(sb.url);
	const rows = await db.query<{ phone: string; state: string }>(
		`SELECT s.phone, d.state FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1`,
		[broadcast.id],
	);
	let inDoubtReceived = 0;
	for (const r of rows) {
		const n = got.get(r.phone.slice(1)) ?? 0;
		if (r.state === 'sent') expect([r.phone, n]).toEqual([r.phone, 1]);
		else {
			expect(r.state).toBe('in_doubt');
			expect(n).toBeLessThanOrEqual(1);
			inDoubtReceived += n;
		}
	}
	expect(got.size).toBe((counts.sent ?? 0) + inDoubtReceived);
	console.log(
		JSON.stringify({
			crashTest: {
				recipients: N,
				kills: kills.length,
				sent: counts.sent,
				inDoubt: counts.in_doubt ?? 0,
				inDoubtActuallyReceived: inDoubtReceived,
			},
		}),
	);
});

test('established number (TIER_100K): two senders on one broadcast: no citizen twice, both worked, one shared pace (no clock second over the limit)', async () => {
	await resetSandbox(sb.url, RATE);
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
	// the number's pace; a pace per worker would issue about twice it. A slot may fire up to
	// MAX_LATE_MS late, and retries of a 130429 take slots too.
	const perSecond = new Map<string, number>();
	for (const s of [a, b])
		for (const [sec, n] of Object.entries(resultOf(s)!.sendsPerSecond as Record<string, number>))
			perSecond.set(sec, (perSecond.get(sec) ?? 0) + n);
	const peakIssued = Math.max(...perSecond.values());
	expect(peakIssued).toBeLessThanOrEqual(pace * 1.15);
	expect(t.peakPerSecond).toBeLessThanOrEqual(RATE);
	console.log(
		JSON.stringify({
			twoSenders: { a: ra.requests, b: rb.requests, peakIssued, rejected130429: t.rejected130429, achievedPerSecond: t.achievedPerSecond },
		}),
	);
});
