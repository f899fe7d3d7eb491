import { createHash, randomBytes } from 'crypto';
import type { Queryable } from '../db';
import type { DashboardUser, Role } from './users';

/**
 * Server-side sessions. The browser holds a random 256-bit token; the table holds its SHA-256,
 * so reading the table (a backup, a leaked dump) does not let anyone log in.
 */
export const SESSION_TTL_HOURS = 12;
/** Idle officers are logged out: a phone left on a desk should not stay signed in all day. */
export const SESSION_IDLE_MINUTES = 120;

export interface Session {
	tokenHash: string;
	csrfToken: string;
	expiresAt: Date;
	user: DashboardUser;
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export async function createSession(
	db: Queryable,
	userId: number,
	meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
	const token = newToken();
	const csrfToken = newToken();
	const [r] = await db.query<{ expires_at: Date }>(
		`INSERT INTO dashboard_sessions (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5, $6) RETURNING expires_at`,
		[hashToken(token), userId, csrfToken, SESSION_TTL_HOURS, meta.ip ?? null, (meta.userAgent ?? '').slice(0, 300) || null],
	);
	// Expired sessions of anyone are swept on each login: no separate janitor needed.
	await db.query('DELETE FROM dashboard_sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(mins => $1)', [
		SESSION_IDLE_MINUTES,
	]);
	return { token, csrfToken, expiresAt: r.expires_at };
}

interface SessionRow extends Record<string, unknown> {
	token_hash: string;
	csrf_token: string;
	expires_at: Date;
	stale: boolean;
	id: number;
	username: string;
	display_name: string | null;
	role: Role;
	district_id: number | null;
	language: 'hi' | 'en';
	created_at: Date;
}

/** The live session for a cookie token, or null (unknown, expired, idle or disabled user). */
export async function findSession(db: Queryable, token: string): Promise<Session | null> {
	if (!token || token.length > 100) return null;
	const h = hashToken(token);
	const [r] = await db.query<SessionRow>(
		`SELECT s.token_hash, s.csrf_token, s.expires_at, s.last_seen_at < now() - interval '1 minute' AS stale,
            u.id, u.username, u.display_name, u.role, u.district_id, u.language, u.created_at
       FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL
        AND s.last_seen_at > now() - make_interval(mins => $2)`,
		[h, SESSION_IDLE_MINUTES],
	);
	if (!r) return null;
	// Touch at most once a minute: reads stay reads under load.
	if (r.stale) await db.query('UPDATE dashboard_sessions SET last_seen_at = now() WHERE token_hash = $1', [h]);
	return {
		tokenHash: r.token_hash,
		csrfToken: r.csrf_token,
		expiresAt: r.expires_at,
		user: {
			id: r.id,
			username: r.username,
			displayName: r.display_name,
			role: r.role,
			districtId: r.district_id,
			language: r.language,
			disabled: false,
			createdAt: r.created_at,
		},
	};
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
	await db.query('DELETE FROM dashboard_sessions WHERE token_hash = $1', [hashToken(token)]);
}

export async function deleteUserSessions(db: Queryable, userId: number): Promise<void> {
	await db.query('DELETE FROM dashboard_sessions WHERE user_id = $1', [userId]);
}
