/**
 * CSV cells, the one owner for every CSV this project writes (dashboard chart exports, the roster
 * export) and for the formula check at intake (roster import, complaint fields).
 *
 * Spreadsheets run a cell as a formula when it starts with = + - @ (or a tab / CR before one), and
 * Excel set to a semicolon list separator splits an unquoted `Kawardha;=1+1` into two cells, the
 * second a formula (OWASP "CSV Injection"). So a cell is neutralised (an apostrophe in front) when
 * a formula could start at its beginning or after a separator inside it, and quoted whenever it
 * holds a separator of any locale (`,` `;` tab), a quote, an apostrophe or a line break.
 * Plain numbers (-5, 3.25, +919812345678) are the one exception: digits are never a formula.
 */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
// A space in front makes Excel and LibreOffice read the rest as text, so only a bare start counts.
const FORMULA_AFTER_SEPARATOR = /[,;\t][=+\-@]/;
const NEEDS_QUOTES = /[",;\t\r\n']/;

/**
 * A value a spreadsheet could run as a formula when opened: at its start or right after a
 * separator of any locale inside it. Intake refuses these; csvCell neutralises.
 */
export function looksLikeFormula(v: string): boolean {
	return !PLAIN_NUMBER.test(v) && (FORMULA_START.test(v) || FORMULA_AFTER_SEPARATOR.test(v));
}

function text(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (Array.isArray(v)) return v.join(';');
	if (v instanceof Date) return v.toISOString();
	return String(v);
}

export function csvCell(v: unknown): string {
	let s = text(v);
	if (looksLikeFormula(s)) s = `'${s}`;
	return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly unknown[]): string {
	return cells.map(csvCell).join(',');
}
