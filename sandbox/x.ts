/**
 * X API v2: POST /2/tweets (OAuth 1.0a user context, or OAuth 2.0 user bearer), GET
 * /2/tweets/:id, GET /2/users/me. Length by twitter-text's parseTweet (280 weighted), duplicate
 * text refused (403), 100 posts per 15 min per user (429 with x-rate-limit-* headers, no
 * Retry-After, as X).
 */
import { Router, type Request, type Response, type NextFunction } from 'express';
import { parseTweet } from 'twitter-text';
import { X_API_BASE_URL } from '../core/channels/api';
import type { XUserConfig } from './config';
import { XError, xInvalidRequest, xUnauthorized } from './errors';
import { parseOAuthHeader, verifySignature } from './oauth1';
import { hashString } from './prng';
import type { Tweet } from './social-store';
import type { SandboxState } from './state';

const X_EPOCH = 1288834974657n;

type XAuth = { kind: 'user'; user: XUserConfig } | { kind: 'app' };

function authenticate(state: SandboxState, req: Request): XAuth {
	const header = req.headers.authorization ?? '';
	const cfg = state.config.x;
	const bearer = /^Bearer\s+(.+)$/i.exec(header);
	if (bearer) {
		const token = bearer[1].trim();
		const user = cfg.users.find((u) => u.bearerTokens.includes(token));
		if (user && !state.isExpired(token)) return { kind: 'user', user };
		if (cfg.appBearerTokens.includes(token)) return { kind: 'app' };
		throw xUnauthorized();
	}
	const oauth = parseOAuthHeader(header);
	if (!oauth) throw xUnauthorized();
	const user = cfg.users.find((u) => u.consumerKey === oauth['oauth_consumer_key'] && u.accessToken === oauth['oauth_token']);
	if (!user || oauth['oauth_signature_method'] !== 'HMAC-SHA1' || state.isExpired(user.accessToken)) throw xUnauthorized();
	const ts = Number(oauth['oauth_timestamp']);
	if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > cfg.timestampSkewSeconds) throw xUnauthorized();
	const nonce = oauth['oauth_nonce'] ?? '';
	const nonces = state.social.xNonces;
	if (!nonce || nonces.has(`${user.id}:${nonce}`)) throw xUnauthorized();
	const path = req.originalUrl.split('?')[0];
	const extra: [string, string][] = [];
	for (const [k, v] of new URLSearchParams(req.originalUrl.split('?')[1] ?? '')) extra.push([k, v]);
	if (req.is('application/x-www-form-urlencoded') && req.body && typeof req.body === 'object') {
		for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) extra.push([k, String(v)]);
	}
	const ok = verifySignature({
		method: req.method,
		baseUrls: [`${req.protocol}://${req.headers.host ?? ''}${path}`, `${X_API_BASE_URL}${path}`, `https://api.twitter.com${path}`],
		oauth,
		extraParams: extra,
		consumerSecret: user.consumerSecret,
		tokenSecret: user.accessTokenSecret,
	});
	if (!ok) throw xUnauthorized();
	nonces.set(`${user.id}:${nonce}`, Date.now());
	if (nonces.size > 10_000) {
		for (const [k, t] of nonces) if (Date.now() - t > cfg.timestampSkewSeconds * 2000) nonces.delete(k);
	}
	return { kind: 'user', user };
}

function requireUser(auth: XAuth): XUserConfig {
	if (auth.kind === 'user') return auth.user;
	throw new XError(403, {
		title: 'Unsupported Authentication',
		detail:
			'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
		type: 'https://api.twitter.com/2/problems/unsupported-authentication',
		status: 403,
	});
}

/** Fixed 15-minute window per user; every authenticated POST counts, as X counts requests. */
function takeRateLimit(state: SandboxState, userId: string, res: Response): void {
	const cfg = state.config.x;
	const now = state.now();
	let w = state.social.xWindows.get(userId);
	if (!w || now >= w.startMs + cfg.windowSeconds * 1000) {
		w = { startMs: now, count: 0 };
		state.social.xWindows.set(userId, w);
	}
	const reset = String(Math.ceil((w.startMs + cfg.windowSeconds * 1000) / 1000));
	const headers = { 'x-rate-limit-limit': String(cfg.postsPerWindow), 'x-rate-limit-reset': reset };
	if (w.count >= cfg.postsPerWindow) {
		throw new XError(
			429,
			{ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
			{ ...headers, 'x-rate-limit-remaining': '0' },
		);
	}
	w.count++;
	res.set({ ...headers, 'x-rate-limit-remaining': String(cfg.postsPerWindow - w.count) });
}

function snowflake(state: SandboxState): string {
	return (((BigInt(state.now()) - X_EPOCH) << 22n) | BigInt(state.nextSeq() & 0x3fffff)).toString();
}

function createTweet(state: SandboxState, req: Request, res: Response): void {
	const user = requireUser(authenticate(state, req));
	takeRateLimit(state, user.id, res);
	const body: unknown = req.body;
	const text = body && typeof body === 'object' ? (body as Record<string, unknown>)['text'] : undefined;
	const hasMedia = !!(body && typeof body === 'object' && (body as Record<string, unknown>)['media']);
	if (text !== undefined && typeof text !== 'string') throw xInvalidRequest('$.text: string expected');
	if (!text && !hasMedia) throw xInvalidRequest('text or media is required', { text: [''] });
	if (text) {
		const parsed = parseTweet(text);
		if (parsed.weightedLength > 280) {
			throw xInvalidRequest(`Tweet text is too long: ${parsed.weightedLength} weighted characters, the limit is 280.`, {
				text: [text.slice(0, 64)],
			});
		}
		const dup = state.social.tweets.ring.findLatest((t) => t.userId === user.id && t.text === text, 1);
		if (dup.length) {
			throw new XError(403, {
				detail: 'You are not allowed to create a Tweet with duplicate content.',
				type: 'about:blank',
				title: 'Forbidden',
				status: 403,
			});
		}
	}
	const tweet: Tweet = { id: snowflake(state), userId: user.id, text: text ?? '', createdAtMs: state.now() };
	state.social.tweets.add(tweet);
	res.status(201).json({ data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } });
}

function publicMetrics(t: Tweet, nowMs: number): Record<string, number> {
	const age = Math.min(1 + (nowMs - t.createdAtMs) / 3600_000, 48);
	const h = (k: string): number => Math.round(((hashString(`${t.id}:${k}`) % 20) + 1) * age);
	return {
		retweet_count: h('rt'),
		reply_count: h('re'),
		like_count: h('li') * 3,
		quote_count: h('qu') >> 2,
		bookmark_count: h('bo') >> 1,
		impression_count: h('im') * 60,
	};
}

function getTweet(state: SandboxState, req: Request, res: Response): void {
	const auth = authenticate(state, req);
	const id = String(req.params['id']);
	if (!/^\d{1,19}$/.test(id)) throw xInvalidRequest(`The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, { id: [id] });
	const t = state.social.tweets.get(id);
	if (!t) {
		res.json({
			errors: [
				{
					value: id,
					detail: `Could not find tweet with id: [${id}].`,
					title: 'Not Found Error',
					resource_type: 'tweet',
					parameter: 'id',
					resource_id: id,
					type: 'https://api.twitter.com/2/problems/resource-not-found',
				},
			],
		});
		return;
	}
	const fields = String(req.query['tweet.fields'] ?? '')
		.split(',')
		.filter(Boolean);
	const data: Record<string, unknown> = { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] };
	const errors: unknown[] = [];
	for (const f of fields) {
		if (f === 'public_metrics') data['public_metrics'] = publicMetrics(t, state.now());
		else if (f === 'created_at') data['created_at'] = new Date(t.createdAtMs).toISOString();
		else if (f === 'author_id') data['author_id'] = t.userId;
		else if (f === 'non_public_metrics' || f === 'organic_metrics') {
			const owner = auth.kind === 'user' && auth.user.id === t.userId;
			// X serves these only to the author, in user context, for posts under 30 days old.
			if (owner && state.now() - t.createdAtMs < 30 * 86_400_000) {
				const pm = publicMetrics(t, state.now());
				data[f] = {
					impression_count: pm['impression_count'],
					url_link_clicks: pm['like_count'] >> 1,
					user_profile_clicks: pm['reply_count'],
				};
			} else {
				errors.push({
					value: f,
					detail: `Sorry, you are not authorized to access '${f}' on the Tweet with ids: [${id}].`,
					title: 'Field Authorization Error',
					resource_type: 'tweet',
					field: f,
					parameter: 'tweet.fields',
					resource_id: id,
					type: 'https://api.twitter.com/2/problems/not-authorized-for-field',
				});
			}
		}
	}
	res.json(errors.length ? { data, errors } : { data });
}

/** GET /2/users/:id/tweets: the user's recent posts, newest first (how a client finds its post after a timeout). */
function userTweets(state: SandboxState, req: Request, res: Response): void {
	authenticate(state, req);
	const id = String(req.params['id']);
	const max = Number(req.query['max_results'] ?? 10);
	if (!Number.isInteger(max) || max < 5 || max > 100)
		throw xInvalidRequest(`The \`max_results\` query parameter value [${req.query['max_results']}] is not between 5 and 100`, {
			max_results: [String(req.query['max_results'])],
		});
	const startMs = req.query['start_time'] ? Date.parse(String(req.query['start_time'])) : -Infinity;
	const fields = String(req.query['tweet.fields'] ?? '').split(',');
	const list = state.social.tweets.ring.findLatest((t) => t.userId === id && t.createdAtMs >= startMs, max);
	const data = list.map((t) => ({
		id: t.id,
		text: t.text,
		edit_history_tweet_ids: [t.id],
		...(fields.includes('created_at') ? { created_at: new Date(t.createdAtMs).toISOString() } : {}),
	}));
	res.json(
		data.length
			? { data, meta: { result_count: data.length, newest_id: data[0].id, oldest_id: data[data.length - 1].id } }
			: { meta: { result_count: 0 } },
	);
}

function usersMe(state: SandboxState, req: Request, res: Response): void {
	const user = requireUser(authenticate(state, req));
	res.json({ data: { id: user.id, name: user.name, username: user.username } });
}

export function xRouter(state: SandboxState): Router {
	const router = Router();
	const wrap = (fn: (s: SandboxState, req: Request, res: Response) => void) => (req: Request, res: Response, next: NextFunction) => {
		try {
			fn(state, req, res);
		} catch (err) {
			next(err);
		}
	};
	router.post('/2/tweets', wrap(createTweet));
	router.get('/2/tweets/:id', wrap(getTweet));
	router.get('/2/users/me', wrap(usersMe));
	router.get('/2/users/:id/tweets', wrap(userTweets));
	return router;
}
