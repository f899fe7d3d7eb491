/**
 * Publishing to Facebook, Instagram and X against the sandbox over HTTP, on both engines:
 * happy paths, Instagram's image traps, X's weighted length, retired Facebook metrics, and the
 * once-per-(content, channel) rule through timeouts and re-runs.
 */
import sharp from 'sharp';
import { parseTweet } from 'twitter-text';
import { createPublisher } from '../../core/channels/registry';
import { XPublisher } from '../../core/channels/x';
import { MitanError } from '../../core/errors';
import { ingestContentImage } from '../../core/media/ingest';
import { inlineContent, loadPublishableContent } from '../../core/publishing/content';
import { fetchMetricsForRecentPosts } from '../../core/publishing/insights';
import { getPost } from '../../core/publishing/posts';
import { publishOnce, publishToChannels } from '../../core/publishing/publish';
import { GRAPH_API_VERSION } from '../../core/channels/api';
import { describeEachEngine } from '../helpers/db';
import { call, startImageServer, startSandbox, type Started } from '../sandbox/helpers';
import {
	credsFor,
	insertContent,
	rejected,
	startBlackholeProxy,
	startMediaServer,
	TEST_ONLY_LOOPBACK,
	uniq,
	META,
	X_OAUTH1,
} from './helpers';

const FAST = { instagram: { pollIntervalMs: 100 } };

describeEachEngine('social publishing', (ctx) => {
	let sb: Started;
	let images: Awaited<ReturnType<typeof startImageServer>>;
	let media: Awaited<ReturnType<typeof startMediaServer>>;

	beforeAll(async () => {
		sb = await startSandbox({ instagram: { containerProcessingMs: 150 } });
		images = await startImageServer();
		media = await startMediaServer(ctx.db);
	});
	afterAll(async () => {
		await media.close();
		await images.close();
		await sb.running.close();
	});

	const posts = async () => (await call(sb.url, 'GET', '/_sandbox/posts?limit=1000')).body;

	test('Facebook feed post with link; a re-run makes no second post', async () => {
		const text = `सावधान रहें ${uniq()}`;
		const id = await insertContent(ctx.db, { variants: { facebook: { text, link: 'https://cybercrime.gov.in' } } });
		const content = await loadPublishableContent(ctx.db, id);
		const [r1] = await publishToChannels(ctx.db, credsFor(sb.url), content, ['facebook']);
		expect(r1.ok).toBe(true);
		expect(r1.outcome).toMatchObject({ status: 'published', channel: 'facebook', contentKey: `content:${id}` });
		expect(r1.outcome!.externalId).toMatch(/^300000000000001_\d+$/);
		expect(r1.outcome!.url).toContain('facebook.com/300000000000001/posts/');
		const [r2] = await publishToChannels(ctx.db, credsFor(sb.url), await loadPublishableContent(ctx.db, id), ['facebook']);
		expect(r2.outcome).toMatchObject({ status: 'already_published', externalId: r1.outcome!.externalId });
		const made = (await posts()).facebook.filter((p: { message?: string }) => p.message === text);
		expect(made).toHaveLength(1);
		expect(made[0].link).toBe('https://cybercrime.gov.in');
		const row = await getPost(ctx.db, `content:${id}`, 'facebook');
		expect(row).toMatchObject({ state: 'published', attempts: 1, external_id: r1.outcome!.externalId });
		const dirty = await ctx.db.query(`SELECT kind FROM rollup_dirty_days WHERE kind = 'social'`);
		expect(dirty.length).toBeGreaterThan(0);
	});

	test('Facebook photo post carries the link in its caption', async () => {
		const text = `Photo ${uniq()}`;
		const content = inlineContent({
			bodyEn: 'x',
			imageUrl: `${images.url}/ok.jpg`,
			variants: { facebook: { text, link: 'https://cybercrime.gov.in' } },
		});
		const out = await publishOnce(ctx.db, createPublisher('facebook', credsFor(sb.url)), content);
		expect(out.status).toBe('published');
		const made = (await posts()).facebook.find((p: { id: string }) => p.id === out.externalId);
		expect(made).toMatchObject({ message: `${text}\n\nhttps://cybercrime.gov.in`, photoUrl: `${images.url}/ok.jpg` });
	});

	test('Instagram: PNG content image is converted to JPEG by the media store, quota read first, then container → publish', async () => {
		const caption = `इंस्टाग्राम ${uniq()}`;
		const id = await insertContent(ctx.db, { imageUrl: `${images.url}/img.png`, variants: { instagram: { caption } } });
		const ingested = await ingestContentImage(ctx.db, id, media.url, TEST_ONLY_LOOPBACK);
		expect(ingested.url).toMatch(new RegExp(`^${media.url}/media/[0-9a-f]{64}\\.jpg$`));
		const served = await fetch(ingested.url);
		expect(served.headers.get('content-type')).toBe('image/jpeg');
		const bytes = Buffer.from(await served.arrayBuffer());
		expect((await sharp(bytes).metadata()).format).toBe('jpeg');

		const proxy = await startBlackholeProxy(sb.url, { match: () => false, count: 0 });
		try {
			const content = { ...(await loadPublishableContent(ctx.db, id)), imageUrl: ingested.url };
			const [r] = await publishToChannels(ctx.db, credsFor(proxy.url), content, ['instagram'], { publisherOptions: FAST });
			expect(r.error).toBeUndefined();
			expect(r.outcome).toMatchObject({ status: 'published', channel: 'instagram' });
			const order = proxy.forwarded.map((f) => f.replace(/\?.*$/, ''));
			const quota = order.findIndex((f) => f.endsWith('/content_publishing_limit'));
			const container = order.findIndex((f) => f === `POST /${GRAPH_API_VERSION}/400000000000001/media`);
			const publish = order.findIndex((f) => f === `POST /${GRAPH_API_VERSION}/400000000000001/media_publish`);
			expect(quota).toBeGreaterThanOrEqual(0);
			expect(quota).toBeLessThan(container);
			expect(container).toBeLessThan(publish);
			const igMedia = (await posts()).instagram.media.find((m: { id: string }) => m.id === r.outcome!.externalId);
			expect(igMedia).toMatchObject({ caption, mediaUrl: ingested.url });
		} finally {
			await proxy.close();
		}
	});

	test('media conversion keeps Instagram rules: too tall is padded to 4:5, too wide to 1.91:1, width ≤ 1440', async () => {
		const tall = await sharp({ create: { width: 600, height: 1500, channels: 4, background: { r: 10, g: 20, b: 200, alpha: 0.5 } } })
			.png()
			.toBuffer();
		const wide = await sharp({ create: { width: 3000, height: 800, channels: 3, background: '#333' } })
			.webp()
			.toBuffer();
		const { toInstagramJpeg } = await import('../../core/media/convert');
		const t = await toInstagramJpeg(tall);
		expect(t.width / t.height).toBeCloseTo(0.8, 2);
		const w = await toInstagramJpeg(wide);
		expect(w.width).toBe(1440);
		expect(w.width / w.height).toBeLessThanOrEqual(1.91 + 1e-3);
		expect(t.jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
		await expect(toInstagramJpeg(Buffer.from('<html>not an image</html>'))).rejects.toMatchObject({
			code: 'IMAGE_UNREADABLE',
			action: 'fix_content',
		});
	});

	test('Instagram: unreachable image → clear fix_content error, checked before any container; Meta’s own 9004 is sorted too', async () => {
		const content = inlineContent({ bodyHi: `चित्र ${uniq()}`, imageUrl: `${images.url}/missing.jpg` });
		const containersBefore = (await posts()).instagram.containers.length;
		const e = await rejected(publishOnce(ctx.db, createPublisher('instagram', credsFor(sb.url), FAST), content));
		expect(e).toMatchObject({ code: 'IG_IMAGE_UNREACHABLE', action: 'fix_content' });
		expect(e.message).toContain(`${images.url}/missing.jpg`);
		expect(e.message).toContain('HTTP 404');
		expect((await posts()).instagram.containers.length).toBe(containersBefore);
		expect(await getPost(ctx.db, content.contentKey, 'instagram')).toMatchObject({
			state: 'failed',
			error_code: 'IG_IMAGE_UNREACHABLE',
			external_id: null,
		});

		const noPreflight = createPublisher('instagram', credsFor(sb.url), { instagram: { pollIntervalMs: 100, preflightImage: false } });
		const e2 = await rejected(
			publishOnce(ctx.db, noPreflight, inlineContent({ bodyHi: `चित्र ${uniq()}`, imageUrl: `${images.url}/page.html` })),
		);
		expect(e2).toMatchObject({ code: 'INSTAGRAM_9004_2207052', action: 'fix_content' });
		expect(e2.details).toMatchObject({ metaCode: 9004, metaSubcode: 2207052, httpStatus: 400 });
		expect(String(e2.details!['rawBody'])).toContain('2207052');
	});

	test('Instagram: a PNG URL handed over directly is refused before Instagram is called', async () => {
		const e = await rejected(
			publishOnce(
				ctx.db,
				createPublisher('instagram', credsFor(sb.url), FAST),
				inlineContent({ bodyEn: `png ${uniq()}`, imageUrl: `${images.url}/png-named.jpg` }),
			),
		);
		expect(e).toMatchObject({ code: 'IG_IMAGE_NOT_JPEG', action: 'fix_content' });
		expect(e.message).toMatch(/not a JPEG/);
	});

	test('Instagram: no image → validation problem, nothing written', async () => {
		const content = inlineContent({ bodyEn: `no image ${uniq()}` });
		const e = await rejected(publishOnce(ctx.db, createPublisher('instagram', credsFor(sb.url)), content));
		expect(e).toMatchObject({ code: 'IG_IMAGE_REQUIRED', action: 'fix_content' });
		expect(await getPost(ctx.db, content.contentKey, 'instagram')).toBeUndefined();
	});

	test('X: OAuth 1.0a and OAuth 2.0 user token both post', async () => {
		const a = await publishOnce(
			ctx.db,
			createPublisher('x', credsFor(sb.url)),
			inlineContent({ variants: { x: { text: `OAuth1 ${uniq()}` } } }),
		);
		expect(a).toMatchObject({ status: 'published', channel: 'x' });
		expect(a.url).toBe(`https://x.com/i/web/status/${a.externalId}`);
		const b = await publishOnce(
			ctx.db,
			createPublisher('x', { x: { authType: 'oauth2', oauth2Token: 'sandbox-x-bearer', baseUrl: sb.url } }),
			inlineContent({ variants: { x: { text: `OAuth2 ${uniq()}` } } }),
		);
		expect(b.status).toBe('published');
		const bad = await rejected(
			publishOnce(
				ctx.db,
				createPublisher('x', { x: { ...X_OAUTH1, accessTokenSecret: 'wrong', baseUrl: sb.url } }),
				inlineContent({ variants: { x: { text: `bad ${uniq()}` } } }),
			),
		);
		expect(bad).toMatchObject({ code: 'X_401', action: 'reauthenticate' });
	});

	test('X: Hindi over the weighted limit (per code point) is refused with its count; nothing posted or written', async () => {
		// 100 visible syllables, but "क्षे" is 4 code points → 4 weighted characters each.
		const hindi = 'सुरक्षित '.repeat(35).trim();
		expect([...new Intl.Segmenter('hi', { granularity: 'grapheme' }).segment(hindi)].length).toBeLessThan(280);
		expect(parseTweet(hindi).weightedLength).toBeGreaterThan(280);
		const content = inlineContent({ variants: { x: { text: hindi } } });
		const e = await rejected(publishOnce(ctx.db, createPublisher('x', credsFor(sb.url)), content));
		expect(e).toMatchObject({ code: 'X_TOO_LONG', action: 'fix_content' });
		expect(e.message).toContain(`${parseTweet(hindi).weightedLength} weighted characters`);
		expect(e.message).toContain('सीमा 280');
		expect(await getPost(ctx.db, content.contentKey, 'x')).toBeUndefined();
		expect((await posts()).x.some((t: { text: string }) => t.text === hindi)).toBe(false);
	});

	test('X: emoji weigh 2 and URLs 23, exactly as X counts them', () => {
		const x = new XPublisher({ ...X_OAUTH1, baseUrl: sb.url });
		const emoji = '🚨'.repeat(141); // 141 visible, 282 weighted
		expect(x.validate({ text: emoji })).toEqual([expect.objectContaining({ code: 'X_TOO_LONG', field: 'x.text' })]);
		expect(x.validate({ text: '🚨'.repeat(140) })).toEqual([]);
		const longUrl = `https://cybercrime.gov.in/Webform/${'a'.repeat(150)}`;
		expect(x.validate({ text: `${'a'.repeat(256)} ${longUrl}` })).toEqual([]); // 256 + 1 + 23 = 280
		expect(x.validate({ text: `${'a'.repeat(257)} ${longUrl}` })).toHaveLength(1);
	});

	test('X: a 429 waits for x-rate-limit-reset, then posts', async () => {
		await call(sb.url, 'PATCH', '/_sandbox/config', { body: { x: { postsPerWindow: 1, windowSeconds: 2 } } });
		try {
			const pub = createPublisher('x', credsFor(sb.url));
			await publishOnce(ctx.db, pub, inlineContent({ variants: { x: { text: `first ${uniq()}` } } }));
			const started = Date.now();
			const second = await publishOnce(ctx.db, pub, inlineContent({ variants: { x: { text: `second ${uniq()}` } } }));
			expect(second.status).toBe('published');
			expect(Date.now() - started).toBeGreaterThanOrEqual(200); // it did wait, for the reset
			const impatient = createPublisher('x', credsFor(sb.url), { maxRateLimitWaitMs: 0 });
			const e = await rejected(publishOnce(ctx.db, impatient, inlineContent({ variants: { x: { text: `third ${uniq()}` } } })));
			expect(e).toMatchObject({ code: 'X_429', action: 'retry_soon' });
			expect(e.details!['retryAfterMs']).toEqual(expect.any(Number));
		} finally {
			await call(sb.url, 'PATCH', '/_sandbox/config', { body: { x: { postsPerWindow: 100, windowSeconds: 900 } } });
		}
	});

	test('a timeout after Facebook made the post → looked up, recorded, never posted twice', async () => {
		const text = `timeout ${uniq()}`;
		const content = inlineContent({ variants: { facebook: { text } } });
		const proxy = await startBlackholeProxy(sb.url, { match: (m, u) => m === 'POST' && /\/feed$/.test(u) });
		try {
			const pub = createPublisher('facebook', credsFor(proxy.url), { timeoutMs: 800 });
			const out = await publishOnce(ctx.db, pub, content);
			expect(proxy.held).toBe(1);
			expect(out.status).toBe('recovered');
			const again = await publishOnce(ctx.db, pub, content);
			expect(again.status).toBe('already_published');
			expect((await posts()).facebook.filter((p: { message?: string }) => p.message === text)).toHaveLength(1);
			const trail = await ctx.db.query(`SELECT action FROM audit_log WHERE entity = 'social_post' AND entity_id = $1`, [
				String(out.postId),
			]);
			expect(trail.map((t) => t.action)).toEqual(['social.recovered']);
		} finally {
			await proxy.close();
		}
	});

	test('X: timeout and the lookup also lost → state unknown; the next run looks it up instead of posting again', async () => {
		const text = `unknown ${uniq()}`;
		const content = inlineContent({ variants: { x: { text } } });
		// Hold the POST and the immediate lookup: the run ends not knowing.
		const proxy = await startBlackholeProxy(sb.url, {
			match: (m, u) => (m === 'POST' && u === '/2/tweets') || /\/2\/users\/\d+\/tweets/.test(u),
			count: 2,
		});
		try {
			// OAuth 2.0 here: an OAuth 1.0a signature covers the URL, which a proxy changes.
			const e = await rejected(
				publishOnce(
					ctx.db,
					createPublisher('x', { x: { authType: 'oauth2', oauth2Token: 'sandbox-x-bearer', baseUrl: proxy.url } }, { timeoutMs: 800 }),
					content,
				),
			);
			expect(e).toMatchObject({ code: 'SOCIAL_OUTCOME_UNKNOWN', action: 'retry_soon' });
			expect(await getPost(ctx.db, content.contentKey, 'x')).toMatchObject({ state: 'unknown', attempts: 1 });
			expect((await posts()).x.filter((t: { text: string }) => t.text === text)).toHaveLength(1);
		} finally {
			await proxy.close();
		}
		const out = await publishOnce(ctx.db, createPublisher('x', credsFor(sb.url)), content);
		expect(out.status).toBe('recovered');
		expect(out.attempts).toBe(1);
		expect((await posts()).x.filter((t: { text: string }) => t.text === text)).toHaveLength(1);
	});

	test('content by id: only approved content whose approval matches its text', async () => {
		const pending = await insertContent(ctx.db, { state: 'pending', approved: false });
		await expect(loadPublishableContent(ctx.db, pending)).rejects.toMatchObject({ code: 'CONTENT_NOT_APPROVED', action: 'fix_input' });
		const edited = await insertContent(ctx.db);
		await ctx.db.query(`UPDATE content SET content_hash = 'edited' WHERE id = $1`, [edited]);
		await expect(loadPublishableContent(ctx.db, edited)).rejects.toMatchObject({ code: 'APPROVAL_VOID', action: 'fix_content' });
		await expect(loadPublishableContent(ctx.db, 99999999)).rejects.toMatchObject({ code: 'CONTENT_NOT_FOUND' });
		expect(inlineContent({ bodyHi: 'अ', bodyEn: 'a' }).contentKey).toBe(inlineContent({ bodyEn: 'a ', bodyHi: ' अ' }).contentKey);
		expect(() => inlineContent({})).toThrow(expect.objectContaining({ code: 'CONTENT_EMPTY' }));
	});

	test('one network failing does not stop the others', async () => {
		const content = inlineContent({ bodyHi: `सभी ${uniq()}`, bodyEn: 'all' });
		const res = await publishToChannels(ctx.db, { meta: { ...META, baseUrl: sb.url } }, content, ['x', 'instagram', 'facebook'], {
			publisherOptions: FAST,
		});
		expect(res.map((r) => [r.channel, r.ok, r.error?.code])).toEqual([
			['x', false, 'SOCIAL_CREDENTIAL_MISSING'],
			['instagram', false, 'IG_IMAGE_REQUIRED'],
			['facebook', true, undefined],
		]);
	});

	test('metrics: current names stored; a retired Facebook metric is reported without failing the others', async () => {
		const res = await fetchMetricsForRecentPosts(ctx.db, credsFor(sb.url), {
			days: 1,
			publisherOptions: {
				facebookPostMetrics: { post_impressions_unique: 'reach_old', post_media_view: 'views', post_total_media_view_unique: 'reach' },
			},
		});
		expect(res.posts).toBeGreaterThanOrEqual(3);
		expect(res.failedPosts).toBe(0);
		const fb = res.results.filter((r) => r.channel === 'facebook');
		expect(fb.length).toBeGreaterThan(0);
		for (const r of fb) {
			expect(r.metrics.views).toBeGreaterThan(0);
			expect(r.metrics.reach).toBeGreaterThan(0);
			expect(r.metrics.reach_old).toBeUndefined();
			expect(r.problems.map((p) => p.field)).toEqual(['post_impressions_unique']);
		}
		const ig = res.results.find((r) => r.channel === 'instagram');
		expect(ig?.metrics).toMatchObject({ views: expect.any(Number), reach: expect.any(Number) });
		const x = res.results.find((r) => r.channel === 'x');
		expect(x?.metrics.views).toBeGreaterThan(0);
		const stored = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM social_metrics WHERE day = $1`, [res.day]);
		expect(stored[0].n).toBe(res.written);
		const dirty = await ctx.db.query(`SELECT 1 FROM rollup_dirty_days WHERE kind = 'social' AND day = $1`, [res.day]);
		expect(dirty).toHaveLength(1);
		// Running again the same day updates the snapshot instead of adding rows.
		const again = await fetchMetricsForRecentPosts(ctx.db, credsFor(sb.url), { days: 1 });
		const stored2 = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM social_metrics WHERE day = $1`, [res.day]);
		expect(stored2[0].n).toBeGreaterThanOrEqual(again.written);
	});

	test('two runs at once: one posts, the other finds it published or in progress', async () => {
		const text = `race ${uniq()}`;
		const content = inlineContent({ variants: { facebook: { text } } });
		const pub = createPublisher('facebook', credsFor(sb.url));
		const settled = await Promise.allSettled([publishOnce(ctx.db, pub, content), publishOnce(ctx.db, pub, content)]);
		const ok = settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<{ status: string }>).value.status);
		const failed = settled.filter((s) => s.status === 'rejected').map((s) => ((s as PromiseRejectedResult).reason as MitanError).code);
		expect(ok.filter((s) => s === 'published')).toHaveLength(1);
		expect(
			[...ok.filter((s) => s !== 'published'), ...failed].every((s) => s === 'already_published' || s === 'SOCIAL_PUBLISH_IN_PROGRESS'),
		).toBe(true);
		expect((await posts()).facebook.filter((p: { message?: string }) => p.message === text)).toHaveLength(1);
	});
});
