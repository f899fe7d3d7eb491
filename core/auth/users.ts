import type { Queryable } from '../db';
import { MitanError } from '../errors';

/** All dashboard-user SQL lives here. */
/** In rank order: a viewer reads, an editor (cyber cell staff) also writes drafts, an approver decides, an admin manages users. */
export type Role = 'viewer' | 'editor' | 'approver' | 'admin';
export const ROLES: Role[] = ['viewer', 'editor', 'approver', 'admin'];

export interface DashboardUser {
	id: number;
	username: string;
	displayName: string | null;
	role: Role;
	/** null = state-level: may look at any district. */
	districtId: number | null;
	language: 'hi' | 'en';
	disabled: boolean;
	createdAt: Date;
}

interface UserRow extends Record<string, unknown> {
	id: number;
	username: string;
	display_name: string | null;
	password_hash: string;
	role: Role;
	district_id: number | null;
	language: 'hi' | 'en';
	disabled_at: Date | null;
	created_at: Date;
	totp_secret: string | null;
	totp_enabled_at: Date | null;
	totp_last_step: string | number | null;
}

function toUser(r: UserRow): DashboardUser {
	return {
		id: r.id,
		username: r.username,
		displayName: r.display_name,
		role: r.role,
		districtId: r.district_id,
		language: r.language,
		disabled: r.disabled_at !== null,
		createdAt: r.created_at,
	};
}

export function checkUsername(username: unknown): string {
	const u = typeof username === 'string' ? username.trim().toLowerCase() : '';
	if (!/^[a-z0-9._-]{2,40}$/.test(u)) {
		throw new MitanError('AUTH_BAD_USERNAME', 'username: 2-40 characters, letters a-z, digits, dot, dash or underscore', {
			field: 'username',
		});
	}
	return u;
}

export function checkRole(role: unknown): Role {
	if (!ROLES.includes(role as Role)) {
		throw new MitanError('AUTH_BAD_ROLE', `role: must be one of ${ROLES.join(', ')} (got "${String(role)}")`, {
			field: 'role',
		});
	}
	return role as Role;
}

export async function insertUser(
	db: Queryable,
	u: { username: string; passwordHash: string; role: Role; districtId: number | null; displayName?: string | null; language?: 'hi' | 'en' },
): Promise<DashboardUser> {
	const rows = await db.query<UserRow>(
		`INSERT INTO dashboard_users (username, password_hash, role, district_id, display_name, language)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (username) DO NOTHING
     RETURNING *`,
		[u.username, u.passwordHash, u.role, u.districtId, u.displayName ?? null, u.language ?? 'hi'],
	);
	if (rows.length === 0) {
		throw new MitanError('AUTH_USER_EXISTS', `username: "${u.username}" is already taken`, { field: 'username' });
	}
	return toUser(rows[0]);
}

export interface LoginUser extends DashboardUser {
	passwordHash: string;
	/** TOTP: a secret while enrolling, `enabled` once confirmed (core/auth/second-factor.ts). */
	totp: { secret: string | null; enabled: boolean; lastStep: number | null };
}

function toLoginUser(r: UserRow): LoginUser {
	return {
		...toUser(r),
		passwordHash: r.password_hash,
		totp: {
			secret: r.totp_secret,
			enabled: r.totp_enabled_at !== null,
			lastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
		},
	};
}

export async function findUserForLogin(db: Queryable, username: string): Promise<LoginUser | null> {
	const [r] = await db.query<UserRow>('SELECT * FROM dashboard_users WHERE username = $1', [username]);
	return r ? toLoginUser(r) : null;
}

export async function getLoginUser(db: Queryable, id: number): Promise<LoginUser | null> {
	const [r] = await db.query<UserRow>('SELECT * FROM dashboard_users WHERE id = $1', [id]);
	return r ? toLoginUser(r) : null;
}

export async function clearTotp(db: Queryable, id: number): Promise<void> {
	await db.query(
		'UPDATE dashboard_users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1',
		[id],
	);
}

/** Enrolment: a new secret, not yet counted (the user confirms it with a code first). */
export async function setPendingTotpSecret(db: Queryable, id: number, secret: string): Promise<void> {
	await db.query(
		'UPDATE dashboard_users SET totp_secret = $2, totp_enabled_at = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1',
		[id, secret],
	);
}

/**
 * Records an accepted code's step; `enable` also switches the second factor on. Only a later step
 * than the stored one is written, so two requests racing with one code cannot both succeed.
 */
export async function acceptTotpStep(db: Queryable, id: number, step: number, enable: boolean): Promise<boolean> {
	const rows = await db.query(
		`UPDATE dashboard_users SET totp_last_step = $2,
            totp_enabled_at = CASE WHEN $3::boolean THEN COALESCE(totp_enabled_at, now()) ELSE totp_enabled_at END
      WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
		[id, step, enable],
	);
	return rows.length === 1;
}

export async function getUser(db: Queryable, id: number): Promise<DashboardUser | null> {
	const [r] = await db.query<UserRow>('SELECT * FROM dashboard_users WHERE id = $1', [id]);
	return r ? toUser(r) : null;
}

export async function listUsers(db: Queryable): Promise<DashboardUser[]> {
	const rows = await db.query<UserRow>('SELECT * FROM dashboard_users ORDER BY username');
	return rows.map(toUser);
}

export async function countAdmins(db: Queryable): Promise<number> {
	const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dashboard_users WHERE role = 'admin' AND disabled_at IS NULL`);
	return r.n;
}

export async function updateUser(
	db: Queryable,
	id: number,
	patch: { role?: Role; districtId?: number | null; disabled?: boolean; passwordHash?: string; language?: 'hi' | 'en' },
): Promise<DashboardUser> {
	const [r] = await db.query<UserRow>(
		`UPDATE dashboard_users SET
       role = COALESCE($2, role),
       district_id = CASE WHEN $3::boolean THEN $4::int ELSE district_id END,
       disabled_at = CASE WHEN $5::boolean IS NULL THEN disabled_at WHEN $5 THEN COALESCE(disabled_at, now()) ELSE NULL END,
       password_hash = COALESCE($6, password_hash),
       language = COALESCE($7, language),
       updated_at = now()
     WHERE id = $1 RETURNING *`,
		[
			id,
			patch.role ?? null,
			patch.districtId !== undefined,
			patch.districtId ?? null,
			patch.disabled ?? null,
			patch.passwordHash ?? null,
			patch.language ?? null,
		],
	);
	if (!r) throw new MitanError('AUTH_USER_NOT_FOUND', `user ${id} does not exist`, { field: 'id' });
	return toUser(r);
}
