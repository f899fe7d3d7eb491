/**
 * Every error the project raises carries a stable machine-readable `code` and the `action`
 * the caller must take, so callers branch on codes, never on message text. The codes and their
 * actions are listed once, in core/error-codes.ts.
 */
import {
	ERROR_CODES,
	isCatalogueCode,
	isErrorAction,
	isRemoteErrorCode,
	type CatalogueCode,
	type ErrorAction,
	type ErrorCode,
	type ErrorSpec,
	type RemoteErrorCode,
} from './error-codes';

export {
	ERROR_CODES,
	isCatalogueCode,
	isErrorAction,
	isRemoteErrorCode,
	remoteErrorCode,
	type CatalogueCode,
	type ErrorAction,
	type ErrorCode,
	type RemoteErrorCode,
} from './error-codes';

export type ErrorDetails = Record<string, unknown>;

export class MitanError extends Error {
	readonly code: ErrorCode;
	readonly action: ErrorAction;
	readonly details?: ErrorDetails;

	/** A catalogued code: the action is the catalogue's. */
	constructor(code: CatalogueCode, message: string, details?: ErrorDetails);
	/** A remote API's own code (core/channels): the action comes from that API's table. */
	constructor(code: RemoteErrorCode, message: string, details: ErrorDetails | undefined, action: ErrorAction);
	constructor(code: ErrorCode, message: string, details?: ErrorDetails, action?: ErrorAction) {
		super(message);
		this.name = 'MitanError';
		this.code = code;
		this.action = isCatalogueCode(code) ? ERROR_CODES[code].action : (action ?? 'report_bug');
		this.details = details;
	}

	/**
	 * An error that crossed a boundary as data (a gateway's JSON answer, a per-channel result):
	 * its code if the catalogue or a remote API knows it, else `fallback`, keeping the message.
	 */
	static from(
		e: { code?: unknown; message?: unknown; action?: unknown; details?: unknown } | undefined,
		fallback: CatalogueCode,
		over: { message?: string; details?: ErrorDetails } = {},
	): MitanError {
		const message = over.message ?? (typeof e?.message === 'string' ? e.message : fallback);
		const details = {
			...(e?.details && typeof e.details === 'object' ? (e.details as ErrorDetails) : {}),
			...(over.details ?? {}),
		};
		const code = e?.code;
		if (isCatalogueCode(code)) return new MitanError(code, message, details);
		if (isRemoteErrorCode(code) && isErrorAction(e?.action)) return new MitanError(code, message, details, e.action);
		return new MitanError(fallback, message, typeof code === 'string' ? { ...details, originalCode: code } : details);
	}

	toJSON(): Record<string, unknown> {
		return { code: this.code, message: this.message, action: this.action, ...(this.details ? { details: this.details } : {}) };
	}
}

export function isMitanError(e: unknown): e is MitanError {
	return e instanceof MitanError;
}

/** The HTTP status of an action, when the code does not name its own (ErrorSpec.status). */
const HTTP_STATUS_OF_ACTION: Readonly<Record<ErrorAction, number>> = Object.freeze({
	fix_input: 400,
	fix_content: 422,
	drop_recipient: 422,
	reauthenticate: 401,
	slow_recipient: 429,
	retry_tomorrow: 429,
	retry_soon: 503,
	stop_campaign: 503,
	configure: 500,
	report_bug: 500,
});

/**
 * The one error → HTTP status rule, for every URL the project serves (dashboard pages and API,
 * the gateway, the media store, the approval webhook): the code's own status from the catalogue,
 * else by action. Errors that are not ours (a body parser's) keep a 4xx they carry; the rest are 500.
 */
export function httpStatusOf(err: unknown): number {
	if (err instanceof MitanError) {
		const spec: ErrorSpec | undefined = isCatalogueCode(err.code) ? ERROR_CODES[err.code] : undefined;
		return spec?.status ?? HTTP_STATUS_OF_ACTION[err.action];
	}
	const e = err as { status?: unknown; statusCode?: unknown } | null;
	const s = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
	return s >= 400 && s < 500 ? s : 500;
}

/**
 * What an HTTP answer says about an error: ours as they are; a body parser's 4xx as
 * BODY_TOO_LARGE / BODY_UNREADABLE; anything else as INTERNAL, its text kept for the log only.
 */
export function asMitanError(err: unknown): MitanError {
	if (err instanceof MitanError) return err;
	const e = err as { type?: unknown; message?: unknown } | null;
	const status = httpStatusOf(err);
	if (e?.type === 'entity.too.large') return new MitanError('BODY_TOO_LARGE', 'the request body is too large');
	if (status < 500)
		return new MitanError('BODY_UNREADABLE', typeof e?.message === 'string' ? e.message : 'the request body could not be read', {
			status,
		});
	return new MitanError('INTERNAL', 'internal error');
}

/** `{status, body}` of an error answer: `{error: {code, message, action, details?}}`. */
export function httpErrorOf(err: unknown): { status: number; body: { error: Record<string, unknown> } } {
	const status = httpStatusOf(err);
	return { status, body: { error: asMitanError(err).toJSON() } };
}
