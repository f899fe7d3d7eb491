import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 codes (6 digits, 30 s, SHA-1: what every authenticator app reads) through `otpauth`.
 * A code is accepted one step either side of now (clock drift of a phone), and only for a step
 * after the last one accepted, so a code seen over a shoulder cannot be used again.
 */
export const TOTP_ISSUER = 'Police Mitan';
const PERIOD = 30;

function totp(secret: string, label = 'user'): TOTP {
	return new TOTP({ issuer: TOTP_ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** 160 random bits, base32 (32 characters), as RFC 4226 recommends. */
export function newTotpSecret(): string {
	return new Secret({ size: 20 }).base32;
}

/** The otpauth:// link an authenticator app reads (as a tap on a phone, or typed by hand). */
export function totpUri(secret: string, username: string): string {
	return totp(secret, username).toString();
}

/** The step a code belongs to, or null when it is wrong, too old, or not after `lastStep`. */
export function verifyTotp(secret: string, code: unknown, lastStep: number | null, now = Date.now()): number | null {
	const c = typeof code === 'string' ? code.replace(/\s/g, '') : '';
	if (!/^\d{6}$/.test(c)) return null;
	const delta = totp(secret).validate({ token: c, timestamp: now, window: 1 });
	if (delta === null) return null;
	const step = Math.floor(now / 1000 / PERIOD) + delta;
	return lastStep !== null && step <= lastStep ? null : step;
}
