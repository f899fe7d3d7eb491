/**
 * Error bodies exactly in Meta's and X's shapes. Handlers throw these; one error middleware
 * (server.ts) writes them, so no route picks a status or a shape by itself.
 */
import { randomBytes } from 'crypto';

export interface GraphErrorBody {
	error: {
		message: string;
		type: string;
		code: number;
		error_subcode?: number;
		error_user_title?: string;
		error_user_msg?: string;
		error_data?: { messaging_product: 'whatsapp'; details: string };
		fbtrace_id: string;
	};
}

export function fbtraceId(): string {
	// Meta's trace ids are ~27 url-safe characters; clients log them, nothing parses them.
	return 'A' + randomBytes(20).toString('base64url').slice(0, 26);
}

export class GraphError extends Error {
	constructor(
		readonly httpStatus: number,
		readonly code: number,
		message: string,
		readonly opts: { subcode?: number; details?: string; whatsapp?: boolean; type?: string; userTitle?: string; userMsg?: string } = {},
	) {
		super(message);
	}

	toBody(): GraphErrorBody {
		const body: GraphErrorBody = {
			error: { message: this.message, type: this.opts.type ?? 'OAuthException', code: this.code, fbtrace_id: fbtraceId() },
		};
		if (this.opts.subcode !== undefined) body.error.error_subcode = this.opts.subcode;
		if (this.opts.userTitle) body.error.error_user_title = this.opts.userTitle;
		if (this.opts.userMsg) body.error.error_user_msg = this.opts.userMsg;
		if (this.opts.whatsapp) body.error.error_data = { messaging_product: 'whatsapp', details: this.opts.details ?? this.message };
		return body;
	}
}

/** WhatsApp error with Meta's "(#code) Title" message and error_data.details. */
export function waError(httpStatus: number, code: number, title: string, details: string): GraphError {
	return new GraphError(httpStatus, code, `(#${code}) ${title}`, { whatsapp: true, details });
}

export function invalidParam(message: string, whatsapp = false, details?: string): GraphError {
	return new GraphError(400, 100, `(#100) ${message}`, { whatsapp, details: details ?? message });
}

export function noSuchObject(id: string, method: 'get' | 'post'): GraphError {
	return new GraphError(
		400,
		100,
		`Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
		{ subcode: 33, type: 'GraphMethodException' },
	);
}

/**
 * The refusal of POST /marketing_messages while the business portfolio has not accepted the
 * Marketing Messages API terms. channels.md §9.6 names no code; this one is the sandbox's
 * model (core/channels/whatsapp/errors.ts falls back to /messages on it).
 */
export const MM_API_NOT_ONBOARDED_CODE = 134100;

/** Titles Meta uses for the asynchronous (webhook) failures and the sync ones. */
export const WA_TITLES: Record<number, string> = {
	130429: 'Rate limit hit',
	131000: 'Something went wrong',
	131026: 'Message undeliverable',
	131047: 'Re-engagement message',
	131048: 'Spam rate limit hit',
	131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
	131050: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
	131056: '(Business Account, Consumer Account) pair rate limit hit',
	132000: 'Number of parameters does not match the expected number of params',
	132001: 'Template name does not exist in the translation',
	[MM_API_NOT_ONBOARDED_CODE]: 'Marketing Messages API terms not accepted',
};

/** X API v2 problem JSON (RFC 7807 style). */
export interface XProblem {
	title: string;
	detail: string;
	type: string;
	status?: number;
	errors?: { message: string; parameters?: Record<string, string[]> }[];
}

export class XError extends Error {
	constructor(
		readonly httpStatus: number,
		readonly problem: XProblem,
		readonly headers: Record<string, string> = {},
	) {
		super(problem.detail);
	}
}

export const xUnauthorized = (): XError =>
	new XError(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

export const xInvalidRequest = (message: string, parameters?: Record<string, string[]>): XError =>
	new XError(400, {
		errors: [{ message, ...(parameters ? { parameters } : {}) }],
		title: 'Invalid Request',
		detail: 'One or more parameters to your request was invalid.',
		type: 'https://api.twitter.com/2/problems/invalid-request',
	});
