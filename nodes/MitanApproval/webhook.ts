import { NodeOperationError, type INodeExecutionData, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { answerApprovalWebhook, OUTPUT_OF, type Approval } from '../../core/approvals';
import { clientIp } from '../../core/client-ip';
import type { Content } from '../../core/content/types';
import { isMitanError } from '../../core/errors';
import { dbFromCredential } from '../shared/db';
import { sendApprovalMessage } from './whatsapp';

/**
 * The resume webhook of a waiting Mitan Approval execution: n8n's request in, core's answer out
 * (core/approvals/webhook-flow.ts holds the decision flow). No workflowData keeps it waiting.
 */
export async function approvalWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const answer = await answerApprovalWebhook(
		{
			method: req.method,
			query: this.getQueryData() as Record<string, unknown>,
			body: (this.getBodyData() ?? {}) as Record<string, unknown>,
			ip: clientIp(req),
			userAgent: String(req.headers['user-agent'] ?? ''),
			url: req.originalUrl ?? req.url,
			executionId: this.getExecutionId(),
		},
		{
			db: dbFromCredential(await this.getCredentials('mitanDatabaseApi')),
			signer: this,
			send: (to, message) => sendApprovalMessage(this, to, message),
		},
	).catch((e: unknown) => {
		throw isMitanError(e) ? e : new NodeOperationError(this.getNode(), e as Error);
	});
	res.status(answer.status);
	if (answer.json) res.json(answer.json);
	else {
		res.setHeader('content-type', 'text/html; charset=utf-8');
		res.setHeader('cache-control', 'no-store');
		res.setHeader('referrer-policy', 'no-referrer');
		res.send(answer.html ?? '');
	}
	return answer.resume
		? { noWebhookResponse: true, workflowData: outputFor(answer.resume.approval, answer.resume.content) }
		: { noWebhookResponse: true };
}

/** The decided row as one item on the output its outcome leaves by (0 approved, 1 rejected, 2 changes). */
export function outputFor(a: Approval, content: Content | undefined): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = [[], [], []];
	const decision = a.decision!;
	outputs[OUTPUT_OF[decision]].push({
		json: {
			decision,
			approved: decision === 'approved',
			contentId: a.contentId,
			approvalId: a.id,
			level: a.level,
			approver: a.approver,
			comment: a.comment,
			decidedBy: a.decidedBy,
			decidedAt: a.decidedAt?.toISOString() ?? null,
			decidedVia: a.decidedVia,
			contentHash: a.contentHash,
			title: content?.title ?? null,
			contentState: content?.state ?? null,
		},
		pairedItem: { item: 0 },
	});
	return outputs;
}
