/**
 * Calendar days and time zones: the one place that turns an instant into a district's day and
 * back. A day is a 'YYYY-MM-DD' string and has no zone; an instant (Date) becomes a day only in
 * a zone, which always comes from the district (`districts.timezone`, see core/districts.ts) or
 * the installation (`resolveConfig().timezone`, MITAN_TIMEZONE), never from a literal here.
 *
 * Day arithmetic runs on UTC midnights, where every day is 24 hours long: no daylight-saving
 * edge in any zone can shift a date.
 */

const DAY_MS = 86_400_000;

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone. */
export function todayIn(timeZone: string, at: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** A real day of the calendar written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(s: unknown): s is string {
	if (typeof s !== 'string') return false;
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	if (!m) return false;
	const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function utcMidnight(day: string): number {
	return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

function dayOf(utcMs: number): string {
	return new Date(utcMs).toISOString().slice(0, 10);
}

/** The day `n` days after `day` (before, for negative n). */
export function addDays(day: string, n: number): string {
	return dayOf(utcMidnight(day) + n * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** The Monday of the ISO week a day is in. */
export function isoWeekStart(day: string): string {
	const dow = (new Date(utcMidnight(day)).getUTCDay() + 6) % 7; // Monday = 0
	return addDays(day, -dow);
}

/** The first day of the month `n` months after the month of `day`. */
export function monthStart(day: string, n = 0): string {
	const d = new Date(utcMidnight(day));
	return dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}

/** The last day of the month of `day`. */
export function monthEnd(day: string): string {
	return addDays(monthStart(day, 1), -1);
}

/** A calendar day as a Date at noon UTC: formatted with timeZone 'UTC' it shows that day in every locale. */
export function dayAsDate(day: string): Date {
	return new Date(utcMidnight(day) + DAY_MS / 2);
}

/** Offset (ms) of a time zone at an instant: its wall clock minus UTC (IST: +5 h 30 min). */
export function zoneOffsetMs(timeZone: string, at: Date): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(at);
	const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
	const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
	return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * A wall-clock time ('2026-05-01T18:00', as n8n's dateTime parameter gives it, without offset) in
 * a time zone → the instant. A value that carries its own offset or Z is taken as it is.
 * Undefined when the value is not a date and time.
 */
export function wallTimeToDate(value: string, timeZone: string): Date | undefined {
	if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) {
		const d = new Date(value);
		return Number.isNaN(d.getTime()) ? undefined : d;
	}
	const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
	if (!m || !isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`)) return undefined;
	const asIfUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
	return new Date(asIfUtc - zoneOffsetMs(timeZone, new Date(asIfUtc)));
}

/** The wall-clock time (HH:MM, 24 h) of an instant in a time zone: "as of 14:05". */
export function clockTimeIn(timeZone: string, at: Date): string {
	return new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(at);
}

/**
 * An IANA time-zone name this runtime can read days in ("Asia/Kolkata", "UTC"). Abbreviations
 * and offsets ("IST", "+05:30") are refused: they do not follow a zone's rule changes, and
 * PostgreSQL reads some abbreviations differently.
 */
export function isTimeZone(s: unknown): s is string {
	if (typeof s !== 'string' || !/^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(s)) return false;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: s });
		return true;
	} catch {
		return false;
	}
}
