/**
 * Fetches a media URL the way Meta's crawler does when a client hands it `image_url` / `url`:
 * at request time, no cookies, no redirects followed (Meta's docs list redirects among the
 * causes of 9004), and the bytes decide, not the file name. A fetch Meta cannot make is the
 * most reported failure of Instagram publishing, so it is reproduced rather than skipped.
 */
import sharp from 'sharp';

export type MediaProblem = 'unreachable' | 'not_image' | 'not_jpeg' | 'too_large' | 'aspect_ratio';

export interface FetchedMedia {
	ok: boolean;
	problem?: MediaProblem;
	detail: string;
	bytes?: number;
	width?: number;
	height?: number;
	format?: string;
}

function isJpeg(buf: Buffer): boolean {
	return buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
}

export async function fetchMedia(
	url: string,
	opts: { timeoutMs: number; maxBytes: number; requireJpeg: boolean; checkAspect: boolean },
): Promise<FetchedMedia> {
	let res: Response;
	try {
		const u = new URL(url);
		if (u.protocol !== 'http:' && u.protocol !== 'https:')
			return { ok: false, problem: 'unreachable', detail: `unsupported scheme ${u.protocol}` };
		res = await fetch(u, {
			redirect: 'manual',
			signal: AbortSignal.timeout(opts.timeoutMs),
			headers: { 'user-agent': 'facebookexternalhit/1.1' },
		});
	} catch (err) {
		return { ok: false, problem: 'unreachable', detail: (err as Error).message };
	}
	if (res.status < 200 || res.status >= 300) {
		await res.arrayBuffer().catch(() => undefined);
		return { ok: false, problem: 'unreachable', detail: `HTTP ${res.status}` };
	}
	const buf = Buffer.from(await res.arrayBuffer());
	if (buf.length > opts.maxBytes) return { ok: false, problem: 'too_large', detail: `${buf.length} bytes`, bytes: buf.length };
	let meta: { width?: number; height?: number; format?: string };
	try {
		meta = await sharp(buf).metadata();
	} catch {
		return {
			ok: false,
			problem: 'not_image',
			detail: `content-type ${res.headers.get('content-type') ?? 'none'} is not an image`,
			bytes: buf.length,
		};
	}
	const out: FetchedMedia = { ok: true, detail: 'ok', bytes: buf.length, width: meta.width, height: meta.height, format: meta.format };
	if (opts.requireJpeg && !isJpeg(buf))
		return { ...out, ok: false, problem: 'not_jpeg', detail: `format ${meta.format ?? 'unknown'} is not JPEG` };
	if (opts.checkAspect && meta.width && meta.height) {
		const ratio = meta.width / meta.height;
		// Instagram feed images: 4:5 (0.8) to 1.91:1.
		if (ratio < 0.8 - 1e-3 || ratio > 1.91 + 1e-3)
			return { ...out, ok: false, problem: 'aspect_ratio', detail: `aspect ratio ${ratio.toFixed(3)}` };
	}
	return out;
}
