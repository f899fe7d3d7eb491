import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { defaultDistrictId, policeStationChecker } from '../districts';
import { MitanError } from '../errors';
import { maskPhone } from '../phone';
import type { RosterField } from './fields';
import { readHeader, readRow, type Header } from './import-rows';
import { isFormula, readCsv } from './readers';
import { readXlsxFile } from './xlsx';
import { suppressedPhones } from '../erasure/suppression';
import { PhoneLines } from './phone-lines';
import { optedOutAmong, upsertBatch, type UpsertRow } from './repository';

export interface ImportOptions {
	districtId?: number;
	/** A file on disk (streamed) or its bytes (from n8n binary data or an upload). */
	path?: string;
	buffer?: Buffer;
	fileName?: string;
	format?: 'csv' | 'xlsx';
	/** Applies to rows without their own consent cell, e.g. "Thana Kawardha camp 2026-11-20". */
	consentSource?: string;
	/** The version of the privacy notice these citizens were shown (kept in their consent record). */
	noticeVersion?: string;
	/** false (default): the whole file or nothing. true: keep the good rows. */
	partial?: boolean;
	maxBytes?: number;
	batchSize?: number;
	actor?: string;
	onProgress?: (p: { rows: number; rejected: number }) => void;
	/** Every rejected row, as it is read: ImportResult.rejected keeps only the first 10,000 (memory stays flat). */
	onRejected?: (row: RejectedRow) => void;
}

export interface RejectedRow {
	line: number;
	reason: string;
	code: string;
	column?: string;
}

export interface DuplicateRow {
	line: number;
	firstLine: number;
	phone: string; // masked
}

/** A number the import leaves as it is on the citizen's own word (an opt-out kept, an erasure's suppression). */
export interface KeptRow {
	line: number;
	phone: string; // masked
	column?: string;
	code: 'CITIZEN_SUPPRESSED' | 'OPTED_OUT';
	reason: string;
}

export interface ImportResult {
	committed: boolean;
	mode: 'all_or_nothing' | 'partial';
	format: 'csv' | 'xlsx';
	rows: number;
	inserted: number;
	updated: number;
	unchanged: number;
	/** The first 10,000 rejected rows (all of them: onRejected); rejectedTotal counts every one. */
	rejected: RejectedRow[];
	rejectedTotal: number;
	duplicates: DuplicateRow[];
	/** Erased citizens' numbers: not added again (they do not make an all-or-nothing import fail). */
	refused: KeptRow[];
	/** Citizens who said STOP: their other fields may be updated, their status stays opted_out. */
	optedOut: KeptRow[];
	columns: Partial<Record<RosterField, string>>;
	ignoredColumns: string[];
	seconds: number;
	message: string;
}

export const DEFAULT_MAX_IMPORT_BYTES = 10 * 1024 * 1024;
const REJECTED_LIST_LIMIT = 10_000;

class RollbackImport extends Error {}

function detectFormat(opts: ImportOptions, head: Buffer): 'csv' | 'xlsx' {
	if (opts.format) return opts.format;
	// xlsx is a zip: "PK\x03\x04".
	if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
	const ext = path.extname(opts.fileName ?? opts.path ?? '').toLowerCase();
	if (ext === '.xls') throw new MitanError('IMPORT_XLS_UNSUPPORTED', 'old Excel .xls files are not supported: save as .xlsx or CSV UTF-8');
	return 'csv';
}

/**
 * Streams a CSV or Excel roster into the store. Each row is normalised and checked; bad rows are
 * reported with their line and reason, duplicates within the file are reported, and re-importing
 * the same file changes nothing.
 */
export async function importRoster(db: Db, opts: ImportOptions): Promise<ImportResult> {
	const started = process.hrtime.bigint();
	const label = opts.fileName ?? (opts.path ? path.basename(opts.path) : 'the file');
	const maxBytes = opts.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
	const districtId = opts.districtId ?? (await defaultDistrictId(db));
	const stationOf = await policeStationChecker(db, districtId);
	const partial = opts.partial === true;
	if (!opts.path && !opts.buffer) throw new MitanError('IMPORT_NO_FILE', 'give a file path or the file bytes');

	const size = opts.buffer ? opts.buffer.length : fs.statSync(opts.path!).size;
	if (size === 0) throw new MitanError('IMPORT_EMPTY', `${label} is empty (0 bytes)`);
	if (size > maxBytes) {
		throw new MitanError(
			'IMPORT_TOO_LARGE',
			`${label} is ${(size / 1048576).toFixed(1)} MB, over the ${(maxBytes / 1048576).toFixed(1)} MB limit; split it, or raise the limit (CLI --max-mb)`,
			{ bytes: size, maxBytes },
		);
	}
	const head = opts.buffer ? opts.buffer.subarray(0, 4) : readHead(opts.path!);
	const format = detectFormat(opts, head);
	// An .xlsx is a zip, read by its directory, so it is held whole (it is within maxBytes); a CSV streams.
	const records =
		format === 'xlsx'
			? readXlsxFile(opts.buffer ?? fs.readFileSync(opts.path!), label)
			: readCsv(opts.buffer ? Readable.from([opts.buffer]) : fs.createReadStream(opts.path!), label);

	const result: ImportResult = {
		committed: false,
		mode: partial ? 'partial' : 'all_or_nothing',
		format,
		rows: 0,
		inserted: 0,
		updated: 0,
		unchanged: 0,
		rejected: [],
		rejectedTotal: 0,
		duplicates: [],
		refused: [],
		optedOut: [],
		columns: {},
		ignoredColumns: [],
		seconds: 0,
		message: '',
	};
	let rejectedCount = 0;
	// 5,000 rows a statement: fewer round trips than 2,000 (a million-row file: 3.1 s of database time
	// per 100,000 rows against 3.4 s), and two batches in memory are still under 2 MB.
	const batchSize = opts.batchSize ?? 5000;

	const run = async (q: Queryable) => {
		let header: Header | undefined;
		const firstLine = new PhoneLines();
		let batch: UpsertRow[] = [];
		const keep = (list: KeptRow[], phone: string, code: KeptRow['code'], reason: string) => {
			if (list.length < REJECTED_LIST_LIMIT)
				list.push({ line: firstLine.get(phone)!, phone: maskPhone(phone), column: header?.columns.phone, code, reason });
		};
		// One batch is written while the next is parsed: the parse (CPU here) and the write (CPU in
		// the database) overlap. Never more than one in flight, so memory stays at two batches.
		let inflight: Promise<void> = Promise.resolve();
		const flush = async () => {
			if (batch.length === 0) return;
			const rows = batch;
			batch = [];
			await inflight;
			inflight = (async () => {
				const phones = rows.map((r) => r.phone);
				const suppressed = await suppressedPhones(q, districtId, phones);
				for (const p of await optedOutAmong(q, districtId, phones))
					keep(result.optedOut, p, 'OPTED_OUT', 'said STOP: stays opted out, only a START from the citizen resubscribes');
				for (const p of suppressed)
					keep(result.refused, p, 'CITIZEN_SUPPRESSED', 'asked to be erased: not added again without their own new consent');
				const r = await upsertBatch(q, districtId, suppressed.size ? rows.filter((x) => !suppressed.has(x.phone)) : rows);
				result.inserted += r.inserted;
				result.updated += r.updated;
				result.unchanged += r.unchanged;
			})();
			inflight.catch(() => undefined); // surfaced by the next await
		};
		for await (const rec of records) {
			if (!header) {
				header = readHeader(rec, label, Boolean(opts.consentSource));
				result.columns = header.columns;
				result.ignoredColumns = header.ignored;
				continue;
			}
			if (rec.cells.every((c) => !isFormula(c) && String(c).trim() === '')) continue;
			result.rows++;
			const out = readRow(rec, header, opts.consentSource, stationOf);
			if ('row' in out && opts.noticeVersion) out.row.consent_notice_version = opts.noticeVersion;
			if ('reject' in out) {
				rejectedCount++;
				const bad = { line: rec.line, ...out.reject };
				if (result.rejected.length < REJECTED_LIST_LIMIT) result.rejected.push(bad);
				opts.onRejected?.(bad);
			} else {
				const first = firstLine.get(out.row.phone);
				if (first !== undefined) {
					result.duplicates.push({ line: rec.line, firstLine: first, phone: maskPhone(out.row.phone) });
				} else {
					firstLine.set(out.row.phone, rec.line);
					// In all-or-nothing mode there is no point writing once a row is bad: keep reading to report them all.
					if (partial || rejectedCount === 0) {
						batch.push(out.row);
						if (batch.length >= batchSize) await flush();
					}
				}
			}
			if (opts.onProgress && result.rows % 1000 === 0) opts.onProgress({ rows: result.rows, rejected: rejectedCount });
		}
		if (!header) throw new MitanError('IMPORT_EMPTY', `${label} has no header row and no data`);
		if (result.rows === 0) throw new MitanError('IMPORT_NO_ROWS', `${label} has a header but no rows`);
		if (!partial && rejectedCount > 0) {
			await inflight;
			throw new RollbackImport();
		}
		await flush();
		await inflight;
		await audit(q, {
			districtId,
			actor: opts.actor ?? 'system:import',
			action: 'roster.import',
			entity: 'roster',
			entityId: label,
			details: {
				format,
				mode: result.mode,
				rows: result.rows,
				inserted: result.inserted,
				updated: result.updated,
				unchanged: result.unchanged,
				rejected: rejectedCount,
				duplicates: result.duplicates.length,
				refused: result.refused.length,
				optedOut: result.optedOut.length,
				consentSource: opts.consentSource ?? null,
			},
		});
	};

	try {
		if (partial) await run(db);
		else await db.transaction(run);
		result.committed = true;
	} catch (e) {
		if (!(e instanceof RollbackImport)) throw e;
		result.inserted = result.updated = result.unchanged = 0;
	}
	opts.onProgress?.({ rows: result.rows, rejected: rejectedCount });
	result.rejectedTotal = rejectedCount;
	result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
	result.message = summarise(result, rejectedCount);
	return result;
}

function readHead(p: string): Buffer {
	const fd = fs.openSync(p, 'r');
	try {
		const b = Buffer.alloc(4);
		const n = fs.readSync(fd, b, 0, 4, 0);
		return b.subarray(0, n);
	} finally {
		fs.closeSync(fd);
	}
}

function summarise(r: ImportResult, rejected: number): string {
	const dup = r.duplicates.length ? `, ${r.duplicates.length} repeated in the file` : '';
	const kept =
		(r.refused.length ? ` ${r.refused.length} erased on request, not added again (जिन्होंने डेटा मिटाने को कहा, फिर नहीं जोड़े गए).` : '') +
		(r.optedOut.length ? ` ${r.optedOut.length} said STOP and stay opted out (STOP कहने वाले बाहर ही रहेंगे).` : '');
	if (!r.committed) {
		return (
			`Nothing imported: ${rejected} of ${r.rows} rows were rejected${dup}. Fix them and import again, or choose "keep good rows". ` +
			`कुछ भी आयात नहीं हुआ: ${r.rows} में से ${rejected} पंक्तियाँ अस्वीकार हुईं।`
		);
	}
	return (
		`${r.rows} rows: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged, ${rejected} rejected${dup}. ` +
		`${r.rows} पंक्तियाँ: ${r.inserted} नए, ${r.updated} अद्यतन, ${r.unchanged} अपरिवर्तित, ${rejected} अस्वीकृत।` +
		kept
	);
}
