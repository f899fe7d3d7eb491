import type { Db, Queryable } from '../db';
import { audit } from '../audit';
import { MitanError } from '../errors';
import { isId } from '../ids';
import { attemptSucceeded, minutesUntil, reserveAttempt, throttleKeys } from './throttle';
import { checkPasswordStrength, dummyHash, hashPassword, verifyPassword } from './passwords';
import { beginSession, createChallenge, secondFactorStep, type LoginResult } from './second-factor';
import { deleteSession, deleteUserSessions } from './sessions';
import {
	checkRole,
	checkUsername,
	clearTotp,
	countAdmins,
	findUserForLogin,
	getUser,
	insertUser,
	updateUser,
	type DashboardUser,
	type Role,
} from './users';

/** Login, logout and user administration; every admin action lands in the audit log. */

/** What the audit log calls a login's actor: the user, or a marker when the name names nobody (finding 11). */
export const UNKNOWN_USER_ACTOR = 'user:(unknown)';

export async function login(db: Db, input: { username: unknown; password: unknown; ip: string; userAgent?: string }): Promise<LoginResult> {
	const username = typeof input.username === 'string' ? input.username.trim().toLowerCase().slice(0, 60) : '';
	const password = typeof input.password === 'string' ? input.password : '';
	if (!username || !password) {
		throw new MitanError('AUTH_MISSING', 'username and password are both required', {
			field: !username ? 'username' : 'password',
		});
	}
	const user = await findUserForLogin(db, username);
	// What was typed is stored only when it names a user: it may be a password typed in the wrong field.
	const actor = user ? `user:${user.username}` : UNKNOWN_USER_ACTOR;
	const keys = throttleKeys(input.ip, user ? { userId: user.id } : { typed: username });
	// Reserved before hashing, in one locking statement: concurrent guesses cannot all pass (finding 2).
	const seat = await reserveAttempt(db, keys);
	if (!seat.admitted) {
		const minutes = minutesUntil(seat.lockedUntil);
		await audit(db, {
			districtId: user?.districtId ?? null,
			actor,
			action: 'auth.login_refused',
			entity: 'dashboard_user',
			entityId: user?.id ?? null,
			ip: input.ip,
			details: { reason: 'rate_limited', lockedUntil: seat.lockedUntil?.toISOString() ?? null },
		});
		throw new MitanError('AUTH_RATE_LIMITED', `too many failed logins: wait ${minutes} minutes and try again`, { minutes });
	}
	// Verify against a dummy hash for unknown users so timing does not reveal which names exist.
	const ok = (await verifyPassword(user?.passwordHash ?? (await dummyHash()), password)) && !!user && !user.disabled;
	if (!ok || !user) {
		await audit(db, {
			actor,
			action: 'auth.login_failed',
			entity: 'dashboard_user',
			entityId: user?.id ?? null,
			ip: input.ip,
		});
		throw new MitanError('AUTH_BAD_CREDENTIALS', 'wrong username or password');
	}
	await attemptSucceeded(db, keys);
	const meta = { ip: input.ip, userAgent: input.userAgent };
	// Approvers with TOTP on, and every admin (enrolled here on first login), need a code too.
	const step = secondFactorStep(user);
	if (step) return createChallenge(db, user, step, meta);
	return beginSession(db, user, meta, false);
}

export async function logout(db: Queryable, token: string, user?: DashboardUser, ip?: string): Promise<void> {
	await deleteSession(db, token);
	if (user)
		await audit(db, {
			districtId: user.districtId,
			actor: `user:${user.username}`,
			action: 'auth.logout',
			entity: 'dashboard_user',
			entityId: user.id,
			ip,
		});
}

export interface NewUser {
	username: unknown;
	password: unknown;
	role: unknown;
	districtId?: number | null;
	displayName?: string | null;
	language?: 'hi' | 'en';
}

async function checkDistrict(db: Queryable, districtId: number | null | undefined): Promise<number | null> {
	if (districtId === null || districtId === undefined) return null;
	if (!isId(districtId))
		throw new MitanError('AUTH_BAD_DISTRICT', 'district: must be a district id or empty for state-level', {
			field: 'district',
		});
	const rows = await db.query('SELECT 1 FROM districts WHERE id = $1', [districtId]);
	if (rows.length === 0) throw new MitanError('AUTH_BAD_DISTRICT', `district: no district with id ${districtId}`, { field: 'district' });
	return districtId;
}

async function newUser(db: Queryable, u: NewUser): Promise<DashboardUser> {
	const username = checkUsername(u.username);
	const role = checkRole(u.role);
	const password = typeof u.password === 'string' ? u.password : '';
	checkPasswordStrength(password, username);
	const districtId = await checkDistrict(db, u.districtId);
	return insertUser(db, {
		username,
		role,
		districtId,
		passwordHash: await hashPassword(password),
		displayName: u.displayName ?? null,
		language: u.language,
	});
}

/** Creates the first (or another) state-level admin from the command line: `mitan admin:create`. */
export async function createAdmin(db: Queryable, username: string, password: string): Promise<DashboardUser> {
	const user = await newUser(db, { username, password, role: 'admin', districtId: null });
	await audit(db, {
		actor: 'system:cli',
		action: 'admin.user_created',
		entity: 'dashboard_user',
		entityId: user.id,
		details: { username: user.username, role: 'admin' },
	});
	return user;
}

export async function createUserAsAdmin(db: Db, actor: DashboardUser, u: NewUser, ip?: string): Promise<DashboardUser> {
	requireRole(actor, 'admin');
	return db.transaction(async (tx) => {
		const user = await newUser(tx, u);
		await audit(tx, {
			districtId: user.districtId,
			actor: `user:${actor.username}`,
			action: 'admin.user_created',
			entity: 'dashboard_user',
			entityId: user.id,
			ip,
			details: { username: user.username, role: user.role, districtId: user.districtId },
		});
		return user;
	});
}

export async function updateUserAsAdmin(
	db: Db,
	actor: DashboardUser,
	id: number,
	patch: { role?: unknown; districtId?: number | null; disabled?: boolean; password?: unknown; resetTotp?: boolean },
	ip?: string,
): Promise<DashboardUser> {
	requireRole(actor, 'admin');
	return db.transaction(async (tx) => {
		const before = await getUser(tx, id);
		if (!before) throw new MitanError('AUTH_USER_NOT_FOUND', `user ${id} does not exist`, { field: 'id' });
		const role = patch.role === undefined || patch.role === '' ? undefined : checkRole(patch.role);
		const districtId = patch.districtId === undefined ? undefined : await checkDistrict(tx, patch.districtId);
		let passwordHash: string | undefined;
		if (typeof patch.password === 'string' && patch.password !== '') {
			checkPasswordStrength(patch.password, before.username);
			passwordHash = await hashPassword(patch.password);
		}
		const after = await updateUser(tx, id, { role, districtId, disabled: patch.disabled, passwordHash });
		// A lost phone: the second factor is cleared; an admin enrols again at the next login.
		if (patch.resetTotp) await clearTotp(tx, id);
		// The last admin cannot lock everyone out.
		if (before.role === 'admin' && (after.role !== 'admin' || after.disabled) && (await countAdmins(tx)) === 0) {
			throw new MitanError('AUTH_LAST_ADMIN', 'role: the last active admin cannot be demoted or disabled', { field: 'role' });
		}
		if (after.disabled || passwordHash || patch.resetTotp || after.role !== before.role) await deleteUserSessions(tx, id);
		await audit(tx, {
			districtId: after.districtId,
			actor: `user:${actor.username}`,
			action: 'admin.user_updated',
			entity: 'dashboard_user',
			entityId: id,
			ip,
			details: {
				username: after.username,
				role: [before.role, after.role],
				districtId: [before.districtId, after.districtId],
				disabled: [before.disabled, after.disabled],
				passwordChanged: !!passwordHash,
				totpReset: !!patch.resetTotp,
			},
		});
		return after;
	});
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, approver: 2, admin: 3 };

/** Roles are ordered: an admin may do what an approver may, an approver what an editor may, an editor what a viewer may. */
export function hasRole(user: DashboardUser, min: Role): boolean {
	return RANK[user.role] >= RANK[min];
}

export function requireRole(user: DashboardUser, min: Role): void {
	if (!hasRole(user, min)) {
		throw new MitanError('AUTH_FORBIDDEN', `this needs the ${min} role (you are ${user.role})`);
	}
}
