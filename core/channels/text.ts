/** Text helpers every post channel shares. */
import { isObject, textField, unknownKeys, type Problem } from '../problem';
import type { ChannelRules, SocialContent } from './types';

/** A bilingual default text: Hindi first (most readers), then English. */
export function bilingual(content: SocialContent): string {
	return [content.bodyHi.trim(), content.bodyEn.trim()].filter(Boolean).join('\n\n');
}

/** The same text, as networks compare it: line endings and outer whitespace normalised. */
export function sameText(a: string | undefined, b: string | undefined): boolean {
	const n = (s: string | undefined) => (s ?? '').replace(/\r\n/g, '\n').trim().normalize('NFC');
	return n(a) === n(b);
}

/**
 * The one text field of a channel's variant (`variants.x.text`, `variants.instagram.caption`):
 * the object shape, the field required, then the channel's own text rules. The cleaned text, or
 * undefined with every problem noted.
 */
export function variantText(
	p: Problem[],
	value: unknown,
	channel: string,
	key: string,
	rules: Pick<ChannelRules, 'textProblems'>,
	otherKeys: readonly string[] = [],
): string | undefined {
	const base = `variants.${channel}`;
	if (!isObject(value)) {
		p.push({ field: base, message: `must be {${[key, ...otherKeys.map((k) => `${k}?`)].join(', ')}}` });
		return undefined;
	}
	unknownKeys(p, base, value, [key, ...otherKeys]);
	const text = textField(p, `${base}.${key}`, value[key], { required: true });
	if (text !== undefined) p.push(...rules.textProblems(text, `${base}.${key}`));
	return text;
}
