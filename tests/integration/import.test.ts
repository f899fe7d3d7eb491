import * as ExcelJS from 'exceljs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importRoster } from '../../core/roster';
import { describeEachEngine } from '../helpers/db';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-import-'));
const file = (name: string, content: string | Buffer) => {
	const p = path.join(tmp, name);
	fs.writeFileSync(p, content);
	return p;
};
const count = async (db: { query: (s: string) => Promise<{ n: number }[]> }) =>
	(await db.query('SELECT count(*)::int AS n FROM subscribers'))[0].n;

async function xlsx(rows: unknown[][], formulaAt?: [number, number]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('Roster');
	rows.forEach((r) => ws.addRow(r));
	if (formulaAt)
		ws.getCell(formulaAt[0], formulaAt[1]).value = { formula: 'HYPERLINK("http://x","y")', result: 'y' } as ExcelJS.CellFormulaValue;
	return Buffer.from(await wb.xlsx.writeBuffer());
}

describeEachEngine('roster import', (ctx) => {
	beforeEach(async () => {
		await ctx.db.query('DELETE FROM subscribers');
	});

	test('Hindi headers, Devanagari digits, file-wide consent; re-import changes nothing', async () => {
		const p = file(
			'hindi.csv',
			'\uFEFFनाम,मोबाइल नंबर,थाना,भाषा,गाँव\nआशा,९८७६५४३२१०,कवर्धा,हिंदी,रामनगर\nRavi,"+91-98765-43211",Bodla,English,\nसीता,098765 43212,कवर्धा,,\n',
		);
		const r1 = await importRoster(ctx.db, { path: p, consentSource: 'camp Kawardha 2026-11-20' });
		expect(r1).toMatchObject({ committed: true, rows: 3, inserted: 3, updated: 0, unchanged: 0, rejected: [] });
		expect(r1.columns).toEqual({ name: 'नाम', phone: 'मोबाइल नंबर', police_station: 'थाना', language: 'भाषा', village: 'गाँव' });
		const r2 = await importRoster(ctx.db, { path: p, consentSource: 'camp Kawardha 2026-11-20' });
		expect(r2).toMatchObject({ committed: true, inserted: 0, updated: 0, unchanged: 3 });
		const [asha] = await ctx.db.query(
			`SELECT name, language, police_station, consent_source FROM subscribers WHERE phone = '+919876543210'`,
		);
		expect(asha).toEqual({ name: 'आशा', language: 'hi', police_station: 'कवर्धा', consent_source: 'camp Kawardha 2026-11-20' });
	});

	test('all-or-nothing by default: bad rows reported with line and reason, nothing written', async () => {
		const p = file(
			'mixed.csv',
			'name,mobile\nA,9876500001\nB,12345\nC,011 2345 6789\nD,9876500001\nE,"9876500002 / 9876500003"\nF,9876500004,extra\nG,=HYPERLINK("x")\n=cmd|calc,9876500005\n',
		);
		const r = await importRoster(ctx.db, { path: p, consentSource: 'form' });
		expect(r.committed).toBe(false);
		expect(r.inserted).toBe(0);
		expect(r.rejected).toEqual([
			{ line: 3, code: 'phone_too_short', column: 'mobile', reason: expect.stringMatching(/too short/) },
			{ line: 4, code: 'phone_landline', column: 'mobile', reason: expect.stringMatching(/landline/) },
			{ line: 6, code: 'phone_two_numbers', column: 'mobile', reason: expect.stringMatching(/more than one/) },
			{ line: 7, code: 'too_many_columns', reason: expect.stringMatching(/3 cells but the header has 2/) },
			{ line: 8, code: 'formula', column: 'mobile', reason: expect.stringMatching(/formula/) },
			{ line: 9, code: 'formula', column: 'name', reason: expect.stringMatching(/formula/) },
		]);
		expect(r.duplicates).toEqual([{ line: 5, firstLine: 2, phone: '+91 98XXXXX001' }]);
		expect(r.message).toMatch(/Nothing imported/);
		expect(await count(ctx.db)).toBe(0);
	});

	test('a police station that splits into a formula in a semicolon-separator spreadsheet is refused (issue 18 finding 13)', async () => {
		const p = file('station.csv', 'name,mobile,thana\nA,9876500001,Kawardha\nB,9876500002,"Kawardha;=1+1"\n');
		const r = await importRoster(ctx.db, { path: p, consentSource: 'form' });
		expect(r).toMatchObject({ committed: false, inserted: 0, rejected: [{ line: 3, code: 'formula', column: 'thana' }] });
		expect(await count(ctx.db)).toBe(0);
	});

	test('partial mode keeps the good rows', async () => {
		const p = file('partial.csv', 'name,mobile\nA,9876500001\nB,12345\nC,9876500002\n');
		const r = await importRoster(ctx.db, { path: p, consentSource: 'form', partial: true });
		expect(r).toMatchObject({ committed: true, mode: 'partial', inserted: 2, rejected: [{ line: 3 }] });
		expect(await count(ctx.db)).toBe(2);
	});

	test('non-UTF-8 file: clear error with line, nothing written', async () => {
		const latin1 = Buffer.concat([Buffer.from('name,mobile\nA,9876500001\nJos'), Buffer.from([0xe9]), Buffer.from(',9876500002\n')]);
		await expect(importRoster(ctx.db, { buffer: latin1, fileName: 'latin1.csv', consentSource: 'x' })).rejects.toMatchObject({
			code: 'IMPORT_NOT_UTF8',
			details: { line: 3 },
			message: expect.stringMatching(/latin1\.csv is not UTF-8.*line 3.*CSV UTF-8/),
		});
		expect(await count(ctx.db)).toBe(0);
	});

	test('no phone column, duplicate headers, no consent, empty file, header only', async () => {
		await expect(
			importRoster(ctx.db, { buffer: Buffer.from('name,village\nA,B\n'), fileName: 'a.csv', consentSource: 'x' }),
		).rejects.toMatchObject({
			code: 'IMPORT_NO_PHONE_COLUMN',
			message: expect.stringMatching(/line 1: no phone column.*found: "name", "village"/),
		});
		await expect(
			importRoster(ctx.db, { buffer: Buffer.from('mobile,name,Name\n9876500001,A,B\n'), fileName: 'b.csv', consentSource: 'x' }),
		).rejects.toMatchObject({ code: 'IMPORT_DUPLICATE_HEADER', message: expect.stringMatching(/column 3 "Name" repeats column 2/) });
		await expect(
			importRoster(ctx.db, { buffer: Buffer.from('mobile,फ़ोन\n9876500001,9876500002\n'), fileName: 'c.csv', consentSource: 'x' }),
		).rejects.toMatchObject({ code: 'IMPORT_DUPLICATE_HEADER' });
		await expect(importRoster(ctx.db, { buffer: Buffer.from('mobile\n9876500001\n'), fileName: 'd.csv' })).rejects.toMatchObject({
			code: 'IMPORT_NO_CONSENT',
		});
		await expect(importRoster(ctx.db, { buffer: Buffer.alloc(0), fileName: 'e.csv', consentSource: 'x' })).rejects.toMatchObject({
			code: 'IMPORT_EMPTY',
		});
		await expect(importRoster(ctx.db, { buffer: Buffer.from('\n\n'), fileName: 'f.csv', consentSource: 'x' })).rejects.toMatchObject({
			code: 'IMPORT_EMPTY',
		});
		await expect(
			importRoster(ctx.db, { buffer: Buffer.from('mobile,name\n'), fileName: 'g.csv', consentSource: 'x' }),
		).rejects.toMatchObject({ code: 'IMPORT_NO_ROWS' });
		expect(await count(ctx.db)).toBe(0);
	});

	test('a 20 MB file is refused before anything is read or written', async () => {
		const big = path.join(tmp, 'big.csv');
		const fd = fs.openSync(big, 'w');
		fs.writeSync(fd, 'name,mobile\n');
		const line = 'Citizen Name Padded,9876500001\n'.repeat(1000);
		while (fs.fstatSync(fd).size < 20 * 1024 * 1024) fs.writeSync(fd, line);
		fs.closeSync(fd);
		await expect(importRoster(ctx.db, { path: big, consentSource: 'x' })).rejects.toMatchObject({
			code: 'IMPORT_TOO_LARGE',
			message: expect.stringMatching(/big\.csv is 20\.\d MB, over the 10\.0 MB limit/),
		});
		expect(await count(ctx.db)).toBe(0);
	});

	test('Excel: numbers as numbers, Hindi headers, formula cells rejected', async () => {
		const buf = await xlsx(
			[
				['मोबाइल', 'नाम', 'थाना'],
				[9876500011, 'आशा', 'कवर्धा'],
				['98765 00012', 'Ravi', 'Bodla'],
				['9876500013', 'X', 'Bodla'],
			],
			[4, 2],
		);
		const r = await importRoster(ctx.db, { buffer: buf, fileName: 'camp.xlsx', consentSource: 'camp', partial: true });
		expect(r).toMatchObject({ format: 'xlsx', committed: true, inserted: 2, rejected: [{ line: 4, code: 'formula', column: 'नाम' }] });
		expect(await count(ctx.db)).toBe(2);
		await expect(
			importRoster(ctx.db, { buffer: Buffer.from('PK\u0003\u0004garbage'), fileName: 'bad.xlsx', consentSource: 'x' }),
		).rejects.toMatchObject({ code: 'IMPORT_XLSX_MALFORMED' });
	});

	test('more bad rows than the list holds: every one counted and handed to onRejected with its line and column', async () => {
		// 10,020 bad rows (the list keeps 10,000), a repeat and a good row each side of them.
		const lines = ['name,mobile', 'A,9876500021'];
		for (let i = 0; i < 10_020; i++) lines.push(`X${i},12345`);
		lines.push('B,9876500022', 'C,98765 00021');
		const p = file('many-bad.csv', lines.join('\n') + '\n');
		const seen: { line: number; code: string; column?: string }[] = [];
		const r = await importRoster(ctx.db, { path: p, consentSource: 'form', partial: true, onRejected: (x) => seen.push(x) });
		expect(r).toMatchObject({ committed: true, rows: 10_023, inserted: 2, rejectedTotal: 10_020 });
		expect(r.rejected).toHaveLength(10_000);
		expect(seen).toHaveLength(10_020);
		expect(seen[0]).toMatchObject({ line: 3, code: 'phone_too_short', column: 'mobile' });
		expect(seen[10_019]).toMatchObject({ line: 10_022, code: 'phone_too_short', column: 'mobile' });
		expect(r.duplicates).toEqual([{ line: 10_024, firstLine: 2, phone: expect.any(String) }]);
		expect(r.message).toMatch(/10020 rejected/);
	});
});
