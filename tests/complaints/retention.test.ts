import type { Db } from '../../core/db';
import { generateDemo } from '../../core/demo/generate';
import { refreshRollups } from '../../core/metrics/refresh';
import { checkRetentionDays, runRetention } from '../../core/retention';
import { resolveConfig } from '../../core/config';
import { MitanError } from '../../core/errors';
import { describeEachEngine } from '../helpers/db';
import { envelope, preferenceBody, seedBroadcast, webhookSuite } from '../gateway/helpers';
import { searchEverywhere, wamidOf } from '../integration/erasure-helpers';

/**
 * Retention (issue 17 §3): raw status events, inbound messages and media bytes older than the
 * period lose what identifies a person (the same columns an erasure clears, searched for in every
 * column of every table); every rollup counts exactly the same before and after.
 */
const ROLLUPS = ['rollup_whatsapp_daily', 'rollup_complaints_daily', 'rollup_broadcast_daily', 'rollup_social_daily'];

async function snapshot(db: Db): Promise<Record<string, string[]>> {
	const out: Record<string, string[]> = {};
	for (const t of ROLLUPS) {
		const rows = await db.query(`SELECT * FROM ${t}`);
		out[t] = rows
			.map((r) => {
				const { refreshed_at: _skip, ...rest } = r;
				return JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
			})
			.sort();
	}
	return out;
}

describeEachEngine('retention', (ctx) => {
	test('a year-old district: personal fields gone from raw events, messages and media; rollups unchanged; recent and queued rows kept', async () => {
		// A demo district whose whole history is more than a year before "now".
		await generateDemo(ctx.db, { citizens: 300, days: 10, seed: 7, endDate: '2025-06-30' });
		const now = new Date('2026-12-01T00:00:00Z');
		// As the gateway stores them: each status carries its recipient (the demo leaves it out).
		await ctx.db.query(
			`UPDATE status_events SET recipient = '91' || lpad((id % 1000000000)::text, 10, '9'), recipient_user_id = CASE WHEN id % 5 = 0 THEN 'IN.' || id END`,
		);
		await ctx.db.query(`UPDATE inbound_messages SET from_user_id = 'IN.u' || id WHERE id % 3 = 0`);
		const [old] = await ctx.db.query<{ id: number }>(`SELECT id FROM inbound_messages ORDER BY id LIMIT 1`);
		expect(old).toBeDefined();
		const [media] = await ctx.db.query<{ id: number }>(
			`INSERT INTO inbound_attachments (inbound_message_id, kind, meta_media_id, mime_type, bytes, fetch_state, caption, latitude, longitude)
       VALUES ($1, 'audio', 'm-old', 'audio/ogg', '\\x4f676753'::bytea, 'fetched', 'meri awaaz', 21.1, 81.2) RETURNING id`,
			[old.id],
		);
		await ctx.db.query(`UPDATE inbound_messages SET queue_state = 'done' WHERE id = $1`, [old.id]);
		const [recent] = await ctx.db.query<{ id: number }>(
			`INSERT INTO inbound_messages (wamid, from_phone, type, body, received_at, queue_state) VALUES ('wamid.recent', '+919812345670', 'text', 'abhi ka sandesh', $1, 'done') RETURNING id`,
			[new Date(now.getTime() - 86_400_000)],
		);
		const [queued] = await ctx.db.query<{ id: number }>(
			`INSERT INTO inbound_messages (wamid, from_phone, type, body, received_at, queue_state) VALUES ('wamid.queued', '+919812345671', 'text', 'waiting', '2025-01-01', 'queued') RETURNING id`,
		);
		const counts = async () =>
			(
				await ctx.db.query(
					`SELECT (SELECT count(*) FROM status_events)::int AS se, (SELECT count(*) FROM status_events WHERE recipient IS NOT NULL)::int AS se_personal,
                  (SELECT count(*) FROM inbound_messages)::int AS im, (SELECT count(*) FROM inbound_messages WHERE from_phone IS NOT NULL)::int AS im_personal`,
				)
			)[0];
		const before = await counts();
		expect(before.se_personal).toBeGreaterThan(0);
		await refreshRollups(ctx.db, { mode: 'full' });
		const rollupsBefore = await snapshot(ctx.db);
		expect(rollupsBefore.rollup_whatsapp_daily.length).toBeGreaterThan(0);

		const r = await runRetention(ctx.db, { days: 365, now });
		expect(r.statusEvents).toBe(before.se_personal);
		expect(r.attachments).toBe(1);
		expect(r.inboundMessages).toBeGreaterThan(0);
		// Every broadcast's wamid became its keyed hash, in deliveries and status events alike (the refreshes below join them).
		expect(r.outboundWamids).toBeGreaterThan(0);
		const [left] = await ctx.db.query<{ n: number }>(
			`SELECT (SELECT count(*) FROM status_events WHERE wamid NOT LIKE 'anon:%') + (SELECT count(*) FROM deliveries WHERE wamid NOT LIKE 'anon:%') AS n`,
		);
		expect(Number(left.n)).toBe(0);
		// The incremental refresh the server runs after: the touched days are recomputed, to the same figures.
		await refreshRollups(ctx.db, { mode: 'incremental' });
		expect(await snapshot(ctx.db)).toEqual(rollupsBefore);
		await refreshRollups(ctx.db, { mode: 'full' });
		expect(await snapshot(ctx.db)).toEqual(rollupsBefore);

		const after = await counts();
		expect(after).toEqual({ se: before.se, se_personal: 0, im: before.im, im_personal: 2 });
		const [a] = await ctx.db.query(`SELECT bytes, caption, latitude, meta_media_id, fetch_state FROM inbound_attachments WHERE id = $1`, [
			media.id,
		]);
		expect(a).toEqual({ bytes: null, caption: null, latitude: null, meta_media_id: null, fetch_state: 'erased' });
		const kept = await ctx.db.query(`SELECT id, from_phone, body FROM inbound_messages WHERE id = ANY($1::bigint[]) ORDER BY id`, [
			[recent.id, queued.id],
		]);
		expect(kept.map((k) => k.body)).toEqual(['abhi ka sandesh', 'waiting']);
		const [log] = await ctx.db.query(`SELECT details FROM audit_log WHERE action = 'retention.run'`);
		expect(log.details).toMatchObject({ days: 365, statusEvents: r.statusEvents });
		// A second run finds nothing more to do.
		expect(await runRetention(ctx.db, { days: 365, now })).toMatchObject({
			statusEvents: 0,
			outboundWamids: 0,
			inboundMessages: 0,
			attachments: 0,
			deadLetters: 0,
			pendingQuestions: 0,
		});
	});
});

/** A stranger who wrote a year ago, a subscriber sent to a year ago, and a citizen of last week. */
const OLD = { phone: '+919812366601', digits: '919812366601' };
const SUBSCRIBER = { phone: '+919812366602', digits: '919812366602' };
const NEW = { phone: '+919812366603', digits: '919812366603' };
/** The number in every form a row can hold it: E.164, wa_id, the last ten digits, base64 (inside a wamid). */
const forms = (c: { phone: string; digits: string }) => [c.phone, c.digits, c.digits.slice(-10), Buffer.from(c.digits).toString('base64')];
const YEAR_AGO = 400 * 86_400;

describeEachEngine('retention: no identifier survives the period', (ctx) => {
	const gw = webhookSuite(ctx);
	const ok = async (body: object) => {
		const r = await gw.post(body);
		expect(r.status).toBe(200);
		await gw.router.gateway.idle();
	};
	const fromCitizen = (c: { digits: string }, m: Record<string, unknown>) =>
		envelope('messages', {
			contacts: [{ profile: { name: 'नागरिक' }, wa_id: c.digits }],
			messages: [{ from: c.digits, timestamp: String(Math.floor(Date.now() / 1000)), ...m }],
		});
	const statuses = (list: { id: string; status: string; to: { digits: string }; at: number; title?: string }[]) =>
		envelope('messages', {
			statuses: list.map((x) => ({
				id: x.id,
				status: x.status,
				timestamp: String(x.at),
				recipient_id: x.to.digits,
				...(x.title
					? { errors: [{ code: 131026, title: x.title, message: 'x', error_data: { details: 'd' } }] }
					: { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' } }),
			})),
		});

	test('a year on, the stranger and the subscriber are in no column of any table (the roster row apart); last week’s citizen is untouched', async () => {
		const then = Math.floor(Date.now() / 1000) - YEAR_AGO;
		// A year ago, through the gateway: the stranger asks to join and never answers, sends a
		// screenshot, a message PostgreSQL cannot hold (a dead letter) and WhatsApp's "stop
		// promotions" (its key holds the number); the answers to her fail with a title naming her.
		await ok(fromCitizen(OLD, { id: wamidOf(OLD.digits, 1), type: 'text', text: { body: 'JOIN' } }));
		await ok(
			fromCitizen(OLD, {
				id: wamidOf(OLD.digits, 2),
				type: 'image',
				image: { id: '5550001', mime_type: 'image/jpeg', caption: `mera number ${OLD.digits}` },
			}),
		);
		await ok(fromCitizen(OLD, { id: wamidOf(OLD.digits, 3), type: 'text', text: { body: `nul\u0000 ${OLD.phone}` } }));
		await ok(preferenceBody(OLD.digits, 'stop', then));
		await ok(
			statuses([
				{ id: wamidOf(OLD.digits, 9), status: 'sent', to: OLD, at: then },
				{ id: wamidOf(OLD.digits, 9), status: 'failed', to: OLD, at: then + 5, title: `Message undeliverable to ${OLD.digits}` },
			]),
		);
		await ctx.db.query(
			`UPDATE inbound_attachments SET bytes = $1, file_name = $2, fetch_state = 'fetched' WHERE meta_media_id = '5550001'`,
			[Buffer.from(`Exif ${OLD.digits.slice(-10)}`), `${OLD.digits}.jpg`],
		);
		// The subscriber: a broadcast delivered, and a complaint's reply from the desk, both a year ago.
		const sent = await seedBroadcast(ctx.db, [{ phone: SUBSCRIBER.phone }], 'retention-old', [wamidOf(SUBSCRIBER.digits, 1)], '2025-06-01');
		const [complaint] = await ctx.db.query<{ id: number }>(
			`INSERT INTO complaints (ref, category, police_station, created_at, updated_at, last_message_at, reply_wamid, replied_at)
       VALUES ('KBD-2025-700001', 'other', 'Kawardha', now(), now(), now(), $1, now()) RETURNING id`,
			[wamidOf(SUBSCRIBER.digits, 2)],
		);
		await ctx.db.query(
			`INSERT INTO complaint_replies (complaint_id, purpose, kind, body, wamid, sent_by) VALUES ($1, 'reply', 'text', 'karyavahi jari hai', $2, 'user:officer')`,
			[complaint.id, wamidOf(SUBSCRIBER.digits, 3)],
		);
		await ok(
			statuses([
				{ id: wamidOf(SUBSCRIBER.digits, 1), status: 'delivered', to: SUBSCRIBER, at: then },
				{ id: wamidOf(SUBSCRIBER.digits, 2), status: 'read', to: SUBSCRIBER, at: then },
				{ id: wamidOf(SUBSCRIBER.digits, 3), status: 'delivered', to: SUBSCRIBER, at: then },
			]),
		);
		// All of it a year old; the workflow handled the stranger's messages long ago.
		const year = `interval '400 days'`;
		await ctx.db.query(`UPDATE inbound_messages SET received_at = received_at - ${year}, queue_state = 'done'`);
		await ctx.db.query(`UPDATE inbound_dead_letters SET received_at = received_at - ${year}`);
		await ctx.db.query(`UPDATE conversation_pending SET asked_at = asked_at - ${year}, expires_at = expires_at - ${year}`);
		await ctx.db.query(`UPDATE deliveries SET sent_at = sent_at - ${year} WHERE id = ANY($1::bigint[])`, [sent.deliveryIds]);
		await ctx.db.query(`UPDATE complaints SET created_at = created_at - ${year}, replied_at = replied_at - ${year} WHERE id = $1`, [
			complaint.id,
		]);
		await ctx.db.query(`UPDATE complaint_replies SET created_at = created_at - ${year} WHERE complaint_id = $1`, [complaint.id]);

		// Last week's citizen: a message, a broadcast, its status.
		const recent = Math.floor(Date.now() / 1000) - 7 * 86_400;
		await ok(fromCitizen(NEW, { id: wamidOf(NEW.digits, 1), type: 'text', text: { body: 'namaste, abhi ka sandesh' } }));
		await seedBroadcast(ctx.db, [{ phone: NEW.phone }], 'retention-new', [wamidOf(NEW.digits, 2)]);
		await ok(statuses([{ id: wamidOf(NEW.digits, 2), status: 'delivered', to: NEW, at: recent }]));

		const where = async (c: { phone: string; digits: string }) =>
			[...new Set((await searchEverywhere(ctx.db, forms(c))).map((h) => `${h.table}.${h.column}`))].sort();
		// The search finds what it looks for: the stranger is in every raw table before.
		expect(await where(OLD)).toEqual(
			expect.arrayContaining([
				'conversation_pending.phone',
				'inbound_attachments.bytes',
				'inbound_attachments.caption',
				'inbound_attachments.file_name',
				'inbound_dead_letters.raw_base64',
				'inbound_messages.from_phone',
				'inbound_messages.payload',
				'inbound_messages.wamid',
				'status_events.error_title',
				'status_events.recipient',
				'status_events.wamid',
			]),
		);
		expect(await where(SUBSCRIBER)).toEqual(
			expect.arrayContaining(['complaint_replies.wamid', 'complaints.reply_wamid', 'deliveries.wamid']),
		);
		const newBefore = await where(NEW);
		const newRows = () =>
			ctx.db.query(`SELECT wamid, from_phone, body, payload FROM inbound_messages WHERE from_phone = $1 ORDER BY id`, [NEW.phone]);
		const newMessages = await newRows();
		const delivered = () =>
			ctx.db.query(
				`SELECT r.purpose, s.status FROM complaint_replies r JOIN status_events s ON s.wamid = r.wamid WHERE r.complaint_id = $1
         UNION ALL SELECT 'ack', s.status FROM complaints c JOIN status_events s ON s.wamid = c.reply_wamid WHERE c.id = $1
         UNION ALL SELECT 'broadcast', s.status FROM deliveries d JOIN status_events s ON s.wamid = d.wamid WHERE d.id = $2 ORDER BY 1`,
				[complaint.id, sent.deliveryIds[0]],
			);
		const deliveredBefore = await delivered();
		expect(new Set(deliveredBefore.map((d) => d.purpose))).toEqual(new Set(['ack', 'broadcast', 'reply']));

		const r = await runRetention(ctx.db, { days: 365 });
		expect(r).toMatchObject({ deadLetters: 1, pendingQuestions: 1, attachments: 1 });
		// Three messages sent to the subscriber, one to the stranger.
		expect(r.outboundWamids).toBe(4);

		expect(await where(OLD)).toEqual([]);
		// The live roster keeps the subscriber's number; nothing else does, in any form.
		expect(await where(SUBSCRIBER)).toEqual(['subscribers.phone']);
		// Each message's rows still join (the case's delivery, the broadcast's status): one keyed hash everywhere.
		expect(await delivered()).toEqual(deliveredBefore);
		expect(await where(NEW)).toEqual(newBefore);
		expect(newBefore).toEqual(
			expect.arrayContaining(['deliveries.wamid', 'inbound_messages.from_phone', 'inbound_messages.wamid', 'status_events.recipient']),
		);
		expect(await newRows()).toEqual(newMessages);
		// Nothing more to do on a second run.
		const again = await runRetention(ctx.db, { days: 365 });
		const { cutoff: _c, ...counts } = again;
		expect(Object.values(counts)).toEqual(Object.values(counts).map(() => 0));
	});
});

describe('retention period', () => {
	test('default 365 days; MITAN_RETENTION_DAYS sets it; nonsense is refused naming the setting', () => {
		expect(resolveConfig({}, {}).retentionDays).toBe(365);
		expect(resolveConfig({}, { MITAN_RETENTION_DAYS: '730' }).retentionDays).toBe(730);
		for (const bad of ['7', 'abc', '365.5', '99999']) {
			try {
				resolveConfig({}, { MITAN_RETENTION_DAYS: bad });
				throw new Error(`accepted ${bad}`);
			} catch (e) {
				expect(e).toBeInstanceOf(MitanError);
				expect((e as MitanError).code).toBe('RETENTION_BAD_PERIOD');
				expect((e as MitanError).message).toContain('MITAN_RETENTION_DAYS');
			}
		}
		expect(() => checkRetentionDays(10, '--days')).toThrow(/--days/);
	});
});

describe('mitan retention run (CLI)', () => {
	test('runs once with the period given, prints what it did; a wrong --days is refused naming it', async () => {
		const { createTestDb } = await import('../helpers/db');
		const { parseArgs } = await import('../../cli/args');
		const { retentionCommand } = await import('../../cli/retention');
		const t = await createTestDb('pglite');
		try {
			const [old] = await t.db.query<{ id: number }>(
				`INSERT INTO inbound_messages (wamid, from_phone, type, body, received_at, queue_state) VALUES ('wamid.cli.old', '+919812345672', 'text', 'purana', now() - interval '400 days', 'done') RETURNING id`,
			);
			const lines: string[] = [];
			expect(await retentionCommand(t.db, parseArgs(['run', '--days', '365']), 365, (s) => lines.push(s))).toBe(0);
			expect(lines[0]).toMatch(
				/^retention 365 days .*: 0 status events, 1 inbound messages, 0 attachments, 0 sent messages' ids anonymised;/,
			);
			const [m] = await t.db.query(`SELECT from_phone, body, wamid FROM inbound_messages WHERE id = $1`, [old.id]);
			expect(m).toEqual({ from_phone: null, body: null, wamid: expect.stringMatching(/^anon:[0-9a-f]{64}$/) });
			await expect(retentionCommand(t.db, parseArgs(['run', '--days', '3']), 365, () => undefined)).rejects.toThrow(/--days/);
			expect(await retentionCommand(t.db, parseArgs([]), 365, () => undefined)).toBe(2);
		} finally {
			await t.drop();
		}
	});
});

describeEachEngine('the server’s periodic job', (ctx) => {
	test('a complaint crossing 48 hours open makes its day dirty once, and the rollup then counts it overdue', async () => {
		const { markAgedComplaintDays } = await import('../../core/metrics/complaints-rollup');
		const { startRetentionJob } = await import('../../core/retention');
		await ctx.db.query(
			`INSERT INTO complaints (ref, category, police_station, created_at, updated_at, last_message_at)
       VALUES ('KBD-2026-900001', 'other', 'Aged', now() - interval '49 hours', now(), now())`,
		);
		await refreshRollups(ctx.db, { mode: 'full' });
		// Counted as it is at the refresh: already 49 hours open.
		await ctx.db.query(`UPDATE rollup_complaints_daily SET over_48h = 0 WHERE police_station = 'Aged'`);
		await ctx.db.query('DELETE FROM rollup_dirty_days');
		const now = new Date();
		// Nothing crossed the line in the last 30 minutes; in the last 2 hours this one did.
		expect(await markAgedComplaintDays(ctx.db, new Date(now.getTime() - 30 * 60_000), now)).toBe(0);
		expect(await markAgedComplaintDays(ctx.db, new Date(now.getTime() - 2 * 3_600_000), now)).toBe(1);
		await refreshRollups(ctx.db, { mode: 'incremental' });
		const [r] = await ctx.db.query<{ over: number }>(`SELECT over_48h AS over FROM rollup_complaints_daily WHERE police_station = 'Aged'`);
		// The job itself: one run now (its window starts at its start, so nothing is re-marked), then stopped.
		const job = startRetentionJob(ctx.db, { days: 365, intervalMs: 3_600_000 });
		await job.runNow();
		await job.stop();
		const [dirty] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rollup_dirty_days`);
		expect(dirty.n).toBe(0);
		expect(r.over).toBe(1);
	});
});
