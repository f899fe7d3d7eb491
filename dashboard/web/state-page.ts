import type express from 'express';
import { Router } from 'express';
import type { Db } from '../../core/db';
import { parseRange, scopeClock, stateView, type DateRange, type StateRow } from '../../core/dashboard';
import { MitanError } from '../../core/errors';
import { esc } from '../../core/html';
import { formatDay, formatNumber, labeler, t, type Lang } from './i18n';
import { locals, requireLogin } from './http';
import { context, render } from './page-frame';

/**
 * The state view (/state, and its figures at /api/state): every district side by side for
 * state-level users, each row opening that district's own dashboard (the pages with
 * `district=`). A district's users are locked to their district everywhere (resolveScope), and
 * this page, which is all districts, is refused to them rather than filtered.
 */

function stateLevelOnly(res: express.Response): void {
	if (locals(res).user!.districtId !== null)
		throw new MitanError('AUTH_FORBIDDEN', 'district: the state view is for state-level users; your dashboard is your district’s', {
			field: 'district',
		});
}

/** The state's clock (MITAN_TIMEZONE) picks the range's days; each district's rollup days are its own calendar's. */
async function rangeOf(db: Db, defaultZone: string, req: express.Request): Promise<DateRange> {
	const { today } = await scopeClock(db, { districtId: null }, defaultZone);
	return parseRange(req.query as Record<string, unknown>, today);
}

function table(lang: Lang, rows: StateRow[], range: DateRange): string {
	const label = labeler(lang);
	const n = (v: number | null, digits = 0) => esc(formatNumber(lang, v, digits));
	const q = `from=${range.from}&amp;to=${range.to}`;
	const total = rows.reduce(
		(a, r) => ({
			rosterActive: a.rosterActive + r.rosterActive,
			delivered: a.delivered + r.delivered,
			read: a.read + r.read,
			complaints: a.complaints + r.complaints,
			moneyLoss: a.moneyLoss + r.moneyLoss,
			spendInr: a.spendInr + r.spendInr,
		}),
		{ rosterActive: 0, delivered: 0, read: 0, complaints: 0, moneyLoss: 0, spendInr: 0 },
	);
	const rate = (read: number, delivered: number) => (delivered > 0 ? Math.round((1000 * read) / delivered) / 10 : null);
	const body = rows
		.map(
			(
				r,
			) => `<tr data-district="${esc(r.code)}"><th scope="row"><a href="/?district=${r.districtId}">${esc(lang === 'hi' ? r.nameHi : r.name)}</a> <span class="muted mono">${esc(r.code)}</span></th>
<td class="num">${n(r.rosterActive)}</td><td class="num"><a href="/reach?district=${r.districtId}&amp;${q}">${n(r.delivered)}</a></td><td class="num">${r.readRatePct === null ? '—' : `${n(r.readRatePct, 1)} %`}</td>
<td class="num"><a href="/complaints?district=${r.districtId}&amp;${q}">${n(r.complaints)}</a></td><td class="num">${n(r.moneyLoss)}</td><td class="num">₹ ${n(r.spendInr, 2)}</td></tr>`,
		)
		.join('\n');
	const tr = rate(total.read, total.delivered);
	return `<section class="panel wide"><div class="table-wrap"><table class="list state-view">
<thead><tr><th>${label('district')}</th><th>${label('roster_active')}</th><th>${label('wa_delivered')}</th><th>${label('read_rate')}</th><th>${label('complaints_opened')}</th><th>${label('money_loss')}</th><th>${label('spend_inr')}</th></tr></thead>
<tbody>${body}</tbody>
<tfoot><tr><th scope="row">${label('state_total')}</th><td class="num">${n(total.rosterActive)}</td><td class="num">${n(total.delivered)}</td><td class="num">${tr === null ? '—' : `${n(tr, 1)} %`}</td><td class="num">${n(total.complaints)}</td><td class="num">${n(total.moneyLoss)}</td><td class="num">₹ ${n(total.spendInr, 2)}</td></tr></tfoot>
</table></div></section>`;
}

export function stateRouter(db: Db, defaultZone: string): Router {
	const r = Router();

	r.get('/api/state', requireLogin('viewer'), async (req, res) => {
		stateLevelOnly(res);
		const range = await rangeOf(db, defaultZone, req);
		res.set('Cache-Control', 'no-store').json({ range, districts: await stateView(db, range) });
	});

	r.get('/state', requireLogin('viewer'), async (req, res) => {
		stateLevelOnly(res);
		const ctx = await context(db, defaultZone, req, res, true);
		const range = ctx.range!;
		const rows = await stateView(db, range);
		const label = labeler(ctx.lang);
		const body = `<div class="page-head"><h1>${label('state_title')}</h1><p class="range">${esc(formatDay(ctx.lang, range.from))} – ${esc(formatDay(ctx.lang, range.to))}</p></div>
<div class="filters no-print presets" role="group" aria-label="${label('period')}">${[7, 30, 90]
			.map((d) => `<a class="chip${ctx.preset && range.days === d ? ' on' : ''}" href="/state?days=${d}">${label(`last_${d}`)}</a>`)
			.join('')}</div>
<p class="muted">${label('state_drill')}</p>
${table(ctx.lang, rows, range)}`;
		render(res, { ...ctx, scope: { districtId: null } }, 'state', t(ctx.lang, 'state_title'), body, req);
	});

	return r;
}
