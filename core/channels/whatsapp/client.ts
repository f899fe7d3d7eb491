/**
 * WhatsApp Cloud API client: the one implementation of WhatsAppSender.
 *
 * Uses node:http(s) with a keep-alive agent rather than global fetch: a 1,000 msg/s broadcast
 * spends most of its CPU in the HTTP stack, and a plain keep-alive agent is measurably cheaper
 * per request and lets us tell "never reached the server" (safe to resend) from "sent, answer lost"
 * (in doubt) — see WhatsAppApiError.mayHaveBeenSent.
 */
import http from 'node:http';
import https from 'node:https';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '../api';
import { MitanError } from '../../errors';
import { waDigits } from '../../phone';
import { parseGraphError, WhatsAppApiError } from './errors';
import type { SendResult, TemplateMessage, WhatsAppConfig, WhatsAppSender } from './types';

export { WhatsAppApiError, isWhatsAppApiError, classifyWhatsAppCode } from './errors';

export interface WhatsAppClientOptions {
	/** Per-request timeout (ms). A timeout after the request was written counts as "may have been sent". */
	timeoutMs?: number;
	/** Open sockets to the API at most (default 64). */
	maxSockets?: number;
}

export interface PhoneNumberInfo {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	quality_rating?: string;
	throughput?: { level?: string };
	[key: string]: unknown;
}

export interface WhatsAppClient extends WhatsAppSender {
	readonly baseUrl: string;
	readonly graphVersion: string;
	readonly phoneNumberId: string;
	/** GET /{version}/{phone-number-id}: what the credential test calls. */
	getPhoneNumber(): Promise<PhoneNumberInfo>;
	/** Free the keep-alive sockets. */
	close(): void;
}

interface RawResponse {
	status: number;
	body: unknown;
}

export function createWhatsAppClient(config: WhatsAppConfig, options: WhatsAppClientOptions = {}): WhatsAppClient {
	if (!config || typeof config.accessToken !== 'string' || config.accessToken.trim() === '') {
		throw new MitanError('WHATSAPP_CONFIG_INVALID', 'WhatsApp access token is missing (credential field "accessToken")');
	}
	if (typeof config.phoneNumberId !== 'string' || !/^\d+$/.test(config.phoneNumberId.trim())) {
		throw new MitanError(
			'WHATSAPP_CONFIG_INVALID',
			`WhatsApp phone number id must be digits (credential field "phoneNumberId"), got "${String(config.phoneNumberId)}"`,
		);
	}
	const baseUrl = (config.baseUrl && config.baseUrl.trim() !== '' ? config.baseUrl.trim() : GRAPH_BASE_URL).replace(/\/+$/, '');
	const graphVersion = config.graphVersion && config.graphVersion.trim() !== '' ? config.graphVersion.trim() : GRAPH_API_VERSION;
	if (!/^v\d+\.\d+$/.test(graphVersion)) {
		throw new MitanError(
			'WHATSAPP_CONFIG_INVALID',
			`Graph API version must look like "v25.0" (credential field "graphVersion"), got "${graphVersion}"`,
		);
	}
	let base: URL;
	try {
		base = new URL(baseUrl);
	} catch {
		throw new MitanError('WHATSAPP_CONFIG_INVALID', `WhatsApp base URL is not a URL (credential field "baseUrl"): "${baseUrl}"`);
	}
	if (base.protocol !== 'http:' && base.protocol !== 'https:') {
		throw new MitanError('WHATSAPP_CONFIG_INVALID', `WhatsApp base URL must be http(s) (credential field "baseUrl"): "${baseUrl}"`);
	}
	const phoneNumberId = config.phoneNumberId.trim();
	const token = config.accessToken.trim();
	const timeoutMs = options.timeoutMs ?? 30_000;
	const isHttps = base.protocol === 'https:';
	const agent = isHttps
		? new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 })
		: new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
	const prefix = base.pathname.replace(/\/+$/, '');

	function request(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<RawResponse> {
		const where = `${method} ${path}`;
		const data = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
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
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('error', (err) => reject(new WhatsAppApiError({ metaMessage: err.message, mayHaveBeenSent: true }, where)));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						let body: unknown = undefined;
						try {
							body = text === '' ? undefined : JSON.parse(text);
						} catch {
							body = undefined;
						}
						resolve({ status: res.statusCode ?? 0, body });
					});
				},
			);
			req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
			req.on('finish', () => {
				written = true;
			});
			req.on('error', (err: NodeJS.ErrnoException) => {
				// Refused / DNS failures never reached Meta; anything after the body was written may have.
				const neverSent = !written || err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN';
				reject(
					new WhatsAppApiError({ metaMessage: err.code ? `${err.code} ${err.message}` : err.message, mayHaveBeenSent: !neverSent }, where),
				);
			});
			if (data) req.end(data);
			else req.end();
		});
	}

	async function send(message: Record<string, unknown>): Promise<SendResult> {
		const path = `/${graphVersion}/${phoneNumberId}/messages`;
		const res = await request('POST', path, { messaging_product: 'whatsapp', recipient_type: 'individual', ...message });
		if (res.status < 200 || res.status >= 300) throw parseGraphError(res.status, res.body, `POST ${path}`);
		const body = res.body as { messages?: Array<{ id?: unknown }>; contacts?: Array<{ wa_id?: unknown }> } | undefined;
		const wamid = body?.messages?.[0]?.id;
		if (typeof wamid !== 'string' || wamid === '') {
			// Accepted (2xx) but no id: the message may exist; the caller must treat it as in doubt.
			throw new WhatsAppApiError(
				{ httpStatus: res.status, metaMessage: 'response has no messages[0].id', mayHaveBeenSent: true },
				`POST ${path}`,
			);
		}
		const waId = body?.contacts?.[0]?.wa_id;
		return { wamid, ...(typeof waId === 'string' ? { waId } : {}) };
	}

	function toDigits(to: string): string {
		const digits = waDigits(to);
		if (digits === null) {
			throw new MitanError('WHATSAPP_RECIPIENT_INVALID', `recipient "${String(to)}" is not an E.164 number (field "to")`);
		}
		return digits;
	}

	return {
		baseUrl,
		graphVersion,
		phoneNumberId,
		async sendTemplate(to: string, template: TemplateMessage): Promise<SendResult> {
			if (!template || typeof template.name !== 'string' || template.name.trim() === '') {
				throw new MitanError('WHATSAPP_TEMPLATE_INVALID', 'template name is missing (field "template.name")');
			}
			if (typeof template.language !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(template.language)) {
				throw new MitanError(
					'WHATSAPP_TEMPLATE_INVALID',
					`template language must be a Meta code like "hi" or "en_US" (field "template.language"), got "${String(template.language)}"`,
				);
			}
			const components: unknown[] = [];
			if (template.headerImageUrl)
				components.push({ type: 'header', parameters: [{ type: 'image', image: { link: template.headerImageUrl } }] });
			if (template.bodyParams && template.bodyParams.length > 0) {
				components.push({ type: 'body', parameters: template.bodyParams.map((text) => ({ type: 'text', text: String(text) })) });
			}
			return send({
				to: toDigits(to),
				type: 'template',
				template: {
					name: template.name,
					language: { code: template.language, policy: 'deterministic' },
					...(components.length ? { components } : {}),
				},
			});
		},
		async sendText(to: string, body: string, opts: { previewUrl?: boolean } = {}): Promise<SendResult> {
			if (typeof body !== 'string' || body.trim() === '') {
				throw new MitanError('WHATSAPP_TEXT_INVALID', 'message text is empty (field "body")');
			}
			if (body.length > 4096) {
				throw new MitanError('WHATSAPP_TEXT_INVALID', `message text is ${body.length} characters; WhatsApp allows 4,096 (field "body")`);
			}
			return send({ to: toDigits(to), type: 'text', text: { body, preview_url: opts.previewUrl ?? false } });
		},
		async getPhoneNumber(): Promise<PhoneNumberInfo> {
			const path = `/${graphVersion}/${phoneNumberId}`;
			const res = await request('GET', path);
			if (res.status < 200 || res.status >= 300) throw parseGraphError(res.status, res.body, `GET ${path}`);
			return res.body as PhoneNumberInfo;
		},
		close(): void {
			agent.destroy();
		},
	};
}
