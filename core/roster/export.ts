import type { Queryable } from '../db';
import { isE164 } from '../phone';
import { streamSegment } from './repository';
import type { SegmentFilter } from './types';

const COLUMNS = [
	'phone',
	'name',
	'language',
	'police_station',
	'block',
	'village',
	'tags',
	'status',
	'consent_source',
	'consent_at',
] as const;

/**
 * A cell a spreadsheet would execute is prefixed with an apostrophe (OWASP CSV injection).
 * A validated E.164 number is the one exception: it is digits after a plus, never a formula.
 */
export function csvCell(v: unknown): string {
	let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : v instanceof Date ? v.toISOString() : String(v);
	if (/^[=+\-@\t\r]/.test(s) && !isE164(s)) s = `'${s}`;
	return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Streams a segment as CSV lines (header first), for a download or a file. */
export async function* exportSegmentCsv(db: Queryable, filter: SegmentFilter): AsyncGenerator<string> {
	yield COLUMNS.join(',') + '\r\n';
	for await (const s of streamSegment(db, filter)) {
		const row = [s.phone, s.name, s.language, s.policeStation, s.block, s.village, s.tags, s.status, s.consentSource, s.consentAt];
		yield row.map(csvCell).join(',') + '\r\n';
	}
}
