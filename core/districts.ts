import { resolveConfig } from './config';
import type { Queryable } from './db';

/**
 * A district's time zone (`districts.timezone`): the zone its calendar days, deadlines and
 * reports are read in. `fallback` (by default the installation's, MITAN_TIMEZONE) answers for
 * "all districts" (null) and for an id with no row.
 */
export async function districtTimeZone(
	db: Queryable,
	districtId: number | null | undefined,
	fallback: string = resolveConfig().timezone,
): Promise<string> {
	if (districtId === null || districtId === undefined) return fallback;
	const [r] = await db.query<{ timezone: string }>('SELECT timezone FROM districts WHERE id = $1', [districtId]);
	return r?.timezone ?? fallback;
}
