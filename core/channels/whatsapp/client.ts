/**
 * WhatsApp Cloud API client: the one implementation of WhatsAppSender. Three parts, each in its
 * own file: the credential checked (config.ts), the HTTP (transport.ts), the message bodies
 * (messages.ts); this file sends them and reads Meta's answer.
 */
import { resolveWhatsAppConfig } from './config';
import { MM_API_NOT_ONBOARDED_CODE, whatsappErrorFrom, WhatsAppApiError } from './errors';
import { interactiveMessage, type Interactive } from './interactive';
import { downloadMedia, mediaInfoFrom, type MediaInfo } from './media';
import { templateMessage, textMessage } from './messages';
import { limitsFromPhoneNumber, NUMBER_LIMIT_FIELDS, type NumberLimits } from './limits';
import { createTransport, type TransportOptions } from './transport';
import type { ConversationSender, MediaReader, SendResult, TemplateMessage, WhatsAppConfig } from './types';

export { WhatsAppApiError, isWhatsAppApiError, whatsappAction } from './errors';

export type WhatsAppClientOptions = TransportOptions;

export interface PhoneNumberInfo {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	quality_rating?: string;
	throughput?: { level?: string };
	[key: string]: unknown;
}

export interface WhatsAppClient extends ConversationSender, MediaReader {
	readonly baseUrl: string;
	readonly graphVersion: string;
	readonly phoneNumberId: string;
	/** Whether marketing templates go through the Marketing Messages API now (off after Meta said "not onboarded"). */
	readonly marketingMessages: boolean;
	/** GET /{version}/{phone-number-id}: what the credential test calls. */
	getPhoneNumber(): Promise<PhoneNumberInfo>;
	/** The number's tier, quality rating and throughput, as Meta reports them now. */
	getNumberLimits(): Promise<NumberLimits>;
	/** Free the keep-alive sockets. */
	close(): void;
}

const ok = (status: number) => status >= 200 && status < 300;

export function createWhatsAppClient(config: WhatsAppConfig, options: WhatsAppClientOptions = {}): WhatsAppClient {
	const c = resolveWhatsAppConfig(config);
	const transport = createTransport(c.base, c.token, options);
	const messagesPath = `/${c.graphVersion}/${c.phoneNumberId}/messages`;
	const marketingPath = `/${c.graphVersion}/${c.phoneNumberId}/marketing_messages`;
	// Per number: on until Meta says the portfolio is not onboarded, then /messages for this client's life.
	let viaMarketing = config.marketingMessages === true;

	async function send(message: Record<string, unknown>, path = messagesPath): Promise<SendResult> {
		const res = await transport.request('POST', path, { messaging_product: 'whatsapp', recipient_type: 'individual', ...message });
		if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `POST ${path}`);
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
		return { wamid, ...(typeof waId === 'string' ? { waId } : {}), endpoint: path === marketingPath ? 'marketing_messages' : 'messages' };
	}

	/** A marketing template through the Marketing Messages API when on; a clean fall-back to /messages when Meta says not onboarded. */
	async function sendTemplate(to: string, template: TemplateMessage): Promise<SendResult> {
		const message = templateMessage(to, template);
		if (!viaMarketing || !template.marketing) return send(message);
		try {
			return await send(message, marketingPath);
		} catch (e) {
			// Refused before anything was sent: the same message through /messages is not a duplicate.
			if (!(e instanceof WhatsAppApiError) || e.metaCode !== MM_API_NOT_ONBOARDED_CODE) throw e;
			viaMarketing = false;
			return send(message);
		}
	}

	return {
		baseUrl: c.baseUrl,
		graphVersion: c.graphVersion,
		phoneNumberId: c.phoneNumberId,
		get marketingMessages() {
			return viaMarketing;
		},
		sendTemplate,
		sendText: async (to: string, body: string, opts: { previewUrl?: boolean } = {}) => send(textMessage(to, body, opts)),
		sendInteractive: async (to: string, m: Interactive) => send(interactiveMessage(to, m)),
		async getMedia(mediaId: string): Promise<MediaInfo> {
			const path = `/${c.graphVersion}/${encodeURIComponent(mediaId)}`;
			const res = await transport.request('GET', path);
			if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `GET ${path}`);
			return mediaInfoFrom(res.body, mediaId);
		},
		downloadMedia: (info: MediaInfo) => downloadMedia(c.base, c.token, info),
		async getPhoneNumber(): Promise<PhoneNumberInfo> {
			const path = `/${c.graphVersion}/${c.phoneNumberId}`;
			const res = await transport.request('GET', path);
			if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `GET ${path}`);
			return res.body as PhoneNumberInfo;
		},
		async getNumberLimits(): Promise<NumberLimits> {
			const path = `/${c.graphVersion}/${c.phoneNumberId}?fields=${NUMBER_LIMIT_FIELDS}`;
			const res = await transport.request('GET', path);
			if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `GET ${path}`);
			return limitsFromPhoneNumber((res.body ?? {}) as Record<string, unknown>);
		},
		close: () => transport.close(),
	};
}
