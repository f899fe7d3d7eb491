/**
 * The one owner of the two URL rules the channels, the media store and the config share: what
 * counts as a web URL, and how a base URL loses its trailing slashes (so `${base}/${path}` never
 * doubles one, whatever the operator typed).
 */

/** An absolute http(s) URL; anything else (ftp:, javascript:, a bare path, an empty field) is not. */
export function isHttpUrl(s: string | undefined | null): boolean {
	if (!s) return false;
	try {
		const u = new URL(s);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

/** The URL without trailing slashes: "https://x.org//" → "https://x.org". */
export function trimBase(url: string): string {
	return url.replace(/\/+$/, '');
}
