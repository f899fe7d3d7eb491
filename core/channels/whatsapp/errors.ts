/**
 * WhatsApp's errors: Meta's answer as a MitanError (classified by core/channels/graph/errors.ts,
 * the one table of Meta's codes), and what a refused recipient does to the roster.
 */
import { MitanError, type ErrorAction } from '../../errors';
import { classifyGraph, graphActionMap, graphErrorCode, graphErrorMessage, parseGraphErrorBody } from '../graph/errors';

/** Meta code → action for WhatsApp, flat (the status webhook SQL reads it as JSON). */
export const WHATSAPP_ERROR_ACTIONS = graphActionMap('whatsapp');

export function whatsappAction(code: number | undefined, httpStatus?: number): ErrorAction {
	return classifyGraph('whatsapp', code, undefined, httpStatus);
}

/** What a refused recipient does to the roster; 130472 (a Meta experiment) drops only the message. */
export type RosterEffect = 'mark_invalid' | 'opt_out';

/** The one owner of "Meta code → roster effect": the sender, the status webhook and its SQL read this. */
const ROSTER_EFFECTS: Readonly<Record<number, RosterEffect>> = Object.freeze({
	131026: 'mark_invalid', // not a WhatsApp number / cannot receive
	131050: 'opt_out', // the citizen stopped marketing messages in WhatsApp
});

export function rosterEffectOf(code: number | null | undefined): RosterEffect | undefined {
	return code != null && Object.prototype.hasOwnProperty.call(ROSTER_EFFECTS, code) ? ROSTER_EFFECTS[code] : undefined;
}

/** The codes with a roster effect, for SQL that picks them out of a batch. */
export const ROSTER_EFFECT_CODES: readonly number[] = Object.freeze(Object.keys(ROSTER_EFFECTS).map(Number));

/**
 * POST /marketing_messages refused because the business portfolio has not accepted the
 * Marketing Messages API terms (channels.md §9.6 names no code: the sandbox's model, to check
 * against Meta's answer on the first live number). The client then sends through /messages.
 */
export const MM_API_NOT_ONBOARDED_CODE = 134100;

/** The wait Meta asks for between two messages to the same citizen (pair rate limit). */
export const PAIR_RATE_WAIT_MS = 6_000;

/** What Meta said, kept structured. */
export interface WhatsAppErrorInfo {
	httpStatus?: number;
	metaCode?: number;
	metaSubcode?: number;
	details?: string;
	fbtraceId?: string;
	/** Meta's message text (or the socket error): for humans and logs only, never for branching. */
	metaMessage?: string;
	/** Meta's error_user_msg (e.g. why a template was refused), kept in the error's details. */
	userMessage?: string;
	/** True when the request may have reached Meta (timeout / reset after sending). */
	mayHaveBeenSent?: boolean;
}

export class WhatsAppApiError extends MitanError {
	readonly httpStatus?: number;
	readonly metaCode?: number;
	readonly fbtraceId?: string;
	readonly mayHaveBeenSent: boolean;

	constructor(info: WhatsAppErrorInfo, where: string) {
		const fields = { code: info.metaCode, subcode: info.metaSubcode, details: info.details, message: info.metaMessage };
		const unreachable = info.metaCode === undefined && info.httpStatus === undefined;
		super(
			graphErrorCode('whatsapp', fields, info.httpStatus),
			unreachable
				? `${where}: WhatsApp API unreachable${info.metaMessage ? `: ${info.metaMessage}` : ''}`
				: graphErrorMessage('WhatsApp', where, fields, info.httpStatus),
			{
				httpStatus: info.httpStatus,
				metaCode: info.metaCode,
				metaSubcode: info.metaSubcode,
				details: info.details,
				fbtraceId: info.fbtraceId,
				mayHaveBeenSent: info.mayHaveBeenSent ?? false,
				...(info.userMessage ? { userMessage: info.userMessage } : {}),
			},
			classifyGraph('whatsapp', info.metaCode, info.metaSubcode, info.httpStatus),
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

/** Meta's error answer (any status, any body) as a WhatsAppApiError. */
export function whatsappErrorFrom(httpStatus: number, body: unknown, where: string): WhatsAppApiError {
	const f = parseGraphErrorBody(body);
	return new WhatsAppApiError(
		{
			httpStatus,
			metaCode: f.code,
			metaSubcode: f.subcode,
			details: f.details,
			fbtraceId: f.fbtraceId,
			metaMessage: f.message,
			userMessage: f.userMessage,
		},
		where,
	);
}
