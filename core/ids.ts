import { MitanError } from './errors';
import type { CatalogueCode } from './error-codes';

/**
 * The one id parser (issue 18, finding 10). Row ids are PostgreSQL integers; an id from a URL, a
 * form or a query string is refused here with a 400 and the field named, instead of reaching the
 * database as 99999999999999999999 and coming back as a 500 ("out of range for type integer").
 */
export const MAX_ID = 2_147_483_647;

/** A number that can be a row id: a whole number from 1 to MAX_ID. */
export function isId(n: unknown): n is number {
	return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= MAX_ID;
}

/** `raw` (a string from a URL or form, or a number from JSON) as an id, or a fix_input error naming `field`. */
export function parseId(raw: unknown, field: string, code: CatalogueCode = 'ID_INVALID'): number {
	const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,10}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
	if (isId(n)) return n;
	const shown = String(raw ?? '').slice(0, 30);
	throw new MitanError(code, `${field}: "${shown}" is not an id (a whole number from 1 to ${MAX_ID})`, { field });
}

/** Like parseId, but absent or empty means "none" (null). */
export function parseOptionalId(raw: unknown, field: string, code: CatalogueCode = 'ID_INVALID'): number | null {
	return raw === undefined || raw === null || raw === '' ? null : parseId(raw, field, code);
}
