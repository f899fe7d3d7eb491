/**
 * A WhatsApp client from the node's Mitan WhatsApp credential: the one place nodes make one
 * (broadcast, alerts, complaint replies, the approval request).
 */
import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { createWhatsAppClient, type WhatsAppClient, type WhatsAppClientOptions } from '../../core/channels/whatsapp/client';
import { assertNoLivePlaceholder } from '../../core/channels/whatsapp/placeholders';
import { credentialOfKind } from './credentials';

export async function whatsAppClient(ctx: IExecuteFunctions | IWebhookFunctions, options?: WhatsAppClientOptions): Promise<WhatsAppClient> {
	return createWhatsAppClient(await credentialOfKind(ctx, 'whatsapp'), options);
}

/** Runs `fn` with a client and always frees its sockets. */
export async function withWhatsAppClient<T>(
	ctx: IExecuteFunctions | IWebhookFunctions,
	options: WhatsAppClientOptions,
	fn: (wa: WhatsAppClient) => Promise<T>,
): Promise<T> {
	const wa = await whatsAppClient(ctx, options);
	try {
		return await fn(wa);
	} finally {
		wa.close();
	}
}

/**
 * Refuses a live WhatsApp credential while `phones` (node parameter `field`) holds a placeholder
 * staff number; the rule is core's (core/channels/whatsapp/placeholders.ts), the names are n8n's.
 */
export async function refuseLivePlaceholders(
	ctx: IExecuteFunctions | IWebhookFunctions,
	phones: readonly string[],
	field: string,
): Promise<void> {
	const config = await credentialOfKind(ctx, 'whatsapp');
	assertNoLivePlaceholder(config, phones, { workflow: ctx.getWorkflow().name, node: ctx.getNode().name, field });
}
