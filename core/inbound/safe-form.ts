/**
 * What PostgreSQL cannot hold, made storable. A citizen's text or profile name, or Meta's raw
 * message, may carry U+0000 (refused by `text` and `jsonb`), a lone UTF-16 surrogate (refused by
 * `jsonb`) or nesting so deep that serialising it overflows the stack. Any of these used to fail
 * the whole webhook delivery on every retry, so they are turned into a safe form here and the
 * message is stored; the original bytes are kept in the dead-letter table (see dead-letters.ts).
 */

/** Deeper parts of a raw message are dropped: no real WhatsApp message is nested beyond a handful of levels. */
export const MAX_RAW_DEPTH = 32;
export const DROPPED_DEEPER = `[nested deeper than ${MAX_RAW_DEPTH} levels: dropped]`;

export type Repair = 'nul' | 'lone_surrogate' | 'too_deep';

const NUL = /\u0000/g;
const LONE_SURROGATE_SOURCE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const HAS_LONE_SURROGATE = new RegExp(LONE_SURROGATE_SOURCE);
const LONE_SURROGATE = new RegExp(LONE_SURROGATE_SOURCE, 'g');

/** Collects what was repaired, so the caller can say why a message was dead-lettered. */
export class Repairs {
	readonly found = new Set<Repair>();
	get any(): boolean {
		return this.found.size > 0;
	}
	list(): Repair[] {
		return [...this.found].sort();
	}
}

/** NUL removed, each lone surrogate replaced by U+FFFD (the replacement character). */
export function safeText(s: string, repairs: Repairs): string {
	let out = s;
	if (out.includes('\u0000')) {
		repairs.found.add('nul');
		out = out.replace(NUL, '');
	}
	if (HAS_LONE_SURROGATE.test(out)) {
		repairs.found.add('lone_surrogate');
		out = out.replace(LONE_SURROGATE, '\uFFFD');
	}
	return out;
}

export function safeOptionalText(s: string | null, repairs: Repairs): string | null {
	return s === null ? null : safeText(s, repairs);
}

/** A copy of a JSON value with every string (keys too) made safe and anything deeper than MAX_RAW_DEPTH dropped. */
export function safeJson(v: unknown, repairs: Repairs, depth = 0): unknown {
	if (typeof v === 'string') return safeText(v, repairs);
	if (v === null || typeof v !== 'object') return v;
	if (depth >= MAX_RAW_DEPTH) {
		repairs.found.add('too_deep');
		return DROPPED_DEEPER;
	}
	if (Array.isArray(v)) return v.map((x) => safeJson(x, repairs, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [k, x] of Object.entries(v)) out[safeText(k, repairs)] = safeJson(x, repairs, depth + 1);
	return out;
}

/** A flat event (a delivery status) with each of its string fields made safe. */
export function safeFlat<T extends object>(o: T, repairs: Repairs = new Repairs()): T {
	const out = { ...o } as Record<string, unknown>;
	for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = safeText(v, repairs);
	return out as T;
}
