import express, { Router } from 'express';
import type { Db } from '../../core/db';
import { hasRole } from '../../core/auth';
import {
	approvalsPage,
	dayInKolkata,
	decideFromDashboard,
	listDistricts,
	parseMonth,
	parseRange,
	recentComplaints,
	resolveScope,
	type DateRange,
	type District,
	type PendingItem,
	type Scope,
} from '../../core/dashboard';
import { formatDateTime, formatDay, formatNumber, t, type Lang } from './i18n';
import { esc, shell, type PageId } from './layout';
import { clientIp, locals, requireCsrf, requireLogin } from './http';
import { canSeeComplaint } from './visibility';
import type { TtlCache } from './cache';

/**
 * Server-rendered pages. Analytics pages render their frame (filters, empty cards, chart
 * panels) and app.js fills them from the JSON API; the approval queue and the complaint list
 * are rendered here so they work even before any script runs.
 */

interface PageSpec {
	id: PageId;
	path: string;
	titleKey: string;
	range: boolean;
	cards: string[];
	charts: string[];
	wide?: string[];
}

export const SPECS: Record<string, PageSpec> = {
	overview: {
		id: 'overview',
		path: '/',
		titleKey: 'nav_overview',
		range: false,
		cards: ['targeted', 'sent', 'delivered', 'read', 'failed', 'roster_active', 'opt_outs_today', 'complaints_today'],
		charts: ['funnel_today', 'failed_by_reason', 'last_14_days'],
		wide: ['last_14_days'],
	},
	reach: {
		id: 'reach',
		path: '/reach',
		titleKey: 'nav_reach',
		range: true,
		cards: ['wa_delivered', 'wa_read', 'read_rate', 'facebook_views', 'instagram_views', 'x_impressions'],
		charts: ['whatsapp_daily', 'social_daily', 'reach_by_station'],
		wide: ['whatsapp_daily', 'social_daily', 'reach_by_station'],
	},
	complaints: {
		id: 'complaints',
		path: '/complaints',
		titleKey: 'nav_complaints',
		range: true,
		cards: ['complaints_opened', 'complaints_closed', 'complaints_backlog', 'money_loss', 'median_ack_minutes'],
		charts: ['complaints_by_category', 'complaints_open_closed', 'complaints_by_station', 'ack_median'],
		wide: ['complaints_by_category'],
	},
	roster: {
		id: 'roster',
		path: '/roster',
		titleKey: 'nav_roster',
		range: true,
		cards: ['roster_active', 'new_in_range', 'opt_outs_in_range', 'roster_opted_out', 'roster_invalid'],
		charts: ['roster_size', 'roster_daily', 'languages', 'consent_sources', 'roster_by_station'],
		wide: ['roster_size', 'roster_daily'],
	},
	broadcast: {
		id: 'broadcast',
		path: '/broadcast',
		titleKey: 'nav_broadcast',
		range: false,
		cards: ['progress_pct', 'sent', 'rate_per_second', 'eta_seconds', 'delivered', 'read', 'failed', 'remaining'],
		charts: ['broadcast_states', 'failures_by_class'],
	},
};

interface Ctx {
	lang: Lang;
	scope: Scope;
	range?: DateRange;
	districts: District[];
	keep: string;
	apiQuery: string;
	/** The period came from a 7/30/90 preset (not from/to): that chip is highlighted. */
	preset: boolean;
}

function rangeQuery(req: express.Request, range: DateRange | undefined): string {
	if (!range) return '';
	return req.query.from !== undefined || req.query.to !== undefined ? `from=${range.from}&to=${range.to}` : `days=${range.days}`;
}

async function context(db: Db, req: express.Request, res: express.Response, withRange: boolean): Promise<Ctx> {
	const l = locals(res);
	const scope = resolveScope(l.user!.districtId, req.query.district);
	const range = withRange ? parseRange(req.query as Record<string, unknown>) : undefined;
	const districts = await listDistricts(db);
	const parts: string[] = [];
	if (l.user!.districtId === null && scope.districtId !== null) parts.push(`district=${scope.districtId}`);
	const rq = rangeQuery(req, range);
	if (rq) parts.push(rq);
	return {
		lang: l.lang,
		scope,
		range,
		districts,
		keep: parts.join('&'),
		apiQuery: parts.join('&'),
		preset: req.query.from === undefined && req.query.to === undefined,
	};
}

function headerDistrict(ctx: Ctx): District | null {
	if (ctx.scope.districtId === null) return ctx.districts.length === 1 ? ctx.districts[0] : null;
	return ctx.districts.find((d) => d.id === ctx.scope.districtId) ?? null;
}

function filters(ctx: Ctx, res: express.Response, path: string, withRange: boolean, extra = ''): string {
	const L = (k: string) => esc(t(ctx.lang, k));
	const user = locals(res).user!;
	const districtSelect =
		user.districtId === null
			? `<label>${L('district')} <select name="district" id="f-district"><option value="">${L('all_districts')}</option>${ctx.districts
					.map(
						(d) =>
							`<option value="${d.id}"${d.id === ctx.scope.districtId ? ' selected' : ''}>${esc(ctx.lang === 'hi' ? d.nameHi : d.name)}</option>`,
					)
					.join('')}</select></label>`
			: '';
	const dq = user.districtId === null && ctx.scope.districtId !== null ? `district=${ctx.scope.districtId}&` : '';
	const presets = withRange
		? `<div class="presets" role="group" aria-label="${L('period')}">${[7, 30, 90]
				.map(
					(d) => `<a class="chip${ctx.preset && ctx.range?.days === d ? ' on' : ''}" href="${path}?${dq}days=${d}">${L(`last_${d}`)}</a>`,
				)
				.join('')}</div>
       <label>${L('from')} <input type="date" name="from" value="${esc(ctx.range?.from)}"></label>
       <label>${L('to')} <input type="date" name="to" value="${esc(ctx.range?.to)}"></label>`
		: '';
	if (!districtSelect && !presets && !extra) return '';
	return `<form class="filters no-print" method="get" action="${path}">${districtSelect}${presets}${extra}<button type="submit" class="btn">${L('apply')}</button></form>`;
}

function cardsHtml(lang: Lang, keys: string[]): string {
	return `<div class="cards">${keys
		.map(
			(k) =>
				`<div class="card" data-card="${k}"><div class="num" aria-live="polite">…</div><div class="lbl">${esc(t(lang, k))}</div></div>`,
		)
		.join('')}</div>`;
}

export function chartPanel(lang: Lang, page: string, id: string, apiQuery: string, wide: boolean): string {
	const title = esc(t(lang, `chart_${id}`));
	const csv = `/api/${page}.csv?chart=${id}${apiQuery ? '&' + apiQuery : ''}`;
	return `<section class="panel chart${wide ? ' wide' : ''}" data-chart="${id}">
  <header><h2>${title}</h2><a class="csv no-print" href="${esc(csv)}" download title="${esc(t(lang, 'export_csv_title'))}">⬇ ${esc(t(lang, 'export_csv'))}</a></header>
  <div class="canvas-box"><canvas role="img" aria-label="${title}"></canvas><p class="empty" hidden>${esc(t(lang, 'no_data'))}</p></div>
</section>`;
}

function analyticsBody(ctx: Ctx, res: express.Response, spec: PageSpec, extra = ''): string {
	const L = (k: string) => esc(t(ctx.lang, k));
	const rangeLine = ctx.range
		? `<p class="range">${esc(formatDay(ctx.lang, ctx.range.from))} – ${esc(formatDay(ctx.lang, ctx.range.to))}</p>`
		: spec.id === 'overview'
			? `<p class="range">${L('today')}: ${esc(formatDay(ctx.lang, dayInKolkata()))}</p>`
			: '';
	return `<div class="page-head"><h1>${L(spec.titleKey)}</h1>${rangeLine}</div>
${filters(ctx, res, spec.path, spec.range)}
<div class="dash" data-page="${spec.id}" data-api="/api/${spec.id}${ctx.apiQuery ? '?' + esc(ctx.apiQuery) : ''}"${spec.id === 'broadcast' ? ' data-poll="3000"' : ''}>
${spec.id === 'broadcast' ? `<p class="bcast-info" data-broadcast-info>${L('loading')}</p><p class="muted live no-print">● ${L('live')}</p><div class="progress" data-progress role="presentation"><div class="bar"></div></div>` : ''}
${cardsHtml(ctx.lang, spec.cards)}
<div class="charts">${spec.charts.map((c) => chartPanel(ctx.lang, spec.id, c, ctx.apiQuery, !!spec.wide?.includes(c))).join('\n')}</div>
${extra}
</div>`;
}

function render(res: express.Response, ctx: Ctx, page: PageId, title: string, body: string, req: express.Request): void {
	const l = locals(res);
	res.set('Cache-Control', 'no-store');
	res
		.type('html')
		.send(
			shell({
				lang: ctx.lang,
				title,
				page,
				user: l.user,
				csrf: l.session?.csrfToken,
				district: headerDistrict(ctx),
				body,
				keep: ctx.keep,
				currentUrl: req.originalUrl,
			}),
		);
}

function complaintsTable(lang: Lang, rows: Awaited<ReturnType<typeof recentComplaints>>): string {
	const L = (k: string) => esc(t(lang, k));
	if (rows.length === 0) return '';
	return `<section class="panel wide"><header><h2>${L('recent_complaints')}</h2></header><div class="table-wrap"><table class="list">
<thead><tr><th>${L('ref')}</th><th>${L('received')}</th><th>${L('category')}</th><th>${L('police_station')}</th><th>${L('status')}</th><th>${L('phone')}</th><th>${L('summary')}</th></tr></thead><tbody>
${rows
	.map(
		(c) =>
			`<tr${c.sensitive ? ' class="sensitive"' : ''}><td class="mono">${esc(c.ref)}</td><td>${esc(formatDateTime(lang, c.createdAt))}</td><td>${esc(t(lang, c.category))}</td><td>${esc(c.policeStation ?? '—')}</td><td>${L(`status_${c.status}`)}</td>${
				c.restricted
					? `<td colspan="2" class="muted">🔒 ${L('restricted')}</td>`
					: `<td class="mono">${esc(c.phone)}</td><td>${esc(c.summary ?? '')}${c.moneyLoss ? ' <span class="tag warn">₹</span>' : ''}</td>`
			}</tr>`,
	)
	.join('')}
</tbody></table></div></section>`;
}

function channelBlocks(lang: Lang, p: PendingItem): string {
	const L = (k: string) => esc(t(lang, k));
	return p.preview.channels
		.map((c) => {
			switch (c.channel) {
				case 'whatsapp':
					return `<div class="variant"><h4>${L('variant_whatsapp')} (${esc(t(lang, c.language))})</h4><p class="mono">${esc(c.template)} · ${esc(c.templateLanguage)}${c.params.length ? ` · ${esc(c.params.join(' | '))}` : ''}</p></div>`;
				case 'x':
					return `<div class="variant"><h4>${L('variant_x')} <span class="muted">${c.weightedLength}/${c.limit}</span></h4><p>${esc(c.text)}</p></div>`;
				case 'instagram':
					return `<div class="variant"><h4>${L('variant_instagram')} <span class="muted">${c.length}/${c.limit}</span></h4><p>${esc(c.caption)}</p></div>`;
				case 'facebook':
					return `<div class="variant"><h4>${L('variant_facebook')}</h4><p>${esc(c.text)}${c.link ? ` <span class="mono">${esc(c.link)}</span>` : ''}</p></div>`;
			}
			return '';
		})
		.join('');
}

function pendingCard(lang: Lang, p: PendingItem, canDecide: boolean, csrf: string, keep: string): string {
	const L = (k: string) => esc(t(lang, k));
	const c = p.content;
	const action = `/approvals/${p.approvalId}/decision${keep ? '?' + esc(keep) : ''}`;
	const form = canDecide
		? `<form method="post" action="${action}" class="decide">
  <input type="hidden" name="_csrf" value="${esc(csrf)}">
  <input type="hidden" name="hash" value="${esc(p.contentHash)}">
  <label class="full">${L('comment')}<textarea name="comment" rows="2" maxlength="2000"></textarea></label>
  <div class="btns">
    <button type="submit" name="decision" value="approved" class="btn ok">✔ ${L('approve')}</button>
    <button type="submit" name="decision" value="changes_requested" class="btn warn">✎ ${L('request_changes')}</button>
    <button type="submit" name="decision" value="rejected" class="btn bad">✖ ${L('reject')}</button>
  </div>
</form>`
		: `<p class="muted">${L('view_only')}</p>`;
	return `<article class="panel approval" data-approval="${p.approvalId}">
<header><h2>${esc(c.title)}</h2><span class="tag">${esc(t(lang, c.category))}</span>${p.level > 1 ? `<span class="tag warn">${L('escalated')}</span>` : ''}</header>
<dl class="meta">
  <div><dt>${L('target_date')}</dt><dd>${esc(formatDay(lang, c.targetDate))}</dd></div>
  <div><dt>${L('requested_at')}</dt><dd>${esc(formatDateTime(lang, p.requestedAt))}</dd></div>
  <div><dt>${L('deadline')}</dt><dd${p.overdue ? ' class="bad"' : ''}>${esc(formatDateTime(lang, p.deadlineAt))}${p.overdue ? ` · ${L('overdue')}` : ''}</dd></div>
  <div><dt>${L('approver')}</dt><dd>${esc(p.approver)}</dd></div>
</dl>
<div class="preview">
  ${c.imageUrl ? `<img src="${esc(c.imageUrl)}" alt="" class="thumb">` : ''}
  <div class="texts">
    <div class="bubble" lang="hi"><h4>${L('text_hi')}</h4><p>${esc(c.bodyHi)}</p></div>
    <div class="bubble" lang="en"><h4>${L('text_en')}</h4><p>${esc(c.bodyEn)}</p></div>
  </div>
</div>
${channelBlocks(lang, p)}
<p class="hash mono">sha256 ${esc(p.preview.shortHash)}</p>
${form}
</article>`;
}

export function pagesRouter(db: Db, apiCache: TtlCache<unknown>): Router {
	const r = Router();
	const form = express.urlencoded({ extended: false, limit: '20kb' });

	for (const spec of Object.values(SPECS)) {
		if (spec.id === 'complaints') continue;
		r.get(spec.path, requireLogin('viewer'), async (req, res) => {
			const ctx = await context(db, req, res, spec.range);
			render(res, ctx, spec.id, t(ctx.lang, spec.titleKey), analyticsBody(ctx, res, spec), req);
		});
	}

	r.get('/complaints', requireLogin('viewer'), async (req, res) => {
		const spec = SPECS.complaints;
		const ctx = await context(db, req, res, true);
		const role = locals(res).user!.role;
		const recent = await recentComplaints(db, ctx.scope, (c) => canSeeComplaint(role, c));
		render(res, ctx, 'complaints', t(ctx.lang, spec.titleKey), analyticsBody(ctx, res, spec, complaintsTable(ctx.lang, recent)), req);
	});

	r.get('/approvals', requireLogin('viewer'), async (req, res) => {
		const ctx = await context(db, req, res, false);
		const l = locals(res);
		const data = await approvalsPage(db, ctx.scope);
		const L = (k: string) => esc(t(ctx.lang, k));
		const canDecide = hasRole(l.user!, 'approver');
		const flash = req.query.done ? `<p class="flash ok" role="status">${L('decision_saved')}</p>` : '';
		const list = data.pending.length
			? data.pending.map((p) => pendingCard(ctx.lang, p, canDecide, l.session!.csrfToken, ctx.keep)).join('\n')
			: `<p class="panel empty-state">${L('no_pending')}</p>`;
		const body = `<div class="page-head"><h1>${L('nav_approvals')}</h1></div>
${filters(ctx, res, '/approvals', false)}
${flash}
<div class="dash" data-page="approvals" data-api="/api/approvals${ctx.apiQuery ? '?' + esc(ctx.apiQuery) : ''}">
${cardsHtml(ctx.lang, ['pending', 'decided_on_time_pct', 'approved_30d', 'changes_30d', 'rejected_30d'])}
<h2 class="section">${L('pending_queue')} (${formatNumber(ctx.lang, data.pending.length)})</h2>
<div class="queue">${list}</div>
<div class="charts">${chartPanel(ctx.lang, 'approvals', 'decisions_30d', ctx.apiQuery, false)}</div>
</div>`;
		render(res, ctx, 'approvals', t(ctx.lang, 'nav_approvals'), body, req);
	});

	// A plain form post so an approver on a basic phone browser can decide without JavaScript.
	r.post('/approvals/:id/decision', form, requireLogin('viewer'), requireCsrf(), requireLogin('approver'), async (req, res) => {
		const u = locals(res).user!;
		const body = req.body as Record<string, unknown>;
		await decideFromDashboard(db, {
			approvalId: Number(req.params.id) || 0,
			decision: body.decision,
			comment: body.comment,
			seenHash: body.hash,
			actor: `user:${u.username}`,
			districtId: u.districtId,
			ip: clientIp(req),
		});
		apiCache.clear();
		const district = typeof req.query.district === 'string' && /^\d+$/.test(req.query.district) ? `district=${req.query.district}&` : '';
		res.redirect(303, `/approvals?${district}done=1`);
	});

	r.get('/report/monthly', requireLogin('viewer'), async (req, res) => {
		const ctx = await context(db, req, res, false);
		const month = parseMonth(req.query as Record<string, unknown>);
		const L = (k: string) => esc(t(ctx.lang, k));
		const api = [ctx.apiQuery, `month=${month.month}`].filter(Boolean).join('&');
		const monthName = new Intl.DateTimeFormat(ctx.lang === 'hi' ? 'hi-IN' : 'en-IN', {
			month: 'long',
			year: 'numeric',
			timeZone: 'Asia/Kolkata',
		}).format(new Date(`${month.from}T12:00:00+05:30`));
		const district = headerDistrict(ctx);
		const section = (key: string, cards: string[], charts: string[], extra = '') =>
			`<section class="report-section" data-section="${key}"><h2 class="section">${L(`report_${key}`)} · ${esc(monthName)}</h2>
${cardsHtml(ctx.lang, cards)}<div class="charts">${charts.map((c) => chartPanel(ctx.lang, 'report', c, api, true)).join('')}</div>${extra}</section>`;
		const monthPicker = `<label>${L('month')} <input type="month" name="month" value="${month.month}"></label>`;
		const body = `<div class="page-head"><h1>${L('report_title')}</h1><button type="button" class="btn no-print" id="print-btn">🖨 ${L('print')}</button></div>
${filters(ctx, res, '/report/monthly', false, monthPicker)}
<div class="dash report" data-page="report" data-api="/api/report?${esc(api)}">
<section class="report-section cover" data-section="summary">
  <h2 class="section">${L('report_title')}: ${esc(monthName)}</h2>
  <p class="district-big"><span lang="hi">${esc(district?.nameHi ?? t('hi', 'all_districts'))}</span> · <span lang="en">${esc(district?.name ?? t('en', 'all_districts'))}</span></p>
  <p>${L('report_for')}: ${esc(formatDay(ctx.lang, month.from))} – ${esc(formatDay(ctx.lang, month.to))}</p>
  ${cardsHtml(ctx.lang, ['wa_delivered', 'wa_read', 'read_rate', 'complaints_opened', 'money_loss', 'roster_active', 'approvals_requested', 'decided_on_time'])}
  <p class="muted">${L('generated_at')}: ${esc(formatDateTime(ctx.lang, new Date()))} · ${esc(locals(res).user!.username)}</p>
</section>
${section('reach', ['facebook_views', 'instagram_views', 'x_impressions'], ['whatsapp_daily', 'social_daily', 'reach_by_station'])}
${section('complaints', ['complaints_closed', 'complaints_backlog', 'median_ack_minutes'], ['complaints_by_category', 'complaints_by_station', 'ack_median'])}
${section('roster', ['new_in_range', 'opt_outs_in_range', 'roster_opted_out'], ['roster_size', 'languages', 'roster_by_station'])}
</div>`;
		res.set('Cache-Control', 'no-store');
		res
			.type('html')
			.send(
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

	return r;
}
