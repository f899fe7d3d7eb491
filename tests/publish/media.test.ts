/**
 * The gateway's media store over real HTTP: stable /media/<sha256>.jpg URLs, JPEG bytes served
 * identically from PGlite and PostgreSQL, ingest only for approved content; and the n8n node
 * bundle never pulls in sharp.
 */
import { createHash } from 'crypto';
import * as esbuild from 'esbuild';
import * as path from 'path';
import sharp from 'sharp';
import { toInstagramJpeg } from '../../core/media/convert';
import { ingestImage } from '../../core/media/ingest';
import { describeEachEngine } from '../helpers/db';
import { REPO_ROOT } from '../helpers/n8n';
import { startImageServer } from '../sandbox/helpers';
import { ingestOverHttp, insertContent, startMediaServer } from './helpers';

describeEachEngine('media store', (ctx) => {
	let media: Awaited<ReturnType<typeof startMediaServer>>;
	let images: Awaited<ReturnType<typeof startImageServer>>;
	beforeAll(async () => {
		media = await startMediaServer(ctx.db);
		images = await startImageServer();
	});
	afterAll(async () => {
		await images.close();
		await media.close();
	});

	test('an image is stored once by the hash of its JPEG and served byte-for-byte with caching headers', async () => {
		const png = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#c00' } })
			.png()
			.toBuffer();
		const a = await ingestImage(ctx.db, { bytes: png }, media.url);
		const b = await ingestImage(ctx.db, { bytes: png }, media.url);
		expect(b.hash).toBe(a.hash);
		const res = await fetch(a.url);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/jpeg');
		expect(res.headers.get('cache-control')).toContain('immutable');
		const bytes = Buffer.from(await res.arrayBuffer());
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(a.hash);
		const again = await fetch(a.url, { headers: { 'if-none-match': `"${a.hash}"` } });
		expect(again.status).toBe(304);
		const [{ n }] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM media WHERE hash = $1', [a.hash]);
		expect(n).toBe(1);
	});

	test('unknown or malformed names are 404, never a database error', async () => {
		for (const p of [`/media/${'0'.repeat(64)}.jpg`, '/media/abc.jpg', `/media/${'A'.repeat(64)}.jpg`, "/media/x';drop.jpg"]) {
			const r = await fetch(media.url + p);
			expect(r.status).toBe(404);
		}
	});

	test('ingest by content id: approved content only; a URL is never accepted from the caller', async () => {
		const ok = await insertContent(ctx.db, { imageUrl: `${images.url}/wide.jpg` });
		const r = await ingestOverHttp(ctx.db, media.url, ok);
		expect(r.status).toBe(200);
		const body = r.body as { url: string; width: number; height: number };
		expect(body.url).toMatch(/\/media\/[0-9a-f]{64}\.jpg$/);
		expect(body.width / body.height).toBeLessThanOrEqual(1.91 + 1e-3);

		const pending = await insertContent(ctx.db, { imageUrl: `${images.url}/ok.jpg`, state: 'pending', approved: false });
		const refused = await ingestOverHttp(ctx.db, media.url, pending);
		expect(refused.status).toBe(400); // CONTENT_NOT_APPROVED (fix_input): the one publish gate's answer for every channel
		expect(refused.body.error.code).toBe('CONTENT_NOT_APPROVED');

		const byUrl = await fetch(`${media.url}/media/ingest`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ url: 'http://169.254.169.254/' }),
		});
		expect(byUrl.status).toBe(400);
		expect(((await byUrl.json()) as { error: { code: string } }).error.code).toBe('CONTENT_ID_INVALID');

		const broken = await insertContent(ctx.db, { imageUrl: `${images.url}/page.html` });
		const bad = await ingestOverHttp(ctx.db, media.url, broken);
		expect(bad.status).toBe(422); // fix_content: the image itself is unusable
		expect(bad.body.error).toMatchObject({
			code: 'IMAGE_UNREADABLE',
			action: 'fix_content',
		});
	});
});

describe('image conversion rules', () => {
	test('narrow images are widened to 320 px, EXIF rotation applied, alpha flattened', async () => {
		const small = await sharp({ create: { width: 200, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
			.png()
			.toBuffer();
		const out = await toInstagramJpeg(small);
		expect(out.width).toBe(320);
		const rotated = await sharp({ create: { width: 1000, height: 600, channels: 3, background: '#0a0' } })
			.jpeg()
			.withMetadata({ orientation: 6 })
			.toBuffer();
		const r = await toInstagramJpeg(rotated);
		expect(r.height).toBeGreaterThan(r.width); // shown upright: 600 x 1000, padded to 4:5
		expect(r.width / r.height).toBeCloseTo(0.8, 2);
	});
});

describe('node bundle', () => {
	// PGlite is required lazily inside core/db/pglite.ts (never reached by nodes); sharp and express must not appear at all.
	test('Mitan Publish never imports sharp or express (only the gateway converts images)', async () => {
		const res = await esbuild.build({
			entryPoints: [path.join(REPO_ROOT, 'nodes/MitanPublish/MitanPublish.node.ts')],
			bundle: true,
			write: false,
			platform: 'node',
			metafile: true,
			logLevel: 'silent',
			external: ['n8n-workflow', 'sharp', 'express', '@electric-sql/pglite', '@electric-sql/pglite-socket'],
		});
		const imports = Object.values(res.metafile!.inputs).flatMap((i) => i.imports.map((x) => x.path));
		expect(imports.filter((p) => /^(sharp|express)(\/|$)/.test(p))).toEqual([]);
		expect(Object.keys(res.metafile!.inputs).some((f) => f.includes('core/media/'))).toBe(false);
	});
});
