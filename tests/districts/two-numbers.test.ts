/**
 * One store, two districts, two WhatsApp numbers (issue 19 §1): their broadcasts run at once,
 * each paced on its own number's row (send_rate_limits keyed by phone number id) at its own
 * limit, and a pause or a Meta error on one never touches the other. Nothing here reads a clock:
 * "its own limit" is the rate on each number's pacing row, and "every citizen once, from their
 * district's number" is what the sandbox accepted. (The sandbox counts arrivals per second, which
 * a loaded machine can bunch into a stray 130429; that is retried and proves nothing either way, so
 * its count is not asserted; tests/broadcast/crash.test.ts measures the shared pace.) Numbers model established
 * districts (TIER_100K).
 */
import { broadcastStatus, createBroadcast, pauseBroadcast, runSender, startBroadcast, type BroadcastTemplates } from '../../core/broadcast';
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import type { Db } from '../../core/db';
import { createDistrict, type District } from '../../core/districts';
import { describeEachEngine } from '../helpers/db';
import { until } from '../helpers/wait';
import { call, PHONE_ID, WA_TOKEN, type Started } from '../sandbox/helpers';
import { acceptedByRecipient, deliveryCounts, seedRoster, startWaSandbox, TEMPLATES, waStats } from './../broadcast/helpers';

const PHONE_2 = '100000000000002';
const TOKEN_2 = 'sandbox-token-raipur';
// Meta's two levels: a standard number (80/s) and an upgraded one (1,000/s).
const LIMIT_1 = 80;
const LIMIT_2 = 1000;
const KBD_CITIZENS = 240;
const RPR_CITIZENS = 600;

let sb: Started;
beforeAll(async () => {
	sb = await startWaSandbox(LIMIT_1, 'TIER_100K');
});
afterAll(async () => {
	await sb.running.close();
});

async function configureNumbers(url: string): Promise<void> {
	await call(url, 'POST', '/_sandbox/reset');
	// A failed test must not leave the next one with an expired token.
	for (const token of [WA_TOKEN, TOKEN_2]) await call(url, 'POST', '/_sandbox/tokens/renew', { body: { token } });
	const r = await call(url, 'PATCH', '/_sandbox/config', {
		body: {
			whatsapp: {
				accessTokens: [WA_TOKEN, TOKEN_2],
				phoneNumbers: [
					{
						id: PHONE_ID,
						displayPhoneNumber: '+91 70000 00001',
						verifiedName: 'Kabirdham Police',
						qualityRating: 'GREEN',
						throughputPerSecond: LIMIT_1,
					},
					{
						id: PHONE_2,
						displayPhoneNumber: '+91 70000 00002',
						verifiedName: 'Raipur Police',
						qualityRating: 'GREEN',
						throughputPerSecond: LIMIT_2,
					},
				],
			},
		},
	});
	if (r.status !== 200) throw new Error(`sandbox config: ${JSON.stringify(r.body)}`);
}

/** Raipur's citizens: +91 80000 0000i, so the two rosters never share a number. */
async function seedRaipur(db: Db, districtId: number, n: number): Promise<void> {
	await db.query(
		`INSERT INTO subscribers (district_id, phone, language, police_station, status, consent_source, consent_at)
     SELECT $1, '+91' || (8000000000 + i)::text, 'hi', 'Civil Lines', 'active', 'camp', now() FROM generate_series(1, $2::int) AS i
     ON CONFLICT (district_id, phone) DO NOTHING`,
		[districtId, n],
	);
}

const clientOf = (phoneNumberId: string, token: string) =>
	createWhatsAppClient({ accessToken: token, phoneNumberId, baseUrl: sb.url }, { timeoutMs: 30_000 });

let seq = 0;
async function twoBroadcasts(db: Db, raipur: District, templates: BroadcastTemplates = TEMPLATES) {
	const k = `two:${++seq}:${Date.now()}`;
	// Each pair on its own day: a citizen gets one awareness message a day (migration 115).
	const date = `2026-07-${String(seq).padStart(2, '0')}`;
	const a = await createBroadcast(db, {
		contentKey: k,
		templates,
		date,
		districtId: 1,
		phoneNumberId: PHONE_ID,
		rateLimitPerSecond: LIMIT_1,
	});
	const b = await createBroadcast(db, {
		contentKey: k,
		date,
		templates,
		districtId: raipur.id,
		phoneNumberId: PHONE_2,
		rateLimitPerSecond: LIMIT_2,
	});
	await startBroadcast(db, a.broadcast.id);
	await startBroadcast(db, b.broadcast.id);
	return { a: a.broadcast, b: b.broadcast };
}

const acceptedBy = async (phoneNumberId: string) => (await waStats(sb.url)).throughput[phoneNumberId];

describeEachEngine('two districts, two numbers, one store', (ctx) => {
	let raipur: District;
	beforeAll(async () => {
		raipur = await createDistrict(ctx.db, { code: 'RPR', name: 'Raipur', nameHi: 'रायपुर', waPhoneNumberId: PHONE_2 }, { actor: 'test' });
		await seedRoster(ctx.db, KBD_CITIZENS);
		await seedRaipur(ctx.db, raipur.id, RPR_CITIZENS);
	});
	beforeEach(async () => {
		await configureNumbers(sb.url);
	});

	test('both at once: each number paced on its own row at its own limit, every citizen once, from their district', async () => {
		const { a, b } = await twoBroadcasts(ctx.db, raipur);
		expect([a.targeted, b.targeted]).toEqual([KBD_CITIZENS, RPR_CITIZENS]);
		const [ca, cb] = [clientOf(PHONE_ID, WA_TOKEN), clientOf(PHONE_2, TOKEN_2)];
		const [ra, rb] = await Promise.all([runSender(ctx.db, ca, a.id), runSender(ctx.db, cb, b.id)]);
		ca.close();
		cb.close();
		expect([ra.outcome, rb.outcome]).toEqual(['completed', 'completed']);
		const rows = await ctx.db.query<{ key: string; rate_per_second: number }>(
			`SELECT key, rate_per_second::float8 AS rate_per_second FROM send_rate_limits WHERE key = ANY($1::text[]) ORDER BY key`,
			[[`whatsapp:${PHONE_ID}`, `whatsapp:${PHONE_2}`]],
		);
		expect(rows.map((r) => r.key)).toEqual([`whatsapp:${PHONE_ID}`, `whatsapp:${PHONE_2}`]);
		// Each row is at most its own number's limit: the other district's pace is not shared.
		expect(rows[0].rate_per_second).toBeLessThanOrEqual(LIMIT_1);
		expect(rows[1].rate_per_second).toBeLessThanOrEqual(LIMIT_2);
		expect(rows[1].rate_per_second).toBeGreaterThan(LIMIT_1);
		const [t1, t2] = [await acceptedBy(PHONE_ID), await acceptedBy(PHONE_2)];
		expect(t1).toMatchObject({ accepted: KBD_CITIZENS, limitPerSecond: LIMIT_1 });
		expect(t2).toMatchObject({ accepted: RPR_CITIZENS, limitPerSecond: LIMIT_2 });
		const once = await acceptedByRecipient(sb.url);
		expect(once.size).toBe(KBD_CITIZENS + RPR_CITIZENS);
		expect([...once.values()].every((n) => n === 1)).toBe(true);
		// Each district's citizens heard from their own district's number only.
		const msgs = (await call(sb.url, 'GET', '/_sandbox/whatsapp/messages?limit=10000')).body.data as {
			waId: string;
			phoneNumberId: string;
		}[];
		const from = (prefix: string) => new Set(msgs.filter((m) => m.waId.startsWith(prefix)).map((m) => m.phoneNumberId));
		expect([...from('918')]).toEqual([PHONE_2]);
		expect([...from('919')]).toEqual([PHONE_ID]);
	});

	test("a Meta error on one district's number (its token expired) stops that broadcast only; a pause stops only its own", async () => {
		const { a, b } = await twoBroadcasts(ctx.db, raipur);
		const [ca, cb] = [clientOf(PHONE_ID, WA_TOKEN), clientOf(PHONE_2, TOKEN_2)];
		const runA = runSender(ctx.db, ca, a.id, { heartbeatMs: 100 });
		const runB = runSender(ctx.db, cb, b.id, { heartbeatMs: 100 });
		await until(async () => (await deliveryCounts(ctx.db, a.id)).sent > 0 && (await deliveryCounts(ctx.db, b.id)).sent > 0, {
			what: 'both districts sending',
		});
		// Kabirdham's token expires (Meta's 190): Kabirdham's broadcast stops with the reason...
		await call(sb.url, 'POST', '/_sandbox/tokens/expire', { body: { token: WA_TOKEN } });
		const [ra, rb] = await Promise.all([runA, runB]);
		ca.close();
		cb.close();
		expect(ra.outcome).toBe('stopped');
		expect((await broadcastStatus(ctx.db, a.id)).stopCode).toBe('WHATSAPP_190_463');
		// ...and Raipur's, on its own number and token, finishes: everyone once, nothing refused.
		expect(rb.outcome).toBe('completed');
		expect(rb.progress).toMatchObject({ sent: b.targeted, failed: 0, inDoubt: 0 });
		expect(await acceptedBy(PHONE_2)).toMatchObject({ accepted: b.targeted });
		await call(sb.url, 'POST', '/_sandbox/tokens/renew', { body: { token: WA_TOKEN } });

		// Another pair: Kabirdham's broadcast is paused while Raipur's runs.
		await configureNumbers(sb.url);
		const next = await twoBroadcasts(ctx.db, raipur);
		const [ca2, cb2] = [clientOf(PHONE_ID, WA_TOKEN), clientOf(PHONE_2, TOKEN_2)];
		const runA2 = runSender(ctx.db, ca2, next.a.id, { heartbeatMs: 100 });
		const runB2 = runSender(ctx.db, cb2, next.b.id, { heartbeatMs: 100 });
		await until(async () => (await deliveryCounts(ctx.db, next.a.id)).sent >= 5, { what: "Kabirdham's first messages" });
		await pauseBroadcast(ctx.db, next.a.id, 'user:kbd-asp');
		const [ra2, rb2] = await Promise.all([runA2, runB2]);
		ca2.close();
		cb2.close();
		expect(ra2.outcome).toBe('paused');
		expect(rb2.outcome).toBe('completed');
		expect(rb2.progress).toMatchObject({ sent: next.b.targeted, failed: 0 });
		expect((await broadcastStatus(ctx.db, next.b.id)).status).toBe('completed');
	});
});
