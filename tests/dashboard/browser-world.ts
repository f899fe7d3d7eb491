import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../dashboard/app';
import { collectErrors, launchChromium, loginAs, serve, type Served } from '../helpers/browser';
import { createTestDb, postgresReachable, type TestDb } from '../helpers/db';
import { PASSWORD, seedDashboard, type Seeded } from './seed';

export interface BrowserWorld {
	t: TestDb;
	seed: Seeded;
	base: string;
	browser: Browser;
	/** A new page in `context`, signed in as a seeded user, with its script errors collected. */
	login(context: BrowserContext, username: string): Promise<{ page: Page; errors: string[] }>;
}

/**
 * The seeded dashboard (PostgreSQL when it is reachable, else PGlite) served on a loopback port,
 * and Chromium: what the dashboard's browser suites share. Registers its own beforeAll / afterAll.
 */
export function seededDashboardInBrowser(): BrowserWorld {
	let server: Served | undefined;
	const w = {
		async login(context: BrowserContext, username: string) {
			const page = await context.newPage();
			const errors = collectErrors(page);
			await loginAs(page, w.base, username, PASSWORD);
			return { page, errors };
		},
	} as BrowserWorld;
	beforeAll(async () => {
		w.t = await createTestDb((await postgresReachable()) ? 'postgres' : 'pglite');
		w.seed = await seedDashboard(w.t.db);
		server = await serve(createApp({ db: w.t.db, publicUrl: 'http://127.0.0.1' }));
		w.base = server.base;
		w.browser = await launchChromium();
	}, 120_000);
	afterAll(async () => {
		await w.browser?.close();
		await server?.close();
		await w.t?.drop();
	});
	return w;
}
