import type { Chart } from '../../core/dashboard';
import { csvLine } from '../../core/csv';
import { t, type Lang } from './i18n';

/**
 * One chart as CSV: first column the labels, one column per series. A BOM makes Excel read
 * Hindi as UTF-8; cells are written by core/csv.ts (quoted, formulas neutralised).
 */
export function chartCsv(chart: Chart, lang: Lang): string {
	const first =
		chart.labelKind === 'day' ? 'date' : chart.labelKind === 'week' ? 'week_from' : chart.labelKind === 'month' ? 'month' : 'label';
	const header = [
		t(lang, first === 'label' ? 'category' : first === 'date' ? 'today' : 'from'),
		...chart.series.map((s) => t(lang, s.key)),
	];
	// Machine-friendly first header regardless of language.
	header[0] = first;
	const lines = [csvLine(header)];
	chart.labels.forEach((label, i) => {
		const shown = chart.labelKind === 'key' ? t(lang, label) : chart.labelKind === 'month' ? label.slice(0, 7) : label;
		lines.push(csvLine([shown, ...chart.series.map((s) => s.data[i] ?? 0)]));
	});
	return '\ufeff' + lines.join('\r\n') + '\r\n';
}
