import { createHash, randomBytes } from 'crypto';
import type { Queryable } from '../db';

/**
 * The login throttle (issue 18, finding 2), kept in the database so every app process shares it.
 * An attempt is reserved BEFORE its password is hashed, by one locking call
 * (mitan_login_reserve, migration 090): concurrent guesses cannot all slip past a count.
 *
 * Three keys, each with its limit per WINDOW_MINUTES; reaching it locks the key for
 * LOCK_MINUTES × 2^(earlier locks), at most MAX_LOCK_MINUTES:
 * - the (IP, account) pair: one client guessing one account;
 * - the account, from any IP: rotating addresses does not help;
 * - the IP, for any account: one client trying many names. It is the highest, because one
 *   police station's officers may share one NAT address.
 */
export const WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;
export const MAX_LOCK_MINUTES = 24 * 60;
export const MAX_PER_PAIR = 5;
export const MAX_PER_ACCOUNT = 10;
export const MAX_PER_IP = 30;

export interface ThrottleKeys {
	pair: string;
	account: string;
	ip: string;
}

/**
 * Unknown names are keyed by a hash salted per process, so the table never holds what was typed
 * (it may be a password typed into the wrong field); known accounts by their id.
 */
const SALT = randomBytes(16).toString('hex');

export function throttleKeys(ip: string, account: { userId: number } | { typed: string }): ThrottleKeys {
	const who =
		'userId' in account
			? `user:${account.userId}`
			: `name:${createHash('sha256').update(SALT).update(account.typed).digest('hex').slice(0, 32)}`;
	const where = `ip:${ip.slice(0, 64)}`;
	return { pair: `${where}|${who}`, account: who, ip: where };
}

export interface Reservation {
	admitted: boolean;
	/** When refused: the end of the longest lock that refused it. */
	lockedUntil: Date | null;
}

export async function reserveAttempt(db: Queryable, keys: ThrottleKeys): Promise<Reservation> {
	const [r] = await db.query<{ ok: boolean; until_at: Date | null }>(
		'SELECT ok, until_at FROM mitan_login_reserve($1::text[], $2::int[], $3, $4, $5)',
		[[keys.pair, keys.account, keys.ip], [MAX_PER_PAIR, MAX_PER_ACCOUNT, MAX_PER_IP], WINDOW_MINUTES, LOCK_MINUTES, MAX_LOCK_MINUTES],
	);
	return { admitted: r.ok, lockedUntil: r.until_at };
}

/**
 * A success: the account and this client's pair start afresh; the IP only gets this attempt
 * back (other accounts' failures from that address still count).
 */
export async function attemptSucceeded(db: Queryable, keys: ThrottleKeys): Promise<void> {
	await db.query('DELETE FROM login_throttle WHERE key = ANY($1::text[])', [[keys.pair, keys.account]]);
	await db.query('UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1', [keys.ip]);
}

/** Whole minutes until a lock ends (at least 1), for the message the officer reads. */
export function minutesUntil(until: Date | null, now = new Date()): number {
	if (!until) return LOCK_MINUTES;
	return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}
