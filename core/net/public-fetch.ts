/**
 * Fetching a URL someone else chose (an approved content's image_url) without letting it reach
 * inside: the one SSRF guard of the project.
 *
 * - Only http(s), and only hosts whose every resolved address is public: loopback, private,
 *   link-local (169.254.169.254, the cloud metadata address), CGNAT, unique-local, multicast and
 *   unspecified ranges are refused. The check runs in the socket's own DNS lookup, so the address
 *   checked is the address connected to (no rebinding between a check and the connect).
 * - Redirects are followed by hand, at most MAX_REDIRECTS, and every hop goes through the same check.
 * - The body is counted while it streams and the connection is cut at maxBytes: a chunked body
 *   with no content-length cannot fill the memory.
 * - Every failure is IMAGE_UNREACHABLE / IMAGE_TOO_LARGE / IMAGE_URL_INVALID with a message that
 *   names the URL the caller gave, never an internal address or a port's behaviour.
 *
 * `unsafeAllowAddressesForTests` exists for the test suites, whose image servers listen on
 * 127.0.0.1; production code never passes it (the gateway's deps leave it unset).
 */
import * as dns from 'dns';
import * as http from 'http';
import * as https from 'https';
import { BlockList, isIP, type LookupFunction } from 'net';
import { MitanError } from '../errors';

export const MAX_REDIRECTS = 3;

export interface PublicFetchOptions {
	timeoutMs?: number;
	maxBytes: number;
	/** Exact IP addresses let through although not public. Tests only; never set in production. */
	unsafeAllowAddressesForTests?: readonly string[];
}

export interface FetchedBody {
	status: number;
	contentType: string | undefined;
	bytes: Buffer;
}

const BLOCKED = new BlockList();
for (const [net, bits] of [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.0.2.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['198.51.100.0', 24],
	['203.0.113.0', 24],
	['224.0.0.0', 4],
	['240.0.0.0', 4],
] as const)
	BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
	['::', 128],
	['::1', 128],
	['64:ff9b::', 96],
	['100::', 64],
	['2001:db8::', 32],
	['fc00::', 7],
	['fe80::', 10],
	['ff00::', 8],
] as const)
	BLOCKED.addSubnet(net, bits, 'ipv6');

/** Whether an address is one the public internet could route to us (not internal). */
export function isPublicAddress(address: string): boolean {
	const family = isIP(address);
	if (family === 4) return !BLOCKED.check(address, 'ipv4');
	if (family !== 6) return false;
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return isPublicAddress(mapped[1]);
	return !BLOCKED.check(address, 'ipv6');
}

const unreachable = (url: string, why: string) =>
	new MitanError('IMAGE_UNREACHABLE', `image ${url} could not be fetched (${why}) / चित्र नहीं मिला`, { field: 'image_url', url });

/** dns.lookup that refuses internal addresses: used as the socket's lookup, so it guards the connect itself. */
function guardedLookup(allow: readonly string[]): LookupFunction {
	return (hostname, options, callback) => {
		dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
			if (err) return callback(err, '', 0);
			const list = addresses as dns.LookupAddress[];
			const bad = list.find((a) => !isPublicAddress(a.address) && !allow.includes(a.address));
			if (bad || list.length === 0) {
				const e = Object.assign(new Error('internal address'), { code: 'EINTERNAL' });
				return callback(e, '', 0);
			}
			if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
			callback(null, list[0].address, list[0].family);
		});
	};
}

function checkUrl(raw: string, shown: string, allow: readonly string[]): URL {
	let u: URL;
	try {
		u = new URL(raw);
	} catch {
		throw new MitanError('IMAGE_URL_INVALID', `image URL "${shown}" is not a URL`, { field: 'image_url' });
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:')
		throw new MitanError('IMAGE_URL_INVALID', `image URL "${shown}" must be http(s)`, { field: 'image_url' });
	if (u.username || u.password)
		throw new MitanError('IMAGE_URL_INVALID', `image URL "${shown}" must not carry a password`, { field: 'image_url' });
	// A literal address never goes through DNS: check it here.
	const host = u.hostname.replace(/^\[|\]$/g, '');
	if (isIP(host) && !isPublicAddress(host) && !allow.includes(host)) throw unreachable(shown, 'not a public address');
	return u;
}

function getOnce(
	u: URL,
	shown: string,
	opts: PublicFetchOptions,
	signal: AbortSignal,
): Promise<{ redirect?: string } & Partial<FetchedBody>> {
	const allow = opts.unsafeAllowAddressesForTests ?? [];
	const lib = u.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = lib.get(
			u,
			{ lookup: guardedLookup(allow), signal, headers: { accept: 'image/*', 'user-agent': 'police-mitan-media' } },
			(res) => {
				const status = res.statusCode ?? 0;
				if (status >= 300 && status < 400 && res.headers.location) {
					res.resume();
					resolve({ redirect: new URL(res.headers.location, u).toString(), status });
					return;
				}
				if (status < 200 || status >= 300) {
					res.resume();
					reject(
						new MitanError('IMAGE_UNREACHABLE', `image ${shown} answered HTTP ${status} / चित्र नहीं मिला`, {
							field: 'image_url',
							url: shown,
							httpStatus: status,
						}),
					);
					return;
				}
				const tooLarge = () =>
					new MitanError('IMAGE_TOO_LARGE', `image ${shown} is larger than ${opts.maxBytes} bytes / चित्र बहुत बड़ा है`, {
						field: 'image_url',
					});
				if (Number(res.headers['content-length'] ?? 0) > opts.maxBytes) {
					res.destroy();
					reject(tooLarge());
					return;
				}
				const chunks: Buffer[] = [];
				let size = 0;
				res.on('data', (c: Buffer) => {
					size += c.length;
					if (size > opts.maxBytes) {
						res.destroy();
						reject(tooLarge());
						return;
					}
					chunks.push(c);
				});
				res.on('end', () => resolve({ status, contentType: res.headers['content-type'], bytes: Buffer.concat(chunks) }));
				res.on('error', () => reject(unreachable(shown, 'the connection broke')));
			},
		);
		req.on('error', (e: NodeJS.ErrnoException) => {
			if (e.code === 'EINTERNAL') reject(unreachable(shown, 'not a public address'));
			else if (signal.aborted) reject(unreachable(shown, 'timed out'));
			else reject(unreachable(shown, 'no answer'));
		});
	});
}

/** GET a caller-chosen URL as a public client would: see the file comment for what is refused. */
export async function fetchPublic(url: string, opts: PublicFetchOptions): Promise<FetchedBody> {
	const allow = opts.unsafeAllowAddressesForTests ?? [];
	const signal = AbortSignal.timeout(opts.timeoutMs ?? 15_000);
	let u = checkUrl(url, url, allow);
	for (let hop = 0; ; hop++) {
		const r = await getOnce(u, url, opts, signal);
		if (r.redirect === undefined) return r as FetchedBody;
		if (hop >= MAX_REDIRECTS) throw unreachable(url, `more than ${MAX_REDIRECTS} redirects`);
		u = checkUrl(r.redirect, url, allow);
	}
}
