import { isIP } from 'net';
import { MitanError } from './errors';

/**
 * The address a request came from, and which proxies may tell us another one.
 *
 * `req.ip` is the server's resolution: Express believes X-Forwarded-For only from the hops in its
 * 'trust proxy' setting, and that setting is `trustProxySetting(config.trustedProxies)`: by default
 * nobody (issue 18, finding 3: trusting every loopback peer let anything behind a local tunnel
 * choose its own address, in the login limit and the audit log). n8n uses its own N8N_PROXY_HOPS.
 * X-Forwarded-For is never read here. IPv4-mapped IPv6 (::ffff:10.0.0.5) is shown as IPv4. Null
 * when the socket is gone.
 */
export function clientIp(req: { ip?: string; socket?: { remoteAddress?: string } | null }): string | null {
	const ip = req.ip || req.socket?.remoteAddress;
	return ip ? ip.replace(/^::ffff:/, '') : null;
}

/** Names Express (proxy-addr) knows for address ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * MITAN_TRUSTED_PROXIES: a comma-separated list of the proxies in front of the app (addresses,
 * CIDR ranges or loopback / linklocal / uniquelocal). Each must overwrite X-Forwarded-For, not
 * pass on what the client sent. Refused with the entry named when one is not an address.
 */
export function parseTrustedProxies(raw: string | undefined): string[] {
	if (raw === undefined || raw.trim() === '') return [];
	return raw
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map((entry) => {
			const [addr, bits, extra] = entry.split('/');
			const family = isIP(addr);
			const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
			if (RANGE_NAMES.includes(entry) || (family !== 0 && okBits && extra === undefined)) return entry;
			throw new MitanError(
				'CONFIG_INVALID',
				`MITAN_TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range or one of ${RANGE_NAMES.join(', ')}`,
				{ field: 'MITAN_TRUSTED_PROXIES' },
			);
		});
}

/** The value for Express's 'trust proxy': false (trust no one) unless proxies are configured. */
export function trustProxySetting(trusted: readonly string[]): false | string[] {
	return trusted.length === 0 ? false : [...trusted];
}
