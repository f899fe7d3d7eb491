import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import type { ApprovalMessage } from '../../core/approvals';
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import type { WhatsAppConfig } from '../../core/channels/whatsapp/types';

/**
 * Sends an approver the message core composed (core/approvals/message.ts: text or utility
 * template) over the Mitan WhatsApp credential; answers the wamid.
 */
async function client(ctx: IExecuteFunctions | IWebhookFunctions) {
	const c = await ctx.getCredentials('mitanWhatsAppApi');
	const config: WhatsAppConfig = {
		accessToken: String(c.accessToken ?? ''),
		phoneNumberId: String(c.phoneNumberId ?? ''),
		graphVersion: c.graphVersion ? String(c.graphVersion) : undefined,
		baseUrl: c.baseUrl ? String(c.baseUrl) : undefined,
	};
	return createWhatsAppClient(config, { timeoutMs: 20_000, maxSockets: 2 });
}

export async function sendApprovalMessage(
	ctx: IExecuteFunctions | IWebhookFunctions,
	to: string,
	message: ApprovalMessage,
): Promise<string> {
	const wa = await client(ctx);
	try {
		const r =
			message.kind === 'template'
				? await wa.sendTemplate(to, { name: message.name, language: message.language, bodyParams: message.params })
				: await wa.sendText(to, message.text, { previewUrl: false });
		return r.wamid;
	} finally {
		wa.close();
	}
}
