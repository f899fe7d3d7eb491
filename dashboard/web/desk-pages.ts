import { COMPLAINT_CATEGORIES } from '../../core/complaints/categories';
import { OVERDUE_HOURS } from '../../core/metrics/complaints-rollup';
import type { CaseView, QueueInput } from '../../core/complaints/desk';
import type { QueueRow } from '../../core/complaints/desk-repository';
import type { ThreadItem } from '../../core/complaints/thread';
import { COMPLAINT_STATUSES } from '../../core/complaints/status';
import { esc } from '../../core/html';
import { formatDateTime, labeler, t, type Lang } from './i18n';

/** HTML of the complaint desk: the queue and a case. Everything works without a script (plain forms). */

const hoursSince = (d: Date, until: Date = new Date()) => Math.floor((until.getTime() - d.getTime()) / 3_600_000);

function select(name: string, current: string, options: Array<[string, string]>): string {
	return `<select name="${name}" id="f-${name}">${options
		.map(([v, l]) => `<option value="${esc(v)}"${v === current ? ' selected' : ''}>${esc(l)}</option>`)
		.join('')}</select>`;
}

export function queueHtml(
	lang: Lang,
	timeZone: string,
	q: QueueInput,
	stations: string[],
	out: { rows: QueueRow[]; total: number; page: number; pageSize: number },
): string {
	const L = labeler(lang);
	const v = (x: unknown) => (typeof x === 'string' ? x : '');
	const status = q.status === undefined ? 'open' : v(q.status);
	const filters = `<form class="filters no-print" method="get" action="/desk" data-desk-filters>
  <label>${L('status')} ${select('status', status, [['open', t(lang, 'desk_open')], ['', t(lang, 'desk_any')], ...COMPLAINT_STATUSES.map((s): [string, string] => [s, t(lang, `status_${s}`)])])}</label>
  <label>${L('category')} ${select('category', v(q.category), [['', t(lang, 'desk_any')], ...COMPLAINT_CATEGORIES.map((c): [string, string] => [c, t(lang, c)])])}</label>
  <label>${L('police_station')} ${select('policeStation', v(q.policeStation), [['', t(lang, 'desk_any')], ...stations.map((s): [string, string] => [s, s])])}</label>
  <label>${L('desk_money_loss')} ${select('moneyLoss', v(q.moneyLoss), [
		['', t(lang, 'desk_any')],
		['yes', t(lang, 'desk_yes')],
		['no', t(lang, 'desk_no')],
	])}</label>
  <label>${L('desk_age')} ${select('age', v(q.age), [['', t(lang, 'desk_any')], ...['under_24h', '24_48h', 'over_48h'].map((a): [string, string] => [a, t(lang, `age_${a}`)])])}</label>
  <label>${L('desk_last_reply')} ${select('reply', v(q.reply), [
		['', t(lang, 'desk_any')],
		['failed', t(lang, 'desk_reply_failed')],
	])}</label>
  <button type="submit" class="btn">${L('apply')}</button></form>`;
	const params = new URLSearchParams();
	for (const k of ['category', 'policeStation', 'moneyLoss', 'age', 'reply'] as const) if (v(q[k])) params.set(k, v(q[k]));
	params.set('status', status);
	const link = (page: number) => `/desk?${new URLSearchParams({ ...Object.fromEntries(params), page: String(page) }).toString()}`;
	const pages = Math.max(1, Math.ceil(out.total / out.pageSize));
	const nav = `<nav class="pager" aria-label="${L('desk_page')}">${out.page > 1 ? `<a class="btn" rel="prev" href="${esc(link(out.page - 1))}">${L('desk_prev')}</a>` : ''}
  <span>${L('desk_page')} ${out.page} / ${pages} · ${out.total} ${L('desk_total')}</span>${out.page < pages ? `<a class="btn" rel="next" href="${esc(link(out.page + 1))}">${L('desk_next')}</a>` : ''}</nav>`;
	const rows = out.rows
		.map((c) => {
			const age = hoursSince(c.createdAt, c.closedAt ?? undefined);
			const overdue = age > OVERDUE_HOURS;
			return `<tr data-ref="${esc(c.ref)}"${c.sensitive ? ' class="sensitive"' : ''}><td class="mono"><a href="/desk/${encodeURIComponent(c.ref)}">${esc(c.ref)}</a></td>
<td>${esc(formatDateTime(lang, c.createdAt, timeZone))}</td><td>${age} ${L('desk_hours')}${overdue && c.status !== 'closed' ? ` <span class="tag warn" data-overdue>${L('desk_overdue')}</span>` : ''}</td>
<td>${esc(t(lang, c.category))}${c.moneyLoss ? ' <span class="tag warn">₹</span>' : ''}</td><td>${esc(c.policeStation ?? '—')}</td><td>${esc(c.assignedOfficer ?? '—')}</td>
<td>${L(`status_${c.status}`)}${c.replyFailed ? ` <span class="tag warn" data-reply-failed>${L('desk_reply_failed')}</span>` : ''}</td><td>${esc(c.firstResponseAt ? formatDateTime(lang, c.firstResponseAt, timeZone) : '—')}</td><td class="mono">${esc(c.phone ?? '—')}</td>
<td>${esc((c.summary ?? '').slice(0, 80))}</td></tr>`;
		})
		.join('\n');
	const table = out.rows.length
		? `<div class="table-wrap"><table class="list desk-queue"><thead><tr><th>${L('ref')}</th><th>${L('received')}</th><th>${L('desk_age_label')}</th><th>${L('category')}</th><th>${L('police_station')}</th><th>${L('desk_officer')}</th><th>${L('status')}</th><th>${L('desk_first_response')}</th><th>${L('phone')}</th><th>${L('summary')}</th></tr></thead><tbody>
${rows}</tbody></table></div>`
		: `<p class="muted">${L('desk_none')}</p>`;
	return `<div class="page-head"><h1>${L('desk_title')}</h1></div>${filters}<section class="panel wide">${table}${nav}</section>`;
}

function attachmentHtml(lang: Lang, ref: string, a: Extract<ThreadItem, { kind: 'message' }>['attachments'][number]): string {
	const L = labeler(lang);
	const src = `/desk/${encodeURIComponent(ref)}/attachments/${a.id}`;
	if (a.kind === 'location') return `<p class="att">${L('desk_location')}: ${a.latitude ?? '?'}, ${a.longitude ?? '?'}</p>`;
	if (a.fetchState !== 'fetched') return `<p class="att muted">${L('desk_media_missing')}</p>`;
	const caption = a.caption ? `<span class="caption">${esc(a.caption)}</span>` : '';
	if (a.kind === 'audio')
		return `<p class="att">${L('desk_voice_note')} <audio controls preload="metadata" src="${src}" data-attachment="${a.id}"></audio></p>`;
	if (a.kind === 'image' || a.kind === 'sticker')
		return `<figure class="att"><a href="${src}"><img src="${src}" alt="${L('desk_image')}" data-attachment="${a.id}" loading="lazy"></a>${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
	if (a.kind === 'video')
		return `<p class="att"><video controls preload="metadata" src="${src}" data-attachment="${a.id}"></video>${caption}</p>`;
	return `<p class="att"><a href="${src}" download="${esc(a.fileName ?? 'document')}" data-attachment="${a.id}">${L('desk_document')}: ${esc(a.fileName ?? a.mimeType ?? '')}</a>${caption}</p>`;
}

function threadHtml(lang: Lang, timeZone: string, ref: string, items: ThreadItem[]): string {
	const L = labeler(lang);
	return `<ol class="thread">${items
		.map((i) => {
			const when = `<time>${esc(formatDateTime(lang, i.at, timeZone))}</time>`;
			if (i.kind === 'message')
				return `<li class="t-message" data-kind="message">${when} <b>${L('desk_citizen')}</b><div>${esc(i.body ?? '')}</div>${i.attachments.map((a) => attachmentHtml(lang, ref, a)).join('')}</li>`;
			if (i.kind === 'reply') {
				const state = i.error
					? `<span class="tag warn" data-delivery="failed">${i.delivery ? L('delivery_failed') : L('desk_not_sent')}: ${esc(i.error)}</span>`
					: `<span class="tag" data-delivery="${esc(i.delivery ?? '')}">${L(`delivery_${i.delivery ?? 'accepted'}`)}</span>`;
				return `<li class="t-reply" data-kind="reply" data-purpose="${i.purpose}">${when} <b>${L(`purpose_${i.purpose}`)}</b> (${L(i.via === 'text' ? 'desk_via_text' : 'desk_via_template')}, ${L('desk_sent_by')} ${esc(i.by)}) ${state}${i.body ? `<div>${esc(i.body)}</div>` : ''}</li>`;
			}
			if (i.kind === 'note')
				return `<li class="t-note" data-kind="note">${when} <b>${L('desk_note_item')}</b> ${L('desk_sent_by')} ${esc(i.by)}<div>${esc(i.body)}</div></li>`;
			const step = i.action.startsWith('complaint.') ? `step_${i.action.slice('complaint.'.length)}` : i.action;
			return `<li class="t-step" data-kind="step" data-action="${esc(i.action)}">${when} ${L('desk_step')}: ${L(step)} ${L('desk_sent_by')} ${esc(i.by)}</li>`;
		})
		.join('\n')}</ol>`;
}

function consentHtml(lang: Lang, timeZone: string, c: CaseView['consent']): string {
	const L = labeler(lang);
	if (!c) return `<section class="panel consent"><h2>${L('consent_title')}</h2><p class="muted">${L('consent_none')}</p></section>`;
	const row = (k: string, val: string) => `<tr><th>${L(k)}</th><td>${esc(val)}</td></tr>`;
	return `<section class="panel consent" data-consent><h2>${L('consent_title')}</h2><table class="list">
${row('consent_source', c.source ?? '—')}${row('consent_at', `${formatDateTime(lang, c.at, timeZone)}${c.atSource ? ` (${t(lang, `consent_at_${c.atSource}`)})` : ''}`)}
${row('consent_notice', c.noticeVersion ?? '—')}${row('consent_language', c.language ?? '—')}${row('consent_withdrawn', c.withdrawnAt ? formatDateTime(lang, c.withdrawnAt, timeZone) : '—')}</table>
<h3>${L('consent_history')}</h3><ul>${c.history.map((h) => `<li>${esc(formatDateTime(lang, h.at, timeZone))} <code>${esc(h.action)}</code> (${esc(h.by)})</li>`).join('')}</ul></section>`;
}

export interface FormError {
	action: string;
	field?: string;
	message: string;
}

export function caseHtml(lang: Lang, timeZone: string, csrf: string, v: CaseView, done?: string, error?: FormError): string {
	const L = labeler(lang);
	const c = v.complaint;
	const ref = encodeURIComponent(c.ref);
	const form = (action: string, inner: string, cls = '') =>
		`<form method="post" action="/desk/${ref}/${action}" class="desk-action ${cls}" data-action="${action}"><input type="hidden" name="_csrf" value="${esc(csrf)}">${inner}${
			error?.action === action
				? `<p class="field-error" role="alert" data-error-field="${esc(error.field ?? '')}">${L('desk_error')}${error.field ? ` (${L('desk_error_field')}: ${esc(error.field)})` : ''}: ${esc(error.message)}</p>`
				: ''
		}</form>`;
	const open = c.status !== 'closed';
	const facts: Array<[string, string]> = [
		['status', t(lang, `status_${c.status}`)],
		['category', t(lang, c.category)],
		['police_station', c.policeStation ?? '—'],
		['desk_officer', c.assignedOfficer ?? '—'],
		['received', formatDateTime(lang, c.createdAt, timeZone)],
		['desk_age_label', `${hoursSince(c.createdAt, c.closedAt ?? undefined)} ${t(lang, 'desk_hours')}`],
		['desk_first_response', c.firstResponseAt ? formatDateTime(lang, c.firstResponseAt, timeZone) : '—'],
		['desk_ncrp_ack', c.ncrpAck ?? '—'],
		['desk_outcome_label', c.outcome ? t(lang, `outcome_${c.outcome}`) : '—'],
		['phone', c.citizenPhone ?? c.citizenUserId ?? '—'], // a citizen without a number: the BSUID, masked alike
	];
	const actions = open
		? [
				c.status === 'new' ? form('acknowledge', `<button type="submit" class="btn">${L('desk_acknowledge')}</button>`) : '',
				form(
					'category',
					`<label>${L('desk_correct_category')} ${select(
						'category',
						c.category,
						COMPLAINT_CATEGORIES.map((k): [string, string] => [k, t(lang, k)]),
					)}</label><button type="submit" class="btn">${L('desk_save')}</button>`,
				),
				form(
					'assign',
					`<label>${L('desk_assign_station')} <input name="policeStation" value="${esc(c.policeStation ?? '')}" maxlength="80"></label><label>${L('desk_assign_officer')} <input name="officer" value="${esc(c.assignedOfficer ?? '')}" maxlength="80"></label><button type="submit" class="btn">${L('desk_assign')}</button>`,
				),
				form(
					'forward',
					`<label>${L('desk_ncrp')} <input name="ncrpAck" inputmode="numeric" value="${esc(c.ncrpAck ?? '')}" autocomplete="off"></label><button type="submit" class="btn">${L('desk_record_forward')}</button>`,
				),
				form(
					'reply',
					`<label>${L('desk_reply')} <textarea name="text" rows="3" maxlength="864" required></textarea></label><p class="muted" data-window="${v.window.open ? 'open' : 'closed'}">${L(v.window.open ? 'desk_window_open' : 'desk_window_closed')}</p><button type="submit" class="btn primary">${L('desk_send')}</button>`,
				),
				form(
					'close',
					`<label>${L('desk_outcome')} ${select('outcome', '', [['', '—'], ...v.outcomes.map((o): [string, string] => [o, t(lang, `outcome_${o}`)])])}</label><label>${L('desk_closing_note')} <input name="note" maxlength="2000"></label><button type="submit" class="btn">${L('desk_close')}</button>`,
				),
			].join('\n')
		: '';
	return `<div class="page-head"><h1 class="mono">${esc(c.ref)}</h1><p><a href="/desk">← ${L('desk_title')}</a></p></div>
${done ? `<p class="flash ok" role="status" data-done="${esc(done)}">${L('desk_done')}</p>` : ''}
${c.sensitive ? `<p class="flash bad">${L('desk_sensitive')}</p>` : ''}
${c.lastReplyFailed ? `<p class="flash bad" role="alert" data-reply-failed>${L('desk_reply_failed_case')}</p>` : ''}
<section class="panel wide case-facts"><table class="list">${facts.map(([k, val]) => `<tr><th>${L(k)}</th><td data-fact="${k}">${esc(val)}</td></tr>`).join('')}</table></section>
<section class="panel wide"><h2>${L('desk_thread')}</h2>${threadHtml(lang, timeZone, c.ref, v.thread)}</section>
<section class="panel wide desk-actions"><h2>${L('desk_actions')}</h2>${actions}${form('note', `<label>${L('desk_note')} <textarea name="note" rows="2" maxlength="2000" required></textarea></label><button type="submit" class="btn">${L('desk_add_note')}</button>`)}</section>
${consentHtml(lang, timeZone, v.consent)}`;
}
