import express, { Router } from 'express';
import type { Db } from '../../core/db';
import { listDistricts } from '../../core/dashboard';
import { httpStatusOf, isMitanError } from '../../core/errors';
import { esc } from '../../core/html';
import { parseOptionalId } from '../../core/ids';
import { isPlaceholderPhone } from '../../core/phone';
import { addStaff, listStaff, removeStaff, STAFF_DUTIES } from '../../core/staff';
import { labeler, t } from './i18n';
import { flashHtml, sendFormPage } from './page-frame';
import { locals, requireCsrf, requireLogin } from './http';

/**
 * The staff registry (admins): who the workflows alert and who approves, by duty (core/staff, which
 * checks every number and audits every change). A district's admin keeps their own district's; a
 * state-level admin chooses the district.
 */
export function staffAdminRouter(db: Db): Router {
	const r = Router();
	const form = express.urlencoded({ extended: false, limit: '8kb' });

	/** The district this request works on: a district admin's own, else the one chosen (first by default). */
	const districtFor = async (res: express.Response, chosen: unknown): Promise<number> => {
		const mine = locals(res).user!.districtId;
		if (mine !== null) return mine;
		const id = parseOptionalId(chosen === '' ? undefined : chosen, 'district', 'STAFF_BAD_INPUT');
		return id ?? (await listDistricts(db))[0].id;
	};

	const page = async (res: express.Response, districtId: number, flash?: { ok: boolean; text: string }, status = 200) => {
		const l = locals(res);
		const label = labeler(l.lang);
		const [staff, districts] = await Promise.all([listStaff(db, districtId), listDistricts(db)]);
		const csrf = `<input type="hidden" name="_csrf" value="${esc(l.session!.csrfToken)}"><input type="hidden" name="district" value="${districtId}">`;
		const chooser =
			l.user!.districtId === null
				? `<form method="get" action="/admin/staff" class="row-form"><select name="district" aria-label="${label('district')}">${districts
						.map(
							(d) =>
								`<option value="${d.id}"${d.id === districtId ? ' selected' : ''}>${esc(l.lang === 'hi' ? d.nameHi : d.name)}</option>`,
						)
						.join('')}</select><button class="btn" type="submit">${label('staff_duty')}</button></form>`
				: '';
		const sections = STAFF_DUTIES.map((duty) => {
			const rows = staff
				.filter((m) => m.duty === duty)
				.map(
					(m) => `<tr data-staff="${esc(m.phone)}" data-duty="${esc(duty)}"><td class="mono">${esc(m.phone)}${
						isPlaceholderPhone(m.phone) ? ` <span class="tag warn">${label('staff_placeholder')}</span>` : ''
					}</td><td>${esc(m.name)}</td><td><form method="post" action="/admin/staff/remove" class="row-form">${csrf}
<input type="hidden" name="phone" value="${esc(m.phone)}"><input type="hidden" name="duty" value="${esc(duty)}">
<button class="btn" type="submit">${label('staff_remove')}</button></form></td></tr>`,
				)
				.join('');
			return `<section class="panel wide" data-duty-section="${duty}"><header><h2>${label(`duty_${duty}`)}</h2></header>${
				rows
					? `<div class="table-wrap"><table class="list"><thead><tr><th>${label('staff_phone')}</th><th>${label('staff_name')}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`
					: `<p class="muted">${label('staff_none')}</p>`
			}</section>`;
		}).join('\n');
		const warn = staff.some((m) => isPlaceholderPhone(m.phone))
			? `<p class="flash bad" role="note">${label('staff_placeholders_left')}</p>`
			: '';
		const body = `<div class="page-head"><h1>${label('staff_title')}</h1>${chooser}</div>
<p class="muted">${label('staff_intro')}</p>
${flashHtml(flash)}${warn}
${sections}
<section class="panel"><header><h2>${label('staff_add')}</h2></header>
<form method="post" action="/admin/staff" class="stack" id="add-staff">${csrf}
<label>${label('staff_phone')}<input name="phone" required inputmode="tel" placeholder="+91 98765 43210"></label>
<label>${label('staff_name')}<input name="name" required maxlength="120"></label>
<label>${label('staff_duty')}<select name="duty">${STAFF_DUTIES.map((d) => `<option value="${d}">${label(`duty_${d}`)}</option>`).join('')}</select></label>
<button class="btn primary" type="submit">${label('staff_add')}</button></form></section>`;
		sendFormPage(res, status, { titleKey: 'staff_title', page: 'staff', currentUrl: '/admin/staff', body });
	};

	// A refused form shows the page again with the reason (which names the field); nothing was saved.
	const change = (run: (districtId: number, b: Record<string, string>, actor: { actor: string }) => Promise<unknown>, done: string) =>
		(async (req, res) => {
			const b = req.body as Record<string, string>;
			const districtId = await districtFor(res, b.district);
			try {
				await run(districtId, b, { actor: `user:${locals(res).user!.username}` });
				await page(res, districtId, { ok: true, text: t(locals(res).lang, done) });
			} catch (e) {
				if (!isMitanError(e) || e.action !== 'fix_input') throw e;
				await page(res, districtId, { ok: false, text: e.message }, httpStatusOf(e));
			}
		}) as express.RequestHandler;

	r.get('/admin/staff', requireLogin('admin'), async (req, res) => page(res, await districtFor(res, req.query.district)));
	r.post(
		'/admin/staff',
		form,
		requireLogin('viewer'),
		requireCsrf(),
		requireLogin('admin'),
		change((districtId, b, by) => addStaff(db, { districtId, phone: b.phone ?? '', name: b.name ?? '', duty: b.duty }, by), 'staff_added'),
	);
	r.post(
		'/admin/staff/remove',
		form,
		requireLogin('viewer'),
		requireCsrf(),
		requireLogin('admin'),
		change((districtId, b, by) => removeStaff(db, { districtId, phone: b.phone ?? '', duty: b.duty }, by), 'staff_removed'),
	);
	return r;
}
