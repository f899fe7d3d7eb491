/**
 * Issue 18 finding 4: POST /media/ingest made the gateway fetch for anyone. Each test here is an
 * attack from the security review, over real sockets: an anonymous caller, redirects and names
 * that lead inside, a body that never ends, a URL that keeps failing, a huge id. The image
 * servers listen on 127.0.0.1; only the servers started with TEST_ONLY_LOOPBACK may reach it, and
 * the "production default" server below may not.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { isPublicAddress } from '../../core/net/public-fetch';
import { issueIngestTicket } from '../../core/publishing/ingest-tickets';
import { describeEachEngine } from '../helpers/db';
import { startImageServer } from '../sandbox/helpers';
import { ingestOverHttp, insertContent, startMediaServer } from './helpers';

/** An "internal service" on another loopback address: it must never see a request. */
async function startInternal(host: string): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
	const hits: string[] = [];
	const server = http.createServer((req, res) => {
		hits.push(req.url ?? '');
		res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"/>');
	});
	await new Promise<void>((r) => server.listen(0, host, () => r()));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		hits,
		close: () => new Promise((r) => server.close(() => r())),
	};
}

describeEachEngine('media ingest: authentication and SSRF guard', (ctx) => {
	let media: Awaited<ReturnType<typeof startMediaServer>>;
	let production: Awaited<ReturnType<typeof startMediaServer>>;
	let images: Awaited<ReturnType<typeof startImageServer>>;
	let internal: Awaited<ReturnType<typeof startInternal>>;
	beforeAll(async () => {
		media = await startMediaServer(ctx.db);
		production = await startMediaServer(ctx.db, { loopbackImages: false });
		images = await startImageServer();
		internal = await startInternal('127.0.0.2');
	});
	afterAll(async () => {
		await internal.close();
		await images.close();
		await production.close();
		await media.close();
	});

	test('without a valid one-time ticket every id gets the same 401, before anything is looked up or fetched', async () => {
		const approved = await insertContent(ctx.db, { imageUrl: `${images.url}/ok.jpg?anon` });
		const pending = await insertContent(ctx.db, { imageUrl: `${images.url}/ok.jpg?p`, state: 'pending', approved: false });
		const noImage = await insertContent(ctx.db);
		const answers = [];
		for (const id of [approved, pending, noImage, 987654321]) answers.push(await ingestOverHttp(ctx.db, media.url, id, { ticket: false }));
		answers.push(await ingestOverHttp(ctx.db, media.url, approved, { ticket: 'x'.repeat(43) }));
		// A ticket is bound to its content and used once.
		const other = await issueIngestTicket(ctx.db, noImage);
		answers.push(await ingestOverHttp(ctx.db, media.url, approved, { ticket: other }));
		for (const a of answers) {
			expect(a.status).toBe(401);
			expect(a.body).toEqual(answers[0].body);
		}
		expect(answers[0].body.error.code).toBe('MEDIA_INGEST_UNAUTHORIZED');
		expect(images.hits.filter((h) => h.includes('anon'))).toEqual([]);

		const ticket = await issueIngestTicket(ctx.db, approved);
		expect((await ingestOverHttp(ctx.db, media.url, approved, { ticket })).status).toBe(200);
		expect((await ingestOverHttp(ctx.db, media.url, approved, { ticket })).status).toBe(401);
	});

	test('huge or malformed ids are 400, not 500', async () => {
		for (const id of [1e20, '99999999999999999999', -1, 1.5, 'abc'])
			expect([id, (await ingestOverHttp(ctx.db, media.url, id, { ticket: false })).status]).toEqual([id, 400]);
	});

	test('the production default refuses loopback by literal address and by name (after DNS), and fetches nothing', async () => {
		for (const url of [`${images.url}/ok.jpg?literal`, images.url.replace('127.0.0.1', 'localhost') + '/ok.jpg?byname']) {
			const id = await insertContent(ctx.db, { imageUrl: url });
			const r = await ingestOverHttp(ctx.db, production.url, id);
			expect([url, r.status, r.body.error.code]).toEqual([url, 422, 'IMAGE_UNREACHABLE']);
			expect(r.body.error.message).toContain('not a public address');
		}
		expect(images.hits.filter((h) => h.includes('literal') || h.includes('byname'))).toEqual([]);
	});

	test('a redirect to an internal address is refused at that hop: the internal service never sees a request', async () => {
		const targets = [
			`${internal.url}/internal-only`,
			'http://169.254.169.254/latest/meta-data/',
			'http://[::1]:9/x',
			'http://10.0.0.1/x',
			`${internal.url.replace('127.0.0.2', '0x7f000002')}/hex`,
		];
		for (const target of targets) {
			const id = await insertContent(ctx.db, { imageUrl: `${images.url}/redirect-to?u=${encodeURIComponent(target)}` });
			const r = await ingestOverHttp(ctx.db, media.url, id);
			expect([target, r.status, r.body.error.code]).toEqual([target, 422, 'IMAGE_UNREACHABLE']);
			expect(r.body.error.message).toContain('not a public address');
		}
		expect(internal.hits).toEqual([]);
		// The guard itself: every internal range, v4 and v6 (mapped forms included).
		for (const a of [
			'127.0.0.1',
			'10.1.2.3',
			'172.16.0.1',
			'192.168.1.1',
			'169.254.169.254',
			'100.64.0.1',
			'0.0.0.0',
			'::1',
			'fe80::1',
			'fd00::1',
			'::ffff:127.0.0.1',
			'::',
		])
			expect([a, isPublicAddress(a)]).toEqual([a, false]);
		for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
	});

	test('a body without content-length is cut at the size limit while it streams', async () => {
		const id = await insertContent(ctx.db, { imageUrl: `${images.url}/endless.jpg` });
		const r = await ingestOverHttp(ctx.db, media.url, id);
		expect([r.status, r.body.error.code]).toEqual([422, 'IMAGE_TOO_LARGE']);
		// The server got a hang-up long before its 64 MB (the limit is 30 MB plus socket buffers).
		expect(images.streamed.bytes).toBeLessThan(48 * 1024 * 1024);
	});

	test('a failing URL is not fetched again while it backs off; the answer says until when', async () => {
		const id = await insertContent(ctx.db, { imageUrl: `${images.url}/missing.jpg?backoff` });
		const first = await ingestOverHttp(ctx.db, media.url, id);
		const second = await ingestOverHttp(ctx.db, media.url, id);
		expect([first.status, first.body.error.code]).toEqual([422, 'IMAGE_UNREACHABLE']);
		expect([second.status, second.body.error.code]).toEqual([422, 'IMAGE_UNREACHABLE']);
		expect(second.body.error.details.retryAt).toEqual(expect.any(String));
		expect(images.hits.filter((h) => h.includes('backoff'))).toHaveLength(1);
	});
});
