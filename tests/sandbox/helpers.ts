/**
 * Shared test plumbing for the sandbox contract tests: a sandbox on a real socket (port 0),
 * JSON calls over real HTTP, and a webhook receiver that keeps the raw bytes.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { inspectHeaders } from '../../sandbox/inspect-guard';
import { createSandbox, type RunningSandbox, type Sandbox } from '../../sandbox/server';
import type { DeepPartial, SandboxConfig } from '../../sandbox/config';
import { GRAPH_API_VERSION } from '../../core/channels/api';
import { approveStaffTemplates, approveTemplates, TEST_TEMPLATE_NAMES } from '../helpers/templates';

export const PHONE_ID = '100000000000001';
export const WA_TOKEN = 'sandbox-token';
export const PAGE_ID = '300000000000001';
export const PAGE_TOKEN = 'sandbox-page-token';
export const IG_ID = '400000000000001';
export const APP_SECRET = 'sandbox-app-secret';

export interface Started {
	sandbox: Sandbox;
	running: RunningSandbox;
	url: string;
}

/** Inspection tokens of the sandboxes this test process started, by base URL (see call()). */
const tokens = new Map<string, string>();

/** Lets call() reach this sandbox's /_sandbox/* API: startSandbox does it; other starters call it. */
export function trustSandbox(s: { url: string; token: string }): void {
	tokens.set(s.url.replace(/\/+$/, ''), s.token);
}

/**
 * A sandbox on port 0 whose WABA holds the test templates (`templates`, default the whole
 * training set), created through the API and approved by its review, as a district would have
 * them. Review takes `whatsapp.templateReviewMs`, 10 ms here unless the config says otherwise.
 * The shipped staff templates are submitted too (the product's way), for approval links starting
 * `staffLinkBase` (default n8n's localhost:5678). `templates: []` starts with an empty WABA, as a
 * new one at Meta (no staff templates either).
 */
export async function startSandbox(
	config?: DeepPartial<SandboxConfig>,
	opts: { templates?: string[]; staffLinkBase?: string } = {},
): Promise<Started> {
	const templates = opts.templates ?? TEST_TEMPLATE_NAMES;
	// The district's templates exist before the test's webhook receiver listens: their review
	// webhooks belong to the set-up, not to what the test counts.
	const callbackUrl = config?.webhook?.callbackUrl;
	const sandbox = createSandbox({
		...config,
		whatsapp: { templateReviewMs: 10, ...config?.whatsapp },
		webhook: { ...config?.webhook, ...(templates.length ? { callbackUrl: null } : {}) },
	});
	const running = await sandbox.start(0);
	trustSandbox(running);
	if (templates.length) {
		await approveTemplates(running.url, templates);
		await approveStaffTemplates(running.url, opts.staffLinkBase);
		if (callbackUrl) await call(running.url, 'PATCH', '/_sandbox/config', { body: { webhook: { callbackUrl } } });
	}
	return { sandbox, running, url: running.url };
}

export interface CallResult<T = any> {
	status: number;
	body: T;
	headers: Headers;
}

export async function call<T = any>(
	base: string,
	method: string,
	path: string,
	opts: { token?: string; body?: unknown; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<CallResult<T>> {
	// The one place tests authenticate to the inspection API (sandbox/inspect-guard.ts).
	const inspect = path.startsWith('/_sandbox/') ? tokens.get(base.replace(/\/+$/, '')) : undefined;
	const headers: Record<string, string> = { ...(inspect ? inspectHeaders(inspect) : {}), ...(opts.headers ?? {}) };
	if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
	let body: string | undefined;
	if (opts.form) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = new URLSearchParams(opts.form).toString();
	} else if (opts.body !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(opts.body);
	}
	const res = await fetch(base + path, { method, headers, body });
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	return { status: res.status, body: parsed as T, headers: res.headers };
}

export function templateBody(to: string, opts: { name?: string; lang?: string; params?: string[] } = {}): unknown {
	const params = opts.params ?? ['आज का संदेश'];
	return {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		to,
		type: 'template',
		template: {
			name: opts.name ?? 'daily_awareness',
			language: { code: opts.lang ?? 'hi', policy: 'deterministic' },
			components: params.length ? [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }] : [],
		},
	};
}

export function textBody(to: string, text: string): unknown {
	return { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: text, preview_url: false } };
}

export function sendTemplate(base: string, to: string, opts?: { name?: string; lang?: string; params?: string[] }): Promise<CallResult> {
	return call(base, 'POST', `/${GRAPH_API_VERSION}/${PHONE_ID}/messages`, { token: WA_TOKEN, body: templateBody(to, opts) });
}

export interface Received {
	raw: Buffer;
	signature: string | undefined;
	json: any;
}

/** A gateway stand-in: answers with the scripted status codes, then 200; keeps every raw body. */
export class Receiver {
	received: Received[] = [];
	gets: URL[] = [];
	script: number[] = [];
	verifyToken = 'sandbox-verify-token';
	private server = http.createServer((req, res) => {
		if (req.method === 'GET') {
			const u = new URL(req.url ?? '/', 'http://x');
			this.gets.push(u);
			if (u.searchParams.get('hub.mode') === 'subscribe' && u.searchParams.get('hub.verify_token') === this.verifyToken) {
				res.writeHead(200, { 'content-type': 'text/plain' }).end(u.searchParams.get('hub.challenge') ?? '');
			} else {
				res.writeHead(403).end('forbidden');
			}
			return;
		}
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const status = this.script.length ? (this.script.shift() as number) : 200;
			if (status === 200) {
				this.received.push({
					raw,
					signature: req.headers['x-hub-signature-256'] as string | undefined,
					json: JSON.parse(raw.toString('utf8')),
				});
			}
			res.writeHead(status).end();
		});
	});
	url = '';

	async start(): Promise<string> {
		await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/whatsapp`;
		return this.url;
	}

	close(): Promise<void> {
		this.server.closeAllConnections();
		return new Promise((r) => this.server.close(() => r()));
	}

	/** All status objects received so far, flattened. */
	statuses(): any[] {
		return this.received.flatMap((r) => r.json.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? [])));
	}

	async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
		const end = Date.now() + timeoutMs;
		while (!pred()) {
			if (Date.now() > end) throw new Error('timed out waiting for webhooks');
			await new Promise((r) => setTimeout(r, 10));
		}
	}
}

/** The check a gateway must do: HMAC-SHA256 of the raw bytes, constant-time compare. */
export function validSignature(raw: Buffer, header: string | undefined, secret = APP_SECRET): boolean {
	if (!header) return false;
	const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(raw).digest('hex'));
	const given = Buffer.from(header);
	return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Serves the images Meta's crawler would fetch: a good JPEG, a PNG, HTML, a 404, a redirect, a too-wide JPEG. */
export async function startImageServer(): Promise<{ url: string; close(): Promise<void>; hits: string[]; streamed: { bytes: number } }> {
	const sharp = (await import('sharp')).default;
	const jpeg = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: '#1a4d8f' } })
		.jpeg()
		.toBuffer();
	const png = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: '#1a4d8f' } })
		.png()
		.toBuffer();
	const wide = await sharp({ create: { width: 2000, height: 500, channels: 3, background: '#000' } })
		.jpeg()
		.toBuffer();
	const hits: string[] = [];
	const streamed = { bytes: 0 };
	const server = http.createServer((req, res) => {
		hits.push(req.url ?? '');
		const u = new URL(req.url ?? '/', 'http://x');
		if (u.pathname === '/redirect-to') {
			res.writeHead(302, { location: u.searchParams.get('u') ?? '/' }).end();
			return;
		}
		if (u.pathname === '/endless.jpg') {
			// Chunked, no content-length, 64 MB if nobody hangs up: counts what it managed to send.
			res.writeHead(200, { 'content-type': 'image/jpeg' });
			const chunk = Buffer.alloc(1 << 20, 0xff);
			let left = 64;
			const more = (): void => {
				while (left > 0 && !res.destroyed) {
					left--;
					streamed.bytes += chunk.length;
					if (!res.write(chunk)) return void res.once('drain', more);
				}
				if (!res.destroyed) res.end();
			};
			res.on('close', () => (left = 0));
			more();
			return;
		}
		if (u.pathname === '/ok.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
		else if (u.pathname === '/img.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
		else if (u.pathname === '/png-named.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(png);
		else if (u.pathname === '/wide.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(wide);
		else if (u.pathname === '/page.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
		else if (u.pathname === '/redirect.jpg') res.writeHead(302, { location: '/ok.jpg' }).end();
		else res.writeHead(404).end('not found');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		hits,
		streamed,
		close: () => {
			server.closeAllConnections();
			return new Promise((r) => server.close(() => r()));
		},
	};
}
