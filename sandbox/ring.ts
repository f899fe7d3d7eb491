/**
 * Fixed-capacity ring buffer: message bodies, posts and logs live here so a run of a million
 * messages keeps only the last N (the sandbox's memory bound).
 */
export class Ring<T> {
	private items: (T | undefined)[];
	private start = 0;
	private count = 0;
	/** Total ever pushed, including evicted items. */
	total = 0;

	constructor(private capacity: number) {
		this.items = new Array<T | undefined>(Math.max(1, capacity));
	}

	/** Returns the evicted item, if any, so an index keyed on it can be trimmed too. */
	push(item: T): T | undefined {
		this.total++;
		const cap = this.items.length;
		if (this.count < cap) {
			this.items[(this.start + this.count) % cap] = item;
			this.count++;
			return undefined;
		}
		const evicted = this.items[this.start];
		this.items[this.start] = item;
		this.start = (this.start + 1) % cap;
		return evicted;
	}

	get size(): number {
		return this.count;
	}

	/** Oldest first. */
	toArray(): T[] {
		const out: T[] = [];
		const cap = this.items.length;
		for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % cap] as T);
		return out;
	}

	/** Newest first, stopping after `limit` matches: queries never copy the whole buffer. */
	findLatest(pred: (item: T) => boolean, limit: number): T[] {
		const out: T[] = [];
		const cap = this.items.length;
		for (let i = this.count - 1; i >= 0 && out.length < limit; i--) {
			const item = this.items[(this.start + i) % cap] as T;
			if (pred(item)) out.push(item);
		}
		return out;
	}

	clear(): void {
		this.items = new Array<T | undefined>(this.items.length);
		this.start = 0;
		this.count = 0;
		this.total = 0;
	}

	resize(capacity: number): void {
		if (capacity === this.capacity) return;
		const keep = this.toArray().slice(-capacity);
		this.capacity = capacity;
		this.items = new Array<T | undefined>(Math.max(1, capacity));
		this.start = 0;
		this.count = 0;
		const total = this.total;
		for (const item of keep) this.push(item);
		this.total = total;
	}
}
