import type { Queryable } from '../db';

/**
 * Login rate limit, kept in Postgres so every app process shares it: at most
 * MAX_PER_USER failures per (ip, username) and MAX_PER_IP per ip in WINDOW_MINUTES.
 */
export const WINDOW_MINUTES = 15;
export const MAX_PER_USER = 5;
export const MAX_PER_IP = 30;

export async function isLimited(db: Queryable, ip: string, username: string): Promise<boolean> {
	const [r] = await db.query<{ per_user: number; per_ip: number }>(
		`SELECT count(*) FILTER (WHERE username = $2)::int AS per_user, count(*)::int AS per_ip
       FROM login_attempts
      WHERE ip = $1 AND NOT ok AND at > now() - make_interval(mins => $3)`,
		[ip, username, WINDOW_MINUTES],
	);
	return r.per_user >= MAX_PER_USER || r.per_ip >= MAX_PER_IP;
}

export async function recordAttempt(db: Queryable, ip: string, username: string, ok: boolean): Promise<void> {
	await db.query('INSERT INTO login_attempts (ip, username, ok) VALUES ($1, $2, $3)', [ip, username.slice(0, 60), ok]);
	// A success clears this pair's failures; old rows go so the table stays bounded.
	if (ok) await db.query('DELETE FROM login_attempts WHERE ip = $1 AND username = $2 AND NOT ok', [ip, username]);
	await db.query(`DELETE FROM login_attempts WHERE at < now() - interval '1 day'`);
}
