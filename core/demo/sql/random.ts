/**
 * What every demo statement shares: pseudo-randomness computed inside the database from an
 * integer key (hashint8extended), so no row crosses the wire and PostgreSQL and PGlite agree;
 * the fixed phone block; the consent source that marks demo rows.
 */

/** Demo phones are +91 6000000001 … : one fixed block, so the citizen index is the number. */
export const DEMO_PHONE_BASE = 6_000_000_000;
export const DEMO_SOURCE = 'demo';

/** SQL for a uniform number in [0, 1) from an integer key and a salt per purpose. */
export function rnd(key: string, salt: number): string {
	return `((hashint8extended((${key})::bigint, :seed::bigint * 1000 + ${salt}) & 2147483647)::float8 / 2147483648.0)`;
}

/** A SQL string literal. */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
