/**
 * What a row keeps once it must no longer name anyone. The erasure of one citizen (erase.ts) and
 * retention of everyone's old records (core/retention.ts) clear the same columns through these, so
 * a column added to one is added to both.
 */
import { identifierHash } from './key';

/** A run of digits long enough to be a phone number, in free text such as Meta's error titles. */
export const NUMBER_IN_TEXT = '\\+?[0-9][0-9 -]{6,}[0-9]';

/**
 * An inbound message keeps its type, kind, time and queue state (what is counted); who wrote it,
 * what it said and its link to the roster go. Its wamid is each caller's (below).
 */
export const INBOUND_MESSAGE_CLEARED = `from_phone = NULL, from_user_id = NULL, body = NULL, payload = '{}', subscriber_id = NULL`;

/** Citizens' media keep kind and message; the bytes, words, place, Meta's id and the hash (which finds the file elsewhere) go. */
export const ATTACHMENT_CLEARED = `bytes = NULL, caption = NULL, file_name = NULL, meta_media_id = NULL, sha256 = NULL, byte_size = NULL,
  latitude = NULL, longitude = NULL, fetch_error = NULL, fetch_state = 'erased'`;

/**
 * A status event keeps message, status, time, code and price (the rollups); its recipient goes, and
 * any number in Meta's error title ("Message undeliverable to 9198…"). `numberParam` holds NUMBER_IN_TEXT.
 */
export function statusEventCleared(numberParam: string): string {
	return `recipient = NULL, recipient_user_id = NULL, error_title = regexp_replace(error_title, ${numberParam}, '[erased]', 'g')`;
}

/** What anonymousWamid writes; "erased:<row id>" is the erasure's own (erase.ts). Neither is rewritten again. */
export const ANON_WAMID_PREFIX = 'anon:';

/** SQL: the wamid in `column` names nobody any more. */
export function wamidRewritten(column: string): string {
	return `(${column} LIKE '${ANON_WAMID_PREFIX}%' OR ${column} LIKE 'erased:%')`;
}

/**
 * A wamid is the citizen's number in base64 behind "wamid.HBgM" (a user_preferences key holds it
 * plainly). Retention writes its keyed hash instead (the suppression list's key, never in the
 * database, so the number cannot be tested against it): the same wherever that wamid appears
 * (status_events, deliveries, complaint replies), so the rows of one message still join and every
 * rollup recomputed from them counts the same. The erasure writes "erased:<row id>" instead: one
 * citizen's rows need not join again, and no one holding the old wamid can find them.
 */
export function anonymousWamid(key: string, wamid: string): string {
	if (wamid.startsWith(ANON_WAMID_PREFIX) || wamid.startsWith('erased:')) return wamid;
	return ANON_WAMID_PREFIX + identifierHash(key, 'wamid', wamid);
}
