/**
 * X (API v2): one text post per content. Length is X's weighted length from twitter-text's
 * parseTweet (280; URLs 23; emoji 2; Devanagari 1 per code point, so every matra and virama
 * counts). Auth: OAuth 1.0a user context, or an OAuth 2.0 user token. A 429 waits for
 * x-rate-limit-reset (X sends no Retry-After); errors sort by HTTP status and problem type URI.
 */
import { createHmac } from 'crypto';
import OAuth from 'oauth-1.0a';
import { parseTweet } from 'twitter-text';
import type { Content, ContentVariants } from '../content/types';
import { MitanError, remoteErrorCode, type ErrorAction } from '../errors';
import type { Problem } from '../problem';
import { trimBase } from '../url';
import { X_API_BASE_URL } from './api';
import {
	HttpPublisherBase,
	truncate,
	type ErrorInfo,
	type HttpOptions,
	type HttpRequest,
	type MetricsResult,
	type Publisher,
	type PublishedPost,
} from './publisher';
import { bilingual, sameText, variantText } from './text';
import type { ChannelRules, PostDraft, SocialContent } from './types';

/** The Mitan X credential, as core sees it. */
export interface XCredentials {
	authType?: 'oauth1' | 'oauth2';
	consumerKey?: string;
	consumerSecret?: string;
	accessToken?: string;
	accessTokenSecret?: string;
	/** OAuth 2.0 user-context access token (scopes tweet.read tweet.write users.read). */
	oauth2Token?: string;
	baseUrl?: string;
}

/** X's problem type URIs are structured: they decide the action, the detail text never does. */
const X_PROBLEM_ACTIONS: Readonly<Record<string, ErrorAction>> = Object.freeze({
	'usage-capped': 'retry_tomorrow', // pay-per-use monthly cap
	'unsupported-authentication': 'configure', // e.g. an app-only bearer on a user endpoint
	'client-forbidden': 'configure', // app not attached to a project / wrong access level
	'invalid-request': 'fix_content',
	'not-authorized-for-resource': 'reauthenticate',
});

export function classifyX(status: number, problemType: string | undefined): ErrorAction {
	const slug = problemType && problemType !== 'about:blank' ? problemType.split('/').pop() : undefined;
	if (slug && X_PROBLEM_ACTIONS[slug]) return X_PROBLEM_ACTIONS[slug];
	if (status === 401) return 'reauthenticate';
	if (status === 429 || status >= 500) return 'retry_soon';
	// 400 and the remaining 403s (duplicate text, content not allowed) need the post changed.
	return 'fix_content';
}

export const X_MAX_WEIGHTED_LENGTH = 280;

/** X's rules: the one copy (validation, preview and publishing call it). */
export const X_RULES: ChannelRules<'x'> = {
	channel: 'x',
	limits: {
		maxTextLength: X_MAX_WEIGHTED_LENGTH,
		textLengthRule: 'weighted characters (twitter-text): URL = 23, emoji = 2, Devanagari = 1 per code point',
		requiresImage: false,
		note: 'pay-per-use: about $0.015 per post, $0.20 when the post contains a URL',
	},
	image: 'none',
	length: (text) => parseTweet(text.normalize('NFC')).weightedLength,
	textProblems(text, field) {
		if (!text.trim()) return [{ field, code: 'X_EMPTY', message: 'X post text is empty / X पोस्ट खाली है' }];
		const parsed = parseTweet(text.normalize('NFC'));
		if (parsed.weightedLength > X_MAX_WEIGHTED_LENGTH) {
			const n = parsed.weightedLength;
			return [
				{
					field,
					code: 'X_TOO_LONG',
					message:
						`is ${n} weighted characters on X; at most ${X_MAX_WEIGHTED_LENGTH} (a link counts 23, Hindi letters and matras 1 each, ` +
						`an emoji 2): ${n - X_MAX_WEIGHTED_LENGTH} too many / X पोस्ट ${n} अक्षर की है, सीमा ${X_MAX_WEIGHTED_LENGTH} है`,
				},
			];
		}
		if (!parsed.valid) return [{ field, code: 'X_INVALID', message: 'is not a valid post for X (invalid characters) / X पर मान्य नहीं' }];
		return [];
	},
	validateVariant(value, p) {
		const text = variantText(p, value, 'x', 'text', X_RULES);
		return text === undefined ? undefined : ({ text } satisfies ContentVariants['x']);
	},
	preview: (c: Content) =>
		c.variants.x
			? [{ channel: 'x', text: c.variants.x.text, weightedLength: X_RULES.length(c.variants.x.text), limit: X_MAX_WEIGHTED_LENGTH }]
			: [],
	compose: (content) => ({ text: content.variants.x?.text?.trim() || bilingual(content) }),
};

export class XPublisher extends HttpPublisherBase implements Publisher {
	readonly channel = 'x' as const;
	readonly rules = X_RULES;
	private readonly base: string;
	private readonly oauth?: OAuth;
	private userId?: string;

	constructor(
		private readonly creds: XCredentials,
		opts: HttpOptions = {},
	) {
		super(opts);
		this.base = trimBase(creds.baseUrl || X_API_BASE_URL);
		const type = creds.authType ?? 'oauth1';
		if (type === 'oauth2') {
			if (!creds.oauth2Token)
				throw new MitanError('X_TOKEN_MISSING', 'Mitan X credential: OAuth 2.0 access token is empty', {
					field: 'oauth2Token',
				});
		} else {
			const missing = (['consumerKey', 'consumerSecret', 'accessToken', 'accessTokenSecret'] as const).filter((k) => !creds[k]);
			if (missing.length)
				throw new MitanError('X_CREDENTIAL_INCOMPLETE', `Mitan X credential: ${missing.join(', ')} empty (OAuth 1.0a needs all four)`, {
					fields: missing,
				});
			this.oauth = new OAuth({
				consumer: { key: creds.consumerKey!, secret: creds.consumerSecret! },
				signature_method: 'HMAC-SHA1',
				hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
			});
		}
	}

	protected authHeaders(req: HttpRequest, fullUrl: string): Record<string, string> {
		if (!this.oauth) return { authorization: `Bearer ${this.creds.oauth2Token}` };
		// JSON bodies are not signed in OAuth 1.0a; query parameters are (read from the URL).
		const signed = this.oauth.authorize(
			{ url: fullUrl, method: req.method, data: req.form },
			{ key: this.creds.accessToken!, secret: this.creds.accessTokenSecret! },
		);
		return { authorization: this.oauth.toHeader(signed).Authorization };
	}

	protected classify(status: number, body: unknown, raw: string, req: HttpRequest): ErrorInfo {
		const b = (body && typeof body === 'object' ? body : {}) as {
			type?: string;
			title?: string;
			detail?: string;
			errors?: { message?: string }[];
		};
		const action = classifyX(status, b.type);
		const slug = b.type && b.type !== 'about:blank' ? b.type.split('/').pop() : undefined;
		const said =
			b.errors
				?.map((e) => e.message)
				.filter(Boolean)
				.join('; ') ||
			b.detail ||
			b.title ||
			truncate(raw, 200);
		return {
			code: remoteErrorCode('X', status, slug),
			action,
			message: `${req.where}: X answered ${status}: ${said}`,
			details: { problemType: b.type },
		};
	}

	compose(content: SocialContent): PostDraft {
		return X_RULES.compose!(content);
	}

	validate(d: PostDraft): Problem[] {
		return this.rules.textProblems(d.text, 'x.text');
	}

	async publish(d: PostDraft): Promise<PublishedPost> {
		const r = await this.request<{ data?: { id: string } }>({
			method: 'POST',
			url: `${this.base}/2/tweets`,
			json: { text: d.text },
			where: 'x post',
			creates: true,
		});
		const id = r.body.data?.id;
		if (!id) throw new MitanError('X_NO_ID', 'x post: X answered without a post id', { rawBody: truncate(JSON.stringify(r.body)) });
		return { externalId: id, url: `https://x.com/i/web/status/${id}` };
	}

	/** The account the credential posts as (credential test). */
	async whoAmI(): Promise<{ id: string; username?: string }> {
		const r = await this.request<{ data?: { id: string; username?: string } }>({
			method: 'GET',
			url: `${this.base}/2/users/me`,
			where: 'x credential test',
		});
		if (!r.body.data?.id) throw new MitanError('X_NO_USER', 'x credential test: no user in the answer');
		this.userId = r.body.data.id;
		return r.body.data;
	}

	private async me(): Promise<string> {
		if (!this.userId) {
			const r = await this.request<{ data?: { id: string } }>({ method: 'GET', url: `${this.base}/2/users/me`, where: 'x user lookup' });
			if (!r.body.data?.id) throw new MitanError('X_NO_USER', 'x user lookup: no user id in the answer');
			this.userId = r.body.data.id;
		}
		return this.userId;
	}

	async findExisting(d: PostDraft, since: Date): Promise<PublishedPost | undefined> {
		const user = await this.me();
		const r = await this.request<{ data?: { id: string; text: string; created_at?: string }[] }>({
			method: 'GET',
			url: `${this.base}/2/users/${user}/tweets`,
			query: {
				max_results: 10,
				'tweet.fields': 'created_at',
				start_time: new Date(since.getTime() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			},
			where: 'x post lookup',
		});
		const hit = (r.body.data ?? []).find((t) => sameText(t.text, d.text));
		return hit ? { externalId: hit.id, url: `https://x.com/i/web/status/${hit.id}` } : undefined;
	}

	async fetchMetrics(externalId: string): Promise<MetricsResult> {
		const r = await this.request<{
			data?: { public_metrics?: Record<string, number>; non_public_metrics?: Record<string, number> };
			errors?: { field?: string; title?: string; detail?: string; type?: string }[];
		}>({
			method: 'GET',
			url: `${this.base}/2/tweets/${externalId}`,
			query: { 'tweet.fields': 'public_metrics,non_public_metrics' },
			where: `x metrics of ${externalId}`,
		});
		const problems: Problem[] = (r.body.errors ?? []).map((e) => ({
			field: e.field ?? 'post',
			code: remoteErrorCode('X', (e.type ?? 'error').split('/').pop()),
			message: e.detail ?? e.title ?? 'X partial error',
		}));
		const pub = r.body.data?.public_metrics;
		const priv = r.body.data?.non_public_metrics;
		if (!pub)
			return {
				metrics: {},
				problems: problems.length
					? problems
					: [{ field: 'post', code: 'X_NO_METRICS', message: `X returned no metrics for ${externalId}` }],
			};
		const metrics: Record<string, number> = {
			views: priv?.['impression_count'] ?? pub['impression_count'] ?? 0,
			likes: pub['like_count'] ?? 0,
			reposts: pub['retweet_count'] ?? 0,
			replies: pub['reply_count'] ?? 0,
			quotes: pub['quote_count'] ?? 0,
			bookmarks: pub['bookmark_count'] ?? 0,
		};
		if (priv?.['url_link_clicks'] !== undefined) metrics['clicks'] = priv['url_link_clicks'];
		return { metrics, problems };
	}
}
