import type { Queryable } from '../db';
import { districtTimeZone } from '../districts';
import { approvalTemplateSend } from '../channels/whatsapp/staff-templates';
import { messageKindNow } from '../channels/whatsapp/window';
import { approvalRequestText, type ContentPreview } from './preview';
import type { Approval } from './types';

/**
 * What the approver gets on WhatsApp. Free text is what the approver reads and taps best, but
 * WhatsApp delivers it only inside the 24-hour window after the approver last wrote to the
 * number (core/channels/whatsapp/window.ts decides); outside it, and whenever the request says
 * "template", it is the shipped UTILITY template `mitan_approval_request`
 * (core/channels/whatsapp/staff-templates.ts): title and date in the body, the signed decision
 * link as its URL button, so it arrives whenever it is sent.
 */
export type ApprovalMessage =
	{ kind: 'text'; text: string } | { kind: 'template'; name: string; language: string; params: string[]; urlButtonParams?: string[] };

/** Sends a message to an approver's phone (the caller's WhatsApp credential); answers the wamid. */
export type ApproverMessenger = (to: string, message: ApprovalMessage) => Promise<string>;

export async function approvalMessage(
	db: Queryable,
	a: Approval,
	preview: ContentPreview,
	kind: { reminder?: boolean } = {},
	now = new Date(),
): Promise<ApprovalMessage> {
	const opts = a.messageOptions;
	const via = a.approverPhone ? await messageKindNow(db, a.districtId, a.approverPhone, opts.messageType ?? 'text', now) : 'template';
	if (via === 'template') {
		const t = approvalTemplateSend({
			name: opts.templateName,
			language: opts.templateLanguage,
			title: preview.title,
			targetDate: preview.targetDate,
			link: a.links.approve!,
			reminder: kind.reminder,
			level: a.level,
		});
		return { kind: 'template', name: t.name, language: t.language, params: t.params, urlButtonParams: t.urlButtonParams };
	}
	const timeZone = await districtTimeZone(db, a.districtId);
	return {
		kind: 'text',
		text: approvalRequestText(preview, a.links, { deadlineAt: a.deadlineAt, level: a.level, reminder: kind.reminder, timeZone }),
	};
}
