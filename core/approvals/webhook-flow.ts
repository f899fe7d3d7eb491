import type { Db } from '../db';
import { httpStatusOf, isMitanError, MitanError, type CatalogueCode } from '../errors';
import { selectContent } from '../content/repository';
import type { Content } from '../content/types';
import { districtTimeZone } from '../districts';
import { claimResume, decide } from './decide';
import { settle } from './deadline';
import { recordRefusal, recordView } from './events';
import { signLinks, verifyLink, type Signer } from './links';
import type { ApproverMessenger } from './message';
import { RESULT_MESSAGES, renderDecisionPage, renderResultPage, type PageMessage } from './page';
import { buildPreview } from './preview';
import { selectApproval } from './repository';
import { LINK_DECISION, type Approval, type Decision } from './types';

/**
 * The resume webhook of a waiting Mitan Approval execution, without n8n:
 *   GET  <signed link>  → the bilingual decision page (records that it was viewed; decides nothing,
 *                         so WhatsApp's link-preview fetch cannot approve anything).
 *   POST <signed link>  → records the decision (comment, the hash the approver saw) and resumes
 *                         the execution by the output of that decision.
 *   POST <settle link>  → from the deadline sweep or the dashboard: escalate, expire, or resume a
 *                         decision recorded in the dashboard.
 * An answer without `resume` keeps the execution waiting (refusals, the GET page, escalation).
 * Every status comes from the error catalogue (httpStatusOf), as on every other URL.
 */
export interface WebhookCall {
	method: string;
	query: Record<string, unknown>;
	body: Record<string, unknown>;
	ip: string | null;
	userAgent: string;
	/** The signed URL as requested: the decision form posts back to it. */
	url: string;
	/** The waiting execution this node runs in: a link of another execution is refused. */
	executionId: string;
}

export interface WebhookPorts {
	db: Db;
	/** n8n's signer (getSignedResumeUrl): checks the link, signs an escalation's new links. */
	signer: Signer;
	/** Sends an escalation's preview to the second approver. */
	send: ApproverMessenger;
}

export interface WebhookAnswer {
	status: number;
	/** The page to show (decision page or result page); the settle link answers `json`. */
	html?: string;
	json?: Record<string, unknown>;
	/** Resume the waiting execution with this outcome: the node shapes its output items. */
	resume?: { approval: Approval; content: Content | undefined };
}

const page = (code: CatalogueCode | null, m: PageMessage): WebhookAnswer => ({
	status: code ? httpStatusOf(new MitanError(code, m.textEn)) : 200,
	html: renderResultPage(m),
});

export async function answerApprovalWebhook(call: WebhookCall, ports: WebhookPorts): Promise<WebhookAnswer> {
	const { db } = ports;
	const link = verifyLink(ports.signer, call.query);
	if (!link.ok) {
		const known = link.nonce ? await selectApproval(db, { nonce: link.nonce }) : undefined;
		await recordRefusal(db, {
			approval: known,
			reason: link.reason,
			ip: call.ip,
			details: { method: call.method, action: link.action ?? null },
		});
		return page('APPROVAL_LINK_INVALID', RESULT_MESSAGES.invalidLink());
	}
	const a = await selectApproval(db, { nonce: link.nonce });
	// A valid signature for a nonce this database never issued, or for another execution: refuse.
	if (!a || (a.executionId !== null && a.executionId !== call.executionId)) {
		await recordRefusal(db, {
			approval: a,
			reason: a ? 'wrong_execution' : 'unknown_nonce',
			ip: call.ip,
			details: { method: call.method, action: link.action },
		});
		return page('APPROVAL_LINK_INVALID', RESULT_MESSAGES.invalidLink());
	}
	if (link.action === 'settle') {
		if (call.method !== 'POST') return page('METHOD_NOT_ALLOWED', RESULT_MESSAGES.invalidLink());
		const s = await settle(db, a, { signLinks: (nonce) => signLinks(ports.signer, nonce), send: ports.send }, call.ip);
		return { status: s.status, json: s.body, resume: s.resume };
	}
	const decision: Decision = LINK_DECISION[link.action];
	if (a.decision !== null) return alreadyDecided(db, call, a, link.action);
	const content = await selectContent(db, a.contentId);
	if (!content || content.contentHash !== a.contentHash) {
		await recordRefusal(db, { approval: a, reason: 'content_changed', ip: call.ip, actor: actorOf(a), details: { method: call.method } });
		return page('APPROVAL_VOID', RESULT_MESSAGES.contentChanged());
	}
	if (call.method === 'GET') {
		await recordView(db, a, call.ip, call.userAgent);
		const html = renderDecisionPage({
			preview: buildPreview(content),
			decision,
			formAction: call.url,
			approver: a.approver,
			level: a.level,
			deadlineAt: a.deadlineAt,
			otherLinks: { approved: a.links.approve, rejected: a.links.reject, changes_requested: a.links.changes },
			timeZone: await districtTimeZone(db, a.districtId),
		});
		return { status: 200, html };
	}
	return recordDecision(db, call, a, decision, link.action);
}

const actorOf = (a: Approval) => `approver:${a.approver}`;

/**
 * A link of a set that was decided already. Decided in the dashboard and not resumed yet: any
 * valid link of the set resumes it with the recorded decision (never the link's own). Else a replay.
 */
async function alreadyDecided(db: Db, call: WebhookCall, a: Approval, action: string): Promise<WebhookAnswer> {
	if (call.method === 'POST' && !a.resumedAt && a.decision !== 'escalated') {
		const claimed = await claimResumeOf(db, a, call.ip);
		if (claimed) return { ...page(null, RESULT_MESSAGES.alreadyDecided(a.decision!, a.decidedBy)), resume: claimed };
	}
	await recordRefusal(db, {
		approval: a,
		reason: 'replay',
		ip: call.ip,
		actor: actorOf(a),
		details: { method: call.method, action, decision: a.decision },
	});
	if (a.decision === 'voided') return page('APPROVAL_VOID', RESULT_MESSAGES.contentChanged());
	return page('APPROVAL_ALREADY_DECIDED', RESULT_MESSAGES.alreadyDecided(a.decision!, a.decidedBy));
}

async function claimResumeOf(db: Db, a: Approval, ip: string | null): Promise<WebhookAnswer['resume']> {
	const claimed = await claimResume(db, a.id, actorOf(a), ip);
	return claimed ? { approval: claimed, content: await selectContent(db, a.contentId) } : undefined;
}

/** POST of a decision link: the decision, bound to the hash the approver saw, then the execution resumes. */
async function recordDecision(db: Db, call: WebhookCall, a: Approval, decision: Decision, action: string): Promise<WebhookAnswer> {
	try {
		const r = await decide(db, {
			nonce: a.nonce!,
			decision,
			comment: typeof call.body.comment === 'string' ? call.body.comment : null,
			actor: actorOf(a),
			ip: call.ip,
			seenHash: typeof call.body.contentHash === 'string' ? call.body.contentHash : '',
			via: 'link',
			resumedNow: true,
		});
		return { ...page(null, RESULT_MESSAGES.recorded(decision, a.contentHash)), resume: { approval: r.approval, content: r.content } };
	} catch (e) {
		if (!isMitanError(e)) throw e;
		await recordRefusal(db, { approval: a, reason: e.code, ip: call.ip, actor: actorOf(a), details: { method: 'POST', action } });
		const status = httpStatusOf(e);
		if (e.code === 'APPROVAL_ALREADY_DECIDED')
			return {
				status,
				html: renderResultPage(RESULT_MESSAGES.alreadyDecided(String(e.details?.decision ?? ''), (e.details?.decidedBy as string) ?? null)),
			};
		if (e.code === 'APPROVAL_VOID' || e.code === 'APPROVAL_HASH_MISMATCH' || e.code === 'CONTENT_TAMPERED')
			return { status, html: renderResultPage(RESULT_MESSAGES.contentChanged()) };
		return { status, html: renderResultPage(RESULT_MESSAGES.error(e.message)) };
	}
}
