import type express from 'express';
import type { Db } from '../../core/db';
import { listDistricts, parseRange, resolveScope, scopeClock, type DateRange, type District, type Scope } from '../../core/dashboard';
import { esc } from '../../core/html';
import { labeler, t, type Lang } from './i18n';
import { shell, type PageId } from './layout';
import { locals } from './http';

/**
 * What every server-rendered page shares: the request's context (language, district scope and
 * its clock, period, the query kept across links), the filter form, empty cards and chart
 * panels that app.js fills from the JSON API, and the shell around the body.
 */

export interface Ctx {
	lang: Lang;
	scope: Scope;
	/** The scope's clock: instants are shown in its zone, "today" is its day. */
	timeZone: string;
	today: string;
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

export async function context(db: Db, defaultZone: string, req: express.Request, res: express.Response, withRange: boolean): Promise<Ctx> {
	const l = locals(res);
	const scope = resolveScope(l.user!.districtId, req.query.district);
	const clock = await scopeClock(db, scope, defaultZone);
	const range = withRange ? parseRange(req.query as Record<string, unknown>, clock.today) : undefined;
	const districts = await listDistricts(db);
	const parts: string[] = [];
	if (l.user!.districtId === null && scope.districtId !== null) parts.push(`district=${scope.districtId}`);
	const rq = rangeQuery(req, range);
	if (rq) parts.push(rq);
	return {
		lang: l.lang,
		scope,
		...clock,
		range,
		districts,
		keep: parts.join('&'),
		apiQuery: parts.join('&'),
		preset: req.query.from === undefined && req.query.to === undefined,
	};
}

export function headerDistrict(ctx: Ctx): District | null {
	if (ctx.scope.districtId === null) return ctx.districts.length === 1 ? ctx.districts[0] : null;
	return ctx.districts.find((d) => d.id === ctx.scope.districtId) ?? null;
}

export function filters(ctx: Ctx, res: express.Response, path: string, withRange: boolean, extra = ''): string {
	const label = labeler(ctx.lang);
	const user = locals(res).user!;
	const districtSelect =
		user.districtId === null
			? `<label>${label('district')} <select name="district" id="f-district"><option value="">${label('all_districts')}</option>${ctx.districts
					.map(
						(d) =>
							`<option value="${d.id}"${d.id === ctx.scope.districtId ? ' selected' : ''}>${esc(ctx.lang === 'hi' ? d.nameHi : d.name)}</option>`,
					)
					.join('')}</select></label>`
			: '';
	const dq = user.districtId === null && ctx.scope.districtId !== null ? `district=${ctx.scope.districtId}&` : '';
	const presets = withRange
		? `<div class="presets" role="group" aria-label="${label('period')}">${[7, 30, 90]
				.map(
					(d) =>
						`<a class="chip${ctx.preset && ctx.range?.days === d ? ' on' : ''}" href="${path}?${dq}days=${d}">${label(`last_${d}`)}</a>`,
				)
				.join('')}</div>
       <label>${label('from')} <input type="date" name="from" value="${esc(ctx.range?.from)}"></label>
       <label>${label('to')} <input type="date" name="to" value="${esc(ctx.range?.to)}"></label>`
		: '';
	if (!districtSelect && !presets && !extra) return '';
	return `<form class="filters no-print" method="get" action="${path}">${districtSelect}${presets}${extra}<button type="submit" class="btn">${label('apply')}</button></form>`;
}

export function cardsHtml(lang: Lang, keys: string[]): string {
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

export function render(res: express.Response, ctx: Ctx, page: PageId, title: string, body: string, req: express.Request): void {
	const l = locals(res);
	res.set('Cache-Control', 'no-store');
	res.type('html').send(
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

export interface Flash {
	ok: boolean;
	text: string;
}

/** The one-line answer to the last form post, above a page's body. */
export function flashHtml(flash: Flash | undefined): string {
	return flash ? `<p class="flash ${flash.ok ? 'ok' : 'bad'}" role="status">${esc(flash.text)}</p>` : '';
}

/**
 * A signed-in form page (users, districts, staff, second factor): its title from the dictionary,
 * never cached (it carries the CSRF token and, after a post, the answer to it).
 */
export function sendFormPage(
	res: express.Response,
	status: number,
	p: { titleKey: string; page?: PageId; currentUrl: string; body: string },
): void {
	const l = locals(res);
	res
		.status(status)
		.set('Cache-Control', 'no-store')
		.type('html')
		.send(
			shell({
				lang: l.lang,
				title: t(l.lang, p.titleKey),
				page: p.page,
				user: l.user,
				csrf: l.session!.csrfToken,
				body: p.body,
				currentUrl: p.currentUrl,
			}),
		);
}
