import postgres from 'postgres';
import type { Db, Queryable, Row } from './types';

/** Postgres types we parse the same way on both engines. */
const INT8 = 20;
const DATE = 1082;
const JSON_OID = 114;
const JSONB = 3802;

export interface PostgresOptions {
	url: string;
	max?: number;
	ssl?: boolean | 'require' | 'prefer';
	/**
	 * Named prepared statements (parsed once per connection). Off by default: see below. Only for a
	 * connection straight to a PostgreSQL server, never through the embedded engine's socket or a
	 * transaction-pooling PgBouncer.
	 */
	prepare?: boolean;
}

export function openPostgres(opts: PostgresOptions): Db {
	const sql = postgres(opts.url, {
		max: opts.max ?? 10,
		ssl: opts.ssl === true ? 'require' : opts.ssl || false,
		onnotice: () => undefined,
		// Unnamed statements only: the embedded engine's socket server multiplexes many clients onto
		// one session, where named prepared statements from two clients would collide (the same holds
		// behind a transaction-pooling PgBouncer).
		prepare: opts.prepare ?? false,
		// Counts and ids fit in a JS number for this project's sizes (millions, not 2^53).
		types: {
			bigint: { to: INT8, from: [INT8], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
			date: { to: DATE, from: [DATE], serialize: (x: string) => x, parse: (x: string) => x },
			// Both engines take a JSON parameter as text ("$1::jsonb" with JSON.stringify(rows)); without
			// this postgres.js would stringify the string a second time.
			jsonb: {
				to: JSONB,
				from: [JSON_OID, JSONB],
				serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)),
				parse: (x: string) => JSON.parse(x),
			},
		},
		connection: { application_name: 'police-mitan' },
	});
	const asQueryable = (s: postgres.Sql | postgres.TransactionSql): Queryable => ({
		async query<T extends Row>(text: string, params: unknown[] = []): Promise<T[]> {
			const rows = await s.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
			return rows as unknown as T[];
		},
		async exec(text: string): Promise<void> {
			await s.unsafe(text);
		},
	});
	const base = asQueryable(sql);
	return {
		engine: 'postgres',
		query: base.query,
		exec: base.exec,
		async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
			return (await sql.begin((tx) => fn(asQueryable(tx)))) as T;
		},
		async listen(channel, onNotify) {
			const sub = await sql.listen(channel, (payload) => onNotify(payload));
			return () => sub.unlisten();
		},
		async notify(channel, payload) {
			await sql.notify(channel, payload);
		},
		async close() {
			await sql.end({ timeout: 5 });
		},
	};
}
