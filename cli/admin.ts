import { randomBytes } from 'crypto';
import { createAdmin, isStrongPassword } from '../core/auth';
import type { Queryable } from '../core/db';
import { MitanError } from '../core/errors';

/**
 * A password a person can type from a printout: 16 characters from an unambiguous alphabet
 * (about 93 bits). Drawn again in the rare case the policy (core/auth/passwords.ts) finds a
 * pattern in it, so the first admin's bootstrap never fails on its own password.
 */
export function generatePassword(): string {
	const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
	for (;;) {
		const pw = [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
		if (isStrongPassword(pw, 'admin')) return pw;
	}
}

/**
 * `mitan admin:create <username>`: the first dashboard admin (later users are added from the
 * dashboard's admin page). The password comes from MITAN_ADMIN_PASSWORD or is generated and
 * shown once; it is stored only as an argon2id hash.
 */
export async function adminCreate(
	db: Queryable,
	username: string | undefined,
	password: string | undefined,
): Promise<{ username: string; password: string; generated: boolean }> {
	if (!username)
		throw new MitanError(
			'CLI_USAGE',
			'usage: mitan admin:create <username>   (password from MITAN_ADMIN_PASSWORD, or generated and shown once)',
		);
	const pw = password || generatePassword();
	await createAdmin(db, username, pw);
	return { username, password: pw, generated: !password };
}

/** On `npm start`: make sure someone can log in to the dashboard. */
export async function ensureFirstAdmin(db: Queryable): Promise<{ username: string; password: string } | null> {
	const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dashboard_users');
	if (r.n > 0) return null;
	const created = await adminCreate(db, 'admin', undefined);
	return { username: created.username, password: created.password };
}
