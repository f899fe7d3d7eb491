import request from 'supertest';
import type express from 'express';
import { PASSWORD } from './seed';

/** Logs an agent in through the real form (double-submit CSRF cookie included); returns its session CSRF token. */
export async function loginAgent(
	app: express.Express,
	username: string,
	password = PASSWORD,
): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string }> {
	const agent = request.agent(app);
	const page = await agent.get('/login').expect(200);
	const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
	const res = await agent.post('/login').type('form').send({ _csrf: token, username, password, next: '/' });
	if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status} ${res.text.slice(0, 200)}`);
	const me = await agent.get('/api/me').expect(200);
	return { agent, csrf: me.body.csrfToken as string };
}

export function loginFormToken(html: string): string {
	return /name="_csrf" value="([^"]+)"/.exec(html)![1];
}
