/**
 * A real n8n for one test file: the cached n8n 2.40.7 under Node 24 (scripts/n8n), this package
 * installed from its `npm pack` tarball, credentials pointing at a sandbox on a real socket and
 * a fresh, migrated Police Mitan database, workflows imported by the CLI, `n8n start` (and, in
 * queue mode, workers on Redis) on PostgreSQL databases of their own.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import postgres from 'postgres';
import { openPostgres, type Db } from '../../core/db';
import { migrate } from '../../core/db/migrate';
import { createSandbox, type RunningSandbox, type Sandbox } from '../../sandbox/server';
import type { DeepPartial, SandboxConfig } from '../../sandbox/config';
import { sandboxCredentials } from '../../scripts/n8n/credentials';
import { ensureN8n } from '../../scripts/n8n/install';
import { N8nInstance, freePort, installPackage, packRepo } from '../../scripts/n8n/run';
import { createPgDatabase, n8nDatabase, PG_ADMIN_URL } from '../helpers/db';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { gatewayApp, gatewayEnv } from '../gateway/helpers';
import { approveStaffTemplates, approveTemplates } from '../helpers/templates';
import { call, trustSandbox } from '../sandbox/helpers';
import { REPO_ROOT, type WorkflowJson } from '../helpers/n8n';
import { erasureApiKey } from '../../cli/n8n-api-key';

/** The bearer secret the content-approval webhook's Header Auth credential holds in these stacks. */
export const APPROVAL_HOOK_TOKEN = 'approval-hook-test-secret';
/** The header the dashboard sends with it (core/approvals/start.ts). */
export const APPROVAL_HOOK_HEADERS = { authorization: `Bearer ${APPROVAL_HOOK_TOKEN}` };

export const REDIS = { host: process.env.MITAN_TEST_REDIS_HOST ?? '127.0.0.1', port: Number(process.env.MITAN_TEST_REDIS_PORT ?? 6379) };

let packed: { tarball: string; missing: string[] } | undefined;
/**
 * Packs the repository once per test process. A dist/ missing listed nodes fails, unless
 * MITAN_N8N_ALLOW_PARTIAL=1 (development while nodes are being written): then only the built
 * files are declared to n8n.
 */
function tarball(): { tarball: string; partial: boolean } {
	const allowMissing = process.env.MITAN_N8N_ALLOW_PARTIAL === '1';
	packed ??= packRepo(REPO_ROOT, fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-pack-')), { allowMissing });
	return { tarball: packed.tarball, partial: packed.missing.length > 0 };
}

export interface StackOptions {
	queue?: boolean;
	workers?: number;
	workerConcurrency?: number;
	workflows: WorkflowJson[];
	publish?: string[];
	sandbox?: DeepPartial<SandboxConfig>;
	/** Start the gateway (webhooks from the sandbox → inbound_messages → Mitan Trigger). */
	gateway?: boolean;
	/**
	 * Keep successful runs in n8n's execution list, for suites that watch runs finish there. The
	 * product keeps none (scripts/n8n/run.js, the exported workflows' settings: they hold citizens'
	 * data); tests/n8n/erasure.n8n.ts runs with the product's settings.
	 */
	keepSuccessfulExecutions?: boolean;
	/**
	 * Make an n8n API key with the execution scopes (as `npm start` does) and hand it to the gateway
	 * as MITAN_N8N_API_URL / MITAN_N8N_API_KEY, so an erasure there reaches n8n's kept executions.
	 * The gateway then starts once n8n is up.
	 */
	n8nApiKey?: boolean;
}

export interface Stack {
	n8n: N8nInstance;
	db: Db;
	dbUrl: string;
	sandbox: Sandbox;
	sandboxUrl: string;
	/** SQL on n8n's own database (execution_entity…). */
	n8nSql: postgres.Sql;
	/** n8n's public API as the gateway has it (with `n8nApiKey`). */
	n8nApi?: { url: string; apiKey: string };
	close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
	const cleanups: Array<() => Promise<void> | void> = [];
	const close = async () => {
		for (const c of cleanups.reverse()) {
			try {
				await c();
			} catch (e) {
				console.warn(`cleanup: ${(e as Error).message}`);
			}
		}
	};
	try {
		const paths = await ensureN8n({ log: (m) => console.log(m) });
		const mitanPg = await createPgDatabase('mitan_n8n_data');
		cleanups.push(() => mitanPg.drop());
		const db = openPostgres({ url: mitanPg.url, max: 4 });
		cleanups.push(() => db.close());
		await migrate(db);

		const sandbox = createSandbox({ ...opts.sandbox, whatsapp: { templateReviewMs: 10, ...opts.sandbox?.whatsapp } });
		const running: RunningSandbox = await sandbox.start(0);
		trustSandbox(running);
		cleanups.push(() => running.close());
		// The district's templates, created through the API and approved by review before the gateway listens.
		await approveTemplates(running.url);
		const startGateway = async (extra: Record<string, string> = {}) => {
			// The gateway the citizens' messages reach: the sandbox signs its webhooks to it.
			const built = gatewayApp(db, {
				env: gatewayEnv({ WHATSAPP_ACCESS_TOKEN: 'sandbox-token', GRAPH_BASE_URL: running.url, ...extra }),
			});
			const server = http.createServer(built.app);
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
			cleanups.push(async () => {
				await built.router.gateway.close();
				server.closeAllConnections();
				await new Promise<void>((r) => server.close(() => r()));
			});
			const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
			const r = await call(running.url, 'PATCH', '/_sandbox/config', { body: { webhook: { callbackUrl } } });
			if (r.status !== 200) throw new Error(`sandbox config: HTTP ${r.status} ${JSON.stringify(r.body)}`);
		};
		if (opts.gateway && !opts.n8nApiKey) await startGateway();

		const n8nPg = await createPgDatabase('mitan_n8n_engine');
		cleanups.push(() => n8nPg.drop());
		const n8nSql = postgres(n8nPg.url, { max: 2, onnotice: () => undefined });
		cleanups.push(() => n8nSql.end({ timeout: 2 }));
		const n8n = new N8nInstance({
			paths,
			port: await freePort(),
			db: n8nDatabase(n8nPg.url),
			queue: opts.queue ? { ...REDIS, prefix: `mitan-test-${process.pid}-${Date.now().toString(36)}` } : null,
			log: (m) => console.log(m),
			env: opts.keepSuccessfulExecutions ? { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' } : {},
		});
		cleanups.push(() => (process.env.MITAN_N8N_KEEP === '1' ? undefined : n8n.cleanup()));
		cleanups.push(() => n8n.stop());
		// The staff templates, submitted the product's way for this n8n's approval links.
		await approveStaffTemplates(running.url, `${n8n.publicUrl}/webhook-waiting/`);
		const t = tarball();
		installPackage(n8n.userFolder, t.tarball, { onlyPresent: t.partial });
		await n8n.importCredentials(sandboxCredentials({ dbUrl: mitanPg.url, sandboxUrl: running.url, approvalToken: APPROVAL_HOOK_TOKEN }));
		await n8n.importWorkflows(
			opts.keepSuccessfulExecutions
				? opts.workflows.map((w) => ({ ...w, settings: { ...w.settings, saveDataSuccessExecution: 'all' } }))
				: opts.workflows,
		);
		await n8n.start();
		// Workers boot in parallel (each takes ~15 s); they only need the database n8n start migrated.
		await Promise.all(
			Array.from({ length: opts.workers ?? 0 }, (_, i) => n8n.worker(`worker-${i + 1}`, { concurrency: opts.workerConcurrency ?? 5 })),
		);
		for (const id of opts.publish ?? []) await n8n.publish(id);
		let n8nApi: Stack['n8nApi'];
		if (opts.n8nApiKey) {
			n8nApi = await erasureApiKey(n8n, n8n.userFolder);
			if (opts.gateway) await startGateway({ MITAN_N8N_API_URL: n8nApi.url, MITAN_N8N_API_KEY: n8nApi.apiKey });
		}
		return { n8n, db, dbUrl: mitanPg.url, sandbox, sandboxUrl: running.url, n8nSql, n8nApi, close };
	} catch (e) {
		await close();
		throw e;
	}
}

export interface ExecutionRow {
	id: number;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
}

/** n8n's executions of a workflow, from its database (what the Executions list shows). */
export async function executions(stack: Stack, workflowId?: string): Promise<ExecutionRow[]> {
	const rows = await stack.n8nSql<ExecutionRow[]>`
    SELECT id::int, "workflowId", status, mode, finished FROM execution_entity
    WHERE ${workflowId ?? null}::text IS NULL OR "workflowId" = ${workflowId ?? null} ORDER BY id`;
	return rows;
}

/** The stored run data of one execution (n8n keeps it "flatted"; the error message is in it verbatim). */
export async function executionData(stack: Stack, id: number): Promise<string> {
	const [r] = await stack.n8nSql<{ data: string }[]>`SELECT data FROM execution_data WHERE "executionId" = ${id}`;
	return r?.data ?? '';
}

/** Calls a production webhook until n8n has registered it (activation finishes after the REST answer). */
export async function callWebhook(
	stack: Pick<Stack, 'n8n'>,
	pathSuffix: string,
	body: unknown = {},
	headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
	const until = Date.now() + 30000;
	for (;;) {
		const r = await stack.n8n.webhook(pathSuffix, body, 'POST', headers);
		if (r.status !== 404 || Date.now() > until) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

export { PG_ADMIN_URL };
