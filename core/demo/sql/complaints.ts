/**
 * Citizens' messages and complaints. Category by share, message from the samples; 97 %
 * acknowledged within a minute (the automatic reply), 60 % forwarded, some closed.
 * :total complaints over the window, :samples = COMPLAINT_SAMPLES, :code = the district code.
 */
import { CATEGORY_INFO, COMPLAINT_CATEGORIES } from '../../complaints/categories';
import { DEMO_CATEGORY_SHARE, DEMO_MESSAGES } from '../messages';
import { DEMO_PHONE_BASE, lit, rnd } from './random';

/** Every sample message with its category's facts, as the JSON the statements join. */
export const COMPLAINT_SAMPLES = JSON.stringify(
	COMPLAINT_CATEGORIES.flatMap((c) =>
		DEMO_MESSAGES[c].map((m, idx) => ({
			category: c,
			idx,
			body: m.body,
			money: m.moneyLoss,
			amount: m.amountInr ?? null,
			sensitive: CATEGORY_INFO[c].sensitive,
		})),
	),
);

let cum = 0;
const shareCase = COMPLAINT_CATEGORIES.map((c) => {
	cum += DEMO_CATEGORY_SHARE[c];
	return `WHEN r_cat * 100 < ${cum} THEN ${lit(c)}`;
}).join(' ');
const counts = COMPLAINT_CATEGORIES.map((c) => `WHEN ${lit(c)} THEN ${DEMO_MESSAGES[c].length}`).join(' ');

/** The complaints as rows (the same for the messages and the complaints: one key j each). */
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

/** The citizen's message behind each complaint. */
export const INBOUND_MESSAGES = `INSERT INTO inbound_messages (district_id, wamid, subscriber_id, from_phone, type, body, payload, sent_at, received_at, queue_state, attempts, handled_at)
       SELECT :district, 'wamid.DEMOIN' || lpad(j::text, 9, '0'), subscriber_id, phone, 'text', CASE WHEN sensitive THEN NULL ELSE body END, '{}',
              created_at, created_at + interval '1 second', 'done', 1, created_at + interval '3 seconds'
       FROM (${complaintBase}) x ORDER BY j`;

/** The complaints, numbered per year after the district's sequence. */
export const COMPLAINTS = `WITH src AS (
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
       ORDER BY n.created_at, n.j`;

/** Each complaint's first message. */
export const COMPLAINT_MESSAGES = `INSERT INTO complaint_messages (complaint_id, inbound_message_id, body, received_at)
       SELECT c.id, c.inbound_message_id, c.summary, c.created_at FROM complaints c
       JOIN inbound_messages im ON im.id = c.inbound_message_id AND im.wamid LIKE 'wamid.DEMOIN%'
       WHERE c.district_id = :district ORDER BY c.id`;

/** The sequence continues after the demo's references. */
export const COMPLAINT_SEQUENCES = `INSERT INTO complaint_sequences (district_id, year, last_value)
       SELECT :district, split_part(ref, '-', 2)::int, max(split_part(ref, '-', 3)::int) FROM complaints WHERE district_id = :district GROUP BY 2
       ON CONFLICT (district_id, year) DO UPDATE SET last_value = greatest(complaint_sequences.last_value, excluded.last_value)`;
