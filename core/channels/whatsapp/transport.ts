/**
 * HTTP to the Graph API for WhatsApp. node:http(s) with a keep-alive agent rather than global
 * fetch: a 1,000 msg/s broadcast spends most of its CPU in the HTTP stack, a plain keep-alive agent
 * is measurably cheaper per request, and node:http tells us whether the request was written, so
 * "never reached the server" (safe to resend) is told apart from "sent, answer lost" (in doubt).
 */
import http from 'node:http';
import https from 'node:https';
import { trimBase } from '../../url';
import { neverReachedServer } from '../network';
import { WhatsAppApiError } from './errors';

export interface RawResponse {
	status: number;
	/** Parsed JSON; undefined when the body is empty or not JSON. */
	body: unknown;
}

export interface GraphTransport {
	/** `raw`: bytes sent as they are (the Resumable Upload API's file), with the headers that describe them. */
	request(method: 'GET' | 'POST', path: string, payload?: unknown, raw?: RawBody): Promise<RawResponse>;
	/** Free the keep-alive sockets. */
	close(): void;
}

export interface RawBody {
	bytes: Buffer;
	headers: Record<string, string>;
}

export interface TransportOptions {
	/** Per-request timeout (ms). A timeout after the request was written counts as "may have been sent". */
	timeoutMs?: number;
	/** Open sockets at most (default 64). */
	maxSockets?: number;
}

function parse(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export function createTransport(base: URL, token: string, options: TransportOptions = {}): GraphTransport {
	const timeoutMs = options.timeoutMs ?? 30_000;
	const isHttps = base.protocol === 'https:';
	const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
	const agent = isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
	const prefix = trimBase(base.pathname);

	function request(method: 'GET' | 'POST', path: string, payload?: unknown, raw?: RawBody): Promise<RawResponse> {
		const where = `${method} ${path}`;
		const data = raw ? raw.bytes : payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
		return new Promise<RawResponse>((resolve, reject) => {
			let written = false;
			const req = (isHttps ? https : http).request(
				{
					protocol: base.protocol,
					hostname: base.hostname,
					port: base.port || undefined,
					path: `${prefix}${path}`,
					method,
					agent,
					headers: {
						authorization: `Bearer ${token}`,
						accept: 'application/json',
						...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}),
						...raw?.headers,
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('error', (err) => reject(new WhatsAppApiError({ metaMessage: err.message, mayHaveBeenSent: true }, where)));
					res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parse(Buffer.concat(chunks).toString('utf8')) }));
				},
			);
			req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
			req.on('finish', () => {
				written = true;
			});
			req.on('error', (err: NodeJS.ErrnoException) => {
				const sent = !neverReachedServer({ code: err.code, requestWritten: written });
				reject(new WhatsAppApiError({ metaMessage: err.code ? `${err.code} ${err.message}` : err.message, mayHaveBeenSent: sent }, where));
			});
			if (data) req.end(data);
			else req.end();
		});
	}

	return { request, close: () => agent.destroy() };
}
