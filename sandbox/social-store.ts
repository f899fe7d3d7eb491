/**
 * Posts on Facebook, Instagram and X, kept in rings (the last N of each) with an id index.
 */
import { Ring } from './ring';

export interface FbPost {
	/** "{page-id}_{post-id}", as Graph returns it. */
	id: string;
	pageId: string;
	message?: string;
	link?: string;
	/** Set for /photos posts. */
	photoId?: string;
	photoUrl?: string;
	published: boolean;
	scheduledPublishTime?: number;
	createdAtMs: number;
}

export interface IgContainer {
	id: string;
	igUserId: string;
	imageUrl: string;
	caption?: string;
	altText?: string;
	createdAtMs: number;
	publishedMediaId?: string;
}

export interface IgMedia {
	id: string;
	igUserId: string;
	containerId: string;
	caption?: string;
	mediaUrl: string;
	createdAtMs: number;
}

export interface Tweet {
	id: string;
	userId: string;
	text: string;
	createdAtMs: number;
}

/** A ring with an id index that forgets what the ring evicts. */
export class IndexedRing<T extends { id: string }> {
	readonly ring: Ring<T>;
	private index = new Map<string, T>();

	constructor(capacity: number) {
		this.ring = new Ring<T>(capacity);
	}

	add(item: T): void {
		const evicted = this.ring.push(item);
		if (evicted) this.index.delete(evicted.id);
		this.index.set(item.id, item);
	}

	get(id: string): T | undefined {
		return this.index.get(id);
	}

	resize(capacity: number): void {
		this.ring.resize(capacity);
		this.index = new Map(this.ring.toArray().map((i) => [i.id, i]));
	}
}

export class SocialStore {
	readonly fbPosts: IndexedRing<FbPost>;
	readonly igContainers: IndexedRing<IgContainer>;
	readonly igMedia: IndexedRing<IgMedia>;
	readonly tweets: IndexedRing<Tweet>;
	/** Publish times per IG user inside the quota window (at most quota entries each). */
	readonly igPublishes = new Map<string, number[]>();
	/** X post window per user: fixed 15-minute windows, as X reports them in x-rate-limit-reset. */
	readonly xWindows = new Map<string, { startMs: number; count: number }>();
	/** OAuth 1.0a nonces seen recently (swept beyond the timestamp skew). */
	readonly xNonces = new Map<string, number>();

	constructor(capacity: number) {
		this.fbPosts = new IndexedRing(capacity);
		this.igContainers = new IndexedRing(capacity);
		this.igMedia = new IndexedRing(capacity);
		this.tweets = new IndexedRing(capacity);
	}

	resize(capacity: number): void {
		this.fbPosts.resize(capacity);
		this.igContainers.resize(capacity);
		this.igMedia.resize(capacity);
		this.tweets.resize(capacity);
	}
}
