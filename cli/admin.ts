import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createAdmin, findUserForLogin, isStrongPassword, verifyPassword } from '../core/auth';
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

export const FIRST_ADMIN_FILE = 'first-admin.password';

export interface FirstLogin {
	username: string;
	password: string;
	/** The mode-600 file that holds it until the admin changes the password. */
	file: string;
	/** True when this start made the account. */
	created: boolean;
}

/**
 * On `npm start`: make sure someone can log in to the dashboard, and that the login is never lost.
 * The first admin's password is kept like the n8n owner's: a mode-600 file in the data folder,
 * written BEFORE the account exists (a start that dies later still leaves the way in), read back
 * on every start while it still opens the account, and removed once the admin has changed it.
 */
export async function firstAdminLogin(db: Queryable, dataDir: string): Promise<FirstLogin | null> {
	const file = path.join(dataDir, FIRST_ADMIN_FILE);
	const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dashboard_users');
	if (r.n === 0) {
		const login = { username: 'admin', password: generatePassword() };
		fs.mkdirSync(dataDir, { recursive: true });
		fs.writeFileSync(file, `${login.username}\n${login.password}\n`, { mode: 0o600 });
		fs.chmodSync(file, 0o600);
		await createAdmin(db, login.username, login.password);
		return { ...login, file, created: true };
	}
	if (!fs.existsSync(file)) return null;
	const [username, password] = fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.map((l) => l.trim());
	const user = username ? await findUserForLogin(db, username) : null;
	if (user && password && (await verifyPassword(user.passwordHash, password))) return { username, password, file, created: false };
	// Changed (or the account is gone): the file has done its job and must not keep a stale secret.
	fs.rmSync(file, { force: true });
	return null;
}
