import { createHash } from 'crypto';
import type { ContentDraft } from './types';

/**
 * The canonical hash of content: an approval is bound to it, so anything that changes what a
 * citizen sees (texts, image, category, date, every channel variant) must change the hash, and
 * nothing else (ids, timestamps, key order in JSON) may.
 *
 * Canonical form: JSON with object keys sorted, strings NFC-normalised (the same Hindi text typed
 * on two keyboards can differ in code points but not in what is shown), undefined/null dropped
 * from objects, arrays kept in order. Prefixed with a version so the form can evolve.
 */
const HASH_VERSION = 'mitan-content-v1';

interface CanonicalOptions {
	/** Also leave out object fields whose value is '' (inline posts: an empty field is no field). */
	dropEmptyStrings?: boolean;
}

function canonical(value: unknown, o: CanonicalOptions): unknown {
	if (typeof value === 'string') return value.normalize('NFC');
	if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v, o)));
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const k of Object.keys(value as Record<string, unknown>).sort()) {
			const v = (value as Record<string, unknown>)[k];
			if (v === undefined || v === null || (o.dropEmptyStrings && v === '')) continue;
			out[k] = canonical(v, o);
		}
		return out;
	}
	return value;
}

/** The one canonical JSON of the project: the content hash and the inline-post key both use it. */
export function canonicalJson(value: unknown, opts: CanonicalOptions = {}): string {
	return JSON.stringify(canonical(value, opts));
}

export function contentHash(d: ContentDraft): string {
	const subject = {
		title: d.title,
		bodyHi: d.bodyHi,
		bodyEn: d.bodyEn,
		imageUrl: d.imageUrl ?? null,
		category: d.category,
		targetDate: d.targetDate ?? null,
		variants: d.variants ?? {},
		// Dropped from the canonical form when null: content from before the choice keeps its hash.
		channels: d.channels ?? null,
	};
	return createHash('sha256').update(HASH_VERSION).update('\n').update(canonicalJson(subject)).digest('hex');
}

/** Short form for people: the first 12 hex digits, shown on the decision page and in messages. */
export function shortHash(hash: string): string {
	return hash.slice(0, 12);
}
