import express, { type Router } from 'express';
import type { Db } from '../../core/db';
import { hasRole } from '../../core/auth';
import { approvalsPage, decideFromDashboard, type DashboardDecision, type PendingItem } from '../../core/dashboard';
import { esc } from '../../core/html';
import { formatDateTime, formatDay, formatNumber, labeler, t, type Lang } from './i18n';
import { clientIp, locals, requireCsrf, requireLogin } from './http';
import { cardsHtml, chartPanel, context, filters, render } from './page-frame';
import type { TtlCache } from './cache';

/**
 * The approval queue: each open request with exactly what it will publish, and a plain form
 * (no JavaScript needed on a basic phone browser) that decides through core/approvals, the same
 * rule as the WhatsApp links and the JSON API.
 */

function channelBlocks(lang: Lang, p: PendingItem): string {
	const label = labeler(lang);
	return p.preview.channels
		.map((c) => {
			switch (c.channel) {
				case 'whatsapp':
					return `<div class="variant"><h4>${label('variant_whatsapp')} (${esc(t(lang, c.language))})</h4><p class="mono">${esc(c.template)} · ${esc(c.templateLanguage)}${c.params.length ? ` · ${esc(c.params.join(' | '))}` : ''}</p></div>`;
				case 'x':
					return `<div class="variant"><h4>${label('variant_x')} <span class="muted">${c.weightedLength}/${c.limit}</span></h4><p>${esc(c.text)}</p></div>`;
				case 'instagram':
					return `<div class="variant"><h4>${label('variant_instagram')} <span class="muted">${c.length}/${c.limit}</span></h4><p>${esc(c.caption)}</p></div>`;
				case 'facebook':
					return `<div class="variant"><h4>${label('variant_facebook')}</h4><p>${esc(c.text)}${c.link ? ` <span class="mono">${esc(c.link)}</span>` : ''}</p></div>`;
			}
			return '';
		})
		.join('');
}

function pendingCard(lang: Lang, timeZone: string, p: PendingItem, canDecide: boolean, csrf: string, keep: string): string {
	const label = labeler(lang);
	const c = p.content;
	const action = `/approvals/${p.approvalId}/decision${keep ? '?' + esc(keep) : ''}`;
	const form = canDecide
		? `<form method="post" action="${action}" class="decide">
  <input type="hidden" name="_csrf" value="${esc(csrf)}">
  <input type="hidden" name="hash" value="${esc(p.contentHash)}">
  <label class="full">${label('comment')}<textarea name="comment" rows="2" maxlength="2000"></textarea></label>
  <div class="btns">
    <button type="submit" name="decision" value="approved" class="btn ok">✔ ${label('approve')}</button>
    <button type="submit" name="decision" value="changes_requested" class="btn warn">✎ ${label('request_changes')}</button>
    <button type="submit" name="decision" value="rejected" class="btn bad">✖ ${label('reject')}</button>
  </div>
</form>`
		: `<p class="muted">${label('view_only')}</p>`;
	return `<article class="panel approval" data-approval="${p.approvalId}">
<header><h2>${esc(c.title)}</h2><span class="tag">${esc(p.preview.categoryLabel[lang])}</span>${p.level > 1 ? `<span class="tag warn">${label('escalated')}</span>` : ''}</header>
<dl class="meta">
  <div><dt>${label('target_date')}</dt><dd>${esc(formatDay(lang, c.targetDate))}</dd></div>
  <div><dt>${label('requested_at')}</dt><dd>${esc(formatDateTime(lang, p.requestedAt, timeZone))}</dd></div>
  <div><dt>${label('deadline')}</dt><dd${p.overdue ? ' class="bad"' : ''}>${esc(formatDateTime(lang, p.deadlineAt, timeZone))}${p.overdue ? ` · ${label('overdue')}` : ''}</dd></div>
  <div><dt>${label('approver')}</dt><dd>${esc(p.approver)}</dd></div>
</dl>
<div class="preview">
  ${c.imageUrl ? `<figure class="thumb-fig"><img src="/approvals/${p.approvalId}/image" alt="${label('image_preview')}" class="thumb"><figcaption class="mono muted">${esc(c.imageUrl)}</figcaption></figure>` : ''}
  <div class="texts">
    <div class="bubble" lang="hi"><h4>${label('text_hi')}</h4><p>${esc(c.bodyHi)}</p></div>
    <div class="bubble" lang="en"><h4>${label('text_en')}</h4><p>${esc(c.bodyEn)}</p></div>
  </div>
</div>
${channelBlocks(lang, p)}
<p class="hash mono">sha256 ${esc(p.preview.shortHash)}</p>
${form}
</article>`;
}

/** `defaultZone`: the installation's time zone, the clock of the state-level (all districts) view. */
/**
 * The decision a dashboard request carries: the same fields from the form and the JSON API
 * (decision, comment, hash), the officer and district from the session; core checks them.
 */
export function decisionOf(req: express.Request, res: express.Response): DashboardDecision {
	const u = locals(res).user!;
	const body = (req.body ?? {}) as Record<string, unknown>;
	return {
		approvalId: req.params.id,
		decision: body.decision,
		comment: body.comment,
		seenHash: body.hash,
		actor: `user:${u.username}`,
		districtId: u.districtId,
		ip: clientIp(req),
	};
}

export function approvalQueueRoutes(r: Router, db: Db, apiCache: TtlCache<unknown>, defaultZone: string): void {
	const form = express.urlencoded({ extended: false, limit: '20kb' });

	r.get('/approvals', requireLogin('viewer'), async (req, res) => {
		const ctx = await context(db, defaultZone, req, res, false);
		const l = locals(res);
		const data = await approvalsPage(db, ctx.scope);
		const label = labeler(ctx.lang);
		const canDecide = hasRole(l.user!, 'approver');
		const flash = req.query.done ? `<p class="flash ok" role="status">${label('decision_saved')}</p>` : '';
		const list = data.pending.length
			? data.pending.map((p) => pendingCard(ctx.lang, ctx.timeZone, p, canDecide, l.session!.csrfToken, ctx.keep)).join('\n')
			: `<p class="panel empty-state">${label('no_pending')}</p>`;
		const body = `<div class="page-head"><h1>${label('nav_approvals')}</h1></div>
${filters(ctx, res, '/approvals', false)}
${flash}
<div class="dash" data-page="approvals" data-api="/api/approvals${ctx.apiQuery ? '?' + esc(ctx.apiQuery) : ''}">
${cardsHtml(ctx.lang, ['pending', 'decided_on_time_pct', 'approved_30d', 'changes_30d', 'rejected_30d'])}
<h2 class="section">${label('pending_queue')} (${formatNumber(ctx.lang, data.pending.length)})</h2>
<div class="queue">${list}</div>
<div class="charts">${chartPanel(ctx.lang, 'approvals', 'decisions_30d', ctx.apiQuery, false)}</div>
</div>`;
		render(res, ctx, 'approvals', t(ctx.lang, 'nav_approvals'), body, req);
	});

	// A plain form post so an approver on a basic phone browser can decide without JavaScript.
	r.post('/approvals/:id/decision', form, requireLogin('viewer'), requireCsrf(), requireLogin('approver'), async (req, res) => {
		await decideFromDashboard(db, decisionOf(req, res));
		apiCache.clear();
		const district = typeof req.query.district === 'string' && /^\d+$/.test(req.query.district) ? `district=${req.query.district}&` : '';
		res.redirect(303, `/approvals?${district}done=1`);
	});
}
