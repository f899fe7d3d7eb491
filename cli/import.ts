import { SingleBar, Presets } from 'cli-progress';
import * as fs from 'fs';
import type { Db } from '../core/db';
import { importRoster, type ImportResult } from '../core/roster';
import { flag, type Args } from './args';
import { districtFlag } from './district';
import { MitanError } from '../core/errors';

/** `mitan import <file> --consent "camp ..." [--partial] [--max-mb 10]`: for the cyber cell's own machine. */
export async function importCommand(db: Db, args: Args): Promise<ImportResult> {
	const file = args._[0];
	if (!file)
		throw new MitanError(
			'CLI_USAGE',
			'usage: mitan import <file.csv|file.xlsx> --consent "<where citizens agreed>" [--notice <version>] [--partial] [--max-mb N]',
		);
	if (!fs.existsSync(file)) throw new MitanError('IMPORT_FILE_NOT_FOUND', `file not found: ${file}`, { field: 'file' });
	const size = fs.statSync(file).size;
	// Rows are unknown until read: estimate from the size (about 45 bytes a row) and correct at the end.
	const estimate = Math.max(1, Math.round(size / 45));
	const bar = new SingleBar(
		{ format: 'importing |{bar}| {value} rows, {rejected} rejected', hideCursor: true, clearOnComplete: false, stream: process.stderr },
		Presets.shades_classic,
	);
	bar.start(estimate, 0, { rejected: 0 });
	const maxMb = flag(args, 'max-mb');
	try {
		const r = await importRoster(db, {
			path: file,
			districtId: await districtFlag(db, args),
			consentSource: flag(args, 'consent'),
			noticeVersion: flag(args, 'notice'),
			partial: args.flags.partial === true,
			maxBytes: maxMb ? Number(maxMb) * 1024 * 1024 : undefined,
			actor: `cli:${process.env.USER ?? 'operator'}`,
			onProgress: (p) => {
				if (p.rows > bar.getTotal()) bar.setTotal(p.rows);
				bar.update(p.rows, { rejected: p.rejected });
			},
		});
		bar.setTotal(r.rows);
		bar.update(r.rows);
		bar.stop();
		return r;
	} catch (e) {
		bar.stop();
		throw e;
	}
}

export function printImportResult(r: ImportResult, out: (s: string) => void): void {
	out(r.message);
	for (const x of r.rejected.slice(0, 50)) out(`  line ${x.line}: ${x.reason}${x.column ? ` (column "${x.column}")` : ''}`);
	if (r.rejectedTotal > 50) out(`  … ${r.rejectedTotal - 50} more rejected rows (use --json for the first 10,000)`);
	for (const d of r.duplicates.slice(0, 20)) out(`  line ${d.line}: ${d.phone} repeats line ${d.firstLine}`);
	for (const k of [...r.refused, ...r.optedOut].slice(0, 50)) out(`  line ${k.line}: ${k.phone} ${k.reason} (${k.code})`);
	if (r.ignoredColumns.length) out(`  ignored columns: ${r.ignoredColumns.join(', ')}`);
}
