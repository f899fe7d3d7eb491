/* Police Mitan: the Content page's draft editor. Every check is the server's (POST /api/content/check):
   this script only collects the form, shows each problem at its field in Hindi and English, draws
   the per-channel previews it gets back, uploads the image, saves and sends for approval.
   Plain ES2019, no build step, no inline script (the CSP forbids it). */
(function () {
	'use strict';
	var form = document.getElementById('draft-form');
	if (!form) return;
	var body = document.body;
	var lang = body.getAttribute('data-lang') === 'en' ? 'en' : 'hi';
	var csrf = body.getAttribute('data-csrf') || '';
	var dict = JSON.parse((document.getElementById('i18n') || {}).textContent || '{}');
	var current = JSON.parse((document.getElementById('content-data') || {}).textContent || 'null');
	var previews = document.getElementById('previews');
	var statusEl = document.getElementById('editor-status');
	var stateEl = document.getElementById('content-state');
	var submitBtn = document.getElementById('submit-approval');
	var timer = null;
	var seq = 0;

	function t(k) {
		return Object.prototype.hasOwnProperty.call(dict, k) ? dict[k] : k;
	}
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined && text !== null) e.textContent = text;
		return e;
	}
	function val(name) {
		var f = form.elements.namedItem(name);
		return f && typeof f.value === 'string' ? f.value : '';
	}
	/* Our own media URLs are shown from this origin (the CSP allows only 'self' images). */
	function shown(url) {
		if (!url) return '';
		var i = url.indexOf('/media/');
		return i >= 0 ? url.slice(i) : url;
	}

	function draft() {
		var d = {
			title: val('title'),
			bodyHi: val('bodyHi'),
			bodyEn: val('bodyEn'),
			imageUrl: val('imageUrl') || null,
			category: val('category'),
			targetDate: val('targetDate') || null,
			channels: Array.prototype.slice.call(form.querySelectorAll('input[name=channels]:checked')).map(function (c) {
				return c.value;
			}),
			variants: {},
		};
		if (val('variants.x.text').trim()) d.variants.x = { text: val('variants.x.text') };
		if (val('variants.instagram.caption').trim()) d.variants.instagram = { caption: val('variants.instagram.caption') };
		if (val('variants.facebook.text').trim()) d.variants.facebook = { text: val('variants.facebook.text') };
		return d;
	}

	function api(method, url, payload, contentType) {
		var headers = { 'X-CSRF-Token': csrf, Accept: 'application/json' };
		var init = { method: method, headers: headers, credentials: 'same-origin' };
		if (payload !== undefined) {
			headers['Content-Type'] = contentType || 'application/json';
			init.body = contentType ? payload : JSON.stringify(payload);
		}
		return fetch(url, init).then(function (r) {
			return r.json().then(function (j) {
				return { ok: r.ok, status: r.status, body: j };
			});
		});
	}

	/* A problem's field → the form block that shows it: the longest matching data-field ('' = the form). */
	function slotFor(field) {
		if (field === 'image_url' || field === 'image') field = 'imageUrl';
		var best = null;
		Array.prototype.forEach.call(form.querySelectorAll('[data-error-for]'), function (p) {
			var f = p.getAttribute('data-error-for');
			if (f === '' ? !best : field === f || field.indexOf(f + '.') === 0) {
				if (!best || f.length > best.getAttribute('data-error-for').length) best = p;
			}
		});
		return best;
	}
	function showProblems(problems) {
		Array.prototype.forEach.call(form.querySelectorAll('[data-error-for]'), function (p) {
			p.textContent = '';
			p.hidden = true;
			if (p.parentNode && p.parentNode.classList) p.parentNode.classList.remove('invalid');
		});
		(problems || []).forEach(function (x) {
			var slot = slotFor(x.field || '');
			if (!slot) return;
			var line = el('span', 'problem');
			line.setAttribute('data-code', x.code || '');
			var first = el('span', '', lang === 'hi' ? x.hi : x.en);
			first.lang = lang;
			var second = el('span', 'muted', ' / ' + (lang === 'hi' ? x.en : x.hi));
			second.lang = lang === 'hi' ? 'en' : 'hi';
			line.appendChild(first);
			line.appendChild(second);
			if (slot.childNodes.length) slot.appendChild(document.createElement('br'));
			slot.appendChild(line);
			slot.hidden = false;
			if (slot.parentNode && slot.parentNode.classList) slot.parentNode.classList.add('invalid');
		});
	}
	/* An API error as field problems: CONTENT_INVALID lists them; any other names its field. */
	function problemsOfError(e) {
		var d = (e && e.details) || {};
		if (d.problems) return d.problems;
		var m = String((e && e.message) || '');
		var cut = m.lastIndexOf(' / ');
		return [{ field: d.field || '', code: e && e.code, en: cut > 0 ? m.slice(0, cut) : m, hi: cut > 0 ? m.slice(cut + 3) : m }];
	}

	function counter(n, limit, unit) {
		var c = el('span', 'count' + (n > limit ? ' over' : ''), n + ' / ' + limit + ' ' + unit);
		c.setAttribute('data-count', String(n));
		return c;
	}
	function img(url, cls) {
		var i = el('img', cls);
		i.src = shown(url);
		i.alt = '';
		return i;
	}
	function renderPreview(list) {
		previews.textContent = '';
		(list || []).forEach(function (p) {
			var box = el('article', 'pv pv-' + p.channel);
			box.setAttribute('data-preview', p.channel);
			box.appendChild(el('h3', '', t('channel_' + p.channel)));
			if (p.channel === 'whatsapp') {
				p.texts.forEach(function (x) {
					var b = el('div', 'wa-bubble');
					b.lang = x.lang;
					if (p.imageUrl) b.appendChild(img(p.imageUrl, 'wa-header'));
					b.appendChild(el('p', 'wa-text', x.text));
					if (p.footer) b.appendChild(el('p', 'wa-footer muted', p.footer[x.lang]));
					var btns = el('div', 'wa-buttons');
					(p.buttons || []).forEach(function (bt) {
						btns.appendChild(el('span', 'wa-button', bt[x.lang]));
					});
					b.appendChild(btns);
					b.appendChild(counter(x.length, p.limit, t('characters')));
					box.appendChild(b);
				});
			} else {
				var x = p.texts[0];
				if (p.channel === 'instagram') {
					var frame = el('div', 'ig-frame');
					frame.title = t('crop_4_5');
					if (p.imageUrl) frame.appendChild(img(p.imageUrl, 'ig-image'));
					box.appendChild(frame);
				} else if (p.imageUrl) box.appendChild(img(p.imageUrl, 'post-image'));
				box.appendChild(el('p', 'post-text', x.text));
				if (p.link) box.appendChild(el('p', 'mono', p.link));
				box.appendChild(counter(x.length, p.limit, p.channel === 'x' ? t('weighted_chars') : t('characters')));
			}
			previews.appendChild(box);
		});
	}

	function check() {
		var mine = ++seq;
		return api('POST', '/api/content/check', draft()).then(function (r) {
			if (mine !== seq) return r;
			if (r.ok) {
				showProblems(r.body.problems);
				renderPreview(r.body.preview);
				body.setAttribute('data-checked', String(mine));
			} else showProblems(problemsOfError(r.body.error));
			return r;
		});
	}
	function schedule() {
		clearTimeout(timer);
		timer = setTimeout(check, 250);
	}
	function say(text, ok) {
		statusEl.textContent = text;
		statusEl.className = 'flash ' + (ok ? 'ok' : 'bad');
		statusEl.hidden = false;
	}
	function showState(state) {
		if (!stateEl) return;
		stateEl.hidden = false;
		stateEl.setAttribute('data-state', state);
		stateEl.textContent = t('cstate_' + state);
		if (submitBtn) submitBtn.disabled = !current || state !== 'draft';
	}

	form.addEventListener('input', schedule);
	form.addEventListener('change', function (ev) {
		if (ev.target && ev.target.name === 'image' && ev.target.files && ev.target.files[0]) {
			var f = ev.target.files[0];
			api('POST', '/api/content/image', f, f.type || 'application/octet-stream').then(function (r) {
				if (r.ok) {
					form.elements.namedItem('imageUrl').value = r.body.url;
					check();
				} else {
					form.elements.namedItem('imageUrl').value = '';
					check().then(function () {
						showProblems(problemsOfError(r.body.error));
					});
				}
			});
			return;
		}
		schedule();
	});
	form.addEventListener('submit', function (ev) {
		ev.preventDefault();
		var req = current ? api('PUT', '/api/content/' + current.id, draft()) : api('POST', '/api/content', draft());
		req.then(function (r) {
			if (!r.ok) {
				showProblems(problemsOfError(r.body.error));
				say(t('fix_problems'), false);
				return;
			}
			current = { id: r.body.content.id, state: r.body.content.state };
			if (window.history && history.replaceState) history.replaceState(null, '', '/content/' + current.id);
			showProblems([]);
			showState(current.state);
			say(t('saved'), true);
		});
	});
	function poll(n) {
		if (!current || n <= 0) return;
		api('GET', '/api/content/' + current.id).then(function (r) {
			if (r.ok) showState(r.body.content.state);
			if (r.ok && r.body.content.state === 'draft')
				setTimeout(function () {
					poll(n - 1);
				}, 2000);
		});
	}
	if (submitBtn)
		submitBtn.addEventListener('click', function () {
			if (!current) return;
			api('POST', '/api/content/' + current.id + '/submit', {}).then(function (r) {
				if (!r.ok) {
					showProblems(problemsOfError(r.body.error));
					say(r.body.error && r.body.error.message ? r.body.error.message : t('fix_problems'), false);
					return;
				}
				showState(r.body.content.state);
				say(t('sent_for_approval'), true);
				if (r.body.content.state === 'draft') poll(30);
			});
		});
	if (current) showState(current.state);
	check();
})();
