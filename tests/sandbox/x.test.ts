/** Contract tests: X API v2 posts with OAuth 1.0a / OAuth 2.0 user context. */
import { createHmac } from 'crypto';
import OAuth from 'oauth-1.0a';
import { call, startSandbox, type Started } from './helpers';

let s: Started;
beforeEach(async () => {
	s = await startSandbox();
});
afterEach(() => s.running.close());

const oauth = new OAuth({
	consumer: { key: 'sandbox-consumer-key', secret: 'sandbox-consumer-secret' },
	signature_method: 'HMAC-SHA1',
	hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
});
const token = { key: 'sandbox-access-token', secret: 'sandbox-access-secret' };

function signed(method: string, url: string, tok = token): Record<string, string> {
	return { authorization: oauth.toHeader(oauth.authorize({ url, method }, tok)).Authorization };
}

const tweet = (text: string, headers?: Record<string, string>) =>
	call(s.url, 'POST', '/2/tweets', { body: { text }, headers: headers ?? signed('POST', `${s.url}/2/tweets`) });

test('OAuth 1.0a signed POST /2/tweets → 201 {data:{id,text}} with rate-limit headers', async () => {
	const r = await tweet('साइबर ठगी से बचें। 1930 पर कॉल करें।');
	expect(r.status).toBe(201);
	expect(r.body.data).toMatchObject({
		id: expect.stringMatching(/^\d{15,19}$/),
		text: 'साइबर ठगी से बचें। 1930 पर कॉल करें।',
		edit_history_tweet_ids: [r.body.data.id],
	});
	expect(r.headers.get('x-rate-limit-limit')).toBe('100');
	expect(r.headers.get('x-rate-limit-remaining')).toBe('99');
	expect(Number(r.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
});

test('a signature made for api.x.com is accepted too (clients routed to the sandbox)', async () => {
	expect((await tweet('prod url signed', signed('POST', 'https://api.x.com/2/tweets'))).status).toBe(201);
});

test('bad signature, wrong secret, replayed nonce, stale timestamp → 401', async () => {
	const good = signed('POST', `${s.url}/2/tweets`);
	const tampered = { authorization: good.authorization.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA"') };
	const r = await tweet('x1', tampered);
	expect(r.status).toBe(401);
	expect(r.body).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
	expect((await tweet('x2', signed('POST', `${s.url}/2/tweets`, { key: token.key, secret: 'wrong' }))).status).toBe(401);
	expect((await tweet('x3', good)).status).toBe(201);
	expect((await tweet('x4', good)).status).toBe(401); // same nonce again
	const old = oauth.authorize({ url: `${s.url}/2/tweets`, method: 'POST' }, token);
	old.oauth_timestamp -= 3600;
	expect((await tweet('x5', { authorization: oauth.toHeader(old).Authorization })).status).toBe(401);
	expect((await tweet('x6', {})).status).toBe(401);
});

test('OAuth 2.0 user bearer works; app-only bearer is refused with 403', async () => {
	expect((await tweet('bearer post', { authorization: 'Bearer sandbox-x-bearer' })).status).toBe(201);
	const app = await tweet('app post', { authorization: 'Bearer sandbox-x-app-bearer' });
	expect(app.status).toBe(403);
	expect(app.body.type).toBe('https://api.twitter.com/2/problems/unsupported-authentication');
});

test('over 280 weighted characters (twitter-text) → 400 problem JSON; Hindi counts per code point', async () => {
	const hindi140 = 'क'.repeat(280);
	expect((await tweet(hindi140, { authorization: 'Bearer sandbox-x-bearer' })).status).toBe(201);
	const emoji = '🙏'.repeat(141); // 2 each → 282
	const r = await tweet(emoji, { authorization: 'Bearer sandbox-x-bearer' });
	expect(r.status).toBe(400);
	expect(r.body).toMatchObject({
		title: 'Invalid Request',
		type: 'https://api.twitter.com/2/problems/invalid-request',
		detail: expect.any(String),
	});
	expect(r.body.errors[0].message).toContain('282');
	// A long URL counts as 23.
	expect(
		(await tweet(`${'a'.repeat(250)} https://cybercrime.gov.in/${'x'.repeat(100)}`, { authorization: 'Bearer sandbox-x-bearer' })).status,
	).toBe(201);
	expect((await call(s.url, 'POST', '/2/tweets', { body: {}, headers: { authorization: 'Bearer sandbox-x-bearer' } })).status).toBe(400);
});

test('the same text twice → 403 duplicate content', async () => {
	const auth = { authorization: 'Bearer sandbox-x-bearer' };
	expect((await tweet('same text', auth)).status).toBe(201);
	const dup = await tweet('same text', auth);
	expect(dup.status).toBe(403);
	expect(dup.body).toEqual({
		detail: 'You are not allowed to create a Tweet with duplicate content.',
		type: 'about:blank',
		title: 'Forbidden',
		status: 403,
	});
});

test('100 posts / 15 min per user → 429 with x-rate-limit-* headers, reset after the window', async () => {
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { x: { postsPerWindow: 3 } } });
	const auth = { authorization: 'Bearer sandbox-x-bearer' };
	for (let i = 0; i < 3; i++) expect((await tweet(`post ${i}`, auth)).status).toBe(201);
	const r = await tweet('post 4', auth);
	expect(r.status).toBe(429);
	expect(r.headers.get('x-rate-limit-limit')).toBe('3');
	expect(r.headers.get('x-rate-limit-remaining')).toBe('0');
	expect(r.headers.get('retry-after')).toBeNull();
	expect(r.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
	await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 900_000 } });
	expect((await tweet('post 5', auth)).status).toBe(201);
});

test('GET /2/tweets/:id?tweet.fields=public_metrics, not found, and /2/users/me', async () => {
	const auth = { authorization: 'Bearer sandbox-x-bearer' };
	const t = await tweet('metrics please', auth);
	const g = await call(s.url, 'GET', `/2/tweets/${t.body.data.id}?tweet.fields=public_metrics,created_at`, { headers: auth });
	expect(g.status).toBe(200);
	expect(g.body.data.public_metrics).toEqual({
		retweet_count: expect.any(Number),
		reply_count: expect.any(Number),
		like_count: expect.any(Number),
		quote_count: expect.any(Number),
		bookmark_count: expect.any(Number),
		impression_count: expect.any(Number),
	});
	const byApp = await call(s.url, 'GET', `/2/tweets/${t.body.data.id}?tweet.fields=non_public_metrics`, {
		headers: { authorization: 'Bearer sandbox-x-app-bearer' },
	});
	expect(byApp.body.errors[0].type).toBe('https://api.twitter.com/2/problems/not-authorized-for-field');
	const missing = await call(s.url, 'GET', '/2/tweets/1234567890', { headers: auth });
	expect(missing.status).toBe(200);
	expect(missing.body.errors[0].type).toBe('https://api.twitter.com/2/problems/resource-not-found');
	const me = await call(s.url, 'GET', '/2/users/me', { headers: signed('GET', `${s.url}/2/users/me`) });
	expect(me.body.data).toEqual({ id: '500000000000001', name: 'Police Mitan Sandbox', username: 'PoliceMitanSbx' });
	expect((await call(s.url, 'GET', '/2/users/me')).status).toBe(401);
});
