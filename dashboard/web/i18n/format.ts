import { dayAsDate } from '../../../core/time';
import type { Lang } from './lang';

/** Numbers, instants and calendar days as an officer reads them, in either language. */

export function numberLocale(lang: Lang): string {
	return lang === 'hi' ? 'hi-IN' : 'en-IN';
}

/** Indian digit grouping (1,00,000) in both languages. */
export function formatNumber(lang: Lang, n: number | null | undefined, fractionDigits = 0): string {
	if (n === null || n === undefined || Number.isNaN(n)) return '—';
	return new Intl.NumberFormat(numberLocale(lang), { maximumFractionDigits: fractionDigits }).format(n);
}

/** An instant on the clock of the district being looked at (scopeClock's zone), whatever the server's zone. */
export function formatDateTime(lang: Lang, d: Date | null | undefined, timeZone: string): string {
	if (!d) return '—';
	return new Intl.DateTimeFormat(numberLocale(lang), {
		timeZone,
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
	}).format(d);
}

/** A calendar day (YYYY-MM-DD): a day has no zone, so it is formatted as itself. */
export function formatDay(lang: Lang, day: string | null | undefined): string {
	if (!day) return '—';
	return new Intl.DateTimeFormat(numberLocale(lang), {
		timeZone: 'UTC',
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		weekday: 'short',
	}).format(dayAsDate(day));
}

/** The month of a calendar day, e.g. "March 2026" / "मार्च 2026". */
export function formatMonth(lang: Lang, day: string): string {
	return new Intl.DateTimeFormat(numberLocale(lang), { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(dayAsDate(day));
}
