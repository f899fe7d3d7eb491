/**
 * The catalogue: every error code the project raises, with the action the caller must take and,
 * where the action alone does not say it, the HTTP status. `new MitanError(code, …)` only takes
 * a code listed here (the compiler checks it) and reads the action from here, so one condition
 * has one code and one action wherever it is raised, and every URL answers it with one status.
 *
 * Adding a code: put it under its area, UPPER_SNAKE_CASE, named for the condition (not for the
 * place that raises it); give `status` only when the action's default (HTTP_STATUS_OF_ACTION in
 * core/errors.ts) is wrong for it. tests/unit/error-codes.test.ts checks the casing.
 *
 * Codes named after a remote API's own code (`WHATSAPP_131026`, `FACEBOOK_100_33`, `X_429`) are not
 * listed: their action comes from that API's table in core/channels (see RemoteErrorCode).
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

export const ERROR_ACTIONS: readonly ErrorAction[] = [
	'fix_input',
	'retry_soon',
	'slow_recipient',
	'retry_tomorrow',
	'drop_recipient',
	'fix_content',
	'reauthenticate',
	'stop_campaign',
	'configure',
	'report_bug',
];

export function isErrorAction(x: unknown): x is ErrorAction {
	return typeof x === 'string' && (ERROR_ACTIONS as readonly string[]).includes(x);
}

export interface ErrorSpec {
	action: ErrorAction;
	/** HTTP status when answered over HTTP; default: by action. */
	status?: number;
}

const NOT_FOUND = 404;
/** The request was fine but the world moved on (decided already, text edited since). */
const CONFLICT = 409;

export const ERROR_CODES = {
	// Any HTTP route (dashboard/app.ts, web, gateway).
	INTERNAL: { action: 'report_bug' },
	BODY_TOO_LARGE: { action: 'fix_input', status: 413 },
	BODY_UNREADABLE: { action: 'fix_input' },
	API_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	// An id that no row can have (core/ids.ts): not a whole number from 1 to 2147483647.
	ID_INVALID: { action: 'fix_input' },

	// Dashboard login, sessions and users (core/auth).
	AUTH_REQUIRED: { action: 'reauthenticate' },
	AUTH_MISSING: { action: 'fix_input' },
	AUTH_BAD_CREDENTIALS: { action: 'reauthenticate' },
	AUTH_RATE_LIMITED: { action: 'retry_soon', status: 429 },
	AUTH_FORBIDDEN: { action: 'fix_input', status: 403 },
	CSRF_FAILED: { action: 'fix_input', status: 403 },
	AUTH_WEAK_PASSWORD: { action: 'fix_input' },
	AUTH_BAD_USERNAME: { action: 'fix_input' },
	AUTH_BAD_ROLE: { action: 'fix_input' },
	AUTH_BAD_DISTRICT: { action: 'fix_input' },
	AUTH_USER_EXISTS: { action: 'fix_input' },
	AUTH_USER_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	AUTH_LAST_ADMIN: { action: 'fix_input' },
	// The TOTP second factor (core/auth/second-factor.ts): a wrong code, or a challenge that ended.
	AUTH_TOTP_WRONG: { action: 'reauthenticate' },
	AUTH_CHALLENGE_EXPIRED: { action: 'reauthenticate' },

	// Dashboard queries (core/dashboard, dashboard/web).
	DASHBOARD_BAD_DATE: { action: 'fix_input' },
	DASHBOARD_BAD_RANGE: { action: 'fix_input' },
	DASHBOARD_BAD_MONTH: { action: 'fix_input' },
	DASHBOARD_BAD_DISTRICT: { action: 'fix_input' },
	DASHBOARD_BAD_ID: { action: 'fix_input' },
	DASHBOARD_CHART_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },

	// Content and its approval (core/content, core/approvals).
	CONTENT_ID_INVALID: { action: 'fix_input' },
	CONTENT_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	CONTENT_INVALID: { action: 'fix_content' },
	CONTENT_EMPTY: { action: 'fix_input' },
	CONTENT_DATE_INVALID: { action: 'fix_input' },
	CONTENT_DATE_PAST: { action: 'fix_input' },
	CONTENT_CHANNEL_NOT_CHOSEN: { action: 'fix_input' },
	APPROVAL_START_NOT_CONFIGURED: { action: 'configure' },
	APPROVAL_START_FAILED: { action: 'retry_soon' },
	CONTENT_STATE: { action: 'fix_input' },
	CONTENT_PUBLISHED: { action: 'fix_input' },
	CONTENT_CHANGED: { action: 'retry_soon', status: CONFLICT },
	CONTENT_TAMPERED: { action: 'fix_content', status: CONFLICT },
	CONTENT_NOT_APPROVED: { action: 'fix_input' },
	CONTENT_HAS_NO_IMAGE: { action: 'fix_content' },
	APPROVAL_VOID: { action: 'fix_content', status: CONFLICT },
	/** The text the caller holds (seen, or about to publish) is not the text the approval is bound to. */
	APPROVAL_HASH_MISMATCH: { action: 'fix_input', status: CONFLICT },
	APPROVAL_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	APPROVAL_KEY_MISSING: { action: 'report_bug' },
	APPROVAL_ALREADY_DECIDED: { action: 'fix_input', status: CONFLICT },
	APPROVAL_NOT_DUE: { action: 'fix_input', status: CONFLICT },
	APPROVAL_ALREADY_RESUMED: { action: 'fix_input', status: CONFLICT },
	/** A signed approval link that is malformed, forged, never issued or for another execution. */
	APPROVAL_LINK_INVALID: { action: 'fix_input', status: 403 },
	METHOD_NOT_ALLOWED: { action: 'fix_input', status: 405 },
	APPROVAL_LINKS_MISSING: { action: 'report_bug' },
	APPROVER_PHONE_INVALID: { action: 'fix_input' },
	DECISION_INVALID: { action: 'fix_input' },
	COMMENT_REQUIRED: { action: 'fix_input' },
	COMMENT_TOO_LONG: { action: 'fix_input' },
	DEADLINE_INVALID: { action: 'fix_input' },
	ESCALATION_MISSING: { action: 'fix_input' },

	// Roster and imports (core/roster).
	PHONE_INVALID: { action: 'fix_input' },
	FORMULA_IN_FIELD: { action: 'fix_input' },
	CONSENT_REQUIRED: { action: 'fix_input' },
	LIMIT_OUT_OF_RANGE: { action: 'fix_input' },
	CURSOR_INVALID: { action: 'fix_input' },
	SUBSCRIBER_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	SUBSCRIBER_ERASED: { action: 'fix_input' },
	// A business-scoped user id (BSUID) not in Meta's shape (core/phone.ts isUserId).
	USER_ID_INVALID: { action: 'fix_input' },
	IMPORT_NO_FILE: { action: 'fix_input' },
	IMPORT_EMPTY: { action: 'fix_input' },
	IMPORT_NO_ROWS: { action: 'fix_input' },
	IMPORT_TOO_LARGE: { action: 'fix_input' },
	IMPORT_NOT_UTF8: { action: 'fix_input' },
	IMPORT_CSV_MALFORMED: { action: 'fix_input' },
	IMPORT_XLSX_MALFORMED: { action: 'fix_input' },
	IMPORT_XLS_UNSUPPORTED: { action: 'fix_input' },
	IMPORT_DUPLICATE_HEADER: { action: 'fix_input' },
	IMPORT_NO_PHONE_COLUMN: { action: 'fix_input' },
	IMPORT_NO_CONSENT: { action: 'fix_input' },
	IMPORT_FILE_NOT_FOUND: { action: 'fix_input' },
	CLI_USAGE: { action: 'fix_input' },

	// Erasure and its suppression list (core/erasure).
	// The citizen asked to be erased: only their own new consent (liftSuppression) adds them again.
	CITIZEN_SUPPRESSED: { action: 'fix_input', status: CONFLICT },
	ERASURE_NO_IDENTIFIER: { action: 'fix_input' },
	CONSENT_EVIDENCE_REQUIRED: { action: 'fix_input' },
	// This process's suppression key is not the one that made the list: set MITAN_SUPPRESSION_KEY.
	SUPPRESSION_KEY_MISMATCH: { action: 'configure' },
	// n8n's kept executions were not searched (core/erasure/n8n-executions.ts): no public API URL / key
	// (MITAN_N8N_API_URL, MITAN_N8N_API_KEY), n8n did not answer, or it refused the key.
	ERASURE_N8N_NOT_CONFIGURED: { action: 'configure' },
	ERASURE_N8N_UNREACHABLE: { action: 'retry_soon' },
	ERASURE_N8N_REFUSED: { action: 'reauthenticate' },

	// Broadcasts (core/broadcast).
	BROADCAST_INPUT_INVALID: { action: 'fix_input' },
	BROADCAST_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	BROADCAST_BAD_STATE: { action: 'fix_input' },
	BROADCAST_NOT_RUNNING: { action: 'fix_input' },
	BROADCAST_NO_TEMPLATE: { action: 'fix_content' },
	BROADCAST_RACE: { action: 'report_bug' },
	PACING_ROW_MISSING: { action: 'report_bug' },

	// Complaints (core/complaints).
	COMPLAINT_BAD_INPUT: { action: 'fix_input' },
	COMPLAINT_NO_PHONE: { action: 'fix_input' },
	COMPLAINT_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	COMPLAINT_STATUS_UNKNOWN: { action: 'fix_input' },
	COMPLAINT_STATUS_BACKWARDS: { action: 'fix_input' },
	// The complaint desk (core/complaints/desk.ts).
	COMPLAINT_ATTACHMENT_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	COMPLAINT_REPLY_FAILED: { action: 'retry_soon', status: 502 },
	COMPLAINT_REPLY_UNCONFIGURED: { action: 'configure' },
	// Retention (core/retention.ts).
	RETENTION_BAD_PERIOD: { action: 'configure' },
	INBOUND_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	// The conversation (issue 17): staff registry, citizens' media.
	STAFF_BAD_INPUT: { action: 'fix_input' },
	STAFF_NOT_FOUND: { action: 'fix_input', status: NOT_FOUND },
	MEDIA_FETCH_FAILED: { action: 'retry_soon' },
	MEDIA_HASH_MISMATCH: { action: 'retry_soon' },
	/** A citizen's media older than the 30 days Meta keeps it: no fetch can get it (core/conversation/attachments.ts). */
	MEDIA_GONE: { action: 'fix_input' },
	JOIN_NUMBER_INVALID: { action: 'fix_input' },
	DISTRICT_NOT_FOUND: { action: 'configure' },

	// Districts and their police stations (core/districts.ts).
	DISTRICT_INVALID: { action: 'fix_input' },
	DISTRICT_EXISTS: { action: 'fix_input', status: CONFLICT },
	DISTRICT_CODE_IN_USE: { action: 'fix_input', status: CONFLICT },
	POLICE_STATION_UNKNOWN: { action: 'fix_input' },

	// Meta's webhooks at the gateway (core/gateway, core/statuses).
	VERIFY_TOKEN_MISMATCH: { action: 'configure', status: 403 },
	SIGNATURE_MISSING: { action: 'fix_input', status: 401 },
	SIGNATURE_INVALID: { action: 'fix_input', status: 401 },
	WEBHOOK_NOT_JSON: { action: 'fix_input' },
	WEBHOOK_MALFORMED: { action: 'fix_input' },
	GATEWAY_NOT_CONFIGURED: { action: 'configure' },
	GATEWAY_BUSY: { action: 'retry_soon' },
	GATEWAY_CLOSING: { action: 'retry_soon' },
	STORE_UNAVAILABLE: { action: 'retry_soon' },

	// Metrics, rollups and reports (core/metrics, core/publishing/insights.ts).
	ROLLUP_KIND_UNKNOWN: { action: 'fix_input' },
	ROLLUP_MODE_UNKNOWN: { action: 'fix_input' },
	ROLLUP_DAY_INVALID: { action: 'fix_input' },
	REPORT_DATE_INVALID: { action: 'fix_input' },
	REPORT_PERIOD_INVALID: { action: 'fix_input' },
	METRICS_DAYS_INVALID: { action: 'fix_input' },
	RATE_CARD_INVALID: { action: 'fix_input' },
	SQL_PARAMETER_MISSING: { action: 'report_bug' },

	// Images and the media store (core/media, core/publishing/media-link.ts).
	IMAGE_MISSING: { action: 'fix_input' },
	IMAGE_URL_INVALID: { action: 'fix_content' },
	IMAGE_UNREACHABLE: { action: 'fix_content' },
	IMAGE_UNREADABLE: { action: 'fix_content' },
	IMAGE_TOO_LARGE: { action: 'fix_content' },
	MEDIA_GATEWAY_UNREACHABLE: { action: 'configure' },
	MEDIA_GATEWAY_FAILED: { action: 'retry_soon' },
	MEDIA_PREPARE_FAILED: { action: 'retry_soon' },
	/** POST /media/ingest without a live ticket (core/publishing/ingest-tickets.ts): one answer for every id. */
	MEDIA_INGEST_UNAUTHORIZED: { action: 'reauthenticate' },

	// WhatsApp messages and alerts (core/channels/whatsapp, nodes/MitanNotify).
	WHATSAPP_CONFIG_INVALID: { action: 'configure' },
	WHATSAPP_RECIPIENT_INVALID: { action: 'fix_input' },
	WHATSAPP_TEMPLATE_INVALID: { action: 'fix_content' },
	WHATSAPP_TEXT_INVALID: { action: 'fix_content' },
	/** A template body parameter Meta refuses: empty, a new line or tab, more than 4 spaces (132018), too long. */
	WHATSAPP_PARAM_INVALID: { action: 'fix_content' },
	WHATSAPP_NETWORK: { action: 'retry_soon' },
	/** Free text only was asked for, and the 24-hour window is closed (Meta would answer 131047): send the utility template. */
	WHATSAPP_WINDOW_CLOSED: { action: 'fix_content' },
	/** The content's image is larger than WhatsApp takes as the daily template's header image (core/channels/whatsapp/image.ts). */
	WHATSAPP_IMAGE_TOO_LARGE: { action: 'fix_content' },
	// The day's message as Meta templates (core/templates, issue 15 items 5 and 6).
	/** The templates built now are not the ones the approval covered (the template form changed): approve again. */
	TEMPLATE_NOT_APPROVED_AS_BUILT: { action: 'fix_content' },
	/** The content's template is not APPROVED at Meta (pending review, rejected, paused, disabled): nothing is broadcast. */
	TEMPLATE_NOT_APPROVED: { action: 'fix_content' },
	/** Approved content whose text never went to Meta as its own templates, and no fallback template was named. */
	TEMPLATE_NOT_SUBMITTED: { action: 'fix_content' },
	NOTIFY_EMPTY: { action: 'fix_input' },
	NOTIFY_NO_RECIPIENT: { action: 'fix_input' },
	NOTIFY_RECIPIENT_INVALID: { action: 'fix_input' },
	NOTIFY_FAILED: { action: 'retry_soon' },
	/** A placeholder staff number (+91 00000 00xxx) still configured while the WhatsApp credential is live. */
	STAFF_PHONE_PLACEHOLDER: { action: 'configure' },
	/** The address the staff templates' URL button starts with is not an http(s) base ending in "/". */
	STAFF_TEMPLATE_LINK_BASE_INVALID: { action: 'fix_input' },

	// The channel registry (core/channels/registry.ts).
	CHANNEL_UNKNOWN: { action: 'fix_input' },
	CHANNEL_REGISTERED_TWICE: { action: 'report_bug' },

	// Facebook, Instagram and X (core/channels, core/publishing, nodes/MitanPublish).
	META_TOKEN_MISSING: { action: 'configure' },
	META_PAGE_ID_MISSING: { action: 'configure' },
	META_IG_USER_MISSING: { action: 'configure' },
	X_TOKEN_MISSING: { action: 'configure' },
	X_CREDENTIAL_INCOMPLETE: { action: 'configure' },
	X_NO_ID: { action: 'report_bug' },
	X_NO_USER: { action: 'reauthenticate' },
	X_NO_METRICS: { action: 'retry_soon' },
	X_EMPTY: { action: 'fix_content' },
	X_TOO_LONG: { action: 'fix_content' },
	/** twitter-text says X would refuse the text (invalid characters). */
	X_INVALID: { action: 'fix_content' },
	FB_EMPTY: { action: 'fix_content' },
	FB_TOO_LONG: { action: 'fix_content' },
	FB_BAD_LINK: { action: 'fix_content' },
	FB_BAD_IMAGE_URL: { action: 'fix_content' },
	IG_IMAGE_REQUIRED: { action: 'fix_content' },
	IG_BAD_IMAGE_URL: { action: 'fix_content' },
	IG_IMAGE_UNREACHABLE: { action: 'fix_content' },
	IG_IMAGE_TOO_LARGE: { action: 'fix_content' },
	IG_IMAGE_NOT_JPEG: { action: 'fix_content' },
	IG_CAPTION_TOO_LONG: { action: 'fix_content' },
	IG_TOO_MANY_HASHTAGS: { action: 'fix_content' },
	IG_PUBLISH_LIMIT: { action: 'retry_tomorrow' },
	IG_CONTAINER_ALREADY_PUBLISHED: { action: 'report_bug' },
	IG_CONTAINER_ERROR: { action: 'fix_content' },
	IG_CONTAINER_EXPIRED: { action: 'retry_soon' },
	IG_CONTAINER_TIMEOUT: { action: 'retry_soon' },
	SOCIAL_UNKNOWN_CHANNEL: { action: 'fix_input' },
	SOCIAL_NO_CHANNEL: { action: 'fix_input' },
	SOCIAL_CREDENTIAL_MISSING: { action: 'configure' },
	SOCIAL_CONTENT_INVALID: { action: 'fix_content' },
	SOCIAL_PUBLISH_IN_PROGRESS: { action: 'retry_soon' },
	SOCIAL_NETWORK_ERROR: { action: 'retry_soon' },
	SOCIAL_OUTCOME_UNKNOWN: { action: 'retry_soon' },
	SOCIAL_METRICS_FAILED: { action: 'retry_soon' },
	/** A network retired or refused an insights metric name: the metric map needs updating. */
	SOCIAL_METRIC_REFUSED: { action: 'report_bug' },
	SOCIAL_UNEXPECTED: { action: 'report_bug' },
	/** The once-per-(content, channel) row vanished between its insert and its read: a broken invariant. */
	SOCIAL_POST_VANISHED: { action: 'report_bug' },
	INLINE_NOT_CONFIRMED: { action: 'fix_input' },

	// The store, its migrations and the demo (core/db, core/demo).
	MIGRATION_BAD_NAME: { action: 'report_bug' },
	MIGRATION_DUPLICATE_VERSION: { action: 'report_bug' },
	MIGRATION_EDITED: { action: 'fix_input' },
	/** The database user may not create the tables (PostgreSQL 15+ public schema): grant CREATE or migrate as the owner. */
	SCHEMA_CREATE_DENIED: { action: 'configure' },
	PGLITE_SERVE_NEEDS_PGLITE: { action: 'report_bug' },
	/** A client of the embedded database's password door sent a malformed protocol packet: the connection is closed. */
	PGLITE_BAD_PACKET: { action: 'fix_input' },
	CONFIG_INVALID: { action: 'configure' },
	/** `npm start`: a part (n8n, the sandbox) did not come up; the rest keeps running. */
	START_PART_FAILED: { action: 'retry_soon' },
	DEMO_BAD_OPTION: { action: 'fix_input' },
	DEMO_NO_DISTRICT: { action: 'fix_input' },
	DEMO_ALREADY_LOADED: { action: 'fix_input' },
	DEMO_STATIONS_INVALID: { action: 'report_bug' },

	// n8n nodes (nodes/shared).
	OPERATION_UNKNOWN: { action: 'fix_input' },
} as const satisfies Record<string, ErrorSpec>;

export type CatalogueCode = keyof typeof ERROR_CODES;

/** Remote APIs whose own error codes become ours, prefixed: `WHATSAPP_131026`, `FACEBOOK_100_33`, `X_429`. */
export const REMOTE_APIS = ['WHATSAPP', 'FACEBOOK', 'INSTAGRAM', 'X'] as const;
export type RemoteApi = (typeof REMOTE_APIS)[number];
export type RemoteErrorCode = `${RemoteApi}_${string}`;

/** A code in a remote API's family, in our casing (what remoteErrorCode makes). */
export function isRemoteErrorCode(code: unknown): code is RemoteErrorCode {
	return typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) && REMOTE_APIS.some((api) => code.startsWith(`${api}_`));
}

export type ErrorCode = CatalogueCode | RemoteErrorCode;

export function isCatalogueCode(code: unknown): code is CatalogueCode {
	return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/**
 * A remote API's code in our casing: `remoteErrorCode('x', 429, 'usage-capped')` is
 * `X_429_USAGE_CAPPED`. The action comes from the caller (that API's table), never from here.
 */
export function remoteErrorCode(api: RemoteApi | Lowercase<RemoteApi>, ...parts: (string | number | undefined)[]): RemoteErrorCode {
	const rest = parts
		.filter((p) => p !== undefined && p !== '')
		.map((p) =>
			String(p)
				.toUpperCase()
				.replace(/[^A-Z0-9]+/g, '_')
				.replace(/^_|_$/g, ''),
		);
	return [api.toUpperCase(), ...rest].join('_') as RemoteErrorCode;
}
