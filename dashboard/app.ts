import express from 'express';
import { trustProxySetting } from '../core/client-ip';
import { httpErrorOf } from '../core/errors';
import type { AppDeps } from './deps';
import { gatewayRouter } from './gateway';
import { mediaRouter } from './media';
import { mountWeb } from './web';

/**
 * The gateway + dashboard Express app. This file only wires routers together (routes →
 * services → repositories); it is exported so tests drive it in-process with supertest, and
 * it listens only when run directly (dashboard/server.ts).
 *
 * Order matters: the gateway reads raw bytes for signature checks, so no JSON body parser is
 * mounted globally; each router mounts the parser it needs.
 */
export type { AppDeps };

export function createApp(deps: AppDeps): express.Express {
	const app = express();
	app.disable('x-powered-by');
	app.set('trust proxy', trustProxySetting(deps.trustedProxies ?? []));
	app.get('/healthz', (_req, res) => {
		res.json({ ok: true });
	});
	app.use('/webhooks', gatewayRouter(deps));
	app.use('/media', mediaRouter(deps));
	mountWeb(app, deps);
	app.use(errorHandler);
	return app;
}

/** The last error middleware: the status from core's one rule (httpStatusOf), the body as JSON. */
export function errorHandler(err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction): void {
	if (res.headersSent) return next(err);
	const { status, body } = httpErrorOf(err);
	if (status >= 500) console.error('[app]', err);
	res.status(status).json(body);
}
