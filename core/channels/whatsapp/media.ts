/**
 * Media a citizen sent, read the way Meta serves it: `GET /{version}/{media-id}` answers
 * {url, mime_type, sha256, file_size}; the URL (valid a few minutes) is then fetched with the same
 * bearer token. The token goes only to Meta's media hosts or to the configured base URL's host
 * (the sandbox): a URL pointing anywhere else is refused, never followed with the token.
 */
import { createHash } from 'crypto';
import { MitanError } from '../../errors';

export interface MediaInfo {
	id: string;
	url: string;
	mimeType: string | null;
	/** Hex SHA-256 of the bytes, as Meta states it. */
	sha256: string | null;
	fileSize: number | null;
}

/** What the gateway stores: at most this much per attachment (Meta's own cap is 100 MB for documents). */
export const MEDIA_MAX_BYTES = 16 * 1024 * 1024;

const META_MEDIA_HOST = /(^|\.)(fbsbx\.com|facebook\.com|fbcdn\.net|whatsapp\.net)$/i;

/** Meta writes the hash in hex on the media endpoint and in base64 in webhooks: both read as hex. */
export function hexSha256(v: unknown): string | null {
	if (typeof v !== 'string' || v === '') return null;
	if (/^[0-9a-f]{64}$/i.test(v)) return v.toLowerCase();
	const b = Buffer.from(v, 'base64');
	return b.length === 32 ? b.toString('hex') : null;
}

export function mediaInfoFrom(body: unknown, mediaId: string): MediaInfo {
	const b = (body ?? {}) as Record<string, unknown>;
	if (typeof b.url !== 'string' || b.url === '')
		throw new MitanError('MEDIA_FETCH_FAILED', `GET /${mediaId}: the answer has no url`, { field: 'url' });
	return {
		id: mediaId,
		url: b.url,
		mimeType: typeof b.mime_type === 'string' ? b.mime_type : null,
		sha256: hexSha256(b.sha256),
		fileSize: typeof b.file_size === 'number' ? b.file_size : typeof b.file_size === 'string' ? Number(b.file_size) : null,
	};
}

export async function downloadMedia(base: URL, token: string, info: MediaInfo, timeoutMs = 20_000): Promise<Buffer> {
	let u: URL;
	try {
		u = new URL(info.url);
	} catch {
		throw new MitanError('MEDIA_FETCH_FAILED', `media ${info.id}: url is not a URL`, { field: 'url' });
	}
	if (u.host !== base.host && !(u.protocol === 'https:' && META_MEDIA_HOST.test(u.hostname)))
		throw new MitanError('MEDIA_FETCH_FAILED', `media ${info.id}: url host ${u.hostname} is not Meta's; the token is not sent there`, {
			field: 'url',
		});
	const res = await fetch(u, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
	if (!res.ok) throw new MitanError('MEDIA_FETCH_FAILED', `media ${info.id}: download answered HTTP ${res.status}`, { field: 'url' });
	const declared = Number(res.headers.get('content-length') ?? NaN);
	if (declared > MEDIA_MAX_BYTES)
		throw new MitanError('MEDIA_FETCH_FAILED', `media ${info.id}: ${declared} bytes is over ${MEDIA_MAX_BYTES}`);
	const bytes = Buffer.from(await res.arrayBuffer());
	if (bytes.length > MEDIA_MAX_BYTES)
		throw new MitanError('MEDIA_FETCH_FAILED', `media ${info.id}: ${bytes.length} bytes is over ${MEDIA_MAX_BYTES}`);
	const got = createHash('sha256').update(bytes).digest('hex');
	if (info.sha256 && got !== info.sha256)
		throw new MitanError('MEDIA_HASH_MISMATCH', `media ${info.id}: the bytes' SHA-256 is not the one Meta stated`, { field: 'sha256' });
	return bytes;
}
