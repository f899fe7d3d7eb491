/**
 * What every broadcast benchmark shares: the argument reader, a sandbox in its own process (its
 * training templates created and approved through its Graph API), the sandbox's inspection
 * calls, a scratch PostgreSQL database per run, and the citizens seeded into it. One copy, so the
 * Mitan sender and the stock constructions are measured against the same world.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import postgres from 'postgres';
import { openPostgres, type Db } from '../core/db';
import { migrate } from '../core/db/migrate';
import { repoRoot } from '../cli/n8n';
import { inspectHeaders } from '../sandbox/inspect-guard';
import { approveTrainingTemplates } from './templates';

export const PHONE = '100000000000001';
export const TOKEN = 'sandbox-token';
export const ADMIN_URL = process.env.MITAN_BENCH_PG_URL ?? process.env.MITAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export { arg, numArg } from './args';

export const log = (m: string): void => void process.stderr.write(`[bench] ${new Date().toISOString()} ${m}\n`);

export function machine(): Record<string, unknown> {
	return {
		loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 10) / 10),
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model,
		memGB: Math.round(os.totalmem() / 1e9),
		node: process.version,
		platform: `${os.platform()} ${os.release()}`,
	};
}

export interface Sandbox {
	url: string;
	child: ChildProcess;
}

/** The forked sandbox's inspection token (SANDBOX_TOKEN), sent on /_sandbox/* calls. */
const INSPECT_TOKEN = randomBytes(24).toString('base64url');

export async function startSandbox(): Promise<Sandbox> {
	const entry = path.join(__dirname, '..', 'sandbox', 'server.js');
	const child = fork(entry, [], {
		env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_CONFIG: '', SANDBOX_TOKEN: INSPECT_TOKEN },
		stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
	});
	const url = await new Promise<string>((resolve, reject) => {
		child.once('message', (m: { url: string }) => resolve(m.url));
		child.once('exit', (c) => reject(new Error(`sandbox exited ${c}`)));
	});
	await approveTrainingTemplates(url, INSPECT_TOKEN);
	return { url, child };
}

export async function sb(url: string, method: string, p: string, body?: unknown): Promise<any> {
	const res = await fetch(url + p, {
		method,
		headers: {
			...(body ? { 'content-type': 'application/json' } : {}),
			...(p.startsWith('/_sandbox/') ? inspectHeaders(INSPECT_TOKEN) : {}),
		},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
	return text ? JSON.parse(text) : undefined;
}

/** A clean run: counters reset, the number at `limit` per second and the portfolio at `tier`. */
export async function configureSandbox(url: string, limit: number, tier: string): Promise<void> {
	await sb(url, 'POST', '/_sandbox/reset');
	await sb(url, 'PATCH', '/_sandbox/config', {
		whatsapp: {
			phoneNumbers: [
				{
					id: PHONE,
					displayPhoneNumber: '+91 70000 00001',
					verifiedName: 'Police Mitan Sandbox',
					qualityRating: 'GREEN',
					throughputPerSecond: limit,
				},
			],
			messagingTier: tier,
		},
	});
}

export interface ScratchDb {
	db: Db;
	url: string;
	drop(): Promise<void>;
}

async function dropDatabase(name: string): Promise<void> {
	const a = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
	await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	await a.end();
}

/** An empty database on the server, created for one run; `schema: false` leaves it empty (n8n's own). */
export async function freshDb(tag: string, opts: { schema?: boolean } = {}): Promise<ScratchDb> {
	const name = `mitan_bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
	const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
	await admin.unsafe(`CREATE DATABASE ${name}`);
	await admin.end();
	const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
	const db = openPostgres({ url, max: 4 });
	try {
		if (opts.schema !== false) await migrate(db);
	} catch (e) {
		await db.close();
		await dropDatabase(name);
		throw e;
	}
	return {
		db,
		url,
		async drop() {
			await db.close();
			await dropDatabase(name);
		},
	};
}

/** Citizen i (1-based) has +91 9000000000+i; odd ones read Hindi. The stock constructions use the same numbers. */
export const citizenPhone = (i: number): string => `+91${9_000_000_000 + i}`;

export async function seed(db: Db, n: number): Promise<void> {
	for (let from = 1; from <= n; from += 200_000) {
		const to = Math.min(n, from + 199_999);
		await db.query(
			`INSERT INTO subscribers (district_id, phone, language, police_station, status, consent_source, consent_at)
       SELECT 1, '+91' || (9000000000 + i)::text, CASE WHEN i % 2 = 1 THEN 'hi' ELSE 'en' END,
              (ARRAY['Kawardha', 'Bodla', 'Pandariya'])[1 + i % 3], 'active', 'camp', now()
       FROM generate_series($1::int, $2::int) AS i`,
			[from, to],
		);
	}
	await db.query('ANALYZE subscribers');
}

/** The training template's one variable, per language (what both the sender and the stock nodes send). */
export const TEMPLATES = {
	hi: { name: 'daily_awareness', params: ['वीडियो कॉल पर कोई अफसर पैसे नहीं माँगता'] },
	en: { name: 'daily_awareness', params: ['No officer asks for money on a video call'] },
};

/**
 * The n8n helpers (scripts/n8n/*.js, plain Node) found through the repository root at run time:
 * bench runs from dist/bench/, where a relative import of ../scripts does not exist.
 */
export function n8nScripts(): {
	run: typeof import('../scripts/n8n/run');
	credentials: typeof import('../scripts/n8n/credentials');
	install: typeof import('../scripts/n8n/install');
} {
	const root = repoRoot();
	/* eslint-disable @typescript-eslint/no-require-imports */
	return {
		run: require(path.join(root, 'scripts', 'n8n', 'run.js')),
		credentials: require(path.join(root, 'scripts', 'n8n', 'credentials.js')),
		install: require(path.join(root, 'scripts', 'n8n', 'install.js')),
	};
	/* eslint-enable @typescript-eslint/no-require-imports */
}

/** Runs one measurement; a failure is recorded in the output instead of losing the others. */
export async function stage<T>(name: string, fn: () => Promise<T>): Promise<T | { stage: string; error: string }> {
	try {
		const r = await fn();
		log(`${name}: ${JSON.stringify(r)}`);
		return r;
	} catch (e) {
		log(`${name} failed: ${(e as Error).message}`);
		return { stage: name, error: (e as Error).message };
	}
}

/** A benchmark's entry point: its JSON on stdout (with the load at the end), a failure's stack on stderr. */
export function benchMain(main: () => Promise<Record<string, unknown>>): void {
	main()
		.then((out) => {
			(out.machine as Record<string, unknown>).loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 10) / 10);
			process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
		})
		.catch((e) => {
			process.stderr.write(`${(e as Error).stack}\n`);
			process.exit(1);
		});
}

export interface N8nWorld {
	sandbox: Sandbox;
	/** The product's store (migrated). */
	mitanDb: ScratchDb;
	/** n8n's own database, on PostgreSQL so the benchmark can read each execution's status. */
	n8nDb: ScratchDb;
	n8nSql: postgres.Sql;
	n8n: import('../scripts/n8n/run').N8nInstance;
	/** A scratch folder for the package tarball. */
	tmp: string;
	/** Stops n8n and the sandbox and drops both databases; safe to call after a failed start. */
	close(): Promise<void>;
}

/**
 * One real n8n 2.x (installed into the cache if missing) beside a fresh sandbox and two scratch
 * databases: what the real-n8n benchmarks share. `queue` runs it in queue mode on Redis.
 */
export async function n8nWorld(
	tag: string,
	opts: { queue?: { host: string; port: number; prefix: string }; env?: (sandbox: Sandbox) => Record<string, string> } = {},
): Promise<N8nWorld> {
	const { run, install } = n8nScripts();
	const paths = await install.ensureN8n({ log: (m) => log(`n8n install: ${m}`) });
	const sandbox = await startSandbox();
	const mitanDb = await freshDb(`${tag}m`);
	const n8nDb = await freshDb(`${tag}n`, { schema: false });
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `mitan-bench-${tag}-`));
	const u = new URL(n8nDb.url);
	const n8n = new run.N8nInstance({
		paths,
		port: await run.freePort(),
		db: {
			type: 'postgresdb',
			host: u.hostname,
			port: Number(u.port || 5432),
			database: u.pathname.slice(1),
			user: u.username || 'postgres',
		},
		queue: opts.queue,
		log,
		env: opts.env?.(sandbox),
	});
	const n8nSql = postgres(n8nDb.url, { max: 2, onnotice: () => undefined });
	return {
		sandbox,
		mitanDb,
		n8nDb,
		n8nSql,
		n8n,
		tmp,
		async close() {
			await n8n.stop().catch(() => undefined);
			await n8nSql.end({ timeout: 2 });
			await mitanDb.drop();
			await n8nDb.drop();
			sandbox.child.kill();
			n8n.cleanup();
			fs.rmSync(tmp, { recursive: true, force: true });
		},
	};
}
