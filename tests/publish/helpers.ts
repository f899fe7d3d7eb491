/**
 * Plumbing for the publish tests: the sandbox on a real socket, the gateway's media router in a
 * tiny express app, a proxy that makes a post "time out after it was made", content fixtures.
 */
import { GRAPH_API_VERSION } from '../../core/channels/api';
import express from 'express';
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Db } from '../../core/db';
import { mediaRouter } from '../../dashboard/media';
import { INGEST_TICKET_HEADER, issueIngestTicket } from '../../core/publishing/ingest-tickets';
import { errorHandler } from '../../dashboard/app';
import type { SocialCredentials } from '../../core/channels/registry';
import { contentHash } from '../../core/content/hash';
import type { ContentVariants } from '../../core/content/types';
import { MitanError } from '../../core/errors';
import { closeAllPools } from '../../nodes/shared/db';
import { N8nHarness } from '../helpers/n8n';
import { startImageServer, startSandbox, type Started } from '../sandbox/helpers';

export const META = { pageId: '300000000000001', pageToken: 'sandbox-page-token', igUserId: '400000000000001' };
export const X_OAUTH1 = {
	authType: 'oauth1' as const,
	consumerKey: 'sandbox-consumer-key',
	consumerSecret: 'sandbox-consumer-secret',
	accessToken: 'sandbox-access-token',
	accessTokenSecret: 'sandbox-access-secret',
};

export function credsFor(base: string): SocialCredentials {
	return { meta: { ...META, baseUrl: base }, x: { ...X_OAUTH1, baseUrl: base } };
}

export async function listen(server: http.Server): Promise<{ url: string; close(): Promise<void> }> {
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => {
			server.closeAllConnections();
			return new Promise((r) => server.close(() => r()));
		},
	};
}

/**
 * The test image servers listen on 127.0.0.1, which the SSRF guard refuses in production; tests
 * (and only tests) let exactly that address through, by this option's deliberately loud name.
 */
export const TEST_ONLY_LOOPBACK = { unsafeAllowAddressesForTests: ['127.0.0.1'] } as const;

/** The gateway's media routes on a real port (what Instagram's crawler fetches). */
export async function startMediaServer(db: Db, opts: { loopbackImages?: boolean } = {}): Promise<{ url: string; close(): Promise<void> }> {
	const app = express();
	const server = http.createServer(app);
	const running = await listen(server);
	const unsafe = opts.loopbackImages === false ? undefined : TEST_ONLY_LOOPBACK.unsafeAllowAddressesForTests;
	app.use('/media', mediaRouter({ db, publicUrl: running.url, unsafeMediaAddressesForTests: unsafe }));
	app.use(errorHandler);
	return running;
}

/** POST /media/ingest as the Mitan Publish node does it: a one-time ticket first (unless `ticket: false`). */
export async function ingestOverHttp(
	db: Db,
	mediaUrl: string,
	contentId: unknown,
	opts: { ticket?: boolean | string } = {},
): Promise<{ status: number; body: any; ms: number }> {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (typeof opts.ticket === 'string') headers[INGEST_TICKET_HEADER] = opts.ticket;
	else if (opts.ticket !== false && typeof contentId === 'number') headers[INGEST_TICKET_HEADER] = await issueIngestTicket(db, contentId);
	const started = Date.now();
	const res = await fetch(`${mediaUrl}/media/ingest`, { method: 'POST', headers, body: JSON.stringify({ contentId }) });
	const text = await res.text();
	return { status: res.status, body: JSON.parse(text), ms: Date.now() - started };
}

/**
 * Forwards everything to `target`; for the first `count` requests matching `hold`, it waits for
 * the upstream answer (so the post IS made) and then never answers: the client times out.
 */
export async function startBlackholeProxy(
	target: string,
	hold: { match: (method: string, url: string) => boolean; count?: number },
): Promise<{ url: string; held: number; forwarded: string[]; close(): Promise<void> }> {
	let remaining = hold.count ?? 1;
	const state = { held: 0, forwarded: [] as string[] };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			const body = Buffer.concat(chunks);
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
			state.forwarded.push(`${req.method} ${req.url}`);
			const upstream = await fetch(target + req.url, {
				method: req.method,
				headers,
				body: req.method === 'GET' ? undefined : body,
				redirect: 'manual',
			});
			const text = Buffer.from(await upstream.arrayBuffer());
			if (remaining > 0 && hold.match(req.method ?? '', req.url ?? '')) {
				remaining--;
				state.held++;
				return; // the post happened upstream; the answer never comes back
			}
			const out: Record<string, string> = {};
			upstream.headers.forEach((v, k) => {
				if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive') out[k] = v;
			});
			res.writeHead(upstream.status, out).end(text);
		});
	});
	const running = await listen(server);
	return {
		url: running.url,
		get held() {
			return state.held;
		},
		forwarded: state.forwarded,
		close: running.close,
	};
}

let seq = 0;

/** An approved content row, as the approval flow leaves it (its hash is the real content hash). */
export async function insertContent(
	db: Db,
	c: { bodyHi?: string; bodyEn?: string; imageUrl?: string | null; variants?: ContentVariants; state?: string; approved?: boolean } = {},
): Promise<number> {
	seq++;
	const draft = {
		title: `test ${seq}`,
		bodyHi: c.bodyHi ?? `साइबर ठगी से बचें: कोई भी बैंक अधिकारी OTP नहीं माँगता। मदद के लिए 1930 पर कॉल करें। (${seq}-${Date.now()})`,
		bodyEn: c.bodyEn ?? `Beware of cyber fraud: no bank official asks for your OTP. Call 1930 for help. (${seq}-${Date.now()})`,
		imageUrl: c.imageUrl ?? null,
		category: 'cyber_fraud' as const,
		targetDate: null,
		variants: c.variants ?? {},
	};
	const hash = contentHash(draft);
	const [row] = await db.query<{ id: number }>(
		`INSERT INTO content (title, body_hi, body_en, image_url, category, variants, state, content_hash, approved_hash)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) RETURNING id`,
		[
			draft.title,
			draft.bodyHi,
			draft.bodyEn,
			draft.imageUrl,
			draft.category,
			JSON.stringify(draft.variants),
			c.state ?? 'approved',
			hash,
			c.approved === false ? null : hash,
		],
	);
	return row.id;
}

/** A unique suffix so X's duplicate-text check never trips across tests. */
export function uniq(): string {
	return `#${Date.now().toString(36)}${(++seq).toString(36)}`;
}

/** The MitanError a promise rejects with (anything else fails the test). */
export async function rejected(p: Promise<unknown>): Promise<MitanError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof MitanError) return e;
		throw e;
	}
	throw new Error('expected a MitanError');
}

export const PUBLISH_NODE_CREDENTIALS = {
	mitanDatabaseApi: { id: '1', name: 'db' },
	mitanMetaApi: { id: '2', name: 'meta' },
	mitanXApi: { id: '3', name: 'x' },
};

export interface PublishEnvironment {
	sb: Started;
	images: Awaited<ReturnType<typeof startImageServer>>;
	media: Awaited<ReturnType<typeof startMediaServer>>;
	/** n8n-core with the Mitan Database, Meta and X credentials pointing at this database and the sandbox. */
	h: N8nHarness;
}

/** The sandbox, an image host, the gateway's media routes and an n8n harness, for one describe block. */
export function usePublishEnvironment(ctx: { readonly db: Db; readonly t: { url: string } }): PublishEnvironment {
	const env = {} as PublishEnvironment;
	beforeAll(async () => {
		env.sb = await startSandbox({ instagram: { containerProcessingMs: 100 } });
		env.images = await startImageServer();
		env.media = await startMediaServer(ctx.db);
		env.h = new N8nHarness({
			credentials: {
				mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url },
				mitanMetaApi: { ...META, graphVersion: GRAPH_API_VERSION, baseUrl: env.sb.url },
				mitanXApi: { ...X_OAUTH1, baseUrl: env.sb.url },
			},
		});
	});
	afterAll(async () => {
		await closeAllPools();
		await env.media.close();
		await env.images.close();
		await env.sb.running.close();
	});
	return env;
}
