import { parse } from 'csv-parse';
import * as ExcelJS from 'exceljs';
import { pipeline, type Readable } from 'stream';
import { MitanError } from '../errors';
import { Utf8Guard } from './utf8';

/** A record from a spreadsheet: its line (CSV) or row number (Excel) and its cells as text. */
export interface SheetRecord {
	line: number;
	cells: (string | FormulaCell)[];
}

/** Excel formula cells are kept apart so the import can refuse them instead of trusting a result. */
export interface FormulaCell {
	formula: string;
}

export function isFormula(c: unknown): c is FormulaCell {
	return typeof c === 'object' && c !== null && 'formula' in c;
}

export async function* readCsv(input: Readable, label: string): AsyncGenerator<SheetRecord> {
	const parser = parse({
		bom: true,
		delimiter: [',', ';', '\t'],
		relax_column_count: true,
		relax_quotes: true,
		skip_empty_lines: true,
		trim: true,
		info: true,
	});
	// pipeline() destroys every stage on an error, so the loop below rejects with the guard's
	// error instead of waiting forever for records that will never come.
	pipeline(input, new Utf8Guard(label), parser, () => undefined);
	try {
		for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
			yield { line: rec.info.lines, cells: rec.record };
		}
	} catch (e) {
		if (e instanceof MitanError) throw e;
		const err = e as Error & { code?: string; lines?: number };
		if (err.code === 'IMPORT_NOT_UTF8') throw e;
		throw new MitanError('IMPORT_CSV_MALFORMED', `${label}: not a readable CSV file near line ${err.lines ?? '?'}: ${err.message}`, {
			line: err.lines,
		});
	}
}

function cellText(v: ExcelJS.CellValue): string | FormulaCell {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (v instanceof Date) return v.toISOString();
	if (typeof v === 'object') {
		if ('formula' in v || 'sharedFormula' in v) {
			const f = v as { formula?: string; sharedFormula?: string };
			return { formula: f.formula ?? f.sharedFormula ?? '' };
		}
		if ('richText' in v) return v.richText.map((r) => r.text).join('');
		if ('text' in v) return String((v as { text: unknown }).text);
		if ('error' in v) return String((v as { error: unknown }).error);
	}
	return String(v);
}

export async function* readXlsx(input: Readable, label: string): AsyncGenerator<SheetRecord> {
	const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
		sharedStrings: 'cache',
		hyperlinks: 'ignore',
		styles: 'ignore',
		worksheets: 'emit',
		entries: 'emit',
	});
	try {
		// Only the first sheet is the roster; other sheets (notes, pivot tables) are ignored.
		for await (const sheet of reader) {
			for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
				const values = row.values as ExcelJS.CellValue[]; // 1-based, index 0 unused
				const cells: (string | FormulaCell)[] = [];
				for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
				yield { line: row.number, cells };
			}
			return;
		}
	} catch (e) {
		if (e instanceof MitanError) throw e;
		throw new MitanError('IMPORT_XLSX_MALFORMED', `${label}: not a readable Excel (.xlsx) file: ${(e as Error).message}`);
	}
}
