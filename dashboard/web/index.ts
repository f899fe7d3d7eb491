import express, { Router } from 'express';
import helmet from 'helmet';
import * as fs from 'fs';
import * as path from 'path';
import type { AppDeps } from '../deps';
import { adminRouter } from './admin';
import { districtsAdminRouter } from './districts-admin';
import { staffAdminRouter } from './staff-admin';
import { stateRouter } from './state-page';
import { apiRouter } from './api';
import { joinPosterRouter } from './join-poster';
import { contentApiRouter } from './content-api';
import { authRouter } from './auth';
import { secondFactorRouter } from './second-factor';
import { TtlCache, webSettings } from './cache';
import { resolveConfig } from '../../core/config';
import type { PageData } from '../../core/dashboard';
import { cookieNames, sessionMiddleware, webErrorHandler } from './http';
import { errorPage } from './layout';
import { approvalImageRouter } from './approval-image';
import { pagesRouter } from './pages';
import { deskRouter } from './desk';

/**
 * Login, pages and JSON API of the leadership dashboard. Body parsers are mounted per route
 * (never globally: the gateway verifies signatures over raw bytes); helmet's CSP allows only
 * this origin, so chart.js is served from node_modules, not a CDN.
 */

/** Static files: our own assets (copied next to the compiled file by the build) and chart.js. */
function assetsDir(): string {
	const here = path.join(__dirname, 'assets');
	if (fs.existsSync(here)) return here;
	// Compiled to dist/dashboard/web without the assets: fall back to the source folder.
	return path.resolve(__dirname, '../../../dashboard/web/assets');
}

function chartJsFile(): string {
	// chart.js's "exports" hides dist/: find it from the resolvable CommonJS entry (dist/chart.cjs).
	return path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

export function mountWeb(app: express.Express, deps: AppDeps): void {
	const secure = deps.publicUrl.startsWith('https://');
	const names = cookieNames(secure);
	const web = Router();
	web.use(
		helmet({
			contentSecurityPolicy: {
				useDefaults: false,
				directives: {
					defaultSrc: ["'self'"],
					scriptSrc: ["'self'"],
					styleSrc: ["'self'"],
					imgSrc: ["'self'", 'data:'],
					connectSrc: ["'self'"],
					fontSrc: ["'self'"],
					objectSrc: ["'none'"],
					baseUri: ["'self'"],
					formAction: ["'self'"],
					frameAncestors: ["'none'"],
				},
			},
			strictTransportSecurity: secure,
			referrerPolicy: { policy: 'same-origin' },
		}),
	);
	const dir = assetsDir();
	const chart = chartJsFile();
	web.get('/assets/chart.umd.min.js', (_req, res) => {
		res.set('Cache-Control', 'public, max-age=86400');
		res.type('application/javascript').sendFile(chart);
	});
	web.use('/assets', express.static(dir, { maxAge: '1h', index: false, fallthrough: false }));
	web.use(sessionMiddleware(deps.db, names));
	web.use(authRouter(deps.db, names, secure));
	web.use(secondFactorRouter(deps.db, names, secure));
	// One cache per mounted app: two apps in one process (tests on two engines) never share answers.
	const cache = new TtlCache<PageData>(webSettings.apiCacheMs);
	// The installation's zone: the clock of the state-level view (a district's view uses its own).
	const config = resolveConfig({}, deps.env ?? process.env);
	const zone = config.timezone;
	// Mounted before apiRouter, whose last route answers every other /api path with "not found".
	web.use(stateRouter(deps.db, zone));
	web.use(
		'/api',
		contentApiRouter(deps.db, cache as TtlCache<unknown>, deps.publicUrl, {
			url: config.approvalWebhookUrl,
			token: config.approvalWebhookToken,
		}),
	);
	web.use('/api', apiRouter(deps.db, cache, zone));
	web.use(adminRouter(deps.db, zone));
	web.use(districtsAdminRouter(deps.db));
	web.use(staffAdminRouter(deps.db));
	web.use(approvalImageRouter(deps));
	web.use(deskRouter(deps, cache as TtlCache<unknown>, zone));
	web.use(joinPosterRouter(deps.db));
	web.use(pagesRouter(deps.db, cache as TtlCache<unknown>, zone, deps.startProblems));
	web.use(webErrorHandler(errorPage));
	app.use(web);
}
