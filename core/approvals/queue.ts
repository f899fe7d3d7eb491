import type { Queryable } from '../db';
import { maskPhone } from '../phone';
import type { Content } from '../content/types';
import { selectContent } from '../content/repository';
import { buildPreview, type ContentPreview } from './preview';
import { pendingRows } from './repository';
import type { OnDeadline } from './types';

/** The dashboard's approval queue: open requests, with exactly what each will publish. */

export interface PendingItem {
	approvalId: number;
	level: number;
	approver: string;
	approverPhoneMasked: string;
	requestedAt: Date;
	deadlineAt: Date | null;
	overdue: boolean;
	onDeadline: OnDeadline;
	escalatedFrom: number | null;
	contentHash: string;
	content: Content;
	/** Exactly what will be published, per channel. */
	preview: ContentPreview;
}

/** The dashboard's approval queue: open requests of a district (null: all districts), soonest deadline first. */
export async function listPending(db: Queryable, districtId: number | null, now = new Date()): Promise<PendingItem[]> {
	const rows = await pendingRows(db, districtId);
	const out: PendingItem[] = [];
	for (const a of rows) {
		const content = await selectContent(db, a.contentId);
		if (!content) continue;
		out.push({
			approvalId: a.id,
			level: a.level,
			approver: a.approver,
			approverPhoneMasked: maskPhone(a.approverPhone),
			requestedAt: a.requestedAt,
			deadlineAt: a.deadlineAt,
			overdue: a.deadlineAt !== null && a.deadlineAt.getTime() <= now.getTime(),
			onDeadline: a.onDeadline,
			escalatedFrom: a.escalatedFrom,
			contentHash: a.contentHash,
			content,
			preview: buildPreview(content),
		});
	}
	return out;
}
