import { hash, verify } from '@node-rs/argon2';
import { MitanError } from '../errors';

/**
 * argon2id with OWASP's second recommended setting (19 MiB, t=2, p=1): strong enough for a
 * dashboard of a few dozen officers, cheap enough that a login stays well under a second.
 */
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

/** Refuses passwords an officer could be talked out of over the phone. */
export function checkPasswordStrength(password: string, username = ''): void {
	if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
		throw new MitanError('AUTH_WEAK_PASSWORD', `password: must be at least ${MIN_PASSWORD_LENGTH} characters`, {
			field: 'password',
		});
	}
	if (password.length > 200) {
		throw new MitanError('AUTH_WEAK_PASSWORD', 'password: must be at most 200 characters', { field: 'password' });
	}
	if (username && password.toLowerCase().includes(username.toLowerCase())) {
		throw new MitanError('AUTH_WEAK_PASSWORD', 'password: must not contain the username', { field: 'password' });
	}
	if (new Set(password).size < 5) {
		throw new MitanError('AUTH_WEAK_PASSWORD', 'password: needs at least 5 different characters', { field: 'password' });
	}
}

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

/**
 * A real hash to verify against when the username is unknown, so "no such user" and
 * "wrong password" take the same time and cannot be told apart.
 */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
	dummy ??= hashPassword('not-a-real-password-' + Math.random());
	return dummy;
}
