/**
 * The content a social post is made from: an approved row of `content` (by id), or inline
 * content for ad-hoc posts and tests. Approved content passes the one publish gate
 * (core/content/gate.ts assertPublishable) like every other channel; the idempotency key is
 * fixed here for both kinds.
 */
import { createHash } from 'crypto';
import type { SocialContent } from '../channels/types';
import { canonicalJson } from '../content/hash';
import { selectContent } from '../content/repository';
import { assertPublishable } from '../content/gate';
import type { Content, ContentVariants } from '../content/types';
import type { Queryable } from '../db';
import { MitanError } from '../errors';

export interface PublishableContent extends SocialContent {
	/** null for inline content. */
	contentId: number | null;
	/** Idempotency key: "content:<id>" or "inline:<sha256 of the canonical inline content>". */
	contentKey: string;
	/** Unset for inline content given no district: the installation's default (core/districts.ts) at publish. */
	districtId?: number;
	contentHash: string | null;
	/** The channels the content is meant for; null = every channel (inline content, content from before the choice). */
	channels: string[] | null;
}

/**
 * A content row that may go out now, through the publish gate every channel uses (state, the
 * approval bound to the hash, the stored fields still hashing to it).
 */
export async function loadApprovedContent(db: Queryable, contentId: number): Promise<Content> {
	if (!Number.isInteger(contentId) || contentId <= 0) {
		throw new MitanError('CONTENT_ID_INVALID', `content id "${contentId}" is not a positive whole number`, {
			field: 'contentId',
		});
	}
	const c = await selectContent(db, contentId);
	if (!c)
		throw new MitanError('CONTENT_NOT_FOUND', `content ${contentId} does not exist / सामग्री ${contentId} नहीं मिली`, {
			field: 'contentId',
			contentId,
		});
	assertPublishable(c);
	return c;
}

/** Reads a content row; refuses anything not approved as it stands now. */
export async function loadPublishableContent(db: Queryable, contentId: number): Promise<PublishableContent> {
	const c = await loadApprovedContent(db, contentId);
	return {
		contentId: c.id,
		contentKey: `content:${c.id}`,
		districtId: c.districtId,
		contentHash: c.contentHash,
		bodyHi: c.bodyHi,
		bodyEn: c.bodyEn,
		imageUrl: c.imageUrl,
		variants: c.variants,
		channels: c.channels,
	};
}

export interface InlineContentInput {
	bodyHi?: string;
	bodyEn?: string;
	imageUrl?: string | null;
	variants?: ContentVariants;
	districtId?: number;
}

/** Ad-hoc content (explicitly allowed by the caller): keyed by the sha256 of its canonical form. */
export function inlineContent(input: InlineContentInput): PublishableContent {
	const bodyHi = (input.bodyHi ?? '').trim();
	const bodyEn = (input.bodyEn ?? '').trim();
	const variants = input.variants ?? {};
	const hasVariant = !!(variants.x?.text || variants.instagram?.caption || variants.facebook?.text);
	if (!bodyHi && !bodyEn && !hasVariant) {
		throw new MitanError('CONTENT_EMPTY', 'inline content has no text: give bodyHi, bodyEn or a channel variant / सामग्री खाली है', {
			field: 'bodyHi',
		});
	}
	// Empty fields are left out, so "no English" and "English: ''" are the same content.
	const canonical = canonicalJson({ bodyHi, bodyEn, imageUrl: input.imageUrl ?? undefined, variants }, { dropEmptyStrings: true });
	const hash = createHash('sha256').update(canonical).digest('hex');
	return {
		contentId: null,
		contentKey: `inline:${hash}`,
		districtId: input.districtId,
		contentHash: hash,
		bodyHi,
		bodyEn,
		imageUrl: input.imageUrl ?? null,
		variants,
		channels: null,
	};
}
