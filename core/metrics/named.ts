/**
 * Named parameters (:name) → $n, passing only the values a statement uses: PostgreSQL cannot
 * type a parameter the statement never mentions, and long generated SQL reads better with names.
 * `::` casts and words such as 'citizen:demo' inside literals are left alone.
 */
import { MitanError } from '../errors';
export function bindNamed(sql: string, values: Record<string, unknown>, types: Record<string, string> = {}): [string, unknown[]] {
	const order: string[] = [];
	const text = sql.replace(/(?<![:\w]):([a-z_]+)\b/g, (_m, name: string) => {
		if (!(name in values)) throw new MitanError('SQL_PARAMETER_MISSING', `SQL names :${name} but no value was given`);
		let i = order.indexOf(name);
		if (i < 0) i = order.push(name) - 1;
		// An explicit type on every use: the server infers a parameter's type once, from its first use.
		return types[name] ? `$${i + 1}::${types[name]}` : `$${i + 1}`;
	});
	return [text, order.map((n) => values[n])];
}
