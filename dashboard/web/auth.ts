import express, { Router } from 'express';
import type { Db } from '../../core/db';
import { CHALLENGE_MINUTES, login, logout } from '../../core/auth';
import { httpStatusOf, isMitanError, MitanError } from '../../core/errors';
import { esc } from '../../core/html';
import { isLang, labeler, t, type Lang, type MessageKey } from './i18n';
import { shell } from './layout';
import {
	clientIp,
	locals,
	parseCookies,
	randomToken,
	requireCsrf,
	safeNext,
	sameToken,
	setCookie,
	startSessionCookies,
	type CookieNames,
} from './http';

/**
 * Login, logout and the language switch. The login form has no session yet, so its CSRF
 * check is a double-submit: a random value in a SameSite=Strict cookie and in the form.
 */
function loginPage(lang: Lang, next: string, csrf: string, error?: string, username = ''): string {
	const label = labeler(lang);
	return shell({
		lang,
		title: t(lang, 'login_title'),
		currentUrl: `/login?next=${encodeURIComponent(next)}`,
		bodyClass: 'login-page',
		body: `<section class="panel login">
  <h1>${label('login_title')}</h1>
  <p class="muted">${label('login_hint')}</p>
  ${error ? `<p class="flash bad" role="alert">${esc(error)}</p>` : ''}
  <form method="post" action="/login" autocomplete="on">
    <input type="hidden" name="_csrf" value="${esc(csrf)}">
    <input type="hidden" name="next" value="${esc(next)}">
    <label>${label('username')}<input name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(username)}"></label>
    <label>${label('password')}<input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit" class="btn primary">${label('sign_in')}</button>
  </form>
</section>`,
	});
}

/** The officer's message for a refused login; a lock says how long it lasts. */
function messageOf(lang: Lang, key: MessageKey, err: MitanError): string {
	return t(lang, key).replace('{minutes}', String(err.details?.minutes ?? ''));
}

export function authRouter(db: Db, names: CookieNames, secure: boolean): Router {
	const r = Router();
	const form = express.urlencoded({ extended: false, limit: '4kb' });

	r.get('/login', (req, res) => {
		if (locals(res).user) return res.redirect(303, safeNext(req.query.next));
		const token = randomToken();
		setCookie(res, names.loginCsrf, token, { secure, sameSite: 'Strict', maxAgeSeconds: 3600 });
		res.set('Cache-Control', 'no-store');
		res.type('html').send(loginPage(locals(res).lang, safeNext(req.query.next), token));
	});

	r.post('/login', form, async (req, res) => {
		const body = (req.body ?? {}) as Record<string, unknown>;
		const lang = locals(res).lang;
		const next = safeNext(body.next);
		const cookieToken = parseCookies(req.headers.cookie)[names.loginCsrf];
		const again = (err: MitanError, error: MessageKey) => {
			const token = randomToken();
			setCookie(res, names.loginCsrf, token, { secure, sameSite: 'Strict', maxAgeSeconds: 3600 });
			res
				.status(httpStatusOf(err))
				.type('html')
				.send(
					loginPage(lang, next, token, messageOf(lang, error, err), typeof body.username === 'string' ? body.username.slice(0, 60) : ''),
				);
		};
		if (!sameToken(body._csrf, cookieToken)) return again(new MitanError('CSRF_FAILED', 'login form token missing or wrong'), 'err_csrf');
		try {
			const s = await login(db, { username: body.username, password: body.password, ip: clientIp(req), userAgent: req.get('user-agent') });
			if (s.kind === 'second_factor') {
				// The login form's CSRF cookie stays: the code form is checked against it too.
				setCookie(res, names.challenge, s.challenge, { secure, sameSite: 'Strict', maxAgeSeconds: CHALLENGE_MINUTES * 60 });
				return res.redirect(303, `/login/totp?next=${encodeURIComponent(next)}`);
			}
			startSessionCookies(res, names, secure, s);
			res.redirect(303, next);
		} catch (e) {
			if (!isMitanError(e)) throw e;
			if (e.code === 'AUTH_RATE_LIMITED') return again(e, 'err_rate_limited');
			if (e.code === 'AUTH_MISSING') return again(e, 'err_missing');
			return again(e, 'err_bad_credentials');
		}
	});

	r.post('/logout', form, requireCsrf(), async (req, res) => {
		const l = locals(res);
		if (l.token) await logout(db, l.token, l.user, clientIp(req));
		setCookie(res, names.session, '', { secure, maxAgeSeconds: 0 });
		res.redirect(303, '/login');
	});

	// A preference, not a state change of any record: a plain link works on every phone.
	r.get('/lang', (req, res) => {
		const to = isLang(req.query.to) ? req.query.to : 'hi';
		setCookie(res, names.lang, to, { secure, maxAgeSeconds: 365 * 86400, httpOnly: false });
		res.redirect(303, safeNext(req.query.next));
	});

	return r;
}
