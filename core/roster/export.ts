import type { Queryable } from '../db';
import { csvLine } from '../csv';
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

/** Streams a segment as CSV lines (header first), for a download or a file. */
export async function* exportSegmentCsv(db: Queryable, filter: SegmentFilter): AsyncGenerator<string> {
	yield COLUMNS.join(',') + '\r\n';
	for await (const s of streamSegment(db, filter)) {
		const row = [s.phone, s.name, s.language, s.policeStation, s.block, s.village, s.tags, s.status, s.consentSource, s.consentAt];
		yield csvLine(row) + '\r\n';
	}
}
