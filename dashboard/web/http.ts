import type express from 'express';
import { randomBytes, timingSafeEqual } from 'crypto';
import type { Db } from '../../core/db';
import { findSession, hasRole, type DashboardUser, type Role, type Session } from '../../core/auth';
import { clientIp as clientIpOf } from '../../core/client-ip';
import { httpErrorOf, MitanError } from '../../core/errors';
import { isLang, type Lang } from './i18n';

/** Request plumbing of the dashboard: cookies, the session, CSRF, language, errors. No new packages. */

export interface WebLocals {
	session?: Session;
	user?: DashboardUser;
	lang: Lang;
	token?: string;
}

export function locals(res: express.Response): WebLocals {
	return res.locals as WebLocals;
}

export function parseCookies(header: string | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	if (!header) return out;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		const name = part.slice(0, eq).trim();
		if (!name || name in out) continue;
		try {
			out[name] = decodeURIComponent(part.slice(eq + 1).trim());
		} catch {
			// a malformed cookie is ignored, not an error page
		}
	}
	return out;
}

export interface CookieNames {
	session: string;
	loginCsrf: string;
	/** Between the right password and the TOTP code (core/auth/second-factor.ts). */
	challenge: string;
	lang: string;
}

/** With an https public URL cookies are Secure and use the __Host- prefix (no Domain, Path=/, Secure). */
export function cookieNames(secure: boolean): CookieNames {
	const p = secure ? '__Host-' : '';
	return { session: `${p}mitan_sid`, loginCsrf: `${p}mitan_login`, challenge: `${p}mitan_2fa`, lang: 'mitan_lang' };
}

export function setCookie(
	res: express.Response,
	name: string,
	value: string,
	opts: { secure: boolean; maxAgeSeconds?: number; httpOnly?: boolean; sameSite?: 'Lax' | 'Strict' },
): void {
	const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', `SameSite=${opts.sameSite ?? 'Lax'}`];
	if (opts.httpOnly !== false) parts.push('HttpOnly');
	if (opts.secure) parts.push('Secure');
	if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
	res.append('Set-Cookie', parts.join('; '));
}

/** The end of a login: the session cookie set, the login form's and the challenge's cookies cleared. */
export function startSessionCookies(
	res: express.Response,
	names: CookieNames,
	secure: boolean,
	s: { token: string; expiresAt: Date },
): void {
	setCookie(res, names.session, s.token, {
		secure,
		sameSite: 'Lax',
		maxAgeSeconds: Math.floor((s.expiresAt.getTime() - Date.now()) / 1000),
	});
	setCookie(res, names.loginCsrf, '', { secure, sameSite: 'Strict', maxAgeSeconds: 0 });
	setCookie(res, names.challenge, '', { secure, sameSite: 'Strict', maxAgeSeconds: 0 });
}

/** The caller's address (core's rule, behind the app's trust-proxy setting); 'unknown' keeps the login limit keyed. */
export function clientIp(req: express.Request): string {
	return clientIpOf(req) ?? 'unknown';
}

export function randomToken(): string {
	return randomBytes(24).toString('base64url');
}

export function sameToken(a: unknown, b: unknown): boolean {
	if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0 || a.length !== b.length) return false;
	return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Only local paths: `next=` must never send an officer to another site after login. */
export function safeNext(next: unknown, fallback = '/'): string {
	return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : fallback;
}

/** Loads the session (if any) and the language: explicit cookie > user's preference > Hindi. */
export function sessionMiddleware(db: Db, names: CookieNames): express.RequestHandler {
	return async (req, res, next) => {
		try {
			const cookies = parseCookies(req.headers.cookie);
			const l = locals(res);
			const token = cookies[names.session];
			if (token) {
				const s = await findSession(db, token);
				if (s) {
					l.session = s;
					l.user = s.user;
					l.token = token;
				}
			}
			const fromCookie = cookies[names.lang];
			l.lang = isLang(fromCookie) ? fromCookie : (l.user?.language ?? 'hi');
			next();
		} catch (e) {
			next(e);
		}
	};
}

/** An error answered as JSON at once, with core's status (httpStatusOf). */
export function answerJson(res: express.Response, err: unknown): void {
	const { status, body } = httpErrorOf(err);
	res.status(status).json(body);
}

function isApi(req: express.Request): boolean {
	return req.originalUrl.startsWith('/api/');
}

/** No route without login: pages redirect to the login form, the API answers 401. */
export function requireLogin(min: Role = 'viewer'): express.RequestHandler {
	return (req, res, next) => {
		const user = locals(res).user;
		if (!user) {
			if (isApi(req) || req.method !== 'GET') {
				answerJson(res, new MitanError('AUTH_REQUIRED', 'log in first'));
			} else {
				res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
			}
			return;
		}
		if (!hasRole(user, min)) {
			next(new MitanError('AUTH_FORBIDDEN', `this needs the ${min} role (you are ${user.role})`));
			return;
		}
		next();
	};
}

/** Synchronizer token: every state-changing request must echo the session's CSRF token. */
export function requireCsrf(): express.RequestHandler {
	return (req, res, next) => {
		if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
		const s = locals(res).session;
		const sent = req.get('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
		if (!s || !sameToken(sent, s.csrfToken)) {
			answerJson(res, new MitanError('CSRF_FAILED', 'missing or wrong CSRF token: reload the page and try again'));
			return;
		}
		next();
	};
}

/**
 * Errors of the dashboard's own routes: JSON for the API and writes, a short page otherwise; the
 * status is core's one rule (httpStatusOf), the same as on every other URL of the app.
 */
export function webErrorHandler(renderError: (lang: Lang, status: number, message: string) => string): express.ErrorRequestHandler {
	return (err, req, res, next) => {
		if (res.headersSent) return next(err);
		const { status, body } = httpErrorOf(err);
		if (status >= 500) console.error('[dashboard]', err);
		if (isApi(req) || !req.accepts('html')) {
			res.status(status).json(body);
		} else {
			res
				.status(status)
				.type('html')
				.send(renderError(locals(res).lang ?? 'hi', status, String(body.error.message)));
		}
	};
}
