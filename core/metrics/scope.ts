/**
 * Which (day, district) pairs a refresh recomputes. One SQL shape serves both refreshes:
 * an incremental one lists its dirty days, a full one gets one row per district with infinite
 * bounds, so every source is filtered by `ts >= t0 AND ts < t1` (timestamps, index range scans
 * in the district's time zone) or `day >= d0 AND day < d1` (dates).
 */
export type RollupKind = 'whatsapp' | 'social' | 'complaints';
export const ROLLUP_KINDS: readonly RollupKind[] = ['whatsapp', 'social', 'complaints'];

export interface DayKey {
	day: string;
	districtId: number;
}

export type Scope = { mode: 'days'; days: DayKey[] } | { mode: 'all'; districtId?: number };

export const SCOPE_CTE_DAYS = `scope AS (
  SELECT s.day, s.district_id, d.timezone AS tz, s.day AS d0, s.day + 1 AS d1,
         (s.day::timestamp AT TIME ZONE d.timezone) AS t0, ((s.day + 1)::timestamp AT TIME ZONE d.timezone) AS t1
  FROM jsonb_to_recordset(:scope::jsonb) AS s(day date, district_id integer) JOIN districts d ON d.id = s.district_id
)`;

export const SCOPE_CTE_ALL = `scope AS (
  SELECT NULL::date AS day, d.id AS district_id, d.timezone AS tz, '-infinity'::date AS d0, 'infinity'::date AS d1,
         '-infinity'::timestamptz AS t0, 'infinity'::timestamptz AS t1
  FROM districts d WHERE (:district::int IS NULL OR d.id = :district::int)
)`;

export function scopeCte(scope: Scope): { cte: string; params: Record<string, unknown> } {
	if (scope.mode === 'days') {
		return { cte: SCOPE_CTE_DAYS, params: { scope: JSON.stringify(scope.days.map((d) => ({ day: d.day, district_id: d.districtId }))) } };
	}
	return { cte: SCOPE_CTE_ALL, params: { district: scope.districtId ?? null } };
}

/**
 * Replaces the rollup rows of the scope by `fresh` (a CTE with exactly the rollup's key and value
 * columns): rows whose values are equal are left untouched (refreshed_at included), so a second
 * refresh changes nothing; rows no longer produced are removed.
 */
export function applyFresh(table: string, keys: string[], values: string[]): string {
	const match = keys.map((k) => `f.${k} = r.${k}`).join(' AND ');
	const cols = [...keys, ...values];
	return `,
removed AS (
  DELETE FROM ${table} r USING scope sc
  WHERE r.district_id = sc.district_id AND r.day >= sc.d0 AND r.day < sc.d1
    AND NOT EXISTS (SELECT 1 FROM fresh f WHERE ${match})
  RETURNING 1
),
upserted AS (
  INSERT INTO ${table} (${cols.join(', ')}, refreshed_at)
  SELECT ${cols.join(', ')}, now() FROM fresh
  ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${values.map((v) => `${v} = excluded.${v}`).join(', ')}, refreshed_at = now()
  WHERE (${values.map((v) => `${table}.${v}`).join(', ')}) IS DISTINCT FROM (${values.map((v) => `excluded.${v}`).join(', ')})
  RETURNING 1
)
SELECT (SELECT count(*) FROM fresh)::int AS rows, (SELECT count(*) FROM upserted)::int AS changed, (SELECT count(*) FROM removed)::int AS removed`;
}
