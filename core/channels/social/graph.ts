/**
 * What Facebook and Instagram share: the Graph host and version (from core/channels/api.ts,
 * overridable per credential), the page token, Graph error bodies sorted by `code` /
 * `error_subcode` into actions, and insights requested so that one retired metric name never
 * fails the others.
 */
import { MitanError, remoteErrorCode, type ErrorAction } from '../../errors';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '../api';
import { HttpPublisherBase, trimBase, type ErrorInfo, type HttpOptions, type HttpRequest, type Problem } from '../publisher';

/** The Mitan Meta credential, as core sees it. */
export interface MetaCredentials {
	pageId?: string;
	/** Page access token; with Facebook login it also serves the linked Instagram account. */
	pageToken: string;
	igUserId?: string;
	graphVersion?: string;
	/** Graph host; the sandbox URL for training and tests. */
	baseUrl?: string;
}

/** Graph error code → what the caller must do. Subcodes below override where Meta is finer. */
const GRAPH_ACTIONS: Readonly<Record<number, ErrorAction>> = Object.freeze({
	1: 'retry_soon', // unknown / temporary
	2: 'retry_soon', // service temporarily unavailable
	4: 'retry_soon', // app call-rate limit
	17: 'retry_soon', // user call-rate limit
	32: 'retry_soon', // page call-rate limit (user token)
	613: 'retry_soon', // custom rate limit
	80001: 'retry_soon', // Pages business-use-case limit
	9007: 'retry_soon', // Instagram container not ready yet
	9: 'retry_tomorrow', // application request limit (Instagram: publishing quota)
	100: 'fix_content', // invalid parameter
	324: 'fix_content', // photo missing / not an image
	9004: 'fix_content', // Instagram could not fetch the image
	36003: 'fix_content', // Instagram aspect ratio
	24: 'retry_soon', // Instagram container not found (expired or lost): make a new one
	104: 'configure', // no token given
	190: 'reauthenticate', // token invalid or expired
	102: 'reauthenticate', // session key invalid
	10: 'reauthenticate', // permission not granted
	368: 'stop_campaign', // blocked for policy violations
});

const GRAPH_SUBCODE_ACTIONS: Readonly<Record<number, ErrorAction>> = Object.freeze({
	2207042: 'retry_tomorrow', // Instagram: reached the content publishing limit
	2207008: 'retry_soon', // Instagram: container expired, create a new one
	2207027: 'retry_soon', // Instagram: media not ready for publishing
	33: 'configure', // object does not exist or the token lacks permission for it (wrong page / IG id)
	463: 'reauthenticate', // token expired
});

export function classifyGraph(code: number | undefined, subcode: number | undefined, httpStatus: number): ErrorAction {
	if (subcode !== undefined && GRAPH_SUBCODE_ACTIONS[subcode]) return GRAPH_SUBCODE_ACTIONS[subcode];
	if (code !== undefined && GRAPH_ACTIONS[code]) return GRAPH_ACTIONS[code];
	if (code !== undefined && code >= 200 && code <= 299) return 'reauthenticate'; // permission family
	if (httpStatus === 401 || httpStatus === 403) return 'reauthenticate';
	if (httpStatus === 429 || httpStatus >= 500) return 'retry_soon';
	return 'fix_content';
}

interface GraphErrorBody {
	code?: number;
	error_subcode?: number;
	message?: string;
	error_user_title?: string;
	error_user_msg?: string;
	fbtrace_id?: string;
}

export function graphErrorInfo(status: number, body: unknown, req: HttpRequest, network: 'facebook' | 'instagram'): ErrorInfo {
	const e = (body && typeof body === 'object' ? (body as { error?: GraphErrorBody }).error : undefined) ?? {};
	const code = typeof e.code === 'number' ? e.code : undefined;
	const sub = typeof e.error_subcode === 'number' ? e.error_subcode : undefined;
	const action = classifyGraph(code, sub, status);
	// Meta's text is for people only; the action above never reads it.
	const said = e.error_user_msg ?? e.message ?? `HTTP ${status}`;
	return {
		code: code === undefined ? remoteErrorCode(network, 'HTTP', status) : remoteErrorCode(network, code, sub),
		action,
		message: `${req.where}: ${network} error ${code ?? status}${sub !== undefined ? `/${sub}` : ''}: ${said}`,
		details: { metaCode: code, metaSubcode: sub, fbtraceId: e.fbtrace_id, userTitle: e.error_user_title },
	};
}

export interface InsightsRow {
	name: string;
	values?: { value?: unknown }[];
	total_value?: { value?: unknown };
}

/** Base for Facebook and Instagram publishers. */
export abstract class GraphPublisherBase extends HttpPublisherBase {
	protected readonly base: string;
	/** Metrics Graph refused in this process: not asked again (retired names do not come back). */
	private readonly refusedMetrics = new Set<string>();

	constructor(
		protected readonly creds: MetaCredentials,
		protected readonly network: 'facebook' | 'instagram',
		opts: HttpOptions = {},
	) {
		super(opts);
		if (!creds.pageToken)
			throw new MitanError('META_TOKEN_MISSING', 'Mitan Meta credential: Page Access Token is empty', { field: 'pageToken' });
		this.base = `${trimBase(creds.baseUrl || GRAPH_BASE_URL)}/${creds.graphVersion || GRAPH_API_VERSION}`;
	}

	protected authHeaders(): Record<string, string> {
		return { authorization: `Bearer ${this.creds.pageToken}` };
	}

	protected classify(status: number, body: unknown, _raw: string, req: HttpRequest): ErrorInfo {
		return graphErrorInfo(status, body, req, this.network);
	}

	protected graphUrl(path: string): string {
		return `${this.base}/${path.replace(/^\/+/, '')}`;
	}

	/**
	 * Asks for all metrics in one call; if Graph refuses the batch as an invalid parameter (a
	 * retired metric fails the WHOLE call), asks per metric so the valid ones still arrive and
	 * each refused one is reported by name.
	 */
	protected async tolerantInsights(
		objectId: string,
		metricMap: Record<string, string>,
		extraQuery: Record<string, string> = {},
	): Promise<{ metrics: Record<string, number>; problems: Problem[] }> {
		const names = Object.keys(metricMap).filter((m) => !this.refusedMetrics.has(m));
		const problems: Problem[] = Object.keys(metricMap)
			.filter((m) => this.refusedMetrics.has(m))
			.map((m) => ({
				field: m,
				code: 'SOCIAL_METRIC_REFUSED',
				message: `${this.network} insights metric "${m}" was refused earlier (retired or unknown); not asked again`,
			}));
		const metrics: Record<string, number> = {};
		if (!names.length) return { metrics, problems };
		const ask = async (list: string[]) =>
			this.request<{ data?: InsightsRow[] }>({
				method: 'GET',
				url: this.graphUrl(`${objectId}/insights`),
				query: { metric: list.join(','), ...extraQuery },
				where: `${this.network} insights of ${objectId}`,
			});
		const take = (rows: InsightsRow[] | undefined) => {
			for (const row of rows ?? []) {
				const v = row.total_value?.value ?? row.values?.[row.values.length - 1]?.value;
				const canonical = metricMap[row.name];
				if (canonical && typeof v === 'number') metrics[canonical] = v;
			}
		};
		try {
			take((await ask(names)).body.data);
			return { metrics, problems };
		} catch (e) {
			if (!(e instanceof MitanError) || e.details?.['metaCode'] !== 100 || names.length === 1) {
				if (e instanceof MitanError && e.details?.['metaCode'] === 100 && names.length === 1) {
					this.refusedMetrics.add(names[0]);
					problems.push({ field: names[0], code: e.code, message: e.message });
					return { metrics, problems };
				}
				throw e;
			}
		}
		for (const m of names) {
			try {
				take((await ask([m])).body.data);
			} catch (e) {
				if (!(e instanceof MitanError) || e.details?.['metaCode'] !== 100) throw e;
				this.refusedMetrics.add(m);
				problems.push({ field: m, code: e.code, message: e.message });
			}
		}
		return { metrics, problems };
	}
}

/** Graph writes times as 2026-01-05T10:00:00+0000 (no colon in the offset). */
export function parseGraphTime(s: string | undefined): number | undefined {
	if (!s) return undefined;
	const t = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
	return Number.isFinite(t) ? t : undefined;
}
