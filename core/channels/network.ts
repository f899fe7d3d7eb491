/**
 * The one rule for "this request never reached the server", shared by the WhatsApp client
 * (node:http) and the social publishers (fetch). It decides whether a failed call that creates
 * something (a message, a post) may be repeated blindly or must be looked up first.
 */

/** Failures that happen before a connection exists: nothing was sent. */
const BEFORE_CONNECT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export interface NetworkFailure {
	/** The socket / DNS error code (err.code, or err.cause.code under fetch). */
	code?: string;
	/**
	 * Whether the whole request had been written when it failed: node:http knows it ('finish'),
	 * fetch does not (undefined). A timeout or reset after the request was written may have been
	 * acted on by the server.
	 */
	requestWritten?: boolean;
}

export function neverReachedServer(f: NetworkFailure): boolean {
	if (f.code !== undefined && BEFORE_CONNECT.has(f.code)) return true;
	return f.requestWritten === false;
}
