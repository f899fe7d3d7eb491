import type { Queryable } from '../db';
import { districtTimeZone } from '../districts';
import { shortHash } from '../content/hash';
import { approvalRequestText, type ContentPreview } from './preview';
import type { Approval } from './types';

/**
 * What the approver gets on WhatsApp: free text is what the approver can read and tap, but
 * WhatsApp only delivers it inside the 24-hour window after the approver last wrote to the
 * number. Deployments where the approver does not write daily choose "template" and register a
 * UTILITY template (default name 'approval_request') whose body takes {{1}} title, {{2}} content
 * hash, {{3}} approve link, {{4}} request-changes link, {{5}} reject link.
 */
export type ApprovalMessage = { kind: 'text'; text: string } | { kind: 'template'; name: string; language: string; params: string[] };

/** Sends a message to an approver's phone (the caller's WhatsApp credential); answers the wamid. */
export type ApproverMessenger = (to: string, message: ApprovalMessage) => Promise<string>;

export async function approvalMessage(
	db: Queryable,
	a: Approval,
	preview: ContentPreview,
	kind: { reminder?: boolean } = {},
): Promise<ApprovalMessage> {
	const opts = a.messageOptions;
	if (opts.messageType === 'template') {
		return {
			kind: 'template',
			name: opts.templateName || 'approval_request',
			language: opts.templateLanguage || 'en',
			params: [preview.title, shortHash(preview.contentHash), a.links.approve!, a.links.changes!, a.links.reject!],
		};
	}
	const timeZone = await districtTimeZone(db, a.districtId);
	return {
		kind: 'text',
		text: approvalRequestText(preview, a.links, { deadlineAt: a.deadlineAt, level: a.level, reminder: kind.reminder, timeZone }),
	};
}
