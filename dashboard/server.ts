import type { Server } from 'http';
import { whatsappClients } from '../core/channels/whatsapp/clients';
import { resolveConfig, type MitanConfigInput } from '../core/config';
import { startAttachmentSweep } from '../core/conversation/attachment-sweep';
import { openDb, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { startRefresher } from '../core/metrics/refresher';
import { startRetentionJob } from '../core/retention';
import { createApp } from './app';
import type { AppDeps } from './deps';

/** Starts the gateway + dashboard on a port; resolves once it is listening. */
export async function startServer(opts: {
	db: Db;
	port: number;
	host?: string;
	publicUrl: string;
	env?: NodeJS.ProcessEnv;
	trustedProxies?: string[];
	/** Apply dirty rollup days every this many seconds (config refreshSeconds); off when absent or 0. */
	refreshSeconds?: number;
	startProblems?: AppDeps['startProblems'];
	/** Run retention (and re-count newly overdue complaints) every this many seconds; off when absent or 0. */
	retention?: { days: number; everySeconds?: number };
	/** Fetch citizens' media left behind every this many seconds (config mediaSweepSeconds); off when absent or 0. */
	mediaSweepSeconds?: number;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
	const app = createApp({
		db: opts.db,
		publicUrl: opts.publicUrl,
		env: opts.env,
		trustedProxies: opts.trustedProxies,
		startProblems: opts.startProblems,
	});
	const server = await new Promise<Server>((resolve, reject) => {
		const s = app.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve(s));
		s.on('error', reject);
	});
	// Meta keeps connections open; keep-alive longer than a load balancer's idle timeout.
	server.keepAliveTimeout = 65_000;
	const refresher =
		opts.refreshSeconds && opts.refreshSeconds > 0
			? startRefresher(opts.db, {
					intervalMs: opts.refreshSeconds * 1000,
					// The message only: a driver error may carry the connection string.
					onError: (e) => console.error(`[refresher] rollup refresh failed, retried next interval: ${(e as Error).message}`),
				})
			: undefined;
	const retention =
		opts.retention && (opts.retention.everySeconds ?? 3600) > 0
			? startRetentionJob(opts.db, {
					days: opts.retention.days,
					intervalMs: (opts.retention.everySeconds ?? 3600) * 1000,
					onError: (e) => console.error(`[retention] run failed, retried next interval: ${(e as Error).message}`),
				})
			: undefined;
	// The gateway's own WhatsApp settings (dashboard/gateway reads the same env); no token, no fetch.
	const media = whatsappClients(resolveConfig({}, opts.env ?? process.env).whatsapp);
	const sweep =
		opts.mediaSweepSeconds && opts.mediaSweepSeconds > 0
			? startAttachmentSweep(opts.db, {
					intervalMs: opts.mediaSweepSeconds * 1000,
					mediaFor: (id) => media.get(id),
					onError: (e) => console.error(`[media sweep] run failed, retried next interval: ${(e as Error).message}`),
				})
			: undefined;
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : opts.port;
	return {
		server,
		url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
		close: async () => {
			await refresher?.stop();
			await retention?.stop();
			await sweep?.stop();
			media.close();
			await new Promise<void>((r) => server.close(() => r()));
		},
	};
}

/** `node dist/dashboard/server.js`: the gateway + dashboard alone, on DATABASE_URL or the embedded store. */
async function main(input: MitanConfigInput = {}): Promise<void> {
	const cfg = resolveConfig(input);
	const db = await openDb(cfg);
	await migrate(db);
	const s = await startServer({
		db,
		port: cfg.port,
		host: cfg.host,
		publicUrl: cfg.publicUrl,
		trustedProxies: cfg.trustedProxies,
		refreshSeconds: cfg.refreshSeconds,
		retention: { days: cfg.retentionDays },
		mediaSweepSeconds: cfg.mediaSweepSeconds,
	});
	process.stdout.write(`Police Mitan gateway + dashboard on ${s.url}\n`);
}

if (require.main === module) {
	main().catch((e) => {
		process.stderr.write(`${(e as Error).message}\n`);
		process.exit(1);
	});
}
