/**
 * The one small query interface that both engines (embedded PGlite and a PostgreSQL server
 * through postgres.js) satisfy. SQL uses $1..$n placeholders; bulk writes pass one JSON
 * parameter and expand it with jsonb_to_recordset, which behaves the same on both engines.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
	query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
	/** Runs a script of several statements without parameters (migrations). */
	exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
	readonly engine: 'pglite' | 'postgres';
	/** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
	transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/** LISTEN on a channel; resolves to an unlisten function. */
	listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
	notify(channel: string, payload: string): Promise<void>;
	close(): Promise<void>;
}
