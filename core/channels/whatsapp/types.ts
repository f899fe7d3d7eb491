/**
 * The WhatsApp Cloud API surface the rest of the project relies on. client.ts implements it;
 * the broadcast sender, the approval node (preview to the approver), the gateway (opt-out
 * confirmations) and the complaint flow (replies) all send through it.
 */
export interface WhatsAppConfig {
	accessToken: string;
	phoneNumberId: string;
	wabaId?: string;
	appSecret?: string;
	/** Defaults to GRAPH_API_VERSION in core/channels/api.ts. */
	graphVersion?: string;
	/** Defaults to GRAPH_BASE_URL; point it at the sandbox for training and tests. */
	baseUrl?: string;
}

export interface TemplateMessage {
	name: string;
	/** Meta language code: 'hi', 'en', 'en_US'... */
	language: string;
	bodyParams?: string[];
	headerImageUrl?: string;
	/** biz_opaque_callback_data (≤ 512 characters): Meta echoes it in every status of the message. */
	callbackData?: string;
}

export interface SendResult {
	wamid: string;
	waId?: string;
}

export interface WhatsAppSender {
	sendTemplate(to: string, template: TemplateMessage): Promise<SendResult>;
	/** Free text: only inside the 24 h customer-service window (replies to a citizen). */
	sendText(to: string, body: string, opts?: { previewUrl?: boolean }): Promise<SendResult>;
}
