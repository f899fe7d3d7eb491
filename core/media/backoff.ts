import { MitanError } from '../errors';

/**
 * Remembers image URLs that just failed, so a retried ingest answers the same error at once
 * instead of fetching again: a broken or hostile URL costs one fetch per back-off period, not one
 * per call. The wait doubles with each failure (30 s up to 30 min); a success forgets the URL.
 * Per process and bounded: it protects the gateway's own outbound fetches, nothing is lost on restart.
 */
export class FailureBackoff {
	private readonly failures = new Map<string, { count: number; until: number; error: MitanError }>();

	constructor(
		private readonly baseMs = 30_000,
		private readonly maxMs = 30 * 60_000,
		private readonly maxEntries = 1_000,
		private readonly now: () => number = Date.now,
	) {}

	/** The remembered error while the URL is backing off, else undefined. */
	blocked(url: string): MitanError | undefined {
		const f = this.failures.get(url);
		if (!f || f.until <= this.now()) return undefined;
		const retryAt = new Date(f.until).toISOString();
		return MitanError.from(f.error, 'IMAGE_UNREACHABLE', {
			message: `${f.error.message} (failed ${f.count}×; not fetched again before ${retryAt})`,
			details: { retryAt },
		});
	}

	failed(url: string, error: MitanError): void {
		const count = (this.failures.get(url)?.count ?? 0) + 1;
		this.failures.delete(url);
		if (this.failures.size >= this.maxEntries) this.failures.delete(this.failures.keys().next().value as string);
		this.failures.set(url, { count, until: this.now() + Math.min(this.maxMs, this.baseMs * 2 ** (count - 1)), error });
	}

	succeeded(url: string): void {
		this.failures.delete(url);
	}
}
