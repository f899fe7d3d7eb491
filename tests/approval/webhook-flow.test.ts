import { createHmac } from 'crypto';
import {
	answerApprovalWebhook,
	deadlineFrom,
	newNonce,
	requestApproval,
	signLinks,
	type ApprovalMessage,
	type Signer,
	type WebhookCall,
} from '../../core/approvals';
import { auditTrail } from '../../core/audit';
import { ContentService } from '../../core/content';
import { describeEachEngine } from '../helpers/db';
import { APPROVER, draft } from './fixtures';

/**
 * The webhook's decision flow without n8n (core/approvals/webhook-flow.ts): each kind of bad or
 * early link gets its status from the error catalogue, a refusal in the audit log, and no resume.
 * The signer signs like n8n's getSignedResumeUrl: HMAC-SHA256 over the path and query.
 */
const SECRET = 'test-instance-secret';
const signerFor = (executionId: string): Signer => ({
	getSignedResumeUrl(parameters: Record<string, string> = {}) {
		const u = new URL(`http://n8n.test/webhook-waiting/${executionId}/approval`);
		for (const [k, v] of Object.entries(parameters)) u.searchParams.set(k, v);
		u.searchParams.set('signature', createHmac('sha256', SECRET).update(`${u.pathname}${u.search}`).digest('hex'));
		return u.toString();
	},
});
const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

describeEachEngine('approval webhook flow (core)', (ctx) => {
	const sent: { to: string; message: ApprovalMessage }[] = [];
	const ports = (executionId: string) => ({
		db: ctx.db,
		signer: signerFor(executionId),
		send: async (to: string, message: ApprovalMessage) => {
			sent.push({ to, message });
			return `wamid.${sent.length}`;
		},
	});
	const call = (url: string, over: Partial<WebhookCall> = {}): WebhookCall => ({
		method: 'GET',
		query: queryOf(url),
		body: {},
		ip: '10.9.8.7',
		userAgent: 'test',
		url,
		executionId: 'exec-1',
		...over,
	});
	async function requested(executionId = 'exec-1', deadlineAt: Date | null = null) {
		const c = await new ContentService(ctx.db).create(draft(), 'user:cybercell');
		const nonce = newNonce();
		const links = signLinks(signerFor(executionId), nonce);
		const { approval } = await requestApproval(ctx.db, {
			contentId: c.id,
			approverPhone: APPROVER,
			nonce,
			links,
			executionId,
			deadlineAt,
			actor: 'test',
		});
		return { c, a: approval, links };
	}
	const refusals = async (contentId: number) =>
		(await auditTrail(ctx.db, 'content', contentId)).filter((e) => e.action === 'approval.refused').map((e) => e.details.reason);

	test('GET of a valid link shows the decision page and records the view; nothing resumes', async () => {
		const { c, links } = await requested('exec-1', new Date(Date.now() + 3600_000));
		const answer = await answerApprovalWebhook(call(links.approve), ports('exec-1'));
		expect(answer).toMatchObject({ status: 200 });
		expect(answer.resume).toBeUndefined();
		expect(answer.html).toContain(c.contentHash);
		expect(answer.html).toMatch(/Deadline: \d{1,2} \w{3} \d{4}, \d{2}:\d{2} IST/); // on the district's clock
		expect((await auditTrail(ctx.db, 'content', c.id)).map((e) => e.action)).toContain('approval.viewed');
	});

	test('malformed, forged, unknown and other-execution links: 403, refused and audited', async () => {
		const { c, a, links } = await requested();
		const malformed = await answerApprovalWebhook(call(links.approve, { query: { decision: 'approve', nonce: 'short' } }), ports('exec-1'));
		expect(malformed.status).toBe(403);
		const forged = new URL(links.approve);
		forged.searchParams.set('decision', 'reject'); // the signature was for approve
		expect((await answerApprovalWebhook(call(forged.toString()), ports('exec-1'))).status).toBe(403);
		const stranger = signLinks(signerFor('exec-1'), newNonce()).approve; // signed, but never issued
		expect((await answerApprovalWebhook(call(stranger), ports('exec-1'))).status).toBe(403);
		// Signed by this instance for another waiting execution, with this request's nonce.
		const other = signLinks(signerFor('exec-2'), a.nonce!).approve;
		const elsewhere = await answerApprovalWebhook(call(other, { executionId: 'exec-2' }), ports('exec-2'));
		expect(elsewhere).toMatchObject({ status: 403 });
		expect(elsewhere.resume).toBeUndefined();
		expect(await refusals(c.id)).toEqual(['bad_signature', 'wrong_execution']);
		expect(a.decision).toBeNull();
	});

	test('the settle link answers only POST, and 409 while nothing is due', async () => {
		const { a, links } = await requested('exec-1', new Date(Date.now() + 3600_000));
		expect((await answerApprovalWebhook(call(links.settle), ports('exec-1'))).status).toBe(405);
		const early = await answerApprovalWebhook(call(links.settle, { method: 'POST' }), ports('exec-1'));
		expect(early).toEqual({ status: 409, json: { settled: false, reason: 'not_due', approvalId: a.id } });
	});

	test('POST of a decision: a missing comment is 400, a stale hash 409, then one decision resumes once', async () => {
		const { c, links } = await requested();
		const noComment = await answerApprovalWebhook(
			call(links.changes, { method: 'POST', body: { contentHash: c.contentHash } }),
			ports('exec-1'),
		);
		expect(noComment.status).toBe(400);
		const stale = await answerApprovalWebhook(
			call(links.approve, { method: 'POST', body: { contentHash: 'f'.repeat(64) } }),
			ports('exec-1'),
		);
		expect(stale.status).toBe(409);
		const ok = await answerApprovalWebhook(call(links.approve, { method: 'POST', body: { contentHash: c.contentHash } }), ports('exec-1'));
		expect(ok.status).toBe(200);
		expect(ok.resume?.approval).toMatchObject({ decision: 'approved', decidedVia: 'link' });
		const replay = await answerApprovalWebhook(
			call(links.reject, { method: 'POST', body: { contentHash: c.contentHash } }),
			ports('exec-1'),
		);
		expect(replay.status).toBe(409);
		expect(replay.resume).toBeUndefined();
		expect(await refusals(c.id)).toEqual(['COMMENT_REQUIRED', 'APPROVAL_HASH_MISMATCH', 'replay']);
	});
});

describe('deadlineFrom: the node’s deadline parameters', () => {
	const now = new Date('2026-03-01T04:00:00Z');
	test('an interval, a clock time in the workflow’s zone, or none; a reminder in the past is dropped', () => {
		expect(deadlineFrom({ type: 'none' }, 30, now)).toEqual({ deadlineAt: null, remindAt: null });
		expect(deadlineFrom({ type: 'afterTimeInterval', amount: 2, unit: 'hours' }, 30, now)).toEqual({
			deadlineAt: new Date('2026-03-01T06:00:00Z'),
			remindAt: new Date('2026-03-01T05:30:00Z'),
		});
		expect(deadlineFrom({ type: 'atSpecifiedTime', at: '2026-03-01T10:00:00', timeZone: 'Asia/Kolkata' }, 60, now)).toEqual({
			deadlineAt: new Date('2026-03-01T04:30:00Z'),
			remindAt: null, // 03:30 UTC is already past
		});
	});
	test('bad parameters name the field', () => {
		expect(() => deadlineFrom({ type: 'afterTimeInterval', amount: 0, unit: 'hours' }, 0, now)).toThrow(
			expect.objectContaining({ code: 'DEADLINE_INVALID', details: { field: 'deadlineAmount' } }),
		);
		expect(() => deadlineFrom({ type: 'afterTimeInterval', amount: 2, unit: 'weeks' }, 0, now)).toThrow(/"2 weeks" is not a positive/);
		expect(() => deadlineFrom({ type: 'atSpecifiedTime', at: 'tomorrow', timeZone: 'Asia/Kolkata' }, 0, now)).toThrow(
			expect.objectContaining({ code: 'DEADLINE_INVALID', details: { field: 'deadlineAt' } }),
		);
	});
});
