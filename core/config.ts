import * as path from 'path';
import { GRAPH_API_VERSION, GRAPH_BASE_URL, SANDBOX_DEFAULT_PORT } from './channels/api';
import { parseTrustedProxies } from './client-ip';
import { MitanError } from './errors';
import { checkRetentionDays, DEFAULT_RETENTION_DAYS } from './retention';
import { trimBase } from './url';

/**
 * The one configuration resolver. Order: explicit option > environment > defaults.
 * Nothing else in the project reads process.env for these settings (n8n nodes never do:
 * they get everything from credentials and parameters).
 */
export interface WhatsAppSettings {
	accessToken?: string;
	phoneNumberId?: string;
	wabaId?: string;
	appSecret?: string;
	/** Token Meta echoes in the GET verification handshake. */
	verifyToken?: string;
	graphVersion: string;
	baseUrl: string;
}

export interface MitanConfig {
	/** postgres:// URL; when absent the embedded PGlite engine is used. */
	databaseUrl?: string;
	/** Folder of the embedded PGlite database. */
	dataDir: string;
	/** Port on which `npm start` serves the embedded database to n8n and the gateway. */
	embeddedDbPort: number;
	/**
	 * MITAN_DISTRICT: the code of the district used when a caller gives none (its code starts the
	 * reference numbers, e.g. KBD-2026-000123). Unset: the first district (core/districts.ts).
	 */
	defaultDistrict?: string;
	timezone: string;
	/** Gateway + dashboard: port and interface (HOST, default 127.0.0.1: put a proxy in front). */
	port: number;
	host: string;
	publicUrl: string;
	/** Proxies whose X-Forwarded-For is believed (MITAN_TRUSTED_PROXIES); none by default. */
	trustedProxies: string[];
	sessionSecret?: string;
	/**
	 * Key of the erasure suppression list's hashes (MITAN_SUPPRESSION_KEY); unset: generated once
	 * and kept in the data folder as suppression.key (core/erasure/key.ts).
	 */
	suppressionKey?: string;
	/** The sandbox standing in for Meta and X (training mode, `npm run sandbox`). */
	sandboxPort: number;
	sandboxHost: string;
	/** Its behaviour file (JSON); when unset, sandbox/sandbox.config.json if there is one. */
	sandboxConfigFile?: string;
	/** Token of its inspection API (/_sandbox/*); generated per start when unset. */
	sandboxToken?: string;
	/**
	 * The content-approval workflow's webhook (its "Draft submitted" trigger) that the dashboard's
	 * "Send for approval" calls, and the secret it sends as `Authorization: Bearer …` (the webhook's
	 * Header Auth credential in n8n). Unset: the dashboard says approval is not configured.
	 */
	approvalWebhookUrl?: string;
	approvalWebhookToken?: string;
	/**
	 * Staff told at once when Meta rejects the day's template, with the approved UTILITY alert
	 * template (MITAN_STAFF_ALERT_TEMPLATE): the district's cyber cell in the staff registry, or
	 * these numbers when set (MITAN_STAFF_ALERT_PHONES, separated by commas).
	 */
	staffAlertPhones?: string;
	staffAlertTemplate: string;
	/** Seconds between the server's incremental rollup refreshes (MITAN_REFRESH_SECONDS; 0 = none). */
	refreshSeconds: number;
	/** n8n's port for `npm start` and its commands (MITAN_N8N_PORT, else n8n's usual 5678). */
	n8nPort: number;
	/**
	 * n8n's public API (MITAN_N8N_API_URL, e.g. http://127.0.0.1:5678, and MITAN_N8N_API_KEY): the
	 * erasure deletes the executions n8n kept that name the citizen (core/erasure/n8n-executions.ts).
	 * Unset: the erasure says n8n's executions were not checked.
	 */
	n8nApi?: { url: string; apiKey: string };
	/** Days raw WhatsApp records keep what identifies a person (MITAN_RETENTION_DAYS, default 365; core/retention.ts). */
	retentionDays: number;
	/**
	 * Seconds between the server's media sweeps (MITAN_MEDIA_SWEEP_SECONDS; 0 = none): citizens'
	 * media the fetch after the webhook did not get is tried again (core/conversation/attachment-sweep.ts).
	 */
	mediaSweepSeconds: number;
	/**
	 * Seconds an in-doubt delivery (its sender died with the request in the air) must stay without
	 * a status webhook before it is resent once, same day only (MITAN_IN_DOUBT_QUIET_SECONDS;
	 * core/broadcast/settle.ts). Long enough for Meta's webhooks and their retries.
	 */
	inDoubtQuietSeconds: number;
	whatsapp: WhatsAppSettings;
}

/** The media sweep's default interval: 5 minutes. */
export const DEFAULT_MEDIA_SWEEP_SECONDS = 300;

/** The quiet window's default: 15 minutes. The n8n node offers the same as its parameter's default. */
export const DEFAULT_IN_DOUBT_QUIET_SECONDS = 900;

export type MitanConfigInput = Partial<Omit<MitanConfig, 'whatsapp'>> & { whatsapp?: Partial<WhatsAppSettings> };

export function resolveConfig(explicit: MitanConfigInput = {}, env: NodeJS.ProcessEnv = process.env): MitanConfig {
	const e = (name: string): string | undefined => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
	const pick = <T>(value: T | undefined, envName: string, parse: (s: string) => T = (s) => s as unknown as T): T | undefined => {
		if (value !== undefined && value !== '') return value;
		const v = e(envName);
		return v === undefined ? undefined : parse(v);
	};
	const num = (s: string) => {
		const n = Number(s);
		if (!Number.isInteger(n) || n < 0 || n > 65535) throw new MitanError('CONFIG_INVALID', `not a port number: ${s}`);
		return n;
	};
	const seconds = (s: string) => {
		const n = Number(s);
		if (!Number.isInteger(n) || n < 0 || n > 3600)
			throw new MitanError('CONFIG_INVALID', `MITAN_REFRESH_SECONDS: a whole number of seconds 0..3600 (0 = off), got "${s}"`);
		return n;
	};
	const quietSeconds = (s: string) => {
		const n = Number(s);
		if (!Number.isInteger(n) || n < 0 || n > 86_400)
			throw new MitanError('CONFIG_INVALID', `MITAN_IN_DOUBT_QUIET_SECONDS: a whole number of seconds 0..86400, got "${s}"`);
		return n;
	};
	const sweepSeconds = (s: string) => {
		const n = Number(s);
		if (!Number.isInteger(n) || n < 0 || n > 86_400)
			throw new MitanError('CONFIG_INVALID', `MITAN_MEDIA_SWEEP_SECONDS: a whole number of seconds 0..86400 (0 = off), got "${s}"`);
		return n;
	};
	const port = pick(explicit.port, 'PORT', num) ?? 3000;
	const sandboxPort = pick(explicit.sandboxPort, 'SANDBOX_PORT', num) ?? SANDBOX_DEFAULT_PORT;
	const w = explicit.whatsapp ?? {};
	return {
		databaseUrl: pick(explicit.databaseUrl, 'DATABASE_URL'),
		dataDir: path.resolve(pick(explicit.dataDir, 'MITAN_DATA_DIR') ?? path.join(process.cwd(), '.mitan-data')),
		embeddedDbPort: pick(explicit.embeddedDbPort, 'MITAN_DB_PORT', num) ?? 5433,
		defaultDistrict: pick(explicit.defaultDistrict, 'MITAN_DISTRICT'),
		// The installation's zone; each district's own is districts.timezone (core/districts.ts).
		timezone: pick(explicit.timezone, 'MITAN_TIMEZONE') ?? 'Asia/Kolkata',
		port,
		host: pick(explicit.host, 'HOST') ?? '127.0.0.1',
		publicUrl: trimBase(pick(explicit.publicUrl, 'MITAN_PUBLIC_URL') ?? `http://localhost:${port}`),
		trustedProxies: explicit.trustedProxies ?? parseTrustedProxies(e('MITAN_TRUSTED_PROXIES')),
		sessionSecret: pick(explicit.sessionSecret, 'MITAN_SESSION_SECRET'),
		suppressionKey: pick(explicit.suppressionKey, 'MITAN_SUPPRESSION_KEY'),
		sandboxPort,
		sandboxHost: pick(explicit.sandboxHost, 'SANDBOX_HOST') ?? '127.0.0.1',
		sandboxConfigFile: pick(explicit.sandboxConfigFile, 'SANDBOX_CONFIG'),
		sandboxToken: pick(explicit.sandboxToken, 'SANDBOX_TOKEN'),
		approvalWebhookUrl: pick(explicit.approvalWebhookUrl, 'MITAN_APPROVAL_WEBHOOK_URL'),
		approvalWebhookToken: pick(explicit.approvalWebhookToken, 'MITAN_APPROVAL_WEBHOOK_TOKEN'),
		staffAlertPhones: pick(explicit.staffAlertPhones, 'MITAN_STAFF_ALERT_PHONES'),
		staffAlertTemplate: pick(explicit.staffAlertTemplate, 'MITAN_STAFF_ALERT_TEMPLATE') ?? 'mitan_staff_alert',
		// Within a minute of the events (issue 19 §2), without recomputing a day more than twice a minute.
		refreshSeconds: pick(explicit.refreshSeconds, 'MITAN_REFRESH_SECONDS', seconds) ?? 30,
		n8nPort: pick(explicit.n8nPort, 'MITAN_N8N_PORT', num) ?? 5678,
		n8nApi: n8nApiOf(explicit.n8nApi, e('MITAN_N8N_API_URL'), e('MITAN_N8N_API_KEY')),
		retentionDays: checkRetentionDays(
			pick(explicit.retentionDays, 'MITAN_RETENTION_DAYS', Number) ?? DEFAULT_RETENTION_DAYS,
			'MITAN_RETENTION_DAYS',
		),
		// The first of a round's waits is 15 minutes (core/conversation/attachments.ts): every 5 minutes is soon enough.
		mediaSweepSeconds: pick(explicit.mediaSweepSeconds, 'MITAN_MEDIA_SWEEP_SECONDS', sweepSeconds) ?? DEFAULT_MEDIA_SWEEP_SECONDS,
		inDoubtQuietSeconds: pick(explicit.inDoubtQuietSeconds, 'MITAN_IN_DOUBT_QUIET_SECONDS', quietSeconds) ?? DEFAULT_IN_DOUBT_QUIET_SECONDS,
		whatsapp: {
			accessToken: pick(w.accessToken, 'WHATSAPP_ACCESS_TOKEN'),
			phoneNumberId: pick(w.phoneNumberId, 'WHATSAPP_PHONE_NUMBER_ID'),
			wabaId: pick(w.wabaId, 'WHATSAPP_WABA_ID'),
			appSecret: pick(w.appSecret, 'META_APP_SECRET'),
			verifyToken: pick(w.verifyToken, 'WHATSAPP_VERIFY_TOKEN'),
			graphVersion: pick(w.graphVersion, 'GRAPH_API_VERSION') ?? GRAPH_API_VERSION,
			baseUrl: trimBase(pick(w.baseUrl, 'GRAPH_BASE_URL') ?? GRAPH_BASE_URL),
		},
	};
}

/** Both or neither: a URL without its key (or a key without a URL) is a half-made setting, refused. */
function n8nApiOf(explicit: MitanConfig['n8nApi'], url: string | undefined, apiKey: string | undefined): MitanConfig['n8nApi'] {
	if (explicit) return { url: trimBase(explicit.url), apiKey: explicit.apiKey };
	if (!url && !apiKey) return undefined;
	if (!url || !apiKey)
		throw new MitanError('CONFIG_INVALID', 'MITAN_N8N_API_URL and MITAN_N8N_API_KEY go together: set both (or neither)', {
			field: url ? 'MITAN_N8N_API_KEY' : 'MITAN_N8N_API_URL',
		});
	return { url: trimBase(url), apiKey };
}
