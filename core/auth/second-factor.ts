import type { Db, Queryable } from '../db';
import { audit } from '../audit';
import { MitanError } from '../errors';
import { createSession, hashToken, newToken } from './sessions';
import { newTotpSecret, totpUri, verifyTotp } from './totp';
import { acceptTotpStep, getLoginUser, setPendingTotpSecret, type DashboardUser, type LoginUser } from './users';

/**
 * The TOTP second factor (issue 18, finding 8): offered to approvers, required of admins. After the
 * right password a user with TOTP on gets a challenge, not a session; an admin without it is
 * enrolled there and then (the secret shown once, confirmed with a first code). A challenge is a
 * random token in a cookie (its SHA-256 in login_challenges), lasts CHALLENGE_MINUTES and ends
 * after MAX_CODE_FAILURES wrong codes: then the password is asked again, under the login throttle.
 */
export const CHALLENGE_MINUTES = 10;
export const MAX_CODE_FAILURES = 5;
export type SecondFactorStep = 'verify' | 'enrol';

export interface SessionStart {
	kind: 'session';
	token: string;
	csrfToken: string;
	expiresAt: Date;
	user: DashboardUser;
}
export interface SecondFactorNeeded {
	kind: 'second_factor';
	challenge: string;
	step: SecondFactorStep;
	user: DashboardUser;
}
export type LoginResult = SessionStart | SecondFactorNeeded;

interface Meta {
	ip: string;
	userAgent?: string;
}

/** Which step a user with the right password still has to take, if any. */
export function secondFactorStep(user: LoginUser): SecondFactorStep | null {
	if (user.totp.enabled) return 'verify';
	return user.role === 'admin' ? 'enrol' : null;
}

export function plainUser(user: LoginUser): DashboardUser {
	const { passwordHash: _p, totp: _t, ...plain } = user;
	return plain;
}

/** The session at the end of a login (password, and the second factor when there is one); audited. */
export async function beginSession(db: Queryable, user: LoginUser, meta: Meta, secondFactor: boolean): Promise<SessionStart> {
	const s = await createSession(db, user.id, { ip: meta.ip, userAgent: meta.userAgent });
	await audit(db, {
		districtId: user.districtId,
		actor: `user:${user.username}`,
		action: 'auth.login',
		entity: 'dashboard_user',
		entityId: user.id,
		ip: meta.ip,
		details: secondFactor ? { secondFactor: 'totp' } : undefined,
	});
	return { kind: 'session', ...s, user: plainUser(user) };
}

export async function createChallenge(db: Queryable, user: LoginUser, step: SecondFactorStep, meta: Meta): Promise<SecondFactorNeeded> {
	const token = newToken();
	await db.query('DELETE FROM login_challenges WHERE expires_at < now() OR user_id = $1', [user.id]);
	await db.query(
		`INSERT INTO login_challenges (token_hash, user_id, purpose, ip, user_agent, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6))`,
		[hashToken(token), user.id, step, meta.ip, (meta.userAgent ?? '').slice(0, 300) || null, CHALLENGE_MINUTES],
	);
	return { kind: 'second_factor', challenge: token, step, user: plainUser(user) };
}

async function findChallenge(db: Queryable, token: unknown): Promise<{ user: LoginUser; step: SecondFactorStep; hash: string } | null> {
	if (typeof token !== 'string' || token.length === 0 || token.length > 100) return null;
	const hash = hashToken(token);
	const [c] = await db.query<{ user_id: number; purpose: SecondFactorStep }>(
		'SELECT user_id, purpose FROM login_challenges WHERE token_hash = $1 AND expires_at > now()',
		[hash],
	);
	const user = c ? await getLoginUser(db, c.user_id) : null;
	return user && !user.disabled ? { user, step: c.purpose, hash } : null;
}

function expired(): MitanError {
	return new MitanError('AUTH_CHALLENGE_EXPIRED', 'the sign-in step expired or was ended: enter your password again');
}

/** What the code page shows; for enrolment the secret (made on first view) and its otpauth:// link. */
export async function challengeView(
	db: Queryable,
	token: unknown,
): Promise<{ step: SecondFactorStep; username: string; secret?: string; uri?: string } | null> {
	const c = await findChallenge(db, token);
	if (!c) return null;
	if (c.step === 'verify') return { step: 'verify', username: c.user.username };
	const secret = c.user.totp.secret ?? newTotpSecret();
	if (!c.user.totp.secret) await setPendingTotpSecret(db, c.user.id, secret);
	return { step: 'enrol', username: c.user.username, secret, uri: totpUri(secret, c.user.username) };
}

/** The code of a challenge: right → the session; wrong → counted, and the challenge ends at the limit. */
export async function completeChallenge(db: Db, token: unknown, code: unknown, meta: Meta): Promise<SessionStart> {
	const c = await findChallenge(db, token);
	if (!c) throw expired();
	const { user, step: kind } = c;
	const step = user.totp.secret ? verifyTotp(user.totp.secret, code, user.totp.lastStep) : null;
	if (step === null || !(await acceptTotpStep(db, user.id, step, kind === 'enrol'))) {
		const [r] = await db.query<{ failures: number }>(
			'UPDATE login_challenges SET failures = failures + 1 WHERE token_hash = $1 RETURNING failures',
			[c.hash],
		);
		const last = !r || r.failures >= MAX_CODE_FAILURES;
		if (last) await db.query('DELETE FROM login_challenges WHERE token_hash = $1', [c.hash]);
		await audit(db, {
			districtId: user.districtId,
			actor: `user:${user.username}`,
			action: 'auth.totp_failed',
			entity: 'dashboard_user',
			entityId: user.id,
			ip: meta.ip,
			details: { step: kind, ended: last },
		});
		if (last) throw expired();
		throw new MitanError('AUTH_TOTP_WRONG', 'wrong or already used code: enter the current 6-digit code from the app', { field: 'code' });
	}
	await db.query('DELETE FROM login_challenges WHERE token_hash = $1', [c.hash]);
	if (kind === 'enrol') await auditEnrolled(db, user, meta.ip);
	return beginSession(db, user, meta, true);
}

async function auditEnrolled(db: Queryable, user: DashboardUser, ip?: string): Promise<void> {
	await audit(db, {
		districtId: user.districtId,
		actor: `user:${user.username}`,
		action: 'auth.totp_enrolled',
		entity: 'dashboard_user',
		entityId: user.id,
		ip,
	});
}

/** The account page (approvers and admins): the pending secret to enrol with, or null when TOTP is on. */
export async function enrolmentFor(db: Queryable, userId: number): Promise<{ enabled: boolean; secret?: string; uri?: string }> {
	const user = await getLoginUser(db, userId);
	if (!user) throw new MitanError('AUTH_USER_NOT_FOUND', `user ${userId} does not exist`, { field: 'id' });
	if (user.totp.enabled) return { enabled: true };
	const secret = user.totp.secret ?? newTotpSecret();
	if (!user.totp.secret) await setPendingTotpSecret(db, user.id, secret);
	return { enabled: false, secret, uri: totpUri(secret, user.username) };
}

/** Confirms enrolment from the account page with a first code. */
export async function confirmEnrolment(db: Queryable, userId: number, code: unknown, ip?: string): Promise<void> {
	const user = await getLoginUser(db, userId);
	if (!user?.totp.secret || user.totp.enabled) throw expired();
	const step = verifyTotp(user.totp.secret, code, user.totp.lastStep);
	if (step === null || !(await acceptTotpStep(db, user.id, step, true))) {
		throw new MitanError('AUTH_TOTP_WRONG', 'wrong or already used code: enter the current 6-digit code from the app', { field: 'code' });
	}
	await auditEnrolled(db, user, ip);
}
