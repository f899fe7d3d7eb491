/**
 * The WhatsApp Cloud API surface the rest of the project relies on. client.ts implements it;
 * the broadcast sender, the approval node (preview to the approver), the gateway (opt-out
 * confirmations) and the complaint flow (replies) all send through it.
 */
export interface WhatsAppConfig {
	accessToken: string;
	phoneNumberId: string;
	wabaId?: string;
	/** The Meta app id: its Resumable Upload API gives a template's header image its handle. */
	appId?: string;
	appSecret?: string;
	/** Defaults to GRAPH_API_VERSION in core/channels/api.ts. */
	graphVersion?: string;
	/** Defaults to GRAPH_BASE_URL; point it at the sandbox for training and tests. */
	baseUrl?: string;
	/**
	 * Send marketing templates through Meta's Marketing Messages API (POST /marketing_messages,
	 * higher delivery), falling back to /messages while the portfolio is not onboarded. Per number
	 * (the credential's "Use Marketing Messages API"); default off.
	 */
	marketingMessages?: boolean;
}

export interface TemplateMessage {
	name: string;
	/** Meta language code: 'hi', 'en', 'en_US'... */
	language: string;
	bodyParams?: string[];
	headerImageUrl?: string;
	/** biz_opaque_callback_data (≤ 512 characters): Meta echoes it in every status of the message. */
	callbackData?: string;
	/** A MARKETING-category template: may go through the Marketing Messages API (WhatsAppConfig.marketingMessages). */
	marketing?: boolean;
	/** The variable suffix of each URL button, by button index (the approval link: staff-templates.ts). */
	urlButtonParams?: string[];
}

export interface SendResult {
	wamid: string;
	waId?: string;
	/** The endpoint that took it: /messages, or the Marketing Messages API. */
	endpoint?: 'messages' | 'marketing_messages';
}

export interface WhatsAppSender {
	sendTemplate(to: string, template: TemplateMessage): Promise<SendResult>;
	/** Free text: only inside the 24 h customer-service window (replies to a citizen). */
	sendText(to: string, body: string, opts?: { previewUrl?: boolean }): Promise<SendResult>;
}

/** What the conversation sends besides text: reply buttons and list messages (free-form, 24 h window). */
export interface ConversationSender extends WhatsAppSender {
	sendInteractive(to: string, message: import('./interactive').Interactive): Promise<SendResult>;
}

/** Reads media a citizen sent (core/channels/whatsapp/media.ts). */
export interface MediaReader {
	getMedia(mediaId: string): Promise<import('./media').MediaInfo>;
	downloadMedia(info: import('./media').MediaInfo): Promise<Buffer>;
}
