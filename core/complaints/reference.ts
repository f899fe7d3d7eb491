import type { Queryable } from '../db';
import { MitanError } from '../errors';

/**
 * The next complaint reference of a district and year, e.g. KBD-2026-000123.
 * One row per (district, year) in complaint_sequences, incremented with INSERT ... ON CONFLICT
 * DO UPDATE: the row lock is held until the caller's transaction ends, so concurrent writers
 * (several n8n workers) queue on it and never share a number; a rolled-back complaint gives its
 * number back (no gaps). The year is the district's local year at `at`.
 */
export async function nextReference(
	tx: Queryable,
	districtId: number,
	at: Date = new Date(),
): Promise<{ ref: string; year: number; seq: number }> {
	const rows = await tx.query<{ code: string; year: number; last_value: number }>(
		`WITH d AS (SELECT id, code, extract(year FROM $2::timestamptz AT TIME ZONE timezone)::int AS year FROM districts WHERE id = $1)
     INSERT INTO complaint_sequences AS s (district_id, year, last_value)
     SELECT d.id, d.year, 1 FROM d
     ON CONFLICT (district_id, year) DO UPDATE SET last_value = s.last_value + 1
     RETURNING (SELECT code FROM d) AS code, year, last_value`,
		[districtId, at],
	);
	if (rows.length === 0) throw new MitanError('DISTRICT_NOT_FOUND', `no district with id ${districtId}`, { field: 'districtId' });
	const r = rows[0];
	return { ref: formatReference(r.code, r.year, r.last_value), year: r.year, seq: r.last_value };
}

/** Six digits, more when a district ever passes 999,999 in a year (never truncated). */
export function formatReference(code: string, year: number, seq: number): string {
	return `${code}-${year}-${String(seq).padStart(6, '0')}`;
}

export const REFERENCE_RE = /^[A-Z]{2,6}-\d{4}-\d{6,}$/;
