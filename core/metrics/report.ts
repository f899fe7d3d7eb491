import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { CATEGORY_INFO, isComplaintCategory } from '../complaints/categories';

/**
 * The morning question, "how many did we reach and what are people reporting?", for a day,
 * an ISO week (Monday to Sunday) or a calendar month, read from the rollups only, with the
 * previous period beside each figure. `items` is the same content as flat rows with Hindi and
 * English labels: one n8n item each, ready for a message, a sheet or the printable report.
 */
export type ReportPeriod = 'day' | 'week' | 'month';

export interface ReportItem {
	section: 'whatsapp' | 'station' | 'social' | 'complaints';
	key: string;
	labelEn: string;
	labelHi: string;
	value: number;
	previous: number;
}

export interface Report {
	period: ReportPeriod;
	from: string;
	to: string;
	previousFrom: string;
	previousTo: string;
	items: ReportItem[];
}

function addDays(day: string, n: number): string {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

export function periodRange(period: ReportPeriod, date: string): { from: string; to: string; previousFrom: string; previousTo: string } {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
		throw new MitanError('REPORT_DATE_INVALID', `date must be YYYY-MM-DD, got "${date}"`, { field: 'date' });
	}
	if (period === 'day') return { from: date, to: date, previousFrom: addDays(date, -1), previousTo: addDays(date, -1) };
	if (period === 'week') {
		const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
		const from = addDays(date, -dow);
		return { from, to: addDays(from, 6), previousFrom: addDays(from, -7), previousTo: addDays(from, -1) };
	}
	if (period === 'month') {
		const from = `${date.slice(0, 7)}-01`;
		const d = new Date(`${from}T00:00:00Z`);
		d.setUTCMonth(d.getUTCMonth() + 1);
		const to = addDays(d.toISOString().slice(0, 10), -1);
		const p = new Date(`${from}T00:00:00Z`);
		p.setUTCMonth(p.getUTCMonth() - 1);
		return { from, to, previousFrom: p.toISOString().slice(0, 10), previousTo: addDays(from, -1) };
	}
	throw new MitanError('REPORT_PERIOD_INVALID', `period must be day, week or month; got "${String(period)}"`, {
		field: 'period',
	});
}

const WA: [string, string, string][] = [
	['targeted', 'Citizens targeted', 'लक्षित नागरिक'],
	['sent', 'Messages sent', 'भेजे गए संदेश'],
	['delivered', 'Delivered', 'पहुँचे'],
	['read', 'Read', 'पढ़े गए'],
	['failed', 'Failed', 'विफल'],
	['opt_outs', 'Opted out (STOP)', 'सदस्यता छोड़ी (STOP)'],
	['new_subscribers', 'New subscribers', 'नए सदस्य'],
	['spend_inr', 'WhatsApp spend (₹)', 'व्हाट्सऐप खर्च (₹)'],
];
const CHANNEL_LABEL: Record<string, [string, string]> = {
	facebook: ['Facebook', 'फेसबुक'],
	instagram: ['Instagram', 'इंस्टाग्राम'],
	x: ['X', 'एक्स'],
};

export async function buildReport(db: Queryable, o: { period: ReportPeriod; date: string; districtId?: number }): Promise<Report> {
	const r = periodRange(o.period, o.date);
	const district = o.districtId ?? 1;
	const args = [district, r.from, r.to, r.previousFrom, r.previousTo];
	const cur = `day BETWEEN $2::date AND $3::date`;
	const prev = `day BETWEEN $4::date AND $5::date`;
	const items: ReportItem[] = [];
	const sums = WA.map(
		([k]) =>
			`coalesce(sum(${k}) FILTER (WHERE ${cur}), 0)::float8 AS ${k}, coalesce(sum(${k}) FILTER (WHERE ${prev}), 0)::float8 AS p_${k}`,
	).join(', ');
	const [wa] = await db.query<Record<string, number>>(
		`SELECT ${sums} FROM rollup_whatsapp_daily WHERE district_id = $1 AND (${cur} OR ${prev})`,
		args,
	);
	for (const [k, en, hi] of WA) items.push({ section: 'whatsapp', key: k, labelEn: en, labelHi: hi, value: wa[k], previous: wa[`p_${k}`] });

	const stations = await db.query<{ ps: string; delivered: number; p_delivered: number }>(
		`SELECT police_station AS ps, coalesce(sum(delivered) FILTER (WHERE ${cur}), 0)::float8 AS delivered, coalesce(sum(delivered) FILTER (WHERE ${prev}), 0)::float8 AS p_delivered
     FROM rollup_whatsapp_daily WHERE district_id = $1 AND (${cur} OR ${prev}) GROUP BY 1 ORDER BY 2 DESC, 1`,
		args,
	);
	for (const s of stations) {
		const name = s.ps || 'Unknown';
		items.push({
			section: 'station',
			key: name,
			labelEn: `Delivered: ${name}`,
			labelHi: `पहुँचे: ${s.ps || 'अज्ञात'}`,
			value: s.delivered,
			previous: s.p_delivered,
		});
	}

	const social = await db.query<{
		channel: string;
		posts: number;
		views: number;
		reach: number;
		p_posts: number;
		p_views: number;
		p_reach: number;
	}>(
		`SELECT channel, ${['posts', 'views', 'reach'].map((k) => `coalesce(sum(${k}) FILTER (WHERE ${cur}), 0)::float8 AS ${k}, coalesce(sum(${k}) FILTER (WHERE ${prev}), 0)::float8 AS p_${k}`).join(', ')}
     FROM rollup_social_daily WHERE district_id = $1 AND (${cur} OR ${prev}) GROUP BY 1 ORDER BY 1`,
		args,
	);
	for (const s of social) {
		const [en, hi] = CHANNEL_LABEL[s.channel] ?? [s.channel, s.channel];
		items.push({
			section: 'social',
			key: `${s.channel}.posts`,
			labelEn: `${en} posts`,
			labelHi: `${hi} पोस्ट`,
			value: s.posts,
			previous: s.p_posts,
		});
		items.push({
			section: 'social',
			key: `${s.channel}.views`,
			labelEn: `${en} views`,
			labelHi: `${hi} व्यूज़`,
			value: s.views,
			previous: s.p_views,
		});
		items.push({
			section: 'social',
			key: `${s.channel}.reach`,
			labelEn: `${en} reach`,
			labelHi: `${hi} पहुँच`,
			value: s.reach,
			previous: s.p_reach,
		});
	}

	const comp = await db.query<{ category: string; opened: number; p_opened: number }>(
		`SELECT category, coalesce(sum(opened) FILTER (WHERE ${cur}), 0)::float8 AS opened, coalesce(sum(opened) FILTER (WHERE ${prev}), 0)::float8 AS p_opened
     FROM rollup_complaints_daily WHERE district_id = $1 AND (${cur} OR ${prev}) GROUP BY 1 ORDER BY 2 DESC, 1`,
		args,
	);
	for (const c of comp) {
		const info = isComplaintCategory(c.category) ? CATEGORY_INFO[c.category] : { labelEn: c.category, labelHi: c.category };
		items.push({
			section: 'complaints',
			key: c.category,
			labelEn: info.labelEn,
			labelHi: info.labelHi,
			value: c.opened,
			previous: c.p_opened,
		});
	}
	const [t] = await db.query<Record<string, number>>(
		`SELECT ${['opened', 'closed', 'money_loss', 'ack_count', 'ack_seconds_sum'].map((k) => `coalesce(sum(${k}) FILTER (WHERE ${cur}), 0)::float8 AS ${k}, coalesce(sum(${k}) FILTER (WHERE ${prev}), 0)::float8 AS p_${k}`).join(', ')}
     FROM rollup_complaints_daily WHERE district_id = $1 AND (${cur} OR ${prev})`,
		args,
	);
	items.push({
		section: 'complaints',
		key: 'total',
		labelEn: 'Complaints received',
		labelHi: 'प्राप्त शिकायतें',
		value: t.opened,
		previous: t.p_opened,
	});
	items.push({
		section: 'complaints',
		key: 'money_loss',
		labelEn: 'Money lost (told to call 1930)',
		labelHi: 'पैसे गंवाए (1930 पर कॉल को कहा)',
		value: t.money_loss,
		previous: t.p_money_loss,
	});
	items.push({
		section: 'complaints',
		key: 'closed',
		labelEn: 'Complaints closed',
		labelHi: 'बंद शिकायतें',
		value: t.closed,
		previous: t.p_closed,
	});
	const avg = (sum: number, n: number) => (n > 0 ? Math.round(sum / n) : 0);
	items.push({
		section: 'complaints',
		key: 'ack_seconds_avg',
		labelEn: 'Average time to acknowledge (s)',
		labelHi: 'पावती का औसत समय (सेकंड)',
		value: avg(t.ack_seconds_sum, t.ack_count),
		previous: avg(t.p_ack_seconds_sum, t.p_ack_count),
	});
	return { period: o.period, ...r, items };
}
