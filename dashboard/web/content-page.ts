import type { Router } from 'express';
import type { Db } from '../../core/db';
import { hasRole } from '../../core/auth';
import { CATEGORY_LABEL } from '../../core/approvals';
import { allChannels } from '../../core/channels/registry';
import { Authoring, CATEGORIES, contentCalendar, type CalendarDay, type CalendarTemplate, type Content } from '../../core/content';
import { esc } from '../../core/html';
import { formatDateTime, formatDay, formatNumber, labeler, t, type Lang } from './i18n';
import { locals, requireLogin } from './http';
import { context, render } from './page-frame';

/**
 * The Content page: the 14-day calendar (server-rendered, readable without script) and the draft
 * editor, whose live preview, field errors, image upload, save and "Send for approval" run in
 * /assets/content.js against /api/content (content-api.ts). Editors write; everyone else reads.
 */

/** The content's templates at Meta, one per language: status, category and a FLAGGED warning. */
function templatesHtml(label: ReturnType<typeof labeler>, list: CalendarTemplate[]): string {
	if (!list.length) return '';
	const one = (x: CalendarTemplate) =>
		`<span data-template="${esc(x.language)}" data-status="${esc(x.status)}" data-category="${esc(x.category)}">${esc(x.language)} ${esc(x.status)}, ${label('template_category')} ${esc(x.category)}${
			x.status === 'FLAGGED' ? ` <span class="tag warn">⚠ ${label('template_flagged')}</span>` : ''
		}</span>`;
	return `<div class="muted small templates">${label('meta_template')}: ${list.map(one).join('; ')}</div>`;
}

function calendarHtml(lang: Lang, timeZone: string, days: CalendarDay[]): string {
	const label = labeler(lang);
	const channels = allChannels();
	const cell = (d: CalendarDay, ch: (typeof channels)[number]) =>
		d.channels[ch].length
			? d.channels[ch]
					.map(
						(e) =>
							`<div class="cal-entry st-${esc(e.state)}" data-state="${esc(e.state)}"><a href="/content/${e.contentId}">${esc(e.title)}</a> <span class="tag">${label(`cstate_${e.state}`)}</span>${
								e.reason ? `<div class="muted reason">${esc(e.reason)}</div>` : ''
							}${templatesHtml(label, e.templates)}${e.state === 'sent' ? `<div class="muted">${label('reach')}: ${e.reach === null ? '—' : esc(formatNumber(lang, e.reach))}${e.sent !== null && ch === 'whatsapp' ? ` / ${esc(formatNumber(lang, e.sent))}` : ''}</div>` : ''}</div>`,
					)
					.join('')
			: `<span class="muted">${label('nothing_planned')}</span>`;
	const rows = days
		.map(
			(d) =>
				`<tr data-day="${esc(d.day)}"${d.flagged ? ' class="flagged"' : ''}><th scope="row">${esc(formatDay(lang, d.day))}${
					d.flagged ? ` <span class="tag bad" data-flag>⚠ ${label('flag_nothing_approved')}</span>` : ''
				}<div class="muted small">${label('approve_by')}: ${esc(formatDateTime(lang, new Date(d.approveBy), timeZone))}</div></th>${channels
					.map((ch) => `<td data-channel="${ch}">${cell(d, ch)}</td>`)
					.join('')}</tr>`,
		)
		.join('');
	return `<section class="panel wide" id="calendar"><header><h2>${label('content_calendar')}</h2></header><div class="table-wrap"><table class="list calendar">
<thead><tr><th>${label('day')}</th>${channels.map((ch) => `<th>${label(`channel_${ch}`)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function editorHtml(lang: Lang, c: Content | null, canWrite: boolean, today: string): string {
	const label = labeler(lang);
	const v = (c?.variants ?? {}) as Record<string, Record<string, string> | undefined>;
	const chosen = c?.channels ?? allChannels();
	const field = (name: string, inner: string) =>
		`<div class="field" data-field="${name}">${inner}<p class="field-error" data-error-for="${name}" role="alert" hidden></p></div>`;
	const data = JSON.stringify(c ? { id: c.id, state: c.state } : null).replace(/</g, '\\u003c');
	const ro = canWrite ? '' : ' disabled';
	return `<section class="panel wide editor" id="editor">
<header><h2>${label(c ? 'edit_draft' : 'new_draft')}</h2>${c ? ` <span class="tag" id="content-state" data-state="${esc(c.state)}">${label(`cstate_${c.state}`)}</span>` : ' <span class="tag" id="content-state" hidden></span>'}</header>
${canWrite ? '' : `<p class="muted">${label('only_editors')}</p>`}
<script type="application/json" id="content-data">${data}</script>
<form id="draft-form" class="draft" novalidate>
${field('title', `<label>${label('field_title')}<input name="title" maxlength="200" value="${esc(c?.title ?? '')}"${ro}></label>`)}
${field('bodyHi', `<label>${label('field_text_hi')}<textarea name="bodyHi" rows="5" lang="hi"${ro}>${esc(c?.bodyHi ?? '')}</textarea></label>`)}
${field('bodyEn', `<label>${label('field_text_en')}<textarea name="bodyEn" rows="5" lang="en"${ro}>${esc(c?.bodyEn ?? '')}</textarea></label>`)}
${field('imageUrl', `<label>${label('field_image')}<input type="file" name="image" accept="image/jpeg,image/png,image/webp"${ro}></label><input type="hidden" name="imageUrl" value="${esc(c?.imageUrl ?? '')}">`)}
${field('category', `<label>${label('category')}<select name="category"${ro}>${CATEGORIES.map((k) => `<option value="${k}"${c?.category === k ? ' selected' : ''}>${esc(CATEGORY_LABEL[k][lang])}</option>`).join('')}</select></label>`)}
${field('targetDate', `<label>${label('target_date')}<input type="date" name="targetDate" min="${esc(today)}" value="${esc(c?.targetDate ?? '')}"${ro}></label>`)}
${field(
	'channels',
	`<fieldset><legend>${label('field_channels')}</legend>${allChannels()
		.map(
			(ch) =>
				`<label class="check"><input type="checkbox" name="channels" value="${ch}"${chosen.includes(ch) ? ' checked' : ''}${ro}> ${label(`channel_${ch}`)}</label>`,
		)
		.join('')}</fieldset>`,
)}
${field('variants.x', `<label>${label('own_text_x')}<textarea name="variants.x.text" rows="3"${ro}>${esc(v.x?.text ?? '')}</textarea></label>`)}
${field('variants.instagram', `<label>${label('own_text_instagram')}<textarea name="variants.instagram.caption" rows="3"${ro}>${esc(v.instagram?.caption ?? '')}</textarea></label>`)}
${field('variants.facebook', `<label>${label('own_text_facebook')}<textarea name="variants.facebook.text" rows="3"${ro}>${esc(v.facebook?.text ?? '')}</textarea></label>`)}
<p class="field-error" data-error-for="" role="alert" hidden></p>
${
	canWrite
		? `<div class="btns"><button type="submit" class="btn" id="save">${label('save_draft')}</button> <button type="button" class="btn ok" id="submit-approval"${c ? '' : ' disabled'}>${label('send_for_approval')}</button></div>`
		: ''
}
<p class="flash" id="editor-status" role="status" hidden></p>
</form>
<div class="previews" id="previews" aria-label="${label('preview')}"></div>
</section>`;
}

export function contentRoutes(r: Router, db: Db, defaultZone: string): void {
	r.get('/content', requireLogin('viewer'), async (req, res) => {
		const ctx = await context(db, defaultZone, req, res, false);
		const district = ctx.scope.districtId ?? ctx.districts[0]?.id ?? 1;
		const cal = await contentCalendar(db, district);
		const canWrite = hasRole(locals(res).user!, 'editor');
		const body = `<div class="page-head"><h1>${labeler(ctx.lang)('nav_content')}</h1>${
			canWrite ? ` <a class="btn" href="/content/new" id="new-draft">${labeler(ctx.lang)('new_draft')}</a>` : ''
		}</div>
${calendarHtml(ctx.lang, cal.timeZone, cal.days)}`;
		render(res, ctx, 'content', t(ctx.lang, 'nav_content'), body, req);
	});

	const editor = async (
		req: Parameters<Parameters<Router['get']>[1]>[0],
		res: Parameters<Parameters<Router['get']>[1]>[1],
		id: number | null,
	) => {
		const ctx = await context(db, defaultZone, req, res, false);
		const district = ctx.scope.districtId ?? ctx.districts[0]?.id ?? 1;
		const a = new Authoring(db, district);
		const c = id === null ? null : await a.get(id);
		const canWrite = hasRole(locals(res).user!, 'editor');
		const body = `<div class="page-head"><h1>${labeler(ctx.lang)('nav_content')}</h1> <a href="/content">${labeler(ctx.lang)('content_calendar')}</a></div>
${editorHtml(ctx.lang, c, canWrite, await a.today())}
<script src="/assets/content.js" defer></script>`;
		render(res, ctx, 'content', t(ctx.lang, c ? 'edit_draft' : 'new_draft'), body, req);
	};
	r.get('/content/new', requireLogin('editor'), (req, res) => editor(req, res, null));
	r.get('/content/:id', requireLogin('viewer'), (req, res) => {
		const id = Number(req.params.id);
		return editor(req, res, Number.isSafeInteger(id) && id > 0 ? id : -1);
	});
}
