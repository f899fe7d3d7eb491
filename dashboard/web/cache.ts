/**
 * A small in-process cache of API answers. Rollups change when the metrics refresh runs
 * (minutes apart), so fifty officers opening the same page within seconds share one set of
 * queries; concurrent misses of one key wait for the same load (single flight). Bounded in
 * entries, cleared on every write this process makes (an approval decision).
 */
export class TtlCache<T> {
	private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

	constructor(
		/** 0 disables caching (tests that write and read at once; the benchmark's uncached run). */
		public ttlMs: number,
		private readonly maxEntries = 500,
	) {}

	async get(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
		const ttl = Math.min(ttlMs, this.ttlMs);
		if (ttl <= 0) return load();
		const now = Date.now();
		const hit = this.entries.get(key);
		if (hit && now - hit.at < ttl) return hit.value;
		const value = load();
		this.entries.set(key, { at: now, value });
		// A failed load is not remembered.
		value.catch(() => {
			if (this.entries.get(key)?.value === value) this.entries.delete(key);
		});
		if (this.entries.size > this.maxEntries) {
			// Maps iterate in insertion order: drop the oldest.
			const oldest = this.entries.keys().next().value;
			if (oldest !== undefined) this.entries.delete(oldest);
		}
		return value;
	}

	clear(): void {
		this.entries.clear();
	}
}

/** Process-wide defaults read when the dashboard is mounted (the benchmark turns the cache off for its uncached run). */
export const webSettings = { apiCacheMs: 10_000 };
