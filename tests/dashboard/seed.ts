import { createHash } from 'crypto';
import type { Db } from '../../core/db';
import { ContentService } from '../../core/content';
import { newNonce, requestApproval } from '../../core/approvals';
import { createAdmin, insertUser, hashPassword, type Role } from '../../core/auth';
import { resolveConfig } from '../../core/config';
import { addDays as shiftDay, todayIn } from '../../core/time';

/**
 * Test data for the dashboard: rollup rows written directly (so tests do not depend on the
 * metrics engineer's generator), a small roster, complaints, an approval queue and a running
 * broadcast. Every number is derived from a seeded generator and returned, so tests compute
 * the expected figures from the same rows.
 */
export const STATIONS = ['Kawardha', 'Pandariya', 'Bodla', 'Sahaspur Lohara', 'Pipariya', 'Kukdur'];
export const CATEGORIES = ['online_financial_fraud', 'social_media', 'women_child', 'mobile', 'other'];
export const PASSWORD = 'Mitan-test-pass-2026';

function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

export interface WaRow {
	day: string;
	district_id: number;
	police_station: string;
	language: string;
	targeted: number;
	sent: number;
	delivered: number;
	read: number;
	failed: number;
	failed_by_class: Record<string, number>;
	opt_outs: number;
	new_subscribers: number;
}
export interface SocialRow {
	day: string;
	district_id: number;
	channel: string;
	posts: number;
	views: number;
	reach: number;
}
export interface ComplaintRow {
	day: string;
	district_id: number;
	category: string;
	police_station: string;
	opened: number;
	closed: number;
	money_loss: number;
	ack_count: number;
	ack_seconds_sum: number;
	ack_seconds_median: number | null;
}

export interface Seeded {
	today: string;
	wa: WaRow[];
	social: SocialRow[];
	complaints: ComplaintRow[];
	users: Record<Exclude<Role, 'editor'> | 'district_viewer', string>;
	pendingApprovalIds: number[];
	pendingHashes: string[];
	broadcastId: number;
	district2: number;
}

export async function seedDashboard(db: Db, opts: { days?: number; today?: string; rosterSize?: number } = {}): Promise<Seeded> {
	const days = opts.days ?? 90;
	const today = opts.today ?? todayIn(resolveConfig({}, {}).timezone);
	const r = rng(42);
	const [{ id: district2 }] = await db.query<{ id: number }>(
		`INSERT INTO districts (code, name, name_hi) VALUES ('RJN', 'Rajnandgaon', 'राजनांदगांव')
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
	);

	const wa: WaRow[] = [];
	const social: SocialRow[] = [];
	const complaints: ComplaintRow[] = [];
	for (let i = days - 1; i >= 0; i--) {
		const day = shiftDay(today, -i);
		const growth = 1 + (days - i) / days; // the campaign grows over the period
		STATIONS.forEach((station, si) => {
			for (const language of ['hi', 'en']) {
				const targeted = Math.round((language === 'hi' ? 900 : 300) * growth * (1 - si * 0.1));
				const failed = Math.round(targeted * (0.01 + r() * 0.03));
				const sent = targeted - failed;
				const delivered = Math.round(sent * (0.9 + r() * 0.08));
				const read = Math.round(delivered * (0.45 + r() * 0.25));
				const drop = Math.round(failed * 0.6);
				wa.push({
					day,
					district_id: 1,
					police_station: station,
					language,
					targeted,
					sent,
					delivered,
					read,
					failed,
					failed_by_class: { drop_recipient: drop, retry_tomorrow: failed - drop },
					opt_outs: Math.floor(r() * 4),
					new_subscribers: Math.floor(r() * 6),
				});
			}
			CATEGORIES.forEach((category, ci) => {
				if (r() < 0.45) return;
				const opened = 1 + Math.floor(r() * (ci === 0 ? 6 : 3));
				const ackCount = opened;
				const median = 300 + Math.floor(r() * 3000);
				complaints.push({
					day,
					district_id: 1,
					category,
					police_station: station,
					opened,
					closed: Math.max(0, opened - Math.floor(r() * 2)),
					money_loss: ci === 0 ? Math.floor(opened / 2) : 0,
					ack_count: ackCount,
					ack_seconds_sum: median * ackCount,
					ack_seconds_median: median,
				});
			});
		});
		for (const channel of ['facebook', 'instagram', 'x']) {
			const base = channel === 'facebook' ? 4000 : channel === 'instagram' ? 2500 : 1200;
			const views = Math.round(base * growth * (0.7 + r() * 0.6));
			social.push({ day, district_id: 1, channel, posts: 1, views, reach: Math.round(views * 0.7) });
		}
		// The second district: a small campaign, so district filters have something to tell apart.
		wa.push({
			day,
			district_id: district2,
			police_station: 'Rajnandgaon Kotwali',
			language: 'hi',
			targeted: 100,
			sent: 100,
			delivered: 90,
			read: 50,
			failed: 0,
			failed_by_class: {},
			opt_outs: 0,
			new_subscribers: 1,
		});
	}
	await db.query(
		`INSERT INTO rollup_whatsapp_daily (day, district_id, police_station, language, targeted, sent, delivered, read, failed, failed_by_class, opt_outs, new_subscribers)
     SELECT day, district_id, police_station, language, targeted, sent, delivered, read, failed, failed_by_class, opt_outs, new_subscribers
       FROM jsonb_to_recordset($1::jsonb) AS r(day date, district_id int, police_station text, language text, targeted int, sent int, delivered int,
            read int, failed int, failed_by_class jsonb, opt_outs int, new_subscribers int)`,
		[JSON.stringify(wa)],
	);
	await db.query(
		`INSERT INTO rollup_social_daily (day, district_id, channel, posts, views, reach)
     SELECT day, district_id, channel, posts, views, reach FROM jsonb_to_recordset($1::jsonb) AS r(day date, district_id int, channel text, posts int, views bigint, reach bigint)`,
		[JSON.stringify(social)],
	);
	await db.query(
		`INSERT INTO rollup_complaints_daily (day, district_id, category, police_station, opened, closed, money_loss, ack_count, ack_seconds_sum, ack_seconds_median)
     SELECT day, district_id, category, police_station, opened, closed, money_loss, ack_count, ack_seconds_sum, ack_seconds_median
       FROM jsonb_to_recordset($1::jsonb) AS r(day date, district_id int, category text, police_station text, opened int, closed int, money_loss int,
            ack_count int, ack_seconds_sum bigint, ack_seconds_median int)`,
		[JSON.stringify(complaints)],
	);

	// A small roster: 60 people in district 1 (mixed language, consent source, status), 5 in district 2.
	const subs = [] as Array<{
		district_id: number;
		phone: string;
		language: string;
		police_station: string;
		consent_source: string;
		status: string;
	}>;
	for (let i = 0; i < 65; i++) {
		const d2 = i >= 60;
		const status = i % 15 === 7 ? 'opted_out' : i % 29 === 3 ? 'invalid' : 'active';
		subs.push({
			district_id: d2 ? district2 : 1,
			phone: `+9198${String(76500000 + i).padStart(8, '0')}`,
			language: i % 4 === 0 ? 'en' : 'hi',
			police_station: d2 ? 'Rajnandgaon Kotwali' : STATIONS[i % STATIONS.length],
			consent_source: ['camp', 'form', 'csv', 'whatsapp'][i % 4],
			status,
		});
	}
	const subRows = await db.query<{ id: number; phone: string }>(
		`INSERT INTO subscribers (district_id, phone, language, police_station, consent_source, consent_at, status)
     SELECT district_id, phone, language, police_station, consent_source, now(), status
       FROM jsonb_to_recordset($1::jsonb) AS r(district_id int, phone text, language text, police_station text, consent_source text, status text)
     RETURNING id, phone`,
		[JSON.stringify(subs)],
	);
	const subIds = subRows.map((s) => s.id);
	// The bulk of the roster (district 1), so charts show a realistic campaign: one statement.
	await db.query(
		`INSERT INTO subscribers (district_id, phone, language, police_station, consent_source, consent_at, status, status_reason)
     SELECT 1, '+9197' || lpad(i::text, 8, '0'), CASE WHEN i % 4 = 0 THEN 'en' ELSE 'hi' END,
            ($1::text[])[1 + i % 6], ($2::text[])[1 + i % 7],
            now(), CASE WHEN i % 50 = 7 THEN 'opted_out' WHEN i % 97 = 3 THEN 'invalid' ELSE 'active' END,
            CASE WHEN i % 50 = 7 THEN 'STOP' WHEN i % 97 = 3 THEN 'not on WhatsApp' END
       FROM generate_series(1, $3::int) AS i`,
		[STATIONS, ['camp', 'camp', 'camp', 'form', 'csv', 'csv', 'whatsapp'], opts.rosterSize ?? 12000],
	);

	// Complaints (live table): the newest list on the complaints page, one of them sensitive.
	await db.query(
		`INSERT INTO complaints (ref, district_id, subscriber_id, category, police_station, summary, sensitive, money_loss, status, created_at)
     VALUES ('KBD-2026-000101', 1, $1, 'online_financial_fraud', 'Kawardha', 'Caller posing as bank officer took OTP; Rs 24,000 lost', false, true, 'acknowledged', now() - interval '2 hours'),
            ('KBD-2026-000102', 1, $2, 'women_child', 'Pandariya', 'Harassment messages from unknown number to a college student', true, false, 'new', now() - interval '1 hour'),
            ('KBD-2026-000103', 1, $3, 'other', 'Bodla', 'Fake job offer asked for registration fee', false, true, 'forwarded', now() - interval '30 minutes'),
            ('RJN-2026-000001', $4, NULL, 'other', 'Rajnandgaon Kotwali', 'Other district complaint', false, false, 'new', now() - interval '10 minutes')`,
		[subIds[0], subIds[1], subIds[2], district2],
	);

	// Approval queue: two pending items for district 1 through the approval service (exactly as
	// n8n's Approval node creates them), plus decided history rows for the on-time share.
	const contentSvc = new ContentService(db, 1);
	const pendingDrafts = [
		{
			title: 'Video-call scam warning',
			bodyHi: 'अनजान नंबर से वीडियो कॉल आए तो न उठाएँ। ठगी होने पर तुरंत 1930 पर कॉल करें।',
			bodyEn: 'Do not pick up video calls from unknown numbers. If cheated, call 1930 at once.',
			category: 'cyber_fraud',
			targetDate: shiftDay(today, 1),
			variants: {
				whatsapp: {
					templates: {
						hi: { name: 'daily_awareness', language: 'hi', params: ['वीडियो कॉल ठगी से सावधान'] },
						en: { name: 'daily_awareness', language: 'en', params: ['Beware of video-call scams'] },
					},
				},
				x: { text: 'Video call from an unknown number? Do not answer. Cheated? Call 1930. #CyberSafe' },
				facebook: { text: 'अनजान वीडियो कॉल से सावधान रहें / Beware of video calls from unknown numbers.' },
			},
		},
		{
			title: 'Helmet saves lives',
			bodyHi: 'दोपहिया चलाते समय हेलमेट अवश्य पहनें।',
			bodyEn: 'Always wear a helmet on a two-wheeler.',
			category: 'traffic',
			targetDate: shiftDay(today, 2),
			variants: { x: { text: 'Wear a helmet. #KabirdhamPolice' } },
		},
	];
	const pendingApprovalIds: number[] = [];
	const pendingHashes: string[] = [];
	let hoursLeft = 5;
	for (const d of pendingDrafts) {
		const c = await contentSvc.create(d, 'user:cybercell');
		const req = await requestApproval(db, {
			contentId: c.id,
			districtId: 1,
			approverPhone: '+919876500999',
			approverName: 'Addl. SP',
			deadlineAt: new Date(Date.now() + hoursLeft * 3600_000),
			nonce: newNonce(),
			links: { approve: 'http://127.0.0.1:9/a', reject: 'http://127.0.0.1:9/r', changes: 'http://127.0.0.1:9/c' },
			actor: 'system:test',
		});
		hoursLeft += 15;
		pendingApprovalIds.push(req.approval.id);
		pendingHashes.push(req.approval.contentHash);
	}
	const hash = (x: string) => createHash('sha256').update(x).digest('hex');
	const contents = await db.query<{ id: number; content_hash: string }>(
		`INSERT INTO content (district_id, title, body_hi, body_en, category, target_date, variants, state, content_hash, created_by)
     VALUES (1, 'Old approved item', 'पुराना संदेश', 'Old message', 'other', $1, '{}'::jsonb, 'approved', $2, 'user:cybercell'),
            (1, 'Old late item', 'पुराना संदेश 2', 'Old message 2', 'other', $1, '{}'::jsonb, 'rejected', $3, 'user:cybercell')
     RETURNING id, content_hash`,
		[shiftDay(today, -5), hash('c'), hash('d')],
	);
	await db.query(
		`INSERT INTO approvals (content_id, district_id, content_hash, approver, requested_at, deadline_at, decision, decided_at, decided_by)
     VALUES ($1, 1, $2, 'asp', now() - interval '6 days', now() - interval '5 days', 'approved', now() - interval '5 days 2 hours', 'user:asp'),
            ($3, 1, $4, 'asp', now() - interval '8 days', now() - interval '7 days', 'rejected', now() - interval '6 days', 'user:asp')`,
		[contents[0].id, contents[0].content_hash, contents[1].id, contents[1].content_hash],
	);

	// A running broadcast: deliveries in every state, recent sends for the rate.
	const [b] = await db.query<{ id: number }>(
		`INSERT INTO broadcasts (district_id, content_id, content_key, broadcast_date, segment_key, templates, status, targeted, started_at)
     VALUES (1, $1, $3, $2, 'all', '{}'::jsonb, 'running', 60, now() - interval '2 minutes') RETURNING id`,
		[contents[0].id, today, `content-${contents[0].id}`],
	);
	const states = ['read', 'read', 'delivered', 'delivered', 'sent', 'failed', 'pending', 'pending', 'in_flight', 'delivered'];
	const dels = subIds.slice(0, 60).map((sid, i) => {
		const state = states[i % states.length];
		return {
			broadcast_id: b.id,
			subscriber_id: sid,
			language: i % 4 === 0 ? 'en' : 'hi',
			state,
			sent: ['read', 'delivered', 'sent'].includes(state),
			error_class: state === 'failed' ? (i % 20 === 5 ? 'drop_recipient' : 'retry_tomorrow') : null,
		};
	});
	await db.query(
		`INSERT INTO deliveries (broadcast_id, subscriber_id, language, state, sent_at, error_class, failed_at)
     SELECT broadcast_id, subscriber_id, language, state, CASE WHEN sent THEN now() - interval '10 seconds' END, error_class,
            CASE WHEN state = 'failed' THEN now() END
       FROM jsonb_to_recordset($1::jsonb) AS r(broadcast_id bigint, subscriber_id bigint, language text, state text, sent boolean, error_class text)`,
		[JSON.stringify(dels)],
	);

	// The broadcast rollup (the overview's "today" cards, spend per broadcast and per month): one
	// broadcast a day in district 1 (today's is the running one above), its funnel the day's
	// district-1 rows, every delivery charged at a written-out ₹0.8631 (marketing).
	for (let i = 0; i < days; i++) {
		const day = shiftDay(today, -i);
		const rows = wa.filter((r) => r.day === day && r.district_id === 1);
		const total = (f: (r: WaRow) => number) => rows.reduce((a, r) => a + f(r), 0);
		const id =
			i === 0
				? b.id
				: (
						await db.query<{ id: number }>(
							`INSERT INTO broadcasts (district_id, content_key, broadcast_date, segment_key, templates, status, targeted, started_at, finished_at)
               VALUES (1, $1, $2, 'all', '{}'::jsonb, 'completed', $3, $2::date + time '10:00', $2::date + time '10:15') RETURNING id`,
							[`seed-day-${day}`, day, total((r) => r.targeted)],
						)
					)[0].id;
		await db.query(
			`INSERT INTO rollup_broadcast_daily (day, district_id, broadcast_id, category, sent, delivered, read, failed, billable, free, spend_inr)
       VALUES ($1, 1, $2, 'marketing', $3, $4, $5, $6, $4, 0, $4::int * 0.8631)`,
			[day, id, total((r) => r.sent), total((r) => r.delivered), total((r) => r.read), total((r) => r.failed)],
		);
	}

	// Users: one per role (state-level), and a district-2 viewer.
	await createAdmin(db, 'admin', PASSWORD);
	const ph = await hashPassword(PASSWORD);
	await insertUser(db, {
		username: 'asp',
		passwordHash: ph,
		role: 'approver',
		districtId: 1,
		displayName: 'Addl. SP Kabirdham',
		language: 'en',
	});
	await insertUser(db, { username: 'sp', passwordHash: ph, role: 'viewer', districtId: null, displayName: 'SP' });
	await insertUser(db, { username: 'rjn', passwordHash: ph, role: 'viewer', districtId: district2 });
	return {
		today,
		wa,
		social,
		complaints,
		users: { admin: 'admin', approver: 'asp', viewer: 'sp', district_viewer: 'rjn' },
		pendingApprovalIds,
		pendingHashes,
		broadcastId: b.id,
		district2,
	};
}
