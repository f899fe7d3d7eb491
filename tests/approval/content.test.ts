import { channelRules } from '../../core/channels/registry';
import { canTransition, contentHash, nextState, validateDraft, type ContentDraft } from '../../core/content';
import { renderDecisionPage, buildPreview } from '../../core/approvals';
import { draft } from './fixtures';

const valid = (): ContentDraft => validateDraft(draft());
const xWeightedLength = (s: string) => channelRules('x').length(s);
const problems = (input: unknown): string[] => {
	try {
		validateDraft(input);
	} catch (e) {
		return ((e as { details: { problems: { field: string; message: string }[] } }).details.problems ?? []).map(
			(p) => `${p.field}: ${p.message}`,
		);
	}
	return [];
};

describe('content hash', () => {
	test('same content, any key order or Unicode form → same hash; any visible change → new hash', () => {
		const d = valid();
		const h = contentHash(d);
		expect(h).toMatch(/^[0-9a-f]{64}$/);
		const reordered = JSON.parse(
			JSON.stringify({
				variants: d.variants,
				category: d.category,
				bodyEn: d.bodyEn,
				bodyHi: d.bodyHi,
				title: d.title,
				imageUrl: d.imageUrl,
				targetDate: d.targetDate,
			}),
		);
		expect(contentHash(reordered)).toBe(h);
		// "क़" as one code point vs "क" + nukta: the same letter on screen.
		expect(contentHash({ ...d, bodyHi: d.bodyHi + ' \u0958' })).toBe(contentHash({ ...d, bodyHi: d.bodyHi + ' \u0915\u093C' }));
		const changes: Partial<ContentDraft>[] = [
			{ title: d.title + '!' },
			{ bodyHi: d.bodyHi + '।' },
			{ bodyEn: d.bodyEn + '.' },
			{ imageUrl: 'https://example.org/other.jpg' },
			{ imageUrl: null },
			{ category: 'traffic' },
			{ targetDate: '2026-12-02' },
			{ variants: { ...d.variants, x: { text: 'other' } } },
			{ variants: { ...d.variants, whatsapp: { templates: { hi: { ...d.variants!.whatsapp!.templates.hi!, params: ['बदला हुआ'] } } } } },
			{ variants: { ...d.variants, facebook: { text: d.variants!.facebook!.text } } },
		];
		const hashes = changes.map((c) => contentHash({ ...d, ...c }));
		for (const x of hashes) expect(x).not.toBe(h);
		expect(new Set(hashes).size).toBe(hashes.length);
	});
});

describe('content validation', () => {
	test('a good draft passes and is trimmed / NFC-normalised', () => {
		// U+0958 is a composition exclusion: NFC writes it as क + nukta.
		const d = validateDraft(draft({ title: '  Title  ', bodyHi: '\u0958' }));
		expect(d.title).toBe('Title');
		expect(d.bodyHi).toBe('\u0915\u093C');
	});

	test('X: 280 weighted characters counted by twitter-text (Hindi per code point, URL 23)', () => {
		const hindi = 'क'.repeat(280);
		expect(xWeightedLength(hindi)).toBe(280);
		expect(problems(draft({ variants: { x: { text: hindi } } }))).toEqual([]);
		expect(problems(draft({ variants: { x: { text: hindi + 'ि' } } }))).toEqual([
			expect.stringMatching(/^variants\.x\.text: is 281 weighted characters on X; at most 280/),
		]);
		const url = `https://example.org/${'a'.repeat(200)}`;
		expect(xWeightedLength(`${'a'.repeat(256)} ${url}`)).toBe(280);
		expect(problems(draft({ variants: { x: { text: '😀'.repeat(141) } } }))).toEqual([expect.stringMatching(/282 weighted/)]);
	});

	test('Instagram 2,200 characters and 30 hashtags; WhatsApp parameters on one line', () => {
		expect(problems(draft({ variants: { instagram: { caption: 'अ'.repeat(2200) } } }))).toEqual([]);
		expect(problems(draft({ variants: { instagram: { caption: 'अ'.repeat(2201) } } }))).toEqual([
			expect.stringMatching(/^variants\.instagram\.caption: is 2201 characters; Instagram allows 2,200/),
		]);
		expect(problems(draft({ variants: { instagram: { caption: Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ') } } }))).toEqual([
			expect.stringMatching(/^variants\.instagram\.caption: has 31 hashtags; Instagram allows at most 30/),
		]);
		expect(
			problems(
				draft({
					variants: {
						whatsapp: { templates: { hi: { name: 'daily_awareness', language: 'hi', params: ['line one\nline two', 'a     b', ''] } } },
					},
				}),
			),
		).toEqual([
			expect.stringMatching(
				/^variants\.whatsapp\.templates\.hi\.params\[0\]: contains a new line or tab; WhatsApp template parameters must be one line/,
			),
			expect.stringMatching(/^variants\.whatsapp\.templates\.hi\.params\[1\]: contains more than 4 spaces in a row; WhatsApp refuses it/),
			expect.stringMatching(
				/^variants\.whatsapp\.templates\.hi\.params\[2\]: must be non-empty text \(WhatsApp rejects empty parameters\)/,
			),
		]);
	});

	test('every problem is reported at once, with its field', () => {
		const p = problems({
			title: '',
			bodyHi: 12,
			category: 'gossip',
			targetDate: '2026-02-30',
			imageUrl: 'ftp://x',
			extra: 1,
			variants: {
				x: {},
				tiktok: {},
				whatsapp: { templates: { hi: { name: 'Bad Name', language: 'hindi' } } },
				facebook: { text: 'ok', link: 'nope' },
			},
		});
		expect(p).toEqual(
			expect.arrayContaining([
				'content.extra: is not a known field (known: title, bodyHi, bodyEn, imageUrl, category, targetDate, variants, channels)',
				'title: is required',
				'bodyHi: must be text, got number',
				'bodyEn: is required',
				'imageUrl: "ftp://x" is not an http(s) URL',
				'category: "gossip" is not a category (one of cyber_fraud, women_safety, child_safety, traffic, other)',
				'targetDate: "2026-02-30" is not a date (YYYY-MM-DD)',
				'variants.tiktok: is not a known field (known: whatsapp, facebook, instagram, x)',
				'variants.x.text: is required',
				expect.stringMatching(/^variants\.whatsapp\.templates\.hi\.name: "Bad Name" is not a WhatsApp template name/),
				expect.stringMatching(
					/^variants\.whatsapp\.templates\.hi\.language: "hindi" is not a WhatsApp language code \(e\.g\. hi, en, en_US\)/,
				),
				expect.stringMatching(/^variants\.facebook\.link: "nope" is not an http\(s\) URL/),
			]),
		);
		expect(() => validateDraft(null)).toThrow(/content must be an object/);
		expect(() => validateDraft({ ...draft(), title: '' })).toThrow(
			expect.objectContaining({ code: 'CONTENT_INVALID', action: 'fix_content' }),
		);
	});
});

describe('content state machine (core/content/state.ts)', () => {
	test('allowed and refused transitions', () => {
		expect(nextState('draft', 'submit')).toBe('pending');
		expect(nextState('pending', 'approve')).toBe('approved');
		expect(nextState('pending', 'reject')).toBe('rejected');
		expect(nextState('pending', 'request_changes')).toBe('changes_requested');
		expect(nextState('pending', 'expire')).toBe('draft');
		expect(nextState('approved', 'edit')).toBe('draft');
		expect(nextState('approved', 'publish')).toBe('published');
		expect(canTransition('draft', 'publish')).toBe(false);
		expect(canTransition('rejected', 'publish')).toBe(false);
		expect(canTransition('changes_requested', 'submit')).toBe(false);
		expect(() => nextState('draft', 'approve', 7)).toThrow('content 7 is draft: cannot approve (allowed from pending)');
		expect(() => nextState('published', 'edit', 7)).toThrow(expect.objectContaining({ code: 'CONTENT_PUBLISHED' }));
	});
});

describe('decision page', () => {
	test('bilingual, phone-sized, escapes what people typed, shows the hash and every channel', () => {
		const d = validateDraft(draft({ bodyEn: 'Click <script>alert(1)</script> & win' }));
		const c = {
			...d,
			id: 5,
			districtId: 1,
			state: 'pending' as const,
			contentHash: contentHash(d),
			approvedHash: null,
			approvedBy: null,
			approvedAt: null,
			createdBy: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			imageUrl: d.imageUrl ?? null,
			targetDate: d.targetDate ?? null,
			variants: d.variants ?? {},
			channels: d.channels ?? null,
		};
		const html = renderDecisionPage({
			preview: buildPreview(c),
			decision: 'rejected',
			formAction: '/webhook-waiting/1/n?decision=reject&nonce=x&signature=y',
			approver: 'Addl SP',
			timeZone: 'Asia/Kolkata',
			level: 1,
			deadlineAt: new Date('2026-12-01T05:00:00Z'),
			otherLinks: { approved: '/a', rejected: '/r', changes_requested: '/c' },
		});
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; win');
		expect(html).not.toContain('<script>');
		expect(html).toContain('name="viewport"');
		expect(html).toContain('अस्वीकार करें / Reject');
		expect(html).toContain('स्वीकृत करें / Approve');
		expect(html).toContain(c.contentHash);
		expect(html).toContain('1 Dec 2026');
		for (const ch of ['WhatsApp · हिंदी', 'WhatsApp · English', '>X<', 'Instagram', 'Facebook']) expect(html).toContain(ch);
		expect(html).toContain('action="/webhook-waiting/1/n?decision=reject&amp;nonce=x&amp;signature=y"');
	});
});
