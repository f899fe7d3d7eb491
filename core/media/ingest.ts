/**
 * Brings an image into the media store: fetch (or take bytes), convert to an Instagram-ready
 * JPEG, store by hash, return the stable /media/<sha256>.jpg URL. Called by the gateway. Images are
 * fetched through the SSRF guard (core/net/public-fetch.ts), never with a bare fetch().
 */
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { loadApprovedContent } from '../publishing/content';
import { fetchPublic } from '../net/public-fetch';
import { trimBase } from '../url';
import type { FailureBackoff } from './backoff';
import { MAX_INPUT_BYTES, toInstagramJpeg } from './convert';
import { findBySource, mediaUrl, putMedia, storedMediaHash } from './store';

export interface IngestedMedia {
	hash: string;
	url: string;
	width: number;
	height: number;
	reused: boolean;
}

/** Our own /media/<hash>.jpg URLs are already converted. */
export function ownMediaHash(url: string, publicUrl: string): string | undefined {
	const base = trimBase(publicUrl);
	if (!url.startsWith(`${base}/media/`)) return undefined;
	return storedMediaHash(url);
}

/** How the gateway fetches images (core/net/public-fetch.ts) and backs off after failures. */
export interface IngestOptions {
	timeoutMs?: number;
	backoff?: FailureBackoff;
	/** Tests only (their image servers are on 127.0.0.1): see core/net/public-fetch.ts. */
	unsafeAllowAddressesForTests?: readonly string[];
}

export async function fetchImageBytes(url: string, opts: IngestOptions = {}): Promise<Buffer> {
	const held = opts.backoff?.blocked(url);
	if (held) throw held;
	try {
		const r = await fetchPublic(url, {
			timeoutMs: opts.timeoutMs ?? 15_000,
			maxBytes: MAX_INPUT_BYTES,
			unsafeAllowAddressesForTests: opts.unsafeAllowAddressesForTests,
		});
		opts.backoff?.succeeded(url);
		return r.bytes;
	} catch (e) {
		if (e instanceof MitanError) opts.backoff?.failed(url, e);
		throw e;
	}
}

export async function ingestImage(
	db: Queryable,
	src: { url?: string; bytes?: Buffer },
	publicUrl: string,
	opts: IngestOptions = {},
): Promise<IngestedMedia> {
	if (src.url) {
		const own = ownMediaHash(src.url, publicUrl);
		if (own) return { hash: own, url: mediaUrl(publicUrl, own), width: 0, height: 0, reused: true };
		const known = await findBySource(db, src.url);
		if (known) return { hash: known, url: mediaUrl(publicUrl, known), width: 0, height: 0, reused: true };
	}
	const bytes = src.bytes ?? (src.url ? await fetchImageBytes(src.url, opts) : undefined);
	if (!bytes) throw new MitanError('IMAGE_MISSING', 'no image URL or bytes given', { field: 'image' });
	let img: Awaited<ReturnType<typeof toInstagramJpeg>>;
	try {
		img = await toInstagramJpeg(bytes);
	} catch (e) {
		// An unreadable image fails the same way next time: back off from it too.
		if (src.url && e instanceof MitanError) opts.backoff?.failed(src.url, e);
		throw e;
	}
	await putMedia(db, { hash: img.hash, jpeg: img.jpeg, width: img.width, height: img.height, sourceUrl: src.url ?? null });
	return { hash: img.hash, url: mediaUrl(publicUrl, img.hash), width: img.width, height: img.height, reused: false };
}

/** The approved content's image as a JPEG URL; refuses content that is not approved as it stands. */
export async function ingestContentImage(
	db: Queryable,
	contentId: number,
	publicUrl: string,
	opts: IngestOptions = {},
): Promise<IngestedMedia & { contentId: number }> {
	const content = await loadApprovedContent(db, contentId);
	if (!content.imageUrl)
		throw new MitanError('CONTENT_HAS_NO_IMAGE', `content ${contentId} has no image_url`, { field: 'image_url', contentId });
	return { ...(await ingestImage(db, { url: content.imageUrl }, publicUrl, opts)), contentId };
}
