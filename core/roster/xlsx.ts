import JSZip from 'jszip';
import { PassThrough } from 'stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { MitanError } from '../errors';
import type { FormulaCell, SheetRecord } from './readers';

/*
 * The first sheet of an Excel (.xlsx) roster, row by row.
 *
 * Why not ExcelJS's streaming WorkbookReader: it walks the zip as a stream and, about once in
 * 300 reads of a small file, its entry iteration ends after the first worksheet, before
 * workbook.xml and sharedStrings.xml; it then fails with "reading 'sheets'" (one CI run failed on
 * it) and could as well have read names from a missing string table. Here the zip is opened by its
 * central directory (JSZip), so every part is found by name and none can be missed; only the sheet
 * itself is streamed through a SAX parser, so a large sheet is never held as a tree.
 *
 * The file is at most the import size limit (checked before), so holding its compressed bytes is
 * bounded. Cell values follow ExcelJS's conventions, which the importer was written against:
 * numbers as their shortest decimal text, booleans as "true"/"false", formulas kept apart.
 */

/** A workbook relationship's target, relative to xl/ or absolute ("/xl/worksheets/sheet1.xml"). */
const TARGET_IN_XL = /^(?:\/?xl\/)?(.+)$/;

export async function* readXlsxFile(bytes: Buffer, label: string): AsyncGenerator<SheetRecord> {
	const malformed = (why: string) => new MitanError('IMPORT_XLSX_MALFORMED', `${label}: not a readable Excel (.xlsx) file: ${why}`);
	let zip: JSZip;
	try {
		zip = await JSZip.loadAsync(bytes);
	} catch (e) {
		throw malformed((e as Error).message);
	}
	const sheetPath = await firstSheetPath(zip);
	const sheet = sheetPath ? zip.file(sheetPath) : null;
	if (!sheet) throw malformed('it has no worksheet');
	const strings = await sharedStrings(zip).catch((e: Error) => {
		throw malformed(`its shared strings: ${e.message}`);
	});
	yield* sheetRows(sheet, strings, malformed);
}

/** The first sheet in workbook order (xl/workbook.xml and its rels), else the lowest-numbered sheet file. */
async function firstSheetPath(zip: JSZip): Promise<string | undefined> {
	const book = await zip.file('xl/workbook.xml')?.async('string');
	const rels = await zip.file('xl/_rels/workbook.xml.rels')?.async('string');
	const rid = book ? /<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"/.exec(book)?.[1] : undefined;
	if (rid && rels) {
		const rel = new RegExp(`<Relationship\\b[^>]*\\bId="${rid}"[^>]*>`).exec(rels)?.[0];
		const target = rel && /\bTarget="([^"]+)"/.exec(rel)?.[1];
		if (target) return 'xl/' + TARGET_IN_XL.exec(target)![1];
	}
	const sheets = Object.keys(zip.files).filter((p) => /^xl\/worksheets\/sheet\d+\.xml$/.test(p));
	return sheets.sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))[0];
}

/** The shared-string table: each <si>'s text runs joined, phonetic guides (<rPh>) left out. */
async function sharedStrings(zip: JSZip): Promise<string[]> {
	const xml = await zip.file('xl/sharedStrings.xml')?.async('string');
	const out: string[] = [];
	if (!xml) return out;
	const p = new SaxesParser();
	let current: string | null = null;
	let inText = false;
	let phonetic = 0;
	p.on('opentag', (t) => {
		const n = local(t.name);
		if (n === 'si') current = '';
		else if (n === 'rPh') phonetic++;
		else if (n === 't' && phonetic === 0) inText = true;
	});
	p.on('closetag', (t) => {
		const n = local(t.name);
		if (n === 'si') out.push(current ?? '');
		else if (n === 'rPh') phonetic--;
		else if (n === 't') inText = false;
	});
	p.on('text', (s) => {
		if (inText && current !== null) current += s;
	});
	p.write(xml).close();
	return out;
}

type Malformed = (why: string) => MitanError;

/** Streams <sheetData>: one record per <row>, cells placed by their column letters (gaps are ''). */
async function* sheetRows(file: JSZip.JSZipObject, strings: string[], malformed: Malformed): AsyncGenerator<SheetRecord> {
	const p = new SaxesParser();
	const ready: SheetRecord[] = [];
	let row: SheetRecord | null = null;
	let cell: { col: number; type: string; value: string; formula: string | null; inline: string } | null = null;
	let into: 'v' | 'f' | 't' | null = null;
	let failure: Error | null = null;
	p.on('error', (e) => (failure ??= e));
	p.on('opentag', (t: SaxesTagPlain) => {
		const n = local(t.name);
		if (n === 'row') row = { line: Number(t.attributes.r) || (ready.at(-1)?.line ?? 0) + 1, cells: [] };
		else if (n === 'c' && row) {
			const ref = String(t.attributes.r ?? '');
			cell = { col: ref ? columnOf(ref) : row.cells.length, type: String(t.attributes.t ?? 'n'), value: '', formula: null, inline: '' };
		} else if (cell && (n === 'v' || n === 't')) into = n;
		else if (cell && n === 'f') {
			into = 'f';
			cell.formula = '';
		}
	});
	p.on('text', (s) => {
		if (!cell || !into) return;
		if (into === 'v') cell.value += s;
		else if (into === 'f') cell.formula += s;
		else cell.inline += s;
	});
	p.on('closetag', (t) => {
		const n = local(t.name);
		if (n === 'v' || n === 'f' || n === 't') into = null;
		else if (n === 'c' && row && cell) {
			while (row.cells.length < cell.col) row.cells.push('');
			row.cells[cell.col] = cellValue(cell, strings);
			cell = null;
		} else if (n === 'row' && row) {
			ready.push(row);
			row = null;
		}
	});
	const decoder = new TextDecoder('utf-8');
	// JSZip's stream is an old-style readable (not async-iterable); a PassThrough makes it one.
	const source = file.nodeStream('nodebuffer');
	const chunks = new PassThrough();
	source.on('error', (e: Error) => chunks.destroy(e));
	source.pipe(chunks);
	try {
		for await (const chunk of chunks as AsyncIterable<Buffer>) {
			p.write(decoder.decode(chunk, { stream: true }));
			if (failure) break;
			yield* ready.splice(0);
		}
		if (!failure) p.write(decoder.decode()).close();
	} catch (e) {
		failure ??= e as Error;
	} finally {
		// Stopped early (an error, or the caller stopped reading): no more inflating for nobody.
		source.unpipe(chunks);
		source.pause();
		chunks.destroy();
	}
	if (failure) throw malformed(`${file.name}: ${failure.message}`);
	yield* ready.splice(0);
}

function cellValue(c: { type: string; value: string; formula: string | null; inline: string }, strings: string[]): string | FormulaCell {
	// A formula is refused by the importer whatever its cached result; an empty text is a shared formula.
	if (c.formula !== null) return { formula: c.formula };
	switch (c.type) {
		case 's':
			return strings[Number(c.value)] ?? '';
		case 'inlineStr':
			return c.inline;
		case 'str':
		case 'e':
			return c.value;
		case 'b':
			return c.value === '1' ? 'true' : 'false';
		case 'd':
			return Number.isNaN(Date.parse(c.value)) ? c.value : new Date(c.value).toISOString();
		default:
			return c.value === '' ? '' : String(Number(c.value));
	}
}

/** "AB12" → 27 (0-based). */
function columnOf(ref: string): number {
	let n = 0;
	for (const ch of ref) {
		const code = ch.charCodeAt(0);
		if (code < 65 || code > 90) break;
		n = n * 26 + (code - 64);
	}
	return n - 1;
}

function local(name: string): string {
	const i = name.indexOf(':');
	return i < 0 ? name : name.slice(i + 1);
}
