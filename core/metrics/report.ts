import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { CATEGORY_INFO, isComplaintCategory } from '../complaints/categories';
import { channelMetricLabel, METRIC_LABELS, type Bilingual, type MetricKey } from '../labels';
import { addDays, isCalendarDate, isoWeekStart, monthEnd, monthStart } from '../time';
import { defaultDistrictId } from '../districts';

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

export function periodRange(period: ReportPeriod, date: string): { from: string; to: string; previousFrom: string; previousTo: string } {
	if (!isCalendarDate(date)) {
		throw new MitanError('REPORT_DATE_INVALID', `date must be YYYY-MM-DD, got "${date}"`, { field: 'date' });
	}
	if (period === 'day') return { from: date, to: date, previousFrom: addDays(date, -1), previousTo: addDays(date, -1) };
	if (period === 'week') {
		const from = isoWeekStart(date);
		return { from, to: addDays(from, 6), previousFrom: addDays(from, -7), previousTo: addDays(from, -1) };
	}
	if (period === 'month') {
		const from = monthStart(date);
		return { from, to: monthEnd(date), previousFrom: monthStart(date, -1), previousTo: addDays(from, -1) };
	}
	throw new MitanError('REPORT_PERIOD_INVALID', `period must be day, week or month; got "${String(period)}"`, {
		field: 'period',
	});
}

/** The WhatsApp rollup columns reported; their names are core/labels.ts's. */
const WA: MetricKey[] = ['targeted', 'sent', 'delivered', 'read', 'failed', 'opt_outs', 'new_subscribers', 'spend_inr'];

const labelled = (l: Bilingual): Pick<ReportItem, 'labelEn' | 'labelHi'> => ({ labelEn: l.en, labelHi: l.hi });

export async function buildReport(db: Queryable, o: { period: ReportPeriod; date: string; districtId?: number }): Promise<Report> {
	const r = periodRange(o.period, o.date);
	const district = o.districtId ?? (await defaultDistrictId(db));
	const args = [district, r.from, r.to, r.previousFrom, r.previousTo];
	const cur = `day BETWEEN $2::date AND $3::date`;
	const prev = `day BETWEEN $4::date AND $5::date`;
	const items: ReportItem[] = [];
	const sums = WA.map(
		(k) => `coalesce(sum(${k}) FILTER (WHERE ${cur}), 0)::float8 AS ${k}, coalesce(sum(${k}) FILTER (WHERE ${prev}), 0)::float8 AS p_${k}`,
	).join(', ');
	const [wa] = await db.query<Record<string, number>>(
		`SELECT ${sums} FROM rollup_whatsapp_daily WHERE district_id = $1 AND (${cur} OR ${prev})`,
		args,
	);
	for (const k of WA) items.push({ section: 'whatsapp', key: k, ...labelled(METRIC_LABELS[k]), value: wa[k], previous: wa[`p_${k}`] });

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
			labelEn: `${METRIC_LABELS.delivered.en}: ${name}`,
			labelHi: `${METRIC_LABELS.delivered.hi}: ${s.ps || 'अज्ञात'}`,
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
		for (const m of ['posts', 'views', 'reach'] as const) {
			items.push({
				section: 'social',
				key: `${s.channel}.${m}`,
				...labelled(channelMetricLabel(s.channel, m)),
				value: s[m],
				previous: s[`p_${m}`],
			});
		}
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
		...labelled(METRIC_LABELS.complaints_opened),
		value: t.opened,
		previous: t.p_opened,
	});
	items.push({
		section: 'complaints',
		key: 'money_loss',
		...labelled(METRIC_LABELS.money_loss),
		value: t.money_loss,
		previous: t.p_money_loss,
	});
	items.push({
		section: 'complaints',
		key: 'closed',
		...labelled(METRIC_LABELS.complaints_closed),
		value: t.closed,
		previous: t.p_closed,
	});
	const avg = (sum: number, n: number) => (n > 0 ? Math.round(sum / n) : 0);
	items.push({
		section: 'complaints',
		key: 'ack_seconds_avg',
		...labelled(METRIC_LABELS.ack_seconds_avg),
		value: avg(t.ack_seconds_sum, t.ack_count),
		previous: avg(t.p_ack_seconds_sum, t.p_ack_count),
	});
	return { period: o.period, ...r, items };
}
