import { esc } from '../../../core/html';
import { en, type MessageKey } from './en';
import { hi } from './hi';
import { isLang, type Lang } from './lang';

/**
 * Every label the dashboard shows, in Hindi and English. Pages render from it on the server
 * and the browser script gets the same dictionary, so a label is translated in one place.
 * A key missing from Hindi falls back to English (the test suite checks none is missing).
 */
export type { MessageKey };
export { isLang, type Lang };

export const DICTIONARY: Record<Lang, Record<MessageKey, string>> = { en, hi };

/** Translates a key; unknown keys (a new complaint category, a station) are shown readable, not as raw snake_case. */
export function t(lang: Lang, key: string): string {
	const m = DICTIONARY[lang] as Record<string, string>;
	if (m[key] !== undefined) return m[key];
	return key.replace(/_/g, ' ');
}

/** `L('key')`: the translation of a key, escaped for HTML, in one page's language. */
export function labeler(lang: Lang): (key: string) => string {
	return (key) => esc(t(lang, key));
}

export { formatDateTime, formatDay, formatMonth, formatNumber, numberLocale } from './format';
