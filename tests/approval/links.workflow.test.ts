import { approvalsOfContent } from '../../core/approvals';
import { auditTrail } from '../../core/audit';
import { assertPublishable, type ContentService } from '../../core/content';
import { APPROVER } from './fixtures';
import { WaitingWebhookServer, withParam } from './webhook-helper';
import { describeEachEngine } from '../helpers/db';
import type { N8nHarness, RunResult } from '../helpers/n8n';
import { approvalRig } from './rig';

/** The approver decides from the links on WhatsApp: page, approve, reject, changes, tampered and replayed links. */
describeEachEngine('Mitan Approval: deciding by the signed links', (ctx) => {
	const rig = approvalRig(ctx);
	const { request, post, get, messagesTo, actions, latest } = rig;
	let srv: WaitingWebhookServer;
	let h: N8nHarness;
	let content: ContentService;
	beforeAll(() => {
		({ srv, h, content } = rig);
	});

	test('run → waiting → the approver opens the page and approves → the run continues by "Approved"', async () => {
		const { c, run, a } = await request();
		expect(a).toMatchObject({
			level: 1,
			approver: 'Addl SP Kabirdham',
			approverPhone: '+919876500001',
			contentHash: c.contentHash,
			decision: null,
		});
		expect(a.executionId).toBe((run as RunResult & { executionId: string }).executionId);
		expect(a.links.approve).toMatch(/\/webhook-waiting\/test-\d+\/approval-node-1\?decision=approve&nonce=[\w-]+&signature=[0-9a-f]{64}$/);
		expect(run.ran('On approved')).toBe(false);
		expect((await content.get(c.id)).state).toBe('pending');

		// The approver has not written to the number in 24 h: the request is the utility template,
		// the decision page's link its URL button (the page offers every decision).
		const sent = await messagesTo(APPROVER.slice(-10));
		const msg = sent.find((m) => m.urls?.[0] === a.links.approve);
		expect(msg).toMatchObject({ type: 'template', template: 'mitan_approval_request' });
		expect(msg?.rendered).toContain('पुलिस मितान');
		expect(msg?.rendered).toContain(c.title);

		const page = await get(a.links.approve!);
		expect(page.status).toBe(200);
		for (const s of [
			c.bodyHi,
			c.bodyEn,
			'यही प्रकाशित होगा',
			'exactly what will be published',
			c.contentHash,
			'daily_awareness',
			'स्वीकृत करें / Approve',
			'https://example.org/army-fraud.jpg',
			'name="viewport"',
		])
			expect(page.text).toContain(s);
		expect(page.text).toContain('#CyberSafety #KabirdhamPolice');
		expect(latest(run).status).toBe('waiting');

		const res = await post(a.links.approve!, { contentHash: c.contentHash, comment: 'ठीक है, भेजें' });
		expect(res.status).toBe(200);
		expect(res.text).toContain('Decision recorded');
		const done = latest(run);
		expect(done.status).toBe('success');
		expect(done.output('Approval', 0)).toEqual([
			expect.objectContaining({
				decision: 'approved',
				approved: true,
				contentId: c.id,
				approvalId: a.id,
				comment: 'ठीक है, भेजें',
				decidedBy: 'approver:Addl SP Kabirdham',
				decidedVia: 'link',
				contentHash: c.contentHash,
				contentState: 'approved',
			}),
		]);
		expect(done.output('Approval', 1)).toEqual([]);
		expect(done.ran('On approved')).toBe(true);
		expect(done.ran('On rejected')).toBe(false);
		expect(done.ran('On changes')).toBe(false);

		const after = await content.get(c.id);
		expect(after).toMatchObject({ state: 'approved', approvedHash: c.contentHash, approvedBy: 'approver:Addl SP Kabirdham' });
		expect(() => assertPublishable(after, c.contentHash)).not.toThrow();

		// The reviewer's view: one approval from request to decision.
		const trail = await auditTrail(ctx.db, 'content', c.id);
		expect(trail.map((e) => e.action)).toEqual([
			'content.created',
			'approval.requested',
			'approval.preview_sent',
			'approval.viewed',
			'approval.decided',
		]);
		const decided = trail.at(-1)!;
		expect(decided).toMatchObject({
			actor: 'approver:Addl SP Kabirdham',
			content_hash: c.contentHash,
			details: expect.objectContaining({ approvalId: a.id, decision: 'approved', via: 'link' }),
		});
		expect(decided.ip).toMatch(/127\.0\.0\.1/);
		expect(JSON.stringify(trail)).not.toContain('9876500001');

		// The same link again: the execution is finished (n8n answers "no action required"), nothing changes.
		const again = await post(a.links.reject!, { contentHash: c.contentHash, comment: 'x' });
		expect(again.text).toContain('No action required');
		expect((await content.get(c.id)).state).toBe('approved');
	});

	test('reject leaves by output 1 with the comment; the content is rejected', async () => {
		const { c, run, a } = await request();
		const res = await post(a.links.reject!, { contentHash: c.contentHash, comment: 'Wrong helpline number' });
		expect(res.status).toBe(200);
		const done = latest(run);
		expect(done.status).toBe('success');
		expect(done.output('Approval', 1)).toEqual([
			expect.objectContaining({ decision: 'rejected', approved: false, comment: 'Wrong helpline number' }),
		]);
		expect(done.ran('On rejected')).toBe(true);
		expect(done.ran('On approved')).toBe(false);
		expect((await content.get(c.id)).state).toBe('rejected');
		expect(() => assertPublishable({ ...c, state: 'rejected' })).toThrow(/not approved/);
	});

	test('request changes needs a comment, then leaves by output 2', async () => {
		const { c, run, a } = await request();
		const page = await get(a.links.changes!);
		expect(page.text).toContain('बदलाव माँगें / Request changes');
		const missing = await post(a.links.changes!, { contentHash: c.contentHash, comment: '  ' });
		expect(missing.status).toBe(400);
		expect(missing.text).toMatch(/comment is required/);
		expect(latest(run).status).toBe('waiting');
		expect((await approvalsOfContent(ctx.db, c.id))[0].decision).toBeNull();

		const res = await post(a.links.changes!, { contentHash: c.contentHash, comment: 'Add the 1930 helpline in the X text' });
		expect(res.status).toBe(200);
		const done = latest(run);
		expect(done.output('Approval', 2)).toEqual([
			expect.objectContaining({ decision: 'changes_requested', comment: 'Add the 1930 helpline in the X text' }),
		]);
		expect(done.ran('On changes')).toBe(true);
		expect((await content.get(c.id)).state).toBe('changes_requested');
		expect(await actions(c.id)).toContain('approval.refused');
	});

	test('a tampered link is refused by n8n and, if it got past n8n, by the node; a replayed valid link is refused by the nonce', async () => {
		const { c, run, a } = await request();
		const forged = withParam(a.links.approve!, 'decision', 'reject');
		const before = srv.n8nRefusals;
		expect((await post(forged, { contentHash: c.contentHash })).status).toBe(401);
		expect(srv.n8nRefusals).toBe(before + 1);

		// The node does not trust its caller: with n8n's check off it refuses the same links itself.
		const unchecked = new WaitingWebhookServer({ checkSignatureLikeN8n: false });
		await unchecked.start();
		unchecked.attach(h);
		unchecked.track(run);
		const base = unchecked.url;
		const rebased = (link: string) => base + new URL(link).pathname + new URL(link).search;
		try {
			for (const bad of [
				forged,
				withParam(a.links.approve!, 'nonce', 'A'.repeat(24)),
				withParam(a.links.approve!, 'signature', '0'.repeat(64)),
			]) {
				const r = await fetch(rebased(bad), { method: 'POST', body: new URLSearchParams({ contentHash: c.contentHash }) });
				expect(r.status).toBe(403);
				expect(await r.text()).toContain('Invalid link');
			}
			// The settle link cannot decide anything before the deadline.
			const early = await fetch(rebased(a.links.settle!), { method: 'POST' });
			expect(early.status).toBe(409);
			expect(await early.json()).toMatchObject({ settled: false, reason: 'not_due' });
			expect(unchecked.latest(run).status).toBe('waiting');

			// Two valid links of the same set posted at once (both see the execution waiting): one wins.
			// Truly concurrent only on PostgreSQL: the embedded engine is one connection (see report).
			const send = (link: string) => fetch(rebased(link), { method: 'POST', body: new URLSearchParams({ contentHash: c.contentHash }) });
			const results =
				ctx.t.engine === 'postgres'
					? await Promise.all([send(a.links.approve!), send(a.links.reject!)])
					: [await send(a.links.approve!), await send(a.links.reject!)];
			await unchecked.settled();
			const statuses = await Promise.all(results.map(async (r) => `${r.status} ${r.status >= 500 ? await r.text() : ''}`.trim()));
			expect(statuses.sort()).toEqual(['200', '409']);
			const done = unchecked.latest(run);
			expect(done.status).toBe('success');
			expect(done.output('Approval', 0).length + done.output('Approval', 1).length).toBe(1);

			// Replaying the winning link on the (stale) waiting execution: refused, nothing resumes twice.
			unchecked.track(run);
			const replay = await fetch(rebased(a.links.approve!), { method: 'POST', body: new URLSearchParams({ contentHash: c.contentHash }) });
			expect(replay.status).toBe(409);
			expect(await replay.text()).toContain('A link works only once');
		} finally {
			await unchecked.close();
		}
		const refusals = (await auditTrail(ctx.db, 'content', c.id))
			.filter((e) => e.action === 'approval.refused')
			.map((e) => e.details.reason);
		expect(refusals).toEqual(expect.arrayContaining(['bad_signature', 'replay']));
		expect((await approvalsOfContent(ctx.db, c.id)).filter((x) => x.decision !== null)).toHaveLength(1);
	});
});
