import * as fs from 'fs';
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
	if (dataDir !== 'memory') fs.mkdirSync(dataDir, { recursive: true });
	const pg = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, {
		parsers: { [INT8]: (x: string) => Number(x), [DATE]: (x: string) => x },
	});
	const gate = new SessionGate();
	const db = wrapPglite(pg, gate);
	raw.set(db, { pg, gate });
	return db;
}

/**
 * Serves an embedded database over the PostgreSQL wire protocol on a local port, so other
 * processes (the gateway, n8n and its workers) share one store with no server installed.
 * PGlite is one connection inside; the socket server multiplexes clients onto it.
 */
export async function servePglite(
	db: Db,
	opts: { port?: number; host?: string; maxConnections?: number } = {},
): Promise<{ url: string; port: number; close(): Promise<void> }> {
	const r = raw.get(db);
	if (!r) throw new MitanError('PGLITE_SERVE_NEEDS_PGLITE', 'servePglite needs a Db opened by openPglite');
	const { pg, gate } = r;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { PGLiteSocketServer } = require('@electric-sql/pglite-socket') as typeof import('@electric-sql/pglite-socket');
	const host = opts.host ?? '127.0.0.1';
	const server = new PGLiteSocketServer({ db: pg, port: opts.port ?? 0, host, maxConnections: opts.maxConnections ?? 32 });
	// See pglite-session.ts: the session is lent per conversation, not per message.
	const internals = server as unknown as { queryQueue: Parameters<typeof lendSessionByConversation>[0] };
	lendSessionByConversation(internals.queryQueue, pg as unknown as Parameters<typeof lendSessionByConversation>[1], gate);
	await server.start();
	const conn = server.getServerConn(); // "host:port"
	const port = Number(conn.split(':').pop());
	return { url: `postgres://postgres@${host}:${port}/postgres?sslmode=disable`, port, close: () => server.stop() };
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
