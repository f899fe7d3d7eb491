/**
 * Facebook page: a feed post (text + optional link) or, with an image, a photo post whose
 * caption carries the text and the link. Insights use the names current after Meta's 2025
 * retirement of "impressions" (post_media_view, post_total_media_view_unique).
 */
import { MitanError } from '../../errors';
import {
	bilingual,
	isHttpUrl,
	sameText,
	type ChannelLimits,
	type HttpOptions,
	type MetricsResult,
	type PostDraft,
	type Problem,
	type Publisher,
	type PublishedPost,
	type SocialContent,
} from '../publisher';
import { GraphPublisherBase, parseGraphTime, type MetaCredentials } from './graph';

/** Graph post metric → canonical name. Retired since Nov 2025: post_impressions*, replaced by these. */
export const FACEBOOK_POST_METRICS: Readonly<Record<string, string>> = Object.freeze({
	post_media_view: 'views',
	post_total_media_view_unique: 'reach',
	post_clicks: 'clicks',
	post_reactions_like_total: 'likes',
});

export class FacebookPublisher extends GraphPublisherBase implements Publisher {
	readonly channel = 'facebook' as const;
	readonly limits: ChannelLimits = {
		// Facebook's post text limit; a daily awareness message is a few hundred characters.
		maxTextLength: 63_206,
		textLengthRule: 'characters (UTF-16 code units)',
		requiresImage: false,
	};
	private readonly postMetrics: Record<string, string>;

	constructor(creds: MetaCredentials, opts: HttpOptions & { postMetrics?: Record<string, string> } = {}) {
		super(creds, 'facebook', opts);
		this.postMetrics = opts.postMetrics ?? { ...FACEBOOK_POST_METRICS };
	}

	private pageId(): string {
		if (!this.creds.pageId)
			throw new MitanError('META_PAGE_ID_MISSING', 'Mitan Meta credential: Facebook Page ID is empty', { field: 'pageId' });
		return this.creds.pageId;
	}

	compose(content: SocialContent): PostDraft {
		const v = content.variants.facebook ?? {};
		return { text: v.text?.trim() || bilingual(content), link: v.link?.trim() || undefined, imageUrl: content.imageUrl ?? undefined };
	}

	validate(d: PostDraft): Problem[] {
		const p: Problem[] = [];
		if (!d.text.trim() && !d.link)
			p.push({
				field: 'facebook.text',
				code: 'FB_EMPTY',
				message: 'Facebook post needs text or a link / फेसबुक पोस्ट में टेक्स्ट या लिंक होना चाहिए',
			});
		if (d.text.length > this.limits.maxTextLength) {
			p.push({
				field: 'facebook.text',
				code: 'FB_TOO_LONG',
				message: `Facebook text is ${d.text.length} characters; the limit is ${this.limits.maxTextLength}`,
			});
		}
		if (d.link !== undefined && !isHttpUrl(d.link))
			p.push({
				field: 'facebook.link',
				code: 'FB_BAD_LINK',
				message: `Facebook link "${d.link}" is not an http(s) URL / लिंक सही URL नहीं है`,
			});
		if (d.imageUrl !== undefined && !isHttpUrl(d.imageUrl))
			p.push({ field: 'image_url', code: 'FB_BAD_IMAGE_URL', message: `image URL "${d.imageUrl}" is not an http(s) URL` });
		return p;
	}

	async publish(d: PostDraft): Promise<PublishedPost> {
		const page = this.pageId();
		if (d.imageUrl) {
			// A photo post has no link field: the link goes at the end of the caption.
			const caption = d.link ? `${d.text}\n\n${d.link}` : d.text;
			const res = await this.request<{ id: string; post_id?: string }>({
				method: 'POST',
				url: this.graphUrl(`${page}/photos`),
				form: { url: d.imageUrl, caption, published: 'true' },
				where: 'facebook photo post',
				creates: true,
			});
			const postId = res.body.post_id ?? `${page}_${res.body.id}`;
			return { externalId: postId, url: await this.permalink(postId) };
		}
		const form: Record<string, string> = { message: d.text };
		if (d.link) form['link'] = d.link;
		const res = await this.request<{ id: string }>({
			method: 'POST',
			url: this.graphUrl(`${page}/feed`),
			form,
			where: 'facebook feed post',
			creates: true,
		});
		return { externalId: res.body.id, url: await this.permalink(res.body.id) };
	}

	/** Graph's permalink; a constructed one if that read fails (the post is made either way). */
	private async permalink(postId: string): Promise<string> {
		try {
			const r = await this.request<{ permalink_url?: string }>({
				method: 'GET',
				url: this.graphUrl(postId),
				query: { fields: 'permalink_url' },
				where: 'facebook permalink',
			});
			if (r.body.permalink_url) return r.body.permalink_url;
		} catch {
			/* fall through */
		}
		return `https://www.facebook.com/${postId}`;
	}

	async findExisting(d: PostDraft, since: Date): Promise<PublishedPost | undefined> {
		const page = this.pageId();
		const res = await this.request<{ data?: { id: string; message?: string; created_time?: string; permalink_url?: string }[] }>({
			method: 'GET',
			url: this.graphUrl(`${page}/feed`),
			query: { fields: 'id,message,created_time,permalink_url', limit: 25 },
			where: 'facebook post lookup',
		});
		const wanted = d.imageUrl && d.link ? `${d.text}\n\n${d.link}` : d.text;
		// A minute of slack for clock differences between us and Graph.
		const from = since.getTime() - 60_000;
		const hit = (res.body.data ?? []).find((p) => sameText(p.message, wanted) && (parseGraphTime(p.created_time) ?? from) >= from);
		return hit ? { externalId: hit.id, url: hit.permalink_url ?? `https://www.facebook.com/${hit.id}` } : undefined;
	}

	async fetchMetrics(externalId: string): Promise<MetricsResult> {
		return this.tolerantInsights(externalId, this.postMetrics);
	}
}
