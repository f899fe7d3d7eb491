/**
 * The demo generator's output, pinned: the same options give the same rows (not only the same
 * counts) on both engines, before and after any change to how the generator is written.
 * The fingerprints were recorded from the generator as it was before it was split into steps.
 */
import { generateDemo } from '../../core/demo/generate';
import { describeEachEngine } from '../helpers/db';

const OPTS = { citizens: 300, days: 10, seed: 7, endDate: '2026-03-31' };

/** md5 of each table's rows in a stable order, keyed by what the demo derives (never serial ids). */
const FINGERPRINTS = {
	subscribers: `SELECT md5(string_agg(concat_ws('|', phone, wa_id, language, police_station, block, status, status_reason, status_changed_at, created_at), ',' ORDER BY phone)) FROM subscribers`,
	auditOptOuts: `SELECT md5(string_agg(concat_ws('|', s.phone, a.at, a.details::text), ',' ORDER BY s.phone)) FROM audit_log a JOIN subscribers s ON s.id::text = a.entity_id WHERE a.action = 'subscriber.opt_out'`,
	content: `SELECT md5(string_agg(concat_ws('|', title, body_hi, body_en, category, target_date, state, approved_at, created_at), ',' ORDER BY target_date)) FROM content`,
	broadcasts: `SELECT md5(string_agg(concat_ws('|', content_key, broadcast_date, status, targeted, created_at, started_at, finished_at), ',' ORDER BY broadcast_date)) FROM broadcasts`,
	deliveries: `SELECT md5(string_agg(concat_ws('|', b.broadcast_date, s.phone, d.language, d.police_station, d.state, d.error_code, d.error_class, d.sent_at, d.delivered_at, d.read_at, d.failed_at, d.billable), ',' ORDER BY b.broadcast_date, s.phone))
	  FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id JOIN subscribers s ON s.id = d.subscriber_id`,
	statusEvents: `SELECT md5(string_agg(concat_ws('|', b.broadcast_date, s.phone, e.status, e.occurred_at, e.error_code, e.billable), ',' ORDER BY b.broadcast_date, s.phone, e.status))
	  FROM status_events e JOIN deliveries d ON d.id = e.delivery_id JOIN broadcasts b ON b.id = d.broadcast_id JOIN subscribers s ON s.id = d.subscriber_id`,
	inbound: `SELECT md5(string_agg(concat_ws('|', wamid, from_phone, body, sent_at, handled_at), ',' ORDER BY wamid)) FROM inbound_messages`,
	complaints: `SELECT md5(string_agg(concat_ws('|', ref, category, confidence, money_loss, sensitive, police_station, language, summary, status, created_at, acknowledged_at, forwarded_at, closed_at, money_amount_inr, forwarded_to, reply_wamid), ',' ORDER BY ref)) FROM complaints`,
	complaintMessages: `SELECT md5(string_agg(concat_ws('|', c.ref, m.body, m.received_at), ',' ORDER BY c.ref)) FROM complaint_messages m JOIN complaints c ON c.id = m.complaint_id`,
	sequences: `SELECT md5(string_agg(concat_ws('|', year, last_value), ',' ORDER BY year)) FROM complaint_sequences`,
	socialPosts: `SELECT md5(string_agg(concat_ws('|', content_key, channel, external_id, url, published_at), ',' ORDER BY content_key, channel)) FROM social_posts`,
	socialMetrics: `SELECT md5(string_agg(concat_ws('|', p.external_id, m.day, m.metric, m.value, m.fetched_at), ',' ORDER BY p.external_id, m.day, m.metric)) FROM social_metrics m JOIN social_posts p ON p.id = m.post_id`,
	rollupWhatsapp: `SELECT md5(string_agg(concat_ws('|', day, police_station, language, targeted, sent, delivered, read, failed, failed_by_class::text, opt_outs, new_subscribers, spend_inr), ',' ORDER BY day, police_station, language)) FROM rollup_whatsapp_daily`,
};

const RECORDED: Record<keyof typeof FINGERPRINTS, string> = {
	subscribers: '9f64416107a2965248c42d08e7082db2',
	auditOptOuts: '1e8f991aef1d11e3cc9eb0963e2511bc',
	content: 'ed80d97a3182c6282b8f06e5e94214e9',
	broadcasts: '2d0541381f2a7c64328186ee7c83b156',
	deliveries: '636d758371ad8d14e7f3efd1fc85fa2e',
	statusEvents: 'f318e23d2a96911b3034bc1e671c7d91',
	inbound: 'f8fa91c4e4ea8bb1cf8baf6ddb5973d1',
	complaints: 'dbac840d21a94c31c71bc658f1f61f39',
	complaintMessages: 'fa08aaeb6abb9f249e2e6043dd09b89f',
	sequences: 'd54cbab54c02e5525d0e3f5450ced555',
	socialPosts: '6daa359ff0155597fb6144a4bbf7ce1f',
	socialMetrics: 'bc41acfcb688fcc4bc402d464fd46bb4',
	rollupWhatsapp: '7465ebe08c387663d8d0c063fa4e6c9f',
};

const SUMMARY = {
	citizens: 300,
	days: 10,
	seed: 7,
	startDate: '2026-03-22',
	endDate: '2026-03-31',
	subscribers: 300,
	broadcasts: 10,
	deliveries: 2692,
	statusEvents: 7599,
	optOuts: 8,
	inboundMessages: 20,
	complaints: 20,
	socialPosts: 30,
	socialMetrics: 441,
};

/** Progress as it is reported: each step once, the deliveries once per day. */
const STEPS = [
	'subscribers 0/1',
	'subscribers 1/1',
	'opt-outs 0/1',
	'opt-outs 1/1',
	'content 0/1',
	'content 1/1',
	'broadcasts 0/1',
	'broadcasts 1/1',
	...Array.from({ length: 11 }, (_, k) => `deliveries ${k}/10`),
	'inbound messages 0/1',
	'inbound messages 1/1',
	'complaints 0/1',
	'complaints 1/1',
	'social posts 0/1',
	'social posts 1/1',
	'social metrics 0/1',
	'social metrics 1/1',
	'rollups 0/1',
	'rollups 1/1',
];

describeEachEngine('demo data', (ctx) => {
	test('the same options give the same rows, step by step', async () => {
		const steps: string[] = [];
		const summary = await generateDemo(ctx.db, { ...OPTS, onProgress: (step, done, total) => steps.push(`${step} ${done}/${total}`) });
		const got: Record<string, string> = {};
		for (const [name, sql] of Object.entries(FINGERPRINTS)) {
			const [r] = await ctx.db.query<{ md5: string }>(sql);
			got[name] = r.md5;
		}
		const { millis, ...counts } = summary;
		expect(millis).toBeGreaterThan(0);
		expect(counts).toEqual(SUMMARY);
		expect(got).toEqual(RECORDED);
		expect(steps).toEqual(STEPS);
	});
});
