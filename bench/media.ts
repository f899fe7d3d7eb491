/**
 * Image → Instagram JPEG conversion cost (the gateway does it once per approved image).
 * Prints JSON: per input, milliseconds (median of 5) and output size.
 */
import * as os from 'os';
import sharp from 'sharp';
import { toInstagramJpeg } from '../core/media/convert';

async function main(): Promise<void> {
	const inputs: [string, Buffer][] = [
		[
			'png 1080x1080',
			await sharp({ create: { width: 1080, height: 1080, channels: 3, background: '#1a4d8f' } })
				.png()
				.toBuffer(),
		],
		[
			'jpeg 4000x3000 noise',
			await sharp(Buffer.from(Array.from({ length: 4000 * 3000 * 3 }, () => Math.floor(Math.random() * 256))), {
				raw: { width: 4000, height: 3000, channels: 3 },
			})
				.jpeg({ quality: 95 })
				.toBuffer(),
		],
		[
			'png 1000x3000 (tall, padded)',
			await sharp({ create: { width: 1000, height: 3000, channels: 4, background: { r: 200, g: 0, b: 0, alpha: 0.5 } } })
				.png()
				.toBuffer(),
		],
	];
	const results = [];
	for (const [name, buf] of inputs) {
		const times: number[] = [];
		let out = await toInstagramJpeg(buf);
		for (let i = 0; i < 5; i++) {
			const t = process.hrtime.bigint();
			out = await toInstagramJpeg(buf);
			times.push(Number(process.hrtime.bigint() - t) / 1e6);
		}
		times.sort((a, b) => a - b);
		results.push({
			input: name,
			inputBytes: buf.length,
			medianMs: Math.round(times[2]),
			outWidth: out.width,
			outHeight: out.height,
			outBytes: out.jpeg.length,
		});
	}
	console.log(JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, results }, null, 2));
}

void main();
