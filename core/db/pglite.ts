import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { keptSecret } from '../kept-secret';
import { servePasswordDoor } from './pglite-auth';
import { lendSessionByConversation, SessionGate } from './pglite-session';
import type { Db, Queryable, Row } from './types';
import { MitanError } from '../errors';

const INT8 = 20;
const DATE = 1082;

/**
 * The embedded engine: real PostgreSQL compiled to WASM, kept in a folder, so a new user
 * needs no server. Loaded lazily so the bundled n8n nodes (which always connect by URL)
 * never pull it in.
 */
type PGliteInstance = import('@electric-sql/pglite').PGlite;
const raw = new WeakMap<Db, { pg: PGliteInstance; gate: SessionGate }>();

export async function openPglite(dataDir: string | 'memory'): Promise<Db> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
	if (dataDir !== 'memory') lockDown(dataDir);
	const pg = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, {
		parsers: { [INT8]: (x: string) => Number(x), [DATE]: (x: string) => x },
	});
	// initdb just wrote the catalogue with the umask's modes: close those too.
	if (dataDir !== 'memory') lockDown(dataDir);
	const gate = new SessionGate();
	const db = wrapPglite(pg, gate);
	raw.set(db, { pg, gate });
	return db;
}

/**
 * The data folder holds every citizen's number (tables and WAL): only this account may read it.
 * PGlite (through Emscripten's NODEFS) creates files with the process umask, often 0644 or 0666,
 * so the folder is made 700 and whatever is already inside is set to 700 (folders) / 600 (files)
 * on every open; the folder's mode alone keeps other accounts out of files created later.
 */
export function lockDown(dataDir: string): void {
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	const walk = (dir: string): void => {
		fs.chmodSync(dir, 0o700);
		for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, e.name);
			// Only PostgreSQL's own folders are walked: others beside them (npm start's n8n/, with
			// installed packages whose scripts must stay executable) are closed by their mode alone.
			if (e.isDirectory()) {
				if (dir !== dataDir || PG_FOLDER.test(e.name)) walk(p);
				else fs.chmodSync(p, 0o700);
			} else if (e.isFile()) fs.chmodSync(p, 0o600);
		}
	};
	walk(dataDir);
}

const PG_FOLDER = /^(base|global|pg_\w+)$/;

/** The embedded database's password, generated on first use and kept in the data folder. */
export function embeddedDbPassword(dataDir: string): string {
	lockDown(dataDir);
	return keptSecret(dataDir, 'db.password');
}

/**
 * Serves an embedded database over the PostgreSQL wire protocol on a local port, so other
 * processes (the gateway, n8n and its workers) share one store with no server installed.
 * PGlite is one connection inside; the socket server multiplexes clients onto it. The socket
 * server itself has no authentication, so it listens on a Unix socket in a fresh 700 folder and
 * the TCP port is a password door in front of it (pglite-auth.ts). Without `password` a random
 * one is made for this run; it is in the returned URL.
 */
export async function servePglite(
	db: Db,
	opts: { port?: number; host?: string; maxConnections?: number; password?: string } = {},
): Promise<{ url: string; port: number; close(): Promise<void> }> {
	const r = raw.get(db);
	if (!r) throw new MitanError('PGLITE_SERVE_NEEDS_PGLITE', 'servePglite needs a Db opened by openPglite');
	const { pg, gate } = r;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { PGLiteSocketServer } = require('@electric-sql/pglite-socket') as typeof import('@electric-sql/pglite-socket');
	const host = opts.host ?? '127.0.0.1';
	const password = opts.password ?? randomBytes(24).toString('base64url');
	const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-pg-')); // created 700
	const socketPath = path.join(socketDir, '.s.PGSQL');
	const server = new PGLiteSocketServer({ db: pg, path: socketPath, maxConnections: opts.maxConnections ?? 32 });
	// See pglite-session.ts: the session is lent per conversation, not per message.
	const internals = server as unknown as { queryQueue: Parameters<typeof lendSessionByConversation>[0] };
	lendSessionByConversation(internals.queryQueue, pg as unknown as Parameters<typeof lendSessionByConversation>[1], gate);
	await server.start();
	let door: Awaited<ReturnType<typeof servePasswordDoor>>;
	try {
		door = await servePasswordDoor({ host, port: opts.port ?? 0, password, upstreamPath: socketPath });
	} catch (e) {
		await server.stop();
		fs.rmSync(socketDir, { recursive: true, force: true });
		throw e;
	}
	const port = door.port;
	return {
		url: `postgres://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres?sslmode=disable`,
		port,
		async close() {
			await door.close();
			await server.stop();
			fs.rmSync(socketDir, { recursive: true, force: true });
		},
	};
}

/** In-process access waits for the session like a socket client does (see SessionGate). */
function wrapPglite(pg: PGliteInstance, gate: SessionGate): Db {
	const wrap = (q: { query: typeof pg.query; exec: typeof pg.exec }): Queryable => ({
		async query<T extends Row>(text: string, params: unknown[] = []): Promise<T[]> {
			const res = await q.query<T>(text, params as unknown[]);
			return res.rows;
		},
		async exec(text: string): Promise<void> {
			await q.exec(text);
		},
	});
	const base = wrap(pg);
	return {
		engine: 'pglite',
		query: (text, params) => gate.run(() => base.query(text, params)),
		exec: (text) => gate.run(() => base.exec(text)),
		async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
			return gate.run(() => pg.transaction((tx) => fn(wrap(tx))));
		},
		async listen(channel, onNotify) {
			const unlisten = await pg.listen(channel, (payload) => onNotify(payload));
			return async () => unlisten();
		},
		async notify(channel, payload) {
			await gate.run(() => pg.query('SELECT pg_notify($1, $2)', [channel, payload]));
		},
		async close() {
			await pg.close();
		},
	};
}
