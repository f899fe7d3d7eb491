import request from 'supertest';
import type express from 'express';
import { Secret, TOTP } from 'otpauth';
import { PASSWORD } from './seed';

/**
 * What an officer's authenticator app knows, per app under test and username: the secret shown at
 * enrolment and the last 30-second step used (a code works once, so a second login in the same
 * step uses the next step's code, which the server accepts as clock drift).
 */
const phones = new WeakMap<object, Map<string, { secret: string; lastStep: number }>>();

export function totpCode(secret: string, step: number): string {
	return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: step * 30_000 });
}

/** The next code this username's "phone" may use: the current step, or the next one if that was used. */
export function nextCode(app: object, username: string): string {
	const p = phones.get(app)?.get(username);
	if (!p) throw new Error(`${username} has not enrolled TOTP in this app`);
	const now = Math.floor(Date.now() / 30_000);
	const step = Math.max(now, p.lastStep + 1);
	if (step > now + 1) throw new Error(`${username} logged in more than twice within 30 s: keep one session instead`);
	p.lastStep = step;
	return totpCode(p.secret, step);
}

export function rememberTotp(app: object, username: string, secret: string): void {
	if (!phones.has(app)) phones.set(app, new Map());
	phones.get(app)!.set(username, { secret, lastStep: 0 });
}

/**
 * Logs an agent in through the real forms (double-submit CSRF cookie included), taking the TOTP
 * step when the server asks for it: enrolling (admins, first login) or entering a code, computed
 * with the same library an app would use. Returns the session's CSRF token.
 */
export async function loginAgent(
	app: express.Express,
	username: string,
	password = PASSWORD,
): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string }> {
	const agent = request.agent(app);
	const page = await agent.get('/login').expect(200);
	const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
	let res = await agent.post('/login').type('form').send({ _csrf: token, username, password, next: '/' });
	if (res.status === 303 && res.headers.location.startsWith('/login/totp')) {
		const codePage = await agent.get(res.headers.location).expect(200);
		const secret = /data-secret="([A-Z2-7]+)"/.exec(codePage.text)?.[1];
		if (secret) rememberTotp(app, username, secret);
		const csrf = loginFormToken(codePage.text);
		res = await agent
			.post('/login/totp')
			.type('form')
			.send({ _csrf: csrf, code: nextCode(app, username), next: '/' });
	}
	if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status} ${res.text.slice(0, 200)}`);
	const me = await agent.get('/api/me').expect(200);
	return { agent, csrf: me.body.csrfToken as string };
}

export function loginFormToken(html: string): string {
	return /name="_csrf" value="([^"]+)"/.exec(html)![1];
}
