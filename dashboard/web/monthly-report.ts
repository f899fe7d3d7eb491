import type { Router } from 'express';
import type { Db } from '../../core/db';
import { parseMonth } from '../../core/dashboard';
import { esc } from '../../core/html';
import { formatDateTime, formatDay, formatMonth, labeler, t } from './i18n';
import { shell } from './layout';
import { locals, requireLogin } from './http';
import { cardsHtml, chartPanel, context, filters, headerDistrict } from './page-frame';

/** The printable monthly report: the pages' charts over one calendar month, with a cover. */
export function monthlyReportRoute(r: Router, db: Db, defaultZone: string): void {
	r.get('/report/monthly', requireLogin('viewer'), async (req, res) => {
		const ctx = await context(db, defaultZone, req, res, false);
		const month = parseMonth(req.query as Record<string, unknown>, ctx.today);
		const label = labeler(ctx.lang);
		const api = [ctx.apiQuery, `month=${month.month}`].filter(Boolean).join('&');
		const monthName = formatMonth(ctx.lang, month.from);
		const district = headerDistrict(ctx);
		const section = (key: string, cards: string[], charts: string[], extra = '') =>
			`<section class="report-section" data-section="${key}"><h2 class="section">${label(`report_${key}`)} · ${esc(monthName)}</h2>
${cardsHtml(ctx.lang, cards)}<div class="charts">${charts.map((c) => chartPanel(ctx.lang, 'report', c, api, true)).join('')}</div>${extra}</section>`;
		const monthPicker = `<label>${label('month')} <input type="month" name="month" value="${month.month}"></label>`;
		const body = `<div class="page-head"><h1>${label('report_title')}</h1><p class="as-of muted" data-as-of></p><button type="button" class="btn no-print" id="print-btn">🖨 ${label('print')}</button></div>
${filters(ctx, res, '/report/monthly', false, monthPicker)}
<div class="dash report" data-page="report" data-api="/api/report?${esc(api)}">
<section class="report-section cover" data-section="summary">
  <h2 class="section">${label('report_title')}: ${esc(monthName)}</h2>
  <p class="district-big"><span lang="hi">${esc(district?.nameHi ?? t('hi', 'all_districts'))}</span> · <span lang="en">${esc(district?.name ?? t('en', 'all_districts'))}</span></p>
  <p>${label('report_for')}: ${esc(formatDay(ctx.lang, month.from))} – ${esc(formatDay(ctx.lang, month.to))}</p>
  ${cardsHtml(ctx.lang, ['wa_delivered', 'wa_read', 'read_rate', 'complaints_opened', 'money_loss', 'roster_active', 'approvals_requested', 'decided_on_time'])}
  <p class="muted">${label('generated_at')}: ${esc(formatDateTime(ctx.lang, new Date(), ctx.timeZone))} · ${esc(locals(res).user!.username)}</p>
</section>
${section('reach', ['facebook_views', 'instagram_views', 'x_impressions'], ['whatsapp_daily', 'social_daily', 'reach_by_station'])}
${section('spend', ['spend_inr', 'billable_messages', 'free_messages', 'unpriced_messages'], ['spend_by_broadcast', 'spend_by_month'])}
${section('complaints', ['complaints_closed', 'complaints_backlog', 'median_ack_minutes'], ['complaints_by_category', 'complaints_by_station', 'ack_median'])}
${section('roster', ['new_in_range', 'opt_outs_in_range', 'roster_opted_out'], ['roster_size', 'languages', 'roster_by_station'])}
</div>`;
		res.set('Cache-Control', 'no-store');
		res.type('html').send(
			shell({
				lang: ctx.lang,
				title: `${t(ctx.lang, 'report_title')} ${month.month}`,
				page: 'report',
				user: locals(res).user,
				csrf: locals(res).session?.csrfToken,
				district,
				body,
				keep: ctx.keep,
				currentUrl: req.originalUrl,
				bodyClass: 'report-page',
			}),
		);
	});
}
