import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import type { ApprovalMessage } from '../../core/approvals';
import { withWhatsAppClient } from '../shared/whatsapp';

/**
 * Sends an approver the message core composed (core/approvals/message.ts: text or utility
 * template) over the Mitan WhatsApp credential; answers the wamid.
 */
export async function sendApprovalMessage(
	ctx: IExecuteFunctions | IWebhookFunctions,
	to: string,
	message: ApprovalMessage,
): Promise<string> {
	return withWhatsAppClient(ctx, { timeoutMs: 20_000, maxSockets: 2 }, async (wa) => {
		const r =
			message.kind === 'template'
				? await wa.sendTemplate(to, {
						name: message.name,
						language: message.language,
						bodyParams: message.params,
						urlButtonParams: message.urlButtonParams,
					})
				: await wa.sendText(to, message.text, { previewUrl: false });
		return r.wamid;
	});
}
