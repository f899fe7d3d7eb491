/** Error sorting by structured codes (never message text) and rate-limit wait parsing. */
import { HttpPublisherBase } from '../../core/channels/publisher';
import { classifyGraph, graphActionMap, graphErrorCode, parseGraphErrorBody } from '../../core/channels/graph/errors';
import { neverReachedServer } from '../../core/channels/network';
import { allChannels, createPublisher, postChannels } from '../../core/channels/registry';
import { classifyX } from '../../core/channels/x';
import { canonicalJson } from '../../core/content/hash';
import { POST_CHANNEL_OPTIONS } from '../../nodes/shared/channels';

describe('error classes', () => {
	test('Graph codes and subcodes → actions (Pages / Instagram)', () => {
		expect(classifyGraph('pages', 190, 463, 401)).toBe('reauthenticate');
		expect(classifyGraph('pages', 9, 2207042, 400)).toBe('retry_tomorrow');
		expect(classifyGraph('pages', 9004, 2207052, 400)).toBe('fix_content');
		expect(classifyGraph('pages', 100, 33, 400)).toBe('configure');
		expect(classifyGraph('pages', 100, undefined, 400)).toBe('fix_content');
		expect(classifyGraph('pages', 4, undefined, 400)).toBe('retry_soon');
		expect(classifyGraph('pages', 80001, undefined, 400)).toBe('retry_soon');
		expect(classifyGraph('pages', 368, undefined, 403)).toBe('stop_campaign');
		expect(classifyGraph('pages', 230, undefined, 403)).toBe('reauthenticate');
		expect(classifyGraph('pages', undefined, undefined, 503)).toBe('retry_soon');
	});

	test("one table: Graph's own codes mean the same for WhatsApp and Pages; each product adds only its own", () => {
		for (const code of [0, 1, 2, 4, 10, 17, 32, 100, 102, 104, 190, 368, 613])
			expect([code, classifyGraph('whatsapp', code, undefined, 400)]).toEqual([code, classifyGraph('pages', code, undefined, 400)]);
		// Where the products really differ: WhatsApp's own codes mean nothing on a page, and back.
		expect(classifyGraph('whatsapp', 131026, undefined, 400)).toBe('drop_recipient');
		expect(classifyGraph('pages', 131026, undefined, 400)).toBe('fix_content');
		expect(classifyGraph('pages', 9, undefined, 400)).toBe('retry_tomorrow');
		expect(classifyGraph('whatsapp', 9, undefined, 400)).toBe('fix_content');
		// The same fallbacks for both: permission family, then the HTTP status class.
		for (const product of ['whatsapp', 'pages'] as const) {
			expect(classifyGraph(product, 299, undefined, 400)).toBe('reauthenticate');
			expect(classifyGraph(product, 999999, undefined, 401)).toBe('reauthenticate');
			expect(classifyGraph(product, 999999, undefined, 429)).toBe('retry_soon');
			expect(classifyGraph(product, 999999, undefined, 502)).toBe('retry_soon');
			expect(classifyGraph(product, 999999, undefined, 400)).toBe('fix_content');
			expect(classifyGraph(product, undefined, undefined, undefined)).toBe('retry_soon');
		}
		expect(graphActionMap('whatsapp')[131050]).toBe('drop_recipient');
		expect(graphActionMap('whatsapp')[190]).toBe('reauthenticate');
	});

	test('one Graph error-body parser; codes are UPPER_SNAKE_CASE; the message text never decides', () => {
		const f = parseGraphErrorBody({
			error: { code: '132001', error_subcode: 2494010, message: 'Rate limit hit', error_data: { details: 'no template' }, fbtrace_id: 'T' },
		});
		expect(f).toMatchObject({ code: 132001, subcode: 2494010, details: 'no template', fbtraceId: 'T' });
		expect(parseGraphErrorBody('<html>')).toEqual(expect.objectContaining({ code: undefined, subcode: undefined }));
		expect(graphErrorCode('instagram', { code: 9004, subcode: 2207052 }, 400)).toBe('INSTAGRAM_9004_2207052');
		expect(graphErrorCode('facebook', {}, 502)).toBe('FACEBOOK_HTTP_502');
		expect(graphErrorCode('whatsapp', {})).toBe('WHATSAPP_NETWORK');
	});

	test('one "never reached the server" rule for node:http and fetch', () => {
		expect(neverReachedServer({ code: 'ECONNREFUSED' })).toBe(true);
		expect(neverReachedServer({ code: 'ENOTFOUND', requestWritten: true })).toBe(true);
		expect(neverReachedServer({ code: 'ECONNRESET', requestWritten: false })).toBe(true);
		expect(neverReachedServer({ code: 'ECONNRESET', requestWritten: true })).toBe(false);
		expect(neverReachedServer({})).toBe(false); // fetch timed out: it may have arrived
	});

	test('X status + problem type → actions', () => {
		expect(classifyX(401, 'about:blank')).toBe('reauthenticate');
		expect(classifyX(429, 'https://api.twitter.com/2/problems/usage-capped')).toBe('retry_tomorrow');
		expect(classifyX(429, undefined)).toBe('retry_soon');
		expect(classifyX(403, 'https://api.twitter.com/2/problems/unsupported-authentication')).toBe('configure');
		expect(classifyX(403, 'about:blank')).toBe('fix_content');
		expect(classifyX(400, 'https://api.twitter.com/2/problems/invalid-request')).toBe('fix_content');
		expect(classifyX(503, undefined)).toBe('retry_soon');
	});

	test('rate-limit waits: Retry-After seconds or date, else x-rate-limit-reset', () => {
		const now = Date.parse('2026-03-01T10:00:00Z');
		expect(HttpPublisherBase.rateLimitWaitMs(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
		expect(HttpPublisherBase.rateLimitWaitMs(new Headers({ 'retry-after': 'Sun, 01 Mar 2026 10:00:30 GMT' }), now)).toBe(30_000);
		expect(HttpPublisherBase.rateLimitWaitMs(new Headers({ 'x-rate-limit-reset': String(now / 1000 + 90) }), now)).toBe(90_000);
		expect(HttpPublisherBase.rateLimitWaitMs(new Headers({}), now)).toBeUndefined();
	});

	test('registry: four channels, three that post; clear errors for a missing credential or setting', () => {
		expect(allChannels()).toEqual(['whatsapp', 'facebook', 'instagram', 'x']);
		expect(postChannels()).toEqual(['facebook', 'instagram', 'x']);
		expect(POST_CHANNEL_OPTIONS.map((o) => o.value)).toEqual(postChannels()); // the nodes' "Channels" list follows the registry
		expect(() => createPublisher('whatsapp' as never, {})).toThrow(expect.objectContaining({ code: 'SOCIAL_UNKNOWN_CHANNEL' }));
		expect(() => createPublisher('x', {})).toThrow(expect.objectContaining({ code: 'SOCIAL_CREDENTIAL_MISSING', action: 'configure' }));
		expect(() => createPublisher('facebook', { meta: { pageToken: '' } })).toThrow(expect.objectContaining({ code: 'META_TOKEN_MISSING' }));
		expect(() => createPublisher('x', { x: { consumerKey: 'k' } })).toThrow(
			expect.objectContaining({
				code: 'X_CREDENTIAL_INCOMPLETE',
				details: { fields: ['consumerSecret', 'accessToken', 'accessTokenSecret'] },
			}),
		);
		expect(() => createPublisher('x', { x: { authType: 'oauth2' } })).toThrow(expect.objectContaining({ code: 'X_TOKEN_MISSING' }));
	});

	test('canonical JSON ignores key order and empty fields', () => {
		const o = { dropEmptyStrings: true };
		expect(canonicalJson({ b: 1, a: { d: '', c: [1, 'x'] } }, o)).toBe(canonicalJson({ a: { c: [1, 'x'] }, b: 1 }, o));
	});
});
