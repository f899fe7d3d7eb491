/**
 * One publish gate for every channel: approved text changed in the database behind the content
 * service's back (content_hash and approved_hash untouched, so only a recomputed hash can tell) is
 * refused by the WhatsApp broadcast, by Facebook, Instagram and X (in core and through the Mitan
 * Publish node) and by the media ingest, all with the same code and action. Nothing reaches the
 * sandbox and nothing is written.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import { createBroadcast } from '../../core/broadcast';
import { postChannels } from '../../core/channels/registry';
import { ingestContentImage } from '../../core/media/ingest';
import { loadPublishableContent } from '../../core/publishing/content';
import { describeEachEngine } from '../helpers/db';
import { nodeType } from '../helpers/n8n';
import { call } from '../sandbox/helpers';
import {
	ingestOverHttp,
	insertContent,
	rejected as refusal,
	uniq,
	usePublishEnvironment,
	PUBLISH_NODE_CREDENTIALS as CREDS,
} from './helpers';

const VOID = { code: 'APPROVAL_VOID', action: 'fix_content' };

describeEachEngine('one publish gate for every channel', (ctx) => {
	const env = usePublishEnvironment(ctx);

	/** Approved content for every channel, then its Hindi text rewritten by plain SQL. */
	async function tampered(): Promise<number> {
		const tag = uniq();
		const id = await insertContent(ctx.db, {
			imageUrl: `${env.images.url}/ok.jpg`,
			variants: {
				whatsapp: { templates: { hi: { name: 'daily_awareness', language: 'hi', params: [`संदेश ${tag}`] } } },
				x: { text: `X ${tag}` },
				instagram: { caption: `IG ${tag}` },
				facebook: { text: `FB ${tag}` },
			},
		});
		await loadPublishableContent(ctx.db, id); // approved as it stands: the gate lets it through
		await ctx.db.query(`UPDATE content SET body_hi = body_hi || ' (बदला हुआ)' WHERE id = $1`, [id]);
		return id;
	}

	const counts = async () => {
		const [r] = await ctx.db.query<{ b: number; p: number; m: number }>(
			`SELECT (SELECT count(*) FROM broadcasts)::int AS b, (SELECT count(*) FROM social_posts)::int AS p, (SELECT count(*) FROM media)::int AS m`,
		);
		const posts = (await call(env.sb.url, 'GET', '/_sandbox/posts?limit=1000')).body;
		return { ...r, sandbox: posts.facebook.length + posts.x.length + posts.instagram.media.length };
	};

	test('WhatsApp broadcast, Facebook, Instagram, X and the media ingest refuse it alike; nothing is sent or written', async () => {
		const id = await tampered();
		const before = await counts();

		const whatsapp = await refusal(
			createBroadcast(ctx.db, { contentId: id, templates: { hi: { name: 'daily_awareness', params: ['x'] } }, date: '2026-12-01' }),
		);
		expect(whatsapp).toMatchObject(VOID);

		// Facebook, Instagram and X load their content through the same gate…
		expect(await refusal(loadPublishableContent(ctx.db, id))).toMatchObject(VOID);
		// …and the Mitan Publish node refuses it for each of them.
		for (const channel of postChannels()) {
			const node: INode = {
				id: 'p',
				name: 'Publish',
				type: nodeType('mitanPublish'),
				typeVersion: 1,
				position: [0, 0],
				credentials: CREDS,
				parameters: {
					resource: 'post',
					operation: 'publish',
					channels: [channel],
					contentSource: 'byId',
					contentId: id,
				} as INodeParameters,
			};
			const r = await env.h.run({ name: `gate ${channel}`, nodes: [node], connections: {} });
			expect([channel, r.status]).toEqual([channel, 'error']);
			expect([channel, (r.error as unknown as { context?: Record<string, unknown> }).context]).toEqual([
				channel,
				expect.objectContaining(VOID),
			]);
		}

		expect(await refusal(ingestContentImage(ctx.db, id, env.media.url))).toMatchObject(VOID);
		const res = await ingestOverHttp(ctx.db, env.media.url, id);
		expect(res.status).toBe(409); // APPROVAL_VOID: the text moved on since its approval
		expect(res.body.error).toMatchObject(VOID);

		expect(await counts()).toEqual(before);
	});

	test('state and a mismatched approval are refused the same way on every path', async () => {
		const pending = await insertContent(ctx.db, { state: 'pending', approved: false });
		const notApproved = { code: 'CONTENT_NOT_APPROVED', action: 'fix_input' };
		expect(await refusal(createBroadcast(ctx.db, { contentId: pending, templates: { hi: { name: 'daily_awareness' } } }))).toMatchObject(
			notApproved,
		);
		expect(await refusal(loadPublishableContent(ctx.db, pending))).toMatchObject(notApproved);
		expect(await refusal(ingestContentImage(ctx.db, pending, env.media.url))).toMatchObject(notApproved);

		const unbound = await insertContent(ctx.db);
		await ctx.db.query(`UPDATE content SET approved_hash = 'another' WHERE id = $1`, [unbound]);
		expect(await refusal(createBroadcast(ctx.db, { contentId: unbound, templates: { hi: { name: 'daily_awareness' } } }))).toMatchObject(
			VOID,
		);
		expect(await refusal(loadPublishableContent(ctx.db, unbound))).toMatchObject(VOID);
	});
});
