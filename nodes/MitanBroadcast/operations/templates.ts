import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { createTemplateApi } from '../../../core/channels/whatsapp/template-api';
import { submitAwarenessTemplates } from '../../../core/templates/submit';
import { credentialOfKind } from '../../shared/credentials';
import { getDb } from '../../shared/db';

const show = { show: { operation: ['submitTemplates'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Content ID',
		name: 'templateContentId',
		type: 'number',
		default: 0,
		required: true,
		description:
			"The approved content whose WhatsApp text goes to Meta as one MARKETING template per language (the credential's WhatsApp Business Account ID is used)",
		displayOptions: show,
	},
];

/**
 * After the Additional SP approves: the day's message goes to Meta for template review. Safe to
 * run again (a template already at Meta is looked up, not created twice). Meta's verdict comes
 * back by webhook to the gateway; the 10:00 broadcast sends only an APPROVED template.
 */
export async function submit(this: IExecuteFunctions, i: number) {
	const db = await getDb(this);
	const api = createTemplateApi(await credentialOfKind(this, 'whatsapp'));
	try {
		const contentId = Number(this.getNodeParameter('templateContentId', i));
		return { ...(await submitAwarenessTemplates(db, api, contentId, `n8n:${this.getWorkflow().name ?? this.getWorkflow().id}`)) };
	} finally {
		api.close();
	}
}
