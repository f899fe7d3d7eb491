/**
 * The sandbox: a stand-in for Meta's Graph API (WhatsApp Cloud, Facebook Page, Instagram) and
 * X API v2, plus its inspection API under /_sandbox/. This file only wires; each API lives in
 * its own file. Run directly (`npm run sandbox`) it listens on SANDBOX_HOST:SANDBOX_PORT (default
 * 127.0.0.1:3900) with the config from SANDBOX_CONFIG or sandbox/sandbox.config.json.
 */
import { mediaDownloadRouter } from './wa-media';
import { randomBytes } from 'crypto';
import express, { type Express, type Request, type Response, type NextFunction } from 'express';
import * as fs from 'fs';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { resolveConfig } from '../core/config';
import { ConfigError, DEFAULT_CONFIG_FILE, sandboxConfig, type DeepPartial, type SandboxConfig } from './config';
import { GraphError, XError, xInvalidRequest } from './errors';
import { facebookGraph } from './facebook';
import { graphRouter } from './graph';
import { uploadsGraph } from './wa-uploads';
import { inspectRouter } from './inspect';
import { inspectGuard } from './inspect-guard';
import { instagramGraph } from './instagram';
import { SandboxState } from './state';
import { seedTrainingTemplates } from './training-templates';
import { WebhookDispatcher } from './webhooks';
import { whatsappGraph } from './whatsapp';
import { xRouter } from './x';

export interface RunningSandbox {
	port: number;
	url: string;
	/** The inspection API's token (send it with inspectHeaders, sandbox/inspect-guard.ts). */
	token: string;
	close(): Promise<void>;
}

export interface Sandbox {
	app: Express;
	state: SandboxState;
	webhooks: WebhookDispatcher;
	/** The inspection API's token: given, or generated for this sandbox. */
	token: string;
	start(port?: number, host?: string): Promise<RunningSandbox>;
}

function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
	const isX = req.path.startsWith('/2/');
	if (err instanceof GraphError) {
		res.status(err.httpStatus).json(err.toBody());
		return;
	}
	if (err instanceof XError) {
		res.status(err.httpStatus).set(err.headers).json(err.problem);
		return;
	}
	if (err instanceof ConfigError) {
		res.status(400).json({ error: err.message });
		return;
	}
	const e = err as { type?: string; status?: number; message?: string };
	if (e.type === 'entity.parse.failed' || e.type === 'entity.too.large') {
		if (isX) {
			const x = xInvalidRequest(e.message ?? 'invalid JSON');
			res.status(400).json(x.problem);
		} else {
			res.status(400).json(new GraphError(400, 100, `(#100) ${e.message ?? 'Invalid JSON'}`).toBody());
		}
		return;
	}
	if (isX) {
		res.status(500).json({ title: 'Internal Server Error', detail: String(e.message), type: 'about:blank', status: 500 });
		return;
	}
	res.status(500).json(new GraphError(500, 1, 'An unknown error has occurred.', { type: 'OAuthException' }).toBody());
}

function notFound(req: Request, res: Response): void {
	if (req.path.startsWith('/2/')) {
		res.status(404).json({
			title: 'Not Found Error',
			detail: `Unknown path ${req.path}`,
			type: 'https://api.twitter.com/2/problems/resource-not-found',
			status: 404,
		});
		return;
	}
	if (req.path.startsWith('/_sandbox/')) {
		res.status(404).json({ error: `no inspection endpoint ${req.method} ${req.path}` });
		return;
	}
	res.status(400).json(new GraphError(400, 2500, `Unknown path components: ${req.path}`).toBody());
}

export function createSandbox(config?: DeepPartial<SandboxConfig> | SandboxConfig, opts: { token?: string } = {}): Sandbox {
	const token = opts.token || randomBytes(24).toString('base64url');
	const resolved = sandboxConfig(config as DeepPartial<SandboxConfig> | undefined);
	const initial = structuredClone(resolved);
	const state = new SandboxState(resolved);
	const webhooks = new WebhookDispatcher(state);
	if (resolved.whatsapp.seedTemplates) seedTrainingTemplates(state, webhooks);
	const app = express();
	app.disable('x-powered-by');
	app.set('etag', false);
	// Guarded before any body is parsed: a refused request costs nothing.
	app.use('/_sandbox', inspectGuard(token));
	app.use(express.json({ limit: '5mb' }));
	app.use(express.urlencoded({ extended: false, limit: '5mb' }));
	// The Resumable Upload API's file bytes arrive as the raw body, whatever their content type.
	app.use(express.raw({ type: (req) => /^\/v\d+\.\d+\/upload:/.test(req.url ?? ''), limit: '17mb' }));
	app.use('/_sandbox', inspectRouter(state, webhooks, initial));
	app.use(xRouter(state));
	app.use(mediaDownloadRouter(state));
	app.use(graphRouter(state, [uploadsGraph(state), whatsappGraph(state, webhooks), facebookGraph(state), instagramGraph(state)]));
	app.use(notFound);
	app.use(errorHandler);

	const start = (port = 0, host = '127.0.0.1'): Promise<RunningSandbox> =>
		new Promise((resolve, reject) => {
			const server = app.listen(port, host);
			server.keepAliveTimeout = 65_000;
			server.once('error', reject);
			server.once('listening', () => {
				const addr = server.address() as AddressInfo;
				const url = `http://${host}:${addr.port}`;
				resolve({
					port: addr.port,
					url,
					token,
					close: () =>
						new Promise<void>((done) => {
							webhooks.close();
							server.closeAllConnections();
							server.close(() => done());
						}),
				});
			});
		});

	return { app, state, webhooks, token, start };
}

/** Config file: SANDBOX_CONFIG, else sandbox/sandbox.config.json next to the sources or in the cwd. */
export function findConfigFile(configured: string | undefined): string | undefined {
	if (configured) return configured;
	const candidates = [
		DEFAULT_CONFIG_FILE,
		path.join(__dirname, '..', '..', 'sandbox', 'sandbox.config.json'),
		path.resolve('sandbox', 'sandbox.config.json'),
	];
	return candidates.find((c) => fs.existsSync(c));
}

if (require.main === module) {
	const settings = resolveConfig();
	const file = findConfigFile(settings.sandboxConfigFile);
	const sandbox = createSandbox(sandboxConfig(undefined, file), { token: settings.sandboxToken });
	sandbox.start(settings.sandboxPort, settings.sandboxHost).then(
		(running) => {
			// The token is printed only when this run generated it (a foreground tool: how else to learn it).
			const token = settings.sandboxToken ? '(SANDBOX_TOKEN)' : running.token;
			console.log(JSON.stringify({ sandbox: running.url, config: file ?? 'defaults', pid: process.pid, token }));
			// A parent process (the benchmark) learns the port this way when it asked for port 0.
			if (process.send) process.send({ port: running.port, url: running.url, token: running.token });
			const stop = (): void => void running.close().then(() => process.exit(0));
			process.on('SIGINT', stop);
			process.on('SIGTERM', stop);
		},
		(err: Error) => {
			console.error(err.message);
			process.exit(1);
		},
	);
}
