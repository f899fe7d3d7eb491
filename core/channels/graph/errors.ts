/**
 * The one table from Meta's Graph API error codes to what the caller must do, for every Meta
 * product this project calls: WhatsApp Cloud API, Facebook Pages and Instagram (both with the page
 * token). Codes Graph itself gives (1, 2, 4, 10, 100, 190, 368, …) mean the same everywhere and are
 * written once; each product adds the codes only it answers. Classification reads the structured
 * `code` / `error_subcode` and the HTTP status, never the message text: Meta says titles and
 * messages change and will be deprecated.
 */
import { remoteErrorCode, type ErrorAction, type RemoteErrorCode } from '../../errors';

/** Products whose codes differ: WhatsApp, and the page-token products (Facebook page, Instagram). */
export type GraphProduct = 'whatsapp' | 'pages';

/** Graph's own codes: the same answer from every product. */
const GRAPH_CODES: Readonly<Record<number, ErrorAction>> = Object.freeze({
	0: 'reauthenticate', // AuthException
	1: 'retry_soon', // unknown / temporary
	2: 'retry_soon', // service temporarily unavailable
	4: 'retry_soon', // app call-rate limit
	17: 'retry_soon', // user call-rate limit
	32: 'retry_soon', // page call-rate limit (user token)
	613: 'retry_soon', // custom rate limit
	10: 'reauthenticate', // permission not granted
	102: 'reauthenticate', // session key invalid
	190: 'reauthenticate', // token invalid or expired
	104: 'configure', // no token given
	100: 'fix_content', // invalid parameter
	368: 'stop_campaign', // blocked for policy violations
});

/** Graph's own subcodes, finer than their code. */
const GRAPH_SUBCODES: Readonly<Record<number, ErrorAction>> = Object.freeze({
	33: 'configure', // object does not exist or the token may not see it (wrong page / IG / phone number id)
	463: 'reauthenticate', // token expired
});

const PRODUCT_CODES: Readonly<Record<GraphProduct, Readonly<Record<number, ErrorAction>>>> = Object.freeze({
	whatsapp: Object.freeze({
		// Throughput / transient: back off a little and try again.
		130429: 'retry_soon', // Cloud API throughput (80 / 1,000 mps) reached
		131000: 'retry_soon', // "something went wrong": limited retries
		131016: 'retry_soon', // service temporarily unavailable
		80007: 'retry_soon', // WABA rate limit
		131057: 'retry_soon', // number in maintenance (throughput upgrade in progress, ~1 min)
		// Pair rate limit: only this citizen waits (≥ 6 s); everyone else keeps going.
		131056: 'slow_recipient',
		// Meta declined to deliver today (ecosystem / per-user marketing cap): another day.
		131049: 'retry_tomorrow',
		// Never send to this citizen again; core/channels/whatsapp/errors.ts says what it does to the roster.
		131026: 'drop_recipient', // not on WhatsApp / cannot receive
		131050: 'drop_recipient', // stopped marketing messages
		130472: 'drop_recipient', // part of a Meta experiment: not deliverable to them
		// The message itself is wrong: no retry helps until the template / parameters are fixed.
		132000: 'fix_content', // parameter count mismatch
		132001: 'fix_content', // template does not exist in that language
		132005: 'fix_content', // translated text too long
		132007: 'fix_content', // template policy
		132012: 'fix_content', // parameter format mismatch
		132015: 'fix_content', // template paused
		132016: 'fix_content', // template disabled
		132018: 'fix_content', // parameter has a new line, tab or more than 4 spaces
		131008: 'fix_content', // required parameter missing
		131009: 'fix_content', // parameter value invalid
		131047: 'fix_content', // free text outside the 24 h window: send a template instead
		133010: 'configure', // phone number not registered on Cloud API
		131042: 'configure', // billing / payment eligibility
		134100: 'configure', // Marketing Messages API terms not accepted (the client falls back to /messages)
		// The account is blocked or restricted: stop everything, a human must look.
		131048: 'stop_campaign',
		131031: 'stop_campaign',
	}),
	pages: Object.freeze({
		80001: 'retry_soon', // Pages business-use-case limit
		9007: 'retry_soon', // Instagram container not ready yet
		24: 'retry_soon', // Instagram container not found (expired or lost): make a new one
		9: 'retry_tomorrow', // application request limit (Instagram: publishing quota)
		324: 'fix_content', // photo missing / not an image
		9004: 'fix_content', // Instagram could not fetch the image
		36003: 'fix_content', // Instagram aspect ratio
	}),
});

/**
 * WhatsApp codes that mean "not this citizen today": the portfolio's tier or a restricted number
 * (131048) and Meta's per-user marketing cap (131049). Counted apart, never retried the same day,
 * and the citizen keeps their place at the front of the fair order (they were not reached).
 */
export const WHATSAPP_NOT_TODAY_CODES: readonly number[] = Object.freeze([131048, 131049]);

const PRODUCT_SUBCODES: Readonly<Record<GraphProduct, Readonly<Record<number, ErrorAction>>>> = Object.freeze({
	whatsapp: Object.freeze({}),
	pages: Object.freeze({
		2207042: 'retry_tomorrow', // Instagram: reached the content publishing limit
		2207008: 'retry_soon', // Instagram: container expired, create a new one
		2207027: 'retry_soon', // Instagram: media not ready for publishing
	}),
});

const own = (t: Readonly<Record<number, ErrorAction>>, k: number | undefined): ErrorAction | undefined =>
	k !== undefined && Object.prototype.hasOwnProperty.call(t, k) ? t[k] : undefined;

/**
 * What the caller must do about a Graph answer. Without a known code: the permission family
 * (200-299) means reauthenticate, then the HTTP status class decides; no status at all (a failed
 * delivery reported by webhook, a request that got no answer) is transient.
 */
export function classifyGraph(
	product: GraphProduct,
	code: number | undefined,
	subcode: number | undefined,
	httpStatus?: number,
): ErrorAction {
	const known =
		own(PRODUCT_SUBCODES[product], subcode) ?? own(GRAPH_SUBCODES, subcode) ?? own(PRODUCT_CODES[product], code) ?? own(GRAPH_CODES, code);
	if (known) return known;
	if (code !== undefined && code >= 200 && code <= 299) return 'reauthenticate';
	if (httpStatus === 401 || httpStatus === 403) return 'reauthenticate';
	if (httpStatus === undefined || httpStatus === 429 || httpStatus >= 500) return 'retry_soon';
	return 'fix_content';
}

/** Code → action for one product, as one flat map (SQL reads it as JSON for webhook failures). */
export function graphActionMap(product: GraphProduct): Readonly<Record<number, ErrorAction>> {
	return Object.freeze({ ...GRAPH_CODES, ...PRODUCT_CODES[product] });
}

/** What Meta said, structured. */
export interface GraphErrorFields {
	code?: number;
	subcode?: number;
	/** Meta's text: for people and logs only, never for branching. */
	message?: string;
	userTitle?: string;
	userMessage?: string;
	/** WhatsApp's error_data.details. */
	details?: string;
	fbtraceId?: string;
}

const num = (v: unknown): number | undefined =>
	typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
const text = (v: unknown, max = 300): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined);

/** Reads `{error: {code, error_subcode, message, error_user_msg, error_data: {details}, fbtrace_id}}`; anything else is empty. */
export function parseGraphErrorBody(body: unknown): GraphErrorFields {
	const err = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
	const e = err && typeof err === 'object' ? (err as Record<string, unknown>) : {};
	const data = e.error_data && typeof e.error_data === 'object' ? (e.error_data as Record<string, unknown>) : {};
	return {
		code: num(e.code),
		subcode: num(e.error_subcode),
		message: text(e.message),
		userTitle: text(e.error_user_title),
		userMessage: text(e.error_user_msg),
		details: text(data.details),
		fbtraceId: text(e.fbtrace_id),
	};
}

/** The stable error code for a Graph answer: WHATSAPP_131026, INSTAGRAM_9004_2207052, FACEBOOK_HTTP_502. */
export function graphErrorCode(
	network: 'whatsapp' | 'facebook' | 'instagram',
	f: Pick<GraphErrorFields, 'code' | 'subcode'>,
	httpStatus?: number,
): RemoteErrorCode {
	if (f.code === undefined)
		return httpStatus === undefined ? remoteErrorCode(network, 'NETWORK') : remoteErrorCode(network, 'HTTP', httpStatus);
	return remoteErrorCode(network, f.code, f.subcode);
}

/** For people: "<where>: WhatsApp error 132001: template does not exist". */
export function graphErrorMessage(label: string, where: string, f: GraphErrorFields, httpStatus?: number): string {
	const said = f.userMessage ?? f.details ?? f.message;
	if (f.code === undefined) return `${where}: ${label} answered HTTP ${httpStatus ?? '?'}${said ? `: ${said}` : ''}`;
	return `${where}: ${label} error ${f.code}${f.subcode !== undefined ? `/${f.subcode}` : ''}${said ? `: ${said}` : ''}`;
}
