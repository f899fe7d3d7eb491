import { approvalsOfContent, decide, listPending, resumeExecution } from '../../core/approvals';
import { auditTrail } from '../../core/audit';
import { assertPublishable, type ContentService } from '../../core/content';
import { N8nHarness } from '../helpers/n8n';
import { approvalWorkflow, draft } from './fixtures';
import { describeEachEngine } from '../helpers/db';
import type { Started } from '../sandbox/helpers';
import { approvalRig } from './rig';
import type { WaitingWebhookServer } from './webhook-helper';

/** An edit voids approvals; a dashboard decision resumes the run; bad requests leave nothing half-written. */
describeEachEngine('Mitan Approval: edits, the dashboard and bad requests', (ctx) => {
	const rig = approvalRig(ctx);
	const { request, post, get, actions, latest, sweep } = rig;
	let sb: Started;
	let srv: WaitingWebhookServer;
	let h: N8nHarness;
	let content: ContentService;
	beforeAll(() => {
		({ sb, srv, h, content } = rig);
	});

	test('an edit after approval voids it; an edit while pending voids the request and resumes by output 2', async () => {
		const first = await request();
		await post(first.a.links.approve!, { contentHash: first.c.contentHash });
		expect((await content.get(first.c.id)).state).toBe('approved');
		const edited = await content.update(
			first.c.id,
			draft({ variants: { ...(draft().variants as object), x: { text: 'Changed after approval' } } }),
			'user:cybercell',
		);
		expect(edited).toMatchObject({ state: 'draft', approvedHash: null });
		expect(edited.contentHash).not.toBe(first.c.contentHash);
		expect(() => assertPublishable(edited)).toThrow(/not approved/);
		await expect(content.markPublished(first.c.id, first.c.contentHash, 'system:publish')).rejects.toMatchObject({
			code: 'CONTENT_NOT_APPROVED',
		});
		expect(
			(await auditTrail(ctx.db, 'content', first.c.id)).filter((e) => e.action === 'approval.voided').map((e) => e.details.reason),
		).toEqual(['edited_after_approval']);

		const second = await request();
		await content.update(second.c.id, draft({ bodyEn: 'A different English text' }), 'user:cybercell');
		expect((await approvalsOfContent(ctx.db, second.c.id))[0].decision).toBe('voided');
		const page = await get(second.a.links.approve!);
		expect(page.status).toBe(409);
		expect(page.text).toContain('The content has changed');
		const swept = await sweep();
		expect(swept).toEqual([expect.objectContaining({ action: 'resume', approvalId: second.a.id, status: 200 })]);
		expect(latest(second.run).output('Approval', 2)).toEqual([expect.objectContaining({ decision: 'voided' })]);
	});

	test('the dashboard queue: pending items with full preview; a dashboard decision resumes the run', async () => {
		const { c, run, a } = await request();
		const queue = await listPending(ctx.db, 1);
		// The state view (null: every district, one query): here only district 1 has open requests.
		expect((await listPending(ctx.db, null)).map((q) => q.approvalId)).toEqual(queue.map((q) => q.approvalId));
		const item = queue.find((q) => q.approvalId === a.id)!;
		expect(item).toMatchObject({
			level: 1,
			approver: 'Addl SP Kabirdham',
			approverPhoneMasked: '+91 98XXXXX001',
			overdue: false,
			contentHash: c.contentHash,
		});
		expect(item.preview.channels.map((ch) => ch.channel)).toEqual(['whatsapp', 'whatsapp', 'facebook', 'instagram', 'x']); // the registry's order
		expect(item.preview.channels.find((ch) => ch.channel === 'x')).toMatchObject({ weightedLength: expect.any(Number), limit: 280 });
		expect(await listPending(ctx.db, 2)).toEqual([]);

		await expect(
			decide(ctx.db, {
				approvalId: a.id,
				decision: 'approved',
				actor: 'user:addlsp',
				ip: '10.0.0.5',
				seenHash: 'f'.repeat(64),
				via: 'dashboard',
				districtId: 1,
			}),
		).rejects.toMatchObject({ code: 'APPROVAL_HASH_MISMATCH' });
		await expect(
			decide(ctx.db, {
				approvalId: a.id,
				decision: 'approved',
				actor: 'user:addlsp',
				seenHash: c.contentHash,
				via: 'dashboard',
				districtId: 2,
			}),
		).rejects.toMatchObject({ code: 'APPROVAL_NOT_FOUND' });
		const result = await decide(ctx.db, {
			approvalId: a.id,
			decision: 'approved',
			actor: 'user:addlsp',
			ip: '10.0.0.5',
			seenHash: c.contentHash,
			via: 'dashboard',
			districtId: 1,
		});
		expect(result).toMatchObject({ output: 0, resumeUrl: a.links.settle });
		await expect(
			decide(ctx.db, { approvalId: a.id, decision: 'rejected', actor: 'user:addlsp', seenHash: c.contentHash, via: 'dashboard' }),
		).rejects.toMatchObject({ code: 'APPROVAL_ALREADY_DECIDED' });
		expect((await listPending(ctx.db, 1)).some((q) => q.approvalId === a.id)).toBe(false);

		expect(await resumeExecution(result)).toMatchObject({ ok: true, status: 200 });
		await srv.settled();
		expect(latest(run).output('Approval', 0)).toEqual([
			expect.objectContaining({ decision: 'approved', decidedBy: 'user:addlsp', decidedVia: 'dashboard' }),
		]);
		const second = await resumeExecution(result);
		await srv.settled();
		expect(second).toMatchObject({ status: 200 });
		const trail = await auditTrail(ctx.db, 'content', c.id);
		expect(trail.find((e) => e.action === 'approval.decided')).toMatchObject({ actor: 'user:addlsp', ip: '10.0.0.5' });
		expect(trail.filter((e) => e.action === 'approval.resumed')).toHaveLength(1);
	});

	test('bad requests fail the node with a clear message and leave nothing half-written', async () => {
		const missing = await h.run(approvalWorkflow(), { input: [{ contentId: 999999 }] });
		expect(missing.status).toBe('error');
		expect(missing.error?.message).toMatch(/no content with id 999999/);

		const c = await content.create(draft(), 'user:cybercell');
		const badPhone = await h.run(approvalWorkflow({ approverPhone: '12345' }), { input: [{ contentId: c.id }] });
		expect(badPhone.error?.message).toMatch(/approver phone "12345": too short/);
		const noEscalation = await h.run(approvalWorkflow({ onDeadline: 'escalate', escalateToPhone: '' }), { input: [{ contentId: c.id }] });
		expect(noEscalation.error?.message).toMatch(/second approver/);
		const two = await h.run(approvalWorkflow(), { input: [{ contentId: c.id }, { contentId: c.id }] });
		expect(two.error?.message).toMatch(/one decision per execution but received 2 items/);
		const pastTime = await h.run(approvalWorkflow({ deadlineType: 'atSpecifiedTime', deadlineAt: '2020-01-01T10:00:00' }), {
			input: [{ contentId: c.id }],
		});
		expect(pastTime.error?.message).toMatch(/not in the future/);
		expect(await approvalsOfContent(ctx.db, c.id)).toEqual([]);
		expect((await content.get(c.id)).state).toBe('draft');

		// Content that is already approved cannot be sent for approval again without an edit.
		const { c: approved, a } = await request();
		await post(a.links.approve!, { contentHash: approved.contentHash });
		const again = await h.run(approvalWorkflow(), { input: [{ contentId: approved.id }] });
		expect(again.error?.message).toMatch(/is approved: cannot submit/);

		// The preview cannot be sent (bad token): the request is void at once, the draft is back.
		const badWa = new N8nHarness({
			credentials: {
				...h.credentials,
				mitanWhatsAppApi: { accessToken: 'wrong-token', phoneNumberId: '100000000000001', baseUrl: sb.url },
			},
		});
		const c4 = await content.create(draft(), 'user:cybercell');
		const unsent = await badWa.run(approvalWorkflow(), { input: [{ contentId: c4.id }] });
		expect(unsent.status).toBe('error');
		expect((await approvalsOfContent(ctx.db, c4.id)).map((x) => x.decision)).toEqual(['voided']);
		expect((await content.get(c4.id)).state).toBe('draft');
		expect(await actions(c4.id)).toEqual(['content.created', 'approval.requested', 'approval.send_failed']);

		// A clock-time deadline is read in the workflow's timezone (IST).
		const future = await request({ deadlineType: 'atSpecifiedTime', deadlineAt: '2099-03-01T10:30:00', onDeadline: 'reject' });
		expect(future.a.deadlineAt!.toISOString()).toBe('2099-03-01T05:00:00.000Z');
	});
});
