import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { approvalRequestText, type Approval, type ContentPreview } from '../../core/approvals';
import { createWhatsAppClient } from '../../core/channels/whatsapp/client';
import type { WhatsAppConfig } from '../../core/channels/whatsapp/types';
import { shortHash } from '../../core/content/hash';

/**
 * Sends the approver the preview and the signed links over WhatsApp (Mitan WhatsApp credential).
 *
 * Free text is what the approver can read and tap; WhatsApp only delivers free text inside the
 * 24-hour window after the approver last wrote to the number. Deployments where the approver does
 * not write daily choose "template" and register a UTILITY template (default name
 * 'approval_request') whose body takes {{1}} title, {{2}} content hash, {{3}} approve link,
 * {{4}} request-changes link, {{5}} reject link.
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
	a: Approval,
	preview: ContentPreview,
	kind: { reminder?: boolean } = {},
): Promise<string> {
	const wa = await client(ctx);
	try {
		const opts = a.messageOptions;
		if (opts.messageType === 'template') {
			const r = await wa.sendTemplate(a.approverPhone!, {
				name: opts.templateName || 'approval_request',
				language: opts.templateLanguage || 'en',
				bodyParams: [preview.title, shortHash(preview.contentHash), a.links.approve!, a.links.changes!, a.links.reject!],
			});
			return r.wamid;
		}
		const r = await wa.sendText(
			a.approverPhone!,
			approvalRequestText(preview, a.links, { deadlineAt: a.deadlineAt, level: a.level, reminder: kind.reminder }),
			{ previewUrl: false },
		);
		return r.wamid;
	} finally {
		wa.close();
	}
}
