/**
 * State-scale data for the dashboard benchmark (issue 19 §4): N districts, M citizens, D days,
 * written by set-based SQL (generate_series), not row by row, so a million citizens load in about
 * a minute. Deterministic (no random(): every figure is a function of the row's numbers).
 *
 * What is seeded is what the dashboard reads: the roster (subscribers: the roster snapshot is
 * built from it by the product's own refresh), the rollups of every day (WhatsApp per station and
 * language, per broadcast, complaints per category and station, social per channel), one
 * broadcast per district per day, today's broadcast with one delivery per active citizen (the
 * live funnel reads them), the newest complaints (the list reads them) and one WhatsApp number
 * per district. Raw status events of past days are not written: no chart reads them (the
 * rollups are their summary, bench/rollups.ts measures building them), and 30 days of a million
 * citizens would be ~85 M rows.
 */
import type { Db } from '../core/db';

export interface StateShape {
	districts: number;
	citizens: number;
	days: number;
	stationsPerDistrict: number;
}

export async function seedState(db: Db, s: StateShape): Promise<Record<string, number>> {
	const today = `(now() AT TIME ZONE 'Asia/Kolkata')::date`;
	const step = async (sql: string, params: unknown[] = []) => db.query(sql, params);
	// District 1 comes with the migrations; the rest numbered after it (codes are letters: SAC, SAD, …).
	await step(
		`INSERT INTO districts (code, name, name_hi, wa_phone_number_id)
     SELECT 'S' || chr(65 + g / 26) || chr(65 + g % 26), 'District ' || lpad(g::text, 2, '0'), 'ज़िला ' || g, '1000000000000' || lpad(g::text, 2, '0')
       FROM generate_series(2, $1::int) g`,
		[s.districts],
	);
	await step(`UPDATE districts SET wa_phone_number_id = '100000000000001' WHERE id = 1 AND wa_phone_number_id IS NULL`);
	await step(
		`INSERT INTO police_stations (district_id, name, name_hi)
     SELECT d.id, 'Thana ' || d.id || '-' || g, 'थाना ' || d.id || '-' || g FROM districts d, generate_series(1, $1::int) g
     ON CONFLICT DO NOTHING`,
		[s.stationsPerDistrict],
	);
	await step(
		`INSERT INTO whatsapp_numbers (phone_number_id, district_id, messaging_tier, quality_rating, throughput_per_second, source)
     SELECT wa_phone_number_id, id, 'TIER_100K', 'GREEN', 80, 'bench' FROM districts ON CONFLICT DO NOTHING`,
	);
	// Citizens: district g % N + 1, station g % S, 30 % English, 2 % opted out, 1 % invalid; joined over the window.
	await step(
		`INSERT INTO subscribers (district_id, phone, name, language, police_station, consent_source, status, created_at, consent_at)
     SELECT g % $2 + 1, '+91' || (6000000000 + g)::text, 'Citizen ' || g,
            CASE WHEN (g / 7) % 10 < 3 THEN 'en' ELSE 'hi' END,
            'Thana ' || (g % $2 + 1) || '-' || ((g / $2) % $3 + 1),
            CASE g % 3 WHEN 0 THEN 'camp' WHEN 1 THEN 'form' ELSE 'whatsapp JOIN' END,
            CASE WHEN g % 100 < 2 THEN 'opted_out' WHEN g % 100 = 2 THEN 'invalid' ELSE 'active' END,
            now() - make_interval(days => (g % ($4 + 60))), now() - make_interval(days => (g % ($4 + 60)))
       FROM generate_series(1, $1::int) g`,
		[s.citizens, s.districts, s.stationsPerDistrict, s.days],
	);
	await step('ANALYZE subscribers');
	// One WhatsApp broadcast per district per day; today's is the one the live funnel shows.
	await step(
		`INSERT INTO broadcasts (district_id, content_key, channel, broadcast_date, segment_key, templates, status, targeted,
                             started_at, finished_at, phone_number_id, created_at)
     SELECT d.id, 'bench-' || day, 'whatsapp', day, 'all', '{}', 'completed', a.n,
            day + time '10:00', day + time '10:12', d.wa_phone_number_id, day + time '09:55'
       FROM districts d
       JOIN (SELECT district_id, count(*)::int AS n FROM subscribers WHERE status = 'active' GROUP BY 1) a ON a.district_id = d.id,
            generate_series(${today} - ($1::int - 1), ${today}, interval '1 day') AS t(day)`,
		[s.days],
	);
	await step(
		`INSERT INTO deliveries (broadcast_id, subscriber_id, language, police_station, state, attempts, wamid, sent_at, delivered_at, read_at, failed_at, error_class)
     SELECT b.id, x.id, x.language, x.police_station,
            CASE WHEN x.id % 50 = 0 THEN 'failed' WHEN x.id % 10 < 7 THEN 'read' WHEN x.id % 10 < 9 THEN 'delivered' ELSE 'sent' END,
            1, 'wamid.state.' || x.id, b.started_at, b.started_at + interval '5 s', b.started_at + interval '1 min',
            CASE WHEN x.id % 50 = 0 THEN b.started_at END, CASE WHEN x.id % 50 = 0 THEN 'retry_tomorrow' END
       FROM broadcasts b JOIN subscribers x ON x.district_id = b.district_id AND x.status = 'active'
      WHERE b.broadcast_date = ${today}`,
	);
	// Rollups, as the refresher writes them: per day, district, station and language.
	await step(
		`INSERT INTO rollup_whatsapp_daily (day, district_id, police_station, language, targeted, sent, delivered, read, failed,
                                        failed_by_class, opt_outs, new_subscribers, spend_inr)
     SELECT day, c.district_id, c.police_station, c.language, c.n, c.n * 98 / 100, c.n * 95 / 100, c.n * (60 + extract(day FROM day)::int % 15) / 100,
            c.n * 2 / 100, jsonb_build_object('retry_tomorrow', c.n / 100, 'drop_recipient', c.n * 2 / 100 - c.n / 100),
            c.n / 500, c.n / 300, round(c.n * 95 / 100 * 0.8631, 2)
       FROM (SELECT district_id, police_station, language, count(*)::int AS n FROM subscribers WHERE status = 'active' GROUP BY 1, 2, 3) c,
            generate_series(${today} - ($1::int - 1), ${today}, interval '1 day') AS t(day)`,
		[s.days],
	);
	await step(
		`INSERT INTO rollup_broadcast_daily (day, district_id, broadcast_id, category, sent, delivered, read, failed, billable, free, spend_inr)
     SELECT b.broadcast_date, b.district_id, b.id, 'marketing', b.targeted * 98 / 100, b.targeted * 95 / 100, b.targeted * 70 / 100,
            b.targeted * 2 / 100, b.targeted * 95 / 100, 0, round(b.targeted * 95 / 100 * 0.8631, 4)
       FROM broadcasts b`,
	);
	await step(
		`INSERT INTO rollup_social_daily (day, district_id, channel, posts, views, reach)
     SELECT day, d.id, ch, 1, 5000 + d.id * 100, 3000 + d.id * 50
       FROM districts d, unnest(ARRAY['facebook', 'instagram', 'x']) AS ch,
            generate_series(${today} - ($1::int - 1), ${today}, interval '1 day') AS t(day)`,
		[s.days],
	);
	// The newest complaints (the complaints page lists the latest few): 20 per district per day.
	await step(
		`INSERT INTO complaints (ref, district_id, subscriber_id, category, confidence, money_loss, police_station, language, summary, status, created_at, last_message_at)
     SELECT 'BENCH-' || d.id || '-' || to_char(day, 'YYYYMMDD') || '-' || k, d.id, NULL,
            (ARRAY['women_child', 'online_financial_fraud', 'social_media', 'hacking', 'mobile', 'cryptocurrency', 'other'])[k % 7 + 1],
            0.8, k % 7 = 1, 'Thana ' || d.id || '-' || (k % $2 + 1), 'hi', 'bench complaint', 'new', day + make_interval(mins => k * 30), day + make_interval(mins => k * 30)
       FROM districts d, generate_series(${today} - ($1::int - 1), ${today}, interval '1 day') AS t(day), generate_series(1, 20) k`,
		[s.days, s.stationsPerDistrict],
	);
	// Their rollup, grouped as the refresher groups them: only (day, district, category, station) that had one.
	await step(
		`INSERT INTO rollup_complaints_daily (day, district_id, category, police_station, opened, closed, money_loss, ack_count, ack_seconds_sum,
                                          ack_seconds_median, first_response_count, first_response_seconds_sum, first_response_seconds_median, over_48h)
     SELECT (created_at AT TIME ZONE 'Asia/Kolkata')::date, district_id, category, police_station, count(*), count(*) / 2,
            count(*) FILTER (WHERE money_loss), count(*), sum(60 + id % 900), 60 + min(id) % 900, count(*), sum(600 + id % 3600),
            600 + min(id) % 3600, 0
       FROM complaints GROUP BY 1, 2, 3, 4`,
	);
	// The rollups above are as of now: nothing is waiting for the refresher.
	await step('DELETE FROM rollup_dirty_days');
	const [c] = await db.query<Record<string, number>>(
		`SELECT (SELECT count(*) FROM districts)::int AS districts, (SELECT count(*) FROM subscribers)::int AS subscribers,
            (SELECT count(*) FROM broadcasts)::int AS broadcasts, (SELECT count(*) FROM deliveries)::int AS deliveries,
            (SELECT count(*) FROM rollup_whatsapp_daily)::int AS rollup_whatsapp_daily,
            (SELECT count(*) FROM rollup_complaints_daily)::int AS rollup_complaints_daily,
            (SELECT count(*) FROM complaints)::int AS complaints`,
	);
	return c;
}
