/* Police Mitan dashboard: fills server-rendered pages from the JSON API and draws chart.js charts.
   Plain ES2019, no build step; chart.js is served by the app (/assets/chart.umd.min.js). */
(function () {
	'use strict';
	var body = document.body;
	var lang = body.getAttribute('data-lang') === 'en' ? 'en' : 'hi';
	var dictEl = document.getElementById('i18n');
	var dict = dictEl ? JSON.parse(dictEl.textContent || '{}') : {};
	var locale = lang === 'hi' ? 'hi-IN' : 'en-IN';
	var nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
	/* The API sends calendar days (YYYY-MM-DD) already counted in the district's zone. A day has no
	   zone: it is read as noon UTC and shown in UTC, so it reads as itself on any phone's clock. */
	var dayFmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
	var fullDayFmt = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
	var monthFmt = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
	var inrFmt = new Intl.NumberFormat(locale, { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
	var inrWholeFmt = new Intl.NumberFormat(locale, { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });

	function t(key) {
		return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : String(key).replace(/_/g, ' ');
	}
	function num(n) {
		return n === null || n === undefined || isNaN(n) ? '—' : nf.format(n);
	}
	function asDate(day) {
		return new Date(day + 'T12:00:00Z');
	}
	function label(kind, l) {
		if (kind === 'day') return dayFmt.format(asDate(l));
		if (kind === 'week') return dayFmt.format(asDate(l));
		if (kind === 'month') return monthFmt.format(asDate(l));
		if (kind === 'key') return t(l);
		return l;
	}
	function duration(s) {
		if (s === null || s === undefined) return '—';
		var h = Math.floor(s / 3600),
			m = Math.floor((s % 3600) / 60),
			sec = s % 60;
		return h > 0 ? h + 'h ' + m + 'm' : m > 0 ? m + 'm ' + sec + 's' : sec + 's';
	}
	var PERCENT = { read_rate: 1, decided_on_time_pct: 1, decided_on_time: 1, progress_pct: 1, coverage_7d_pct: 1 };
	/* Paise only where they matter: a card or an axis in thousands of rupees shows whole rupees. */
	function inr(v) {
		if (v === null || v === undefined || isNaN(v)) return '—';
		return Math.abs(v) >= 1000 ? inrWholeFmt.format(v) : inrFmt.format(v);
	}
	function cardText(key, v) {
		if (key === 'eta_seconds') return duration(v);
		if (key === 'spend_inr') return inr(v);
		if (PERCENT[key]) return v === null || v === undefined ? '—' : num(v) + '%';
		return num(v);
	}

	/* Okabe-Ito: distinguishable with every common colour-vision deficiency; lines also differ by dash. */
	var OKABE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'];
	var SEMANTIC = {
		targeted: '#7A8391',
		sent: '#56B4E9',
		delivered: '#0072B2',
		read: '#009E73',
		failed: '#D55E00',
		pending: '#B8BEC7',
		in_flight: '#56B4E9',
		in_doubt: '#CC79A7',
		skipped: '#7A8391',
		facebook_views: '#0072B2',
		instagram_views: '#CC79A7',
		x_impressions: '#000000',
		opened: '#E69F00',
		closed: '#009E73',
		new_subscribers: '#009E73',
		opt_outs: '#D55E00',
		active_subscribers: '#0072B2',
		median_ack_minutes: '#CC79A7',
		median_first_response_minutes: '#0072B2',
		complaints_over_48h: '#D55E00',
		approved: '#009E73',
		rejected: '#D55E00',
		changes_requested: '#E69F00',
		late_or_expired: '#7A8391',
	};
	var DASH = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
	var POINT = ['circle', 'rectRot', 'triangle', 'rect'];
	function colourOf(key, i) {
		return SEMANTIC[key] || OKABE[i % OKABE.length];
	}

	var charts = {};
	var fontsSet = false;
	function chartDefaults() {
		if (fontsSet) return;
		fontsSet = true;
		/* the page's font stack, so Hindi labels on the canvas use the same Devanagari face */
		Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
		Chart.defaults.color = '#3b4552';
	}
	function draw(panel, spec) {
		chartDefaults();
		var canvas = panel.querySelector('canvas');
		var empty = panel.querySelector('.empty');
		var hasData =
			spec.labels.length > 0 &&
			spec.series.some(function (s) {
				return s.data.some(function (v) {
					return v > 0;
				});
			});
		if (empty) empty.hidden = hasData;
		var labels = spec.labels.map(function (l) {
			return label(spec.labelKind, l);
		});
		var single = spec.series.length === 1 && spec.kind === 'bar' && spec.labelKind === 'key';
		/* The period still under way (today, this week, this month) is drawn as "so far": a dashed,
		   lighter last segment or a lighter bar, never a solid fall. The holder survives redraws. */
		var held = charts[spec.id] ? charts[spec.id].$partial : { from: undefined };
		held.from = typeof spec.partialFrom === 'number' ? spec.partialFrom : undefined;
		function partial(i) {
			return held.from !== undefined && i >= held.from;
		}
		var note = panel.querySelector('.partial-note');
		if (held.from !== undefined && !note && spec.kind !== 'doughnut') {
			note = document.createElement('p');
			note.className = 'partial-note muted';
			note.textContent = t('partial_note');
			panel.appendChild(note);
		}
		if (note) note.hidden = held.from === undefined;
		panel.setAttribute('data-partial-from', held.from === undefined ? '' : String(held.from));
		var datasets = spec.series.map(function (s, i) {
			var c = colourOf(s.key, i);
			var d = { label: t(s.key), data: s.data };
			if (spec.kind === 'line') {
				d.borderColor = c;
				d.backgroundColor = c;
				d.borderWidth = 2.5;
				d.borderDash = DASH[i % DASH.length];
				d.pointStyle = POINT[i % POINT.length];
				d.tension = 0.25;
				/* markers only where they fit: on a phone a 30-day line is clearer without them */
				d.pointRadius = function (c) {
					return c.chart.width / Math.max(1, spec.labels.length) < 22 ? 0 : 3;
				};
				d.pointHoverRadius = 5;
				d.segment = {
					borderDash: function (ctx) {
						return partial(ctx.p1DataIndex) ? [3, 4] : undefined;
					},
					borderColor: function (ctx) {
						return partial(ctx.p1DataIndex) ? c + '99' : undefined;
					},
				};
				d.pointBackgroundColor = function (ctx) {
					return partial(ctx.dataIndex) ? '#fff' : c;
				};
			} else if (spec.kind === 'doughnut') {
				d.backgroundColor = spec.labels.map(function (l, j) {
					return colourOf(l, j);
				});
				d.borderColor = '#fff';
				d.borderWidth = 2;
			} else {
				d.backgroundColor = single
					? spec.labels.map(function (l, j) {
							return colourOf(l, j);
						})
					: c;
				var solid = d.backgroundColor;
				d.backgroundColor = function (ctx) {
					var base = Array.isArray(solid) ? solid[ctx.dataIndex] : solid;
					return partial(ctx.dataIndex) ? base + '66' : base;
				};
				d.borderColor = solid;
				d.borderWidth = 0;
				d.maxBarThickness = 34;
			}
			return d;
		});
		var box = panel.querySelector('.canvas-box');
		if (spec.horizontal) box.style.height = Math.max(220, spec.labels.length * (spec.series.length > 1 ? 30 : 26) + 70) + 'px';
		if (charts[spec.id]) {
			charts[spec.id].data.labels = labels;
			charts[spec.id].data.datasets.forEach(function (d, i) {
				d.data = datasets[i] ? datasets[i].data : d.data;
			});
			charts[spec.id].update('none');
			return;
		}
		var money = spec.unit === 'inr';
		var tick = {
			callback: function (v) {
				return money ? inr(v) : num(v);
			},
			precision: spec.unit === 'seconds' || money ? undefined : 0,
			font: { size: 12 },
		};
		var options = {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			indexAxis: spec.horizontal ? 'y' : 'x',
			interaction: { mode: 'index', intersect: false },
			plugins: {
				legend: {
					display: spec.kind === 'doughnut' || spec.series.length > 1,
					position: 'bottom',
					labels: { usePointStyle: true, boxWidth: 8, boxHeight: 8, padding: 14, font: { size: 12 } },
				},
				tooltip: {
					callbacks: {
						title: function (items) {
							var i = items[0].dataIndex;
							var l = spec.labels[i];
							var title = spec.labelKind === 'day' ? fullDayFmt.format(asDate(l)) : items[0].label;
							return partial(i) ? title + ' (' + t('so_far') + ')' : title;
						},
						label: function (c) {
							return ' ' + c.dataset.label + ': ' + (money ? inr(c.raw) : num(c.raw));
						},
					},
				},
			},
		};
		if (spec.kind !== 'doughnut') {
			var valueAxis = { beginAtZero: true, stacked: !!spec.stacked, ticks: tick, grid: { color: '#e6e9ef' } };
			var labelAxis = { stacked: !!spec.stacked, ticks: { autoSkip: true, maxRotation: 0, font: { size: 12 } }, grid: { display: false } };
			options.scales = spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis };
		} else {
			options.cutout = '55%';
		}
		/* global Chart */
		charts[spec.id] = new Chart(canvas, { type: spec.kind, data: { labels: labels, datasets: datasets }, options: options });
		charts[spec.id].$partial = held;
	}

	function fill(dash, data) {
		var cards = data.cards || {};
		dash.querySelectorAll('[data-card]').forEach(function (el) {
			var key = el.getAttribute('data-card');
			var n = el.querySelector('.num');
			if (n) n.textContent = cardText(key, Object.prototype.hasOwnProperty.call(cards, key) ? cards[key] : null);
		});
		(data.charts || []).forEach(function (spec) {
			dash.querySelectorAll('[data-chart="' + spec.id + '"]').forEach(function (panel) {
				draw(panel, spec);
			});
		});
		/* "As of hh:mm" on the district's clock (the day too when it is not today's). */
		var asOf = document.querySelector('[data-as-of]');
		if (asOf && data.asOf) {
			asOf.textContent =
				t('as_of') + ' ' + data.asOf.time + (data.asOf.day !== data.today ? ' · ' + fullDayFmt.format(asDate(data.asOf.day)) : '');
			asOf.setAttribute('data-at', data.asOf.at);
		}
		var bar = dash.querySelector('[data-progress] .bar');
		if (bar) bar.style.width = Math.max(0, Math.min(100, Number(cards.progress_pct) || 0)) + '%';
		var info = dash.querySelector('[data-broadcast-info]');
		if (info) {
			if (!data.broadcast) {
				info.textContent = t('no_broadcast');
			} else {
				var b = data.broadcast;
				info.textContent =
					t('broadcast_of') +
					' #' +
					b.id +
					' · ' +
					fullDayFmt.format(asDate(b.broadcastDate)) +
					(b.contentTitle ? ' · ' + b.contentTitle : '') +
					' · ' +
					t('status') +
					': ' +
					t('status_' + b.status) +
					(b.stopReason ? ' · ' + t('stop_reason') + ': ' + b.stopReason : '') +
					(b.number
						? ' · ' +
							t('number_limits') +
							': ' +
							(b.number.tier || '—') +
							', ' +
							t('quality') +
							' ' +
							(b.number.qualityRating || '—') +
							', ' +
							num(b.number.throughputPerSecond) +
							'/s'
						: '');
				info.className = 'bcast-info status-' + b.status;
			}
		}
		body.setAttribute('data-charts-ready', String(Object.keys(charts).length));
		body.setAttribute('data-loaded-at', String(Date.now()));
	}

	function load(dash) {
		var url = dash.getAttribute('data-api');
		return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
			.then(function (r) {
				if (r.status === 401) {
					location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
					throw new Error('login');
				}
				return r.json().then(function (j) {
					if (!r.ok) throw new Error(j.error ? j.error.message : 'HTTP ' + r.status);
					return j;
				});
			})
			.then(function (data) {
				fill(dash, data);
			})
			.catch(function (e) {
				if (e.message === 'login') return;
				var p = document.createElement('p');
				p.className = 'flash bad';
				p.textContent = t('err_generic') + ' (' + e.message + ')';
				dash.insertBefore(p, dash.firstChild);
			});
	}

	document.querySelectorAll('.dash[data-api]').forEach(function (dash) {
		load(dash);
		var poll = Number(dash.getAttribute('data-poll') || 0);
		if (poll > 0)
			setInterval(function () {
				if (!document.hidden) load(dash);
			}, poll);
	});

	var printBtn = document.getElementById('print-btn');
	if (printBtn)
		printBtn.addEventListener('click', function () {
			window.print();
		});

	/* Asking for changes needs a comment saying what to change; the server checks too, this saves a round trip. */
	document.querySelectorAll('form.decide').forEach(function (f) {
		f.addEventListener('submit', function (ev) {
			var btn = ev.submitter;
			var comment = f.querySelector('textarea[name=comment]');
			var msg = f.querySelector('.need-comment');
			if (btn && btn.value === 'changes_requested' && comment && !comment.value.trim()) {
				ev.preventDefault();
				if (!msg) {
					msg = document.createElement('p');
					msg.className = 'flash bad need-comment';
					msg.setAttribute('role', 'alert');
					msg.textContent = t('comment_required');
					f.insertBefore(msg, f.firstChild);
				}
				comment.focus();
				return;
			}
			if (msg) msg.remove();
			f.querySelectorAll('button').forEach(function (b) {
				b.disabled = true;
			});
			/* a disabled submitter is not sent: carry its value in a hidden field */
			if (btn) {
				var h = document.createElement('input');
				h.type = 'hidden';
				h.name = btn.name;
				h.value = btn.value;
				f.appendChild(h);
			}
		});
	});

	/* Charts take the paper's width when printing. */
	window.addEventListener('beforeprint', function () {
		Object.keys(charts).forEach(function (k) {
			charts[k].resize();
		});
	});
})();
