import { addDays, differenceInCalendarDays, format, isValid, parseISO, startOfISOWeek } from 'date-fns';
import { MitanError } from '../errors';
import type { DateRange } from './types';

/**
 * Calendar days of the dashboard are Asia/Kolkata days, whatever the server's clock zone:
 * "today" flips at midnight IST, not UTC (05:30 IST).
 */
export const TIMEZONE = 'Asia/Kolkata';
const DAY_FMT = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

export function dayInKolkata(at: Date = new Date()): string {
	return DAY_FMT.format(at);
}

/** Day arithmetic on 'YYYY-MM-DD' strings with date-fns (local noon avoids DST edges anywhere). */
function toDate(day: string): Date {
	return parseISO(`${day}T12:00:00`);
}
export function shiftDay(day: string, n: number): string {
	return format(addDays(toDate(day), n), 'yyyy-MM-dd');
}
export function daysBetween(from: string, to: string): number {
	return differenceInCalendarDays(toDate(to), toDate(from));
}
export function weekOf(day: string): string {
	return format(startOfISOWeek(toDate(day)), 'yyyy-MM-dd');
}
export function eachDay(r: DateRange): string[] {
	const out: string[] = [];
	for (let i = 0; i < r.days; i++) out.push(shiftDay(r.from, i));
	return out;
}
export function eachWeek(r: DateRange): string[] {
	const out: string[] = [];
	for (let w = weekOf(r.from); w <= r.to; w = shiftDay(w, 7)) out.push(w);
	return out;
}

function checkDay(value: unknown, field: string): string {
	if (
		typeof value !== 'string' ||
		!/^\d{4}-\d{2}-\d{2}$/.test(value) ||
		!isValid(parseISO(value)) ||
		format(parseISO(value), 'yyyy-MM-dd') !== value
	) {
		throw new MitanError('DASHBOARD_BAD_DATE', `${field}: "${String(value)}" is not a date (YYYY-MM-DD)`, { field });
	}
	return value;
}

export const PRESET_DAYS = [7, 30, 90] as const;
export const MAX_RANGE_DAYS = 366;

/** `?days=7|30|90` ending today, or `?from=&to=` (both inclusive); defaults to 30 days. */
export function parseRange(q: Record<string, unknown>, today = dayInKolkata()): DateRange {
	if (q.from !== undefined || q.to !== undefined) {
		const from = checkDay(q.from, 'from');
		const to = checkDay(q.to, 'to');
		const days = daysBetween(from, to) + 1;
		if (days < 1) throw new MitanError('DASHBOARD_BAD_RANGE', `from: ${from} is after to: ${to}`, { field: 'from' });
		if (days > MAX_RANGE_DAYS)
			throw new MitanError('DASHBOARD_BAD_RANGE', `to: a range is at most ${MAX_RANGE_DAYS} days (got ${days})`, {
				field: 'to',
			});
		return { from, to, days };
	}
	const raw = q.days === undefined || q.days === '' ? '30' : String(q.days);
	const days = Number(raw);
	if (!PRESET_DAYS.includes(days as 7)) {
		throw new MitanError('DASHBOARD_BAD_RANGE', `days: must be 7, 30 or 90 (got "${raw}"); use from/to for other ranges`, {
			field: 'days',
		});
	}
	return { from: shiftDay(today, -(days - 1)), to: today, days };
}

/** `?month=YYYY-MM`, default: the previous calendar month (the monthly report is printed after it ends). */
export function parseMonth(q: Record<string, unknown>, today = dayInKolkata()): DateRange & { month: string } {
	let month: string;
	if (q.month === undefined || q.month === '') {
		month = shiftDay(today.slice(0, 8) + '01', -1).slice(0, 7);
	} else {
		month = String(q.month);
		if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
			throw new MitanError('DASHBOARD_BAD_MONTH', `month: "${month}" is not a month (YYYY-MM)`, { field: 'month' });
		}
	}
	const from = `${month}-01`;
	const monthEnd = shiftDay(format(addDays(toDate(from), 40), 'yyyy-MM') + '-01', -1);
	if (from > today) throw new MitanError('DASHBOARD_BAD_MONTH', `month: ${month} has not started yet`, { field: 'month' });
	// The current month is reported up to today: days to come would show as a false drop to zero.
	const to = monthEnd > today ? today : monthEnd;
	return { month, from, to, days: daysBetween(from, to) + 1 };
}
