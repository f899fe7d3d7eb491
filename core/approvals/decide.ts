import { audit } from '../audit';
import type { Db } from '../db';
import { MitanError } from '../errors';
import { setState } from '../content/repository';
import { allowedFrom, nextState, type ContentEvent } from '../content/state';
import type { Content } from '../content/types';
import { lockContent } from './content-lock';
import { markResumed, recordOutcome, selectApproval } from './repository';
import { DECISIONS, OUTPUT_OF, type Approval, type Decision } from './types';
import { recordApprovedTemplates } from '../templates/approval';

/**
 * The approver's decision. The Mitan Approval node (links on WhatsApp) and the dashboard (buttons)
 * both end here, so the rules (one decision per link set, bound to the exact content hash,
 * recorded in the audit log with who, when and from where) hold whichever way the approver decides.
 */

export interface DecideInput {
	/** One of approvalId (dashboard) or nonce (signed link). */
	approvalId?: number;
	nonce?: string;
	decision: Decision;
	comment?: string | null;
	/** Who decided: 'user:<login>' from the dashboard session, 'approver:<name>' from a link. */
	actor: string;
	ip?: string | null;
	/** The content hash the approver was shown: the decision binds to it. */
	seenHash: string;
	via: 'link' | 'dashboard';
	/** The dashboard passes the session's district: approvals of other districts are not found. */
	districtId?: number;
	/** The caller resumes the n8n execution itself in this request (the webhook does). */
	resumedNow?: boolean;
}

export interface DecideResult {
	approval: Approval;
	content: Content;
	/** Output of the Mitan Approval node this decision leaves by: 0 approved, 1 rejected, 2 changes. */
	output: 0 | 1 | 2;
	/**
	 * For decisions taken outside n8n (dashboard): POST here to resume the waiting execution
	 * (`resumeExecution`). The deadline sweep retries it when that call fails.
	 */
	resumeUrl: string | null;
}

const EVENT_OF: Record<Decision, ContentEvent> = { approved: 'approve', rejected: 'reject', changes_requested: 'request_changes' };
export const MAX_COMMENT = 2000;

/** Records the approver's decision, once, for the exact content they saw. */
export async function decide(db: Db, input: DecideInput): Promise<DecideResult> {
	if (!DECISIONS.includes(input.decision))
		throw new MitanError('DECISION_INVALID', `"${String(input.decision)}" is not a decision (one of ${DECISIONS.join(', ')})`, {
			field: 'decision',
		});
	const comment = typeof input.comment === 'string' && input.comment.trim() !== '' ? input.comment.trim() : null;
	if (input.decision === 'changes_requested' && !comment) {
		throw new MitanError(
			'COMMENT_REQUIRED',
			'say what must change: a comment is required to request changes / बदलाव बताने के लिए टिप्पणी लिखें',
			{ field: 'comment' },
		);
	}
	if (comment && [...comment].length > MAX_COMMENT)
		throw new MitanError('COMMENT_TOO_LONG', `the comment is ${[...comment].length} characters; at most ${MAX_COMMENT}`, {
			field: 'comment',
		});
	if (input.approvalId === undefined && input.nonce === undefined)
		throw new MitanError('APPROVAL_KEY_MISSING', 'decide needs an approval id or a link nonce');
	return db.transaction(async (tx) => {
		const a = await selectApproval(tx, { id: input.approvalId, nonce: input.nonce }, { forUpdate: true });
		if (!a || (input.districtId !== undefined && a.districtId !== input.districtId)) {
			throw new MitanError('APPROVAL_NOT_FOUND', 'no such approval request (the link is wrong or was never issued)');
		}
		if (a.decision !== null) {
			throw new MitanError(
				'APPROVAL_ALREADY_DECIDED',
				`this request was already ${a.decision.replace('_', ' ')}${a.decidedBy ? ` by ${a.decidedBy}` : ''}${a.decidedAt ? ` at ${a.decidedAt.toISOString()}` : ''}: a link works once`,
				{ approvalId: a.id, decision: a.decision, decidedBy: a.decidedBy, decidedAt: a.decidedAt?.toISOString() ?? null },
			);
		}
		if (input.seenHash !== a.contentHash) {
			throw new MitanError(
				'APPROVAL_HASH_MISMATCH',
				`the text you saw (hash ${String(input.seenHash).slice(0, 12)}) is not the text this request is for (hash ${a.contentHash.slice(0, 12)}): reload and check it again`,
				{ approvalId: a.id, seenHash: input.seenHash, contentHash: a.contentHash },
			);
		}
		const content = await lockContent(tx, a.contentId);
		if (content.contentHash !== a.contentHash) {
			// update() voids open requests in the same transaction as the edit; this is the backstop.
			throw new MitanError(
				'APPROVAL_VOID',
				`content ${a.contentId} was edited after this request was sent: the request is void, a new one will follow`,
				{ approvalId: a.id },
			);
		}
		const event = EVENT_OF[input.decision];
		const to = nextState(content.state, event, content.id);
		const moved = await setState(
			tx,
			content.id,
			allowedFrom(event),
			to,
			a.contentHash,
			input.decision === 'approved' ? { by: input.actor } : undefined,
		);
		if (!moved) throw new MitanError('CONTENT_CHANGED', `content ${content.id} changed while the decision was being recorded`);
		// The approval covers what goes to Meta too: the hash of the WhatsApp templates built from this text.
		const templateHash = input.decision === 'approved' ? await recordApprovedTemplates(tx, content) : null;
		const decided = await recordOutcome(tx, a.id, {
			decision: input.decision,
			comment,
			by: input.actor,
			ip: input.ip,
			via: input.via,
			resumed: input.resumedNow,
		});
		if (!decided)
			throw new MitanError('APPROVAL_ALREADY_DECIDED', 'this request was decided a moment ago: a link works once', {
				approvalId: a.id,
			});
		await audit(tx, {
			districtId: a.districtId,
			actor: input.actor,
			action: 'approval.decided',
			entity: 'content',
			entityId: a.contentId,
			ip: input.ip,
			contentHash: a.contentHash,
			details: {
				approvalId: a.id,
				level: a.level,
				decision: input.decision,
				comment,
				via: input.via,
				executionId: a.executionId,
				...(templateHash ? { templateHash } : {}),
			},
		});
		return {
			approval: decided,
			content: moved,
			output: OUTPUT_OF[input.decision] as 0 | 1 | 2,
			resumeUrl: input.resumedNow ? null : (a.links.settle ?? null),
		};
	});
}

/** Claims the single resume of a decided row (webhook). Undefined: it was resumed already (replay). */
export async function claimResume(db: Db, approvalId: number, actor: string, ip?: string | null): Promise<Approval | undefined> {
	return db.transaction(async (tx) => {
		const a = await markResumed(tx, approvalId);
		if (a)
			await audit(tx, {
				districtId: a.districtId,
				actor,
				action: 'approval.resumed',
				entity: 'content',
				entityId: a.contentId,
				ip,
				contentHash: a.contentHash,
				details: { approvalId: a.id, decision: a.decision, executionId: a.executionId },
			});
		return a;
	});
}
