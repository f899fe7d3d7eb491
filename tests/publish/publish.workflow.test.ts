/**
 * The Mitan Publish node in n8n-core's engine, against the sandbox over HTTP: one workflow that
 * publishes approved content to all three networks and then pulls their metrics; run twice,
 * exactly one post per network. Instagram gets its image through the gateway's media store.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import { mitanXConnectionTest } from '../../nodes/shared/channels';
import { describeEachEngine } from '../helpers/db';
import { nodeType, type WorkflowJson } from '../helpers/n8n';
import { call } from '../sandbox/helpers';
import { insertContent, uniq, usePublishEnvironment, PUBLISH_NODE_CREDENTIALS, X_OAUTH1 } from './helpers';

function publishNode(name: string, parameters: INodeParameters, extra: Partial<INode> = {}): INode {
	return {
		id: name,
		name,
		type: nodeType('mitanPublish'),
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: PUBLISH_NODE_CREDENTIALS,
		...extra,
	};
}

describeEachEngine('Mitan Publish node in n8n-core', (ctx) => {
	const env = usePublishEnvironment(ctx);

	const posts = async () => (await call(env.sb.url, 'GET', '/_sandbox/posts?limit=1000')).body;

	const dailyWorkflow = (): WorkflowJson => ({
		name: 'daily publish',
		nodes: [
			publishNode('Publish', {
				resource: 'post',
				operation: 'publish',
				channels: ['facebook', 'instagram', 'x'],
				contentSource: 'byId',
				contentId: '={{ $json.contentId }}',
				options: { gatewayUrl: env.media.url, pollIntervalMs: 100, timeoutSeconds: 10 },
			}),
			publishNode(
				'Metrics',
				{ resource: 'post', operation: 'metrics', metricChannels: ['facebook', 'instagram', 'x'], days: 1 },
				{ executeOnce: true, position: [300, 0] },
			),
		],
		connections: { Publish: { main: [[{ node: 'Metrics', type: 'main', index: 0 }]] } },
		settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
	});

	test('publish approved content to all three networks, then pull metrics; a second run posts nothing new', async () => {
		const tag = uniq();
		const id = await insertContent(ctx.db, {
			imageUrl: `${env.images.url}/img.png`,
			variants: {
				x: { text: `X ${tag} 1930` },
				instagram: { caption: `IG ${tag}` },
				facebook: { text: `FB ${tag}`, link: 'https://cybercrime.gov.in' },
			},
		});
		const first = await env.h.run(dailyWorkflow(), { input: [{ contentId: id }] });
		expect(first.error).toBeUndefined();
		expect(first.status).toBe('success');
		const out = first.output('Publish');
		expect(out.map((o) => [o.channel, o.status])).toEqual([
			['facebook', 'published'],
			['instagram', 'published'],
			['x', 'published'],
		]);
		expect(first.items('Publish').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		const metrics = first.output('Metrics');
		expect(metrics).toHaveLength(1);
		expect(metrics[0]).toMatchObject({ failedPosts: 0 });
		expect(Number(metrics[0].written)).toBeGreaterThan(0);

		const second = await env.h.run(dailyWorkflow(), { input: [{ contentId: id }] });
		expect(second.status).toBe('success');
		expect(second.output('Publish').map((o) => [o.channel, o.status, o.externalId])).toEqual(
			out.map((o) => [o.channel, 'already_published', o.externalId]),
		);

		const p = await posts();
		expect(p.facebook.filter((x: { message?: string }) => x.message?.startsWith(`FB ${tag}`))).toHaveLength(1);
		expect(p.instagram.media.filter((x: { caption?: string }) => x.caption === `IG ${tag}`)).toHaveLength(1);
		expect(p.x.filter((x: { text: string }) => x.text === `X ${tag} 1930`)).toHaveLength(1);
		// Instagram fetched a JPEG from the gateway, not the PNG.
		const ig = p.instagram.media.find((x: { caption?: string }) => x.caption === `IG ${tag}`);
		expect(ig.mediaUrl).toMatch(new RegExp(`^${env.media.url}/media/[0-9a-f]{64}\\.jpg$`));
	});

	test('one network failing does not stop the others: continueOnFail gives an error item for that channel only', async () => {
		const tag = uniq();
		const id = await insertContent(ctx.db, { variants: { x: { text: `X ${tag}` }, facebook: { text: `FB ${tag}` } } });
		const wf: WorkflowJson = {
			name: 'partial',
			nodes: [
				publishNode(
					'Publish',
					{ resource: 'post', operation: 'publish', channels: ['instagram', 'facebook', 'x'], contentSource: 'byId', contentId: id },
					{ onError: 'continueRegularOutput' },
				),
			],
			connections: {},
		};
		const r = await env.h.run(wf);
		expect(r.status).toBe('success');
		expect(r.output('Publish').map((o) => [o.channel, o.status, o.code, o.action])).toEqual([
			['instagram', 'failed', 'IG_IMAGE_REQUIRED', 'fix_content'],
			['facebook', 'published', undefined, undefined],
			['x', 'published', undefined, undefined],
		]);
	});

	test('without continueOnFail the run fails, but only after the other networks were posted', async () => {
		const tag = uniq();
		const long = 'सुरक्षित '.repeat(40);
		const id = await insertContent(ctx.db, { variants: { x: { text: long }, facebook: { text: `FB ${tag}` } } });
		const wf: WorkflowJson = {
			name: 'strict',
			nodes: [
				publishNode('Publish', {
					resource: 'post',
					operation: 'publish',
					channels: ['x', 'facebook'],
					contentSource: 'byId',
					contentId: id,
				}),
			],
			connections: {},
		};
		const r = await env.h.run(wf);
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/weighted characters/);
		expect(r.error?.message).toMatch(/done: facebook published/);
		expect((await posts()).facebook.filter((x: { message?: string }) => x.message === `FB ${tag}`)).toHaveLength(1);
	});

	test('inline content needs the explicit flag; unapproved content by id is refused', async () => {
		const inline = (allowInline: boolean): WorkflowJson => ({
			name: 'inline',
			nodes: [
				publishNode('Publish', {
					resource: 'post',
					operation: 'publish',
					channels: ['x'],
					contentSource: 'inline',
					allowInline,
					bodyEn: `inline ${uniq()}`,
				}),
			],
			connections: {},
		});
		const refused = await env.h.run(inline(false));
		expect(refused.status).toBe('error');
		expect(refused.error?.message).toMatch(/not approved/);
		const ok = await env.h.run(inline(true));
		expect(ok.status).toBe('success');
		expect(ok.output('Publish')[0]).toMatchObject({
			channel: 'x',
			status: 'published',
			contentId: null,
			contentKey: expect.stringMatching(/^inline:[0-9a-f]{64}$/),
		});

		const pending = await insertContent(ctx.db, { state: 'pending', approved: false });
		const r = await env.h.run({
			name: 'pending',
			nodes: [
				publishNode('Publish', {
					resource: 'post',
					operation: 'publish',
					channels: ['facebook'],
					contentSource: 'byId',
					contentId: pending,
				}),
			],
			connections: {},
		});
		expect(r.status).toBe('error');
		expect(r.error?.message).toMatch(/only approved content is published/);
	});

	test('X credential test: right and wrong secrets', async () => {
		const ok = await mitanXConnectionTest.call({} as never, {
			id: '3',
			name: 'x',
			type: 'mitanXApi',
			data: { ...X_OAUTH1, baseUrl: env.sb.url },
		});
		expect(ok).toEqual({ status: 'OK', message: expect.stringMatching(/^Connected as \S+/) });
		const bad = await mitanXConnectionTest.call({} as never, {
			id: '3',
			name: 'x',
			type: 'mitanXApi',
			data: { authType: 'oauth2', oauth2Token: 'nope', baseUrl: env.sb.url },
		});
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/401/);
	});
});
