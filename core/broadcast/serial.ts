/**
 * One query at a time per sender. The sender's statements are few (≈ 40/s at 1,000 msg/s)
 * and short, so running them in order costs little; in exchange the loop behaves the same on
 * every engine: the embedded PGlite served over a socket interleaves the extended-protocol
 * messages of concurrent connections ("bind message supplies 3 parameters, but prepared
 * statement requires 2"), and a pooled PostgreSQL gains nothing from overlapping them here.
 */
import type { Db, Queryable, Row } from '../db';

export function serialDb(db: Db): Db {
	let tail: Promise<unknown> = Promise.resolve();
	const run = <T>(fn: () => Promise<T>): Promise<T> => {
		const p = tail.then(fn, fn);
		tail = p.catch(() => undefined);
		return p;
	};
	return {
		engine: db.engine,
		query: <T extends Row = Row>(sql: string, params?: unknown[]) => run(() => db.query<T>(sql, params)),
		exec: (sql: string) => run(() => db.exec(sql)),
		// The transaction holds the turn: nothing else of this sender runs inside it.
		transaction: <T>(fn: (tx: Queryable) => Promise<T>) => run(() => db.transaction(fn)),
		listen: (channel, onNotify) => db.listen(channel, onNotify),
		notify: (channel, payload) => run(() => db.notify(channel, payload)),
		close: () => db.close(),
	};
}
