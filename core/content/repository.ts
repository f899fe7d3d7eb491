import type { Queryable } from '../db';
import type { Content, ContentDraft, ContentState, ContentVariants } from './types';

/** SQL for the content table; nothing else in the project writes it. */
interface ContentRow {
	id: number;
	district_id: number;
	title: string;
	body_hi: string;
	body_en: string;
	image_url: string | null;
	category: Content['category'];
	target_date: string | null;
	variants: ContentVariants;
	channels: string[] | null;
	state: ContentState;
	content_hash: string;
	approved_hash: string | null;
	approved_by: string | null;
	approved_at: Date | null;
	created_by: string | null;
	created_at: Date;
	updated_at: Date;
	[k: string]: unknown;
}

export function toContent(r: ContentRow): Content {
	return {
		id: Number(r.id),
		districtId: r.district_id,
		title: r.title,
		bodyHi: r.body_hi,
		bodyEn: r.body_en,
		imageUrl: r.image_url,
		category: r.category,
		targetDate: r.target_date,
		variants: r.variants ?? {},
		channels: r.channels ?? null,
		state: r.state,
		contentHash: r.content_hash,
		approvedHash: r.approved_hash,
		approvedBy: r.approved_by,
		approvedAt: r.approved_at,
		createdBy: r.created_by,
		createdAt: r.created_at,
		updatedAt: r.updated_at,
	};
}

/** The draft's columns in the order both statements below bind them (title … content_hash). */
function draftParams(d: ContentDraft, hash: string): unknown[] {
	return [d.title, d.bodyHi, d.bodyEn, d.imageUrl ?? null, d.category, d.targetDate ?? null, JSON.stringify(d.variants ?? {}), hash];
}

export async function insertContent(db: Queryable, districtId: number, d: ContentDraft, hash: string, createdBy: string): Promise<Content> {
	const [r] = await db.query<ContentRow>(
		`INSERT INTO content (district_id, title, body_hi, body_en, image_url, category, target_date, variants, content_hash, created_by, channels)
     VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::jsonb, $9, $10, $11::text[]) RETURNING *`,
		[districtId, ...draftParams(d, hash), createdBy, d.channels ?? null],
	);
	return toContent(r);
}

export async function selectContent(db: Queryable, id: number, opts: { forUpdate?: boolean } = {}): Promise<Content | undefined> {
	const [r] = await db.query<ContentRow>(`SELECT * FROM content WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
	return r ? toContent(r) : undefined;
}

/** Rewrites the content fields; the caller decided the new state (edit → draft, approval void). */
export async function updateContentFields(db: Queryable, id: number, d: ContentDraft, hash: string, state: ContentState): Promise<Content> {
	const [r] = await db.query<ContentRow>(
		`UPDATE content SET title = $2, body_hi = $3, body_en = $4, image_url = $5, category = $6, target_date = $7::date,
       variants = $8::jsonb, content_hash = $9, state = $10, channels = $11::text[], approved_hash = NULL, approved_by = NULL, approved_at = NULL, updated_at = now()
     WHERE id = $1 RETURNING *`,
		[id, ...draftParams(d, hash), state, d.channels ?? null],
	);
	return toContent(r);
}

/**
 * Moves content from one of `from` to `to`, only while its hash is still `hash`: a concurrent edit
 * makes this a no-op (undefined) instead of approving text nobody saw.
 */
export async function setState(
	db: Queryable,
	id: number,
	from: ContentState[],
	to: ContentState,
	hash: string,
	approval?: { by: string },
): Promise<Content | undefined> {
	const [r] = await db.query<ContentRow>(
		`UPDATE content SET state = $3, updated_at = now(),
       approved_hash = CASE WHEN $5::text IS NOT NULL THEN content_hash WHEN $3 = 'published' THEN approved_hash ELSE NULL END,
       approved_by = CASE WHEN $5::text IS NOT NULL THEN $5 WHEN $3 = 'published' THEN approved_by ELSE NULL END,
       approved_at = CASE WHEN $5::text IS NOT NULL THEN now() WHEN $3 = 'published' THEN approved_at ELSE NULL END
     WHERE id = $1 AND state = ANY($2::text[]) AND content_hash = $4 RETURNING *`,
		[id, from, to, hash, approval?.by ?? null],
	);
	return r ? toContent(r) : undefined;
}

export async function listContent(
	db: Queryable,
	districtId: number,
	opts: { state?: ContentState; limit?: number } = {},
): Promise<Content[]> {
	const rows = await db.query<ContentRow>(
		`SELECT * FROM content WHERE district_id = $1 AND ($2::text IS NULL OR state = $2) ORDER BY target_date DESC NULLS LAST, id DESC LIMIT $3`,
		[districtId, opts.state ?? null, opts.limit ?? 100],
	);
	return rows.map(toContent);
}

/** Content of one district meant for one calendar day, in the given states, oldest first. */
export async function listForDay(db: Queryable, districtId: number, day: string, states: readonly ContentState[]): Promise<Content[]> {
	const rows = await db.query<ContentRow>(
		'SELECT * FROM content WHERE district_id = $1 AND target_date = $2::date AND state = ANY($3::text[]) ORDER BY id',
		[districtId, day, states],
	);
	return rows.map(toContent);
}

/** Content of one district meant for the days from..to (inclusive), optionally in one state: by day, then id. */
export async function listBetween(
	db: Queryable,
	districtId: number,
	from: string,
	to: string,
	state?: ContentState,
	limit = 500,
): Promise<Content[]> {
	const rows = await db.query<ContentRow>(
		`SELECT * FROM content WHERE district_id = $1 AND target_date BETWEEN $2::date AND $3::date AND ($4::text IS NULL OR state = $4)
     ORDER BY target_date, id LIMIT $5`,
		[districtId, from, to, state ?? null, limit],
	);
	return rows.map(toContent);
}
