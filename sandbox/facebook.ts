/**
 * Facebook Page: POST /{page-id}/feed and /photos, GET /{page-id} and /{page-id}/feed (so a
 * client can find its post after a timeout), GET /{post-id}, and page / post insights with the
 * current metric names (deprecated ones fail the whole call with (#100)).
 */
import type { PageConfig } from './config';
import { GraphError, invalidParam } from './errors';
import { fetchMedia } from './fetch-media';
import { pickFields, requireToken, unknownEdge, type GraphHandler, type GraphRequest, type GraphResult } from './graph';
import { checkFacebookMetrics, FB_PAGE_METRICS, FB_POST_METRICS, lifetimeInsights, parseMetrics, seriesInsights } from './insights';
import type { FbPost } from './social-store';
import { graphId, graphTime, type SandboxState } from './state';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const bool = (v: unknown, dflt: boolean): boolean => (v === undefined ? dflt : v === true || v === 'true' || v === '1');

function postView(p: FbPost, page: PageConfig): Record<string, unknown> {
	const postId = p.id.split('_')[1];
	return {
		id: p.id,
		message: p.message,
		link: p.link,
		created_time: graphTime(p.createdAtMs),
		permalink_url: `https://www.facebook.com/${page.id}/posts/${postId}`,
		is_published: p.published,
		full_picture: p.photoUrl,
		from: { name: page.name, id: page.id },
	};
}

function checkSchedule(state: SandboxState, r: GraphRequest, published: boolean): number | undefined {
	const raw = r.params['scheduled_publish_time'];
	if (raw === undefined) return undefined;
	const t = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : Date.parse(String(raw)) / 1000;
	const lead = t - state.now() / 1000;
	if (published) throw invalidParam('Cannot specify a scheduled publish time on a published post');
	if (!Number.isFinite(t) || lead < 600 || lead > 30 * 86_400) {
		throw invalidParam('The specified scheduled publish time is invalid.');
	}
	return t;
}

async function createFeedPost(state: SandboxState, page: PageConfig, r: GraphRequest): Promise<GraphResult> {
	const message = str(r.params['message']);
	const link = str(r.params['link']);
	if (!message && !link) throw invalidParam('Missing message or attachment');
	if (link) {
		try {
			new URL(link);
		} catch {
			throw invalidParam('link URL is not properly formatted');
		}
	}
	const published = bool(r.params['published'], true);
	const scheduled = checkSchedule(state, r, published);
	const post: FbPost = {
		id: `${page.id}_${graphId(state)}`,
		pageId: page.id,
		message,
		link,
		published,
		scheduledPublishTime: scheduled,
		createdAtMs: state.now(),
	};
	state.social.fbPosts.add(post);
	return { body: { id: post.id } };
}

async function createPhotoPost(state: SandboxState, page: PageConfig, r: GraphRequest): Promise<GraphResult> {
	const url = str(r.params['url']);
	if (!url) throw new GraphError(400, 324, '(#324) Requires upload file');
	if (page.fetchPhotoUrl) {
		const m = await fetchMedia(url, {
			timeoutMs: state.config.instagram.fetchTimeoutMs,
			maxBytes: 10 * 1024 * 1024,
			requireJpeg: false,
			checkAspect: false,
		});
		if (!m.ok) throw new GraphError(400, 324, '(#324) Missing or invalid image file', { userMsg: m.detail });
	}
	const published = bool(r.params['published'], true);
	const photoId = graphId(state);
	const post: FbPost = {
		id: `${page.id}_${graphId(state)}`,
		pageId: page.id,
		message: str(r.params['caption']) ?? str(r.params['message']),
		photoId,
		photoUrl: url,
		published,
		createdAtMs: state.now(),
	};
	state.social.fbPosts.add(post);
	return { body: published ? { id: photoId, post_id: post.id } : { id: photoId } };
}

function pageInsights(state: SandboxState, page: PageConfig, r: GraphRequest): GraphResult {
	const metrics = parseMetrics(r.params['metric']);
	checkFacebookMetrics(metrics, FB_PAGE_METRICS);
	const period = str(r.params['period']) ?? 'day';
	if (!['day', 'week', 'days_28', 'lifetime', 'total_over_range'].includes(period))
		throw invalidParam('period must be one of day, week, days_28, lifetime');
	return { body: seriesInsights(page.id, metrics, period, state.now(), 24) };
}

export function facebookGraph(state: SandboxState): GraphHandler {
	return async (r) => {
		const pages = state.config.facebook.pages;
		const page = pages.find((p) => p.id === r.id);
		if (page) {
			requireToken(state, r, page.accessTokens);
			if (r.method === 'POST' && r.edge === 'feed') return createFeedPost(state, page, r);
			if (r.method === 'POST' && r.edge === 'photos') return createPhotoPost(state, page, r);
			if (r.method === 'GET' && !r.edge) {
				return {
					body: pickFields(
						{ id: page.id, name: page.name, followers_count: 1200, fan_count: 1200, link: `https://www.facebook.com/${page.id}` },
						r.params['fields'],
						['name'],
						'Page',
					),
				};
			}
			if (r.method === 'GET' && (r.edge === 'feed' || r.edge === 'posts' || r.edge === 'published_posts')) {
				const limit = Math.min(100, Math.max(1, Number(r.params['limit'] ?? 25) || 25));
				const posts = state.social.fbPosts.ring.findLatest((p) => p.pageId === page.id && p.published, limit);
				return {
					body: {
						data: posts.map((p) => pickFields(postView(p, page), r.params['fields'], ['created_time', 'message'], 'Post')),
						paging: {},
					},
				};
			}
			if (r.method === 'GET' && r.edge === 'insights') return pageInsights(state, page, r);
			throw unknownEdge(r);
		}
		// A post id is "{page-id}_{n}"; a photo id is bare.
		const post = state.social.fbPosts.get(r.id) ?? state.social.fbPosts.ring.findLatest((p) => p.photoId === r.id, 1)[0];
		if (!post) return undefined;
		const owner = pages.find((p) => p.id === post.pageId);
		if (!owner) return undefined;
		requireToken(state, r, owner.accessTokens);
		if (r.method === 'GET' && !r.edge) {
			const view = postView(post, owner);
			if (post.photoId === r.id)
				return {
					body: pickFields(
						{ ...view, id: r.id, name: post.message, page_story_id: post.id },
						r.params['fields'],
						['created_time', 'name'],
						'Photo',
					),
				};
			return { body: pickFields(view, r.params['fields'], ['created_time', 'message'], 'Post') };
		}
		if (r.method === 'GET' && r.edge === 'insights') {
			const metrics = parseMetrics(r.params['metric']);
			checkFacebookMetrics(metrics, FB_POST_METRICS);
			return { body: lifetimeInsights(post.id, metrics, (state.now() - post.createdAtMs) / 3600_000) };
		}
		throw unknownEdge(r);
	};
}
