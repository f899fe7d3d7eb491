import { approvalsOfContent, decide, listPending, resumeExecution, type Approval } from '../../core/approvals';
import { auditTrail } from '../../core/audit';
import { assertPublishable, ContentService } from '../../core/content';
import { closeAllPools } from '../../nodes/shared/db';
import { describeEachEngine } from '../helpers/db';
import { N8nHarness, type RunResult } from '../helpers/n8n';
import { startSandbox, type Started } from '../sandbox/helpers';
import { APPROVER, SECOND, approvalWorkflow, draft, sweepWorkflow } from './fixtures';
import { WaitingWebhookServer, withParam } from './webhook-helper';

describeEachEngine('Mitan Approval in n8n-core', (ctx) => {
	let sb: Started;
	let srv: WaitingWebhookServer;
	let h: N8nHarness;
	let content: ContentService;

	beforeAll(async () => {
		sb = await startSandbox({ whatsapp: { pairLimitSeconds: 0 } });
		srv = new WaitingWebhookServer();
		const url = await srv.start();
		h = new N8nHarness({
			webhookWaitingBaseUrl: `${url}/webhook-waiting`,
			credentials: {
				mitanDatabaseApi: { connectBy: 'url', url: ctx.t.url },
				mitanWhatsAppApi: { accessToken: 'sandbox-token', phoneNumberId: '100000000000001', baseUrl: sb.url },
			},
		});
		srv.attach(h);
		content = new ContentService(ctx.db);
	});
	afterAll(async () => {
		await srv.close();
		await closeAllPools();
		await sb.running.close();
	});

	async function request(params: Parameters<typeof approvalWorkflow>[0] = {}, over: Record<string, unknown> = {}) {
		const c = await content.create(draft(over), 'user:cybercell');
		const run = await h.run(approvalWorkflow(params), { input: [{ contentId: c.id }] });
		expect(run.error?.message).toBeUndefined();
		expect(run.status).toBe('waiting');
		srv.track(run);
		const [a] = await approvalsOfContent(ctx.db, c.id);
		return { c, run, a };
	}

	const post = async (link: string, form: Record<string, string>) => {
		const r = await fetch(link, { method: 'POST', body: new URLSearchParams(form) });
		await srv.settled();
		return { status: r.status, text: await r.text() };
	};
	const get = async (link: string) => {
		const r = await fetch(link);
		return { status: r.status, text: await r.text() };
	};
	const messagesTo = async (digits: string) => {
		const r = (await (await fetch(`${sb.url}/_sandbox/whatsapp/messages?limit=1000`)).json()) as {
			data: { waId?: string; input?: string; text?: string }[];
		};
		return r.data.filter((m) => (m.waId ?? m.input ?? '').replace(/\D/g, '').endsWith(digits));
	};
	const actions = async (contentId: number) => (await auditTrail(ctx.db, 'content', contentId)).map((e) => e.action);
	const latest = (run: RunResult) => srv.latest(run);
	const sweep = async () => {
		const r = await h.run(sweepWorkflow());
		expect(r.error?.message).toBeUndefined();
		await srv.settled();
		return r.output('Sweep');
	};
	const pastDeadline = (a: Approval) =>
		ctx.db.query(`UPDATE approvals SET deadline_at = now() - interval '1 minute' WHERE id = $1`, [a.id]);

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

		const sent = await messagesTo(APPROVER.slice(-10));
		const msg = sent.find((m) => m.text?.includes(a.links.approve!));
		expect(msg?.text).toContain('Police Mitan');
		expect(msg?.text).toContain(a.links.reject!);
		expect(msg?.text).toContain(a.links.changes!);

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
		(srv as unknown as { app: unknown }).app; // same server
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
		expect((await messagesTo(SECOND)).some((m) => m.text?.includes(l2.links.approve!) && m.text.includes('Escalated'))).toBe(true);
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
		expect((await messagesTo(APPROVER)).some((m) => m.text?.startsWith('⏰') && m.text.includes(a.links.approve!))).toBe(true);
		expect(await actions(c.id)).toContain('approval.reminded');
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
		const item = queue.find((q) => q.approvalId === a.id)!;
		expect(item).toMatchObject({
			level: 1,
			approver: 'Addl SP Kabirdham',
			approverPhoneMasked: '+91 98XXXXX001',
			overdue: false,
			contentHash: c.contentHash,
		});
		expect(item.preview.channels.map((ch) => ch.channel)).toEqual(['whatsapp', 'whatsapp', 'x', 'instagram', 'facebook']);
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
