/**
 * Brings an image into the media store: fetch (or take bytes), convert to an Instagram-ready
 * JPEG, store by hash, return the stable /media/<sha256>.jpg URL. Called by the gateway.
 */
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { loadApprovedContent } from '../publishing/content';
import { isHttpUrl, trimBase } from '../url';
import { MAX_INPUT_BYTES, toInstagramJpeg } from './convert';
import { findBySource, mediaUrl, putMedia, MEDIA_HASH_RE } from './store';

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
	const m = /\/media\/([0-9a-f]{64})\.jpg$/.exec(url);
	return m && MEDIA_HASH_RE.test(m[1]) ? m[1] : undefined;
}

export async function fetchImageBytes(url: string, timeoutMs = 15_000): Promise<Buffer> {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		throw new MitanError('IMAGE_URL_INVALID', `image URL "${url}" is not a URL`, { field: 'image_url' });
	}
	if (!isHttpUrl(url)) throw new MitanError('IMAGE_URL_INVALID', `image URL "${url}" must be http(s)`, { field: 'image_url' });
	let res: Response;
	try {
		res = await fetch(u, { signal: AbortSignal.timeout(timeoutMs) });
	} catch (e) {
		throw new MitanError(
			'IMAGE_UNREACHABLE',
			`image ${url} could not be fetched (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}) / चित्र नहीं मिला`,
			{ field: 'image_url', url },
		);
	}
	if (!res.ok) {
		await res.arrayBuffer().catch(() => undefined);
		throw new MitanError('IMAGE_UNREACHABLE', `image ${url} answered HTTP ${res.status} / चित्र नहीं मिला`, {
			field: 'image_url',
			url,
			httpStatus: res.status,
		});
	}
	const len = Number(res.headers.get('content-length') ?? 0);
	if (len > MAX_INPUT_BYTES)
		throw new MitanError('IMAGE_TOO_LARGE', `image ${url} is ${len} bytes; at most ${MAX_INPUT_BYTES}`, {
			field: 'image_url',
		});
	return Buffer.from(await res.arrayBuffer());
}

export async function ingestImage(db: Queryable, src: { url?: string; bytes?: Buffer }, publicUrl: string): Promise<IngestedMedia> {
	if (src.url) {
		const own = ownMediaHash(src.url, publicUrl);
		if (own) return { hash: own, url: mediaUrl(publicUrl, own), width: 0, height: 0, reused: true };
		const known = await findBySource(db, src.url);
		if (known) return { hash: known, url: mediaUrl(publicUrl, known), width: 0, height: 0, reused: true };
	}
	const bytes = src.bytes ?? (src.url ? await fetchImageBytes(src.url) : undefined);
	if (!bytes) throw new MitanError('IMAGE_MISSING', 'no image URL or bytes given', { field: 'image' });
	const img = await toInstagramJpeg(bytes);
	await putMedia(db, { hash: img.hash, jpeg: img.jpeg, width: img.width, height: img.height, sourceUrl: src.url ?? null });
	return { hash: img.hash, url: mediaUrl(publicUrl, img.hash), width: img.width, height: img.height, reused: false };
}

/** The approved content's image as a JPEG URL; refuses content that is not approved as it stands. */
export async function ingestContentImage(
	db: Queryable,
	contentId: number,
	publicUrl: string,
): Promise<IngestedMedia & { contentId: number }> {
	const content = await loadApprovedContent(db, contentId);
	if (!content.imageUrl)
		throw new MitanError('CONTENT_HAS_NO_IMAGE', `content ${contentId} has no image_url`, { field: 'image_url', contentId });
	return { ...(await ingestImage(db, { url: content.imageUrl }, publicUrl)), contentId };
}
