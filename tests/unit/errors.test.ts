import * as fs from 'fs';
import * as path from 'path';
import { ERROR_CODES, httpErrorOf, httpStatusOf, isErrorAction, MitanError, remoteErrorCode, type CatalogueCode } from '../../core/errors';

describe('the error catalogue (core/error-codes.ts)', () => {
	test('every code is UPPER_SNAKE_CASE with a known action and, if given, an HTTP error status', () => {
		for (const [code, spec] of Object.entries(ERROR_CODES)) {
			expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
			expect(isErrorAction(spec.action)).toBe(true);
			const status = (spec as { status?: number }).status;
			if (status !== undefined) expect(status >= 400 && status <= 599).toBe(true);
		}
	});

	test('the action of a catalogued error is the catalogue’s', () => {
		const e = new MitanError('CONTENT_NOT_APPROVED', 'content 3 is pending');
		expect(e).toMatchObject({
			code: 'CONTENT_NOT_APPROVED',
			action: ERROR_CODES.CONTENT_NOT_APPROVED.action,
			message: 'content 3 is pending',
		});
		expect(e.toJSON()).toEqual({ code: 'CONTENT_NOT_APPROVED', message: 'content 3 is pending', action: 'fix_input' });
	});

	test('a remote API code is prefixed and upper-cased; its action is the caller’s (that API’s table)', () => {
		expect(remoteErrorCode('x', 429, 'usage-capped')).toBe('X_429_USAGE_CAPPED');
		expect(remoteErrorCode('facebook', 100, undefined)).toBe('FACEBOOK_100');
		expect(remoteErrorCode('WHATSAPP', 'HTTP', 502)).toBe('WHATSAPP_HTTP_502');
		const e = new MitanError(remoteErrorCode('whatsapp', 131026), 'undeliverable', { metaCode: 131026 }, 'drop_recipient');
		expect(e).toMatchObject({ code: 'WHATSAPP_131026', action: 'drop_recipient' });
	});

	test('an error rebuilt from data keeps a known code, and an unknown one falls back without losing it', () => {
		expect(
			MitanError.from({ code: 'CONTENT_NOT_FOUND', message: 'no content 9', action: 'retry_soon' }, 'MEDIA_GATEWAY_FAILED'),
		).toMatchObject({
			code: 'CONTENT_NOT_FOUND',
			action: 'fix_input', // the catalogue's, not the one that came with the data
		});
		expect(MitanError.from({ code: 'WHATSAPP_132001', message: 'template', action: 'fix_content' }, 'NOTIFY_FAILED')).toMatchObject({
			code: 'WHATSAPP_132001',
			action: 'fix_content',
		});
		const unknown = MitanError.from({ code: 'something_else', message: 'odd' }, 'NOTIFY_FAILED', { details: { to: 'x' } });
		expect(unknown).toMatchObject({ code: 'NOTIFY_FAILED', action: 'retry_soon', details: { originalCode: 'something_else', to: 'x' } });
		expect(MitanError.from(undefined, 'SOCIAL_CONTENT_INVALID', { message: 'two problems' })).toMatchObject({
			code: 'SOCIAL_CONTENT_INVALID',
			message: 'two problems',
		});
	});
});

describe('httpStatusOf: one status per error, on every URL', () => {
	const cases: [CatalogueCode, number][] = [
		['CONTENT_NOT_FOUND', 404],
		['APPROVAL_NOT_FOUND', 404],
		['COMMENT_REQUIRED', 400],
		['CONTENT_INVALID', 422], // fix_content: 422 (the web router answered 500 before)
		['APPROVAL_ALREADY_DECIDED', 409],
		['APPROVAL_HASH_MISMATCH', 409],
		['APPROVAL_VOID', 409],
		['CONTENT_TAMPERED', 409],
		['CONTENT_CHANGED', 409],
		['AUTH_FORBIDDEN', 403],
		['CSRF_FAILED', 403],
		['AUTH_RATE_LIMITED', 429],
		['AUTH_BAD_CREDENTIALS', 401],
		['AUTH_REQUIRED', 401],
		['GATEWAY_BUSY', 503], // retry_soon (the web router answered 500 before)
		['GATEWAY_NOT_CONFIGURED', 500],
		['SIGNATURE_INVALID', 401],
		['VERIFY_TOKEN_MISMATCH', 403],
		['BODY_TOO_LARGE', 413],
		['BROADCAST_RACE', 500],
	];
	test.each(cases)('%s → %i', (code, status) => {
		expect(httpStatusOf(new MitanError(code, 'x'))).toBe(status);
	});

	test('a remote code answers by its action', () => {
		expect(httpStatusOf(new MitanError('WHATSAPP_190', 'token', undefined, 'reauthenticate'))).toBe(401);
		expect(httpStatusOf(new MitanError('X_429', 'slow down', undefined, 'retry_soon'))).toBe(503);
	});

	test('errors that are not ours: a body parser’s 4xx is kept and named, anything else is a 500 that says nothing', () => {
		const big = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
		expect(httpErrorOf(big)).toEqual({
			status: 413,
			body: { error: expect.objectContaining({ code: 'BODY_TOO_LARGE', action: 'fix_input' }) },
		});
		const unparsable = Object.assign(new SyntaxError('Unexpected token } in JSON'), { status: 400, type: 'entity.parse.failed' });
		expect(httpErrorOf(unparsable)).toMatchObject({
			status: 400,
			body: { error: { code: 'BODY_UNREADABLE', message: 'Unexpected token } in JSON' } },
		});
		const crash = new TypeError('cannot read properties of undefined (secret detail)');
		expect(httpErrorOf(crash)).toEqual({
			status: 500,
			body: { error: { code: 'INTERNAL', message: 'internal error', action: 'report_bug' } },
		});
		expect(httpStatusOf(Object.assign(new Error('upstream'), { status: 502 }))).toBe(500);
	});
});

describe('no plain Error in production code', () => {
	// bench/ is not production.
	const roots = ['core', 'dashboard', 'nodes', 'cli', 'credentials'];
	const exempt: string[] = [];
	const files: string[] = [];
	const walk = (dir: string): void => {
		for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else if (p.endsWith('.ts')) files.push(p);
		}
	};
	const repo = path.join(__dirname, '..', '..');
	for (const r of roots) walk(path.join(repo, r));

	test('every thrown error is a MitanError with a catalogued code', () => {
		const offenders = files
			.filter((f) => !exempt.some((x) => path.relative(repo, f).startsWith(x)))
			.flatMap((f) =>
				fs
					.readFileSync(f, 'utf8')
					.split('\n')
					.map((line, i) => ({ line, at: `${path.relative(repo, f)}:${i + 1}` }))
					.filter(({ line }) => /throw new (Error|TypeError|RangeError)\(/.test(line)),
			)
			.map((o) => o.at);
		expect(offenders).toEqual([]);
	});
});
