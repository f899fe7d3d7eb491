/**
 * The address a request came from, as the HTTP server resolved it: `req.ip` honours the server's
 * trust-proxy setting (the dashboard trusts loopback proxies; n8n its own N8N_PROXY_HOPS), so
 * X-Forwarded-For is never read here: only the server knows which proxies to believe.
 * IPv4-mapped IPv6 (::ffff:10.0.0.5) is shown as IPv4. Null when the socket is gone.
 */
export function clientIp(req: { ip?: string; socket?: { remoteAddress?: string } | null }): string | null {
	const ip = req.ip || req.socket?.remoteAddress;
	return ip ? ip.replace(/^::ffff:/, '') : null;
}
