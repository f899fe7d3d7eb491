/**
 * The sandbox's one config resolver: defaults table < JSON file < explicit object, and PATCHes at
 * run time (deep merge, arrays replace). Everything a trainer or a test may want to vary lives here,
 * so no behaviour is hidden in code.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Populations are chosen by rules on the number, so a test can predict each outcome. */
export interface NumberRule {
	/** Exact numbers (digits, with or without +). */
	numbers: string[];
	/** Numbers whose last two digits (as an integer 0-99) are in this list. */
	lastTwoDigits: number[];
}

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
/** Meta's messaging-limit tiers: unique business-initiated recipients per day. */
export type MessagingTier = 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';

export interface PhoneNumberConfig {
	id: string;
	displayPhoneNumber: string;
	verifiedName: string;
	qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
	/** Messages per second accepted from this number (Meta: 80 default, 1,000 upgraded). */
	throughputPerSecond: number;
}

export interface WhatsAppConfig {
	wabaId: string;
	/** The Meta app whose Resumable Upload API (POST /{app-id}/uploads) gives template header samples their handle. */
	appId: string;
	accessTokens: string[];
	phoneNumbers: PhoneNumberConfig[];
	/** How long Meta's review of a new template takes here (real time, ms). */
	templateReviewMs: number;
	/**
	 * Training / demo only: at start (and after a reset that clears templates) create the training
	 * templates (sandbox/training-templates.ts) through the same API and review. Off by default:
	 * like a new WABA, the sandbox has no template until one is created.
	 */
	seedTemplates: boolean;
	/** Shared by all numbers of the portfolio, as Meta does since Oct 2025. */
	messagingTier: MessagingTier;
	/** Error code of the failed webhook for recipients beyond the tier (Meta documents none). */
	messagingLimitErrorCode: number;
	pairLimitSeconds: number;
	textMaxLength: number;
	/** Free-form (non-template) messages need a user message in the last 24 h (else 131047). */
	enforceCustomerServiceWindow: boolean;
	/** Usernames and business-scoped user ids (sandbox/identities.ts). */
	usernames: {
		/** Share (0-1) of citizens who adopted a username (chosen by a hash of the number: stable across runs). */
		share: number;
		/** Numbers that have a username whatever the share says. */
		numbers: string[];
		/** A citizen who wrote within this many days is shown with their number (Meta: 30). */
		phoneVisibleDays: number;
		/** Meta's contact book: once a message is exchanged, the number keeps appearing. */
		contactBook: boolean;
	};
	populations: {
		notOnWhatsApp: NumberRule;
		stoppedMarketing: NumberRule;
		marketingCapped: NumberRule;
		/** Max marketing templates one citizen receives per day before 131049; null = no cap. */
		marketingCapPerUserPerDay: number | null;
		/** Share (0-1) of accepted messages that fail with 131000. */
		transientFailureRate: number;
		/**
		 * Share (0-1) of marketing templates sent through /messages that Meta does not deliver
		 * for "healthy ecosystem engagement" (131049, the frequency cap); 0 = none.
		 */
		ecosystemDropRate: number;
	};
	/**
	 * Meta's Marketing Messages API (POST /{phone-number-id}/marketing_messages): the business
	 * portfolio must have accepted its terms (else MM_API_NOT_ONBOARDED_CODE), and it delivers a
	 * higher share of marketing messages (Meta's India test: up to ~9 % more): its own, lower
	 * 131049 share.
	 */
	marketingMessages: { onboarded: boolean; ecosystemDropRate: number };
}

export interface WebhookConfig {
	/** Where status / inbound webhooks are POSTed; null turns webhooks off. */
	callbackUrl: string | null;
	/** What the sandbox sends as hub.verify_token in the GET handshake. */
	verifyToken: string;
	statusesPerCall: number;
	concurrency: number;
	/** Share of accepted messages that get delivered, and of delivered that get read. */
	shares: { delivered: number; read: number };
	delaysMs: { sent: number; delivered: number; read: number; failed: number };
	/** At-least-once and unordered, like Meta. */
	duplicateRate: number;
	reorderRate: number;
	reorderDelayMs: number;
	retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
	timeoutMs: number;
	/** Bound on events waiting to be sent; beyond it events are dropped and counted. */
	maxPending: number;
	/** Meta writes non-ASCII as lowercase \uXXXX and "/" as "\/" (PHP json_encode). */
	escapeUnicode: boolean;
	escapeSlashes: boolean;
}

export interface PageConfig {
	id: string;
	name: string;
	accessTokens: string[];
	/** Fetch photo `url` like Meta (error 324 when it is not an image). */
	fetchPhotoUrl: boolean;
}

export interface InstagramUserConfig {
	id: string;
	username: string;
	accessTokens: string[];
}

export interface InstagramConfig {
	users: InstagramUserConfig[];
	containerProcessingMs: number;
	containerExpiryMs: number;
	publishQuotaTotal: number;
	publishQuotaDurationSeconds: number;
	fetchTimeoutMs: number;
	maxImageBytes: number;
	/** Check JPEG, size and aspect ratio as Meta's docs state. */
	strictImage: boolean;
}

export interface XUserConfig {
	id: string;
	username: string;
	name: string;
	consumerKey: string;
	consumerSecret: string;
	accessToken: string;
	accessTokenSecret: string;
	/** OAuth 2.0 user-context bearer tokens for this user. */
	bearerTokens: string[];
}

export interface XConfig {
	users: XUserConfig[];
	/** App-only bearer tokens: valid, but refused by POST /2/tweets like X does. */
	appBearerTokens: string[];
	postsPerWindow: number;
	windowSeconds: number;
	/** Accepted OAuth 1.0a timestamp skew. */
	timestampSkewSeconds: number;
}

export interface SandboxConfig {
	seed: number;
	/** App secret used for X-Hub-Signature-256. */
	appSecret: string;
	/** Tokens marked expired at run time: Graph answers 190 / subcode 463. */
	expiredTokens: string[];
	/** Day boundary for daily tiers and duplicate counting (330 = Asia/Kolkata). */
	dayOffsetMinutes: number;
	/**
	 * Graph API versions Meta still serves (Dec 2026: v21.0 until Jan 2027 … v27.0). A call to an
	 * older, expired version is answered as the oldest one served (Meta's documented behaviour) and
	 * counted; a version not (yet) released is an unknown path, as on graph.facebook.com.
	 */
	graphVersions: string[];
	buffers: { messages: number; posts: number; webhookLog: number; rejections: number; duplicatesList: number };
	whatsapp: WhatsAppConfig;
	webhook: WebhookConfig;
	facebook: { pages: PageConfig[] };
	instagram: InstagramConfig;
	x: XConfig;
}

const noOne = (): NumberRule => ({ numbers: [], lastTwoDigits: [] });

export function defaultConfig(): SandboxConfig {
	return {
		seed: 42,
		appSecret: 'sandbox-app-secret',
		expiredTokens: [],
		dayOffsetMinutes: 330,
		graphVersions: ['v21.0', 'v22.0', 'v23.0', 'v24.0', 'v25.0', 'v26.0', 'v27.0'],
		buffers: { messages: 10_000, posts: 1_000, webhookLog: 1_000, rejections: 1_000, duplicatesList: 1_000 },
		whatsapp: {
			wabaId: '200000000000001',
			appId: '600000000000001',
			accessTokens: ['sandbox-token'],
			phoneNumbers: [
				{
					id: '100000000000001',
					displayPhoneNumber: '+91 70000 00001',
					verifiedName: 'Police Mitan Sandbox',
					qualityRating: 'GREEN',
					throughputPerSecond: 80,
				},
			],
			templateReviewMs: 3_000,
			seedTemplates: false,
			// A new business portfolio starts at 250 distinct recipients a day (Meta, since Oct 2025):
			// a training district meets the tier on its first broadcast. Raise it in the config file
			// or with PATCH /_sandbox/config to model an established number.
			messagingTier: 'TIER_250',
			messagingLimitErrorCode: 131048,
			pairLimitSeconds: 6,
			textMaxLength: 4096,
			enforceCustomerServiceWindow: true,
			// About one citizen in twenty has a username in a district's first year (an assumption:
			// Meta publishes no adoption figure); they arrive without a number until a message is exchanged.
			usernames: { share: 0.05, numbers: [], phoneVisibleDays: 30, contactBook: true },
			populations: {
				notOnWhatsApp: noOne(),
				stoppedMarketing: noOne(),
				marketingCapped: noOne(),
				marketingCapPerUserPerDay: null,
				transientFailureRate: 0,
				ecosystemDropRate: 0,
			},
			// A new portfolio has not accepted the Marketing Messages API terms.
			marketingMessages: { onboarded: false, ecosystemDropRate: 0 },
		},
		webhook: {
			callbackUrl: null,
			verifyToken: 'sandbox-verify-token',
			statusesPerCall: 1,
			concurrency: 32,
			shares: { delivered: 0.95, read: 0.6 },
			delaysMs: { sent: 20, delivered: 60, read: 150, failed: 40 },
			duplicateRate: 0,
			reorderRate: 0,
			reorderDelayMs: 300,
			retry: { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 10_000 },
			timeoutMs: 5_000,
			maxPending: 200_000,
			escapeUnicode: true,
			escapeSlashes: true,
		},
		facebook: {
			pages: [{ id: '300000000000001', name: 'Police Mitan Sandbox Page', accessTokens: ['sandbox-page-token'], fetchPhotoUrl: true }],
		},
		instagram: {
			users: [{ id: '400000000000001', username: 'police_mitan_sandbox', accessTokens: ['sandbox-page-token', 'sandbox-ig-token'] }],
			containerProcessingMs: 500,
			containerExpiryMs: 24 * 3600 * 1000,
			publishQuotaTotal: 100,
			publishQuotaDurationSeconds: 86_400,
			fetchTimeoutMs: 5_000,
			maxImageBytes: 8 * 1024 * 1024,
			strictImage: true,
		},
		x: {
			users: [
				{
					id: '500000000000001',
					username: 'PoliceMitanSbx',
					name: 'Police Mitan Sandbox',
					consumerKey: 'sandbox-consumer-key',
					consumerSecret: 'sandbox-consumer-secret',
					accessToken: 'sandbox-access-token',
					accessTokenSecret: 'sandbox-access-secret',
					bearerTokens: ['sandbox-x-bearer'],
				},
			],
			appBearerTokens: ['sandbox-x-app-bearer'],
			postsPerWindow: 100,
			windowSeconds: 900,
			timestampSkewSeconds: 300,
		},
	};
}

/** Partial at every depth, so a PATCH or a test override names only what it changes. */
export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep merge where arrays and scalars replace. Unknown keys are refused rather than ignored: a
 * misspelt config key silently doing nothing is the worst kind of training-mode bug.
 */
export function mergeConfig<T>(base: T, patch: unknown, where = 'config'): T {
	if (patch === undefined) return base;
	if (!isPlainObject(base)) return patch as T;
	if (!isPlainObject(patch)) throw new ConfigError(`${where} must be an object`);
	const out: Record<string, unknown> = { ...base };
	for (const [key, value] of Object.entries(patch)) {
		if (!(key in base)) throw new ConfigError(`unknown config key ${where}.${key}`);
		const current = (base as Record<string, unknown>)[key];
		if (isPlainObject(current) && isPlainObject(value)) {
			out[key] = mergeConfig(current, value, `${where}.${key}`);
		} else if (current !== null && value !== null && typeof current !== typeof value) {
			throw new ConfigError(`${where}.${key} must be a ${Array.isArray(current) ? 'list' : typeof current}`);
		} else {
			out[key] = value;
		}
	}
	return out as T;
}

export class ConfigError extends Error {}

export const DEFAULT_CONFIG_FILE = path.join(__dirname, 'sandbox.config.json');

/**
 * The sandbox's behaviour (Meta's and X's simulated rules): defaults, then the JSON file (if
 * any), then the explicit object. Where it listens and which file it reads come from the
 * project's one settings resolver (core/config.ts).
 */
export function sandboxConfig(explicit?: DeepPartial<SandboxConfig>, file?: string): SandboxConfig {
	let config = defaultConfig();
	if (file) {
		const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
		delete raw['$comment'];
		config = mergeConfig(config, raw);
	}
	return mergeConfig(config, explicit);
}
