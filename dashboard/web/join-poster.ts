import { Router } from 'express';
import { businessNumberOf, clickToChatLink, JOIN_WORD, qrSvg } from '../../core/conversation/join-link';
import { listDistricts, resolveScope } from '../../core/dashboard';
import type { Db } from '../../core/db';
import { esc } from '../../core/html';
import { t } from './i18n';
import { shell } from './layout';
import { locals, requireLogin } from './http';

/**
 * GET /join-poster: a print-ready A4 poster for police stations and awareness camps: the
 * district's WhatsApp click-to-chat link with JOIN typed in, its QR code, and the words in Hindi
 * and English (a poster is read by everyone, whatever the officer's dashboard language). The
 * number is the one Meta last reported for the district; `?number=` prints another (a district
 * whose number was never read yet).
 */
export function joinPosterRouter(db: Db): Router {
	const r = Router();
	r.get('/join-poster', requireLogin('viewer'), async (req, res, next) => {
		try {
			const l = locals(res);
			const lang = l.lang;
			const scope = resolveScope(l.user!.districtId, req.query['district']);
			const districtId = scope.districtId ?? 1;
			const district = (await listDistricts(db)).find((d) => d.id === districtId) ?? null;
			const given = typeof req.query['number'] === 'string' && req.query['number'].trim() !== '' ? req.query['number'] : null;
			const number = given ?? (await businessNumberOf(db, districtId));
			let body: string;
			if (!number) {
				body = `<section class="panel"><p class="flash bad" role="status">${esc(t(lang, 'join_poster_no_number'))}</p>
<form method="get" action="/join-poster" class="stack"><input type="hidden" name="district" value="${districtId}">
<label>${esc(t(lang, 'join_poster_number'))}<input name="number" inputmode="tel" placeholder="91XXXXXXXXXX" required></label>
<button class="btn primary" type="submit">${esc(t(lang, 'join_poster_make'))}</button></form></section>`;
			} else {
				const link = clickToChatLink(number);
				const shown = `+${link.slice('https://wa.me/'.length, link.indexOf('?'))}`;
				body = `<div class="page-head no-print"><h1>${esc(t(lang, 'join_poster_title'))}</h1><p class="muted">${esc(t(lang, 'join_poster_hint'))}</p></div>
<section class="panel join-poster" aria-label="poster">
<h2 lang="hi">साइबर ठगी से बचें: पुलिस मितान से जुड़ें</h2>
<p class="en" lang="en">Stay safe from cyber fraud: join Police Mitan</p>
<div class="qr">${qrSvg(link, { moduleSize: 8, title: link })}</div>
<p lang="hi">कैमरे से QR स्कैन करें, या WhatsApp पर <strong>${shown}</strong> को <strong>${JOIN_WORD}</strong> / <strong>जुड़ें</strong> भेजें।</p>
<p lang="en">Scan the QR code, or send <strong>${JOIN_WORD}</strong> on WhatsApp to <strong>${shown}</strong>.</p>
<p class="mono link-text"><a href="${esc(link)}">${esc(link)}</a></p>
<p lang="hi">पैसे कटे? तुरंत <strong>1930</strong> पर कॉल करें · cybercrime.gov.in</p>
<p lang="en">Money lost? Call <strong>1930</strong> at once · cybercrime.gov.in</p>
<p class="muted" lang="hi">रोज़ एक सुरक्षा संदेश। कभी भी STOP भेजकर बंद करें।</p>
<p class="muted" lang="en">One safety message a day. Send STOP at any time to stop.</p>
${district ? `<p class="district"><span lang="hi">${esc(district.nameHi)} पुलिस</span> · <span lang="en">${esc(district.name)} Police</span></p>` : ''}
</section>
<p class="no-print"><button class="btn primary" type="button" id="print-btn">${esc(t(lang, 'print'))}</button></p>`;
			}
			res
				.set('Cache-Control', 'no-store')
				.type('html')
				.send(
					shell({
						lang,
						title: t(lang, 'join_poster_title'),
						user: l.user,
						csrf: l.session!.csrfToken,
						district,
						body,
						currentUrl: req.originalUrl,
					}),
				);
		} catch (e) {
			next(e);
		}
	});
	return r;
}
