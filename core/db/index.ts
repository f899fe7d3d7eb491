import { resolveConfig, type MitanConfigInput } from '../config';
import { openPostgres } from './postgres';
import { openPglite, servePglite } from './pglite';
import type { Db } from './types';

export type { Db, Queryable, Row } from './types';

/**
 * Opens the store the configuration names: a PostgreSQL server when a URL is resolved,
 * otherwise the embedded PGlite folder.
 */
export async function openDb(input: MitanConfigInput & { poolSize?: number } = {}): Promise<Db> {
	const cfg = resolveConfig(input);
	if (cfg.databaseUrl) return openPostgres({ url: cfg.databaseUrl, max: input.poolSize });
	return openPglite(cfg.dataDir);
}

export { openPostgres, openPglite, servePglite };
