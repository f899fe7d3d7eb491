import express, { Router } from 'express';
import type { Db } from '../../core/db';
import {
	approvalsPage,
	broadcastProgress,
	complaintsPage,
	decideFromDashboard,
	ensureRosterSnapshot,
	listDistricts,
	monthlyReport,
	overviewPage,
	parseMonth,
	parseRange,
	reachPage,
	recentComplaints,
	resolveScope,
	rosterPage,
	type Chart,
	type PageData,
} from '../../core/dashboard';
import { MitanError } from '../../core/errors';
import { TtlCache } from './cache';
import { chartCsv } from './csv';
import { canSeeComplaint } from './visibility';
import { answerJson, clientIp, locals, requireCsrf, requireLogin } from './http';

/**
 * The JSON API. Every read comes from rollup tables (plus one running broadcast's deliveries,
 * the approval queue and a LIMIT-bounded list of the newest complaints). Each chart is also
 * a CSV at /api/<page>.csv?chart=<id>.
 */
type Loader = (db: Db, req: express.Request, res: express.Response) => Promise<PageData>;

/** How long an answer may be reused: rollups change every few minutes, a running broadcast every second. */
const TTL_MS: Record<string, number> = { broadcast: 2_000, approvals: 5_000 };

/** The cache key: the page, the user's district lock and the role (it decides complaint details), and the query. */
function cacheKey(name: string, req: express.Request, res: express.Response): string {
	const u = locals(res).user!;
	const q = Object.entries(req.query as Record<string, unknown>)
		.filter(([k]) => k !== 'chart')
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([k, v]) => `${k}=${String(v)}`)
		.join('&');
	return `${name}|${u.districtId ?? '*'}|${canSeeComplaint(u.role, { sensitive: true }) ? 'all' : 'restricted'}|${q}`;
}

function scopeOf(req: express.Request, res: express.Response) {
	return resolveScope(locals(res).user!.districtId, req.query.district);
}

const q = (req: express.Request) => req.query as Record<string, unknown>;

export const LOADERS: Record<string, Loader> = {
	overview: async (db, req, res) => {
		await ensureRosterSnapshot(db);
		return overviewPage(db, scopeOf(req, res));
	},
	reach: (db, req, res) => reachPage(db, scopeOf(req, res), parseRange(q(req))),
	complaints: async (db, req, res) => {
		const scope = scopeOf(req, res);
		const [page, recent] = await Promise.all([
			complaintsPage(db, scope, parseRange(q(req))),
			recentComplaints(db, scope, (c) => canSeeComplaint(locals(res).user!.role, c)),
		]);
		return Object.assign(page, { recent });
	},
	roster: async (db, req, res) => {
		await ensureRosterSnapshot(db);
		return rosterPage(db, scopeOf(req, res), parseRange(q(req)));
	},
	approvals: (db, req, res) => approvalsPage(db, scopeOf(req, res)),
	broadcast: async (db, req, res) => {
		const id = req.query.id === undefined || req.query.id === '' ? undefined : Number(req.query.id);
		if (id !== undefined && !Number.isSafeInteger(id))
			throw new MitanError('DASHBOARD_BAD_ID', `id: "${String(req.query.id)}" is not a broadcast id`, { field: 'id' });
		const p = await broadcastProgress(db, scopeOf(req, res), id);
		return { scope: scopeOf(req, res), ...p } as PageData;
	},
	report: async (db, req, res) => {
		await ensureRosterSnapshot(db);
		const r = await monthlyReport(db, scopeOf(req, res), parseMonth(q(req)));
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

export function apiRouter(db: Db, apiCache: TtlCache<PageData>): Router {
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
			apiCache.get(cacheKey(name, req, res), TTL_MS[name] ?? Infinity, () => load(db, req, res));
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
		const id = Number(req.params.id);
		if (!Number.isSafeInteger(id) || id <= 0)
			throw new MitanError('APPROVAL_NOT_FOUND', `approval "${req.params.id}" does not exist`, { field: 'id' });
		const u = locals(res).user!;
		const body = (req.body ?? {}) as Record<string, unknown>;
		const out = await decideFromDashboard(db, {
			approvalId: id,
			decision: body.decision,
			comment: body.comment,
			seenHash: body.hash,
			actor: `user:${u.username}`,
			districtId: u.districtId,
			ip: clientIp(req),
		});
		apiCache.clear();
		res.json({
			ok: true,
			approvalId: out.approval.id,
			contentId: out.content.id,
			decision: out.approval.decision,
			contentState: out.content.state,
		});
	});

	// Writes other than those above do not exist: answer clearly rather than fall through to a page.
	r.all('/{*rest}', (req, res) => {
		answerJson(res, new MitanError('API_NOT_FOUND', `no API route ${req.method} ${req.originalUrl}`));
	});
	return r;
}
