/**
 * Instagram (Facebook-login host): read the publishing quota first, create a container from a
 * public JPEG URL (Instagram fetches it itself), poll the container until FINISHED, then
 * publish it. The image is checked the way Instagram's crawler will see it before any container
 * is made, so "media could not be fetched" becomes a clear error naming the URL.
 */
import type { Content, ContentVariants } from '../content/types';
import { MitanError } from '../errors';
import type { Problem } from '../problem';
import { isHttpUrl } from '../url';
import { GraphPublisherBase, parseGraphTime, type MetaCredentials } from './graph/publisher';
import type { HttpOptions, MetricsResult, Publisher, PublishedPost } from './publisher';
import { bilingual, sameText, variantText } from './text';
import type { ChannelImageRules, ChannelRules, PostDraft, SocialContent } from './types';

/** Media insights after the 2025 retirement of impressions / plays / video_views. */
export const INSTAGRAM_MEDIA_METRICS: Readonly<Record<string, string>> = Object.freeze({
	views: 'views',
	reach: 'reach',
	likes: 'likes',
	comments: 'comments',
	shares: 'shares',
	saved: 'saves',
	total_interactions: 'interactions',
});

/**
 * Instagram's own image rules (content publishing docs): the one copy; core/media converts images
 * to fit them and checkImage() holds a URL to them.
 */
export const INSTAGRAM_IMAGE_RULES = Object.freeze({
	maxBytes: 8 * 1024 * 1024,
	minAspect: 4 / 5,
	maxAspect: 1.91,
	minWidth: 320,
	maxWidth: 1440,
});

/** Instagram's image rules as the registry lists them (ChannelImageRules): the stored JPEG's size. */
export const INSTAGRAM_IMAGE_CHECK: ChannelImageRules = Object.freeze({
	maxBytes: INSTAGRAM_IMAGE_RULES.maxBytes,
	problems(image: { bytes: number }, field: string): Problem[] {
		if (image.bytes <= INSTAGRAM_IMAGE_RULES.maxBytes) return [];
		const mb = (n: number) => (n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
		return [
			{
				field,
				code: 'IG_IMAGE_TOO_LARGE',
				message: `is ${mb(image.bytes)} MB; Instagram takes at most ${mb(INSTAGRAM_IMAGE_RULES.maxBytes)} MB: upload a smaller image / चित्र ${mb(image.bytes)} MB का है; इंस्टाग्राम की सीमा ${mb(INSTAGRAM_IMAGE_RULES.maxBytes)} MB है`,
			},
		];
	},
});

const MAX_CAPTION = 2_200;
const MAX_HASHTAGS = 30;
/** A hashtag runs over letters, combining marks (Hindi matras, virama), digits and _. */
const HASHTAG = /#[\p{L}\p{M}\p{N}_]+/gu;

/**
 * Instagram's rules: the one copy (validation, preview and publishing call it).
 * Counting unit: UTF-16 code units (a JavaScript string's length). Meta documents "2,200
 * characters" without saying how it counts; code units are the strictest reading in use (never
 * fewer than code points or than what a reader sees), so a caption that passes here cannot be
 * refused under another one. It is also what the sandbox enforces. Devanagari counts 1 per code
 * point, an emoji 2. Counting code points (as validation once did) let an emoji caption pass
 * approval and then fail at publish.
 */
export const INSTAGRAM_RULES: ChannelRules<'instagram'> = {
	channel: 'instagram',
	limits: {
		maxTextLength: MAX_CAPTION,
		textLengthRule: `caption characters (UTF-16 code units: an emoji counts 2); at most ${MAX_HASHTAGS} hashtags`,
		requiresImage: true,
		note: 'API publishing quota is read live from content_publishing_limit (Meta docs say 50 or 100 per 24 h)',
	},
	image: 'prepared_jpeg',
	length: (text) => text.length,
	textProblems(text, field) {
		const p: Problem[] = [];
		const n = INSTAGRAM_RULES.length(text);
		if (n > MAX_CAPTION)
			p.push({
				field,
				code: 'IG_CAPTION_TOO_LONG',
				message: `is ${n} characters; Instagram allows ${MAX_CAPTION.toLocaleString('en-IN')} (an emoji counts 2) / कैप्शन ${n} अक्षर, सीमा ${MAX_CAPTION}`,
			});
		const tags = text.match(HASHTAG)?.length ?? 0;
		if (tags > MAX_HASHTAGS)
			p.push({
				field,
				code: 'IG_TOO_MANY_HASHTAGS',
				message: `has ${tags} hashtags; Instagram allows at most ${MAX_HASHTAGS} / ${tags} हैशटैग, सीमा ${MAX_HASHTAGS}`,
			});
		return p;
	},
	validateVariant(value, p) {
		const caption = variantText(p, value, 'instagram', 'caption', INSTAGRAM_RULES);
		return caption === undefined ? undefined : ({ caption } satisfies ContentVariants['instagram']);
	},
	preview: (c: Content) => {
		const caption = c.variants.instagram?.caption;
		if (caption === undefined) return [];
		return [{ channel: 'instagram', caption, length: INSTAGRAM_RULES.length(caption), limit: MAX_CAPTION, imageUrl: c.imageUrl }];
	},
	compose: (content) => ({
		text: content.variants.instagram?.caption?.trim() || bilingual(content),
		imageUrl: content.imageUrl ?? undefined,
	}),
};

export interface InstagramOptions extends HttpOptions {
	/** First wait between container status polls; doubles up to 60 s (Meta: about once a minute). */
	pollIntervalMs?: number;
	/** Give up on a container after this long (Meta: at most 5 minutes). */
	maxContainerWaitMs?: number;
	/** Fetch the image like Instagram will, before making a container (default true). */
	preflightImage?: boolean;
	mediaMetrics?: Record<string, string>;
}

type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'EXPIRED' | 'ERROR';

export class InstagramPublisher extends GraphPublisherBase implements Publisher {
	readonly channel = 'instagram' as const;
	readonly rules = INSTAGRAM_RULES;
	private readonly pollIntervalMs: number;
	private readonly maxContainerWaitMs: number;
	private readonly preflight: boolean;
	private readonly mediaMetrics: Record<string, string>;

	constructor(creds: MetaCredentials, opts: InstagramOptions = {}) {
		super(creds, 'instagram', opts);
		this.pollIntervalMs = opts.pollIntervalMs ?? 2_000;
		this.maxContainerWaitMs = opts.maxContainerWaitMs ?? 5 * 60_000;
		this.preflight = opts.preflightImage ?? true;
		this.mediaMetrics = opts.mediaMetrics ?? { ...INSTAGRAM_MEDIA_METRICS };
	}

	private igUser(): string {
		return this.credentialField('igUserId', 'META_IG_USER_MISSING', 'Instagram User ID');
	}

	compose(content: SocialContent): PostDraft {
		return INSTAGRAM_RULES.compose!(content);
	}

	validate(d: PostDraft): Problem[] {
		const p: Problem[] = [];
		if (!d.imageUrl)
			p.push({
				field: 'image_url',
				code: 'IG_IMAGE_REQUIRED',
				message: 'Instagram needs an image; the content has none / इंस्टाग्राम के लिए चित्र आवश्यक है',
			});
		else if (!isHttpUrl(d.imageUrl))
			p.push({
				field: 'image_url',
				code: 'IG_BAD_IMAGE_URL',
				message: `image URL "${d.imageUrl}" is not a public http(s) URL / चित्र का URL सही नहीं है`,
			});
		p.push(...this.rules.textProblems(d.text, 'instagram.caption'));
		return p;
	}

	/** Fetches the image as Instagram's crawler will: no redirects, no cookies, JPEG bytes, ≤ 8 MB. */
	async checkImage(url: string): Promise<void> {
		const fail = (code: 'IG_IMAGE_UNREACHABLE' | 'IG_IMAGE_TOO_LARGE' | 'IG_IMAGE_NOT_JPEG', why: string) =>
			new MitanError(
				code,
				`Instagram image ${url}: ${why}. Instagram fetches the image itself from a public URL and accepts only JPEG / इंस्टाग्राम चित्र नहीं ले पाएगा: ${why}`,
				{ field: 'image_url', url },
			);
		let res: Response;
		try {
			res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(Math.min(this.timeoutMs, 15_000)) });
		} catch (e) {
			throw fail('IG_IMAGE_UNREACHABLE', `unreachable (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`);
		}
		if (res.status < 200 || res.status >= 300) {
			await res.arrayBuffer().catch(() => undefined);
			throw fail(
				'IG_IMAGE_UNREACHABLE',
				res.status >= 300 && res.status < 400
					? `answers with a redirect (HTTP ${res.status}), which Instagram refuses`
					: `answers HTTP ${res.status}`,
			);
		}
		const buf = Buffer.from(await res.arrayBuffer());
		if (buf.length > INSTAGRAM_IMAGE_RULES.maxBytes) throw fail('IG_IMAGE_TOO_LARGE', `${buf.length} bytes, more than 8 MB`);
		if (!(buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff)) {
			throw fail(
				'IG_IMAGE_NOT_JPEG',
				`is not a JPEG (content-type ${res.headers.get('content-type') ?? 'none'}); serve it through the gateway's /media/<hash>.jpg`,
			);
		}
	}

	/** Reads the live quota before making a container: over it, no container is wasted. */
	async publishingQuota(): Promise<{ usage: number; total: number; durationSeconds: number }> {
		const since = Math.floor(Date.now() / 1000) - 86_400 + 60;
		const r = await this.request<{ data?: { quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }[] }>({
			method: 'GET',
			url: this.graphUrl(`${this.igUser()}/content_publishing_limit`),
			query: { fields: 'quota_usage,config', since },
			where: 'instagram publishing limit',
		});
		const d = r.body.data?.[0] ?? {};
		return { usage: d.quota_usage ?? 0, total: d.config?.quota_total ?? 50, durationSeconds: d.config?.quota_duration ?? 86_400 };
	}

	async publish(d: PostDraft): Promise<PublishedPost> {
		const user = this.igUser();
		if (!d.imageUrl) throw new MitanError('IG_IMAGE_REQUIRED', 'Instagram needs an image; the content has none', { field: 'image_url' });
		const quota = await this.publishingQuota();
		if (quota.usage >= quota.total) {
			throw new MitanError(
				'IG_PUBLISH_LIMIT',
				`Instagram publishing limit reached: ${quota.usage} of ${quota.total} posts in the last ${quota.durationSeconds / 3600} h`,
				quota,
			);
		}
		if (this.preflight) await this.checkImage(d.imageUrl);
		const form: Record<string, string> = { image_url: d.imageUrl, caption: d.text };
		if (d.altText) form['alt_text'] = d.altText;
		// A container is not a post: repeating this step after a failure cannot double-post.
		const container = await this.request<{ id: string }>({
			method: 'POST',
			url: this.graphUrl(`${user}/media`),
			form,
			where: 'instagram media container',
		});
		await this.waitFinished(container.body.id);
		const media = await this.request<{ id: string }>({
			method: 'POST',
			url: this.graphUrl(`${user}/media_publish`),
			form: { creation_id: container.body.id },
			where: 'instagram media_publish',
			creates: true,
		});
		return { externalId: media.body.id, url: await this.permalink(media.body.id) };
	}

	private async waitFinished(containerId: string): Promise<void> {
		const started = Date.now();
		let wait = this.pollIntervalMs;
		for (;;) {
			const r = await this.request<{ status_code?: ContainerStatus; status?: string }>({
				method: 'GET',
				url: this.graphUrl(containerId),
				query: { fields: 'status_code,status' },
				where: 'instagram container status',
			});
			const s = r.body.status_code;
			if (s === 'FINISHED') return;
			if (s === 'PUBLISHED')
				throw new MitanError('IG_CONTAINER_ALREADY_PUBLISHED', `Instagram container ${containerId} is already published`, {
					containerId,
				});
			if (s === 'ERROR')
				throw new MitanError(
					'IG_CONTAINER_ERROR',
					`Instagram could not process the image (container ${containerId}): ${r.body.status ?? 'no detail'}`,
					{ containerId, status: r.body.status },
				);
			if (s === 'EXPIRED')
				throw new MitanError('IG_CONTAINER_EXPIRED', `Instagram container ${containerId} expired before publishing`, {
					containerId,
				});
			if (Date.now() - started + wait > this.maxContainerWaitMs) {
				throw new MitanError(
					'IG_CONTAINER_TIMEOUT',
					`Instagram container ${containerId} still ${s ?? 'unknown'} after ${Math.round((Date.now() - started) / 1000)} s`,
					{ containerId },
				);
			}
			await this.sleep(wait);
			wait = Math.min(wait * 2, 60_000);
		}
	}

	/** The post's permalink; Instagram's home if that read fails (the post is made either way). */
	private async permalink(mediaId: string): Promise<string> {
		return (await this.readField(mediaId, 'permalink', 'instagram permalink')) ?? 'https://www.instagram.com/';
	}

	async findExisting(d: PostDraft, since: Date): Promise<PublishedPost | undefined> {
		const r = await this.request<{ data?: { id: string; caption?: string; timestamp?: string; permalink?: string }[] }>({
			method: 'GET',
			url: this.graphUrl(`${this.igUser()}/media`),
			query: { fields: 'id,caption,timestamp,permalink', limit: 25 },
			where: 'instagram post lookup',
		});
		const from = since.getTime() - 60_000;
		const hit = (r.body.data ?? []).find((m) => sameText(m.caption, d.text) && (parseGraphTime(m.timestamp) ?? from) >= from);
		return hit ? { externalId: hit.id, url: hit.permalink ?? 'https://www.instagram.com/' } : undefined;
	}

	async fetchMetrics(externalId: string): Promise<MetricsResult> {
		return this.tolerantInsights(externalId, this.mediaMetrics);
	}
}
