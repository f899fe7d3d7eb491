/**
 * Every error the project raises carries a stable machine-readable `code` and the `action`
 * the caller must take, so callers branch on codes, never on message text.
 */
export type ErrorAction =
	| 'fix_input' // the caller sent something wrong: correct it and retry
	| 'retry_soon' // transient: retry with backoff
	| 'slow_recipient' // this recipient only: wait, then retry
	| 'retry_tomorrow' // a daily cap: try again on another day
	| 'drop_recipient' // never send to this recipient again
	| 'fix_content' // the message itself is wrong (template, params)
	| 'reauthenticate' // credentials are bad or expired
	| 'stop_campaign' // the account is blocked or restricted: stop everything
	| 'configure' // the installation is missing a setting
	| 'report_bug'; // a broken invariant inside the project

export class MitanError extends Error {
	readonly code: string;
	readonly action: ErrorAction;
	readonly details?: Record<string, unknown>;

	constructor(code: string, message: string, action: ErrorAction, details?: Record<string, unknown>) {
		super(message);
		this.name = 'MitanError';
		this.code = code;
		this.action = action;
		this.details = details;
	}

	toJSON(): Record<string, unknown> {
		return { code: this.code, message: this.message, action: this.action, ...(this.details ? { details: this.details } : {}) };
	}
}

export function isMitanError(e: unknown): e is MitanError {
	return e instanceof MitanError;
}
