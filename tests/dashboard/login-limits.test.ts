import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { createApp } from '../../dashboard/app';
import { hashPassword, insertUser, login, MAX_PER_ACCOUNT, MAX_PER_PAIR, UNKNOWN_USER_ACTOR } from '../../core/auth';
import { parseTrustedProxies } from '../../core/client-ip';
import { resolveConfig } from '../../core/config';
import type { Db } from '../../core/db';
import { describeEachEngine } from '../helpers/db';

/**
 * Issue 18, findings 2, 3 and 11: the login limit cannot be raced, holds per account across IPs,
 * grows, audits what it refuses; X-Forwarded-For is believed only from configured proxies; a
 * failed login never stores what was typed as the username unless it names a user.
 * Real sockets: the app listens on an ephemeral port and the logins are concurrent fetches.
 */
const PASSWORD = 'Limit-test-pass-2026';

async function listen(db: Db, trustedProxies?: string[]): Promise<{ url: string; close(): Promise<void> }> {
	const app = createApp({ db, publicUrl: 'http://localhost:3000', trustedProxies });
	const server = await new Promise<Server>((resolve) => {
		const s = app.listen(0, '127.0.0.1', () => resolve(s));
	});
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The login form's double-submit pair (cookie + field), fetched once and shared, as an attacker would. */
async function loginForm(url: string): Promise<{ cookie: string; token: string }> {
	const page = await fetch(`${url}/login`);
	const cookie = page.headers.getSetCookie()[0].split(';')[0];
	const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
	return { cookie, token };
}

function postLogin(url: string, f: { cookie: string; token: string }, username: string, password: string, xff?: string): Promise<Response> {
	const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', cookie: f.cookie };
	if (xff) headers['x-forwarded-for'] = xff;
	return fetch(`${url}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers,
		body: new URLSearchParams({ _csrf: f.token, next: '/', username, password }).toString(),
	});
}

describeEachEngine('login limits, client IP and what a failed login stores', (ctx) => {
	let n = 0;
	/** A fresh viewer per test: no test sees another's counters. */
	async function newUser(): Promise<string> {
		const username = `lim${++n}`;
		await insertUser(ctx.db, { username, passwordHash: await hashPassword(PASSWORD), role: 'viewer', districtId: null });
		return username;
	}
	beforeEach(async () => {
		await ctx.db.query('DELETE FROM login_throttle');
	});

	test('100 concurrent logins for one account from one IP: 5 are evaluated, 95 refused and audited, the right password at #98 stays out', async () => {
		const username = await newUser();
		const app = await listen(ctx.db);
		try {
			const form = await loginForm(app.url);
			const results = await Promise.all(
				Array.from({ length: 100 }, (_, i) => postLogin(app.url, form, username, i === 97 ? PASSWORD : `race-guess-${i}-xyz`)),
			);
			const byStatus: Record<number, number> = {};
			for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
			expect(byStatus).toEqual({ 401: MAX_PER_PAIR, 429: 100 - MAX_PER_PAIR });
			const [a] = await ctx.db.query<{ failed: number; refused: number; ok: number }>(
				`SELECT count(*) FILTER (WHERE action = 'auth.login_failed')::int AS failed,
				        count(*) FILTER (WHERE action = 'auth.login_refused')::int AS refused,
				        count(*) FILTER (WHERE action = 'auth.login')::int AS ok
				   FROM audit_log WHERE actor = $1`,
				[`user:${username}`],
			);
			expect(a).toEqual({ failed: MAX_PER_PAIR, refused: 100 - MAX_PER_PAIR, ok: 0 });
			const [s] = await ctx.db.query<{ n: number }>(
				'SELECT count(*)::int AS n FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id WHERE u.username = $1',
				[username],
			);
			expect(s.n).toBe(0);
		} finally {
			await app.close();
		}
	});

	test('the account limit holds across IPs, and a lock-out grows each time', async () => {
		const username = await newUser();
		const guess = (ip: string, password = 'wrong-guess-abc') => login(ctx.db, { username, password, ip });
		for (let i = 0; i < MAX_PER_ACCOUNT; i++) await expect(guess(`10.0.0.${i}`)).rejects.toMatchObject({ code: 'AUTH_BAD_CREDENTIALS' });
		// A new address with the right password: still refused, the account is locked.
		await expect(guess('10.0.9.9', PASSWORD)).rejects.toMatchObject({ code: 'AUTH_RATE_LIMITED', details: { minutes: 15 } });
		const key = `user:${(await ctx.db.query<{ id: number }>('SELECT id FROM dashboard_users WHERE username = $1', [username]))[0].id}`;
		// The first lock ends (moved into the past, not waited for); the next one lasts twice as long.
		await ctx.db.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE key = $1`, [key]);
		for (let i = 0; i < MAX_PER_ACCOUNT; i++) await expect(guess(`10.0.1.${i}`)).rejects.toMatchObject({ code: 'AUTH_BAD_CREDENTIALS' });
		const [row] = await ctx.db.query<{ lockouts: number; mins: number }>(
			`SELECT lockouts, round(extract(epoch FROM locked_until - now()) / 60)::int AS mins FROM login_throttle WHERE key = $1`,
			[key],
		);
		expect(row).toEqual({ lockouts: 2, mins: 30 });
		await expect(guess('10.0.2.1', PASSWORD)).rejects.toMatchObject({ code: 'AUTH_RATE_LIMITED', details: { minutes: 30 } });
	});

	test('a success gives the account a fresh count', async () => {
		const username = await newUser();
		for (let i = 0; i < MAX_PER_PAIR - 1; i++) {
			await expect(login(ctx.db, { username, password: 'wrong-guess-abc', ip: '10.1.0.1' })).rejects.toMatchObject({
				code: 'AUTH_BAD_CREDENTIALS',
			});
		}
		await login(ctx.db, { username, password: PASSWORD, ip: '10.1.0.1' });
		await expect(login(ctx.db, { username, password: 'wrong-guess-abc', ip: '10.1.0.1' })).rejects.toMatchObject({
			code: 'AUTH_BAD_CREDENTIALS',
		});
	});

	test('X-Forwarded-For from a loopback peer is ignored by default: the audit has the real address and rotating it does not reset the limit', async () => {
		const username = await newUser();
		const app = await listen(ctx.db);
		try {
			const form = await loginForm(app.url);
			for (let i = 0; i < MAX_PER_PAIR; i++) {
				expect((await postLogin(app.url, form, username, 'wrong-guess-abc', `10.9.${i}.1`)).status).toBe(401);
			}
			expect((await postLogin(app.url, form, username, PASSWORD, '10.9.99.1')).status).toBe(429);
			const ips = await ctx.db.query<{ ip: string }>(`SELECT DISTINCT ip FROM audit_log WHERE actor = $1`, [`user:${username}`]);
			expect(ips.map((r) => r.ip)).toEqual(['127.0.0.1']);
		} finally {
			await app.close();
		}
	});

	test('a configured proxy is believed: its X-Forwarded-For is the client address', async () => {
		const username = await newUser();
		const app = await listen(ctx.db, ['loopback']);
		try {
			const form = await loginForm(app.url);
			expect((await postLogin(app.url, form, username, 'wrong-guess-abc', '203.0.113.7')).status).toBe(401);
			const [r] = await ctx.db.query<{ ip: string }>(`SELECT ip FROM audit_log WHERE actor = $1`, [`user:${username}`]);
			expect(r.ip).toBe('203.0.113.7');
		} finally {
			await app.close();
		}
	});

	test('a failed login stores the typed name only when it names a user; otherwise a marker', async () => {
		const username = await newUser();
		const typed = 'Hunter2-My-Real-Password';
		await expect(login(ctx.db, { username: typed, password: 'whatever-pass-1', ip: '10.2.0.1' })).rejects.toMatchObject({
			code: 'AUTH_BAD_CREDENTIALS',
		});
		await expect(login(ctx.db, { username, password: 'whatever-pass-1', ip: '10.2.0.1' })).rejects.toMatchObject({
			code: 'AUTH_BAD_CREDENTIALS',
		});
		const rows = await ctx.db.query<{ actor: string; text: string }>(
			`SELECT actor, row_to_json(a)::text AS text FROM audit_log a WHERE ip = '10.2.0.1' AND action = 'auth.login_failed' ORDER BY id`,
		);
		expect(rows.map((r) => r.actor)).toEqual([UNKNOWN_USER_ACTOR, `user:${username}`]);
		expect(
			rows
				.map((r) => r.text)
				.join(' ')
				.toLowerCase(),
		).not.toContain('hunter2');
		const keys = await ctx.db.query<{ key: string }>('SELECT key FROM login_throttle');
		expect(
			keys
				.map((k) => k.key)
				.join(' ')
				.toLowerCase(),
		).not.toContain('hunter2');
		// The same refusal for a name nobody has, while locked: same marker, still nothing typed kept.
		for (let i = 0; i <= MAX_PER_PAIR; i++)
			await login(ctx.db, { username: typed, password: 'x-pass-wrong', ip: '10.2.0.2' }).catch(() => undefined);
		const [refused] = await ctx.db.query<{ actor: string }>(
			`SELECT actor FROM audit_log WHERE ip = '10.2.0.2' AND action = 'auth.login_refused'`,
		);
		expect(refused.actor).toBe(UNKNOWN_USER_ACTOR);
	});

	test('MITAN_TRUSTED_PROXIES: none by default; addresses, ranges and names accepted; anything else refused, naming it', () => {
		expect(resolveConfig({}, {}).trustedProxies).toEqual([]);
		expect(resolveConfig({}, { MITAN_TRUSTED_PROXIES: '10.0.0.5, 192.168.0.0/16,loopback,::1' }).trustedProxies).toEqual([
			'10.0.0.5',
			'192.168.0.0/16',
			'loopback',
			'::1',
		]);
		expect(() => parseTrustedProxies('10.0.0.5,proxy.example')).toThrow(/"proxy\.example" is not an IP address/);
		expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/"10\.0\.0\.0\/33"/);
	});
});
