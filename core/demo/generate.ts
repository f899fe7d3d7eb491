import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { classifyWhatsAppCode } from '../channels/whatsapp/errors';
import { CATEGORY_INFO, COMPLAINT_CATEGORIES } from '../complaints/categories';
import { DEMO_CATEGORY_SHARE, DEMO_MESSAGES } from './messages';
import { bindNamed } from '../metrics/named';
import { refreshRollups } from '../metrics/refresh';
import { stationSlots } from './stations';
import { districtTimeZone } from '../districts';
import { addDays, isCalendarDate, todayIn } from '../time';

/**
 * Deterministic demo data: subscribers, 90 days of daily broadcasts with their deliveries and
 * status events (≈13.5 million for 50,000 citizens), opt-outs, citizens' messages and
 * complaints, social posts and their metrics.
 *
 * Every row is computed inside the database by INSERT ... SELECT FROM generate_series, with
 * pseudo-randomness from hashint8extended(key, seed): no row crosses the wire, and the same
 * (citizens, days, seed, endDate) gives the same data on PostgreSQL and on PGlite.
 * Keys are the citizen's demo index and the day index, never serial ids, so the data does not
 * depend on what the database held before.
 */
export interface DemoOptions {
	citizens?: number;
	days?: number;
	seed?: number;
	/** Last day of the window, YYYY-MM-DD (district time). Default: yesterday. */
	endDate?: string;
	districtId?: number;
	/** Complaints per day on average. Default: 0.06 % of the citizens, at least 2. */
	complaintsPerDay?: number;
	/** Refresh the rollups at the end (default true). */
	refreshRollups?: boolean;
	onProgress?: (step: string, done: number, total: number) => void;
}

export interface DemoSummary {
	citizens: number;
	days: number;
	seed: number;
	startDate: string;
	endDate: string;
	subscribers: number;
	broadcasts: number;
	deliveries: number;
	statusEvents: number;
	optOuts: number;
	inboundMessages: number;
	complaints: number;
	socialPosts: number;
	socialMetrics: number;
	millis: number;
}

/** Demo phones are +91 6000000001 … : one fixed block, so the citizen index is the number. */
export const DEMO_PHONE_BASE = 6_000_000_000;
const DEMO_SOURCE = 'demo';

/** SQL for a uniform number in [0, 1) from an integer key and a salt per purpose. */
function rnd(key: string, salt: number): string {
	return `((hashint8extended((${key})::bigint, :seed::bigint * 1000 + ${salt}) & 2147483647)::float8 / 2147483648.0)`;
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

function check(o: Required<Pick<DemoOptions, 'citizens' | 'days' | 'seed'>> & { endDate: string; complaintsPerDay: number }): void {
	const bad = (field: string, msg: string) => {
		throw new MitanError('DEMO_BAD_OPTION', `demo option "${field}": ${msg}`, { field });
	};
	if (!Number.isInteger(o.citizens) || o.citizens < 1 || o.citizens > 10_000_000)
		bad('citizens', `must be an integer 1..10,000,000, got ${o.citizens}`);
	if (!Number.isInteger(o.days) || o.days < 1 || o.days > 3660) bad('days', `must be an integer 1..3660, got ${o.days}`);
	if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 1_000_000_000) bad('seed', `must be an integer 0..1,000,000,000, got ${o.seed}`);
	if (!isCalendarDate(o.endDate)) bad('endDate', `must be a date YYYY-MM-DD, got "${o.endDate}"`);
	if (!(o.complaintsPerDay >= 0 && o.complaintsPerDay <= 100_000)) bad('complaintsPerDay', `must be 0..100,000, got ${o.complaintsPerDay}`);
}

export async function generateDemo(db: Db, opts: DemoOptions = {}): Promise<DemoSummary> {
	const started = Date.now();
	const citizens = opts.citizens ?? 50_000;
	const days = opts.days ?? 90;
	const seed = opts.seed ?? 1;
	const endDate = opts.endDate ?? addDays(todayIn(await districtTimeZone(db, opts.districtId ?? 1)), -1);
	const districtId = opts.districtId ?? 1;
	const complaintsPerDay = opts.complaintsPerDay ?? Math.max(2, Math.round(citizens * 0.0006));
	check({ citizens, days, seed, endDate, complaintsPerDay });
	const progress = opts.onProgress ?? (() => undefined);
	const startDate = addDays(endDate, -(days - 1));

	const [district] = await db.query<{ code: string; timezone: string }>('SELECT code, timezone FROM districts WHERE id = $1', [districtId]);
	if (!district)
		throw new MitanError('DEMO_NO_DISTRICT', `demo option "districtId": no district with id ${districtId}`, {
			field: 'districtId',
		});
	const [already] = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM subscribers WHERE district_id = $1 AND consent_source = '${DEMO_SOURCE}'`,
		[districtId],
	);
	if (already.n > 0) {
		throw new MitanError(
			'DEMO_ALREADY_LOADED',
			`district ${district.code} already holds ${already.n} demo subscribers: generate into a fresh database`,
		);
	}
	const tz = district.timezone;
	// The values every statement may name.
	const base = { seed, district: districtId, citizens, start: startDate, days, tz };
	const types: Record<string, string> = {
		seed: 'bigint',
		district: 'int',
		citizens: 'int',
		start: 'date',
		days: 'int',
		tz: 'text',
		phone_base: 'bigint',
		broadcast: 'bigint',
		starts_at: 'timestamptz',
		day: 'date',
		k: 'int',
		total: 'int',
		samples: 'jsonb',
		code: 'text',
	};
	const run = (q: Queryable, sql: string, extra: Record<string, unknown> = {}) => q.query(...bindNamed(sql, { ...base, ...extra }, types));
	const step = async (name: string, sql: string, extra: Record<string, unknown> = {}, q: Queryable = db) => {
		progress(name, 0, 1);
		await run(q, sql, extra);
		progress(name, 1, 1);
	};

	// 1. Subscribers: 80 % joined before the window, 20 % during it; 3 % opt out (after a broadcast).
	const slots = stationSlots();
	const stationArr = `ARRAY[${slots.map((s) => lit(s.name)).join(',')}]`;
	const blockArr = `ARRAY[${slots.map((s) => lit(s.block)).join(',')}]`;
	await step(
		'subscribers',
		`INSERT INTO subscribers (district_id, phone, wa_id, name, language, police_station, block, tags, status, status_reason,
                              status_changed_at, consent_source, consent_at, created_at, updated_at)
     SELECT :district, '+91' || (:phone_base::bigint + i), '91' || (:phone_base::bigint + i), 'Demo citizen ' || i,
            CASE WHEN r_lang < 0.72 THEN 'hi' ELSE 'en' END,
            (${stationArr})[1 + floor(r_station * 20)::int], (${blockArr})[1 + floor(r_station * 20)::int],
            '{demo}', CASE WHEN opt_day IS NULL THEN 'active' ELSE 'opted_out' END,
            CASE WHEN opt_day IS NULL THEN NULL ELSE 'STOP' END,
            CASE WHEN opt_day IS NULL THEN NULL ELSE ((:start::date + opt_day)::timestamp + interval '20 hours' + r_time * interval '3 hours') AT TIME ZONE :tz END,
            '${DEMO_SOURCE}', created_at, created_at, created_at
     FROM (
       SELECT *, CASE WHEN r_opt < 0.03 THEN greatest(join_day, 0) + floor(r_optday * (:days - greatest(join_day, 0)))::int END AS opt_day,
              (:start::date + join_day)::timestamp
                + interval '8 hours' + r_time * interval '12 hours' AS local_created
       FROM (
         SELECT i, ${rnd('i', 1)} AS r_station, ${rnd('i', 2)} AS r_lang, ${rnd('i', 5)} AS r_time, ${rnd('i', 6)} AS r_opt, ${rnd('i', 7)} AS r_optday,
                CASE WHEN ${rnd('i', 3)} < 0.8 THEN -1 - floor(${rnd('i', 4)} * 300)::int ELSE floor(${rnd('i', 4)} * :days)::int END AS join_day
         FROM generate_series(1, :citizens) AS i
       ) g
     ) h
     CROSS JOIN LATERAL (SELECT local_created AT TIME ZONE :tz AS created_at) c
     ORDER BY i`,
		{ phone_base: DEMO_PHONE_BASE },
	);

	// Opt-outs are history in the audit log (the rollups count them from there).
	await step(
		'opt-outs',
		`INSERT INTO audit_log (district_id, at, actor, action, entity, entity_id, details)
     SELECT :district, s.status_changed_at, 'citizen:demo', 'subscriber.opt_out', 'subscriber', s.id::text,
            jsonb_build_object('reason', 'STOP', 'source', 'demo')
     FROM subscribers s WHERE s.district_id = :district AND s.consent_source = '${DEMO_SOURCE}' AND s.status = 'opted_out'
     ORDER BY s.status_changed_at`,
	);

	// 2. One approved content item and one WhatsApp broadcast per day, sent from 10:00.
	const categories = ['cyber_fraud', 'women_safety', 'cyber_fraud', 'child_safety', 'traffic', 'cyber_fraud', 'other'];
	await step(
		'content',
		`INSERT INTO content (district_id, title, body_hi, body_en, category, target_date, state, content_hash, approved_hash, approved_by, approved_at, created_by, created_at, updated_at)
     SELECT :district, 'Demo awareness message ' || d::date, 'साइबर ठगी से बचें: OTP किसी को न बताएं (' || d::date || ')',
            'Stay safe from cyber fraud: never share your OTP (' || d::date || ')',
            (ARRAY[${categories.map(lit).join(',')}])[1 + (k % 7)], d::date, 'published',
            md5('demo' || d::date), md5('demo' || d::date), 'demo-approver',
            ((d::date - 1)::timestamp + interval '18 hours') AT TIME ZONE :tz, 'demo',
            ((d::date - 1)::timestamp + interval '15 hours') AT TIME ZONE :tz, ((d::date - 1)::timestamp + interval '18 hours') AT TIME ZONE :tz
     FROM generate_series(0, :days - 1) AS k CROSS JOIN LATERAL (SELECT :start::date + k AS d) x
     ORDER BY k`,
	);
	await step(
		'broadcasts',
		`INSERT INTO broadcasts (district_id, content_id, content_key, channel, broadcast_date, segment_key, segment, templates, status, created_at, started_at, finished_at)
     SELECT :district, c.id, 'demo:' || c.target_date, 'whatsapp', c.target_date, 'all', '{}',
            '{"hi":{"name":"daily_awareness","params":["demo"]},"en":{"name":"daily_awareness","params":["demo"]}}',
            'completed', (c.target_date::timestamp + interval '9 hours') AT TIME ZONE :tz,
            (c.target_date::timestamp + interval '10 hours') AT TIME ZONE :tz,
            (c.target_date::timestamp + interval '10 hours 11 minutes') AT TIME ZONE :tz
     FROM content c WHERE c.district_id = :district AND c.created_by = 'demo' AND c.target_date BETWEEN :start::date AND :start::date + (:days - 1)
     ORDER BY c.target_date`,
	);
	const [role] = await db.query<{ superuser: boolean }>('SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user');
	const fastLoad = db.engine === 'postgres' && role?.superuser === true;
	const broadcasts = await db.query<{ id: number; broadcast_date: string }>(
		`SELECT id, broadcast_date FROM broadcasts WHERE district_id = $1 AND content_key LIKE 'demo:%' AND channel = 'whatsapp' ORDER BY broadcast_date`,
		[districtId],
	);

	// 3. Per day: deliveries to every citizen subscribed at 10:00 that day, then their status events.
	// 2.5 % fail (the codes' classes come from the one WhatsApp error map); of the rest, 80-88 % are read.
	const failCodes = [131049, 131026, 131000] as const;
	const cls = (c: number) => lit(classifyWhatsAppCode(c));
	const deliverySql = `
    INSERT INTO deliveries (broadcast_id, subscriber_id, language, police_station, state, attempts, wamid, error_code, error_class,
                            sent_at, delivered_at, read_at, failed_at, price_category, billable)
    SELECT :broadcast, s.id, s.language, s.police_station,
           CASE WHEN failed THEN 'failed' WHEN is_read THEN 'read' ELSE 'delivered' END, 1,
           'wamid.DEMO' || lpad(:broadcast::text, 7, '0') || lpad(ci::text, 10, '0'),
           CASE WHEN failed THEN code END,
           CASE WHEN failed THEN CASE code WHEN ${failCodes[0]} THEN ${cls(failCodes[0])} WHEN ${failCodes[1]} THEN ${cls(failCodes[1])} ELSE ${cls(failCodes[2])} END END,
           sent_at, CASE WHEN NOT failed THEN delivered_at END, CASE WHEN is_read THEN read_at END,
           CASE WHEN failed THEN sent_at + interval '4 seconds' END, 'marketing', NOT failed
    FROM (
      SELECT s.id, s.language, s.police_station, x.ci,
             x.u < 0.025 AS failed,
             x.u >= 0.025 AND x.v < (0.80 + CASE WHEN s.language = 'hi' THEN 0.08 ELSE 0 END - CASE WHEN extract(isodow FROM :day::date) = 7 THEN 0.05 ELSE 0 END) AS is_read,
             CASE WHEN x.u < 0.015 THEN ${failCodes[0]} WHEN x.u < 0.021 THEN ${failCodes[1]} ELSE ${failCodes[2]} END AS code,
             :starts_at::timestamptz + x.z * interval '625 seconds' AS sent_at,
             :starts_at::timestamptz + x.z * interval '625 seconds' + (2 + x.w * 30) * interval '1 second' AS delivered_at,
             :starts_at::timestamptz + x.z * interval '625 seconds' + (40 + x.w * 30) * interval '1 second' + (x.t * x.t * x.t) * interval '18 hours' AS read_at
      FROM subscribers s
      CROSS JOIN LATERAL (SELECT substr(s.phone, 4)::bigint - ${DEMO_PHONE_BASE} AS ci) k
      CROSS JOIN LATERAL (SELECT k.ci, ${rnd('k.ci * 4000 + :k', 11)} AS u, ${rnd('k.ci * 4000 + :k', 12)} AS v,
                                 ${rnd('k.ci * 4000 + :k', 13)} AS w, ${rnd('k.ci * 4000 + :k', 14)} AS z, ${rnd('k.ci * 4000 + :k', 15)} AS t) x
      WHERE s.district_id = :district AND s.consent_source = '${DEMO_SOURCE}'
        AND s.created_at < :starts_at::timestamptz AND (s.status_changed_at IS NULL OR s.status <> 'opted_out' OR s.status_changed_at > :starts_at::timestamptz)
    ) s
    ORDER BY s.ci`;
	const eventSql = `
    INSERT INTO status_events (district_id, wamid, status, occurred_at, received_at, delivery_id, error_code, error_title,
                               price_category, billable, pricing_model)
    SELECT :district, d.wamid, v.status, v.at, v.at + interval '1 second', d.id,
           CASE WHEN v.status = 'failed' THEN d.error_code END,
           CASE WHEN v.status = 'failed' THEN 'demo failure' END,
           CASE WHEN v.status <> 'failed' THEN 'marketing' END,
           CASE WHEN v.status <> 'failed' THEN NOT (d.state = 'failed') END,
           CASE WHEN v.status <> 'failed' THEN 'PMP' END
    FROM deliveries d
    CROSS JOIN LATERAL (VALUES (1, 'sent', d.sent_at), (2, 'delivered', d.delivered_at), (3, 'read', d.read_at), (4, 'failed', d.failed_at)) AS v(o, status, at)
    WHERE d.broadcast_id = :broadcast AND v.at IS NOT NULL
    ORDER BY d.wamid, v.o`;
	for (let k = 0; k < broadcasts.length; k++) {
		const b = broadcasts[k];
		progress('deliveries', k, broadcasts.length);
		await db.transaction(async (tx) => {
			// A lost demo day on a crash is harmless; waiting for every WAL flush is not.
			if (db.engine === 'postgres') await tx.query('SET LOCAL synchronous_commit = off');
			// The rows are consistent by construction: when allowed (superuser), skip the per-row
			// foreign-key checks and dirty-day triggers, which cost more than the inserts themselves.
			// The full rollup refresh at the end stands in for the dirty days.
			if (fastLoad) await tx.query(`SET LOCAL session_replication_role = replica`);
			const startsAt = await tx.query<{ t: Date }>(`SELECT ($1::date::timestamp + interval '10 hours') AT TIME ZONE $2 AS t`, [
				b.broadcast_date,
				tz,
			]);
			const extra = { broadcast: b.id, starts_at: startsAt[0].t, day: b.broadcast_date, k };
			await run(tx, deliverySql, extra);
			await run(tx, eventSql, extra);
			await tx.query(`UPDATE broadcasts SET targeted = (SELECT count(*) FROM deliveries WHERE broadcast_id = $1) WHERE id = $1`, [b.id]);
		});
	}
	progress('deliveries', broadcasts.length, broadcasts.length);

	// 4. Citizens' messages and complaints. Category by share, message from the samples; 97 %
	// acknowledged within a minute (the automatic reply), 60 % forwarded, some closed.
	const samples: { category: string; idx: number; body: string; money: boolean; amount: number | null; sensitive: boolean }[] = [];
	for (const c of COMPLAINT_CATEGORIES)
		DEMO_MESSAGES[c].forEach((m, idx) =>
			samples.push({
				category: c,
				idx,
				body: m.body,
				money: m.moneyLoss,
				amount: m.amountInr ?? null,
				sensitive: CATEGORY_INFO[c].sensitive,
			}),
		);
	let cum = 0;
	const shareCase = COMPLAINT_CATEGORIES.map((c) => {
		cum += DEMO_CATEGORY_SHARE[c];
		return `WHEN r_cat * 100 < ${cum} THEN ${lit(c)}`;
	}).join(' ');
	const counts = COMPLAINT_CATEGORIES.map((c) => `WHEN ${lit(c)} THEN ${DEMO_MESSAGES[c].length}`).join(' ');
	const totalComplaints = Math.round(complaintsPerDay * days);
	const complaintBase = `
    SELECT j, c.category, sm.body, sm.money, sm.amount, sm.sensitive, s.id AS subscriber_id, s.phone, s.language, s.police_station,
           ((:start::date + day)::timestamp + interval '7 hours' + r_time * interval '15 hours') AT TIME ZONE :tz AS created_at,
           r_msg, r_ack, r_fwd, r_close
    FROM (
      SELECT j, floor(${rnd('j', 31)} * :days)::int AS day, ${rnd('j', 32)} AS r_time, 1 + floor(${rnd('j', 33)} * :citizens)::bigint AS ci,
             ${rnd('j', 34)} AS r_cat, ${rnd('j', 35)} AS r_msg, ${rnd('j', 36)} AS r_ack, ${rnd('j', 37)} AS r_fwd, ${rnd('j', 38)} AS r_close
      FROM generate_series(1, :total::int) AS j
    ) g
    CROSS JOIN LATERAL (SELECT CASE ${shareCase} ELSE 'other' END AS category) c
    JOIN jsonb_to_recordset(:samples::jsonb) AS sm(category text, idx int, body text, money boolean, amount bigint, sensitive boolean)
      ON sm.category = c.category AND sm.idx = floor(g.r_msg * CASE c.category ${counts} END)::int
    JOIN subscribers s ON s.district_id = :district AND s.phone = '+91' || (${DEMO_PHONE_BASE} + g.ci)`;
	await db.transaction(async (tx) => {
		const extra = { total: totalComplaints, samples: JSON.stringify(samples) };
		await step(
			'inbound messages',
			`INSERT INTO inbound_messages (district_id, wamid, subscriber_id, from_phone, type, body, payload, sent_at, received_at, queue_state, attempts, handled_at)
       SELECT :district, 'wamid.DEMOIN' || lpad(j::text, 9, '0'), subscriber_id, phone, 'text', CASE WHEN sensitive THEN NULL ELSE body END, '{}',
              created_at, created_at + interval '1 second', 'done', 1, created_at + interval '3 seconds'
       FROM (${complaintBase}) x ORDER BY j`,
			extra,
			tx,
		);
		await step(
			'complaints',
			`WITH src AS (
         SELECT x.*, (extract(year FROM x.created_at AT TIME ZONE :tz))::int AS year,
                CASE WHEN r_ack < 0.97 THEN created_at + (3 + r_ack * 57) * interval '1 second' END AS ack_at,
                CASE WHEN r_ack < 0.97 AND r_fwd < 0.6 THEN created_at + (1 + r_fwd * 12) * interval '1 hour' END AS fwd_at
         FROM (${complaintBase}) x
       ), dated AS (
         SELECT src.*, CASE WHEN fwd_at IS NOT NULL AND r_close < 0.6
                            AND fwd_at + (1 + r_close * 15) * interval '1 day' < ((:start::date + :days)::timestamp AT TIME ZONE :tz)
                       THEN fwd_at + (1 + r_close * 15) * interval '1 day' END AS closed_at
         FROM src
       ), numbered AS (
         SELECT dated.*, coalesce(cs.last_value, 0) + row_number() OVER (PARTITION BY dated.year ORDER BY dated.created_at, dated.j) AS seq
         FROM dated LEFT JOIN complaint_sequences cs ON cs.district_id = :district AND cs.year = dated.year
       )
       INSERT INTO complaints (ref, district_id, subscriber_id, inbound_message_id, category, confidence, money_loss, sensitive, police_station,
                               language, summary, status, created_at, acknowledged_at, forwarded_at, closed_at, updated_at,
                               citizen_hash, last_message_at, message_count, money_amount_inr, forwarded_to, reply_wamid, replied_at)
       SELECT :code || '-' || n.year || '-' || lpad(n.seq::text, 6, '0'), :district, n.subscriber_id, im.id, n.category, 0.6 + 0.35 * n.r_msg, n.money, n.sensitive,
              n.police_station, n.language, CASE WHEN n.sensitive THEN NULL ELSE n.body END,
              CASE WHEN n.closed_at IS NOT NULL THEN 'closed' WHEN n.fwd_at IS NOT NULL THEN 'forwarded' WHEN n.ack_at IS NOT NULL THEN 'acknowledged' ELSE 'new' END,
              n.created_at, n.ack_at, n.fwd_at, n.closed_at, coalesce(n.closed_at, n.fwd_at, n.ack_at, n.created_at),
              encode(sha256(convert_to(n.phone, 'UTF8')), 'hex'), n.created_at, 1, n.amount,
              CASE WHEN n.fwd_at IS NOT NULL THEN coalesce(n.police_station, 'Cyber Cell') END,
              CASE WHEN n.ack_at IS NOT NULL THEN 'wamid.DEMOACK' || lpad(n.j::text, 9, '0') END, n.ack_at
       FROM numbered n JOIN inbound_messages im ON im.wamid = 'wamid.DEMOIN' || lpad(n.j::text, 9, '0')
       ORDER BY n.created_at, n.j`,
			{ ...extra, code: district.code },
			tx,
		);
		await tx.query(
			`INSERT INTO complaint_messages (complaint_id, inbound_message_id, body, received_at)
       SELECT c.id, c.inbound_message_id, c.summary, c.created_at FROM complaints c
       JOIN inbound_messages im ON im.id = c.inbound_message_id AND im.wamid LIKE 'wamid.DEMOIN%'
       WHERE c.district_id = $1 ORDER BY c.id`,
			[districtId],
		);
		await tx.query(
			`INSERT INTO complaint_sequences (district_id, year, last_value)
       SELECT $1, split_part(ref, '-', 2)::int, max(split_part(ref, '-', 3)::int) FROM complaints WHERE district_id = $1 GROUP BY 2
       ON CONFLICT (district_id, year) DO UPDATE SET last_value = greatest(complaint_sequences.last_value, excluded.last_value)`,
			[districtId],
		);
	});

	// 5. One post a day on each network; cumulative insight snapshots for the seven days after.
	await step(
		'social posts',
		`INSERT INTO social_posts (district_id, content_id, content_key, channel, state, external_id, url, attempts, created_at, published_at)
     SELECT :district, c.id, 'demo:' || c.target_date, ch.channel, 'published', ch.channel || '_demo_' || to_char(c.target_date, 'YYYYMMDD'),
            'https://example.org/demo/' || ch.channel || '/' || to_char(c.target_date, 'YYYYMMDD'), 1,
            (c.target_date::timestamp + interval '10 hours') AT TIME ZONE :tz,
            (c.target_date::timestamp + interval '10 hours 5 minutes') AT TIME ZONE :tz
     FROM content c CROSS JOIN (VALUES ('facebook'), ('instagram'), ('x')) AS ch(channel)
     WHERE c.district_id = :district AND c.created_by = 'demo' AND c.target_date BETWEEN :start::date AND :start::date + (:days - 1)
     ORDER BY c.target_date, ch.channel`,
	);
	await step(
		'social metrics',
		`INSERT INTO social_metrics (post_id, day, metric, value, fetched_at)
     SELECT p.id, p.day + t, m.metric, round(total * m.share * (1 - power(0.5, t + 1)))::bigint,
            ((p.day + t)::timestamp + interval '23 hours') AT TIME ZONE :tz
     FROM (
       SELECT sp.id, (sp.published_at AT TIME ZONE :tz)::date AS day,
              CASE sp.channel WHEN 'facebook' THEN 2000 + 6000 * r WHEN 'instagram' THEN 1000 + 4000 * r ELSE 300 + 1700 * r END AS total
       FROM social_posts sp
       CROSS JOIN LATERAL (SELECT ${rnd("((sp.published_at AT TIME ZONE :tz)::date - :start::date) * 10 + CASE sp.channel WHEN 'facebook' THEN 1 WHEN 'instagram' THEN 2 ELSE 3 END", 41)} AS r) x
       WHERE sp.district_id = :district AND sp.content_key LIKE 'demo:%'
     ) p
     CROSS JOIN generate_series(0, 6) AS t
     CROSS JOIN (VALUES ('views', 1.0), ('reach', 0.62), ('likes', 0.04)) AS m(metric, share)
     WHERE p.day + t <= :start::date + (:days - 1)
     ORDER BY p.id, t, m.metric`,
	);

	// Fresh statistics: the planner would otherwise plan the rollups for empty tables.
	await db.exec(
		'ANALYZE subscribers; ANALYZE broadcasts; ANALYZE deliveries; ANALYZE status_events; ANALYZE complaints; ANALYZE social_metrics; ANALYZE audit_log',
	);

	if (opts.refreshRollups !== false) {
		progress('rollups', 0, 1);
		await refreshRollups(db, { mode: 'full', districtId });
		progress('rollups', 1, 1);
	}

	const [c] = await db.query<Record<string, number>>(
		`SELECT
       (SELECT count(*) FROM subscribers WHERE district_id = $1 AND consent_source = '${DEMO_SOURCE}')::int AS subscribers,
       (SELECT count(*) FROM subscribers WHERE district_id = $1 AND consent_source = '${DEMO_SOURCE}' AND status = 'opted_out')::int AS opt_outs,
       (SELECT count(*) FROM broadcasts WHERE district_id = $1 AND content_key LIKE 'demo:%')::int AS broadcasts,
       (SELECT coalesce(sum(targeted), 0) FROM broadcasts WHERE district_id = $1 AND content_key LIKE 'demo:%')::int AS deliveries,
       (SELECT count(*) FROM status_events WHERE district_id = $1 AND wamid LIKE 'wamid.DEMO%')::int AS status_events,
       (SELECT count(*) FROM inbound_messages WHERE district_id = $1 AND wamid LIKE 'wamid.DEMOIN%')::int AS inbound,
       (SELECT count(*) FROM complaints c JOIN inbound_messages im ON im.id = c.inbound_message_id WHERE c.district_id = $1 AND im.wamid LIKE 'wamid.DEMOIN%')::int AS complaints,
       (SELECT count(*) FROM social_posts WHERE district_id = $1 AND content_key LIKE 'demo:%')::int AS posts,
       (SELECT count(*) FROM social_metrics m JOIN social_posts p ON p.id = m.post_id WHERE p.district_id = $1 AND p.content_key LIKE 'demo:%')::int AS metrics`,
		[districtId],
	);
	return {
		citizens,
		days,
		seed,
		startDate,
		endDate,
		subscribers: c.subscribers,
		broadcasts: c.broadcasts,
		deliveries: c.deliveries,
		statusEvents: c.status_events,
		optOuts: c.opt_outs,
		inboundMessages: c.inbound,
		complaints: c.complaints,
		socialPosts: c.posts,
		socialMetrics: c.metrics,
		millis: Date.now() - started,
	};
}
