/**
 * Any image → a JPEG Instagram accepts (INSTAGRAM_IMAGE_RULES, the one copy: 4:5 to 1.91:1, 320-1440 px wide),
 * no larger than every channel takes (the registry's image rules: WhatsApp's header image is the
 * smallest, then Instagram's photo), so the one stored JPEG serves each channel the content goes to.
 * Images outside the ratio are padded, not cropped: an awareness poster's edges carry the
 * helpline number and the police logo, and cutting them off would change approved content.
 * Uses sharp (libvips). Only the gateway / CLI import this file; n8n nodes never do.
 */
import { createHash } from 'crypto';
import sharp from 'sharp';
import { INSTAGRAM_IMAGE_RULES as IMAGE_RULES } from '../channels/instagram';
import { imageMaxBytes } from '../channels/registry';
import { MitanError } from '../errors';

/** Larger inputs are refused before decoding (decompression bombs). */
export const MAX_INPUT_BYTES = 30 * 1024 * 1024;
const MAX_INPUT_PIXELS = 100_000_000;

/** An image file above MAX_INPUT_BYTES: refused at the image field, before anything is decoded or stored. */
export function tooLargeInput(bytes: number | null): MitanError {
	const mb = MAX_INPUT_BYTES / (1024 * 1024);
	const size = bytes === null ? `over ${mb} MB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
	return new MitanError(
		'IMAGE_TOO_LARGE',
		`the image file is ${size}; at most ${mb} MB can be uploaded: save it smaller (e.g. as JPEG) and upload again / चित्र फ़ाइल बहुत बड़ी है (अधिकतम ${mb} MB), छोटी फ़ाइल अपलोड करें`,
		{ field: 'image_url', maxBytes: MAX_INPUT_BYTES },
	);
}

export interface ConvertedImage {
	jpeg: Buffer;
	hash: string;
	width: number;
	height: number;
	sourceFormat: string;
}

/** Target canvas for a w×h image: same content, padded to the nearest allowed ratio. */
export function paddedCanvas(w: number, h: number): { width: number; height: number } {
	const r = w / h;
	if (r < IMAGE_RULES.minAspect) return { width: Math.ceil(h * IMAGE_RULES.minAspect), height: h };
	if (r > IMAGE_RULES.maxAspect) return { width: w, height: Math.ceil(w / IMAGE_RULES.maxAspect) };
	return { width: w, height: h };
}

export async function toInstagramJpeg(input: Buffer, opts: { background?: string } = {}): Promise<ConvertedImage> {
	if (input.length > MAX_INPUT_BYTES) throw tooLargeInput(input.length);
	let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
	try {
		meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
	} catch (e) {
		throw new MitanError('IMAGE_UNREADABLE', `the file is not an image sharp can read (${(e as Error).message}) / यह चित्र फ़ाइल नहीं है`, {
			field: 'image_url',
		});
	}
	const background = opts.background ?? '#ffffff';
	// EXIF orientation first, so width/height are the ones people see.
	const rotated = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
		.rotate()
		.flatten({ background })
		.toBuffer({ resolveWithObject: true });
	let { width: w, height: h } = rotated.info;
	let pipeline = sharp(rotated.data);
	if (w > IMAGE_RULES.maxWidth || w < IMAGE_RULES.minWidth) {
		const target = w > IMAGE_RULES.maxWidth ? IMAGE_RULES.maxWidth : IMAGE_RULES.minWidth;
		h = Math.round((h * target) / w);
		w = target;
		pipeline = pipeline.resize({ width: w, height: h, fit: 'fill' });
	}
	const canvas = paddedCanvas(w, h);
	if (canvas.width !== w || canvas.height !== h) {
		const left = Math.floor((canvas.width - w) / 2);
		const top = Math.floor((canvas.height - h) / 2);
		pipeline = sharp(await pipeline.toBuffer()).extend({
			left,
			right: canvas.width - w - left,
			top,
			bottom: canvas.height - h - top,
			background,
		});
		// Padding a too-tall image widens it: bring it back under the width limit.
		if (canvas.width > IMAGE_RULES.maxWidth) {
			const scale = IMAGE_RULES.maxWidth / canvas.width;
			pipeline = sharp(await pipeline.toBuffer()).resize({
				width: IMAGE_RULES.maxWidth,
				height: Math.round(canvas.height * scale),
				fit: 'fill',
			});
		}
	}
	const prepared = await pipeline.toBuffer();
	const maxBytes = imageMaxBytes();
	for (const quality of [88, 80, 70, 60, 50]) {
		const out = await sharp(prepared).jpeg({ quality, mozjpeg: true, chromaSubsampling: '4:2:0' }).toBuffer({ resolveWithObject: true });
		if (out.data.length <= maxBytes) {
			return {
				jpeg: out.data,
				hash: createHash('sha256').update(out.data).digest('hex'),
				width: out.info.width,
				height: out.info.height,
				sourceFormat: meta.format ?? 'unknown',
			};
		}
	}
	const mb = maxBytes / (1024 * 1024);
	throw new MitanError(
		'IMAGE_TOO_LARGE',
		`the image stays above ${mb} MB as a JPEG even at quality 50: use a simpler or smaller image / चित्र ${mb} MB से छोटा नहीं हो पाया, सरल या छोटा चित्र लें`,
		{ field: 'image_url', maxBytes },
	);
}
