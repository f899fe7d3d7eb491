import * as ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { readXlsxFile } from '../../core/roster/xlsx';

async function rows(bytes: Buffer): Promise<{ line: number; cells: unknown[] }[]> {
	const out = [];
	for await (const r of readXlsxFile(bytes, 'roster.xlsx')) out.push(r);
	return out;
}

async function excel(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	build(wb);
	return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A hand-made workbook, for the parts ExcelJS never writes (inline strings, phonetic runs, shared formulas). */
async function handMade(sheetXml: string, sharedXml?: string, sheetName = 'sheet1.xml'): Promise<Buffer> {
	const zip = new JSZip();
	const main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
	const rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
	zip.file('xl/workbook.xml', `<workbook ${main} ${rel}><sheets><sheet name="Roster" sheetId="1" r:id="rId7"/></sheets></workbook>`);
	zip.file(
		'xl/_rels/workbook.xml.rels',
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="x" Target="/xl/worksheets/${sheetName}"/></Relationships>`,
	);
	zip.file(`xl/worksheets/${sheetName}`, `<worksheet ${main}><sheetData>${sheetXml}</sheetData></worksheet>`);
	if (sharedXml) zip.file('xl/sharedStrings.xml', `<sst ${main}>${sharedXml}</sst>`);
	return Buffer.from(await zip.generateAsync({ type: 'nodebuffer' }));
}

describe('Excel roster reader', () => {
	test('numbers, Hindi shared strings, blanks between cells and formulas, as the importer expects them', async () => {
		const bytes = await excel((wb) => {
			const ws = wb.addWorksheet('Roster');
			ws.addRow(['मोबाइल', 'नाम', 'थाना']);
			ws.addRow([9876500011, 'आशा', 'कवर्धा']);
			ws.addRow(['98765 00012', null, 'Bodla']);
			ws.addRow([true, 'X']);
			ws.getCell(4, 3).value = { formula: 'A1&B1', result: 'y' } as ExcelJS.CellFormulaValue;
		});
		expect(await rows(bytes)).toEqual([
			{ line: 1, cells: ['मोबाइल', 'नाम', 'थाना'] },
			{ line: 2, cells: ['9876500011', 'आशा', 'कवर्धा'] },
			{ line: 3, cells: ['98765 00012', '', 'Bodla'] },
			{ line: 4, cells: ['true', 'X', { formula: 'A1&B1' }] },
		]);
	});

	test('only the first sheet in workbook order is read, whatever its file is called', async () => {
		const bytes = await excel((wb) => {
			wb.addWorksheet('Roster').addRow(['9876500011']);
			wb.addWorksheet('Notes').addRow(['not a roster']);
		});
		expect(await rows(bytes)).toEqual([{ line: 1, cells: ['9876500011'] }]);
		const renamed = await handMade('<row r="3"><c r="B3" t="inlineStr"><is><t>Ravi</t></is></c></row>', undefined, 'sheet9.xml');
		expect(await rows(renamed)).toEqual([{ line: 3, cells: ['', 'Ravi'] }]);
	});

	test('inline strings, rich-text runs without their phonetic guide, shared formulas, errors and booleans', async () => {
		const shared = '<si><r><t>आ</t></r><r><t>शा</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>';
		const sheet =
			'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Bodla</t></is></c>' +
			'<c r="C1"><f t="shared" si="0"/><v>4</v></c><c r="D1" t="e"><v>#N/A</v></c><c r="E1" t="b"><v>0</v></c>' +
			'<c r="F1" t="str"><v> 98765 00013 </v></c><c r="G1"><v>9.8765E9</v></c></row>';
		expect(await rows(await handMade(sheet, shared))).toEqual([
			{ line: 1, cells: ['आशा', 'Bodla', { formula: '' }, '#N/A', 'false', ' 98765 00013 ', '9876500000'] },
		]);
	});

	test('a small file read many times is read whole every time (ExcelJS’s streaming reader lost its workbook part about once in 300)', async () => {
		const bytes = await excel((wb) =>
			wb.addWorksheet('Roster').addRows([
				['मोबाइल', 'नाम'],
				[9876500011, 'आशा'],
			]),
		);
		for (let i = 0; i < 600; i++) expect(await rows(bytes)).toHaveLength(2);
	});

	test.each([
		['not a zip', Buffer.from('PK\u0003\u0004garbage'), /roster\.xlsx: not a readable Excel \(\.xlsx\) file: /],
		['a zip with no worksheet', 'empty', /roster\.xlsx: not a readable Excel \(\.xlsx\) file: it has no worksheet/],
		['a sheet whose XML breaks off', 'broken', /roster\.xlsx: not a readable Excel \(\.xlsx\) file: .*1:\d+/],
	])('%s: IMPORT_XLSX_MALFORMED naming the file', async (_name, input, message) => {
		let bytes: Buffer;
		if (input === 'empty') {
			const zip = new JSZip();
			zip.file('docProps/app.xml', '<Properties/>');
			bytes = Buffer.from(await zip.generateAsync({ type: 'nodebuffer' }));
		} else if (input === 'broken') bytes = await handMade('<row r="1"><c r="A1"><v>1</v></row>');
		else bytes = input as Buffer;
		await expect(rows(bytes)).rejects.toMatchObject({ code: 'IMPORT_XLSX_MALFORMED', message: expect.stringMatching(message) });
	});
});
