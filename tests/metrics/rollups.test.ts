import { ComplaintService } from '../../core/complaints/service';
import type { Db } from '../../core/db';
import { generateDemo, type DemoSummary } from '../../core/demo/generate';
import { MitanError } from '../../core/errors';
import { refreshDays, refreshRollups } from '../../core/metrics/refresh';
import { buildReport } from '../../core/metrics/report';
import { RosterService } from '../../core/roster';
import { describeEachEngine } from '../helpers/db';

const OPTS = { citizens: 400, days: 12, seed: 3, endDate: '2026-03-31' };
const TZ = 'Asia/Kolkata';
const FINGERPRINT = { d: '3cb2651f1c1001d3d8c3e13bcf445c41', c: '41e540f4598af8dbbf323c82a1bd8588' };
const key = (r: Record<string, unknown>, cols: string[]) => cols.map((c) => String(r[c] ?? '')).join('|');

/** Rollup rows as a map key → values, leaving refreshed_at out unless asked. */
async function table(db: Db, name: string, keys: string[], values: string[]): Promise<Map<string, string>> {
	const rows = await db.query(`SELECT * FROM ${name}`);
	return new Map(rows.map((r) => [key(r, keys), key(r, values)]));
}

/** Direct counts, written independently of the rollup SQL. */
async function directWhatsapp(db: Db): Promise<Map<string, Record<string, number>>> {
	const out = new Map<string, Record<string, number>>();
	const add = (rows: Record<string, unknown>[], field: string) => {
		for (const r of rows) {
			const k = `${r.day}|${r.ps ?? ''}|${r.lang ?? ''}`;
			const o = out.get(k) ?? { targeted: 0, sent: 0, delivered: 0, read: 0, failed: 0, opt_outs: 0, new_subscribers: 0 };
			o[field] += Number(r.n);
			out.set(k, o);
		}
	};
	add(
		await db.query(
			`SELECT b.broadcast_date AS day, d.police_station AS ps, d.language AS lang, count(*) AS n FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id GROUP BY 1, 2, 3`,
		),
		'targeted',
	);
	for (const s of ['sent', 'delivered', 'read', 'failed']) {
		add(
			await db.query(
				`SELECT (e.occurred_at AT TIME ZONE '${TZ}')::date AS day, d.police_station AS ps, d.language AS lang, count(*) AS n
                        FROM status_events e JOIN deliveries d ON d.wamid = e.wamid WHERE e.status = $1 GROUP BY 1, 2, 3`,
				[s],
			),
			s,
		);
	}
	add(
		await db.query(`SELECT (a.at AT TIME ZONE '${TZ}')::date AS day, s.police_station AS ps, s.language AS lang, count(*) AS n
                      FROM audit_log a JOIN subscribers s ON s.id::text = a.entity_id WHERE a.action = 'subscriber.opt_out' GROUP BY 1, 2, 3`),
		'opt_outs',
	);
	add(
		await db.query(
			`SELECT (created_at AT TIME ZONE '${TZ}')::date AS day, police_station AS ps, language AS lang, count(*) AS n FROM subscribers GROUP BY 1, 2, 3`,
		),
		'new_subscribers',
	);
	return out;
}

async function expectRollupsEqualDirectCounts(db: Db): Promise<void> {
	const direct = await directWhatsapp(db);
	const rolled = await db.query<Record<string, unknown>>('SELECT * FROM rollup_whatsapp_daily');
	expect(rolled.length).toBe(direct.size);
	for (const r of rolled) {
		const d = direct.get(`${r.day}|${r.police_station}|${r.language}`);
		expect({
			k: `${r.day}|${r.police_station}|${r.language}`,
			targeted: r.targeted,
			sent: r.sent,
			delivered: r.delivered,
			read: r.read,
			failed: r.failed,
			opt_outs: r.opt_outs,
			new_subscribers: r.new_subscribers,
		}).toEqual({ k: `${r.day}|${r.police_station}|${r.language}`, ...d });
		const byClass = Object.values(r.failed_by_class as Record<string, number>).reduce((a, b) => a + b, 0);
		expect(byClass).toBe(r.failed);
	}
	// The demo's dates are in 2026 (after 1 Jan): India's marketing rate then, written here, not read from the card.
	const [spend] = await db.query<{ rolled: number; direct: number }>(
		`SELECT (SELECT sum(spend_inr) FROM rollup_whatsapp_daily)::float8 AS rolled,
            (SELECT count(*) FROM status_events WHERE status = 'delivered' AND billable AND price_category = 'marketing')::float8 * 0.8631 AS direct`,
	);
	expect(spend.direct).toBeGreaterThan(0);
	expect(Math.abs(spend.rolled - spend.direct)).toBeLessThan(0.01 * rolled.length + 0.01);

	const complaints = await db.query<{ k: string; opened: number; closed: number; money: number }>(
		`SELECT x.k, sum(x.opened)::int AS opened, sum(x.closed)::int AS closed, sum(x.money)::int AS money FROM (
       SELECT (created_at AT TIME ZONE '${TZ}')::date || '|' || coalesce(category_override, category) || '|' || coalesce(police_station, '') AS k, 1 AS opened, 0 AS closed, money_loss::int AS money FROM complaints
       UNION ALL
       SELECT (closed_at AT TIME ZONE '${TZ}')::date || '|' || coalesce(category_override, category) || '|' || coalesce(police_station, ''), 0, 1, 0 FROM complaints WHERE closed_at IS NOT NULL
     ) x GROUP BY 1 ORDER BY 1`,
	);
	const rc = await db.query<{ k: string; opened: number; closed: number; money: number }>(
		`SELECT day || '|' || category || '|' || police_station AS k, opened, closed, money_loss AS money FROM rollup_complaints_daily ORDER BY 1`,
	);
	expect(rc).toEqual(complaints);

	const [social] = await db.query<{ rolled: number; latest: number; posts: number; rposts: number }>(
		`SELECT (SELECT coalesce(sum(views), 0) FROM rollup_social_daily)::float8 AS rolled,
            (SELECT coalesce(sum(value), 0) FROM social_metrics m WHERE metric = 'views' AND day = (SELECT max(day) FROM social_metrics q WHERE q.post_id = m.post_id AND q.metric = 'views'))::float8 AS latest,
            (SELECT count(*) FROM social_posts WHERE state = 'published')::float8 AS posts,
            (SELECT coalesce(sum(posts), 0) FROM rollup_social_daily)::float8 AS rposts`,
	);
	expect(social.rolled).toBe(social.latest);
	expect(social.rposts).toBe(social.posts);
}

describeEachEngine('rollups on generated demo data', (ctx) => {
	let summary: DemoSummary;
	beforeAll(async () => {
		summary = await generateDemo(ctx.db, OPTS);
	});

	test('the generator is deterministic: the same figures on every engine', () => {
		const { millis, ...rest } = summary;
		expect(millis).toBeGreaterThan(0);
		// Recorded once; equal on PGlite and PostgreSQL (keys are demo indexes, never serial ids).
		expect(rest).toEqual({
			citizens: 400,
			days: 12,
			seed: 3,
			startDate: '2026-03-20',
			endDate: '2026-03-31',
			subscribers: 400,
			broadcasts: 12,
			deliveries: 4281,
			statusEvents: 12107,
			optOuts: 13,
			inboundMessages: 24,
			complaints: 24,
			socialPosts: 36,
			socialMetrics: 567,
		});
		expect(summary.statusEvents).toBeGreaterThan(summary.deliveries * 2.5);
	});

	test('the generated rows themselves are the same on every engine', async () => {
		const [f] = await ctx.db.query<{ d: string; c: string }>(
			`SELECT (SELECT md5(string_agg(wamid || state || coalesce(error_code::text, '') || to_char(sent_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISS'), ',' ORDER BY wamid)) FROM deliveries) AS d,
              (SELECT md5(string_agg(ref || category || status || coalesce(police_station, ''), ',' ORDER BY ref)) FROM complaints) AS c`,
		);
		expect(f).toEqual(FINGERPRINT);
	});

	test('rollups equal direct counts', async () => {
		await expectRollupsEqualDirectCounts(ctx.db);
	});

	test('refreshing twice changes nothing (not even refreshed_at)', async () => {
		const before = await table(
			ctx.db,
			'rollup_whatsapp_daily',
			['day', 'police_station', 'language'],
			['targeted', 'sent', 'read', 'failed_by_class', 'spend_inr', 'refreshed_at'],
		);
		const full = await refreshRollups(ctx.db, { mode: 'full' });
		expect(full.kinds.map((k) => [k.kind, k.changed, k.removed])).toEqual([
			['whatsapp', 0, 0],
			['social', 0, 0],
			['complaints', 0, 0],
		]);
		const inc = await refreshRollups(ctx.db);
		expect(inc.kinds.map((k) => k.days)).toEqual([[], [], []]);
		expect(
			await table(
				ctx.db,
				'rollup_whatsapp_daily',
				['day', 'police_station', 'language'],
				['targeted', 'sent', 'read', 'failed_by_class', 'spend_inr', 'refreshed_at'],
			),
		).toEqual(before);
	});

	test('incremental refresh recomputes only the days that changed, and ends equal to a full refresh', async () => {
		const db = ctx.db;
		// Today's activity: a late receipt, a failure, a complaint, an opt-out, a social snapshot.
		const [d] = await db.query<{ id: number; wamid: string }>(
			`SELECT id, wamid FROM deliveries WHERE state = 'delivered' ORDER BY id LIMIT 1`,
		);
		await db.query(
			`INSERT INTO status_events (wamid, status, occurred_at, delivery_id, price_category, billable, pricing_model) VALUES ($1, 'read', '2026-03-31T12:00:00+05:30', $2, 'marketing', true, 'PMP')`,
			[d.wamid, d.id],
		);
		const [d2] = await db.query<{ id: number; wamid: string }>(
			`SELECT id, wamid FROM deliveries WHERE state = 'read' ORDER BY id DESC LIMIT 1`,
		);
		await db.query(
			`INSERT INTO status_events (wamid, status, occurred_at, delivery_id, error_code) VALUES ($1, 'failed', '2026-03-30T09:00:00+05:30', $2, 131050)`,
			[d2.wamid, d2.id],
		);
		await new ComplaintService(db).intake(
			{ body: 'mere account se 20000 kat gaye OTP diya tha', fromPhone: '+916000000007', receivedAt: '2026-03-29T11:00:00+05:30' },
			{ actor: 'test' },
		);
		const [s] = await db.query<{ phone: string }>(`SELECT phone FROM subscribers WHERE status = 'active' ORDER BY id LIMIT 1`);
		await new RosterService(db).optOut(s.phone, 'STOP', { actor: 'test', source: 'test' });
		const [p] = await db.query<{ id: number }>(`SELECT id FROM social_posts ORDER BY id DESC LIMIT 1`);
		await db.query(
			`INSERT INTO social_metrics (post_id, day, metric, value) VALUES ($1, '2026-04-01', 'views', 999999) ON CONFLICT DO NOTHING`,
			[p.id],
		);

		const dirty = await db.query<{ kind: string; day: string }>('SELECT kind, day FROM rollup_dirty_days ORDER BY kind, day');
		expect(dirty.filter((x) => x.kind === 'whatsapp').map((x) => x.day)).toEqual(expect.arrayContaining(['2026-03-30', '2026-03-31']));
		expect(dirty.filter((x) => x.kind === 'complaints').map((x) => x.day)).toEqual(['2026-03-29']);
		expect(dirty.filter((x) => x.kind === 'social').map((x) => x.day)).toEqual(['2026-04-01']);

		const inc = await refreshRollups(db);
		expect(inc.kinds.find((k) => k.kind === 'complaints')!.days).toEqual([{ day: '2026-03-29', districtId: 1 }]);
		expect(inc.kinds.every((k) => k.changed > 0)).toBe(true);
		expect(await db.query('SELECT * FROM rollup_dirty_days')).toEqual([]);
		const tables: [string, string[], string[]][] = [
			[
				'rollup_whatsapp_daily',
				['day', 'police_station', 'language'],
				['targeted', 'sent', 'delivered', 'read', 'failed', 'failed_by_class', 'opt_outs', 'new_subscribers', 'spend_inr'],
			],
			[
				'rollup_complaints_daily',
				['day', 'category', 'police_station'],
				['opened', 'closed', 'money_loss', 'ack_count', 'ack_seconds_sum', 'ack_seconds_median'],
			],
			['rollup_social_daily', ['day', 'channel'], ['posts', 'views', 'reach']],
		];
		const afterInc = await Promise.all(tables.map(([t, k, v]) => table(db, t, k, v)));
		await refreshRollups(db, { mode: 'full' });
		const afterFull = await Promise.all(tables.map(([t, k, v]) => table(db, t, k, v)));
		expect(afterInc).toEqual(afterFull);
		await expectRollupsEqualDirectCounts(db);
		const [row] = await db.query<{ failed_by_class: Record<string, number> }>(
			`SELECT failed_by_class FROM rollup_whatsapp_daily WHERE day = '2026-03-30' AND failed_by_class ? 'drop_recipient' LIMIT 1`,
		);
		expect(row.failed_by_class.drop_recipient).toBeGreaterThanOrEqual(1);
		const again = await refreshDays(db, [{ day: '2026-03-30', districtId: 1 }]);
		expect(again.kinds.every((k) => k.changed === 0)).toBe(true);
	});

	test('report items for a day, a week and a month, with the previous period', async () => {
		const day = await buildReport(ctx.db, { period: 'day', date: '2026-03-25' });
		expect(day).toMatchObject({ from: '2026-03-25', to: '2026-03-25', previousFrom: '2026-03-24' });
		const [direct] = await ctx.db.query<{ n: number; p: number }>(
			`SELECT (SELECT sum(delivered) FROM rollup_whatsapp_daily WHERE day = '2026-03-25')::float8 AS n, (SELECT sum(delivered) FROM rollup_whatsapp_daily WHERE day = '2026-03-24')::float8 AS p`,
		);
		expect(day.items.find((i) => i.key === 'delivered')).toMatchObject({ value: direct.n, previous: direct.p, labelHi: 'पहुँचे' });
		const week = await buildReport(ctx.db, { period: 'week', date: '2026-03-25' });
		expect(week).toMatchObject({ from: '2026-03-23', to: '2026-03-29', previousFrom: '2026-03-16', previousTo: '2026-03-22' });
		const month = await buildReport(ctx.db, { period: 'month', date: '2026-03-25' });
		expect(month).toMatchObject({ from: '2026-03-01', to: '2026-03-31', previousFrom: '2026-02-01', previousTo: '2026-02-28' });
		expect(month.items.some((i) => i.section === 'social' && i.key === 'facebook.views' && i.value > 0)).toBe(true);
		expect(month.items.some((i) => i.section === 'complaints' && i.key === 'online_financial_fraud' && i.value > 0)).toBe(true);
		expect(month.items.filter((i) => i.section === 'station').length).toBeGreaterThanOrEqual(8);
	});

	test('bad inputs are refused with the field named', async () => {
		const err = async (p: Promise<unknown>) =>
			p.then(
				() => undefined,
				(e: unknown) => e as MitanError,
			);
		expect(await err(refreshRollups(ctx.db, { mode: 'sometimes' as 'full' }))).toMatchObject({
			code: 'ROLLUP_MODE_UNKNOWN',
			details: { field: 'mode' },
		});
		expect(await err(refreshRollups(ctx.db, { kinds: ['sms' as 'social'] }))).toMatchObject({ code: 'ROLLUP_KIND_UNKNOWN' });
		expect(await err(refreshDays(ctx.db, [{ day: '31-03-2026', districtId: 1 }]))).toMatchObject({ code: 'ROLLUP_DAY_INVALID' });
		expect(await err(buildReport(ctx.db, { period: 'year' as 'day', date: '2026-03-01' }))).toMatchObject({
			code: 'REPORT_PERIOD_INVALID',
		});
		expect(await err(buildReport(ctx.db, { period: 'day', date: 'yesterday' }))).toMatchObject({ code: 'REPORT_DATE_INVALID' });
		expect(await err(generateDemo(ctx.db, { ...OPTS, citizens: 0 }))).toMatchObject({
			code: 'DEMO_BAD_OPTION',
			details: { field: 'citizens' },
		});
		expect(await err(generateDemo(ctx.db, { ...OPTS, endDate: '2026-02-30x' }))).toMatchObject({
			code: 'DEMO_BAD_OPTION',
			details: { field: 'endDate' },
		});
		expect(await err(generateDemo(ctx.db, { ...OPTS, districtId: 77 }))).toMatchObject({ code: 'DEMO_NO_DISTRICT' });
		expect(await err(generateDemo(ctx.db, OPTS))).toMatchObject({ code: 'DEMO_ALREADY_LOADED' });
	});
});
