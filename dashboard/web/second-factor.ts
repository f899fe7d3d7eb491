import express, { Router } from 'express';
import type { Db } from '../../core/db';
import { challengeView, completeChallenge, confirmEnrolment, enrolmentFor } from '../../core/auth';
import { httpStatusOf, isMitanError, MitanError } from '../../core/errors';
import { esc } from '../../core/html';
import { labeler, t, type Lang } from './i18n';
import { shell } from './layout';
import { flashHtml, sendFormPage } from './page-frame';
import {
	clientIp,
	locals,
	parseCookies,
	randomToken,
	requireCsrf,
	requireLogin,
	safeNext,
	sameToken,
	setCookie,
	startSessionCookies,
	type CookieNames,
} from './http';

/**
 * The TOTP step of the login (core/auth/second-factor.ts owns the rules) and the account page
 * where an approver (or an admin, again) enrols. The code form has no session yet, so it is
 * checked like the login form: the double-submit cookie of the login page.
 */

/** The secret in groups of four, as authenticator apps ask for it when typed by hand. */
function grouped(secret: string): string {
	return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function enrolBlock(lang: Lang, secret: string, uri: string): string {
	const label = labeler(lang);
	return `<ol class="steps">
  <li>${label('totp_enrol_app')}</li>
  <li>${label('totp_enrol_key')}<br><code class="mono totp-secret" data-secret="${esc(secret)}">${esc(grouped(secret))}</code>
    <br><a href="${esc(uri)}">${label('totp_enrol_link')}</a></li>
  <li>${label('totp_enrol_code')}</li>
</ol>`;
}

function codeField(lang: Lang): string {
	return `<label>${labeler(lang)('totp_code')}<input name="code" inputmode="numeric" pattern="[0-9 ]{6,7}" maxlength="7" autocomplete="one-time-code" required autofocus></label>`;
}

export function secondFactorRouter(db: Db, names: CookieNames, secure: boolean): Router {
	const r = Router();
	const form = express.urlencoded({ extended: false, limit: '4kb' });

	const codePage = async (req: express.Request, res: express.Response, status = 200, error?: string) => {
		const lang = locals(res).lang;
		const label = labeler(lang);
		const cookies = parseCookies(req.headers.cookie);
		const next = safeNext((req.body as Record<string, unknown> | undefined)?.next ?? req.query.next);
		const view = await challengeView(db, cookies[names.challenge]);
		if (!view) return res.redirect(303, `/login?next=${encodeURIComponent(next)}`);
		let csrf = cookies[names.loginCsrf];
		if (!csrf) {
			csrf = randomToken();
			setCookie(res, names.loginCsrf, csrf, { secure, sameSite: 'Strict', maxAgeSeconds: 3600 });
		}
		const body = `<section class="panel login">
  <h1>${label('totp_title')}</h1>
  ${error ? `<p class="flash bad" role="alert">${esc(error)}</p>` : ''}
  ${view.step === 'enrol' ? `<p>${label('totp_enrol_required')}</p>${enrolBlock(lang, view.secret!, view.uri!)}` : `<p class="muted">${label('totp_hint')}</p>`}
  <form method="post" action="/login/totp" autocomplete="off">
    <input type="hidden" name="_csrf" value="${esc(csrf)}">
    <input type="hidden" name="next" value="${esc(next)}">
    ${codeField(lang)}
    <button type="submit" class="btn primary">${label('sign_in')}</button>
  </form>
  <p><a href="/login">${label('totp_start_again')}</a></p>
</section>`;
		res
			.status(status)
			.set('Cache-Control', 'no-store')
			.type('html')
			.send(shell({ lang, title: t(lang, 'totp_title'), currentUrl: '/login/totp', bodyClass: 'login-page', body }));
	};

	r.get('/login/totp', (req, res, next) => codePage(req, res).catch(next));

	r.post('/login/totp', form, async (req, res, next) => {
		const body = (req.body ?? {}) as Record<string, unknown>;
		const cookies = parseCookies(req.headers.cookie);
		const lang = locals(res).lang;
		try {
			if (!sameToken(body._csrf, cookies[names.loginCsrf])) throw new MitanError('CSRF_FAILED', 'login form token missing or wrong');
			const s = await completeChallenge(db, cookies[names.challenge], body.code, { ip: clientIp(req), userAgent: req.get('user-agent') });
			startSessionCookies(res, names, secure, s);
			res.redirect(303, safeNext(body.next));
		} catch (e) {
			if (!isMitanError(e)) return next(e);
			if (e.code === 'AUTH_CHALLENGE_EXPIRED') {
				setCookie(res, names.challenge, '', { secure, sameSite: 'Strict', maxAgeSeconds: 0 });
				return res.redirect(303, `/login?next=${encodeURIComponent(safeNext(body.next))}`);
			}
			const key = e.code === 'CSRF_FAILED' ? 'err_csrf' : 'err_totp_wrong';
			await codePage(req, res, httpStatusOf(e), t(lang, key)).catch(next);
		}
	});

	const accountPage = async (res: express.Response, status = 200, flash?: { ok: boolean; text: string }) => {
		const l = locals(res);
		const label = labeler(l.lang);
		const e = await enrolmentFor(db, l.user!.id);
		const content = e.enabled
			? `<p class="flash ok" role="status">${label('totp_on')}</p>`
			: `<p>${label(l.user!.role === 'admin' ? 'totp_enrol_required' : 'totp_offer')}</p>${enrolBlock(l.lang, e.secret!, e.uri!)}
<form method="post" action="/account/totp" class="stack"><input type="hidden" name="_csrf" value="${esc(l.session!.csrfToken)}">
${codeField(l.lang)}<button class="btn primary" type="submit">${label('totp_turn_on')}</button></form>`;
		const body = `<div class="page-head"><h1>${label('totp_title')}</h1></div>
${flashHtml(flash)}
<section class="panel">${content}</section>`;
		sendFormPage(res, status, { titleKey: 'totp_title', currentUrl: '/account/totp', body });
	};

	r.get('/account/totp', requireLogin('approver'), (_req, res, next) => accountPage(res).catch(next));

	r.post('/account/totp', form, requireLogin('viewer'), requireCsrf(), requireLogin('approver'), async (req, res, next) => {
		const lang = locals(res).lang;
		try {
			await confirmEnrolment(db, locals(res).user!.id, (req.body as Record<string, unknown>).code, clientIp(req));
			await accountPage(res, 200, { ok: true, text: t(lang, 'totp_on') });
		} catch (e) {
			if (!isMitanError(e)) return next(e);
			await accountPage(res, httpStatusOf(e), { ok: false, text: t(lang, 'err_totp_wrong') }).catch(next);
		}
	});

	return r;
}
