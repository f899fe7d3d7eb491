import type { Db } from '../../core/db';
import { generateDemo } from '../../core/demo/generate';
import { refreshRollups } from '../../core/metrics/refresh';
import { checkRetentionDays, runRetention } from '../../core/retention';
import { resolveConfig } from '../../core/config';
import { MitanError } from '../../core/errors';
import { describeEachEngine } from '../helpers/db';

/**
 * Retention (issue 17 §3): raw status events, inbound messages and media bytes older than the
 * period lose what identifies a person; every rollup counts exactly the same before and after.
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
		await ctx.db.query(
			`INSERT INTO inbound_attachments (inbound_message_id, kind, meta_media_id, mime_type, bytes, fetch_state, caption, latitude, longitude)
       VALUES ($1, 'audio', 'm-old', 'audio/ogg', '\\x4f676753'::bytea, 'fetched', 'meri awaaz', 21.1, 81.2)`,
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
		// The incremental refresh the server runs after: the touched days are recomputed, to the same figures.
		await refreshRollups(ctx.db, { mode: 'incremental' });
		expect(await snapshot(ctx.db)).toEqual(rollupsBefore);
		await refreshRollups(ctx.db, { mode: 'full' });
		expect(await snapshot(ctx.db)).toEqual(rollupsBefore);

		const after = await counts();
		expect(after).toEqual({ se: before.se, se_personal: 0, im: before.im, im_personal: 2 });
		const [a] = await ctx.db.query(`SELECT bytes, caption, latitude, fetch_state FROM inbound_attachments WHERE meta_media_id = 'm-old'`);
		expect(a).toEqual({ bytes: null, caption: null, latitude: null, fetch_state: 'erased' });
		const kept = await ctx.db.query(`SELECT id, from_phone, body FROM inbound_messages WHERE id = ANY($1::bigint[]) ORDER BY id`, [
			[recent.id, queued.id],
		]);
		expect(kept.map((k) => k.body)).toEqual(['abhi ka sandesh', 'waiting']);
		const [log] = await ctx.db.query(`SELECT details FROM audit_log WHERE action = 'retention.run'`);
		expect(log.details).toMatchObject({ days: 365, statusEvents: r.statusEvents });
		// A second run finds nothing more to do.
		expect(await runRetention(ctx.db, { days: 365, now })).toMatchObject({ statusEvents: 0, inboundMessages: 0, attachments: 0 });
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
			await t.db.query(
				`INSERT INTO inbound_messages (wamid, from_phone, type, body, received_at, queue_state) VALUES ('wamid.cli.old', '+919812345672', 'text', 'purana', now() - interval '400 days', 'done')`,
			);
			const lines: string[] = [];
			expect(await retentionCommand(t.db, parseArgs(['run', '--days', '365']), 365, (s) => lines.push(s))).toBe(0);
			expect(lines[0]).toMatch(/^retention 365 days .*: 0 status events, 1 inbound messages, 0 attachments anonymised/);
			const [m] = await t.db.query(`SELECT from_phone, body FROM inbound_messages WHERE wamid = 'wamid.cli.old'`);
			expect(m).toEqual({ from_phone: null, body: null });
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
