/**
 * OAuth 1.0a (RFC 5849) HMAC-SHA1 signature check for X user-context requests. Written from the
 * RFC rather than with the client library, so a client bug is caught instead of mirrored.
 * JSON bodies are not part of the base string (only query and form parameters are), as on X.
 */
import { createHmac, timingSafeEqual } from 'crypto';

/** RFC 3986 encoding, which OAuth requires (encodeURIComponent leaves !'()* alone). */
export function rfc3986(s: string): string {
	return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function parseOAuthHeader(header: string | undefined): Record<string, string> | undefined {
	if (!header || !/^OAuth\s/i.test(header)) return undefined;
	const out: Record<string, string> = {};
	const re = /([a-zA-Z0-9_]+)="([^"]*)"/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(header.slice(6)))) {
		try {
			out[m[1]] = decodeURIComponent(m[2]);
		} catch {
			return undefined;
		}
	}
	return out;
}

export function signatureBaseString(method: string, baseUrl: string, params: [string, string][]): string {
	const normalised = params
		.map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
		.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
		.map(([k, v]) => `${k}=${v}`)
		.join('&');
	return `${method.toUpperCase()}&${rfc3986(baseUrl)}&${rfc3986(normalised)}`;
}

export function hmacSha1(base: string, consumerSecret: string, tokenSecret: string): string {
	return createHmac('sha1', `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`)
		.update(base)
		.digest('base64');
}

export function safeEqual(a: string, b: string): boolean {
	const ab = Buffer.from(a);
	const bb = Buffer.from(b);
	return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * True if `signature` matches for one of the candidate base URLs (the URL the client called,
 * and X's own hosts, for clients that sign the production URL while routed to the sandbox).
 */
export function verifySignature(opts: {
	method: string;
	baseUrls: string[];
	oauth: Record<string, string>;
	extraParams: [string, string][];
	consumerSecret: string;
	tokenSecret: string;
}): boolean {
	const params: [string, string][] = Object.entries(opts.oauth).filter(([k]) => k !== 'oauth_signature' && k !== 'realm');
	params.push(...opts.extraParams);
	const given = opts.oauth['oauth_signature'] ?? '';
	return opts.baseUrls.some((u) =>
		safeEqual(hmacSha1(signatureBaseString(opts.method, u, params), opts.consumerSecret, opts.tokenSecret), given),
	);
}
