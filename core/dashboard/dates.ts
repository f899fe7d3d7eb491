import type { Queryable } from '../db';
import { districtTimeZone } from '../districts';
import { MitanError } from '../errors';
import { addDays, daysBetween, isCalendarDate, isoWeekStart, monthEnd, todayIn } from '../time';
import type { DateRange, Scope } from './types';

/**
 * Calendar days of the dashboard are days of the district's own calendar (districts.timezone;
 * the installation's zone for "all districts"), whatever the server's clock zone: "today" flips
 * at the district's midnight, not at UTC's.
 */
export async function scopeClock(
	db: Queryable,
	scope: Scope,
	fallbackZone: string,
	now: Date = new Date(),
): Promise<{ timeZone: string; today: string }> {
	const timeZone = await districtTimeZone(db, scope.districtId, fallbackZone);
	return { timeZone, today: todayIn(timeZone, now) };
}

export function eachDay(r: DateRange): string[] {
	const out: string[] = [];
	for (let i = 0; i < r.days; i++) out.push(addDays(r.from, i));
	return out;
}
export function eachWeek(r: DateRange): string[] {
	const out: string[] = [];
	for (let w = isoWeekStart(r.from); w <= r.to; w = addDays(w, 7)) out.push(w);
	return out;
}

function checkDay(value: unknown, field: string): string {
	if (!isCalendarDate(value)) {
		throw new MitanError('DASHBOARD_BAD_DATE', `${field}: "${String(value)}" is not a date (YYYY-MM-DD)`, { field });
	}
	return value;
}

export const PRESET_DAYS = [7, 30, 90] as const;
export const MAX_RANGE_DAYS = 366;

/** `?days=7|30|90` ending today, or `?from=&to=` (both inclusive); defaults to 30 days. */
export function parseRange(q: Record<string, unknown>, today: string): DateRange {
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
	return { from: addDays(today, -(days - 1)), to: today, days };
}

/** `?month=YYYY-MM`, default: the previous calendar month (the monthly report is printed after it ends). */
export function parseMonth(q: Record<string, unknown>, today: string): DateRange & { month: string } {
	let month: string;
	if (q.month === undefined || q.month === '') {
		month = addDays(today.slice(0, 8) + '01', -1).slice(0, 7);
	} else {
		month = String(q.month);
		if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
			throw new MitanError('DASHBOARD_BAD_MONTH', `month: "${month}" is not a month (YYYY-MM)`, { field: 'month' });
		}
	}
	const from = `${month}-01`;
	const last = monthEnd(from);
	if (from > today) throw new MitanError('DASHBOARD_BAD_MONTH', `month: ${month} has not started yet`, { field: 'month' });
	// The current month is reported up to today: days to come would show as a false drop to zero.
	const to = last > today ? today : last;
	return { month, from, to, days: daysBetween(from, to) + 1 };
}
