import sharp from 'sharp';
import { approvalsOfContent, decide, newNonce, requestApproval } from '../../core/approvals';
import { createBroadcast } from '../../core/broadcast/create';
import { Authoring, contentCalendar, contentHash, CALENDAR_DAYS } from '../../core/content';
import { FACEBOOK_RULES } from '../../core/channels/facebook';
import { channelImageRules, imageMaxBytes } from '../../core/channels/registry';
import { X_RULES } from '../../core/channels/x';
import { ingestImage } from '../../core/media/ingest';
import { mediaUrl, putMedia } from '../../core/media/store';
import { addDays } from '../../core/time';
import { describeEachEngine } from '../helpers/db';

/** A draft for `day` on every channel, written as an officer would: no own texts except a short X post. */
function draft(day: string, over: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		title: 'वीडियो कॉल ठगी / Video-call scam',
		bodyHi: 'अनजान नंबर से वीडियो कॉल न उठाएँ। ठगी हो तो तुरंत 1930 पर कॉल करें।',
		bodyEn: 'Do not take video calls from unknown numbers. Cheated? Call 1930 at once.',
		imageUrl: 'https://example.org/poster.jpg',
		category: 'cyber_fraud',
		targetDate: day,
		channels: ['x', 'whatsapp', 'instagram', 'facebook'],
		variants: { x: { text: 'अनजान वीडियो कॉल न उठाएँ। Call 1930. #CyberSafety' } },
		...over,
	};
}

const links = { approve: 'http://n8n/a', reject: 'http://n8n/r', changes: 'http://n8n/c', settle: 'http://n8n/s' };

describeEachEngine('authoring: drafts, field problems, submit, calendar', (ctx) => {
	let a: Authoring;
	let today: string;
	const count = async (table: string) => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

	beforeAll(async () => {
		a = new Authoring(ctx.db, 1);
		today = await a.today();
	});

	test('a valid draft is saved with its channels (registry order) and a preview per channel', async () => {
		const check = await a.check(draft(addDays(today, 1)));
		expect(check.problems).toEqual([]);
		expect(check.preview.map((p) => p.channel)).toEqual(['whatsapp', 'facebook', 'instagram', 'x']);
		const x = check.preview.find((p) => p.channel === 'x')!;
		expect(x.texts[0]).toMatchObject({
			text: 'अनजान वीडियो कॉल न उठाएँ। Call 1930. #CyberSafety',
			length: X_RULES.length('अनजान वीडियो कॉल न उठाएँ। Call 1930. #CyberSafety'),
		});
		const wa = check.preview.find((p) => p.channel === 'whatsapp')!;
		expect(wa.texts.map((t) => t.lang)).toEqual(['hi', 'en']);
		expect(wa.buttons?.length).toBe(2);
		const c = await a.create(draft(addDays(today, 1)), 'user:editor');
		expect(c).toMatchObject({ state: 'draft', channels: ['whatsapp', 'facebook', 'instagram', 'x'], targetDate: addDays(today, 1) });
		expect((await a.list({ from: today })).map((x) => x.id)).toContain(c.id);
	});

	test('content without a channel choice keeps the hash it always had (existing approvals stay valid)', () => {
		const { channels: _c, ...old } = draft('2026-12-01');
		expect(contentHash({ ...(old as object), channels: null } as never)).toBe(contentHash(old as never));
		expect(contentHash(draft('2026-12-01') as never)).not.toBe(contentHash(old as never));
	});

	describe('each bad input: a clear problem at its field, in Hindi and English, nothing saved', () => {
		const cases: Array<[string, (d: string) => Record<string, unknown>, string, string | undefined]> = [
			[
				'X: the bilingual body is too long by X weighting',
				(d) => draft(d, { variants: {}, bodyHi: 'क'.repeat(250) }),
				'variants.x',
				'X_TOO_LONG',
			],
			['X: its own text is too long', (d) => draft(d, { variants: { x: { text: 'क'.repeat(281) } } }), 'variants.x.text', 'X_TOO_LONG'],
			[
				'Instagram: emoji count 2 (UTF-16)',
				(d) => draft(d, { variants: { instagram: { caption: '🚨'.repeat(1101) } } }),
				'variants.instagram.caption',
				'IG_CAPTION_TOO_LONG',
			],
			[
				'Facebook: its own text is too long, emoji counting 2 (UTF-16)',
				(d) =>
					draft(d, {
						variants: {
							x: { text: 'अनजान वीडियो कॉल न उठाएँ। Call 1930.' },
							// Half the limit in emoji plus one: under it in code points, over it in Facebook's count.
							facebook: { text: '🚨'.repeat(Math.floor(FACEBOOK_RULES.limits.maxTextLength / 2) + 1) },
						},
					}),
				'variants.facebook.text',
				'FB_TOO_LONG',
			],
			['Instagram needs an image', (d) => draft(d, { imageUrl: null }), 'imageUrl', undefined],
			['empty Hindi', (d) => draft(d, { bodyHi: '   ' }), 'bodyHi', undefined],
			['a date in the past', (d) => draft(addDays(d, -2)), 'targetDate', 'CONTENT_DATE_PAST'],
			['no channel', (d) => draft(d, { channels: [] }), 'channels', undefined],
		];
		test.each(cases)('%s', async (_name, make, field, code) => {
			const input = make(addDays(today, 1));
			const before = await count('content');
			const check = await a.check(input);
			expect(check.ok).toBe(false);
			const p = check.problems.find((x) => x.field === field);
			expect(p).toBeDefined();
			if (code) expect(p!.code).toBe(code);
			expect(p!.en).toMatch(/[a-z]/);
			expect(p!.hi).toMatch(/[\u0900-\u097F]/);
			await expect(a.create(input, 'user:editor')).rejects.toMatchObject({
				code: 'CONTENT_INVALID',
				details: { problems: expect.arrayContaining([expect.objectContaining({ field })]) },
			});
			expect(await count('content')).toBe(before);
		});

		test('a file that is not an image: IMAGE_UNREADABLE at the image field, nothing stored', async () => {
			const before = await count('media');
			await expect(ingestImage(ctx.db, { bytes: Buffer.from('GIF89a but not really') }, 'http://127.0.0.1')).rejects.toMatchObject({
				code: 'IMAGE_UNREADABLE',
				details: { field: 'image_url' },
			});
			expect(await count('media')).toBe(before);
			const png = await sharp({ create: { width: 400, height: 800, channels: 3, background: '#c00' } })
				.png()
				.toBuffer();
			const ok = await ingestImage(ctx.db, { bytes: png }, 'http://127.0.0.1');
			expect(ok.url).toMatch(/^http:\/\/127\.0\.0\.1\/media\/[0-9a-f]{64}\.jpg$/);
			expect(ok.width / ok.height).toBeCloseTo(0.8, 2);
		});

		test('WhatsApp: a stored image over the header image limit is refused at the image field when WhatsApp is chosen, and only then', async () => {
			const whatsapp = channelImageRules('whatsapp')!;
			// The media store's JPEG is made to fit every channel (WhatsApp's limit is the smallest).
			expect(imageMaxBytes()).toBe(whatsapp.maxBytes);
			// An image stored larger than that (converted when the store aimed at Instagram's 8 MB alone).
			const bytes = Buffer.alloc(whatsapp.maxBytes + 1, 7);
			const hash = 'e'.repeat(63) + '1';
			await putMedia(ctx.db, { hash, jpeg: bytes, width: 1080, height: 1350 });
			const url = mediaUrl('http://127.0.0.1', hash);
			const before = await count('content');
			const input = draft(addDays(today, 1), { imageUrl: url, channels: ['whatsapp', 'instagram'] });
			const check = await a.check(input);
			expect(check.ok).toBe(false);
			const at = check.problems.filter((x) => x.field === 'imageUrl');
			// Instagram takes up to its own 8 MB: only WhatsApp refuses it.
			expect(at).toEqual([expect.objectContaining({ code: 'WHATSAPP_IMAGE_TOO_LARGE' })]);
			expect(at[0].en).toContain(`WhatsApp takes at most ${whatsapp.maxBytes / (1024 * 1024)} MB`);
			expect(at[0].hi).toMatch(/[\u0900-\u097F]/);
			await expect(a.create(input, 'user:editor')).rejects.toMatchObject({
				code: 'CONTENT_INVALID',
				details: { problems: expect.arrayContaining([expect.objectContaining({ field: 'imageUrl', code: 'WHATSAPP_IMAGE_TOO_LARGE' })]) },
			});
			expect(await count('content')).toBe(before);
			// Without WhatsApp the same image is fine.
			expect((await a.check(draft(addDays(today, 1), { imageUrl: url, channels: ['facebook', 'instagram', 'x'] }))).problems).toEqual([]);
		});

		test('an update with a bad field changes nothing', async () => {
			const c = await a.create(draft(addDays(today, 2)), 'user:editor');
			await expect(a.update(c.id, draft(addDays(today, 2), { bodyHi: '' }), 'user:editor')).rejects.toMatchObject({
				code: 'CONTENT_INVALID',
			});
			expect(await a.get(c.id)).toMatchObject({ bodyHi: c.bodyHi, contentHash: c.contentHash });
		});
	});

	test('submit: only a valid draft goes to the approval starter; the state shows afterwards', async () => {
		const c = await a.create(draft(addDays(today, 3)), 'user:editor');
		const started: number[] = [];
		const start = async (x: { id: number }) => {
			started.push(x.id);
			// What the content-approval workflow does on its webhook: the Mitan Approval node's request.
			await requestApproval(ctx.db, { contentId: x.id, approverPhone: '9876500001', nonce: newNonce(), links, actor: 'n8n:approval' });
		};
		expect((await a.submit(c.id, start)).state).toBe('pending');
		expect(started).toEqual([c.id]);
		await expect(a.submit(c.id, start)).rejects.toMatchObject({ code: 'CONTENT_STATE' });
		expect(started).toEqual([c.id]);

		// Saved yesterday for a day that is now past: refused before anyone is asked.
		const old = await a.create(draft(addDays(today, 1)), 'user:editor');
		await expect(a.submit(old.id, start, new Date(Date.now() + 3 * 86_400_000))).rejects.toMatchObject({ code: 'CONTENT_INVALID' });
		expect(started).toEqual([c.id]);
	});

	test('content not meant for WhatsApp is not broadcast (the channel choice is part of what was approved)', async () => {
		const c = await a.create(draft(addDays(today, 4), { channels: ['x'] }), 'user:editor');
		const { approval } = await requestApproval(ctx.db, {
			contentId: c.id,
			approverPhone: '9876500001',
			nonce: newNonce(),
			links,
			actor: 't',
		});
		await decide(ctx.db, { approvalId: approval.id, decision: 'approved', actor: 'user:asp', seenHash: c.contentHash, via: 'dashboard' });
		const before = await count('broadcasts');
		await expect(
			createBroadcast(ctx.db, {
				contentId: c.id,
				templates: { hi: { name: 'daily_awareness', language: 'hi', params: ['x'] } },
				date: addDays(today, 4),
			}),
		).rejects.toMatchObject({ code: 'CONTENT_CHANNEL_NOT_CHOSEN' });
		expect(await count('broadcasts')).toBe(before);
	});

	test('calendar: 14 days in the district zone; per channel state, rejection reason, reach; unapproved days flagged', async () => {
		const d5 = addDays(today, 5);
		const d6 = addDays(today, 6);
		const rejected = await a.create(draft(d5, { channels: ['whatsapp', 'x'] }), 'user:editor');
		const { approval } = await requestApproval(ctx.db, {
			contentId: rejected.id,
			approverPhone: '9876500001',
			nonce: newNonce(),
			links,
			actor: 't',
		});
		await decide(ctx.db, {
			approvalId: approval.id,
			decision: 'rejected',
			comment: 'हेल्पलाइन नंबर गलत / wrong helpline',
			actor: 'user:addlsp',
			seenHash: rejected.contentHash,
			via: 'dashboard',
		});
		expect((await approvalsOfContent(ctx.db, rejected.id))[0].decision).toBe('rejected');

		const sent = await a.create(draft(d6, { channels: ['facebook'] }), 'user:editor');
		const r2 = await requestApproval(ctx.db, { contentId: sent.id, approverPhone: '9876500001', nonce: newNonce(), links, actor: 't' });
		await decide(ctx.db, {
			approvalId: r2.approval.id,
			decision: 'approved',
			actor: 'user:addlsp',
			seenHash: sent.contentHash,
			via: 'dashboard',
		});
		const [post] = await ctx.db.query<{ id: number }>(
			`INSERT INTO social_posts (district_id, content_id, content_key, channel, state, url, published_at) VALUES (1, $1, $2, 'facebook', 'published', 'https://fb/p/1', now()) RETURNING id`,
			[sent.id, sent.contentHash],
		);
		await ctx.db.query(`INSERT INTO social_metrics (post_id, day, metric, value) VALUES ($1, $2::date, 'reach', 1234)`, [post.id, today]);

		// Seen at 19:00 IST the evening before d6: d5 (rejected) is flagged, d6 (sent) is not.
		const evening = new Date(`${addDays(d6, -1)}T19:00:00+05:30`);
		const cal = await contentCalendar(ctx.db, 1, evening);
		expect(cal.days).toHaveLength(CALENDAR_DAYS);
		expect(cal.timeZone).toBe('Asia/Kolkata');
		const day5 = cal.days.find((d) => d.day === d5)!;
		expect(day5.channels.whatsapp).toEqual([
			expect.objectContaining({ contentId: rejected.id, state: 'rejected', reason: 'हेल्पलाइन नंबर गलत / wrong helpline' }),
		]);
		expect(day5.channels.facebook.some((e) => e.contentId === rejected.id)).toBe(false);
		expect(day5.flagged).toBe(true);
		const day6 = cal.days.find((d) => d.day === d6)!;
		expect(day6.channels.facebook).toEqual([
			expect.objectContaining({ contentId: sent.id, state: 'sent', reach: 1234, url: 'https://fb/p/1' }),
		]);
		expect(day6.flagged).toBe(false);
		// A later day has nothing approved yet, but its evening-before is still to come: not flagged.
		expect(cal.days.find((d) => d.day === addDays(d6, 3))!.flagged).toBe(false);
		expect(day6.approveBy).toBe(new Date(`${addDays(d6, -1)}T18:00:00+05:30`).toISOString());
	});
});
