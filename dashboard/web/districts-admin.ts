import express, { Router } from 'express';
import type { Db } from '../../core/db';
import { createDistrict, editDistrict, listDistricts, type District, type DistrictPatch, type PoliceStation } from '../../core/districts';
import { httpStatusOf, isMitanError, MitanError } from '../../core/errors';
import { esc } from '../../core/html';
import { parseId } from '../../core/ids';
import { labeler, t, type Lang } from './i18n';
import { flashHtml, sendFormPage } from './page-frame';
import { clientIp, locals, requireCsrf, requireLogin } from './http';

/**
 * Districts (admins): add one, edit its names, code, time zone, WhatsApp number id and police
 * stations. Every check and the audit entry are core's (core/districts.ts). A state-level admin
 * manages every district; a district's admin sees and edits only their own and adds none.
 */

/** The stations box: one per line, "Civil Lines = सिविल लाइन्स" (the Hindi name optional). */
export function stationsFromText(raw: unknown): PoliceStation[] {
	return String(raw ?? '')
		.split(/\r?\n/)
		.filter((l) => l.trim() !== '')
		.map((l) => {
			const [name, nameHi] = l.split('=');
			return { name: (name ?? '').trim(), nameHi: nameHi?.trim() || null };
		});
}

const stationsText = (d: District) => d.policeStations.map((s) => (s.nameHi ? `${s.name} = ${s.nameHi}` : s.name)).join('\n');

function fields(lang: Lang, d?: District): string {
	const label = labeler(lang);
	const v = (x: string | null | undefined) => esc(x ?? '');
	return `<label>${label('district_code')}<input name="code" value="${v(d?.code)}" required pattern="[A-Z]{2,6}" maxlength="6" autocapitalize="characters"><small class="muted">${label('district_code_rule')}</small></label>
<label>${label('name_en')}<input name="name" value="${v(d?.name)}" required maxlength="80"></label>
<label>${label('name_hi')}<input name="name_hi" value="${v(d?.nameHi)}" required maxlength="80" lang="hi"></label>
<label>${label('timezone')}<input name="timezone" value="${v(d?.timezone ?? 'Asia/Kolkata')}" required></label>
<label>${label('wa_phone_number_id')}<input name="wa_phone_number_id" value="${v(d?.waPhoneNumberId)}" inputmode="numeric"></label>
<label>${label('police_stations')}<textarea name="stations" rows="5">${esc(d ? stationsText(d) : '')}</textarea><small class="muted">${label('stations_rule')}</small></label>`;
}

function patchFromForm(b: Record<string, unknown>): DistrictPatch {
	const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
	return {
		code: s('code').trim(),
		name: s('name'),
		nameHi: s('name_hi'),
		timezone: s('timezone').trim(),
		waPhoneNumberId: s('wa_phone_number_id').trim() || null,
		policeStations: stationsFromText(b.stations),
	};
}

export function districtsAdminRouter(db: Db): Router {
	const r = Router();
	const form = express.urlencoded({ extended: false, limit: '32kb' });

	const page = async (res: express.Response, flash?: { ok: boolean; text: string }, status = 200) => {
		const l = locals(res);
		const label = labeler(l.lang);
		const mine = l.user!.districtId;
		const districts = (await listDistricts(db)).filter((d) => mine === null || d.id === mine);
		const csrf = `<input type="hidden" name="_csrf" value="${esc(l.session!.csrfToken)}">`;
		const edits = districts
			.map(
				(
					d,
				) => `<section class="panel" data-district="${esc(d.code)}"><header><h2><span lang="hi">${esc(d.nameHi)}</span> · ${esc(d.name)} <span class="mono">${esc(d.code)}</span></h2></header>
<form method="post" action="/admin/districts/${d.id}" class="stack">${csrf}${fields(l.lang, d)}
<button class="btn" type="submit">${label('save')}</button></form></section>`,
			)
			.join('\n');
		const add =
			mine === null
				? `<section class="panel"><header><h2>${label('add_district')}</h2></header>
<form method="post" action="/admin/districts" class="stack" id="add-district">${csrf}${fields(l.lang)}
<button class="btn primary" type="submit">${label('add_district')}</button></form></section>`
				: '';
		const body = `<div class="page-head"><h1>${label('districts_title')}</h1></div>
${flashHtml(flash)}
<div class="charts">${edits}
${add}</div>`;
		sendFormPage(res, status, { titleKey: 'districts_title', page: 'districts', currentUrl: '/admin/districts', body });
	};

	// A refused form shows the page again with the reason (which names the field); nothing was saved.
	const refused = async (res: express.Response, e: unknown) => {
		if (!isMitanError(e) || (e.action !== 'fix_input' && e.code !== 'DISTRICT_NOT_FOUND')) throw e;
		await page(res, { ok: false, text: e.message }, e.code === 'DISTRICT_NOT_FOUND' ? 404 : httpStatusOf(e));
	};
	const actor = (req: express.Request, res: express.Response) => ({ actor: `user:${locals(res).user!.username}`, ip: clientIp(req) });

	r.get('/admin/districts', requireLogin('admin'), async (_req, res) => page(res));

	r.post('/admin/districts', form, requireLogin('viewer'), requireCsrf(), requireLogin('admin'), async (req, res) => {
		try {
			if (locals(res).user!.districtId !== null)
				throw new MitanError('AUTH_FORBIDDEN', 'district: only a state-level admin adds districts / केवल राज्य स्तर के एडमिन जिला जोड़ सकते हैं', {
					field: 'district',
				});
			const p = patchFromForm(req.body as Record<string, unknown>);
			const d = await createDistrict(db, { code: p.code ?? '', name: p.name ?? '', nameHi: p.nameHi ?? '', ...p }, actor(req, res));
			await page(res, { ok: true, text: `${t(locals(res).lang, 'district_created')}: ${d.code}` }, 201);
		} catch (e) {
			await refused(res, e);
		}
	});

	r.post('/admin/districts/:id', form, requireLogin('viewer'), requireCsrf(), requireLogin('admin'), async (req, res) => {
		try {
			const id = parseId(req.params.id, 'id');
			const mine = locals(res).user!.districtId;
			if (mine !== null && mine !== id)
				throw new MitanError('AUTH_FORBIDDEN', `district: you may only edit district ${mine}`, { field: 'district' });
			const d = await editDistrict(db, { id }, patchFromForm(req.body as Record<string, unknown>), actor(req, res));
			await page(res, { ok: true, text: `${t(locals(res).lang, 'district_updated')}: ${d.code}` });
		} catch (e) {
			await refused(res, e);
		}
	});

	return r;
}
