/** Contract tests: Instagram containers (with Meta's media fetch), publish, quota, insights. */
import { call, IG_ID, PAGE_TOKEN, startImageServer, startSandbox, type Started } from './helpers';
import { GRAPH_API_VERSION } from '../../core/channels/api';
import { until } from '../helpers/wait';

let s: Started;
let img: Awaited<ReturnType<typeof startImageServer>>;
beforeAll(async () => {
	img = await startImageServer();
});
afterAll(() => img.close());
beforeEach(async () => {
	s = await startSandbox({ instagram: { containerProcessingMs: 150 } });
});
afterEach(() => s.running.close());

const create = (imageUrl: string) =>
	call(s.url, 'POST', `/${GRAPH_API_VERSION}/${IG_ID}/media`, {
		token: PAGE_TOKEN,
		body: { image_url: imageUrl, caption: 'सावधान रहें #CyberSafety' },
	});
const status = (id: string) => call(s.url, 'GET', `/${GRAPH_API_VERSION}/${id}?fields=status_code,status`, { token: PAGE_TOKEN });
const publish = (id: string) =>
	call(s.url, 'POST', `/${GRAPH_API_VERSION}/${IG_ID}/media_publish`, { token: PAGE_TOKEN, body: { creation_id: id } });

test('container: image fetched, IN_PROGRESS then FINISHED; publish → media id; PUBLISHED', async () => {
	const c = await create(`${img.url}/ok.jpg`);
	expect(c.status).toBe(200);
	expect(c.body.id).toMatch(/^\d+$/);
	expect(img.hits).toContain('/ok.jpg');
	expect((await status(c.body.id)).body).toMatchObject({ id: c.body.id, status_code: 'IN_PROGRESS' });
	const early = await publish(c.body.id);
	expect(early.status).toBe(400);
	expect(early.body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
	// The sandbox finishes a container after its processing delay, as Meta does: wait for it.
	await until(async () => (await status(c.body.id)).body.status_code === 'FINISHED', { what: 'the container to finish' });
	const p = await publish(c.body.id);
	expect(p.status).toBe(200);
	expect(p.body.id).toMatch(/^\d+$/);
	expect((await status(c.body.id)).body.status_code).toBe('PUBLISHED');
	const media = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${p.body.id}?fields=caption,media_type,permalink,timestamp`, {
		token: PAGE_TOKEN,
	});
	expect(media.body).toMatchObject({ id: p.body.id, caption: 'सावधान रहें #CyberSafety', media_type: 'IMAGE' });
});

test.each([
	['unreachable (404)', '/missing.jpg'],
	['HTML instead of an image', '/page.html'],
	['PNG (not JPEG)', '/img.png'],
	['PNG bytes behind a .jpg name', '/png-named.jpg'],
	['a redirect', '/redirect.jpg'],
])('image_url %s → 9004 / 2207052', async (_name, path) => {
	const r = await create(`${img.url}${path}`);
	expect(r.status).toBe(400);
	expect(r.body.error).toMatchObject({
		code: 9004,
		error_subcode: 2207052,
		type: 'OAuthException',
		error_user_title: 'Media download has failed.',
	});
});

test('image_url on a closed port → 9004 / 2207052; unsupported aspect ratio → 36003', async () => {
	const closed = await create('http://127.0.0.1:1/x.jpg');
	expect(closed.body.error).toMatchObject({ code: 9004, error_subcode: 2207052 });
	const wide = await create(`${img.url}/wide.jpg`);
	expect(wide.body.error).toMatchObject({ code: 36003, error_subcode: 2207009 });
	expect((await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${IG_ID}/media`, { token: PAGE_TOKEN, body: {} })).body.error.code).toBe(100);
});

test('content_publishing_limit and the quota (code 9 / 2207042)', async () => {
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { instagram: { publishQuotaTotal: 1, containerProcessingMs: 0 } } });
	const a = await create(`${img.url}/ok.jpg`);
	const b = await create(`${img.url}/ok.jpg`);
	expect((await publish(a.body.id)).status).toBe(200);
	const limit = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${IG_ID}/content_publishing_limit?fields=quota_usage,config`, {
		token: PAGE_TOKEN,
	});
	expect(limit.body).toEqual({ data: [{ quota_usage: 1, config: { quota_total: 1, quota_duration: 86400 } }] });
	const over = await publish(b.body.id);
	expect(over.body.error).toMatchObject({ code: 9, error_subcode: 2207042 });
	// The window moves: a day later there is room again.
	await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 86_400_000 - 1000 } });
	expect((await publish(b.body.id)).body.error.error_subcode).toBe(2207042);
	await call(s.url, 'POST', '/_sandbox/clock', { body: { advanceMs: 2000 } });
	// b has expired (24 h) by now: Meta refuses an expired container.
	expect((await publish(b.body.id)).body.error).toMatchObject({ code: 9007, error_subcode: 2207008 });
});

test('unknown creation_id → 24 / 2207006', async () => {
	expect((await publish('123')).body.error).toMatchObject({ code: 24, error_subcode: 2207006 });
});

test('insights: views and reach served, impressions refused (100)', async () => {
	await call(s.url, 'PATCH', '/_sandbox/config', { body: { instagram: { containerProcessingMs: 0 } } });
	const c = await create(`${img.url}/ok.jpg`);
	const m = await publish(c.body.id);
	const ok = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${m.body.id}/insights?metric=views,reach`, { token: PAGE_TOKEN });
	expect(ok.body.data.map((d: { name: string }) => d.name)).toEqual(['views', 'reach']);
	expect(ok.body.data[0].values[0].value).toEqual(expect.any(Number));
	const bad = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${m.body.id}/insights?metric=views,impressions`, { token: PAGE_TOKEN });
	expect(bad.status).toBe(400);
	expect(bad.body.error.code).toBe(100);
	const account = await call(
		s.url,
		'GET',
		`/${GRAPH_API_VERSION}/${IG_ID}/insights?metric=views,reach&period=day&metric_type=total_value`,
		{
			token: PAGE_TOKEN,
		},
	);
	expect(account.body.data[0]).toMatchObject({ name: 'views', total_value: { value: expect.any(Number) } });
	const noType = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${IG_ID}/insights?metric=views&period=day`, { token: PAGE_TOKEN });
	expect(noType.body.error.code).toBe(100);
	const accImpr = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${IG_ID}/insights?metric=impressions&period=day`, { token: PAGE_TOKEN });
	expect(accImpr.body.error.code).toBe(100);
});

test('token checks: WhatsApp token cannot touch the IG user; bad token → 190', async () => {
	expect(
		(await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${IG_ID}?fields=username`, { token: 'sandbox-token' })).body.error.error_subcode,
	).toBe(33);
	expect((await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${IG_ID}?fields=username`, { token: 'zzz' })).body.error.code).toBe(190);
	expect((await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${IG_ID}?fields=username`, { token: PAGE_TOKEN })).body).toEqual({
		username: 'police_mitan_sandbox',
		id: IG_ID,
	});
});
