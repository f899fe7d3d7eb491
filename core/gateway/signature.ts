import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Meta signs every webhook POST with X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
 * body with the app secret>. We hash the exact bytes received (never a re-serialised parse:
 * Meta escapes Hindi and emoji as \uXXXX, so re-serialising changes the bytes) and compare in
 * constant time, so the answer time does not leak how many leading characters matched.
 */
const HEADER_RE = /^sha256=([0-9a-f]{64})$/i;

export function signBody(raw: Buffer | string, appSecret: string): string {
	return 'sha256=' + createHmac('sha256', appSecret).update(raw).digest('hex');
}

export function verifySignature(raw: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
	if (typeof header !== 'string' || !appSecret) return false;
	const m = HEADER_RE.exec(header.trim());
	if (!m) return false;
	const given = Buffer.from(m[1].toLowerCase(), 'hex');
	const expected = createHmac('sha256', appSecret).update(raw).digest();
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The GET handshake's verify token, compared in constant time too. */
export function tokensEqual(given: unknown, expected: string | undefined): boolean {
	if (typeof given !== 'string' || !expected) return false;
	const a = createHmac('sha256', 'verify-token').update(given).digest();
	const b = createHmac('sha256', 'verify-token').update(expected).digest();
	return timingSafeEqual(a, b);
}
