/** Error sorting by structured codes (never message text) and rate-limit wait parsing. */
import { HttpPublisherBase } from '../../core/channels/publisher';
import { classifyGraph } from '../../core/channels/social/graph';
import { classifyX } from '../../core/channels/social/x';
import { createPublisher, registeredChannels } from '../../core/channels/social/registry';
import { canonicalJson } from '../../core/social/content';

describe('error classes', () => {
	test('Graph codes and subcodes → actions', () => {
		expect(classifyGraph(190, 463, 401)).toBe('reauthenticate');
		expect(classifyGraph(9, 2207042, 400)).toBe('retry_tomorrow');
		expect(classifyGraph(9004, 2207052, 400)).toBe('fix_content');
		expect(classifyGraph(100, 33, 400)).toBe('configure');
		expect(classifyGraph(100, undefined, 400)).toBe('fix_content');
		expect(classifyGraph(4, undefined, 400)).toBe('retry_soon');
		expect(classifyGraph(80001, undefined, 400)).toBe('retry_soon');
		expect(classifyGraph(368, undefined, 403)).toBe('stop_campaign');
		expect(classifyGraph(230, undefined, 403)).toBe('reauthenticate');
		expect(classifyGraph(undefined, undefined, 503)).toBe('retry_soon');
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

	test('registry: three channels, clear errors for a missing credential or setting', () => {
		expect(registeredChannels()).toEqual(['facebook', 'instagram', 'x']);
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
		expect(canonicalJson({ b: 1, a: { d: '', c: [1, 'x'] } })).toBe(canonicalJson({ a: { c: [1, 'x'] }, b: 1 }));
	});
});
