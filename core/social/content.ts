/**
 * The content a social post is made from: an approved row of `content` (by id), or inline
 * content for ad-hoc posts and tests. Only approved content whose approval still matches its
 * text may be published; the idempotency key is fixed here for both kinds.
 */
import { createHash } from 'crypto';
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import type { ContentVariants, SocialContent } from '../channels/publisher';

export interface PublishableContent extends SocialContent {
	/** null for inline content. */
	contentId: number | null;
	/** Idempotency key: "content:<id>" or "inline:<sha256 of the canonical inline content>". */
	contentKey: string;
	districtId: number;
	contentHash: string | null;
}

interface ContentRow {
	id: number;
	district_id: number;
	body_hi: string;
	body_en: string;
	image_url: string | null;
	variants: ContentVariants | null;
	state: string;
	content_hash: string;
	approved_hash: string | null;
}

const PUBLISHABLE_STATES = new Set(['approved', 'published']);

/** Reads a content row; refuses anything not approved as it stands now. */
export async function loadPublishableContent(db: Queryable, contentId: number): Promise<PublishableContent> {
	if (!Number.isInteger(contentId) || contentId <= 0) {
		throw new MitanError('CONTENT_ID_INVALID', `content id "${contentId}" is not a positive whole number`, {
			field: 'contentId',
		});
	}
	const [row] = await db.query<ContentRow & Record<string, unknown>>(
		'SELECT id, district_id, body_hi, body_en, image_url, variants, state, content_hash, approved_hash FROM content WHERE id = $1',
		[contentId],
	);
	if (!row)
		throw new MitanError('CONTENT_NOT_FOUND', `content ${contentId} does not exist / सामग्री ${contentId} नहीं मिली`, {
			field: 'contentId',
			contentId,
		});
	if (!PUBLISHABLE_STATES.has(row.state)) {
		throw new MitanError(
			'CONTENT_NOT_APPROVED',
			`content ${contentId} is "${row.state}"; only approved content is published / सामग्री ${contentId} स्वीकृत नहीं है ("${row.state}")`,
			{ field: 'contentId', contentId, state: row.state },
		);
	}
	if (!row.approved_hash || row.approved_hash !== row.content_hash) {
		throw new MitanError(
			'APPROVAL_VOID',
			`content ${contentId} was changed after it was approved; it must be approved again before publishing / स्वीकृति के बाद सामग्री बदली गई है, दोबारा स्वीकृति लें`,
			{ field: 'contentId', contentId, contentHash: row.content_hash, approvedHash: row.approved_hash },
		);
	}
	return {
		contentId: row.id,
		contentKey: `content:${row.id}`,
		districtId: row.district_id,
		contentHash: row.content_hash,
		bodyHi: row.body_hi,
		bodyEn: row.body_en,
		imageUrl: row.image_url,
		variants: row.variants ?? {},
	};
}

export interface InlineContentInput {
	bodyHi?: string;
	bodyEn?: string;
	imageUrl?: string | null;
	variants?: ContentVariants;
	districtId?: number;
}

/** JSON with sorted keys, so the same content always hashes the same. */
export function canonicalJson(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	if (v && typeof v === 'object') {
		const entries = Object.entries(v as Record<string, unknown>)
			.filter(([, x]) => x !== undefined && x !== null && x !== '')
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
	}
	return JSON.stringify(typeof v === 'string' ? v.normalize('NFC') : v);
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
	const canonical = canonicalJson({ bodyHi, bodyEn, imageUrl: input.imageUrl ?? undefined, variants });
	const hash = createHash('sha256').update(canonical).digest('hex');
	return {
		contentId: null,
		contentKey: `inline:${hash}`,
		districtId: input.districtId ?? 1,
		contentHash: hash,
		bodyHi,
		bodyEn,
		imageUrl: input.imageUrl ?? null,
		variants,
	};
}
