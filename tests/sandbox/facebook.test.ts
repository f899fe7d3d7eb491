/** Contract tests: Facebook Page posts, lookups and insights. */
import { call, PAGE_ID, PAGE_TOKEN, startImageServer, startSandbox, type Started } from './helpers';
import { GRAPH_API_VERSION } from '../../core/channels/api';

let s: Started;
let img: Awaited<ReturnType<typeof startImageServer>>;
beforeAll(async () => {
	img = await startImageServer();
});
afterAll(() => img.close());
beforeEach(async () => {
	s = await startSandbox();
});
afterEach(() => s.running.close());

const post = (edge: string, body: Record<string, unknown>, token = PAGE_TOKEN) =>
	call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PAGE_ID}/${edge}`, { token, body });

test('POST feed (message, link) → {id: page_post}; GET post and page feed find it', async () => {
	const r = await post('feed', { message: 'साइबर ठगी से सावधान! Call 1930.', link: 'https://cybercrime.gov.in' });
	expect(r.status).toBe(200);
	expect(r.body.id).toMatch(new RegExp(`^${PAGE_ID}_\\d+$`));
	const got = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${r.body.id}?fields=message,created_time,permalink_url`, {
		token: PAGE_TOKEN,
	});
	expect(got.body).toMatchObject({ id: r.body.id, message: 'साइबर ठगी से सावधान! Call 1930.' });
	expect(got.body.created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
	const feed = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PAGE_ID}/feed?limit=5`, { token: PAGE_TOKEN });
	expect(feed.body.data[0]).toMatchObject({ id: r.body.id, message: expect.any(String) });
});

test('form-encoded bodies work as on Graph', async () => {
	const r = await call(s.url, 'POST', `/${GRAPH_API_VERSION}/${PAGE_ID}/feed`, {
		form: { message: 'form post', access_token: PAGE_TOKEN },
	});
	expect(r.status).toBe(200);
});

test('feed errors: no message nor link, bad link, bad schedule, wrong token', async () => {
	expect((await post('feed', {})).body.error.code).toBe(100);
	expect((await post('feed', { link: 'not a url' })).body.error.code).toBe(100);
	expect(
		(await post('feed', { message: 'x', published: false, scheduled_publish_time: Math.floor(Date.now() / 1000) + 60 })).body.error.code,
	).toBe(100);
	const scheduled = await post('feed', { message: 'x', published: false, scheduled_publish_time: Math.floor(Date.now() / 1000) + 3600 });
	expect(scheduled.status).toBe(200);
	expect((await post('feed', { message: 'x' }, 'sandbox-token')).body.error).toMatchObject({ code: 100, error_subcode: 33 });
	expect((await post('feed', { message: 'x' }, 'bad')).body.error.code).toBe(190);
});

test('POST photos (url, caption) → {id, post_id}; a URL that is not an image → 324', async () => {
	const r = await post('photos', { url: `${img.url}/ok.jpg`, caption: 'आज का संदेश' });
	expect(r.status).toBe(200);
	expect(r.body).toMatchObject({ id: expect.stringMatching(/^\d+$/), post_id: expect.stringMatching(new RegExp(`^${PAGE_ID}_`)) });
	const got = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${r.body.post_id}`, { token: PAGE_TOKEN });
	expect(got.body.message).toBe('आज का संदेश');
	const bad = await post('photos', { url: `${img.url}/page.html` });
	expect(bad.status).toBe(400);
	expect(bad.body.error.code).toBe(324);
	expect((await post('photos', {})).body.error.code).toBe(324);
});

test('page insights with current metrics; a deprecated name fails the whole call with (#100)', async () => {
	const ok = await call(
		s.url,
		'GET',
		`/${GRAPH_API_VERSION}/${PAGE_ID}/insights?metric=page_media_view,page_total_media_view_unique,page_follows&period=day`,
		{ token: PAGE_TOKEN },
	);
	expect(ok.status).toBe(200);
	expect(ok.body.data.map((d: { name: string }) => d.name)).toEqual(['page_media_view', 'page_total_media_view_unique', 'page_follows']);
	expect(ok.body.data[0]).toMatchObject({
		period: 'day',
		values: [{ value: expect.any(Number), end_time: expect.any(String) }],
		id: `${PAGE_ID}/insights/page_media_view/day`,
	});
	for (const old of ['page_impressions_unique', 'page_impressions', 'page_fans', 'page_engaged_users']) {
		const bad = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PAGE_ID}/insights?metric=page_media_view,${old}`, { token: PAGE_TOKEN });
		expect(bad.status).toBe(400);
		expect(bad.body.error).toMatchObject({
			code: 100,
			message: '(#100) The value must be a valid insights metric',
			type: 'OAuthException',
		});
	}
});

test('post insights: post_media_view yes, post_impressions no', async () => {
	const p = await post('feed', { message: 'insights' });
	const ok = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${p.body.id}/insights?metric=post_media_view,post_total_media_view_unique`, {
		token: PAGE_TOKEN,
	});
	expect(ok.body.data).toHaveLength(2);
	const bad = await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${p.body.id}/insights?metric=post_impressions_unique`, { token: PAGE_TOKEN });
	expect(bad.body.error.code).toBe(100);
});

test('unknown post id → 100/33; unknown edge → 2500', async () => {
	expect((await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PAGE_ID}_999`, { token: PAGE_TOKEN })).body.error).toMatchObject({
		code: 100,
		error_subcode: 33,
	});
	expect((await call(s.url, 'GET', `/${GRAPH_API_VERSION}/${PAGE_ID}/nonsense`, { token: PAGE_TOKEN })).body.error.code).toBe(2500);
});
