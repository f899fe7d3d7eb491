/**
 * Instagram content publishing (Facebook-login host): POST /{ig-user-id}/media fetches
 * image_url like Meta (9004 / 2207052 when it cannot), the container is IN_PROGRESS and then
 * FINISHED after a delay, POST /{ig-user-id}/media_publish, the 24 h publishing quota, and
 * media / account insights (views, reach; impressions refused).
 */
import type { InstagramUserConfig } from './config';
import { GraphError, invalidParam } from './errors';
import { fetchMedia } from './fetch-media';
import { pickFields, requireToken, unknownEdge, type GraphHandler, type GraphRequest, type GraphResult } from './graph';
import {
	checkInstagramMetrics,
	IG_MEDIA_METRICS,
	IG_USER_METRICS,
	lifetimeInsights,
	parseMetrics,
	totalValueInsights,
	seriesInsights,
} from './insights';
import type { IgContainer, IgMedia } from './social-store';
import { graphId, graphTime, type SandboxState } from './state';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'EXPIRED' | 'ERROR';

export function containerStatus(state: SandboxState, c: IgContainer): ContainerStatus {
	if (c.publishedMediaId) return 'PUBLISHED';
	const age = state.now() - c.createdAtMs;
	if (age >= state.config.instagram.containerExpiryMs) return 'EXPIRED';
	return age < state.config.instagram.containerProcessingMs ? 'IN_PROGRESS' : 'FINISHED';
}

const STATUS_TEXT: Record<ContainerStatus, string> = {
	IN_PROGRESS: 'In Progress: Media is still being processed.',
	FINISHED: 'Finished: Media has been uploaded and it is ready to be published.',
	PUBLISHED: 'Published: Media has been successfully published.',
	EXPIRED: 'Expired: The container was not published within 24 hours and has expired.',
	ERROR: 'Error: Media upload has failed.',
};

async function createContainer(state: SandboxState, user: InstagramUserConfig, r: GraphRequest): Promise<GraphResult> {
	const cfg = state.config.instagram;
	const mediaType = str(r.params['media_type']);
	if (mediaType && mediaType !== 'IMAGE') throw invalidParam(`The sandbox supports image containers only (media_type ${mediaType})`);
	const imageUrl = str(r.params['image_url']);
	if (!imageUrl) throw invalidParam('The parameter image_url is required.');
	const caption = str(r.params['caption']);
	if (caption && caption.length > 2200) throw invalidParam('The caption is too long. It must be 2,200 characters or fewer.');
	const media = await fetchMedia(imageUrl, {
		timeoutMs: cfg.fetchTimeoutMs,
		maxBytes: cfg.maxImageBytes,
		requireJpeg: cfg.strictImage,
		checkAspect: cfg.strictImage,
	});
	if (!media.ok) {
		if (media.problem === 'aspect_ratio') {
			throw new GraphError(
				400,
				36003,
				`The submitted image with ${media.detail} cannot be published. Please submit an image with a valid aspect ratio.`,
				{
					subcode: 2207009,
					userTitle: 'The aspect ratio is not supported.',
					userMsg: 'The submitted image with aspect ratio cannot be published. Please submit an image with a valid aspect ratio.',
				},
			);
		}
		if (media.problem === 'too_large') {
			throw new GraphError(400, 9004, '(#9004) The image is too large.', {
				subcode: 2207004,
				userTitle: 'The image is too large to download.',
				userMsg: 'The image is too large to download. It should be less than 8 MiB.',
			});
		}
		throw new GraphError(400, 9004, '(#9004) Only photo or video can be accepted as media type.', {
			subcode: 2207052,
			userTitle: 'Media download has failed.',
			userMsg: `The media could not be fetched from this uri: ${imageUrl}. Please check if the uri is valid and accessible. (${media.detail})`,
		});
	}
	const c: IgContainer = {
		id: graphId(state),
		igUserId: user.id,
		imageUrl,
		caption,
		altText: str(r.params['alt_text']),
		createdAtMs: state.now(),
	};
	state.social.igContainers.add(c);
	return { body: { id: c.id } };
}

function publishesInWindow(state: SandboxState, userId: string): number[] {
	const windowMs = state.config.instagram.publishQuotaDurationSeconds * 1000;
	const now = state.now();
	const list = (state.social.igPublishes.get(userId) ?? []).filter((t) => now - t < windowMs);
	state.social.igPublishes.set(userId, list);
	return list;
}

function publish(state: SandboxState, user: InstagramUserConfig, r: GraphRequest): GraphResult {
	const creationId = str(r.params['creation_id']);
	if (!creationId) throw invalidParam('The parameter creation_id is required.');
	const c = state.social.igContainers.get(creationId);
	if (!c || c.igUserId !== user.id) {
		throw new GraphError(400, 24, '(#24) The requested resource does not exist', {
			subcode: 2207006,
			userTitle: 'Media not found',
			userMsg: `The media with id ${creationId} cannot be found.`,
		});
	}
	const status = containerStatus(state, c);
	if (status === 'IN_PROGRESS' || status === 'PUBLISHED') {
		throw new GraphError(400, 9007, '(#9007) Media ID is not available', {
			subcode: 2207027,
			userTitle: 'Media ID is not available',
			userMsg: 'The media is not ready for publishing, please wait for a moment.',
		});
	}
	if (status === 'EXPIRED') {
		throw new GraphError(400, 9007, '(#9007) Media ID is not available', {
			subcode: 2207008,
			userTitle: 'Media builder expired',
			userMsg: 'The media container has expired. Create a new one.',
		});
	}
	const recent = publishesInWindow(state, user.id);
	if (recent.length >= state.config.instagram.publishQuotaTotal) {
		throw new GraphError(400, 9, '(#9) Application request limit reached', {
			subcode: 2207042,
			userTitle: 'Reached publishing limit',
			userMsg: 'You reached maximum number of posts that is allowed to be published by Content Publishing API.',
		});
	}
	recent.push(state.now());
	const m: IgMedia = {
		id: graphId(state),
		igUserId: user.id,
		containerId: c.id,
		caption: c.caption,
		mediaUrl: c.imageUrl,
		createdAtMs: state.now(),
	};
	c.publishedMediaId = m.id;
	state.social.igMedia.add(m);
	return { body: { id: m.id } };
}

function userEdges(state: SandboxState, user: InstagramUserConfig, r: GraphRequest): Promise<GraphResult> | GraphResult {
	if (r.method === 'POST' && r.edge === 'media') return createContainer(state, user, r);
	if (r.method === 'POST' && r.edge === 'media_publish') return publish(state, user, r);
	if (r.method !== 'GET') throw unknownEdge(r);
	if (!r.edge) {
		const all = {
			id: user.id,
			username: user.username,
			name: user.username,
			followers_count: 800,
			media_count: state.social.igMedia.ring.findLatest((m) => m.igUserId === user.id, 10_000).length,
		};
		return { body: pickFields(all, r.params['fields'], [], 'IGUser') };
	}
	if (r.edge === 'content_publishing_limit') {
		const usage = publishesInWindow(state, user.id).length;
		const fields = str(r.params['fields'])
			?.split(',')
			.map((f) => f.trim()) ?? ['quota_usage'];
		const entry: Record<string, unknown> = {};
		if (fields.includes('quota_usage')) entry['quota_usage'] = usage;
		if (fields.includes('config')) {
			entry['config'] = {
				quota_total: state.config.instagram.publishQuotaTotal,
				quota_duration: state.config.instagram.publishQuotaDurationSeconds,
			};
		}
		return { body: { data: [entry] } };
	}
	if (r.edge === 'media') {
		const limit = Math.min(100, Number(r.params['limit'] ?? 25) || 25);
		const list = state.social.igMedia.ring.findLatest((m) => m.igUserId === user.id, limit);
		return { body: { data: list.map((m) => pickFields(mediaView(m), r.params['fields'], [], 'IGMedia')), paging: {} } };
	}
	if (r.edge === 'insights') {
		const metrics = parseMetrics(r.params['metric']);
		checkInstagramMetrics(metrics, IG_USER_METRICS, r.params['metric_type']);
		const period = str(r.params['period']) ?? 'day';
		return {
			body:
				r.params['metric_type'] === 'total_value'
					? totalValueInsights(user.id, metrics, period, 24)
					: seriesInsights(user.id, metrics, period, state.now(), 24),
		};
	}
	throw unknownEdge(r);
}

function mediaView(m: IgMedia): Record<string, unknown> {
	return {
		id: m.id,
		caption: m.caption,
		media_type: 'IMAGE',
		media_product_type: 'FEED',
		media_url: m.mediaUrl,
		permalink: `https://www.instagram.com/p/SBX${m.id.slice(-8)}/`,
		timestamp: graphTime(m.createdAtMs),
		like_count: 0,
		comments_count: 0,
	};
}

export function instagramGraph(state: SandboxState): GraphHandler {
	return (r) => {
		const users = state.config.instagram.users;
		const user = users.find((u) => u.id === r.id);
		if (user) {
			requireToken(state, r, user.accessTokens);
			return userEdges(state, user, r);
		}
		const container = state.social.igContainers.get(r.id);
		const media = container ? undefined : state.social.igMedia.get(r.id);
		const ownerId = container?.igUserId ?? media?.igUserId;
		const owner = users.find((u) => u.id === ownerId);
		if (!owner) return undefined;
		requireToken(state, r, owner.accessTokens);
		if (r.method !== 'GET') throw unknownEdge(r);
		if (container && !r.edge) {
			const s = containerStatus(state, container);
			return {
				body: pickFields({ id: container.id, status_code: s, status: STATUS_TEXT[s] }, r.params['fields'], [], 'ShadowIGMediaBuilder'),
			};
		}
		if (media && !r.edge) return { body: pickFields(mediaView(media), r.params['fields'], [], 'IGMedia') };
		if (media && r.edge === 'insights') {
			const metrics = parseMetrics(r.params['metric']);
			checkInstagramMetrics(metrics, IG_MEDIA_METRICS, undefined);
			return { body: lifetimeInsights(media.id, metrics, (state.now() - media.createdAtMs) / 3600_000) };
		}
		throw unknownEdge(r);
	};
}
