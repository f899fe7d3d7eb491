import * as fs from 'fs';
import type { Db, Queryable, Row } from './types';

const INT8 = 20;
const DATE = 1082;

/**
 * The embedded engine: real PostgreSQL compiled to WASM, kept in a folder, so a new user
 * needs no server. Loaded lazily so the bundled n8n nodes (which always connect by URL)
 * never pull it in.
 */
export async function openPglite(dataDir: string | 'memory'): Promise<Db> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  if (dataDir !== 'memory') fs.mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, {
    parsers: { [INT8]: (x: string) => Number(x), [DATE]: (x: string) => x },
  });
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
