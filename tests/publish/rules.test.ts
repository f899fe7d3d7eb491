/**
 * Each channel's rules live once, on its adapter: content validation, the approver's preview,
 * broadcast creation and publishing all apply that one copy. Texts with emoji sitting exactly on
 * each boundary pass everywhere (and the sandbox, as strict as Meta, takes them); one unit more is
 * refused everywhere, before anything is sent or stored.
 */
import { buildPreview } from '../../core/approvals';
import { validateTemplates } from '../../core/broadcast';
import { channelRules, createPublisher } from '../../core/channels/registry';
import { awarenessTemplateProblems, awarenessTemplates } from '../../core/channels/whatsapp/awareness-template';
import { editorPreview } from '../../core/content/editor-preview';
import { ContentService } from '../../core/content';
import { MitanError } from '../../core/errors';
import { inlineContent } from '../../core/publishing/content';
import { getPost } from '../../core/publishing/posts';
import { publishOnce } from '../../core/publishing/publish';
import { draft } from '../approval/fixtures';
import { describeEachEngine } from '../helpers/db';
import { startImageServer, startSandbox, type Started } from '../sandbox/helpers';
import { credsFor, uniq } from './helpers';

const FAST = { instagram: { pollIntervalMs: 100 } };

function problemsOf(e: unknown): { field: string; code?: string }[] {
	if (!(e instanceof MitanError)) throw e;
	return (e.details?.['problems'] as { field: string; code?: string }[]) ?? [];
}

/** `n` UTF-16 units of Hindi ending in one emoji (2 units): what an officer really writes. */
const hindiWithEmoji = (units: number, tag = '') => `${tag}${'अ'.repeat(units - 2 - tag.length)}🚨`;

describeEachEngine('channel rules: one copy for validation, preview and publishing', (ctx) => {
	let sb: Started;
	let images: Awaited<ReturnType<typeof startImageServer>>;
	const svc = () => new ContentService(ctx.db);

	beforeAll(async () => {
		sb = await startSandbox({ instagram: { containerProcessingMs: 100 } });
		images = await startImageServer();
	});
	afterAll(async () => {
		await images.close();
		await sb.running.close();
	});

	test('Instagram: a caption of exactly 2,200 units with an emoji passes all three; 2,201 fails all three', async () => {
		const at = hindiWithEmoji(2200, uniq());
		expect([at.length, [...at].length]).toEqual([2200, 2199]);
		const c = await svc().create(draft({ imageUrl: `${images.url}/ok.jpg`, variants: { instagram: { caption: at } } }), 'test');
		expect(buildPreview(c).channels).toEqual([expect.objectContaining({ channel: 'instagram', length: 2200, limit: 2200 })]);
		const ig = createPublisher('instagram', credsFor(sb.url), FAST);
		const out = await publishOnce(ctx.db, ig, inlineContent({ variants: c.variants, imageUrl: c.imageUrl }));
		expect(out.status).toBe('published');

		// 2,200 code points but 2,201 units: counting code points let this pass approval and fail at Meta.
		const over = hindiWithEmoji(2201, uniq());
		expect([over.length, [...over].length]).toEqual([2201, 2200]);
		let refused: unknown;
		await svc()
			.create(draft({ variants: { instagram: { caption: over } } }), 'test')
			.catch((e: unknown) => (refused = e));
		expect(problemsOf(refused)).toEqual([
			{ field: 'variants.instagram.caption', code: 'IG_CAPTION_TOO_LONG', message: expect.any(String) },
		]);
		const preview = buildPreview({ ...c, variants: { instagram: { caption: over } } }).channels[0];
		expect(preview).toMatchObject({ channel: 'instagram', length: 2201, limit: 2200 });
		const content = inlineContent({ variants: { instagram: { caption: over } }, imageUrl: `${images.url}/ok.jpg` });
		await expect(publishOnce(ctx.db, ig, content)).rejects.toMatchObject({ code: 'IG_CAPTION_TOO_LONG', action: 'fix_content' });
		expect(await getPost(ctx.db, content.contentKey, 'instagram')).toBeUndefined(); // refused before anything was written
		// The sandbox counts the same way: sent past our check, it refuses the caption too.
		await expect(ig.publish({ text: over, imageUrl: `${images.url}/ok.jpg` })).rejects.toMatchObject({
			code: 'INSTAGRAM_100',
			action: 'fix_content',
		});
	});

	test('X: 140 emoji are 280 weighted and pass all three; one more character fails all three', async () => {
		const tag = String(Date.now() % 10_000).padStart(4, '0'); // X refuses a duplicate text: 4 digits weigh 4
		const at = `${'🚨'.repeat(138)}${tag}`;
		expect(channelRules('x').length(at)).toBe(280);
		const c = await svc().create(draft({ variants: { x: { text: at } } }), 'test');
		expect(buildPreview(c).channels).toEqual([expect.objectContaining({ channel: 'x', weightedLength: 280, limit: 280 })]);
		const x = createPublisher('x', credsFor(sb.url));
		expect((await publishOnce(ctx.db, x, inlineContent({ variants: c.variants }))).status).toBe('published');

		const over = `${at}!`;
		let refused: unknown;
		await svc()
			.create(draft({ variants: { x: { text: over } } }), 'test')
			.catch((e: unknown) => (refused = e));
		expect(problemsOf(refused)).toEqual([expect.objectContaining({ field: 'variants.x.text', code: 'X_TOO_LONG' })]);
		expect(buildPreview({ ...c, variants: { x: { text: over } } }).channels[0]).toMatchObject({ weightedLength: 281, limit: 280 });
		await expect(publishOnce(ctx.db, x, inlineContent({ variants: { x: { text: over } } }))).rejects.toMatchObject({ code: 'X_TOO_LONG' });
	});

	test('WhatsApp: a template parameter of exactly 1,024 units with an emoji passes validation and broadcast creation; 1,025 fails both', async () => {
		const at = hindiWithEmoji(1024);
		const template = (p: string) => ({ whatsapp: { templates: { hi: { name: 'daily_awareness', language: 'hi', params: [p] } } } });
		const c = await svc().create(draft({ variants: template(at) }), 'test');
		expect(buildPreview(c).channels).toEqual([expect.objectContaining({ channel: 'whatsapp', params: [at] })]);
		expect(validateTemplates({ hi: { name: 'daily_awareness', params: [at] } }).hi!.params).toEqual([at]);

		const over = hindiWithEmoji(1025);
		let refused: unknown;
		await svc()
			.create(draft({ variants: template(over) }), 'test')
			.catch((e: unknown) => (refused = e));
		expect(problemsOf(refused)).toEqual([
			expect.objectContaining({ field: 'variants.whatsapp.templates.hi.params[0]', code: 'WHATSAPP_PARAM_INVALID' }),
		]);
		expect(() => validateTemplates({ hi: { name: 'daily_awareness', params: [over] } })).toThrow(
			expect.objectContaining({ code: 'BROADCAST_INPUT_INVALID', details: { field: 'templates.hi.params[0]' } }),
		);
		// Meta's 132018: no new line, tab or more than four spaces in a parameter, at creation too.
		for (const bad of ['one\ntwo', 'one\ttwo', 'one     two'])
			expect(() => validateTemplates({ hi: { name: 'daily_awareness', params: [bad] } })).toThrow(
				expect.objectContaining({ code: 'BROADCAST_INPUT_INVALID', details: { field: 'templates.hi.params[0]' } }),
			);
	});

	test('bad input names its field and stores nothing', async () => {
		const count = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM content'))[0].n;
		const before = await count();
		let refused: unknown;
		await svc()
			.create(
				draft({
					bodyHi: 'अ'.repeat(4095) + '🚨', // 4,097 units: over WhatsApp's template body and free-text limits
					variants: {
						facebook: { text: 'ok', link: 'javascript:alert(1)' },
						instagram: { caption: Array.from({ length: 31 }, (_, i) => `#टैग${i}`).join(' ') },
						x: { text: '   ' },
					},
				}),
				'test',
			)
			.catch((e: unknown) => (refused = e));
		expect(problemsOf(refused)).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ field: 'bodyHi', code: 'WHATSAPP_TEMPLATE_INVALID' }),
				expect.objectContaining({ field: 'variants.facebook.link', code: 'FB_BAD_LINK' }),
				expect.objectContaining({ field: 'variants.instagram.caption', code: 'IG_TOO_MANY_HASHTAGS' }),
				expect.objectContaining({ field: 'variants.x.text' }),
			]),
		);
		expect(await count()).toBe(before);
	});

	test('a WhatsApp body is a Meta template body: 1,024 units pass at the editor, approval and Meta alike; 1,025 or {{1}} are refused at their field', async () => {
		const count = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM content'))[0].n;
		const before = await count();
		const atLimit = hindiWithEmoji(1024);
		const ok = await svc().create(draft({ bodyHi: atLimit, channels: ['whatsapp'] }), 'test');
		expect(ok.id).toBeGreaterThan(0);
		// The editor's preview counts against the same limit.
		const wa = editorPreview({ bodyHi: atLimit, bodyEn: 'x', channels: ['whatsapp'] })[0];
		expect(wa).toMatchObject({
			channel: 'whatsapp',
			limit: 1024,
			texts: [
				{ lang: 'hi', length: 1024 },
				{ lang: 'en', length: 1 },
			],
		});
		// And the payload that goes to Meta from it is one Meta's rules accept.
		expect(awarenessTemplateProblems({ id: ok.id, bodyHi: atLimit, bodyEn: 'Call 1930 if you lost money.' })).toEqual([]);
		for (const [over, field] of [
			[{ bodyHi: hindiWithEmoji(1025) }, 'bodyHi'],
			[{ bodyEn: 'Send {{1}} to 1930 if you lost money.' }, 'bodyEn'],
		] as const) {
			let refused: unknown;
			await svc()
				.create(draft({ ...over, channels: ['whatsapp', 'facebook'] }), 'test')
				.catch((e: unknown) => (refused = e));
			expect(problemsOf(refused)).toEqual([expect.objectContaining({ field, code: 'WHATSAPP_TEMPLATE_INVALID' })]);
		}
		// No channel chosen means every channel, WhatsApp included.
		await expect(svc().create(draft({ bodyHi: hindiWithEmoji(1025) }), 'test')).rejects.toMatchObject({ code: 'CONTENT_INVALID' });
		// Without WhatsApp the bodies are only replies' text: Facebook takes 2,000 units.
		const fb = await svc().create(draft({ bodyHi: hindiWithEmoji(2000), channels: ['facebook'] }), 'test');
		expect(fb.id).toBeGreaterThan(0);
		expect(await count()).toBe(before + 2);
	});

	test('the preview shows the footer and buttons the template carries, from the one copy of those words', () => {
		const wa = editorPreview({ bodyHi: 'क', bodyEn: 'a', channels: ['whatsapp'] })[0];
		const sent = awarenessTemplates({ id: 1, bodyHi: 'क', bodyEn: 'a' }).payloads;
		for (const lang of ['hi', 'en'] as const) {
			const parts = sent[lang].components;
			expect(wa.footer?.[lang]).toBe(parts.find((c) => c.type === 'FOOTER')?.['text']);
			const buttons = parts.find((c) => c.type === 'BUTTONS')?.['buttons'] as { text: string }[];
			expect(wa.buttons?.map((b) => b[lang])).toEqual(buttons.map((b) => b.text));
		}
	});
});
