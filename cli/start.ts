import { resolveConfig, type MitanConfig } from '../core/config';
import { openPglite, openPostgres, servePglite, type Db } from '../core/db';
import { embeddedDbPassword } from '../core/db/pglite';
import { keptSecret } from '../core/kept-secret';
import { migrate } from '../core/db/migrate';
import { startServer } from '../dashboard/server';
import { generateDemo } from '../core/demo/generate';
import { ensureFirstAdmin } from './admin';
import { startN8n, type StartedN8n } from './n8n';
import { createSandbox } from '../sandbox/server';
import { sandboxConfig } from '../sandbox/config';

/**
 * `npm start`: the whole loop on one machine, in training mode unless real credentials are set.
 * 1. the store: PostgreSQL (DATABASE_URL) or the embedded PGlite folder, migrated, and served on a
 *    local port so n8n and its workers share it;
 * 2. the sandbox standing in for Meta and X, its webhooks pointed at the gateway;
 * 3. the gateway + dashboard;
 * 4. n8n with this package, the sandbox credentials and the exported workflows imported.
 */
export interface StartOptions {
	/** Start n8n too (installed into the machine's cache on first use). Default true. */
	n8n?: boolean;
	n8nPort?: number;
	/** Seed demo data into an empty store (training mode only). Default true. */
	demo?: { citizens: number; days: number } | false;
}

export interface Started {
	config: MitanConfig;
	n8n?: StartedN8n;
	/** Set when this start created the first dashboard admin: shown once. */
	firstAdmin?: { username: string; password: string } | null;
	db: Db;
	dbUrl: string;
	sandboxUrl: string;
	/** Token of the sandbox's inspection API (x-sandbox-token), when training mode runs. */
	sandboxToken: string;
	appUrl: string;
	stop(): Promise<void>;
}

/** A database URL fit for a log: the password is a secret (kept in a mode-600 file), never printed. */
export function maskDbUrl(url: string): string {
	return url.replace(/\/\/([^:@/]*):[^@]*@/, '//$1:***@');
}

export async function startAll(log: (s: string) => void, overrides: Partial<MitanConfig> = {}, opts: StartOptions = {}): Promise<Started> {
	const stops: (() => Promise<void>)[] = [];
	const base = resolveConfig(overrides);

	// 1. Store.
	let dbUrl: string;
	if (base.databaseUrl) {
		dbUrl = base.databaseUrl;
		const direct = openPostgres({ url: dbUrl, max: 2 });
		await migrate(direct);
		await direct.close();
		log(`database: PostgreSQL (${maskDbUrl(dbUrl)})`);
	} else {
		const embedded = await openPglite(base.dataDir);
		await migrate(embedded);
		const served = await servePglite(embedded, { port: base.embeddedDbPort, password: embeddedDbPassword(base.dataDir) });
		dbUrl = served.url;
		stops.push(async () => {
			await served.close();
			await embedded.close();
		});
		log(`database: embedded (${base.dataDir}), served at ${maskDbUrl(dbUrl)} (password in ${base.dataDir}/db.password)`);
	}
	// Every client, this process included, goes through the server: one path, no interleaving.
	const db = openPostgres({ url: dbUrl, max: 8 });
	stops.unshift(() => db.close());

	// 2. Sandbox, unless real WhatsApp credentials are configured.
	const training = !base.whatsapp.accessToken;
	let sandboxUrl = '';
	let sandboxToken = '';
	const env: NodeJS.ProcessEnv = { ...process.env };
	if (training) {
		const sandboxCfg = sandboxConfig();
		sandboxCfg.webhook.callbackUrl = `http://127.0.0.1:${base.port}/webhooks/whatsapp`;
		const sandbox = createSandbox(sandboxCfg, { token: base.sandboxToken ?? keptSecret(base.dataDir, 'sandbox.token') });
		const running = await sandbox.start(base.sandboxPort, '127.0.0.1');
		sandboxUrl = running.url;
		sandboxToken = running.token;
		stops.unshift(() => running.close());
		const phoneNumberId = sandboxCfg.whatsapp.phoneNumbers[0].id;
		Object.assign(env, {
			WHATSAPP_ACCESS_TOKEN: sandboxCfg.whatsapp.accessTokens[0],
			WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
			WHATSAPP_WABA_ID: sandboxCfg.whatsapp.wabaId,
			META_APP_SECRET: sandboxCfg.appSecret,
			WHATSAPP_VERIFY_TOKEN: sandboxCfg.webhook.verifyToken,
			GRAPH_BASE_URL: sandboxUrl,
		});
		await db.query('UPDATE districts SET wa_phone_number_id = $1 WHERE id = 1 AND wa_phone_number_id IS NULL', [phoneNumberId]);
		log(`sandbox (training mode, no real messages): ${sandboxUrl} (inspection token in ${base.dataDir}/sandbox.token)`);
	}
	const config = resolveConfig(overrides, env);

	// 3. Gateway + dashboard.
	const app = await startServer({
		db,
		port: config.port,
		host: '127.0.0.1',
		publicUrl: config.publicUrl,
		env,
		trustedProxies: config.trustedProxies,
		refreshSeconds: config.refreshSeconds,
	});
	stops.unshift(() => app.close());
	log(`gateway + dashboard: ${app.url}`);

	// Demo data and the first admin, so a new user sees the whole loop in a browser at once.
	if (training && opts.demo !== false) {
		const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM subscribers');
		if (r.n === 0) {
			const size = opts.demo ?? { citizens: 5000, days: 30 };
			log(`demo data: ${size.citizens} citizens, ${size.days} days (first start only) …`);
			const d = await generateDemo(db, { citizens: size.citizens, days: size.days, seed: 1 });
			log(`demo data: done (${JSON.stringify(d).slice(0, 160)})`);
		}
	}
	const firstAdmin = await ensureFirstAdmin(db);

	// 4. n8n with the package, the credentials and the workflows.
	let n8n: StartedN8n | undefined;
	if (opts.n8n !== false) {
		log('n8n: starting (the first start installs n8n 2.x into ~/.cache/police-mitan: a few minutes) …');
		n8n = await startN8n({
			dataDir: config.dataDir,
			port: opts.n8nPort ?? 5678,
			dbUrl,
			sandboxUrl: sandboxUrl || undefined,
			onProgress: (l) => log(`  n8n: ${l}`),
		});
		stops.unshift(() => n8n!.stop());
		log(`n8n: ${n8n.url} (owner ${n8n.owner.email} / ${n8n.owner.password})`);
	}

	return {
		config,
		n8n,
		firstAdmin,
		db,
		dbUrl,
		sandboxUrl,
		sandboxToken,
		appUrl: app.url,
		async stop() {
			for (const s of stops) await s().catch(() => undefined);
		},
	};
}
