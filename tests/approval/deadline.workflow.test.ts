import { approvalsOfContent } from '../../core/approvals';
import type { ContentService } from '../../core/content';
import { APPROVER, SECOND } from './fixtures';
import { describeEachEngine } from '../helpers/db';
import { approvalRig } from './rig';

/** Reminders, escalation to the second approver and expiry, through the sweep and the settle link. */
describeEachEngine('Mitan Approval: deadlines', (ctx) => {
	const rig = approvalRig(ctx);
	const { request, post, messagesTo, actions, latest, sweep, pastDeadline } = rig;
	let content: ContentService;
	beforeAll(() => {
		({ content } = rig);
	});

	test('deadline → escalation to the second approver, whose approval continues the run', async () => {
		const { c, run, a } = await request({
			onDeadline: 'escalate',
			escalateToPhone: SECOND,
			escalateToName: 'SP Kabirdham',
			escalationMinutes: 30,
			remindBefore: 0,
		});
		expect(a.onDeadline).toBe('escalate');
		expect(await sweep()).toEqual([]);
		await pastDeadline(a);
		const swept = await sweep();
		expect(swept).toEqual([expect.objectContaining({ action: 'escalate', approvalId: a.id, status: 200 })]);
		expect(latest(run).status).toBe('waiting');

		const rows = await approvalsOfContent(ctx.db, c.id);
		expect(rows.map((r) => [r.level, r.decision])).toEqual([
			[1, 'escalated'],
			[2, null],
		]);
		const l2 = rows[1];
		expect(l2).toMatchObject({
			approver: 'SP Kabirdham',
			approverPhone: '+919876500002',
			escalatedFrom: a.id,
			onDeadline: 'reject',
			executionId: a.executionId,
		});
		expect(l2.deadlineAt!.getTime() - Date.now()).toBeGreaterThan(25 * 60_000);
		// The second approver has not written to the number: the request arrives as the utility template.
		expect(
			(await messagesTo(SECOND)).some(
				(m) => m.template === 'mitan_approval_request' && m.urls?.[0] === l2.links.approve && m.rendered?.includes('समय-सीमा बीती'),
			),
		).toBe(true);
		expect((await content.get(c.id)).state).toBe('pending');

		// The first approver's links died with the escalation.
		const late = await post(a.links.approve!, { contentHash: c.contentHash });
		expect(late.status).toBe(409);
		expect(latest(run).status).toBe('waiting');

		const ok = await post(l2.links.approve!, { contentHash: c.contentHash });
		expect(ok.status).toBe(200);
		const done = latest(run);
		expect(done.output('Approval', 0)).toEqual([expect.objectContaining({ decision: 'approved', level: 2, approver: 'SP Kabirdham' })]);
		expect(await actions(c.id)).toEqual([
			'content.created',
			'approval.requested',
			'approval.preview_sent',
			'approval.escalated',
			'approval.preview_sent',
			'approval.refused',
			'approval.decided',
		]);
	});

	test('deadline with nobody to escalate to → rejected output with decision "expired"; the content goes back to draft', async () => {
		const { c, run, a } = await request({ onDeadline: 'reject' });
		await pastDeadline(a);
		expect(await sweep()).toEqual([expect.objectContaining({ action: 'expire', status: 200 })]);
		const done = latest(run);
		expect(done.status).toBe('success');
		expect(done.output('Approval', 1)).toEqual([
			expect.objectContaining({ decision: 'expired', approved: false, decidedBy: 'system:deadline' }),
		]);
		expect(done.ran('On rejected')).toBe(true);
		expect((await content.get(c.id)).state).toBe('draft');
		expect(await sweep()).toEqual([]);
		expect(await actions(c.id)).toContain('approval.expired');
	});

	test('a reminder goes out before the deadline, once', async () => {
		const { c, a } = await request({ remindBefore: 30 });
		expect(a.remindAt).not.toBeNull();
		await ctx.db.query(`UPDATE approvals SET remind_at = now() - interval '1 second' WHERE id = $1`, [a.id]);
		expect(await sweep()).toEqual([
			expect.objectContaining({ action: 'remind', approvalId: a.id, wamid: expect.stringMatching(/^wamid/) }),
		]);
		expect(await sweep()).toEqual([]);
		expect(
			(await messagesTo(APPROVER)).some(
				(m) => m.template === 'mitan_approval_request' && m.rendered?.includes('अनुस्मारक') && m.urls?.[0] === a.links.approve,
			),
		).toBe(true);
		expect(await actions(c.id)).toContain('approval.reminded');
	});
});
