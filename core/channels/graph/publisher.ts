/**
 * What Facebook and Instagram share: the Graph host and version (from core/channels/api.ts,
 * overridable per credential), the page token, Graph error bodies sorted into actions by the one
 * table of Meta's codes (./errors.ts), and insights requested so that one retired metric name never
 * fails the others.
 */
import { MitanError } from '../../errors';
import type { Problem } from '../../problem';
import { trimBase } from '../../url';
import { GRAPH_API_VERSION, GRAPH_BASE_URL } from '../api';
import { HttpPublisherBase, type ErrorInfo, type HttpOptions, type HttpRequest } from '../publisher';
import { classifyGraph, graphErrorCode, graphErrorMessage, parseGraphErrorBody } from './errors';

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

/** A Pages / Instagram error answer → code, action and a message for people. */
export function pagesErrorInfo(status: number, body: unknown, req: HttpRequest, network: 'facebook' | 'instagram'): ErrorInfo {
	const f = parseGraphErrorBody(body);
	return {
		code: graphErrorCode(network, f, status),
		action: classifyGraph('pages', f.code, f.subcode, status),
		message: graphErrorMessage(network === 'facebook' ? 'Facebook' : 'Instagram', req.where, f, status),
		details: { metaCode: f.code, metaSubcode: f.subcode, fbtraceId: f.fbtraceId, userTitle: f.userTitle },
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

	/** A credential field this call needs (page id, Instagram user id); empty is the operator's to fix. */
	protected credentialField(field: 'pageId' | 'igUserId', code: 'META_PAGE_ID_MISSING' | 'META_IG_USER_MISSING', label: string): string {
		const value = this.creds[field];
		if (!value) throw new MitanError(code, `Mitan Meta credential: ${label} is empty`, { field });
		return value;
	}

	/** One field of a Graph object, or undefined when the read fails (used after a post is made, where a failed read changes nothing). */
	protected async readField(objectId: string, field: string, where: string): Promise<string | undefined> {
		try {
			const r = await this.request<Record<string, unknown>>({
				method: 'GET',
				url: this.graphUrl(objectId),
				query: { fields: field },
				where,
			});
			const v = r.body[field];
			return typeof v === 'string' && v !== '' ? v : undefined;
		} catch {
			return undefined;
		}
	}

	protected authHeaders(): Record<string, string> {
		return { authorization: `Bearer ${this.creds.pageToken}` };
	}

	protected classify(status: number, body: unknown, _raw: string, req: HttpRequest): ErrorInfo {
		return pagesErrorInfo(status, body, req, this.network);
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
