import type { ErrorCode } from './errors';

/**
 * One problem found in something a person wrote (a draft, a post, a template parameter): where it
 * is and what is wrong, so a form can show it at the field. Validators collect every problem at
 * once and the caller throws one MitanError carrying the list in `details.problems`.
 */
export interface Problem {
	/** Dotted path of the field, as the caller knows it: "variants.x.text", "instagram.caption". */
	field: string;
	/** Stable code where the rule has one (X_TOO_LONG); the generic shape checks have none. */
	code?: ErrorCode;
	message: string;
}

/** Helpers for validators that walk untrusted JSON and collect every problem. */
export function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function unknownKeys(p: Problem[], field: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
	for (const k of Object.keys(obj))
		if (!allowed.includes(k)) p.push({ field: `${field}.${k}`, message: `is not a known field (known: ${allowed.join(', ')})` });
}

/** A text field: trimmed and NFC-normalised (the same Hindi typed on two keyboards), or undefined with the problem noted. */
export function textField(p: Problem[], field: string, v: unknown, opts: { required: boolean }): string | undefined {
	if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
		if (opts.required) p.push({ field, message: 'is required' });
		return undefined;
	}
	if (typeof v !== 'string') {
		p.push({ field, message: `must be text, got ${typeof v}` });
		return undefined;
	}
	return v.normalize('NFC').trim();
}
