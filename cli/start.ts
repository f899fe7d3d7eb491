import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig, type MitanConfig } from '../core/config';
import { openPglite, openPostgres, servePglite, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { embeddedDbPassword } from '../core/db/pglite';
import { suppressionKey } from '../core/erasure/key';
import { keptSecret } from '../core/kept-secret';
import { startServer } from '../dashboard/server';
import type { StartProblem } from '../dashboard/deps';
import { generateDemo } from '../core/demo/generate';
import { defaultDistrictId } from '../core/districts';
import { firstAdminLogin, type FirstLogin } from './admin';
import { n8nFolders, startN8n, type StartedN8n } from './n8n';
import { seedStaffFromWorkflows, warnPlaceholderStaff } from './staff-seed';
import { createSandbox } from '../sandbox/server';
import { submitStaffTemplates } from '../core/channels/whatsapp/staff-submit';
import { sandboxConfig } from '../sandbox/config';

/**
 * `npm start`: the whole loop on one machine, in training mode unless real credentials are set.
 * 1. the store: PostgreSQL (DATABASE_URL) or the embedded PGlite folder, migrated, and served on a
 *    local port so n8n and its workers share it; then the first dashboard login (kept in a file);
 * 2. the sandbox standing in for Meta and X, its webhooks pointed at the gateway;
 * 3. the gateway + dashboard;
 * 4. n8n with this package, the credentials and the exported workflows it does not have yet.
 * The store and the gateway + dashboard are the ground floor: if they fail, the start fails. The
 * sandbox and n8n are parts: if one fails the rest keeps running, and the terminal and the
 * dashboard's overview (admins) say what failed, where its log is and the command that retries it.
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
	/** The first dashboard admin's login while its file is kept (until the admin changes the password). */
	firstLogin: FirstLogin | null;
	/** Parts that did not come up at start (n8n, the sandbox). */
	problems: StartProblem[];
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

/** What `mitan n8n start` / `mitan sandbox start` (the retries) need to join a running start. */
export interface RunFile {
	pid: number;
	dataDir: string;
	dbUrl: string;
	appUrl: string;
	sandboxUrl: string;
	sandboxPort: number;
	n8nPort: number;
}
export const RUN_FILE = 'run.json';
export const RETRY = { n8n: 'npm run n8n:retry', sandbox: 'npm run sandbox:retry' } as const;

/** One part to stop on the way out, named so a part that does not stop can be said. */
type Stop = { part: string; run: () => Promise<void> };
/** A part still stopping after this is left behind (said in the terminal), so Ctrl+C always ends the process. */
const STOP_PART_MS = 15_000;

async function openStore(base: MitanConfig, log: (s: string) => void, stops: Stop[]): Promise<string> {
	if (base.databaseUrl) {
		const direct = openPostgres({ url: base.databaseUrl, max: 2 });
		await migrate(direct);
		await direct.close();
		log(`database: PostgreSQL (${maskDbUrl(base.databaseUrl)})`);
		return base.databaseUrl;
	}
	const embedded = await openPglite(base.dataDir);
	await migrate(embedded);
	const served = await servePglite(embedded, { port: base.embeddedDbPort, password: embeddedDbPassword(base.dataDir) });
	stops.push({
		part: 'embedded database',
		run: async () => {
			await served.close();
			await embedded.close();
		},
	});
	log(`database: embedded (${base.dataDir}), served at ${maskDbUrl(served.url)} (password in ${base.dataDir}/db.password)`);
	return served.url;
}

/** The sandbox and the environment the gateway gets from it. Never throws: a failure is a problem. */
async function startSandbox(base: MitanConfig, db: Db, stops: Stop[], problems: StartProblem[], log: (s: string) => void) {
	const cfg = sandboxConfig();
	// Training mode is the demo: the training templates are created through the sandbox's API and review.
	cfg.whatsapp.seedTemplates = true;
	cfg.webhook.callbackUrl = `http://127.0.0.1:${base.port}/webhooks/whatsapp`;
	// Where a retried sandbox will listen: the credentials and the gateway point there either way.
	let url = base.sandboxPort ? `http://127.0.0.1:${base.sandboxPort}` : '';
	// Kept in the data folder, so a retried sandbox (cli/retry.ts) answers to the same token.
	const token = base.sandboxToken ?? keptSecret(base.dataDir, 'sandbox.token');
	try {
		const running = await createSandbox(cfg, { token }).start(base.sandboxPort, '127.0.0.1');
		url = running.url;
		stops.unshift({ part: 'sandbox', run: () => running.close() });
		log(`sandbox (training mode, no real messages): ${url} (inspection token in ${base.dataDir}/sandbox.token)`);
	} catch (e) {
		problems.push({ part: 'sandbox', problem: firstLine(e), log: 'the terminal of npm start (the lines above)', retry: RETRY.sandbox });
		log(`sandbox: FAILED to start: ${(e as Error).message}`);
	}
	const phoneNumberId = cfg.whatsapp.phoneNumbers[0].id;
	// The training number serves the installation's default district (MITAN_DISTRICT), until it has its own.
	await db.query('UPDATE districts SET wa_phone_number_id = $1 WHERE id = $2 AND wa_phone_number_id IS NULL', [
		phoneNumberId,
		await defaultDistrictId(db, base),
	]);
	const env: NodeJS.ProcessEnv = {
		WHATSAPP_ACCESS_TOKEN: cfg.whatsapp.accessTokens[0],
		WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
		WHATSAPP_WABA_ID: cfg.whatsapp.wabaId,
		META_APP_SECRET: cfg.appSecret,
		WHATSAPP_VERIFY_TOKEN: cfg.webhook.verifyToken,
	};
	if (url) env.GRAPH_BASE_URL = url;
	return { url, env, token };
}

export async function startAll(log: (s: string) => void, overrides: Partial<MitanConfig> = {}, opts: StartOptions = {}): Promise<Started> {
	const stops: Stop[] = [];
	const problems: StartProblem[] = [];
	const base = resolveConfig(overrides);

	// 1. Store, then the way into the dashboard, before anything that can fail for a while.
	const dbUrl = await openStore(base, log, stops);
	// Every client, this process included, goes through the server: one path, no interleaving.
	const db = openPostgres({ url: dbUrl, max: 8 });
	stops.unshift({ part: 'database pool', run: () => db.close() });
	const firstLogin = await firstAdminLogin(db, base.dataDir);
	if (firstLogin)
		log(`dashboard login: ${firstLogin.username} / ${firstLogin.password}   (kept in ${firstLogin.file} until you change it)`);

	// 2. Sandbox, unless real WhatsApp credentials are configured.
	const training = !base.whatsapp.accessToken;
	const env: NodeJS.ProcessEnv = { ...process.env };
	let sandboxUrl = '';
	let sandboxToken = '';
	if (training) {
		const sb = await startSandbox(base, db, stops, problems, log);
		sandboxUrl = sb.url;
		sandboxToken = sb.token;
		Object.assign(env, sb.env);
	}
	const config = resolveConfig(overrides, env);
	const n8nPort = opts.n8nPort ?? 5678;
	// One suppression key for this process and n8n (core/erasure/key.ts), even when the data folder was given as an option.
	process.env.MITAN_SUPPRESSION_KEY ??= suppressionKey(config.dataDir);

	// 3. Gateway + dashboard.
	const app = await startServer({
		db,
		port: config.port,
		host: '127.0.0.1',
		publicUrl: config.publicUrl,
		env,
		trustedProxies: config.trustedProxies,
		refreshSeconds: config.refreshSeconds,
		retention: { days: config.retentionDays },
		mediaSweepSeconds: config.mediaSweepSeconds,
		startProblems: () =>
			liveProblems(problems, {
				n8n: `http://127.0.0.1:${n8nPort}/healthz`,
				sandbox: sandboxUrl && `${sandboxUrl}/_sandbox/whatsapp/stats`,
			}),
	});
	stops.unshift({ part: 'gateway + dashboard', run: () => app.close() });
	log(`gateway + dashboard: ${app.url}`);

	// Demo data, so a new user sees the whole loop in a browser at once.
	if (training && opts.demo !== false) {
		const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM subscribers');
		if (r.n === 0) {
			const size = opts.demo ?? { citizens: 5000, days: 30 };
			log(`demo data: ${size.citizens} citizens, ${size.days} days (first start only) …`);
			const d = await generateDemo(db, { citizens: size.citizens, days: size.days, seed: 1 });
			log(`demo data: done (${JSON.stringify(d).slice(0, 160)})`);
		}
	}

	const runFile = path.join(config.dataDir, RUN_FILE);
	const run: RunFile = {
		pid: process.pid,
		dataDir: config.dataDir,
		dbUrl,
		appUrl: app.url,
		sandboxUrl,
		sandboxPort: base.sandboxPort,
		n8nPort,
	};
	fs.mkdirSync(config.dataDir, { recursive: true });
	fs.writeFileSync(runFile, JSON.stringify(run, null, 2), { mode: 0o600 });
	stops.push({ part: 'run file', run: async () => fs.rmSync(runFile, { force: true }) });

	// 4. n8n with the package, the credentials and the workflows.
	let n8n: StartedN8n | undefined;
	if (opts.n8n !== false) {
		log('n8n: starting (the first start installs n8n 2.x into ~/.cache/police-mitan: a few minutes) …');
		try {
			n8n = await startN8n({
				dataDir: config.dataDir,
				port: n8nPort,
				dbUrl,
				sandboxUrl: sandboxUrl || undefined,
				approvalToken: config.approvalWebhookToken,
				onProgress: (l) => log(`  ${l}`),
				// A failed seed is said, and never keeps n8n from starting (the next start tries again).
				onInstalledSettings: (installed) =>
					seedStaffFromWorkflows(db, installed, log).catch((e) => log(`staff registry: not seeded (${firstLine(e)})`)),
			});
			stops.unshift({ part: 'n8n', run: () => n8n!.stop() });
			log(`n8n: ${n8n.url} (owner ${n8n.owner.email} / ${n8n.owner.password})`);
			// The gateway reads these when an erasure runs (dashboard/gateway): n8n's kept executions are erased too.
			if (n8n.api && !config.n8nApi) {
				env.MITAN_N8N_API_URL = n8n.api.url;
				env.MITAN_N8N_API_KEY = n8n.api.apiKey;
			}
		} catch (e) {
			problems.push({ part: 'n8n', problem: firstLine(e), log: keepFailure(config.dataDir, e), retry: RETRY.n8n });
			log(`n8n: FAILED to start: ${firstLine(e)}`);
		}
	}

	// A store whose n8n never ran has no Settings nodes to carry over: the placeholders, as a fresh
	// install has. With an n8n folder whose inventory was not read (n8n off or failed), the seed waits
	// for the start that reads it, so a district's typed numbers are never passed over.
	if (!fs.existsSync(path.join(n8nFolders(config.dataDir).userFolder, '.n8n', 'database.sqlite')))
		await seedStaffFromWorkflows(db, [], log).catch((e) => log(`staff registry: not seeded (${firstLine(e)})`));
	if (!training) await warnPlaceholderStaff(db, log);

	// The demo's staff templates, submitted the way a district does (`mitan templates submit`), for
	// this n8n's approval links: the approval request then reaches the approver outside the window.
	if (training && sandboxUrl) {
		const linkBase = `${(n8n?.url ?? `http://localhost:${n8nPort}`).replace(/\/+$/, '')}/webhook-waiting/`;
		try {
			const states = await submitStaffTemplates(
				{
					accessToken: env.WHATSAPP_ACCESS_TOKEN ?? '',
					phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID ?? '',
					wabaId: env.WHATSAPP_WABA_ID,
					baseUrl: sandboxUrl,
				},
				linkBase,
			);
			log(`staff templates: ${states.map((t) => `${t.name}/${t.language} ${t.status}`).join(', ')}`);
		} catch (e) {
			log(`staff templates: not submitted (${firstLine(e)}); run \`mitan templates submit\``);
		}
	}

	return {
		config,
		n8n,
		firstLogin,
		problems,
		db,
		dbUrl,
		sandboxUrl,
		sandboxToken,
		appUrl: app.url,
		async stop() {
			for (const s of stops) await stopPart(s, log);
		},
	};
}

async function stopPart(s: Stop, log: (s: string) => void): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), STOP_PART_MS)));
	const done = s.run().then(
		() => 'stopped' as const,
		(e) => {
			log(`stopping ${s.part}: ${firstLine(e)}`);
			return 'stopped' as const;
		},
	);
	if ((await Promise.race([done, late])) === 'late') log(`stopping ${s.part}: still busy after ${STOP_PART_MS / 1000} s, left behind`);
	clearTimeout(timer);
}

/** One line for the banner: the error's first line, and when that only introduces a log tail, the tail's last line (n8n's own reason). */
function firstLine(e: unknown): string {
	const lines = (e instanceof Error ? e.message : String(e)).split('\n').filter((l) => l.trim() !== '');
	const head = lines[0] ?? 'unknown error';
	const reason = head.trim().endsWith(':') && lines.length > 1 ? ` ${lines[lines.length - 1].trim()}` : '';
	return (head + reason).slice(0, 400);
}

/** The whole failure (with the tail of n8n's own log that run.js puts in it) in a file the banner can name. */
function keepFailure(dataDir: string, e: unknown): string {
	const { userFolder, logFile } = n8nFolders(dataDir);
	const file = path.join(userFolder, 'logs', 'start-failure.log');
	try {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, `${new Date().toISOString()}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
		return fs.existsSync(logFile) ? `${file} (and n8n's own log ${logFile})` : file;
	} catch {
		return 'the terminal of npm start (the lines above)';
	}
}

/** Problems recorded at start, less the parts a retry has brought up since (they answer now). */
async function liveProblems(problems: StartProblem[], probes: Record<StartProblem['part'], string>): Promise<StartProblem[]> {
	const still = await Promise.all(problems.map(async (p) => !(probes[p.part] && (await answers(probes[p.part])))));
	return problems.filter((_, i) => still[i]);
}

async function answers(url: string): Promise<boolean> {
	try {
		// Any answer means the part is up (the sandbox's inspection API answers 401 without its token).
		await fetch(url, { signal: AbortSignal.timeout(1000) });
		return true;
	} catch {
		return false;
	}
}
