import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { MitanError } from '../errors';
import { voidOpenApprovals } from '../approvals/repository';
import { assertPublishable } from './gate';
import { contentHash } from './hash';
import { districtOrDefault, districtTimeZone } from '../districts';
import { isCalendarDate, todayIn } from '../time';
import { insertContent, listContent, listForDay, selectContent, setState, updateContentFields } from './repository';
import { allowedFrom, nextState } from './state';
import type { Content, ContentState } from './types';
import { validateDraft } from './validate';

export { assertPublishable } from './gate';

/**
 * Drafting and publishing content. Approval itself lives in core/approvals; this service owns the
 * other half of the rule "nothing goes out unapproved": an edit voids any approval, and
 * publishing requires the approved hash to equal the hash of the text being published.
 */
export class ContentService {
	/** The given district, else the installation's default (MITAN_DISTRICT). */
	private readonly district: (q?: Queryable) => Promise<number>;

	constructor(
		private readonly db: Db,
		districtId?: number,
	) {
		this.district = districtOrDefault(db, districtId);
	}

	async create(input: unknown, actor: string, ip?: string | null): Promise<Content> {
		const draft = validateDraft(input);
		const hash = contentHash(draft);
		return this.db.transaction(async (tx) => {
			const c = await insertContent(tx, await this.district(tx), draft, hash, actor);
			await audit(tx, {
				districtId: await this.district(tx),
				actor,
				action: 'content.created',
				entity: 'content',
				entityId: c.id,
				ip,
				contentHash: hash,
				details: { title: c.title, category: c.category, targetDate: c.targetDate },
			});
			return c;
		});
	}

	async get(id: number): Promise<Content> {
		const c = await selectContent(this.db, id);
		if (!c || c.districtId !== (await this.district()))
			throw new MitanError('CONTENT_NOT_FOUND', `no content with id ${id} in this district`, { contentId: id });
		return c;
	}

	async list(opts: { state?: ContentState; limit?: number } = {}): Promise<Content[]> {
		return listContent(this.db, await this.district(), opts);
	}

	/**
	 * The approved content meant for a day (default: today in the district's zone), oldest first;
	 * with `includePublished` also what was published already (a re-run of the day finds it again).
	 */
	async listApprovedFor(day: string | undefined, opts: { includePublished?: boolean } = {}): Promise<Content[]> {
		const date = day ?? todayIn(await districtTimeZone(this.db, await this.district()));
		if (!isCalendarDate(date))
			throw new MitanError('CONTENT_DATE_INVALID', `Date (parameter "date"): "${date}" is not a calendar date YYYY-MM-DD`, {
				field: 'date',
			});
		const states: ContentState[] = opts.includePublished === false ? ['approved'] : ['approved', 'published'];
		return listForDay(this.db, await this.district(), date, states);
	}

	/**
	 * Replaces the content. When what citizens would see changes, the content goes back to draft,
	 * its approval (if any) is void and open approval requests are voided: the approver must see
	 * and approve the new text. An identical save changes nothing.
	 */
	async update(id: number, input: unknown, actor: string, ip?: string | null): Promise<Content> {
		const draft = validateDraft(input);
		const hash = contentHash(draft);
		return this.db.transaction(async (tx) => {
			const before = await selectContent(tx, id, { forUpdate: true });
			if (!before || before.districtId !== (await this.district(tx)))
				throw new MitanError('CONTENT_NOT_FOUND', `no content with id ${id} in this district`, { contentId: id });
			if (before.contentHash === hash) return before;
			const state = nextState(before.state, 'edit', id);
			const after = await updateContentFields(tx, id, draft, hash, state);
			await audit(tx, {
				districtId: await this.district(tx),
				actor,
				action: 'content.edited',
				entity: 'content',
				entityId: id,
				ip,
				contentHash: hash,
				details: { previousHash: before.contentHash, previousState: before.state },
			});
			if (before.state === 'approved') {
				await audit(tx, {
					districtId: await this.district(tx),
					actor,
					action: 'approval.voided',
					entity: 'content',
					entityId: id,
					ip,
					contentHash: before.approvedHash,
					details: { reason: 'edited_after_approval', approvedBy: before.approvedBy, newHash: hash },
				});
			}
			const voided = await voidOpenApprovals(tx, id);
			for (const a of voided) {
				await audit(tx, {
					districtId: await this.district(tx),
					actor,
					action: 'approval.voided',
					entity: 'content',
					entityId: id,
					ip,
					contentHash: a.contentHash,
					details: { reason: 'edited_while_pending', approvalId: a.id, level: a.level, newHash: hash },
				});
			}
			return after;
		});
	}

	/**
	 * Marks content published. `expectedHash` is the hash of what the publisher actually sent;
	 * anything but the approved, unchanged text is refused.
	 */
	async markPublished(id: number, expectedHash: string, actor: string): Promise<Content> {
		return this.db.transaction(async (tx) => {
			const c = await selectContent(tx, id, { forUpdate: true });
			if (!c || c.districtId !== (await this.district(tx)))
				throw new MitanError('CONTENT_NOT_FOUND', `no content with id ${id} in this district`, { contentId: id });
			if (c.state === 'published' && c.approvedHash === expectedHash) return c;
			assertPublishable(c, expectedHash);
			nextState(c.state, 'publish', id);
			const after = await setState(tx, id, allowedFrom('publish'), 'published', c.contentHash);
			if (!after) throw new MitanError('CONTENT_CHANGED', `content ${id} changed while it was being published`, { contentId: id });
			await audit(tx, {
				districtId: await this.district(tx),
				actor,
				action: 'content.published',
				entity: 'content',
				entityId: id,
				contentHash: c.contentHash,
				details: { approvedBy: c.approvedBy },
			});
			return after;
		});
	}
}
