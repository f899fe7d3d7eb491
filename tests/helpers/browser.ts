import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * One owner for how the browser tests drive the dashboard: Debian's chromium through
 * playwright-core, the server on a real loopback socket, the login form, and where screenshots go
 * (test-output/screenshots/, not committed).
 */
export const SCREENSHOTS = path.join(__dirname, '../../test-output/screenshots');

const CHROMIUM = process.env.MITAN_CHROMIUM ?? '/usr/bin/chromium';
// Headless without the services a desktop browser phones home to: the machine has no internet,
// and QUIC probes or component updates only add noise to the page's own network log.
const ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	// The desk plays a citizen's voice note without a real user's gesture.
	'--autoplay-policy=no-user-gesture-required',
];

export async function launchChromium(): Promise<Browser> {
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface Served {
	base: string;
	close(): Promise<void>;
}

/** Serves a request handler (the dashboard's express app) on 127.0.0.1 at a free port. */
export async function serve(handler: http.RequestListener): Promise<Served> {
	const server = http.createServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Logs in through the form and waits for the overview, as a person would. */
export async function loginAs(page: Page, base: string, username: string, password: string): Promise<void> {
	await page.goto(`${base}/login`);
	await page.fill('input[name=username]', username);
	await page.fill('input[name=password]', password);
	await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
}

/**
 * Collects the page's script errors (uncaught exceptions and console errors). `ignore` drops
 * console lines a test expects, such as the page's own 4xx answers for a refused form.
 */
export function collectErrors(page: Page, ignore?: RegExp): string[] {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	page.on('console', (m) => {
		if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) errors.push(m.text());
	});
	return errors;
}
