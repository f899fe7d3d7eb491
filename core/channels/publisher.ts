/**
 * One Publisher interface for the social networks (Facebook page, Instagram, X) and the one
 * HTTP base they share: fetch with a timeout, JSON in and out, 429 handling that waits for the
 * network's own reset header (never a fixed sleep), and error sorting by structured codes into
 * MitanError actions (never by message text). Each network file overrides only its quirks.
 */
import { MitanError, type ErrorAction, type RemoteErrorCode } from '../errors';
import type { Problem } from '../problem';
import { neverReachedServer } from './network';
import type { ChannelRules, PostDraft, SocialChannel, SocialContent } from './types';

export interface PublishedPost {
	externalId: string;
	url: string;
}

export interface MetricsResult {
	/** Canonical names across networks: views, reach, likes, comments, shares, clicks, ... */
	metrics: Record<string, number>;
	/** Metrics the network refused (e.g. a retired name), without failing the others. */
	problems: Problem[];
}

export interface Publisher {
	readonly channel: SocialChannel;
	/** The channel's rules (core/channels/registry.ts lists them); validate() applies them. */
	readonly rules: ChannelRules<SocialChannel>;
	/** Picks this network's variant (or a bilingual default) from the approved content. */
	compose(content: SocialContent): PostDraft;
	/** Every problem at once, each naming the field; empty when the draft can be posted. */
	validate(draft: PostDraft): Problem[];
	publish(draft: PostDraft): Promise<PublishedPost>;
	/**
	 * Looks for a post with this draft's text made since `since` (after a timeout with unknown
	 * outcome). Undefined when there is none; never posts.
	 */
	findExisting(draft: PostDraft, since: Date): Promise<PublishedPost | undefined>;
	fetchMetrics(externalId: string): Promise<MetricsResult>;
}

export interface HttpOptions {
	/** Per-request timeout; a POST that times out has an unknown outcome. */
	timeoutMs?: number;
	/** Longest wait for a rate-limit reset before giving up with retry_soon. */
	maxRateLimitWaitMs?: number;
	/** Injected for tests and benchmarks. */
	sleep?: (ms: number) => Promise<void>;
	fetch?: typeof fetch;
}

export interface HttpRequest {
	method: 'GET' | 'POST';
	url: string;
	query?: Record<string, string | number | undefined>;
	/** JSON body. */
	json?: unknown;
	/** Form body (Graph accepts both; forms keep OAuth 1.0a signing simple). */
	form?: Record<string, string>;
	headers?: Record<string, string>;
	/** Where in our flow, for messages: "facebook feed post". */
	where: string;
	/** True for calls that create something: a timeout then means "may have posted". */
	creates?: boolean;
}

export interface HttpResponse<T> {
	status: number;
	body: T;
	headers: Headers;
}

/** How a network reads its error body. */
export interface ErrorInfo {
	/** The network's own code (remoteErrorCode): its action is the network table's. */
	code: RemoteErrorCode;
	action: ErrorAction;
	message: string;
	details: Record<string, unknown>;
}

const RAW_BODY_LIMIT = 500;

export function truncate(s: string, n = RAW_BODY_LIMIT): string {
	return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Shared HTTP for publishers. Subclasses implement `classify` (their error body → action) and
 * `authHeaders` (token or OAuth signature per request).
 */
export abstract class HttpPublisherBase {
	protected readonly timeoutMs: number;
	protected readonly maxRateLimitWaitMs: number;
	protected readonly sleep: (ms: number) => Promise<void>;
	private readonly fetchFn: typeof fetch;

	constructor(opts: HttpOptions = {}) {
		this.timeoutMs = opts.timeoutMs ?? 30_000;
		this.maxRateLimitWaitMs = opts.maxRateLimitWaitMs ?? 120_000;
		this.sleep = opts.sleep ?? defaultSleep;
		this.fetchFn = opts.fetch ?? fetch;
	}

	protected abstract classify(status: number, body: unknown, raw: string, req: HttpRequest): ErrorInfo;

	protected abstract authHeaders(req: HttpRequest, fullUrl: string): Record<string, string>;

	/**
	 * Milliseconds until the network says we may call again: Retry-After (seconds or a date), or
	 * X's x-rate-limit-reset (unix seconds). Undefined when the answer names no time.
	 */
	static rateLimitWaitMs(headers: Headers, nowMs = Date.now()): number | undefined {
		const ra = headers.get('retry-after');
		if (ra) {
			if (/^\d+$/.test(ra.trim())) return Number(ra) * 1000;
			const at = Date.parse(ra);
			if (Number.isFinite(at)) return Math.max(0, at - nowMs);
		}
		const reset = headers.get('x-rate-limit-reset');
		if (reset && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset) * 1000 - nowMs);
		return undefined;
	}

	protected async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
		// One wait for a rate-limit reset, then one more try: a daily post never needs more.
		for (let attempt = 0; ; attempt++) {
			const res = await this.once(req);
			if (res.status === 429 && attempt === 0) {
				const wait = HttpPublisherBase.rateLimitWaitMs(res.headers);
				if (wait !== undefined && wait <= this.maxRateLimitWaitMs) {
					// +250 ms: reset headers are whole seconds; arriving on the boundary risks another 429.
					await this.sleep(wait + 250);
					continue;
				}
			}
			if (res.status >= 200 && res.status < 300) {
				return { status: res.status, body: parseJson(res.raw) as T, headers: res.headers };
			}
			const info = this.classify(res.status, parseJson(res.raw), res.raw, req);
			const wait = res.status === 429 ? HttpPublisherBase.rateLimitWaitMs(res.headers) : undefined;
			throw new MitanError(
				info.code,
				info.message,
				{
					...info.details,
					httpStatus: res.status,
					where: req.where,
					...(wait !== undefined ? { retryAfterMs: wait } : {}),
					rawBody: truncate(res.raw),
				},
				info.action,
			);
		}
	}

	private async once(req: HttpRequest): Promise<{ status: number; raw: string; headers: Headers }> {
		const u = new URL(req.url);
		for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
		const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
		let body: string | undefined;
		if (req.json !== undefined) {
			headers['content-type'] = 'application/json';
			body = JSON.stringify(req.json);
		} else if (req.form) {
			headers['content-type'] = 'application/x-www-form-urlencoded';
			body = new URLSearchParams(req.form).toString();
		}
		Object.assign(headers, this.authHeaders(req, u.toString()));
		let res: Response;
		try {
			res = await this.fetchFn(u, { method: req.method, headers, body, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'manual' });
		} catch (e) {
			throw networkError(e, req, this.timeoutMs);
		}
		let raw: string;
		try {
			raw = await res.text();
		} catch (e) {
			throw networkError(e, req, this.timeoutMs, true);
		}
		return { status: res.status, raw, headers: res.headers };
	}
}

function parseJson(raw: string): unknown {
	if (!raw) return {};
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

/**
 * A network failure. For a call that creates a post, a timeout or a reset after the request
 * left us means the network may have posted: the caller must look before posting again.
 */
function networkError(e: unknown, req: HttpRequest, timeoutMs: number, afterHeaders = false): MitanError {
	const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
	const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
	const causeCode = err.cause?.code;
	// fetch cannot say whether the request was written; an answer's headers prove it was.
	const neverSent = neverReachedServer({ code: causeCode, requestWritten: afterHeaders ? true : undefined });
	const outcomeUnknown = !!req.creates && !neverSent;
	const what = timedOut ? `no answer within ${timeoutMs} ms` : `network error (${causeCode ?? err.message ?? 'unknown'})`;
	return new MitanError(
		outcomeUnknown ? 'SOCIAL_OUTCOME_UNKNOWN' : 'SOCIAL_NETWORK_ERROR',
		`${req.where}: ${what}${outcomeUnknown ? '; the post may have been made, it will be looked up before any retry' : ''}`,
		{ where: req.where, outcomeUnknown, timedOut, cause: causeCode ?? err.cause?.message ?? err.message },
	);
}

export function isOutcomeUnknown(e: unknown): boolean {
	return e instanceof MitanError && e.details?.['outcomeUnknown'] === true;
}
