import { NodeOperationError, type INodeExecutionData, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import {
	LINK_DECISION,
	MESSAGES,
	OUTPUT_OF,
	buildPreview,
	claimResume,
	decide,
	escalate,
	expire,
	getApproval,
	newNonce,
	planSettle,
	recordPreviewSent,
	recordRefusal,
	recordView,
	renderDecisionPage,
	renderResultPage,
	type Approval,
	type Decision,
	type PageMessage,
} from '../../core/approvals';
import { selectContent } from '../../core/content/repository';
import type { Content } from '../../core/content/types';
import { isMitanError } from '../../core/errors';
import { dbFromCredential } from '../shared/db';
import { signLinks, verifyLink } from './links';
import { sendApprovalMessage } from './whatsapp';

/**
 * The resume webhook of a waiting Mitan Approval execution.
 *   GET  <signed link>  → the bilingual decision page (records that it was viewed; decides nothing,
 *                         so WhatsApp's link-preview fetch cannot approve anything).
 *   POST <signed link>  → records the decision (comment, the hash the approver saw) and resumes
 *                         the execution by the output of that decision.
 *   POST <settle link>  → from the deadline sweep or the dashboard: escalate, expire, or resume a
 *                         decision recorded in the dashboard.
 * Returning no workflowData keeps the execution waiting (refusals, the GET page, escalation).
 */
type Res = ReturnType<IWebhookFunctions['getResponseObject']>;

function html(res: Res, status: number, body: string): IWebhookResponseData {
	res.status(status);
	res.setHeader('content-type', 'text/html; charset=utf-8');
	res.setHeader('cache-control', 'no-store');
	res.setHeader('referrer-policy', 'no-referrer');
	res.send(body);
	return { noWebhookResponse: true };
}

const message = (res: Res, status: number, m: PageMessage) => html(res, status, renderResultPage(m));

function clientIp(ctx: IWebhookFunctions): string | null {
	const req = ctx.getRequestObject();
	const fwd = req.headers['x-forwarded-for'];
	const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim();
	return req.ip || first || req.socket?.remoteAddress || null;
}

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

export async function approvalWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const ip = clientIp(this);
	const db = dbFromCredential(await this.getCredentials('mitanDatabaseApi'));
	const link = verifyLink(this, this.getQueryData() as Record<string, unknown>);
	if (!link.ok) {
		const known = link.nonce ? await getApproval(db, { nonce: link.nonce }) : undefined;
		await recordRefusal(db, { approval: known, reason: link.reason, ip, details: { method: req.method, action: link.action ?? null } });
		return message(res, 403, MESSAGES.invalidLink());
	}
	const a = await getApproval(db, { nonce: link.nonce });
	// A valid signature for a nonce this database never issued, or for another execution: refuse.
	if (!a || (a.executionId !== null && a.executionId !== this.getExecutionId())) {
		await recordRefusal(db, {
			approval: a,
			reason: a ? 'wrong_execution' : 'unknown_nonce',
			ip,
			details: { method: req.method, action: link.action },
		});
		return message(res, 403, MESSAGES.invalidLink());
	}
	if (link.action === 'settle') {
		if (req.method !== 'POST') return message(res, 405, MESSAGES.invalidLink());
		return settle.call(this, a, ip);
	}
	const decision: Decision = LINK_DECISION[link.action];
	const actor = `approver:${a.approver}`;

	if (a.decision !== null) {
		// Decided in the dashboard and not resumed yet: any valid link of the set resumes it with
		// the recorded decision (never the link's own).
		if (req.method === 'POST' && !a.resumedAt && a.decision !== 'escalated') {
			const claimed = await claimResume(db, a.id, actor, ip);
			if (claimed) {
				message(res, 200, MESSAGES.alreadyDecided(a.decision, a.decidedBy));
				return { noWebhookResponse: true, workflowData: outputFor(claimed, await selectContent(db, a.contentId)) };
			}
		}
		await recordRefusal(db, {
			approval: a,
			reason: 'replay',
			ip,
			actor,
			details: { method: req.method, action: link.action, decision: a.decision },
		});
		if (a.decision === 'voided') return message(res, 409, MESSAGES.contentChanged());
		return message(res, 409, MESSAGES.alreadyDecided(a.decision, a.decidedBy));
	}

	const content = await selectContent(db, a.contentId);
	if (!content || content.contentHash !== a.contentHash) {
		await recordRefusal(db, { approval: a, reason: 'content_changed', ip, actor, details: { method: req.method } });
		return message(res, 409, MESSAGES.contentChanged());
	}

	if (req.method === 'GET') {
		await recordView(db, a, ip, String(req.headers['user-agent'] ?? ''));
		const otherLinks: Partial<Record<Decision, string>> = {
			approved: a.links.approve,
			rejected: a.links.reject,
			changes_requested: a.links.changes,
		};
		return html(
			res,
			200,
			renderDecisionPage({
				preview: buildPreview(content),
				decision,
				formAction: req.originalUrl ?? req.url,
				approver: a.approver,
				level: a.level,
				deadlineAt: a.deadlineAt,
				otherLinks,
			}),
		);
	}

	const body = (this.getBodyData() ?? {}) as Record<string, unknown>;
	try {
		const r = await decide(db, {
			nonce: link.nonce,
			decision,
			comment: typeof body.comment === 'string' ? body.comment : null,
			actor,
			ip,
			seenHash: typeof body.contentHash === 'string' ? body.contentHash : '',
			via: 'link',
			resumedNow: true,
		});
		message(res, 200, MESSAGES.recorded(decision, a.contentHash));
		return { noWebhookResponse: true, workflowData: outputFor(r.approval, r.content) };
	} catch (e) {
		if (!isMitanError(e)) throw new NodeOperationError(this.getNode(), e as Error);
		await recordRefusal(db, { approval: a, reason: e.code, ip, actor, details: { method: 'POST', action: link.action } });
		if (e.code === 'APPROVAL_ALREADY_DECIDED')
			return message(res, 409, MESSAGES.alreadyDecided(String(e.details?.decision ?? ''), (e.details?.decidedBy as string) ?? null));
		if (e.code === 'APPROVAL_VOID' || e.code === 'APPROVAL_HASH_MISMATCH' || e.code === 'CONTENT_TAMPERED')
			return message(res, 409, MESSAGES.contentChanged());
		return message(res, e.action === 'fix_input' ? 400 : 409, MESSAGES.error(e.message));
	}
}

async function settle(this: IWebhookFunctions, a: Approval, ip: string | null): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	const db = dbFromCredential(await this.getCredentials('mitanDatabaseApi'));
	const plan = planSettle(a);
	const json = (status: number, body: Record<string, unknown>, workflowData?: INodeExecutionData[][]): IWebhookResponseData => {
		res.status(status).json(body);
		return workflowData ? { noWebhookResponse: true, workflowData } : { noWebhookResponse: true };
	};
	if (plan === 'not_due' || plan === 'already_resumed') return json(409, { settled: false, reason: plan, approvalId: a.id });
	if (plan === 'resume') {
		const claimed = await claimResume(db, a.id, 'system:settle', ip);
		if (!claimed) return json(409, { settled: false, reason: 'already_resumed', approvalId: a.id });
		return json(
			200,
			{ settled: true, action: 'resume', decision: claimed.decision, approvalId: a.id },
			outputFor(claimed, await selectContent(db, a.contentId)),
		);
	}
	if (plan === 'expire') {
		const r = await expire(db, a.id);
		return json(200, { settled: true, action: 'expire', approvalId: a.id }, outputFor(r.approval, r.content));
	}
	// Escalate: a new link set for the second approver on the same waiting execution.
	const nonce = newNonce();
	const { to, preview } = await escalate(db, a.id, { nonce, links: signLinks(this, nonce) });
	try {
		const wamid = await sendApprovalMessage(this, to, preview);
		await recordPreviewSent(db, to, wamid, 'escalation');
	} catch (e) {
		// The level-2 request stands; its own deadline will reject it if nobody can be reached.
		await recordRefusal(db, {
			approval: to,
			reason: 'escalation_send_failed',
			ip,
			actor: 'system:deadline',
			details: { error: (e as Error).message.slice(0, 300) },
		});
	}
	return json(200, { settled: true, action: 'escalate', approvalId: a.id, escalatedTo: to.id, level: to.level });
}
