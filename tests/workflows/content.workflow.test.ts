import type { INodeParameters } from 'n8n-workflow';
import { decide, newNonce, requestApproval } from '../../core/approvals';
import { closeAllPools } from '../../nodes/shared/db';
import { addDays, todayIn } from '../../core/time';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, nodeType, readWorkflow, type WorkflowJson } from '../helpers/n8n';
import { baseNodeTypes } from './base-nodes';

/** The Mitan Content node in n8n-core: each operation, a refused draft, and the exported Form Trigger flow. */
const node = (name: string, parameters: INodeParameters, extra: Record<string, unknown> = {}) => ({
	id: name,
	name,
	type: nodeType('mitanContent'),
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters,
	credentials: { mitanDatabaseApi: { id: '1', name: 'Mitan DB' } },
	...extra,
});
const one = (parameters: INodeParameters, extra: Record<string, unknown> = {}): WorkflowJson => ({
	name: 'content test',
	nodes: [node('Content', parameters, extra)],
	connections: {},
	settings: { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
});

describeEachEngine('Mitan Content node in n8n-core', (ctx) => {
	let h: N8nHarness;
	const tomorrow = addDays(todayIn('Asia/Kolkata'), 1);
	const fields = (over: INodeParameters = {}): INodeParameters => ({
		title: '={{ $json.title }}',
		bodyHi: '={{ $json.hi }}',
		bodyEn: '={{ $json.en }}',
		category: 'traffic',
		targetDate: '={{ $json.day }}',
		channels: ['whatsapp', 'facebook', 'instagram', 'x'],
		additionalFields: { imageUrl: 'https://example.org/helmet.jpg', xText: 'हेलमेट पहनें। Wear a helmet. #RoadSafety' },
		...over,
	});
	const input = { title: 'हेलमेट / Helmet', hi: 'दोपहिया पर हमेशा हेलमेट पहनें।', en: 'Always wear a helmet on a two-wheeler.', day: tomorrow };

	beforeAll(() => {
		h = new N8nHarness({
			nodeTypes: baseNodeTypes(['formTrigger', 'stickyNote']),
			credentials: { mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url } },
		});
	});
	afterAll(() => closeAllPools());

	test('create → update → get → list by date and state → submit for approval', async () => {
		const created = await h.run(one({ operation: 'create', ...fields() }), { input: [input] });
		expect(created.error?.message).toBeUndefined();
		const [c] = created.output('Content');
		expect(c).toMatchObject({
			state: 'draft',
			targetDate: tomorrow,
			category: 'traffic',
			channels: ['whatsapp', 'facebook', 'instagram', 'x'],
		});
		expect((c.variants as { x: { text: string } }).x.text).toContain('हेलमेट');

		const updated = await h.run(one({ operation: 'update', contentId: c.contentId as number, ...fields() }), {
			input: [{ ...input, en: 'Always wear a helmet, and buckle it.' }],
		});
		expect(updated.output('Content')[0]).toMatchObject({
			contentId: c.contentId,
			bodyEn: 'Always wear a helmet, and buckle it.',
			state: 'draft',
		});

		const got = await h.run(one({ operation: 'get', contentId: c.contentId as number }));
		expect(got.output('Content')[0]).toMatchObject({ contentId: c.contentId, title: 'हेलमेट / Helmet' });

		const drafts = await h.run(one({ operation: 'list', from: tomorrow, to: tomorrow, state: 'draft' }, { alwaysOutputData: true }));
		expect(drafts.output('Content').map((x) => x.contentId)).toContain(c.contentId);
		const approved = await h.run(one({ operation: 'list', from: tomorrow, to: tomorrow, state: 'approved' }, { alwaysOutputData: true }));
		expect(approved.output('Content')).toEqual([{}]);

		const submitted = await h.run(one({ operation: 'submit', contentId: c.contentId as number }));
		expect(submitted.output('Content')[0]).toMatchObject({ contentId: c.contentId, readyForApproval: true, state: 'draft' });
	});

	test('a refused draft: the item fails with CONTENT_INVALID and its problems (continueOnFail keeps the others); nothing saved', async () => {
		const count = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM content'))[0].n;
		const before = await count();
		const r = await h.run(one({ operation: 'create', ...fields({ additionalFields: {} }) }, { onError: 'continueRegularOutput' }), {
			input: [
				{ ...input, day: addDays(tomorrow, -3) },
				{ ...input, hi: '' },
			],
		});
		const out = r.output('Content');
		expect(out).toHaveLength(2);
		for (const o of out) expect(o).toMatchObject({ error: expect.any(String), code: 'CONTENT_INVALID' });
		expect(String(out[0].error)).toMatch(/targetDate .*in the past/);
		expect(String(out[1].error)).toMatch(/bodyHi is required/);
		expect(String(out[0].error)).toMatch(/imageUrl instagram needs an image/);
		expect(await count()).toBe(before);
	});

	test('the channels chosen are the channels posted: Mitan Publish leaves out a network the draft was not meant for', async () => {
		const created = await h.run(one({ operation: 'create', ...fields({ channels: ['whatsapp', 'x'] }) }), { input: [input] });
		const c = created.output('Content')[0] as { contentId: number; contentHash: string };
		const { approval } = await requestApproval(ctx.db, {
			contentId: c.contentId,
			approverPhone: '9876500001',
			nonce: newNonce(),
			links: { approve: 'http://n8n/a', reject: 'http://n8n/r', changes: 'http://n8n/c' },
			actor: 't',
		});
		await decide(ctx.db, { approvalId: approval.id, decision: 'approved', actor: 'user:asp', seenHash: c.contentHash, via: 'dashboard' });
		const r = await h.run({
			name: 'publish',
			nodes: [
				{
					id: 'p',
					name: 'Publish',
					type: nodeType('mitanPublish'),
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						resource: 'post',
						operation: 'publish',
						channels: ['facebook', 'instagram'],
						contentSource: 'byId',
						contentId: c.contentId,
					},
					credentials: { mitanDatabaseApi: { id: '1', name: 'Mitan DB' } },
				},
			],
			connections: {},
		});
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Publish')).toEqual([
			{ channel: 'facebook', status: 'not_chosen', contentId: c.contentId },
			{ channel: 'instagram', status: 'not_chosen', contentId: c.contentId },
		]);
		expect((await ctx.db.query('SELECT id FROM social_posts WHERE content_id = $1', [c.contentId])).length).toBe(0);
	});

	test('the exported flow: a Form Trigger submission becomes a draft', async () => {
		const wf = readWorkflow('workflows/content-draft-form.json');
		const r = await h.run(wf, {
			startNode: 'Save the draft',
			input: [
				{
					'Title / शीर्षक': 'लोन ऐप / Loan apps',
					'Hindi text / हिंदी पाठ': 'बिना जाँच के लोन ऐप डाउनलोड न करें। धमकी मिले तो 1930 पर कॉल करें।',
					'English text / अंग्रेज़ी पाठ': 'Do not install unverified loan apps. Threatened? Call 1930.',
					'Category / श्रेणी': 'Cyber fraud / साइबर धोखाधड़ी',
					'Date / तारीख़': tomorrow,
					'Channels / चैनल': ['WhatsApp', 'X'],
					'Image URL (optional) / चित्र का पता': '',
					'Own X text (optional) / X के लिए अलग पाठ': 'लोन ऐप से सावधान। Call 1930.',
					submittedAt: new Date().toISOString(),
					formMode: 'production',
				},
			],
		});
		expect(r.error?.message).toBeUndefined();
		expect(r.output('Save the draft')[0]).toMatchObject({
			state: 'draft',
			category: 'cyber_fraud',
			targetDate: tomorrow,
			channels: ['whatsapp', 'x'],
			imageUrl: null,
			createdBy: expect.stringMatching(/^n8n:/),
		});
	});
});
