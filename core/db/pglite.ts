import * as fs from 'fs';
import type { Db, Queryable, Row } from './types';

const INT8 = 20;
const DATE = 1082;

/**
 * The embedded engine: real PostgreSQL compiled to WASM, kept in a folder, so a new user
 * needs no server. Loaded lazily so the bundled n8n nodes (which always connect by URL)
 * never pull it in.
 */
type PGliteInstance = import('@electric-sql/pglite').PGlite;
const raw = new WeakMap<Db, PGliteInstance>();

export async function openPglite(dataDir: string | 'memory'): Promise<Db> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  if (dataDir !== 'memory') fs.mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, {
    parsers: { [INT8]: (x: string) => Number(x), [DATE]: (x: string) => x },
  });
  const db = wrapPglite(pg);
  raw.set(db, pg);
  return db;
}

/**
 * Serves an embedded database over the PostgreSQL wire protocol on a local port, so other
 * processes (the gateway, n8n and its workers) share one store with no server installed.
 * PGlite is one connection inside; the socket server multiplexes clients onto it.
 */
export async function servePglite(db: Db, opts: { port?: number; host?: string; maxConnections?: number } = {}): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const pg = raw.get(db);
  if (!pg) throw new Error('servePglite needs a Db opened by openPglite');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGLiteSocketServer } = require('@electric-sql/pglite-socket') as typeof import('@electric-sql/pglite-socket');
  const host = opts.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db: pg, port: opts.port ?? 0, host, maxConnections: opts.maxConnections ?? 32 });
  await server.start();
  const conn = server.getServerConn(); // "host:port"
  const port = Number(conn.split(':').pop());
  return { url: `postgres://postgres@${host}:${port}/postgres?sslmode=disable`, port, close: () => server.stop() };
}

function wrapPglite(pg: PGliteInstance): Db {
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
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    async listen(channel, onNotify) {
      const unlisten = await pg.listen(channel, (payload) => onNotify(payload));
      return async () => unlisten();
    },
    async notify(channel, payload) {
      await pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await pg.close();
    },
  };
}
