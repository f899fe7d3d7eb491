/**
 * Facebook page: a feed post (text + optional link) or, with an image, a photo post whose
 * caption carries the text and the link. Insights use the names current after Meta's 2025
 * retirement of "impressions" (post_media_view, post_total_media_view_unique).
 */
import type { Content, ContentVariants } from '../content/types';
import { isObject, type Problem } from '../problem';
import { isHttpUrl } from '../url';
import { GraphPublisherBase, parseGraphTime, type MetaCredentials } from './graph/publisher';
import type { HttpOptions, MetricsResult, Publisher, PublishedPost } from './publisher';
import { bilingual, sameText, variantText } from './text';
import type { ChannelRules, PostDraft, SocialContent } from './types';

const MAX_TEXT = 63_206;

function linkProblems(link: string | undefined, field: string): Problem[] {
	if (link === undefined || isHttpUrl(link)) return [];
	return [{ field, code: 'FB_BAD_LINK', message: `"${link}" is not an http(s) URL / लिंक सही URL नहीं है` }];
}

/** Facebook's rules: the one copy (validation, preview and publishing call it). */
export const FACEBOOK_RULES: ChannelRules<'facebook'> = {
	channel: 'facebook',
	limits: {
		// Facebook's post text limit; a daily awareness message is a few hundred characters.
		maxTextLength: MAX_TEXT,
		textLengthRule: 'characters (UTF-16 code units)',
		requiresImage: false,
	},
	image: 'optional',
	length: (text) => text.length,
	textProblems(text, field) {
		const n = FACEBOOK_RULES.length(text);
		if (n <= MAX_TEXT) return [];
		return [
			{ field, code: 'FB_TOO_LONG', message: `is ${n} characters; Facebook allows ${MAX_TEXT} / फेसबुक पोस्ट ${n} अक्षर, सीमा ${MAX_TEXT}` },
		];
	},
	validateVariant(value, p) {
		const text = variantText(p, value, 'facebook', 'text', FACEBOOK_RULES, ['link']);
		if (!isObject(value)) return undefined;
		let link: string | undefined;
		if (value.link !== undefined && value.link !== null && value.link !== '') {
			const given = typeof value.link === 'string' ? value.link.trim() : String(value.link);
			const bad = linkProblems(given, 'variants.facebook.link');
			p.push(...bad);
			if (!bad.length) link = given;
		}
		if (text === undefined) return undefined;
		return (link ? { text, link } : { text }) satisfies ContentVariants['facebook'];
	},
	preview: (c: Content) =>
		c.variants.facebook
			? [{ channel: 'facebook', text: c.variants.facebook.text, link: c.variants.facebook.link ?? null, imageUrl: c.imageUrl }]
			: [],
	compose(content) {
		const v = content.variants.facebook;
		return { text: v?.text?.trim() || bilingual(content), link: v?.link?.trim() || undefined, imageUrl: content.imageUrl ?? undefined };
	},
};

/** Graph post metric → canonical name. Retired since Nov 2025: post_impressions*, replaced by these. */
export const FACEBOOK_POST_METRICS: Readonly<Record<string, string>> = Object.freeze({
	post_media_view: 'views',
	post_total_media_view_unique: 'reach',
	post_clicks: 'clicks',
	post_reactions_like_total: 'likes',
});

export class FacebookPublisher extends GraphPublisherBase implements Publisher {
	readonly channel = 'facebook' as const;
	readonly rules = FACEBOOK_RULES;
	private readonly postMetrics: Record<string, string>;

	constructor(creds: MetaCredentials, opts: HttpOptions & { postMetrics?: Record<string, string> } = {}) {
		super(creds, 'facebook', opts);
		this.postMetrics = opts.postMetrics ?? { ...FACEBOOK_POST_METRICS };
	}

	private pageId(): string {
		return this.credentialField('pageId', 'META_PAGE_ID_MISSING', 'Facebook Page ID');
	}

	compose(content: SocialContent): PostDraft {
		return FACEBOOK_RULES.compose!(content);
	}

	validate(d: PostDraft): Problem[] {
		const p: Problem[] = [];
		if (!d.text.trim() && !d.link)
			p.push({
				field: 'facebook.text',
				code: 'FB_EMPTY',
				message: 'Facebook post needs text or a link / फेसबुक पोस्ट में टेक्स्ट या लिंक होना चाहिए',
			});
		p.push(...this.rules.textProblems(d.text, 'facebook.text'), ...linkProblems(d.link, 'facebook.link'));
		if (d.imageUrl !== undefined && !isHttpUrl(d.imageUrl))
			p.push({
				field: 'image_url',
				code: 'FB_BAD_IMAGE_URL',
				message: `image URL "${d.imageUrl}" is not an http(s) URL / चित्र का URL सही नहीं है`,
			});
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
		return (await this.readField(postId, 'permalink_url', 'facebook permalink')) ?? `https://www.facebook.com/${postId}`;
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
