import express from 'express';
import type { Db } from '../core/db';
import { MitanError } from '../core/errors';
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
export interface AppDeps {
	db: Db;
	/** Public base URL of this app (for links in messages and Instagram image URLs). */
	publicUrl: string;
	env?: NodeJS.ProcessEnv;
}

export function createApp(deps: AppDeps): express.Express {
	const app = express();
	app.disable('x-powered-by');
	app.set('trust proxy', 'loopback');
	app.get('/healthz', (_req, res) => {
		res.json({ ok: true });
	});
	app.use('/webhooks', gatewayRouter(deps));
	app.use('/media', mediaRouter(deps));
	mountWeb(app, deps);
	app.use(errorHandler);
	return app;
}

/** The one error middleware: status from the error's code/action, never from message text. */
export function errorHandler(err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction): void {
	if (err instanceof MitanError) {
		const status = err.code.endsWith('NOT_FOUND')
			? 404
			: err.action === 'fix_input'
				? 400
				: err.action === 'fix_content'
					? 422
					: err.action === 'reauthenticate'
						? 401
						: err.action === 'retry_soon'
							? 503
							: 500;
		res.status(status).json({ error: err.toJSON() });
		return;
	}
	const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
	const status = e.status ?? e.statusCode ?? 500;
	res.status(status).json({ error: { code: e.type ?? 'INTERNAL', message: status >= 500 ? 'internal error' : e.message } });
}
