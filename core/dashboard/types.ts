/**
 * What the dashboard's JSON API returns: numbers for cards and charts described as data, so
 * the browser draws them, the CSV export writes them, and the printed report reuses them.
 */
export type ChartKind = 'line' | 'bar' | 'doughnut';
/** How the browser turns a label into text: a day/week is formatted as the calendar day it is, a key is translated. */
export type LabelKind = 'day' | 'week' | 'month' | 'key' | 'text';

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
	/** Unit of the values when not a count ('seconds', 'percent', rupees). */
	unit?: 'count' | 'seconds' | 'percent' | 'inr';
	/** Index of the first label of a period still under way (today, this week, this month): drawn as partial, not as a fall. */
	partialFrom?: number;
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

/** Until when the rollups include every event: the oldest change not applied yet, or the moment of the answer. */
export interface AsOf {
	at: string;
	/** HH:MM and the day, on the clock of the scope's district. */
	time: string;
	day: string;
}

export interface PageData {
	range?: DateRange;
	/** The scope's calendar day when the answer was made. */
	today?: string;
	asOf?: AsOf;
	scope: Scope;
	cards: Cards;
	charts: Chart[];
}
