/**
 * The ONE map from a WhatsApp Cloud API error code to what the caller must do.
 * Classification reads Meta's structured `error.code` (and keeps `error_data.details` and
 * `fbtrace_id` for the operator), never the message text: Meta says titles and messages change
 * and will be deprecated (Meta's WhatsApp Cloud API "Error codes" page: build on `code` and
 * `error_data.details`; `error_subcode` is deprecated since v16).
 */
import { MitanError, remoteErrorCode, type ErrorAction } from '../../errors';

/**
 * Meta error code → action class: retry soon, slow this recipient, retry tomorrow, drop the
 * recipient, fix the content, re-authenticate, stop the campaign (core/errors.ts defines each).
 */
export const WHATSAPP_ERROR_ACTIONS: Readonly<Record<number, ErrorAction>> = Object.freeze({
	// Throughput / transient: back off a little and try again.
	130429: 'retry_soon', // Cloud API throughput (80 / 1,000 mps) reached
	131000: 'retry_soon', // "something went wrong": limited retries
	131016: 'retry_soon', // service temporarily unavailable
	2: 'retry_soon', // service temporarily unavailable
	1: 'retry_soon', // unknown API error
	4: 'retry_soon', // app call-rate limit
	80007: 'retry_soon', // WABA rate limit
	131057: 'retry_soon', // number in maintenance (throughput upgrade in progress, ~1 min)
	// Pair rate limit: only this citizen waits (≥ 6 s); everyone else keeps going.
	131056: 'slow_recipient',
	// Meta declined to deliver today (ecosystem / per-user marketing cap): another day.
	131049: 'retry_tomorrow',
	// Never send to this citizen again (131050 = they stopped marketing messages → opt-out).
	131026: 'drop_recipient',
	131050: 'drop_recipient',
	130472: 'drop_recipient', // user is part of a Meta experiment: not deliverable to them
	// The message itself is wrong: no retry helps until the template / parameters are fixed.
	132000: 'fix_content',
	132001: 'fix_content',
	132005: 'fix_content',
	132007: 'fix_content',
	132012: 'fix_content',
	132015: 'fix_content',
	132016: 'fix_content',
	100: 'fix_content',
	131008: 'fix_content',
	131009: 'fix_content',
	131047: 'fix_content', // free text outside the 24 h window: send a template instead
	// Credentials.
	190: 'reauthenticate',
	0: 'reauthenticate',
	10: 'reauthenticate',
	133010: 'configure', // phone number not registered on Cloud API
	131042: 'configure', // billing / payment eligibility
	// The account is blocked or restricted: stop everything, a human must look.
	368: 'stop_campaign',
	131048: 'stop_campaign',
	131031: 'stop_campaign',
});

/** Why a recipient is dropped, by code: the subscriber row is marked accordingly. */
export const DROP_REASONS: Readonly<Record<number, 'invalid' | 'opted_out' | 'undeliverable'>> = Object.freeze({
	131026: 'invalid',
	131050: 'opted_out',
	130472: 'undeliverable',
});

/** The wait Meta asks for between two messages to the same citizen (pair rate limit). */
export const PAIR_RATE_WAIT_MS = 6_000;

export function classifyWhatsAppCode(code: number | undefined, httpStatus?: number): ErrorAction {
	if (code !== undefined && Object.prototype.hasOwnProperty.call(WHATSAPP_ERROR_ACTIONS, code)) return WHATSAPP_ERROR_ACTIONS[code];
	if (code !== undefined && code >= 200 && code <= 299) return 'reauthenticate'; // permission family
	// Unknown code: fall back on the HTTP status class (never on the message text).
	if (httpStatus === 401 || httpStatus === 403) return 'reauthenticate';
	if (httpStatus === undefined || httpStatus === 429 || httpStatus >= 500) return 'retry_soon';
	return 'fix_content';
}

/** What Meta said, kept structured. */
export interface WhatsAppErrorInfo {
	httpStatus?: number;
	metaCode?: number;
	details?: string;
	fbtraceId?: string;
	/** Meta's message text: for humans and logs only, never for branching. */
	metaMessage?: string;
	/** True when the request may have reached Meta (timeout / reset after sending). */
	mayHaveBeenSent?: boolean;
}

export class WhatsAppApiError extends MitanError {
	readonly httpStatus?: number;
	readonly metaCode?: number;
	readonly fbtraceId?: string;
	readonly mayHaveBeenSent: boolean;

	constructor(info: WhatsAppErrorInfo, where: string) {
		const action =
			info.metaCode === undefined && info.httpStatus === undefined ? 'retry_soon' : classifyWhatsAppCode(info.metaCode, info.httpStatus);
		const code =
			info.metaCode !== undefined
				? remoteErrorCode('WHATSAPP', info.metaCode)
				: info.httpStatus !== undefined
					? remoteErrorCode('WHATSAPP', 'HTTP', info.httpStatus)
					: remoteErrorCode('WHATSAPP', 'NETWORK');
		const text =
			info.metaCode !== undefined
				? `WhatsApp API error ${info.metaCode} at ${where}${info.details ? `: ${info.details}` : info.metaMessage ? `: ${info.metaMessage}` : ''}`
				: info.httpStatus !== undefined
					? `WhatsApp API returned HTTP ${info.httpStatus} at ${where}`
					: `WhatsApp API unreachable at ${where}${info.metaMessage ? `: ${info.metaMessage}` : ''}`;
		super(
			code,
			text,
			{
				httpStatus: info.httpStatus,
				metaCode: info.metaCode,
				details: info.details,
				fbtraceId: info.fbtraceId,
				mayHaveBeenSent: info.mayHaveBeenSent ?? false,
			},
			action,
		);
		this.name = 'WhatsAppApiError';
		this.httpStatus = info.httpStatus;
		this.metaCode = info.metaCode;
		this.fbtraceId = info.fbtraceId;
		this.mayHaveBeenSent = info.mayHaveBeenSent ?? false;
	}
}

export function isWhatsAppApiError(e: unknown): e is WhatsAppApiError {
	return e instanceof WhatsAppApiError;
}

/** Parse a Graph error body (`{error:{code, error_data:{details}, fbtrace_id, message}}`). */
export function parseGraphError(httpStatus: number, body: unknown, where: string): WhatsAppApiError {
	const err = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
	const e = err && typeof err === 'object' ? (err as Record<string, unknown>) : {};
	const code = typeof e.code === 'number' ? e.code : typeof e.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : undefined;
	const data = e.error_data && typeof e.error_data === 'object' ? (e.error_data as Record<string, unknown>) : {};
	return new WhatsAppApiError(
		{
			httpStatus,
			metaCode: code,
			details: typeof data.details === 'string' ? data.details : undefined,
			fbtraceId: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : undefined,
			metaMessage: typeof e.message === 'string' ? e.message.slice(0, 300) : undefined,
		},
		where,
	);
}
