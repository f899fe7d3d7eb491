import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import { MitanError } from '../errors';

/**
 * argon2id with OWASP's second recommended setting (19 MiB, t=2, p=1): strong enough for a
 * dashboard of a few dozen officers, cheap enough that a login stays well under a second.
 */
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's score 3: "safely unguessable: moderate protection from an unthrottled online attack". */
export const MIN_PASSWORD_SCORE = 3;

/**
 * Words an attacker of this installation tries first, on top of zxcvbn's own dictionaries of common
 * and breached passwords, names and words (@zxcvbn-ts/language-common, all shipped in the package:
 * nothing is looked up online).
 */
const LOCAL_WORDS = ['mitan', 'police', 'cgpolice', 'chhattisgarh', 'kabirdham', 'kawardha', 'dashboard', 'admin', 'approver'];

let checker: ZxcvbnFactory | undefined;
function strength(password: string, inputs: string[]): { score: number; warning: string | null } {
	checker ??= new ZxcvbnFactory({ dictionary: { ...zxcvbnCommon.dictionary }, graphs: zxcvbnCommon.adjacencyGraphs });
	// zxcvbn's time grows with length; past 64 characters a password is long enough on its own.
	const r = checker.check(password.slice(0, 64), inputs);
	return { score: r.score, warning: r.feedback.warning };
}

/**
 * Refuses passwords an officer could be talked out of over the phone, or that appear in the lists
 * attackers try first (issue 18, finding 8: `1234567890` and `password12` were accepted).
 */
export function checkPasswordStrength(password: string, username = ''): void {
	if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
		throw new MitanError('AUTH_WEAK_PASSWORD', `password: must be at least ${MIN_PASSWORD_LENGTH} characters`, {
			field: 'password',
			reason: 'too_short',
		});
	}
	if (password.length > 200) {
		throw new MitanError('AUTH_WEAK_PASSWORD', 'password: must be at most 200 characters', { field: 'password', reason: 'too_long' });
	}
	if (username && password.toLowerCase().includes(username.toLowerCase())) {
		throw new MitanError('AUTH_WEAK_PASSWORD', 'password: must not contain the username', { field: 'password', reason: 'username' });
	}
	const s = strength(password, [...LOCAL_WORDS, ...(username ? [username] : [])]);
	if (s.score < MIN_PASSWORD_SCORE) {
		throw new MitanError(
			'AUTH_WEAK_PASSWORD',
			`password: too easy to guess (a common or breached password, a word, a name or a simple pattern${s.warning ? `: ${s.warning}` : ''}); use four or more unrelated words or a longer mix`,
			{ field: 'password', reason: 'guessable' },
		);
	}
}

/** The policy as a yes/no, for generated passwords. */
export function isStrongPassword(password: string, username = ''): boolean {
	try {
		checkPasswordStrength(password, username);
		return true;
	} catch {
		return false;
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
