/**
 * Who may use the inspection API (/_sandbox/*): it can forge signed citizen messages (a STOP that
 * opts a real subscriber out of the training database), reset the sandbox and read what was sent.
 * So, in this order:
 * - loopback peers only (the sandbox binds 127.0.0.1 by default; this holds if SANDBOX_HOST widens it);
 * - no browser: a request with an Origin header is refused, so no web page an officer has open can
 *   post here, and no CORS header is ever sent;
 * - the per-start token in the x-sandbox-token header (generated, or SANDBOX_TOKEN; `npm start`
 *   keeps it in <dataDir>/sandbox.token, mode 600).
 * Meta's and X's own paths are not affected: they check their own access tokens like the real APIs.
 */
import { timingSafeEqual } from 'crypto';
import type { NextFunction, Request, Response } from 'express';

export const SANDBOX_TOKEN_HEADER = 'x-sandbox-token';

/** The headers a client of the inspection API sends: the one helper tests, benchmarks and scripts use. */
export function inspectHeaders(token: string): Record<string, string> {
	return { [SANDBOX_TOKEN_HEADER]: token };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export function inspectGuard(token: string) {
	const expected = Buffer.from(token);
	return (req: Request, res: Response, next: NextFunction): void => {
		if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) {
			res.status(403).json({ error: 'the sandbox inspection API answers local processes only' });
			return;
		}
		if (req.headers.origin !== undefined) {
			res.status(403).json({ error: 'the sandbox inspection API does not answer browsers (Origin header present)' });
			return;
		}
		const given = Buffer.from(String(req.headers[SANDBOX_TOKEN_HEADER] ?? ''));
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
			res.status(401).json({ error: `the sandbox inspection API needs its token in the ${SANDBOX_TOKEN_HEADER} header` });
			return;
		}
		next();
	};
}

const SECRET_KEY = /secret|token|password/i;

/** A copy of the config fit to show: every secret-looking value (app secret, access tokens) replaced. */
export function redactSecrets<T>(value: T): T {
	const walk = (v: unknown, key = ''): unknown => {
		if (SECRET_KEY.test(key) && v !== null && typeof v !== 'object') return '***';
		if (SECRET_KEY.test(key) && Array.isArray(v)) return v.map(() => '***');
		if (Array.isArray(v)) return v.map((x) => walk(x));
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
		return v;
	};
	return walk(value) as T;
}
