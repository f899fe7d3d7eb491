import express, { Router } from 'express';
import type { Db } from '../../core/db';
import {
	approvalsPage,
	broadcastProgress,
	complaintsPage,
	decideFromDashboard,
	ensureRosterSnapshot,
	figuresAsOf,
	listDistricts,
	markPartial,
	monthlyReport,
	overviewPage,
	parseMonth,
	parseRange,
	reachPage,
	recentComplaints,
	resolveScope,
	rosterPage,
	scopeClock,
	spendOfBroadcast,
	type Chart,
	type PageData,
	type Scope,
} from '../../core/dashboard';
import { MitanError } from '../../core/errors';
import { parseOptionalId } from '../../core/ids';
import { listDeadLetters } from '../../core/inbound/dead-letters';
import { TtlCache } from './cache';
import { chartCsv } from './csv';
import { canSeeSensitive } from '../../core/complaints/visibility';
import { decisionOf } from './approval-queue';
import { answerJson, locals, requireCsrf, requireLogin } from './http';

/**
 * The JSON API. Every read comes from rollup tables (plus one running broadcast's deliveries,
 * the approval queue and a LIMIT-bounded list of the newest complaints). Each chart is also
 * a CSV at /api/<page>.csv?chart=<id>.
 */
/** What every loader gets: the district scope of the request and that scope's "today". */
interface LoadContext {
	scope: Scope;
	today: string;
	timeZone: string;
	query: Record<string, unknown>;
}

type Loader = (db: Db, c: LoadContext, req: express.Request, res: express.Response) => Promise<PageData>;

/** How long an answer may be reused: rollups change every few minutes, a running broadcast every second. */
const TTL_MS: Record<string, number> = { broadcast: 2_000, approvals: 5_000 };

/** The cache key: the page, the user's district lock and the role (it decides complaint details), and the query. */
function cacheKey(name: string, req: express.Request, res: express.Response): string {
	const u = locals(res).user!;
	const query = Object.entries(req.query as Record<string, unknown>)
		.filter(([k]) => k !== 'chart')
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([k, v]) => `${k}=${String(v)}`)
		.join('&');
	return `${name}|${u.districtId ?? '*'}|${canSeeSensitive({ role: u.role }) ? 'all' : 'restricted'}|${query}`;
}

const LOADERS: Record<string, Loader> = {
	overview: async (db, c) => {
		await ensureRosterSnapshot(db);
		return overviewPage(db, c.scope, c.today);
	},
	reach: (db, c) => reachPage(db, c.scope, parseRange(c.query, c.today)),
	complaints: async (db, c, _req, res) => {
		const [page, recent] = await Promise.all([
			complaintsPage(db, c.scope, parseRange(c.query, c.today)),
			recentComplaints(db, c.scope, { role: locals(res).user!.role }),
		]);
		return Object.assign(page, { recent });
	},
	roster: async (db, c) => {
		await ensureRosterSnapshot(db);
		return rosterPage(db, c.scope, parseRange(c.query, c.today));
	},
	approvals: (db, c) => approvalsPage(db, c.scope),
	broadcast: async (db, c) => {
		const id = parseOptionalId(c.query.id, 'id', 'DASHBOARD_BAD_ID') ?? undefined;
		const p = await broadcastProgress(db, c.scope, id);
		// What it cost so far comes from the rollup (as of its refresh); the funnel is live.
		if (p.broadcast) Object.assign(p.cards, await spendOfBroadcast(db, p.broadcast.id));
		return { scope: c.scope, ...p } as PageData;
	},
	report: async (db, c) => {
		await ensureRosterSnapshot(db);
		const r = await monthlyReport(db, c.scope, parseMonth(c.query, c.today));
		// The report's charts, flattened so the CSV export and the browser treat them like any page.
		return {
			range: r.range,
			scope: r.scope,
			month: r.month,
			cards: {
				...r.reach.cards,
				...r.complaints.cards,
				...r.roster.cards,
				approvals_requested: r.approvals.requested,
				decided_on_time: r.approvals.onTimePct,
			},
			charts: [...r.reach.charts, ...r.complaints.charts, ...r.roster.charts],
		} as PageData;
	},
};

/** `defaultZone`: the installation's time zone, the clock of the state-level (all districts) view. */
export function apiRouter(db: Db, apiCache: TtlCache<PageData>, defaultZone: string): Router {
	const r = Router();
	const json = express.json({ limit: '20kb' });
	r.use(requireLogin('viewer'));
	r.use((_req, res, next) => {
		res.set('Cache-Control', 'no-store');
		next();
	});

	r.get('/me', (_req, res) => {
		const u = locals(res).user!;
		res.json({
			user: { username: u.username, role: u.role, districtId: u.districtId, language: u.language },
			csrfToken: locals(res).session!.csrfToken,
		});
	});

	r.get('/districts', async (_req, res) => {
		const u = locals(res).user!;
		const all = await listDistricts(db);
		res.json({ districts: u.districtId === null ? all : all.filter((d) => d.id === u.districtId) });
	});

	for (const [name, load] of Object.entries(LOADERS)) {
		const cached = (req: express.Request, res: express.Response) =>
			apiCache.get(cacheKey(name, req, res), TTL_MS[name] ?? Infinity, async () => {
				const scope = resolveScope(locals(res).user!.districtId, req.query.district);
				const { today, timeZone } = await scopeClock(db, scope, defaultZone);
				// "As of" is read before the figures: a change landing in between only makes it earlier than true.
				const asOf = await figuresAsOf(db, scope, timeZone);
				const page = await load(db, { scope, today, timeZone, query: req.query as Record<string, unknown> }, req, res);
				return markPartial({ ...page, today, asOf }, today);
			});
		r.get(`/${name}`, async (req, res) => {
			res.json(await cached(req, res));
		});
		r.get(`/${name}.csv`, async (req, res) => {
			const page = await cached(req, res);
			const id = String(req.query.chart ?? '');
			const chart: Chart | undefined = page.charts.find((c) => c.id === id);
			if (!chart) {
				throw new MitanError(
					'DASHBOARD_CHART_NOT_FOUND',
					`chart: "${id}" is not a chart of ${name} (${page.charts.map((c) => c.id).join(', ')})`,
					{ field: 'chart' },
				);
			}
			const range = page.range ? `-${page.range.from}-${page.range.to}` : '';
			res.type('text/csv; charset=utf-8');
			res.set('Content-Disposition', `attachment; filename="mitan-${chart.id}${range}.csv"`);
			res.send(chartCsv(chart, locals(res).lang));
		});
	}

	r.post('/approvals/:id/decision', json, requireCsrf(), requireLogin('approver'), async (req, res) => {
		const out = await decideFromDashboard(db, decisionOf(req, res));
		apiCache.clear();
		res.json({
			ok: true,
			approvalId: out.approval.id,
			contentId: out.content.id,
			decision: out.approval.decision,
			contentState: out.content.state,
		});
	});

	// Webhook messages PostgreSQL could not hold as sent (issue 18 §5): admins only, they carry the raw bytes.
	r.get('/dead-letters', requireLogin('admin'), async (req, res) => {
		const u = locals(res).user!;
		res.json(await listDeadLetters(db, u.districtId ?? parseOptionalId(req.query.district, 'district')));
	});

	// Writes other than those above do not exist: answer clearly rather than fall through to a page.
	r.all('/{*rest}', (req, res) => {
		answerJson(res, new MitanError('API_NOT_FOUND', `no API route ${req.method} ${req.originalUrl}`));
	});
	return r;
}
