import { parse } from 'csv-parse';
import { pipeline, type Readable } from 'stream';
import { MitanError } from '../errors';
import { Utf8Guard } from './utf8';

/** A record from a spreadsheet: its line (CSV) or row number (Excel) and its cells as text. */
export interface SheetRecord {
	line: number;
	cells: (string | FormulaCell)[];
}

/** Excel formula cells (core/roster/xlsx.ts reads Excel files) are kept apart so the import can refuse them instead of trusting a result. */
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
