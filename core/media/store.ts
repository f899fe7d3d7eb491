/**
 * Repository of the `media` table (040): JPEG bytes by their sha256. Bytes travel as base64
 * text so PGlite and PostgreSQL handle them the same way.
 */
import type { Queryable } from '../db';
import { trimBase } from '../url';

export interface StoredMedia {
	hash: string;
	bytes: Buffer;
	width: number;
	height: number;
	createdAt: Date;
}

export const MEDIA_HASH_RE = /^[0-9a-f]{64}$/;

export async function putMedia(
	db: Queryable,
	m: { hash: string; jpeg: Buffer; width: number; height: number; sourceUrl?: string | null },
): Promise<void> {
	await db.query(
		`INSERT INTO media (hash, bytes, byte_size, width, height, source_url) VALUES ($1, decode($2, 'base64'), $3, $4, $5, $6)
     ON CONFLICT (hash) DO NOTHING`,
		[m.hash, m.jpeg.toString('base64'), m.jpeg.length, m.width, m.height, m.sourceUrl ?? null],
	);
}

export async function getMedia(db: Queryable, hash: string): Promise<StoredMedia | undefined> {
	if (!MEDIA_HASH_RE.test(hash)) return undefined;
	const [row] = await db.query<{ hash: string; b64: string; width: number; height: number; created_at: Date }>(
		`SELECT hash, encode(bytes, 'base64') AS b64, width, height, created_at FROM media WHERE hash = $1`,
		[hash],
	);
	if (!row) return undefined;
	return {
		hash: row.hash,
		bytes: Buffer.from(row.b64.replace(/\s+/g, ''), 'base64'),
		width: row.width,
		height: row.height,
		createdAt: row.created_at,
	};
}

/** The newest stored conversion of a source URL (so a re-run does not fetch it again). */
export async function findBySource(db: Queryable, sourceUrl: string): Promise<string | undefined> {
	const [row] = await db.query<{ hash: string }>('SELECT hash FROM media WHERE source_url = $1 ORDER BY created_at DESC LIMIT 1', [
		sourceUrl,
	]);
	return row?.hash;
}

/**
 * The size of the JPEG the media store holds for an image URL (its own /media/<hash>.jpg, or an
 * outside link converted before); undefined when the store has none yet (it is converted when first
 * shown or published, to fit every channel).
 */
export async function storedImageBytes(db: Queryable, url: string): Promise<number | undefined> {
	const hash = storedMediaHash(url) ?? (await findBySource(db, url));
	if (!hash) return undefined;
	const [row] = await db.query<{ n: number | string }>('SELECT byte_size AS n FROM media WHERE hash = $1', [hash]);
	return row ? Number(row.n) : undefined;
}

/** The hash a media store URL (…/media/<sha256>.jpg) names, whatever host serves it. */
export function storedMediaHash(url: string): string | undefined {
	const m = /\/media\/([0-9a-f]{64})\.jpg$/.exec(url);
	return m?.[1];
}

/** The stable public URL of a stored image. */
export function mediaUrl(publicUrl: string, hash: string): string {
	return `${trimBase(publicUrl)}/media/${hash}.jpg`;
}
