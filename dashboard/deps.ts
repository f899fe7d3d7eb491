import type { Db } from '../core/db';

/** What the gateway + dashboard app is built from (dashboard/app.ts) and each router takes. */
export interface AppDeps {
	db: Db;
	/** Public base URL of this app (for links in messages and Instagram image URLs). */
	publicUrl: string;
	env?: NodeJS.ProcessEnv;
	/**
	 * Addresses the image fetcher may reach although internal: set ONLY by tests, whose image
	 * servers listen on 127.0.0.1 (core/net/public-fetch.ts). Production leaves it unset.
	 */
	unsafeMediaAddressesForTests?: readonly string[];
	/** Proxies whose X-Forwarded-For is believed (config.trustedProxies); none when absent. */
	trustedProxies?: string[];
	/**
	 * Parts of `npm start` that did not come up (n8n, the sandbox), asked for on each overview
	 * page for an admin: what failed, where its log is, the one command that retries it.
	 */
	startProblems?: () => Promise<StartProblem[]>;
}

export interface StartProblem {
	part: 'n8n' | 'sandbox';
	problem: string;
	log: string;
	retry: string;
}
