import type { DashboardUser } from '../../core/auth';
import type { District } from '../../core/dashboard';
import { esc } from '../../core/html';
import { DICTIONARY, labeler, t, type Lang } from './i18n';

/** The HTML shell every page shares: header with the district in Hindi and English, nav, filters. */

export type PageId =
	| 'overview'
	| 'reach'
	| 'complaints'
	| 'roster'
	| 'content'
	| 'approvals'
	| 'broadcast'
	| 'report'
	| 'users'
	| 'desk'
	| 'districts'
	| 'staff'
	| 'state';

/** `stateLevel`: shown to users of no one district (the state view). */
const NAV: Array<{ id: PageId; href: string; key: string; admin?: boolean; staff?: boolean; stateLevel?: boolean }> = [
	{ id: 'overview', href: '/', key: 'nav_overview' },
	{ id: 'reach', href: '/reach', key: 'nav_reach' },
	{ id: 'complaints', href: '/complaints', key: 'nav_complaints' },
	// The complaint desk works cases: cyber cell staff (editor) and above, not viewers.
	{ id: 'desk', href: '/desk', key: 'nav_desk', staff: true },
	{ id: 'roster', href: '/roster', key: 'nav_roster' },
	{ id: 'content', href: '/content', key: 'nav_content' },
	{ id: 'approvals', href: '/approvals', key: 'nav_approvals' },
	{ id: 'broadcast', href: '/broadcast', key: 'nav_broadcast' },
	{ id: 'report', href: '/report/monthly', key: 'nav_report' },
	{ id: 'users', href: '/admin/users', key: 'nav_users', admin: true },
	{ id: 'districts', href: '/admin/districts', key: 'nav_districts', admin: true },
	{ id: 'staff', href: '/admin/staff', key: 'nav_staff', admin: true },
	{ id: 'state', href: '/state', key: 'nav_state', stateLevel: true },
];

export interface ShellInput {
	lang: Lang;
	title: string;
	page?: PageId;
	user?: DashboardUser;
	csrf?: string;
	/** The district shown in the header (null = all districts, state view). */
	district?: District | null;
	body: string;
	/** Query string kept across nav links (district, period). */
	keep?: string;
	currentUrl?: string;
	bodyClass?: string;
}

export function shell(p: ShellInput): string {
	const label = labeler(p.lang);
	const dict = JSON.stringify(DICTIONARY[p.lang]).replace(/</g, '\\u003c');
	const keep = p.keep ? `?${p.keep}` : '';
	const districtLine = p.district
		? `<span lang="hi">${esc(p.district.nameHi)}</span> <span class="sep">·</span> <span lang="en">${esc(p.district.name)}</span>`
		: p.user
			? `<span lang="hi">${esc(DICTIONARY.hi.all_districts)}</span> <span class="sep">·</span> <span lang="en">${esc(DICTIONARY.en.all_districts)}</span>`
			: '';
	const nav = p.user
		? `<nav class="tabs no-print" aria-label="main">${NAV.filter(
				(n) =>
					(!n.admin || p.user!.role === 'admin') &&
					(!n.staff || p.user!.role !== 'viewer') &&
					(!n.stateLevel || p.user!.districtId === null),
			)
				.map(
					(n) =>
						`<a href="${n.href}${n.id === 'users' || n.id === 'districts' || n.id === 'staff' || n.id === 'state' ? '' : esc(keep)}"${n.id === p.page ? ' aria-current="page" class="on"' : ''}>${label(n.key)}</a>`,
				)
				.join('')}</nav>`
		: '';
	const other: Lang = p.lang === 'hi' ? 'en' : 'hi';
	const langLink = `<a class="lang" id="lang-switch" href="/lang?to=${other}&amp;next=${encodeURIComponent(p.currentUrl ?? '/')}" hreflang="${other}">${label('switch_to')}</a>`;
	const userBox = p.user
		? `<div class="who"><span class="uname">${esc(p.user.displayName || p.user.username)}</span> <span class="role">${label(p.user.role)}</span>${p.user.role !== 'viewer' ? ` <a class="link" href="/account/totp">${label('totp_title')}</a>` : ''}
       <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${esc(p.csrf)}"><button type="submit" class="link">${label('logout')}</button></form></div>`
		: '';
	return `<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${esc(p.title)} · ${label('app_name')}</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<link rel="stylesheet" href="/assets/print.css" media="print">
<script src="/assets/chart.umd.min.js" defer></script>
<script src="/assets/app.js" defer></script>
</head>
<body class="${esc(p.bodyClass ?? '')}" data-lang="${p.lang}"${p.csrf ? ` data-csrf="${esc(p.csrf)}"` : ''}>
<script type="application/json" id="i18n">${dict}</script>
<header class="top">
  <div class="brand">
    <div class="emblem" aria-hidden="true">◆</div>
    <div><div class="app">${label('app_name')}</div><div class="district">${districtLine}</div></div>
  </div>
  <div class="right no-print">${langLink}${userBox}</div>
</header>
${nav}
<main>
${p.body}
</main>
</body>
</html>`;
}

export function errorPage(lang: Lang, status: number, message: string): string {
	const key = status === 403 ? 'err_forbidden' : status >= 500 ? 'err_generic' : '';
	return shell({
		lang,
		title: String(status),
		body: `<section class="panel error"><h1>${status}</h1><p>${esc(key ? t(lang, key) : message)}</p><p class="muted">${esc(message)}</p><p><a href="/">${esc(t(lang, 'nav_overview'))}</a></p></section>`,
	});
}
