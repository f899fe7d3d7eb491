import type express from 'express';
import { Router } from 'express';
import type { Db } from '../../core/db';
import { recentComplaints } from '../../core/dashboard';
import { esc } from '../../core/html';
import { formatDateTime, formatDay, labeler, t, type Lang } from './i18n';
import { type PageId } from './layout';
import { locals, requireLogin } from './http';
import type { TtlCache } from './cache';
import type { AppDeps, StartProblem } from '../deps';
import { approvalQueueRoutes } from './approval-queue';
import { contentRoutes } from './content-page';
import { monthlyReportRoute } from './monthly-report';
import { cardsHtml, chartPanel, context, filters, render, type Ctx } from './page-frame';

/**
 * Server-rendered pages. Analytics pages render their frame (filters, empty cards, chart
 * panels) and app.js fills them from the JSON API; the approval queue (approval-queue.ts) and
 * the complaint list are rendered here so they work even before any script runs.
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
		cards: ['wa_delivered', 'wa_read', 'read_rate', 'facebook_views', 'instagram_views', 'x_impressions', 'spend_inr', 'free_messages'],
		charts: ['whatsapp_daily', 'social_daily', 'reach_by_station', 'spend_by_month', 'spend_by_broadcast'],
		wide: ['whatsapp_daily', 'social_daily', 'reach_by_station'],
	},
	complaints: {
		id: 'complaints',
		path: '/complaints',
		titleKey: 'nav_complaints',
		range: true,
		cards: [
			'complaints_opened',
			'complaints_closed',
			'complaints_backlog',
			'money_loss',
			'median_ack_minutes',
			'median_first_response_minutes',
			'complaints_over_48h',
		],
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
		cards: [
			'progress_pct',
			'sent',
			'rate_per_second',
			'eta_seconds',
			'delivered',
			'read',
			'failed',
			'remaining',
			'spend_inr',
			'free_messages',
			'held_for_tier',
			'tier_per_day',
			'coverage_7d_pct',
		],
		charts: ['broadcast_states', 'failures_by_class'],
	},
};

function analyticsBody(ctx: Ctx, res: express.Response, spec: PageSpec, extra = ''): string {
	const label = labeler(ctx.lang);
	const rangeLine = ctx.range
		? `<p class="range">${esc(formatDay(ctx.lang, ctx.range.from))} – ${esc(formatDay(ctx.lang, ctx.range.to))}</p>`
		: spec.id === 'overview'
			? `<p class="range">${label('today')}: ${esc(formatDay(ctx.lang, ctx.today))}</p>`
			: '';
	// Filled by app.js from the answer's asOf: the time the figures include every event up to.
	const asOfLine = `<p class="as-of muted" data-as-of></p>`;
	return `<div class="page-head"><h1>${label(spec.titleKey)}</h1>${rangeLine}${asOfLine}</div>
${filters(ctx, res, spec.path, spec.range)}
<div class="dash" data-page="${spec.id}" data-api="/api/${spec.id}${ctx.apiQuery ? '?' + esc(ctx.apiQuery) : ''}"${spec.id === 'broadcast' ? ' data-poll="3000"' : ''}>
${spec.id === 'broadcast' ? `<p class="bcast-info" data-broadcast-info>${label('loading')}</p><p class="muted live no-print">● ${label('live')}</p><div class="progress" data-progress role="presentation"><div class="bar"></div></div>` : ''}
${cardsHtml(ctx.lang, spec.cards)}
<div class="charts">${spec.charts.map((c) => chartPanel(ctx.lang, spec.id, c, ctx.apiQuery, !!spec.wide?.includes(c))).join('\n')}</div>
${extra}
</div>`;
}

function complaintsTable(lang: Lang, timeZone: string, rows: Awaited<ReturnType<typeof recentComplaints>>): string {
	const label = labeler(lang);
	if (rows.length === 0) return '';
	return `<section class="panel wide"><header><h2>${label('recent_complaints')}</h2></header><div class="table-wrap"><table class="list">
<thead><tr><th>${label('ref')}</th><th>${label('received')}</th><th>${label('category')}</th><th>${label('police_station')}</th><th>${label('status')}</th><th>${label('phone')}</th><th>${label('summary')}</th></tr></thead><tbody>
${rows
	.map(
		(c) =>
			`<tr${c.sensitive ? ' class="sensitive"' : ''}><td class="mono">${esc(c.ref)}</td><td>${esc(formatDateTime(lang, c.createdAt, timeZone))}</td><td>${esc(t(lang, c.category))}</td><td>${esc(c.policeStation ?? '—')}</td><td>${label(`status_${c.status}`)}</td><td class="mono">${esc(c.phone)}</td><td>${esc(c.summary ?? '')}${c.moneyLoss ? ' <span class="tag warn">₹</span>' : ''}</td></tr>`,
	)
	.join('')}
</tbody></table></div></section>`;
}

/** What an admin must know on the overview: a part of `npm start` that is down, its log, the command that retries it. */
function startProblemsHtml(lang: Lang, problems: StartProblem[]): string {
	const label = labeler(lang);
	return problems
		.map(
			(p) =>
				`<section class="panel wide start-problem" role="alert" data-part="${esc(p.part)}"><h2>⚠ ${label(`part_down_${p.part}`)}</h2>
<p>${esc(p.problem)}</p><p>${label('part_down_log')}: <code>${esc(p.log)}</code></p><p>${label('part_down_retry')}: <code>${esc(p.retry)}</code></p></section>`,
		)
		.join('\n');
}

export function pagesRouter(db: Db, apiCache: TtlCache<unknown>, defaultZone: string, startProblems?: AppDeps['startProblems']): Router {
	const r = Router();

	for (const spec of Object.values(SPECS)) {
		if (spec.id === 'complaints') continue;
		r.get(spec.path, requireLogin('viewer'), async (req, res) => {
			const ctx = await context(db, defaultZone, req, res, spec.range);
			const admin = locals(res).user?.role === 'admin';
			const banner = spec.id === 'overview' && admin && startProblems ? startProblemsHtml(ctx.lang, await startProblems()) : '';
			render(res, ctx, spec.id, t(ctx.lang, spec.titleKey), banner + analyticsBody(ctx, res, spec), req);
		});
	}

	r.get('/complaints', requireLogin('viewer'), async (req, res) => {
		const spec = SPECS.complaints;
		const ctx = await context(db, defaultZone, req, res, true);
		const recent = await recentComplaints(db, ctx.scope, { role: locals(res).user!.role });
		render(
			res,
			ctx,
			'complaints',
			t(ctx.lang, spec.titleKey),
			analyticsBody(ctx, res, spec, complaintsTable(ctx.lang, ctx.timeZone, recent)),
			req,
		);
	});

	contentRoutes(r, db, defaultZone);
	approvalQueueRoutes(r, db, apiCache, defaultZone);
	monthlyReportRoute(r, db, defaultZone);
	return r;
}
