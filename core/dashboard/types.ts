/**
 * What the dashboard's JSON API returns: numbers for cards and charts described as data, so
 * the browser draws them, the CSV export writes them, and the printed report reuses them.
 */
export type ChartKind = 'line' | 'bar' | 'doughnut';
/** How the browser turns a label into text: a day/week is formatted as the calendar day it is, a key is translated. */
export type LabelKind = 'day' | 'week' | 'key' | 'text';

export interface ChartSeries {
	/** i18n key of the series name (e.g. 'delivered'); also the CSV column name. */
	key: string;
	data: number[];
}

export interface Chart {
	id: string;
	kind: ChartKind;
	labelKind: LabelKind;
	labels: string[];
	series: ChartSeries[];
	stacked?: boolean;
	horizontal?: boolean;
	/** Unit of the values when not a count ('seconds', 'percent'). */
	unit?: 'count' | 'seconds' | 'percent';
}

export interface Scope {
	/** null = all districts (state-level users only). */
	districtId: number | null;
}

export interface DateRange {
	from: string; // YYYY-MM-DD, inclusive, a day of the district's calendar (scopeClock)
	to: string;
	days: number;
}

export type Cards = Record<string, number | null>;

export interface PageData {
	range?: DateRange;
	scope: Scope;
	cards: Cards;
	charts: Chart[];
}
