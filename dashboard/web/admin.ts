import express, { Router } from 'express';
import type { Db } from '../../core/db';
import { createUserAsAdmin, listUsers, ROLES, updateUserAsAdmin } from '../../core/auth';
import { listDistricts } from '../../core/dashboard';
import { httpStatusOf, isMitanError } from '../../core/errors';
import { districtTimeZone } from '../../core/districts';
import { esc } from '../../core/html';
import { parseId, parseOptionalId } from '../../core/ids';
import { formatDateTime, labeler, t } from './i18n';
import { flashHtml, sendFormPage } from './page-frame';
import { clientIp, locals, requireCsrf, requireLogin } from './http';

/**
 * User administration (admins only); every change is written to the audit log by core/auth.
 * `defaultZone`: the installation's time zone, for a state-level admin's clock.
 */
export function adminRouter(db: Db, defaultZone: string): Router {
	const r = Router();
	const form = express.urlencoded({ extended: false, limit: '8kb' });

	const page = async (res: express.Response, flash?: { ok: boolean; text: string }, status = 200) => {
		const l = locals(res);
		const lang = l.lang;
		const label = labeler(lang);
		const [users, districts, zone] = await Promise.all([
			listUsers(db),
			listDistricts(db),
			districtTimeZone(db, l.user!.districtId, defaultZone),
		]);
		const districtOptions = (sel: number | null) =>
			`<option value="">${label('state_level')}</option>` +
			districts
				.map((d) => `<option value="${d.id}"${d.id === sel ? ' selected' : ''}>${esc(lang === 'hi' ? d.nameHi : d.name)}</option>`)
				.join('');
		const roleOptions = (sel: string) =>
			ROLES.map((r) => `<option value="${r}"${r === sel ? ' selected' : ''}>${label(r)}</option>`).join('');
		const csrf = `<input type="hidden" name="_csrf" value="${esc(l.session!.csrfToken)}">`;
		const rows = users
			.map(
				(u) => `<tr><td class="mono">${esc(u.username)}</td><td>${esc(u.displayName ?? '')}</td><td>
<form method="post" action="/admin/users/${u.id}" class="row-form">${csrf}
<select name="role" aria-label="${label('role')}">${roleOptions(u.role)}</select>
<select name="district" aria-label="${label('district')}">${districtOptions(u.districtId)}</select>
<select name="disabled" aria-label="${label('status')}"><option value="0"${u.disabled ? '' : ' selected'}>${label('enabled')}</option><option value="1"${u.disabled ? ' selected' : ''}>${label('disabled')}</option></select>
<input type="password" name="password" placeholder="${label('new_password')}" autocomplete="new-password">
<label class="inline"><input type="checkbox" name="reset_totp" value="1"> ${label('reset_totp')}</label>
<button class="btn" type="submit">${label('save')}</button></form></td><td>${esc(formatDateTime(lang, u.createdAt, zone))}</td></tr>`,
			)
			.join('');
		const body = `<div class="page-head"><h1>${label('users_title')}</h1></div>
${flashHtml(flash)}
<section class="panel wide"><div class="table-wrap"><table class="list"><thead><tr><th>${label('username')}</th><th></th><th>${label('role')} · ${label('district')}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div></section>
<section class="panel"><header><h2>${label('create_user')}</h2></header>
<form method="post" action="/admin/users" class="stack">${csrf}
<label>${label('username')}<input name="username" required autocapitalize="none"></label>
<label>${label('password')}<input name="password" type="password" required autocomplete="new-password"><small class="muted">${label('password_rule')}</small></label>
<label>${label('role')}<select name="role">${roleOptions('viewer')}</select></label>
<label>${label('district')}<select name="district">${districtOptions(null)}</select></label>
<button class="btn primary" type="submit">${label('create_user')}</button></form></section>`;
		sendFormPage(res, status, { titleKey: 'users_title', page: 'users', currentUrl: '/admin/users', body });
	};

	const districtOf = (v: unknown): number | null => parseOptionalId(v, 'district', 'AUTH_BAD_DISTRICT');

	r.get('/admin/users', requireLogin('admin'), async (_req, res) => page(res));

	r.post('/admin/users', form, requireLogin('viewer'), requireCsrf(), requireLogin('admin'), async (req, res) => {
		const b = req.body as Record<string, unknown>;
		try {
			await createUserAsAdmin(
				db,
				locals(res).user!,
				{ username: b.username, password: b.password, role: b.role, districtId: districtOf(b.district) },
				clientIp(req),
			);
			await page(res, { ok: true, text: t(locals(res).lang, 'user_created') }, 201);
		} catch (e) {
			if (!isMitanError(e) || e.action !== 'fix_input') throw e;
			await page(res, { ok: false, text: e.message }, httpStatusOf(e));
		}
	});

	r.post('/admin/users/:id', form, requireLogin('viewer'), requireCsrf(), requireLogin('admin'), async (req, res) => {
		const b = req.body as Record<string, unknown>;
		try {
			await updateUserAsAdmin(
				db,
				locals(res).user!,
				parseId(req.params.id, 'id'),
				{
					role: b.role,
					districtId: b.district === undefined ? undefined : districtOf(b.district),
					disabled: b.disabled === undefined ? undefined : b.disabled === '1',
					password: b.password,
					resetTotp: b.reset_totp === '1',
				},
				clientIp(req),
			);
			await page(res, { ok: true, text: t(locals(res).lang, 'user_updated') });
		} catch (e) {
			if (!isMitanError(e) || e.action !== 'fix_input') throw e;
			await page(res, { ok: false, text: e.message }, httpStatusOf(e));
		}
	});

	return r;
}
