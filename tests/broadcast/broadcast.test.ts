/**
 * The broadcast end to end on both engines, against the sandbox over real sockets: creation
 * (snapshot, idempotency, bad input), a full paced run, a STOP mid-broadcast, token expiry
 * mid-run and resume, a wrong template, pause / cancel, and the pair limit (131056).
 */
import {
	cancelBroadcast,
	createBroadcast,
	pauseBroadcast,
	resumeBroadcast,
	runSender,
	startBroadcast,
	broadcastStatus,
} from '../../core/broadcast';
import { RosterService } from '../../core/roster';
import { WhatsAppApiError } from '../../core/channels/whatsapp/errors';
import { describeEachEngine } from '../helpers/db';
import { until } from '../helpers/wait';
import { call, WA_TOKEN } from '../sandbox/helpers';
import {
	acceptedByRecipient,
	deliveryCounts,
	resetSandbox,
	seedRoster,
	setThroughput,
	startWaSandbox,
	TEMPLATES,
	waClient,
} from './helpers';
import type { Started } from '../sandbox/helpers';

const RATE = 1000;
let sb: Started;
beforeAll(async () => {
	// 600 citizens a day: an established number at the 100K tier.
	sb = await startWaSandbox(RATE, 'TIER_100K');
});
afterAll(async () => {
	await sb.running.close();
});

let seq = 0;
const key = () => `test:${++seq}:${Date.now()}`;
// Each test's broadcast is a day of its own: a citizen gets one awareness message a day (migration 115).
let days = 0;
const day = () => new Date(Date.UTC(2027, 0, 1) + ++days * 86_400_000).toISOString().slice(0, 10);

describeEachEngine('broadcast, on an established number (sandbox tier TIER_100K; the tier itself: tier.test.ts)', (ctx) => {
	beforeAll(async () => {
		await seedRoster(ctx.db, 600);
	});
	beforeEach(async () => {
		await resetSandbox(sb.url, RATE);
	});

	test('creation snapshots eligible citizens once; the same key twice is one broadcast', async () => {
		const roster = new RosterService(ctx.db);
		await roster.upsert({ phone: '9811111101', consentSource: 'camp', policeStation: 'Lohara' }, { actor: 'test' });
		await roster.upsert({ phone: '9811111102', consentSource: 'camp', policeStation: 'Lohara' }, { actor: 'test' });
		await roster.upsert({ phone: '9811111103', consentSource: 'camp', policeStation: 'Lohara' }, { actor: 'test' });
		await roster.optOut('9811111102', 'STOP', { actor: 'citizen' });
		await ctx.db.query(`INSERT INTO subscribers (phone, police_station, consent_source) VALUES ('+919811111104', 'Lohara', NULL)`);
		const k = key();
		const a = await createBroadcast(ctx.db, {
			contentKey: k,
			templates: TEMPLATES,
			segment: { policeStation: 'Lohara' },
			date: '2026-05-01',
		});
		const b = await createBroadcast(ctx.db, {
			contentKey: k,
			templates: TEMPLATES,
			segment: { policeStation: ' Lohara ' },
			date: '2026-05-01',
		});
		expect(a.created).toBe(true);
		expect(b.created).toBe(false);
		expect(b.broadcast.id).toBe(a.broadcast.id);
		expect(a.broadcast.targeted).toBe(2); // opted out and unconsented citizens are not in it
		// An overlapping segment of the same content and day does not message them again.
		const all = await createBroadcast(ctx.db, { contentKey: k, templates: TEMPLATES, date: '2026-05-01' });
		const [r] = await ctx.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1 AND s.police_station = 'Lohara'`,
			[all.broadcast.id],
		);
		expect(r.n).toBe(0);
		await cancelBroadcast(ctx.db, all.broadcast.id);
		await cancelBroadcast(ctx.db, a.broadcast.id);
	});

	test('bad input is refused naming the field, and writes nothing', async () => {
		const before = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM broadcasts`);
		const cases: [Record<string, unknown>, RegExp][] = [
			[{ templates: {} }, /templates: at least one/],
			[{ templates: { hi: { name: 'Daily Awareness' } } }, /templates\.hi\.name/],
			[{ templates: { fr: { name: 'x' } } }, /templates\.fr/],
			[{ templates: { hi: { name: 'x', params: [''] }, en: { name: 'x' } } }, /templates\.hi\.params\[0\]/],
			[{ templates: { hi: { name: 'x', language: 'hi-IN' } } }, /templates\.hi\.language/],
			[{ templates: { hi: { name: 'daily_awareness' } } }, /no template for "en"/],
			[{ templates: TEMPLATES, date: '2026-02-30' }, /date/],
			[{ templates: TEMPLATES, segment: { station: 'x' } }, /segment\.station/],
			[{ templates: TEMPLATES, rateLimitPerSecond: 0 }, /rateLimitPerSecond/],
			[{ templates: TEMPLATES, pacingFactor: 1.5 }, /pacingFactor/],
			[{ templates: TEMPLATES, contentId: 999999 }, /contentId: no content/],
		];
		for (const [input, re] of cases) {
			await expect(createBroadcast(ctx.db, { contentKey: key(), ...(input as object) } as never)).rejects.toMatchObject({
				action: 'fix_input',
				message: expect.stringMatching(re),
			});
		}
		await expect(createBroadcast(ctx.db, { templates: TEMPLATES })).rejects.toThrow(/contentKey/);
		const after = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM broadcasts`);
		expect(after[0].n).toBe(before[0].n);
		await expect(runSender(ctx.db, waClient(sb.url), 987654)).rejects.toMatchObject({ code: 'BROADCAST_NOT_FOUND' });
	});

	test('a full run: every citizen once, in their language, wamids stored, progress reported', async () => {
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			date: day(),
			templates: TEMPLATES,
			segment: { policeStation: 'Bodla' },
			rateLimitPerSecond: RATE,
		});
		await expect(runSender(ctx.db, waClient(sb.url), broadcast.id)).rejects.toMatchObject({ code: 'BROADCAST_NOT_RUNNING' });
		await startBroadcast(ctx.db, broadcast.id);
		const client = waClient(sb.url);
		const res = await runSender(ctx.db, client, broadcast.id);
		client.close();
		expect(res.outcome).toBe('completed');
		expect(res.progress).toMatchObject({
			status: 'completed',
			sent: broadcast.targeted,
			remaining: 0,
			inDoubt: 0,
			failed: 0,
			etaSeconds: null,
		});
		const got = await acceptedByRecipient(sb.url);
		expect(got.size).toBe(broadcast.targeted);
		expect([...got.values()].every((n) => n === 1)).toBe(true);
		const rows = await ctx.db.query<{ wamid: string | null; language: string; phone: string }>(
			`SELECT d.wamid, d.language, s.phone FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1`,
			[broadcast.id],
		);
		expect(rows.every((r) => r.wamid && r.wamid.startsWith('wamid.'))).toBe(true);
		const hi = rows.find((r) => r.language === 'hi')!;
		const msg = await call(sb.url, 'GET', `/_sandbox/whatsapp/messages?to=${hi.phone.slice(1)}`);
		expect(msg.body.data[0]).toMatchObject({ language: 'hi', params: TEMPLATES.hi!.params });
		// Running it again finds nothing to do and sends nothing.
		await expect(resumeBroadcast(ctx.db, broadcast.id)).resolves.toMatchObject({ broadcast: { status: 'completed' } });
		// Starting it again (the daily workflow re-run) is a no-op, not a loop.
		await expect(startBroadcast(ctx.db, broadcast.id)).resolves.toMatchObject({ status: 'completed' });
	});

	test('a cancelled broadcast cannot be started', async () => {
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			date: day(),
			templates: TEMPLATES,
			segment: { policeStation: 'Bodla' },
			rateLimitPerSecond: RATE,
		});
		await cancelBroadcast(ctx.db, broadcast.id);
		await expect(startBroadcast(ctx.db, broadcast.id)).rejects.toMatchObject({
			code: 'BROADCAST_BAD_STATE',
			message: expect.stringMatching(/cancelled/),
		});
	});

	test('a STOP that lands mid-broadcast is honoured for the rest of it', async () => {
		// A standard number (80/s, read from Meta before the run), so the STOP lands mid-broadcast.
		await setThroughput(sb.url, 80);
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			date: day(),
			templates: TEMPLATES,
			segment: { policeStation: 'Kawardha' },
			rateLimitPerSecond: 100,
			pacingFactor: 1,
		});
		await startBroadcast(ctx.db, broadcast.id);
		const [last] = await ctx.db.query<{ phone: string }>(
			`SELECT s.phone FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1 ORDER BY d.fair_rank DESC, d.id DESC LIMIT 1`,
			[broadcast.id],
		);
		const roster = new RosterService(ctx.db);
		const client = waClient(sb.url);
		const run = runSender(ctx.db, client, broadcast.id);
		await until(async () => (await deliveryCounts(ctx.db, broadcast.id)).sent >= 10, { what: 'the first 10 messages' });
		await roster.optOut(last.phone, 'STOP', { actor: 'citizen', source: 'whatsapp' });
		const res = await run;
		client.close();
		expect(res.outcome).toBe('completed');
		const got = await acceptedByRecipient(sb.url);
		expect(got.get(last.phone.slice(1))).toBeUndefined();
		const [d] = await ctx.db.query<{ state: string }>(
			`SELECT d.state FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.phone = $1 AND d.broadcast_id = $2`,
			[last.phone, broadcast.id],
		);
		expect(d.state).toBe('skipped');
		expect(res.progress.skipped).toBe(1);
		expect(res.progress.sent).toBe(broadcast.targeted - 1);
	});

	test('token expiry (190) mid-run: stopped with the reason, nobody written off; resume finishes the rest', async () => {
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			date: day(),
			templates: TEMPLATES,
			segment: { policeStation: 'Pandariya' },
			rateLimitPerSecond: 200,
		});
		await startBroadcast(ctx.db, broadcast.id);
		const client = waClient(sb.url);
		const run = runSender(ctx.db, client, broadcast.id);
		// Expire the token once some messages are out (not after a fixed sleep: a busy machine starts late).
		await until(async () => (await deliveryCounts(ctx.db, broadcast.id)).sent > 0, { what: 'the first message' });
		await call(sb.url, 'POST', '/_sandbox/tokens/expire', { body: { token: WA_TOKEN } });
		const res = await run;
		expect(res.outcome).toBe('stopped');
		const st = await broadcastStatus(ctx.db, broadcast.id);
		expect(st.status).toBe('stopped');
		expect(st.stopCode).toBe('WHATSAPP_190_463'); // Meta's code and subcode: the token expired
		expect(st.stopReason).toMatch(/access token/);
		expect(st.stopReason).toMatch(/टोकन/);
		expect(st.failed).toBe(0);
		expect(st.inDoubt).toBe(0);
		expect(st.sent).toBeGreaterThan(0);
		expect(st.pending).toBe(broadcast.targeted - st.sent);
		// The operator replaces the token (here: the sandbox renews it) and resumes.
		await call(sb.url, 'POST', '/_sandbox/tokens/renew', { body: { token: WA_TOKEN } });
		await resumeBroadcast(ctx.db, broadcast.id);
		const again = await runSender(ctx.db, client, broadcast.id);
		client.close();
		expect(again.outcome).toBe('completed');
		expect(again.progress).toMatchObject({ sent: broadcast.targeted, failed: 0, inDoubt: 0 });
		const got = await acceptedByRecipient(sb.url);
		expect(got.size).toBe(broadcast.targeted);
		expect([...got.values()].every((n) => n === 1)).toBe(true);
	});

	test('a template WhatsApp does not know stops the campaign (fix content) without writing anyone off', async () => {
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			date: day(),
			segment: { policeStation: 'Bodla', language: 'en' },
			rateLimitPerSecond: RATE,
			templates: { en: { name: 'no_such_template', params: ['x'] } },
		});
		await startBroadcast(ctx.db, broadcast.id);
		const client = waClient(sb.url);
		const res = await runSender(ctx.db, client, broadcast.id);
		client.close();
		expect(res.outcome).toBe('stopped');
		expect(res.stop).toMatchObject({ action: 'fix_content', code: 'WHATSAPP_132001' });
		const counts = await deliveryCounts(ctx.db, broadcast.id);
		expect(counts).toEqual({ pending: broadcast.targeted });
		await cancelBroadcast(ctx.db, broadcast.id);
		expect(await deliveryCounts(ctx.db, broadcast.id)).toEqual({ skipped: broadcast.targeted });
	});

	test('pause stops the workers at their next heartbeat; resume continues', async () => {
		// A standard number (80/s, read from Meta before the run), so the pause lands mid-broadcast.
		await setThroughput(sb.url, 80);
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			date: day(),
			templates: TEMPLATES,
			segment: { policeStation: 'Kawardha', language: 'hi' },
			rateLimitPerSecond: 100,
		});
		await startBroadcast(ctx.db, broadcast.id);
		const client = waClient(sb.url);
		const run = runSender(ctx.db, client, broadcast.id, { heartbeatMs: 100 });
		await until(async () => (await deliveryCounts(ctx.db, broadcast.id)).sent >= 5, { what: 'the first 5 messages' });
		await pauseBroadcast(ctx.db, broadcast.id, 'user:asha');
		const res = await run;
		expect(res.outcome).toBe('paused');
		const st = await broadcastStatus(ctx.db, broadcast.id);
		expect(st).toMatchObject({ status: 'paused', inFlight: 0, inDoubt: 0 });
		expect(st.pending).toBeGreaterThan(0);
		await expect(startBroadcast(ctx.db, broadcast.id)).rejects.toMatchObject({ code: 'BROADCAST_BAD_STATE' });
		await resumeBroadcast(ctx.db, broadcast.id);
		const done = await runSender(ctx.db, client, broadcast.id);
		client.close();
		expect(done.progress).toMatchObject({ status: 'completed', sent: broadcast.targeted });
	});

	test('131056: only that citizen waits its 6 s; the rest go on; 131026 / 131050 drop the citizen and mark the roster', async () => {
		const { broadcast } = await createBroadcast(ctx.db, {
			contentKey: key(),
			date: day(),
			templates: TEMPLATES,
			segment: { policeStation: 'Pandariya', language: 'en' },
			rateLimitPerSecond: RATE,
		});
		await startBroadcast(ctx.db, broadcast.id);
		const rows = await ctx.db.query<{ phone: string; id: number }>(
			`SELECT s.phone, s.id FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.broadcast_id = $1 ORDER BY d.id`,
			[broadcast.id],
		);
		const [busy, invalid, stopped] = [rows[0], rows[1], rows[2]];
		const real = waClient(sb.url);
		// The citizen got another message from the number a moment ago: the pair limit answers 131056.
		await real.sendTemplate(busy.phone, { name: 'complaint_ack', language: 'en', bodyParams: ['KBD-2026-000001'] });
		// Meta's answers for a number not on WhatsApp and for a citizen who stopped marketing
		// (the sandbox gives these asynchronously; here the client answers them synchronously).
		const client = {
			phoneNumberId: real.phoneNumberId,
			sendText: real.sendText.bind(real),
			sendTemplate: async (to: string, t: Parameters<typeof real.sendTemplate>[1]) => {
				if (to === invalid.phone) throw new WhatsAppApiError({ httpStatus: 400, metaCode: 131026 }, 'POST messages');
				if (to === stopped.phone) throw new WhatsAppApiError({ httpStatus: 400, metaCode: 131050 }, 'POST messages');
				return real.sendTemplate(to, t);
			},
		};
		const res = await runSender(ctx.db, client, broadcast.id);
		real.close();
		expect(res.outcome).toBe('completed');
		expect(res.progress).toMatchObject({ sent: broadcast.targeted - 2, failed: 2, failedByClass: { drop_recipient: 2 }, inDoubt: 0 });
		const [b] = await ctx.db.query<{ attempts: number; sent_at: Date; state: string }>(
			`SELECT attempts, sent_at, state FROM deliveries WHERE broadcast_id = $1 AND subscriber_id = $2`,
			[broadcast.id, busy.id],
		);
		expect(b.state).toBe('sent');
		expect(b.attempts).toBe(2);
		const [others] = await ctx.db.query<{ last: Date }>(
			`SELECT max(sent_at) AS last FROM deliveries WHERE broadcast_id = $1 AND subscriber_id <> $2 AND state = 'sent'`,
			[broadcast.id, busy.id],
		);
		expect(b.sent_at.getTime()).toBeGreaterThan(others.last.getTime()); // everyone else finished first
		const roster = new RosterService(ctx.db);
		expect((await roster.getByPhone(invalid.phone))!.status).toBe('invalid');
		expect((await roster.getByPhone(stopped.phone))!.status).toBe('opted_out');
	});
});
