import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { parseOptionalId } from '../ids';
import type { Scope } from './types';

export interface District {
	id: number;
	code: string;
	name: string;
	nameHi: string;
}

export async function listDistricts(db: Queryable): Promise<District[]> {
	const rows = await db.query<{ id: number; code: string; name: string; name_hi: string }>(
		'SELECT id, code, name, name_hi FROM districts ORDER BY name',
	);
	return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, nameHi: r.name_hi }));
}

/**
 * The district a request may look at: a district user is locked to theirs (asking for
 * another is refused, not silently ignored); a state-level user picks one or sees all.
 */
export function resolveScope(userDistrictId: number | null, requested: unknown): Scope {
	const wanted = parseOptionalId(requested, 'district', 'DASHBOARD_BAD_DISTRICT');
	if (userDistrictId !== null) {
		if (wanted !== null && wanted !== userDistrictId) {
			throw new MitanError('AUTH_FORBIDDEN', `district: you may only see district ${userDistrictId}`, { field: 'district' });
		}
		return { districtId: userDistrictId };
	}
	return { districtId: wanted };
}
