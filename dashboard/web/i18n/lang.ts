/** The dashboard's two languages; Hindi is the default. */
export type Lang = 'hi' | 'en';

export function isLang(x: unknown): x is Lang {
	return x === 'hi' || x === 'en';
}
